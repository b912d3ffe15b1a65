"""Report packs built from real published results: the numbers in the PDF text and the XLSX
cells are the published ones, suppressed cells never appear, every PDF page says SYNTETISKE
DATA and renders with pdftoppm."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from naersund import fmt
from naersund.catalogue import load_catalogue
from naersund.errors import NaersundError
from naersund.reports import (
    ReportInput,
    area_of,
    build_kkr_pack,
    build_pack,
    file_name,
    render,
)
from naersund.reports.common import municipalities_of, name_with_status
from naersund.reports.load import from_results_file
from naersund.reports.model import Column, Pack, Section, Table
from naersund.reports.rendering import safe_text
from naersund.survey.demo import generate_demo_survey
from naersund.survey.questions import STATUS_LABELS, questions_from_catalogue

ALBERTSLUND = 165
HOVEDSTADEN = 1084
YEAR = 2014


@cache
def _results(synthetic_dir: Path, out: Path) -> Path:
    from naersund.engine.compute import compute
    from naersund.engine.outputs import write_results

    return write_results(compute(synthetic_dir), out / "results.csv")


@pytest.fixture(scope="module")
def data(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> ReportInput:
    path = _results(synthetic_dir, tmp_path_factory.mktemp("reports"))
    catalogue = load_catalogue()
    _, follow_up = generate_demo_survey(
        catalogue, questions_from_catalogue(catalogue, national=True)
    )
    base = from_results_file(path)
    return ReportInput(
        published=base.published,
        definitions=base.definitions,
        catalogue=catalogue,
        release="test",
        survey=follow_up,
    )


def _pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def _published(
    data: ReportInput, indicator: str, level: str, code: int, year: int = YEAR
) -> pd.Series:
    r = data.results
    sel = r[
        (r["indicator"] == indicator)
        & (r["level"] == level)
        & (r["area_code"] == code)
        & (r["year"] == year)
    ]
    assert len(sel) == 1
    return sel.iloc[0]


def _headline(data: ReportInput, indicator: str, row: pd.Series) -> tuple[str, list[Any]]:
    """The one figure, worked out here from the rows: the standardised value and interval
    where the indicator is standardised (has standardised values), else the crude; with its
    label."""
    r = data.results
    if r.loc[r["indicator"] == indicator, "std_value"].notna().any():
        return "aldersstandardiseret", [
            row[c] for c in ("std_value", "std_lower_ci", "std_upper_ci")
        ]
    return "rå", [row[c] for c in ("value", "lower_ci", "upper_ci")]


def _cells(xs: list[Any]) -> list[Any]:
    """Expected cells: empty where the figure has no number (a standardised indicator's
    cell with under 10 events has no standardised value)."""
    return [None if pd.isna(x) else _exact(x) for x in xs]


def _exact(x: Any) -> Any:
    """Equal as stored in XLSX: Excel keeps 15 significant digits of a float."""
    return pytest.approx(x, rel=1e-14, abs=0)


def _sheet_rows(wb: Any, name: str) -> list[list[Any]]:
    return [list(r) for r in wb[name].iter_rows(values_only=True)]


def _table_body(rows: list[list[Any]], header_first: str) -> tuple[list[Any], list[list[Any]]]:
    """Header row (first cell ``header_first``) and the rows after it up to the first blank."""
    start = next(i for i, r in enumerate(rows) if r[0] == header_first)
    body = []
    for r in rows[start + 1 :]:
        if r[0] is None:
            break
        body.append(r)
    return rows[start], body


# --- political -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def political(data: ReportInput) -> Pack:
    return build_pack(data, "politisk", area_of("kommune", ALBERTSLUND), YEAR)


def test_political_pdf_shows_the_published_numbers_and_sentences(
    data: ReportInput, political: Pack
) -> None:
    pages = _pdf_text(render(political, "pdf"))
    text = re.sub(r"\s+", " ", " ".join(pages))
    assert 2 <= len(pages) <= 4
    for h in political.sections[1].headlines:
        row = _published(data, h.indicator, "kommune", ALBERTSLUND)
        land = _published(data, h.indicator, "land", 0)
        if row["suppressed"]:
            continue
        # One truth: value, interval, Denmark and verdict all in the headline measure.
        measure, (value, lower, upper) = _headline(data, h.indicator, row)
        if pd.isna(value):  # under 10 events: no standardised value, and no crude instead
            assert h.value is None and h.comparison == "not_compared"
            assert "under 10 tilfælde" in h.sentence
            continue
        assert fmt.number(value) in text
        assert f"{fmt.number(lower)}–{fmt.number(upper)}" in text
        assert fmt.number(_headline(data, h.indicator, land)[1][0]) in text
        assert h.measure == measure and measure in h.sentence
        assert h.comparison == row["comparison"]
        # The sentence is on the page (line breaks aside) and carries the published value.
        assert re.sub(r"\s+", " ", h.sentence) in text
        assert fmt.number(value) in h.sentence


def test_political_xlsx_cells_are_the_published_numbers(data: ReportInput, political: Pack) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(render(political, "xlsx")))
    header, body = _table_body(_sheet_rows(wb, "Nøgletal"), "Indikator")
    assert header[:7] == [
        "Indikator",
        "Enhed",
        "Opgørelse",
        "Værdi",
        "Nedre 95 %",
        "Øvre 95 %",
        "Hele landet",
    ]
    names = {name_with_status(d): d.id for d in data.definitions}  # the status beside it
    assert len(body) == len(data.results["indicator"].unique())
    for r in body:
        row = _published(data, names[r[0]], "kommune", ALBERTSLUND)
        land = _published(data, names[r[0]], "land", 0)
        measure, triple = _headline(data, names[r[0]], row)
        assert r[2] == measure
        if row["suppressed"]:
            assert r[3:6] == [None, None, None]
        else:
            assert r[3:6] == _cells(triple)
        assert r[6] == _exact(_headline(data, names[r[0]], land)[1][0])
        assert isinstance(r[6], float)


def test_every_pdf_page_says_synthetic_data_and_names_level_area_and_year(political: Pack) -> None:
    pages = _pdf_text(render(political, "pdf"))
    for i, page in enumerate(pages, start=1):
        assert "SYNTETISKE DATA" in page
        assert "Politisk niveau · Albertslund Kommune · 2014" in page
        assert f"Side {i} af {len(pages)}" in page


def test_a_municipality_shows_its_own_skal_status(data: ReportInput, political: Pack) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(render(political, "xlsx")))
    _, body = _table_body(_sheet_rows(wb, "Indsatser"), "Indsats")
    assert data.survey is not None
    skal = [
        i for g in data.catalogue.kkr_by_code(HOVEDSTADEN).goals for i in g.initiatives_of("skal")
    ]
    assert len(body) == len(skal)
    for r, ini in zip(body, skal, strict=True):
        value = data.survey.value(ALBERTSLUND, f"status.{ini.id}")
        assert r[2] == STATUS_LABELS.get(value, "Ikke besvaret")


def test_other_municipalities_answers_are_left_out_when_not_visible(data: ReportInput) -> None:
    hidden = replace(data, survey_visible=frozenset({851}))
    pack = build_pack(hidden, "direktoer", area_of("kommune", ALBERTSLUND), YEAR)
    sheets = {t.sheet for t in pack.tables()}
    assert "Bilag 1" not in sheets and "Indsatsdækning" in sheets
    pol = build_pack(hidden, "politisk", area_of("kommune", ALBERTSLUND), YEAR)
    assert "Indsatser" not in {t.sheet for t in pol.tables()}


# --- director ------------------------------------------------------------------------------


def test_director_comparison_sheets_equal_the_published_rows_and_hide_suppressed_cells(
    data: ReportInput,
) -> None:
    pack = build_pack(data, "direktoer", area_of("region", HOVEDSTADEN), YEAR)
    wb = openpyxl.load_workbook(io.BytesIO(render(pack, "xlsx")))
    names = {m.name: m.code for m in municipalities_of(HOVEDSTADEN)}
    seen_suppressed = 0
    for d in data.definitions:
        sheet = next(
            s for s in wb.sheetnames if s.startswith("Sammenligning") and _short_match(s, d.id)
        )
        _, body = _table_body(_sheet_rows(wb, sheet), "Område")
        assert len(body) == 29 + 2
        for r in body[:29]:
            row = _published(data, d.id, "kommune", names[r[0]])
            measure, triple = _headline(data, d.id, row)
            assert r[6] == measure
            if row["suppressed"]:
                seen_suppressed += 1
                assert r[1:6] == [None] * 5 and r[7] == "Diskretioneret"
            else:
                assert r[1:3] == [row["numerator"], row["denominator"]]
                assert isinstance(r[1], int)
                assert r[3:6] == _cells(triple)
    assert seen_suppressed > 0  # the 2 % sample has small municipalities with hidden cells


def _short_match(sheet: str, indicator: str) -> bool:
    from naersund.reports.director import _short

    return sheet == f"Sammenligning {_short(indicator)}"


def test_director_pdf_prints_no_number_of_a_suppressed_cell(data: ReportInput) -> None:
    pack = build_pack(data, "direktoer", area_of("region", HOVEDSTADEN), YEAR)
    pages = _pdf_text(render(pack, "pdf"))
    assert all("SYNTETISKE DATA" in p for p in pages)
    text = re.sub(r"\s+", " ", re.sub(r"-\s+", "-", " ".join(pages)))  # undo line wrapping
    r = data.results
    hidden = r[(r["level"] == "kommune") & r["suppressed"] & (r["year"] == YEAR)]
    hidden = hidden[hidden["area_code"].isin([m.code for m in _members()])]
    assert not hidden.empty
    for row in hidden.itertuples():
        name = area_of("kommune", int(row.area_code)).name
        # Its comparison row reads "<name> – – – – – <measure> Diskretioneret".
        pattern = rf"{re.escape(name)}( –){{5}} (aldersstandardiseret|rå) Diskretioneret"
        assert re.search(pattern, text), name


def _members() -> list[Any]:
    return municipalities_of(HOVEDSTADEN)


def test_bilag_1_has_every_municipalitys_status_under_the_initiatives_names(
    data: ReportInput,
) -> None:
    from naersund.reports.common import name_of
    from naersund.reports.director import COLUMNS_PER_TABLE

    pack = build_pack(data, "direktoer", area_of("region", HOVEDSTADEN), YEAR)
    wb = openpyxl.load_workbook(io.BytesIO(render(pack, "xlsx")))
    goals = data.catalogue.kkr_by_code(HOVEDSTADEN).goals
    assert data.survey is not None
    for kind, sheet in (("skal", "Bilag 1"), ("kan", "Bilag 1 kan")):
        initiatives = [i for g in goals for i in g.initiatives_of(kind)]
        assert initiatives, kind
        header, body = _table_body(_sheet_rows(wb, sheet), "Kommune")
        first = initiatives[:COLUMNS_PER_TABLE]
        # the initiatives' names, not codes I1-I13
        assert header == ["Kommune", *(name_of(i) for i in first)]
        assert not any(re.fullmatch(r"I\d+", str(h)) for h in header)
        assert len(body) == 29
        for r in body:
            code = next(m.code for m in _members() if m.name == r[0])
            want = [
                STATUS_LABELS.get(data.survey.value(code, f"status.{i.id}"), "Ikke besvaret")
                for i in first
            ]
            assert r[1:] == want
        # colours by status in the XLSX, the same as in print
        ws = wb[sheet]
        start = next(
            i for i, row in enumerate(ws.iter_rows(values_only=True)) if row[0] == "Kommune"
        )
        for row in ws.iter_rows(min_row=start + 2, max_row=start + 30, min_col=2):
            for cell in row:
                if cell.value == "Implementeret":
                    assert cell.fill.fgColor.rgb.endswith("CDE8C6")
                elif cell.value == "Ikke påbegyndt":
                    assert cell.fill.fgColor.rgb.endswith("F6D2CE")
    html = render(pack, "html").decode()
    assert '<td class="text mark-good">✓ Impl.</td>' in html
    assert "✗ ikke påbegyndt (rød)" in html  # the key beside the table


def test_the_director_pack_opens_with_a_one_page_summary(data: ReportInput) -> None:
    for area in (area_of("kommune", ALBERTSLUND), area_of("region", HOVEDSTADEN)):
        pack = build_pack(data, "direktoer", area, YEAR)
        assert pack.sections[0].title == f"Resumé: {area.title} {YEAR}"
        assert pack.sections[1].page_break  # the summary has its page
        pages = _pdf_text(render(pack, "pdf"))
        assert f"Resumé: {area.title} {YEAR}" in pages[0]
        assert "Resumé" not in pages[1]  # one page, not two
        for d in data.definitions:
            assert name_with_status(d) in re.sub(r"\s+", " ", pages[0])


def test_the_director_funnels_name_the_municipality(data: ReportInput) -> None:
    pack = build_pack(data, "direktoer", area_of("kommune", ALBERTSLUND), YEAR)
    funnels = next(s for s in pack.sections if s.title == "Tragtdiagrammer")
    assert funnels.charts
    named = 0
    for chart in funnels.charts:
        label = chart.spec["layer"][-1]
        points = chart.spec["layer"][1]["data"]["values"]
        if any(p["name"] == "Albertslund" for p in points):
            assert label["mark"]["type"] == "text"
            assert [v["name"] for v in label["data"]["values"]] == ["Albertslund"]
            assert ">Albertslund</text>" in chart.svg()
            named += 1
        else:  # diskretioneret (or no events): no point, no name layer, and the chart says why
            assert label["mark"]["type"] != "text"
            assert (
                "Albertslund har intet punkt: tallet er diskretioneret eller uden hændelser."
                in chart.description
            )
    assert named


def test_every_xlsx_has_a_key_sheet(data: ReportInput) -> None:
    for level in ("politisk", "direktoer", "fagligt"):
        pack = build_pack(data, level, area_of("kommune", ALBERTSLUND), YEAR)
        wb = openpyxl.load_workbook(io.BytesIO(render(pack, "xlsx")))
        assert wb.sheetnames[1] == "Forklaring"
        terms = [r[0] for r in wb["Forklaring"].iter_rows(values_only=True)]
        for term in ("aldersstandardiseret", "rå", "under omdefinering", "✓ Implementeret"):
            assert term in terms


def test_every_indicator_in_every_pack_shows_its_definition_status(data: ReportInput) -> None:
    statuses = {d.status for d in data.definitions}
    assert "under omdefinering" in statuses and "gældende" in statuses
    for level in ("politisk", "direktoer", "fagligt"):
        for area in (area_of("kommune", ALBERTSLUND), area_of("region", HOVEDSTADEN)):
            pack = build_pack(data, level, area, YEAR)
            text = re.sub(r"\s+", " ", " ".join(_pdf_text(render(pack, "pdf"))))
            for d in data.definitions:
                assert name_with_status(d) in text, (level, area.name, d.id)


def test_no_backtick_or_developer_phrasing_reaches_a_reader(data: ReportInput) -> None:
    """Every level for a municipality and a KKR (with its municipalities): all the PDF text
    read back with pypdf."""
    packs = [
        build_pack(data, level, area, YEAR)
        for level in ("politisk", "direktoer", "fagligt")
        for area in (area_of("kommune", ALBERTSLUND), area_of("region", HOVEDSTADEN))
    ]
    packs.append(build_kkr_pack(data, "fagligt", HOVEDSTADEN, YEAR))
    for pack in packs:
        text = " ".join(_pdf_text(render(pack, "pdf")))
        assert "`" not in text, pack.title
        for phrase in ("denne fil", "kan ændres i", "kan udskiftes i", "YAML", "naersund "):
            assert phrase not in text, (pack.title, phrase)


def test_the_definitions_keep_each_indicators_bullets_under_its_heading(
    data: ReportInput,
) -> None:
    pack = build_pack(data, "fagligt", area_of("kommune", ALBERTSLUND), YEAR)
    html = render(pack, "html").decode()
    section = html[html.index("<h2>Definitioner</h2>") :]
    section = section[: section.index("</section>")]
    blocks = re.findall(r'<div class="headed"><h3>(.*?)</h3>\s*<ul>(.*?)</ul>', section, re.S)
    assert [h for h, _ in blocks] == [
        name_with_status(d).replace("'", "&#39;") for d in data.definitions
    ]
    for (_, items), d in zip(blocks, data.definitions, strict=True):
        assert f"definitionsversion {d.version}; id {d.id}" in items
        assert "<p></p>" not in section


def test_no_page_of_the_professional_pack_is_nearly_empty(data: ReportInput) -> None:
    for area in (area_of("kommune", ALBERTSLUND), area_of("region", HOVEDSTADEN)):
        pages = _pdf_text(render(build_pack(data, "fagligt", area, YEAR), "pdf"))
        for i, page in enumerate(pages[:-1]):  # the last page may end where the text ends
            body = [line for line in page.splitlines() if line.strip()]
            assert len(body) >= 12, (area.name, i + 1, body)


def test_a_report_file_is_readable_by_the_group(data: ReportInput, tmp_path: Path) -> None:
    import os

    from naersund.reports import write

    pack = build_pack(data, "politisk", area_of("kommune", ALBERTSLUND), YEAR)
    old = os.umask(0o022)
    try:
        out = write(pack, "xlsx", tmp_path / "a.xlsx")
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]  # no temporary file left
    with pytest.raises(NaersundError) as err:
        write(pack, "xlsx", tmp_path)  # a folder, not a file
    why = "rapporten kan ikke skrives (det er en mappe; angiv et filnavn)"
    assert str(err.value) == f"{tmp_path}: {why}"


# --- professional and the KKR pack ----------------------------------------------------------


def test_professional_pack_has_definitions_and_data_quality_notes(data: ReportInput) -> None:
    pack = build_pack(data, "fagligt", area_of("kommune", ALBERTSLUND), YEAR)
    html = render(pack, "html").decode()
    for d in data.definitions:
        assert d.name_da in html and f"version {d.version}" in html
    assert "Diskretionerede celler for Albertslund Kommune" in html
    assert "Befolkningstallet er estimeret" in html or "opgjorte tal for alle år" in html
    assert "Antal afviste inputrækker ved indlæsningen er ikke registreret" in html
    # a release from ingested data says how many input rows ingest left out, per table
    ingested = {"rejected": {"contacts": 1254, "population": 0, "ready_for_discharge": 3}}
    meta = {**data.meta, "rejected_rows": 1257, "ingest": ingested}
    with_record = replace(data, published=replace(data.published, meta=meta))
    html = render(build_pack(with_record, "fagligt", area_of("kommune", ALBERTSLUND), YEAR), "html")
    assert (
        "Afviste inputrækker ved indlæsningen: 1.257 (contacts 1.254, ready_for_discharge 3)."
        in html.decode()
    )


def test_the_kkr_pack_has_a_section_per_municipality(data: ReportInput) -> None:
    pack = build_kkr_pack(data, "politisk", HOVEDSTADEN, YEAR)
    titles = [s.title for s in pack.sections]
    for m in _members():
        assert m.title in titles
    assert file_name(pack, "pdf") == "politisk_1084_kkr-hovedstaden_med-kommuner_2014.pdf"


def test_every_level_renders_with_pdftoppm(data: ReportInput, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: install poppler-utils")
    for level in ("politisk", "direktoer", "fagligt"):
        pack = build_pack(data, level, area_of("kommune", ALBERTSLUND), YEAR)
        # a number and its per cent sign are joined by a no-break space, so no line of the
        # PDF can begin with "%" ("95" at a line's end, "%-interval" on the next)
        page = render(pack, "html")
        page = page.decode() if isinstance(page, bytes) else page
        words = re.sub(r"<svg.*?</svg>|<[^>]+>", "", page.split("<body")[1], flags=re.S)
        assert not re.findall(r".{30}\d %.{10}", words), level
        pdf = tmp_path / f"{level}.pdf"
        pdf.write_bytes(render(pack, "pdf"))
        done = subprocess.run(
            ["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / level)],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0 and done.stderr == "", done.stderr
        assert len(list(tmp_path.glob(f"{level}-*.png"))) == len(PdfReader(pdf).pages)
        text = "\n".join(_pdf_text(pdf.read_bytes()))
        assert not re.search(r"\d\n%", text), f"{level}: a per cent sign begins a line"
        assert not re.search(r"(?<![\w–-])-\d", text), f"{level}: a hyphen for a minus sign"


def test_an_unknown_year_or_area_is_one_danish_message(data: ReportInput) -> None:
    with pytest.raises(
        NaersundError, match=r"året 1999 findes ikke i udgivelsen \(år: 2013-2014\)"
    ):
        build_pack(data, "politisk", area_of("kommune", ALBERTSLUND), 1999)
    with pytest.raises(NaersundError, match="ukendt kommunekode 999"):
        area_of("kommune", 999)
    with pytest.raises(NaersundError, match="ukendt KKR-kode 1090"):
        area_of("region", 1090)


def test_xlsx_text_is_never_a_formula() -> None:
    assert safe_text('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_text("-1+2") == "'-1+2" and safe_text("Albertslund") == "Albertslund"
    table = Table("Ark", "=1+1", [Column("@navn"), Column("Tal", "number")], [["=2*3", 1.5]])
    pack = Pack(
        "fagligt", area_of("kommune", ALBERTSLUND), YEAR, True, "=x", [Section("S", blocks=[table])]
    )
    wb = openpyxl.load_workbook(io.BytesIO(render(pack, "xlsx")))
    cells = [c for row in wb["Ark"].iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    assert {c.value for c in cells} >= {"'=1+1", "'@navn", "'=2*3", 1.5}


def test_the_kkr_political_pack_says_how_many_municipalities_have_each_initiative(
    data: ReportInput,
) -> None:
    from naersund.survey.aggregate import kkr_area, status_counts

    pack = build_pack(data, "politisk", area_of("region", HOVEDSTADEN), YEAR)
    html = render(pack, "html").decode()
    assert data.survey is not None
    region = kkr_area(HOVEDSTADEN)
    for ini in [
        i for g in data.catalogue.kkr_by_code(HOVEDSTADEN).goals for i in g.initiatives_of("skal")
    ]:
        n = status_counts(data.survey, ini.id, region).counts["implementeret"]
        assert f"{n} ud af 29 kommuner i KKR Hovedstaden har indført" in html
    assert "har indført opfølgende hjemmebesøg." in html


def test_only_synthetic_data_is_marked_synthetic(data: ReportInput) -> None:
    real = replace(data, published=replace(data.published, synthetic=False))
    area = area_of("kommune", ALBERTSLUND)
    for pack, marked in (
        (build_pack(data, "politisk", area, YEAR), True),
        (build_pack(real, "politisk", area, YEAR), False),
    ):
        pages = _pdf_text(render(pack, "pdf"))
        assert all(("SYNTETISKE DATA" in p) == marked for p in pages)
        wb = openpyxl.load_workbook(io.BytesIO(render(pack, "xlsx")))
        for name in wb.sheetnames[1:]:
            assert (wb[name]["A1"].value == "SYNTETISKE DATA") == marked


def test_no_capitalised_word_mid_sentence(data: ReportInput) -> None:
    """The packs' own sentences (paragraphs, lists, notes, headline sentences, footnotes)
    write section and column names in lower case mid-sentence; only names are capitalised."""
    names = {m.name for m in municipalities_of(HOVEDSTADEN)} | {"Kommune", "KKR"}
    names |= {d.name_da.split()[0] for d in data.definitions}  # indicator names in a list
    names |= {"Danmark", "Danmarks", "Poisson", "Wilson", "Byar", "Sundhedsloven"}
    names |= {"Sundhedsdatastyrelsen", "Sundhedsdatastyrelsens", "Hovedstaden", "Nære"}
    names |= {"Bayes", "Marshall"}  # the smoothing method and its author (issue 12)
    found = set()
    for level in ("politisk", "direktoer", "fagligt"):
        for area in (area_of("kommune", ALBERTSLUND), area_of("region", HOVEDSTADEN)):
            pack = build_pack(data, level, area, YEAR)
            texts = list(pack.footnotes)
            for s in pack.sections:
                texts += s.paragraphs + [lead for lead, _ in s.lists]
                texts += [item for _, items in s.lists for item in items]
                texts += [h.sentence for h in s.headlines] + [n for t in s.tables for n in t.notes]
            for text in texts:
                for m in re.finditer(r"(?<=[a-zæøå0-9,)] )([A-ZÆØÅ][a-zæøå]+)", text):
                    if m.group(1) not in names:
                        found.add((m.group(1), text))
    assert not found


def test_the_event_study_table_writes_years_before_the_start_with_a_minus_sign(
    data: ReportInput,
) -> None:
    """The page's chart table shows year −1 (an integer column); the pack's table printed
    "-1" (the year as text), a hand-made case with a year before the start."""
    from naersund.analysis.effects import Effect, EventPoint
    from naersund.analysis.initiative_effects import Estimated
    from naersund.reports.effects import effects_sections
    from naersund.reports.model import PackEffects
    from naersund.reports.rendering import cell_text

    initiative = load_catalogue().kkr_by_code(HOVEDSTADEN).goals[0].initiatives[0]
    indicator = data.definitions[0].id
    points = [EventPoint(-1, 0.5, -1.25, 2.0), EventPoint(0, -2.0, -3.5, -0.5)]
    effect = Effect(estimate=-2.0, lower_ci=-3.5, upper_ci=-0.5, event_study=points)
    est = Estimated(initiative, indicator, "forebyggelige indlæggelser", effect)
    with_effects = replace(data, effects=PackEffects(estimated=[est], round="Opfølgning 2014"))
    sections = effects_sections(with_effects, area_of("region", HOVEDSTADEN), detailed=True)
    tables = [b for s in sections for b in s.blocks if isinstance(b, Table)]
    table = next(t for t in tables if t.title.endswith("forskel år for år fra start"))
    shown = [[cell_text(v, c) for v, c in zip(r, table.columns, strict=True)] for r in table.rows]
    assert shown == [["−1", "0,50", "−1,25", "2,00"], ["0", "−2,00", "−3,50", "−0,50"]]
    # the year names its row (a row header) and sits right-aligned under its column's name,
    # as the numbers beside it (it was left-aligned under a right-aligned head)
    page = render(build_pack(with_effects, "fagligt", area_of("region", HOVEDSTADEN), YEAR), "html")
    page = page.decode() if isinstance(page, bytes) else page
    assert '<th scope="row" class="integer">−1</th>' in page
    assert re.search(r"tbody th\.number, tbody th\.integer[^{]*\{ text-align: right;", page)
