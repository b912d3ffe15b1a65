"""``naersund compute --breakdowns``: the breakdowns are written as part of the run (named with
their checksum in the run's meta file) and read back for publication; a run without the flag
leaves no stale breakdowns file behind. Also the file's checks, on hand-made rows."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from naersund.analysis.breakdown_file import breakdowns_path, read_breakdown_file
from naersund.analysis.breakdowns import BREAKDOWN_COLUMNS
from naersund.analysis.publishable import read_publishable
from naersund.errors import InputError
from naersund.indicators import load_definitions

ALBERTSLUND = 165
IND = "forebyggelige_indlaeggelser_65"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "naersund.cli", *args], capture_output=True, text=True, check=False
    )


@pytest.mark.slow
def test_compute_writes_the_breakdowns_with_the_run_and_a_run_without_removes_them(
    synthetic_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "results.csv"
    proc = run("compute", "--data", str(synthetic_dir), "--out", str(out), "--breakdowns")
    assert proc.returncode == 0, proc.stderr
    file = breakdowns_path(out)
    assert f"Opdeling skrevet til {file}" in proc.stdout
    meta = json.loads(out.with_name(out.name + ".meta.json").read_text(encoding="utf-8"))
    assert meta["outputs"]["breakdowns"]["file"] == file.name
    run_ = read_publishable(out, 5)
    assert run_.breakdowns is not None
    assert set(run_.breakdowns["year"]) == {2014}
    assert run_.breakdowns["kommunekode"].nunique() == 98

    proc = run("compute", "--data", str(synthetic_dir), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert not file.exists()
    assert read_publishable(out, 5).breakdowns is None


def _rows(counts: list[float | None], hidden: list[bool]) -> bytes:
    frame = pd.DataFrame(
        [
            {
                "indicator": IND,
                "kommunekode": ALBERTSLUND,
                "year": 2014,
                "dimension": "koen",
                "category": f"gruppe {i}",
                "sort": i,
                "numerator": n,
                "denominator": None,
                "value": None,
                "suppressed": h,
            }
            for i, (n, h) in enumerate(zip(counts, hidden, strict=True))
        ],
        columns=list(BREAKDOWN_COLUMNS),
    )
    return frame.to_csv(index=False).encode("utf-8")


def _results(total_hidden: bool) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "indicator": IND,
                "level": "kommune",
                "area_code": ALBERTSLUND,
                "year": 2014,
                "suppressed": total_hidden,
            }
        ]
    )


def _read(data: bytes, total_hidden: bool = False) -> pd.DataFrame:
    defs = {d.id: d for d in load_definitions()}
    return read_breakdown_file(Path("b.csv"), data, _results(total_hidden), 5, defs)


def test_a_checked_breakdown_is_read_typed() -> None:
    table = _read(_rows([12, None, None], [False, True, True]))
    assert table["suppressed"].tolist() == [False, True, True]
    assert table["numerator"].iloc[0] == 12.0 and table["numerator"].isna().sum() == 2


@pytest.mark.parametrize(
    ("counts", "hidden", "total_hidden", "message"),
    [
        (
            [12, 3, 9],
            [False, False, False],
            False,
            "b.csv, række 3, felt numerator: 3 er under grænsen 5 og skulle være skjult",
        ),
        (
            [12, None, 9],
            [False, True, False],
            False,
            "b.csv, række 3, felt suppressed: den eneste skjulte celle i opdelingen",
        ),
        (
            [12, 7, None],
            [False, False, True],
            True,
            "b.csv, række 2, felt suppressed: kommunens samlede tal er skjult",
        ),
        (
            [12, 7, 9],
            [False, True, False],
            False,
            "b.csv, række 3, felt numerator: en skjult celle må ikke have tal",
        ),
    ],
)
def test_an_unfit_breakdown_is_refused_naming_file_row_and_field(
    counts: list[float | None], hidden: list[bool], total_hidden: bool, message: str
) -> None:
    with pytest.raises(InputError) as err:
        _read(_rows(counts, hidden), total_hidden)
    assert message in str(err.value)
