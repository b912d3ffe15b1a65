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

from naersund import fmt, refdata
from naersund.catalogue import load_catalogue
from naersund.charts import Chart
from naersund.cli import cli
from naersund.refdata import areas
from naersund.reports import render
from naersund.reports.area_pack import build_area_pack
from naersund.reports.common import indicators_in, value_cells
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
    from naersund.engine.compute import ComputeOptions, compute
    from naersund.engine.outputs import write_results

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


def _flat_pdf(path: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(path).pages))


@pytest.mark.parametrize(
    ("level", "title", "own_text"),
    [
        ("politisk", "Politisk niveau", "Nøgletal 2014"),
        ("fagligt", "Fagligt niveau", "Opdelingen på diagnosegruppe, aldersgruppe, køn og måned"),
    ],
)
def test_the_political_and_professional_packs_of_a_sundhedsraad(
    levels_file: Path, tmp_path: Path, level: str, title: str, own_text: str
) -> None:
    """Once refused (the area pack was the director's only); now each level's own pack, through
    the entry point as a user runs it, as PDF and XLSX, with the area's notes and its figure."""
    from openpyxl import load_workbook

    data = from_results_file(levels_file)
    for form in ("pdf", "xlsx"):
        out = tmp_path / f"amager.{form}"
        proc = subprocess.run(
            [
                *(sys.executable, "-m", "naersund.cli", "report", "--level", level),
                *("--year", "2014", "--results", str(levels_file), "--out", str(out)),
                *("--omraade", f"sundhedsraad:{AMAGER_VESTEGNEN}"),
            ],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
    text = _flat_pdf(tmp_path / "amager.pdf")
    assert f"{title} · Sundhedsråd Amager og Vestegnen · 2014" in text
    assert "ikke verificeret mod officiel liste" in text
    assert "2013-2014, beregnet som summen af kommunerne" in text
    assert own_text in text
    assert "Direktørniveau" not in text
    shown = [
        f
        for d in indicators_in(data)
        if (f := data.published.figure(d.id, "sundhedsraad", AMAGER_VESTEGNEN, 2014)).value
        is not None
    ]
    assert shown
    for f in shown:
        assert fmt.number(f.value) in text
    book = load_workbook(tmp_path / "amager.xlsx", read_only=True)
    front = [r[0] for r in book["Om rapporten"].iter_rows(values_only=True)]
    assert any("ikke verificeret mod officiel liste" in str(x) for x in front)
    numbers = [
        v
        for ws in book.worksheets
        for r in ws.iter_rows(values_only=True)
        for v in r
        if isinstance(v, float)
    ]
    for f in shown:  # numbers kept as numbers (XLSX keeps 15 significant digits)
        assert any(v == pytest.approx(f.value, rel=1e-12) for v in numbers)


def test_the_political_pack_of_a_sundhedsraad_counts_its_municipalities_answers(
    levels_file: Path, tmp_path: Path
) -> None:
    data = _with_goals_and_round(levels_file)
    pack = build_area_pack(data, "politisk", f"sundhedsraad:{AMAGER_VESTEGNEN}", 2014, [])
    (tmp_path / "p.pdf").write_bytes(render(pack, "pdf"))
    text = _flat_pdf(tmp_path / "p.pdf")
    assert f"Sundhedsråd Amager og Vestegnen har vedtaget disse politiske mål: {GOAL}" in text
    assert (
        "Mål og indsatser følger målkatalogets afsnit for Sundhedsråd Amager og Vestegnen, "
        "KKR Hovedstaden (9 af kommunerne) (områdets eget afsnit og kommunernes KKR)."
    ) in text
    # Albertslund (the one municipality that submitted) has implemented every initiative
    assert (
        "Sundhedsråd Amager og Vestegnens skal-indsatser (9 kommuner) (statusrunde: Statusrunde "
        "2014):"
    ) in text
    assert (
        "1 ud af 1 kommune i Sundhedsråd Amager og Vestegnen har indført »Fælles opfølgende "
        "hjemmebesøg efter udskrivning«."
    ) in text
    assert "KKR Hovedstadens skal-indsatser i Sundhedsråd Amager og Vestegnen (9 kommuner)" in text
    # counts only: no municipality's own status table in the political pack
    assert "Status for Albertslund" not in text
    assert "Bilag 1" not in text


def test_region_oestdanmark_follows_its_two_kkr_and_the_national_order(
    levels_file: Path,
) -> None:
    data = _with_goals_and_round(levels_file)
    pack = build_area_pack(data, "politisk", "region2027:1086", 2014, [])
    said = " ".join(p for s in pack.sections for p in s.paragraphs)
    lists = " ".join(lead for s in pack.sections for lead, _ in s.lists)
    assert (
        "Region Østdanmark har ingen centrale indikatorer i målkataloget, og dens kommuner hører "
        "til flere KKR; indikatorerne står i definitionernes rækkefølge."
    ) in said
    assert "i Region Østdanmarks del af KKR Hovedstaden (29 kommuner)" in lists
    sjaelland = data.catalogue.kkr_by_code(1085)
    if sjaelland.initiatives:
        assert "i Region Østdanmarks del af KKR Sjælland (17 kommuner)" in lists
    else:
        assert "KKR Sjælland har ingen indsatser i målkataloget." in said
    headlines = [h.indicator for s in pack.sections for h in s.headlines]
    assert headlines == [d.id for d in indicators_in(data)]


def test_a_sundhedsraads_own_central_indicators_lead_its_political_pack(
    levels_file: Path,
) -> None:
    data = _with_goals_and_round(levels_file)
    ids = [d.id for d in indicators_in(data)]
    chosen = list(reversed(ids))[:3]
    section = amager_vestegnen_section().model_copy(update={"central_indicators": chosen})
    others = [k for k in data.catalogue.kkr if k.region_code != AMAGER_VESTEGNEN]
    data = replace(data, catalogue=data.catalogue.model_copy(update={"kkr": [*others, section]}))
    pack = build_area_pack(data, "politisk", f"sundhedsraad:{AMAGER_VESTEGNEN}", 2014, [])
    headlines = [h.indicator for s in pack.sections for h in s.headlines]
    assert headlines == [*chosen, *(i for i in ids if i not in chosen)]
    said = " ".join(p for s in pack.sections for p in s.paragraphs)
    assert "Sundhedsråd Amager og Vestegnens 3 centrale indikatorer står først" in said


def test_the_professional_pack_of_an_area_has_its_figures_and_says_why_no_breakdowns(
    levels_file: Path,
) -> None:
    data = from_results_file(levels_file)
    pack = build_area_pack(data, "fagligt", "region2027:1086", 2014, [])
    titles = [s.title for s in pack.sections]
    assert titles[:2] == ["Om Region Østdanmark", "Detaljerede tal"]
    assert "Definitioner" in titles and "Datakvalitet" in titles
    details = next(s for s in pack.sections if s.title == "Detaljerede tal")
    d = indicators_in(data)[0]
    series = data.published.series(d.id, "region2027", 1086, 2014, data.catalogue)
    assert [row[:4] for row in details.tables[0].rows] == [
        [str(f.year), *value_cells(f)[:3]] for f in series
    ]
    assert any(row[3] is not None for row in details.tables[0].rows)
    drill = next(s for s in pack.sections if s.title == "Opdeling")
    assert not drill.tables
    assert "kan ikke lægges sammen til et tal for Region Østdanmark" in " ".join(drill.paragraphs)


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
