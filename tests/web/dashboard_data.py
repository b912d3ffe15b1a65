"""Results files for the dashboard and publish tests: computed once per session from the
shared synthetic registry (``synthetic_dir``, 2013-2014, 2 % of Denmark). Each test module
wraps :func:`results_for` in its own ``results_file`` fixture."""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from naersund.engine.outputs import areas_path
from run_outputs import reseal


@cache
def results_for(synthetic_dir: Path, out_dir: Path) -> Path:
    from naersund.engine.compute import compute
    from naersund.engine.outputs import write_results

    return write_results(compute(synthetic_dir), out_dir / "results.csv")


#: The levels the demo publishes (issue 14): every shipped level.
ALL_LEVELS = ("kommune", "region", "region2027", "kkr", "sundhedsraad", "land")


@cache
def levels_results_for(synthetic_dir: Path, out_dir: Path) -> Path:
    """:func:`results_for` on every shipped area level (``levels.csv`` in ``out_dir``)."""
    from naersund.engine.compute import ComputeOptions, compute
    from naersund.engine.outputs import write_results

    options = ComputeOptions(levels=ALL_LEVELS)
    return write_results(compute(synthetic_dir, options), out_dir / "levels.csv")


@cache
def monthly_for(synthetic_dir: Path) -> Any:
    """The monthly values of the shared registry (a ``MonthlyResult``; slow, so once), masked
    beside its yearly results (default levels) as ``naersund compute --monthly`` does."""
    from naersund.cli_data import monthly_values
    from naersund.engine.compute import compute

    return monthly_values(synthetic_dir, None, compute(synthetic_dir))


def changed_copy(results_file: Path, dest: Path) -> Path:
    """``dest/r.csv``: the run of ``results_file`` with one cell changed as a new computation
    could change it (counts add up, so a count cannot change alone): Denmark's standardised
    value and interval for forebyggelige indlæggelser in the first year 0.01 % higher (as with
    a slightly different standard population), the verdicts that follow, and the checksum."""
    from naersund.analysis.results_file import NUMBER_COLUMNS
    from naersund.engine.results import compare_with_national
    from naersund.indicators import load_definitions

    changed = dest / "r.csv"
    shutil.copy(results_file, changed)
    shutil.copy(results_file.with_name(results_file.name + ".meta.json"), dest / "r.csv.meta.json")
    shutil.copy(areas_path(results_file), areas_path(changed))
    d = next(d for d in load_definitions() if d.id == "forebyggelige_indlaeggelser_65")
    df = pd.read_csv(changed, dtype=str, keep_default_na=False)
    typed = df[NUMBER_COLUMNS].apply(pd.to_numeric)
    ours = df["indicator"] == d.id
    i = df.index[ours & (df["level"] == "land")][0]
    std = ["std_value", "std_lower_ci", "std_upper_ci"]
    typed.loc[i, std] *= 1.0001
    rows = pd.concat([df.loc[ours, ["level", "year"]], typed[ours]], axis=1)
    rows["year"] = rows["year"].astype(int)
    df.loc[ours, "comparison"] = compare_with_national(rows, d.direction).to_numpy()
    for c in std:
        df.loc[i, c] = repr(float(typed.loc[i, c]))
    df.to_csv(changed, index=False)
    reseal(changed)
    return changed
