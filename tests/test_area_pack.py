"""``naersund report --omraade``: the director-style pack of an area of any level (issue 14)."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from naersund import refdata
from naersund.catalogue import load_catalogue
from naersund.charts import Chart
from naersund.cli import cli
from naersund.refdata import areas
from naersund.reports import render
from naersund.reports.area_pack import build_area_pack
from naersund.reports.common import indicators_in
from naersund.reports.load import from_results_file
from naersund.reports.model import ReportInput
from naersund.survey.aggregate import RoundAnswers
from sundhedsraad_section import GOAL, INITIATIVE_ID, amager_vestegnen_section

AMAGER_VESTEGNEN = 2712
ALBERTSLUND = 165
# a chart's legend, drawn in the PDF (the tables say one verdict per row)
CHART_MARK = "Bedre end landet Som landet Dårligere end landet Ikke sammenlignet"


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


@pytest.mark.parametrize("level", ["politisk", "fagligt"])
def test_an_area_pack_is_not_made_under_another_levels_name(
    levels_file: Path, tmp_path: Path, level: str
) -> None:
    """The area pack is the director's; asked for as the political or professional pack it was
    made all the same with that level's name on every page. Now it is refused in one line."""
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "naersund.cli", "report", "--level", level),
            *("--year", "2014", "--results", str(levels_file)),
            *("--out", str(tmp_path / "x.pdf"), "--omraade", f"sundhedsraad:{AMAGER_VESTEGNEN}"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert (
        "Fejl: --omraade laver direktørpakken for området (kommunerne sammenlignet, udviklingen, "
        "områdets mål og Bilag 1); politisk og fagligt niveau findes kun for --kommune og --kkr: "
        "brug --level direktoer"
    ) in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "x.pdf").exists()


def _with_goals_and_round(levels_file: Path) -> ReportInput:
    """The results with a catalogue that attaches a section to Sundhedsråd Amager og
    Vestegnen (one goal, one skal-initiative) and a round in which Albertslund has implemented
    it and every initiative of KKR Hovedstaden."""
    catalogue = load_catalogue()
    section = amager_vestegnen_section()
    catalogue = catalogue.model_copy(update={"kkr": [*catalogue.kkr, section]})
    hovedstaden = catalogue.kkr_by_code(1084)
    done = {f"status.{i.id}": "implementeret" for i in hovedstaden.initiatives}
    done[f"status.{INITIATIVE_ID}"] = "implementeret"
    survey = RoundAnswers("runde", "Statusrunde 2014", 2014, {ALBERTSLUND: done})
    return replace(from_results_file(levels_file, catalogue), survey=survey)


def test_the_pack_of_a_sundhedsraad_has_charts_its_goals_and_bilag_1(
    levels_file: Path, tmp_path: Path
) -> None:
    data = _with_goals_and_round(levels_file)
    pack = build_area_pack(data, "direktoer", f"sundhedsraad:{AMAGER_VESTEGNEN}", 2014, [])
    charts = [b for s in pack.sections for b in s.blocks if isinstance(b, Chart)]
    n = len(indicators_in(data))
    assert len(charts) >= n  # a comparison chart per indicator, and its development
    pdf = render(pack, "pdf")
    (tmp_path / "amager.pdf").write_bytes(pdf)
    text = re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(tmp_path / "amager.pdf").pages)
    )
    expected = {
        k
        for k, a in areas.area_levels()["sundhedsraad"].latest.area_of().items()
        if a == AMAGER_VESTEGNEN
    }
    assert _names_in(text) == expected
    assert f"Sundhedsråd Amager og Vestegnen har vedtaget disse politiske mål: {GOAL}" in text
    assert "Bilag 1: Kommunefordelte data" in text
    assert "status pr. kommune i Sundhedsråd Amager og Vestegnen" in text
    assert "status pr. kommune i KKR Hovedstaden" in text
    assert CHART_MARK in text  # the charts' own text, drawn in the PDF


def test_without_a_round_or_goals_the_pack_says_so(levels_file: Path) -> None:
    data = from_results_file(levels_file)
    pack = build_area_pack(data, "direktoer", "region2027:1086", 2014, [])
    said = [p for s in pack.sections for p in s.paragraphs]
    assert "Region Østdanmarks egne mål er endnu ikke registreret i målkataloget" in " ".join(said)
    assert (
        "Der er endnu ingen statusrunde med svar, så der er intet Bilag 1 for Region Østdanmark."
        in said
    )


def test_the_xlsx_pack_says_what_the_pdf_says_of_the_sundhedsraad(
    levels_file: Path, tmp_path: Path
) -> None:
    """The XLSX has no 'Om <område>' section: its front sheet carries the area's notes."""
    import io

    from openpyxl import load_workbook

    from naersund.reports.rendering import xlsx

    data = from_results_file(levels_file, load_catalogue())
    pack = build_area_pack(data, "direktoer", f"sundhedsraad:{AMAGER_VESTEGNEN}", 2014, [])
    front = load_workbook(io.BytesIO(xlsx(pack)), read_only=True)["Om rapporten"]
    lines = [r[0] for r in front.iter_rows(values_only=True)]
    assert (
        "Sammensætningen er ikke verificeret mod officiel liste: den bygger på en sekundær "
        "kilde (se docs/areas.md)."
    ) in lines
    assert any(
        str(x).startswith("Sundhedsråd Amager og Vestegnen ")
        and "beregnet som summen af kommunerne (findes som organisation fra 2027)" in str(x)
        for x in lines
    )
