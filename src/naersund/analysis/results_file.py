"""Reading a results file of ``naersund compute`` for publication, and refusing it when it is
not fit to publish.

A file is fit to publish when it has every column and its ``.meta.json`` beside it, every row
names a known level and area, a year and a boolean ``suppressed``, no key occurs twice, suppressed
rows carry no values, and small-number suppression applied again (with the file's own
``suppression_min_count``) would hide nothing more: a file that was not suppressed, or was
edited afterwards, is refused. Errors name the file, the row (as a spreadsheet shows it: the
header is row 1) and the field, in Danish, all at once (at most ``MAX_ERRORS``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from naersund.engine.results import RESULT_COLUMNS
from naersund.errors import InputError
from naersund.refdata import NATIONAL_CODE, region_of
from naersund.suppression import SuppressionRule, suppress

# The columns `naersund compute` writes: the engine's result columns and the footnotes.
RESULTS_FILE_COLUMNS = [*RESULT_COLUMNS, "note"]
NUMBER_COLUMNS = [
    "numerator",
    "denominator",
    "value",
    "lower_ci",
    "upper_ci",
    "std_value",
    "std_lower_ci",
    "std_upper_ci",
]
DERIVED = ["value", "lower_ci", "upper_ci", "std_value", "std_lower_ci", "std_upper_ci"]
COMPARISONS = {"better", "similar", "worse", "not_compared"}
REQUIRED_META = ("code_version", "data_period", "data_cut", "definitions", "suppression_min_count")
MAX_ERRORS = 20


@dataclass(frozen=True)
class ResultsFile:
    """A results table that passed :func:`check_results`, with its metadata.

    ``results`` has ``RESULTS_FILE_COLUMNS`` (numbers as float with NaN for empty, ``area_code``
    and ``year`` as int, ``suppressed`` as bool, ``comparison`` and ``note`` as str).
    ``synthetic`` comes from the meta file (or the ``SYNTETISKE DATA`` note on the rows).
    """

    path: Path
    results: pd.DataFrame
    meta: dict[str, Any]
    synthetic: bool


def _meta_path(path: Path) -> Path:
    return path.with_name(path.name + ".meta.json")


def read_results_file(path: Path, count_denominator: dict[str, bool] | None = None) -> ResultsFile:
    """Read ``path`` (CSV or Parquet) and its ``.meta.json``; raise :class:`InputError` with
    every problem found (see the module docstring) or return the checked table.

    ``count_denominator`` maps indicator ids to true where the denominator is a protected
    registry count (proportions); indicators not in it are treated as protected (the safe side).
    """
    if not path.is_file():
        raise InputError(f"{path}: filen findes ikke")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise InputError(f"{path}: resultatfilen skal være .csv eller .parquet")
    meta_file = _meta_path(path)
    if not meta_file.is_file():
        raise InputError(
            f"{meta_file}: metadatafilen mangler (den skrives af `naersund compute` ved siden af "
            "resultaterne)"
        )
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{meta_file}: ikke gyldig JSON ({exc})") from None
    if not isinstance(meta, dict):
        raise InputError(f"{meta_file}: skal være et JSON-objekt")
    missing_meta = [k for k in REQUIRED_META if k not in meta]
    if missing_meta:
        raise InputError(f"{meta_file}: mangler felt(erne) {', '.join(missing_meta)}")
    try:
        if suffix == ".csv":
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        else:
            raw = pd.read_parquet(path).astype(object).where(lambda d: d.notna(), "").astype(str)
    except (UnicodeDecodeError, ValueError, OSError) as exc:
        raise InputError(f"{path}: kan ikke læses ({exc})") from None
    results = check_results(
        raw, meta, str(path), count_denominator, first_row=2 if suffix == ".csv" else 1
    )
    synthetic = bool(meta.get("synthetic")) or bool(
        results["note"].str.contains("SYNTETISKE DATA", regex=False).any()
    )
    return ResultsFile(path=path, results=results, meta=meta, synthetic=synthetic)


def _number(text: str) -> float | None:
    """None when ``text`` is not a number; NaN for empty."""
    t = text.strip()
    if t == "" or t.lower() == "nan":
        return math.nan
    try:
        v = float(t)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def _bool(text: str) -> bool | None:
    return {"true": True, "false": False, "1": True, "0": False}.get(text.strip().lower())


def numbers_and_suppressed(
    row: dict[str, str], columns: Sequence[str], fail: Callable[[str, str], None]
) -> tuple[dict[str, float], bool]:
    """A file row's number cells (NaN for empty) and its ``suppressed`` flag; what does not
    parse is reported through ``fail(field, message)`` and read as NaN or False."""
    numbers: dict[str, float] = {}
    for c in columns:
        v = _number(row[c])
        if v is None:
            fail(c, f"'{row[c]}' er ikke et tal")
            v = math.nan
        numbers[c] = v
    suppressed = _bool(row["suppressed"])
    if suppressed is None:
        fail("suppressed", f"'{row['suppressed']}' skal være True eller False")
        suppressed = False
    return numbers, suppressed


def check_results(
    raw: pd.DataFrame,
    meta: dict[str, Any],
    source: str,
    count_denominator: dict[str, bool] | None = None,
    first_row: int = 2,
) -> pd.DataFrame:
    """Check a results table read as text (every cell a ``str``) and return it typed.

    Raises :class:`InputError` listing every problem as ``SOURCE, række N, felt F: ...``.
    """
    missing = [c for c in RESULTS_FILE_COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(f"{source}: mangler kolonne(rne) {', '.join(missing)}")
    if raw.empty:
        raise InputError(f"{source}: indeholder ingen rækker")
    try:
        min_count = int(meta["suppression_min_count"])
    except (TypeError, ValueError):
        raise InputError(f"{source}.meta.json: suppression_min_count skal være et heltal") from None
    definitions = meta.get("definitions")
    if not isinstance(definitions, dict) or not definitions:
        raise InputError(f"{source}.meta.json: definitions skal nævne mindst én indikator")
    regions = region_of()
    region_codes = set(regions.values())
    errors: list[str] = []

    def fail(i: int, field: str, msg: str) -> None:
        errors.append(f"{source}, række {i + first_row}, felt {field}: {msg}")

    out: dict[str, list[Any]] = {c: [] for c in RESULTS_FILE_COLUMNS}
    records = raw[RESULTS_FILE_COLUMNS].to_numpy(dtype=object)
    for i, rec in enumerate(records):
        row = dict(zip(RESULTS_FILE_COLUMNS, (str(v) for v in rec), strict=True))
        ind, level = row["indicator"].strip(), row["level"].strip()
        if ind not in definitions:
            fail(i, "indicator", f"'{ind}' står ikke i metadatafilens definitions")
        area: int | None = None
        try:
            area = int(float(row["area_code"]))
        except ValueError:
            fail(i, "area_code", f"'{row['area_code']}' er ikke et heltal")
        if level not in ("kommune", "region", "land"):
            fail(i, "level", f"'{level}' skal være kommune, region eller land")
        elif area is not None:
            known = {"kommune": set(regions), "region": region_codes, "land": {NATIONAL_CODE}}
            if area not in known[level]:
                fail(i, "area_code", f"{area} er ikke en kendt kode for niveauet {level}")
        year: int | None = None
        try:
            year = int(float(row["year"]))
        except ValueError:
            fail(i, "year", f"'{row['year']}' er ikke et årstal")
        numbers, suppressed = numbers_and_suppressed(row, NUMBER_COLUMNS, partial(fail, i))
        comparison = row["comparison"].strip()
        if comparison not in COMPARISONS:
            fail(
                i,
                "comparison",
                f"'{comparison}' skal være better, similar, worse eller not_compared",
            )
        if suppressed:
            shown = [c for c in DERIVED if not math.isnan(numbers[c])]
            if shown:
                fail(i, shown[0], "rækken er diskretioneret, men feltet har en værdi")
        elif math.isnan(numbers["value"]) and numbers["denominator"] != 0:
            # A proportion over no index admissions (a small municipality's year) has no value.
            fail(i, "value", "mangler (kun diskretionerede rækker og nævner 0 må være tomme)")
        out["indicator"].append(ind)
        out["level"].append(level)
        out["area_code"].append(area if area is not None else -1)
        out["year"].append(year if year is not None else -1)
        for c in NUMBER_COLUMNS:
            out[c].append(numbers[c])
        out["comparison"].append(comparison)
        out["suppressed"].append(suppressed)
        out["note"].append(row["note"])
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise InputError(_joined(errors))

    table = pd.DataFrame(out)
    table = table.astype({"area_code": "int64", "year": "int64", "suppressed": bool})
    dup = table.duplicated(["indicator", "level", "area_code", "year"], keep="first")
    for i in np.flatnonzero(dup.to_numpy())[:MAX_ERRORS]:
        r = table.iloc[i]
        fail(
            int(i),
            "area_code",
            f"{r['indicator']} {r['level']} {r['area_code']} {r['year']} står der mere end én gang",
        )
    if errors:
        raise InputError(_joined(errors))

    flags = {ind: True for ind in definitions} | dict(count_denominator or {})
    again = suppress(
        table,
        regions,
        {k: flags.get(k, True) for k in table["indicator"].unique()},
        SuppressionRule(min_count),
    )
    newly = again["suppressed"].to_numpy(bool) & ~table["suppressed"].to_numpy(bool)
    for i in np.flatnonzero(newly)[:MAX_ERRORS]:
        r = table.iloc[i]
        field = "numerator"
        if not (0 < r["numerator"] < min_count) and 0 < r["denominator"] < min_count:
            field = "denominator"
        fail(
            int(i),
            field,
            f"er ikke diskretioneret: {r['indicator']} {r['level']} {r['area_code']} "
            f"{r['year']} skulle være skjult ved mindste antal {min_count} (kør "
            "`naersund compute` igen; resultater må ikke redigeres efter beregningen)",
        )
    if errors:
        raise InputError(_joined(errors))
    return table


def joined_errors(what: str, errors: list[str]) -> str:
    """One message for all of a file's errors (``what``: "resultatfilen", "månedsfilen")."""
    more = " (flere fejl udeladt)" if len(errors) >= MAX_ERRORS else ""
    return f"{what} kan ikke offentliggøres:\n" + "\n".join(errors) + more


def _joined(errors: list[str]) -> str:
    return joined_errors("resultatfilen", errors)
