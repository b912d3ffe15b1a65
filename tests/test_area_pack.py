"""``naersund report --omraade``: the director-style pack of an area of any level (issue 14)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from naersund import refdata
from naersund.cli import cli
from naersund.refdata import areas

AMAGER_VESTEGNEN = 2712


@pytest.fixture(scope="module")
def levels_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from naersund.engine.compute import ComputeOptions, compute, write_results

    options = ComputeOptions(levels=["kommune", "region", "region2027", "sundhedsraad", "land"])
    out = tmp_path_factory.mktemp("area-pack") / "levels.csv"
    return write_results(compute(synthetic_dir, options), out)


def _report(levels_file: Path, out: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli,
        [
            *("report", "--level", "direktoer", "--year", "2014"),
            *("--results", str(levels_file), "--out", str(out), *args),
        ],
    )
    return result.exit_code, result.output


def _names_in(text: str) -> set[int]:
    flat = re.sub(r"\s+", " ", text)
    names = refdata.municipalities().set_index("kommunekode")["name"].to_dict()
    return {int(k) for k, n in names.items() if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", flat)}


def test_the_pack_of_a_sundhedsraad_names_exactly_its_municipalities(
    levels_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "amager.pdf"
    code, output = _report(levels_file, out, "--omraade", f"sundhedsraad:{AMAGER_VESTEGNEN}")
    assert code == 0, output
    text = " ".join(p.extract_text() for p in PdfReader(out).pages)
    expected = {
        k
        for k, a in areas.area_levels()["sundhedsraad"].latest.area_of().items()
        if a == AMAGER_VESTEGNEN
    }
    assert len(expected) == 9
    assert _names_in(text) == expected
    flat = re.sub(r"\s+", " ", text)
    assert "Sundhedsråd Amager og Vestegnen" in flat
    assert "ikke verificeret mod officiel liste" in flat
    assert "2013-2014, beregnet som summen af kommunerne" in flat


def test_the_pack_of_region_oestdanmark_has_its_46_municipalities(
    levels_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "oest.xlsx"
    code, output = _report(levels_file, out, "--omraade", "region2027:1086")
    assert code == 0, output
    from openpyxl import load_workbook

    sheet = load_workbook(out)["Sammenligning 1"]
    first_column = [r[0] for r in sheet.iter_rows(values_only=True) if r and r[0]]
    names = refdata.municipalities().set_index("kommunekode")["name"].to_dict()
    region = refdata.region_of()
    east = {names[k] for k in names if region[k] in (1084, 1085)}
    assert east <= set(first_column)
    assert "Region Østdanmark" in first_column


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("sundhedsraad:2799", "Fejl: --omraade: sundhedsraad har intet område 2799 (koder: 2701,"),
        ("amt:1", "Fejl: --omraade: niveauet 'amt' er ikke i udgivelsen (niveauer: region,"),
        (
            "sundhedsraad",
            "Fejl: --omraade 'sundhedsraad' skal være NIVEAU:KODE, fx sundhedsraad:2712",
        ),
    ],
)
def test_a_bad_area_is_one_danish_line(
    levels_file: Path, tmp_path: Path, spec: str, message: str
) -> None:
    # through the entry point, as a user runs it (main turns the error into one line)
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "naersund.cli", "report", "--level", "direktoer"),
            *("--year", "2014", "--results", str(levels_file)),
            *("--out", str(tmp_path / "x.pdf"), "--omraade", spec),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "x.pdf").exists()
