"""/indikatorer/overblik/ with a published (synthetic) release: every municipality × every
indicator, the published figure in every cell, sorting without JavaScript, the KKR
secretariat's own KKR first, and CSV/XLSX downloads that hold exactly the shown cells."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from dashboard_data import results_for
from openpyxl import load_workbook
from web_personas import ALBERTSLUND, EVERYONE, HOVEDSTADEN, NORDJYLLAND, Personas

from naersund import fmt
from naersund.analysis import comparison_label
from naersund.analysis.profiles import members_of, municipality_names
from naersund.web.dashboard import releases
from naersund.web.dashboard.models import Release

pytestmark = pytest.mark.django_db
URL = "/indikatorer/overblik/"
IND = "forebyggelige_indlaeggelser_65"


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


@pytest.fixture
def release(results_file: Path) -> Release:
    return releases.publish(results_file)


ROW = re.compile(
    r'<tr(?: class="ov-own")?>\s*<th scope="row"><a [^>]*>([^<]+)</a>.*?</th>(.*?)</tr>', re.S
)
GROUP = re.compile(r'<tr class="ov-group"><th scope="colgroup"[^>]*>([^<]+)</th>')
CELL = re.compile(
    r'<span class="ov-value">([^<]*)</span>.*?<span class="visually-hidden ov-verdict">([^<]*)'
    r'</span>.*?<span class="ov-trend-text">([^<]*)</span>',
    re.S,
)


def _page_rows(html: str) -> list[list[str]]:
    """The shown table as the download's rows: KKR, name, then value, verdict, trend per
    indicator (a hidden or missing value as the download's empty cell)."""
    out = []
    for body in html.split("<tbody>")[1:]:
        kkr = GROUP.search(body)
        assert kkr is not None
        for name, cells in ROW.findall(body):
            rec = [kkr.group(1), name]
            for value, verdict, trend in CELL.findall(cells):
                rec += ["" if value in ("skjult", "–") else value, verdict, trend]
            out.append(rec)
    return out


def _as_shown(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, int | float):  # XLSX gives 37.0 back as 37
        return fmt.number(float(v), 1)
    return str(v)


def test_the_page_csv_and_xlsx_show_the_same_cells(release: Release, personas: Personas) -> None:
    client = personas.client("reader")
    query = f"?kkr={HOVEDSTADEN}&sort={IND}&orden=faldende"
    page = _page_rows(client.get(URL + query).content.decode())
    assert len(page) == len(members_of(HOVEDSTADEN))
    text = client.get(URL + query + "&hent=csv").content.decode("utf-8")
    table = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    header, body = table[0], table[1:]
    # the download's numbers as the page writes them (decimal comma, thousands dot)
    csv_rows = [
        [r[0], r[1]]
        + [
            fmt.number(float(c.replace(",", ".")), 1) if i % 3 == 0 and c else c
            for i, c in enumerate(r[3:])
        ]
        for r in body
    ]
    assert csv_rows == page
    response = client.get(URL + query + "&hent=xlsx")
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = list(
        load_workbook(io.BytesIO(response.content))["Overblik"].iter_rows(values_only=True)
    )
    assert list(sheet[0]) == header
    xlsx_rows = [[r[0], r[1]] + [_as_shown(c) for c in r[3:]] for r in sheet[1:]]
    assert xlsx_rows == page


def test_every_cell_is_the_published_figure(release: Release, personas: Personas) -> None:
    pub = releases.load_release(release.pk)
    year = pub.years[-1]
    page = _page_rows(personas.client("reader").get(f"{URL}?kkr=alle&aar={year}").content.decode())
    assert len(page) == 98
    names = municipality_names()
    columns = _columns(pub)
    by_name = {r[1]: r for r in page}
    checked = 0
    for code in (ALBERTSLUND, 101, 851, 400):
        row = by_name[names[code]]
        assert len(row) == 2 + 3 * len(columns)
        for n, ind in enumerate(columns):
            f = pub.figure(ind, "kommune", code, year)
            shown = row[2 + 3 * n]
            if f.value is None:
                assert shown == ""
                assert row[3 + 3 * n] in ("Skjult (få tilfælde)", "Ikke sammenlignet")
            else:
                assert shown == fmt.number(round(f.value, 1), 1)
                assert row[3 + 3 * n] == comparison_label(f.verdict)
                checked += 1
    assert checked


def _columns(pub: object) -> list[str]:
    from naersund.web.dashboard import context as ctx

    present = set(pub.results["indicator"])  # type: ignore[attr-defined]
    return [i for i in ctx.infos() if i in present]


def test_suppressed_cells_stay_hidden_on_the_page_and_in_the_download(
    release: Release, personas: Personas
) -> None:
    pub = releases.load_release(release.pk)
    r = pub.results
    hidden = r[(r["level"] == "kommune") & r["suppressed"]].iloc[0]
    name = municipality_names()[int(hidden["area_code"])]
    query = f"?kkr=alle&aar={int(hidden['year'])}"
    client = personas.client("reader")
    row = next(x for x in _page_rows(client.get(URL + query).content.decode()) if x[1] == name)
    col = 2 + 3 * _columns(pub).index(str(hidden["indicator"]))
    assert row[col] == "" and row[col + 1] == "Skjult (få tilfælde)"
    text = client.get(URL + query + "&hent=csv").content.decode("utf-8")
    line = next(x for x in csv.reader(io.StringIO(text[1:]), delimiter=";") if x[1] == name)
    assert line[col + 1] == "" and line[col + 2] == "Skjult (få tilfælde)"


def test_sorting_works_without_javascript_and_flips(release: Release, personas: Personas) -> None:
    client = personas.client("reader")
    pub = releases.load_release(release.pk)
    col = 2 + 3 * _columns(pub).index(IND)

    def values(order: str) -> list[list[float]]:
        """Per KKR group (rows are sorted inside their KKR), the shown values in order."""
        html = client.get(f"{URL}?kkr=alle&sort={IND}&orden={order}").content.decode()
        groups = []
        for body in html.split("<tbody>")[1:]:
            shown = [r[col] for r in _page_rows("<tbody>" + body)]
            known = [float(v.replace(".", "").replace(",", ".")) for v in shown if v]
            assert shown[: len(known)] == [v for v in shown if v]  # missing values last
            groups.append(known)
        return groups

    up, down = values("stigende"), values("faldende")
    assert all(g == sorted(g) for g in up) and sum(len(g) for g in up) > 5
    assert all(g == sorted(g, reverse=True) for g in down)
    assert [sorted(g) for g in up] == [sorted(g) for g in down]
    html = client.get(f"{URL}?kkr={NORDJYLLAND}&sort={IND}&orden=stigende").content.decode()
    assert 'aria-sort="ascending"' in html
    assert f"sort={IND}&amp;orden=faldende" in html  # the heading's link flips the order


def test_a_kkr_secretariat_starts_on_its_own_kkr(release: Release, personas: Personas) -> None:
    html = personas.client("kkr_nordjylland").get(URL).content.decode()
    groups = GROUP.findall(html)
    assert groups == ["KKR Nordjylland"]
    names = [r[1] for r in _page_rows(html)]
    assert "Aalborg" in names and "Albertslund" not in names
    everyone = personas.client("kkr_nordjylland").get(URL + "?kkr=alle").content.decode()
    assert len(GROUP.findall(everyone)) == 5
    reader = personas.client("reader").get(URL).content.decode()
    assert len(GROUP.findall(reader)) == 5


def test_a_sundhedsraad_secretariat_starts_on_its_own_municipalities(
    release: Release, personas: Personas
) -> None:
    from naersund.refdata import scopes

    members = scopes.get("sundhedsraad", 2712).members  # Amager og Vestegnen
    names = municipality_names()
    client = personas.client("sr_amager_vestegnen")
    html = client.get(URL).content.decode()
    assert sorted(r[1] for r in _page_rows(html)) == sorted(names[k] for k in members)
    assert f"({len(members)} valgt)" in html
    everyone = client.get(URL + "?kkr=alle").content.decode()
    assert len(_page_rows(everyone)) == 98


def test_an_editor_sees_their_own_municipality_marked(release: Release, personas: Personas) -> None:
    html = personas.client("albertslund").get(URL + f"?kkr={HOVEDSTADEN}").content.decode()
    assert '<tr class="ov-own">' in html
    assert "(din kommune)" in html
    other = personas.client("aalborg").get(URL + f"?kkr={HOVEDSTADEN}").content.decode()
    assert "(din kommune)" not in other


def test_the_comparison_with_the_kkr_says_so(release: Release, personas: Personas) -> None:
    html = personas.client("reader").get(URL + "?sammenlign=kkr").content.decode()
    assert "sammenlignet med kommunens KKR" in html or "sammenligning med kommunens KKR" in html
    assert "Bedre end landet" not in html and "Dårligere end landet" not in html


@pytest.mark.parametrize("who", EVERYONE)
def test_access_follows_the_other_indicator_pages(
    release: Release, personas: Personas, who: str
) -> None:
    client = personas.client(who)
    response = client.get(URL + "?kkr=alle")
    download = client.get(URL + "?kkr=alle&hent=csv")
    if who == "anonymous":
        assert response.status_code == 302 and "/log-ind/" in response["Location"]
        assert download.status_code == 302
        assert b"Albertslund" not in response.content + download.content
    else:
        assert response.status_code == 200 and b"Albertslund" in response.content
        assert download.status_code == 200 and "Albertslund" in download.content.decode()


def test_bad_parameters_get_a_danish_answer(release: Release, personas: Personas) -> None:
    client = personas.client("reader")
    assert client.get(URL + "?aar=abc").status_code == 400
    assert client.get(URL + "?kkr=abc").status_code == 400
    assert client.get(URL + "?hent=pdf").status_code == 404
    # values that name nothing fall back to the defaults
    ok = client.get(URL + "?aar=1900&kkr=9999&sammenlign=mars&sort=x&orden=y")
    assert ok.status_code == 200 and len(GROUP.findall(ok.content.decode())) == 5


def test_without_a_release_the_page_says_so(personas: Personas) -> None:
    response = personas.client("reader").get(URL)
    assert response.status_code == 200
    assert "Overblik" in response.content.decode()


def test_a_chosen_group_of_municipalities_is_shown_and_downloaded(
    release: Release, personas: Personas
) -> None:
    client = personas.client("reader")
    query = f"?kkr=alle&kommuner={ALBERTSLUND}&kommuner=851&kommuner=7"
    html = client.get(URL + query).content.decode()
    assert [r[:2] for r in _page_rows(html)] == [
        ["KKR Nordjylland", "Aalborg"],
        ["KKR Hovedstaden", "Albertslund"],
    ]
    assert f"kommuner={ALBERTSLUND}&amp;kommuner=851" in html  # the sort links keep the group
    assert "(2 valgt)" in html
    text = client.get(URL + query + "&hent=csv").content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert [r[1] for r in rows[1:]] == ["Aalborg", "Albertslund"]
    assert client.get(URL + "?kommuner=abc").status_code == 400


# --- comparison with the municipality's area on any published level (issue 14) -----------------

AMAGER_VESTEGNEN = 2712
ROW_WITH_REFERENCE = re.compile(r'<th scope="row"><a [^>]*>([^<]+)</a>(.*?)</th>(.*?)</tr>', re.S)
REFERENCE = re.compile(r'<span class="small ov-ref">sammenlignet med ([^<]+)</span>')


def _expected_verdict(pub: Any, indicator: str, code: int, level: str, area: int, year: int) -> str:
    """The verdict against the area by the overlap of the two published 95 % intervals
    (``PublishedResults.figure``), written out here as the page's legend states it."""
    from naersund.web.dashboard import context as ctx

    own = pub.figure(indicator, "kommune", code, year)
    ref = pub.figure(indicator, level, area, year)
    if own.suppressed:
        return "Skjult (få tilfælde)"
    if None in (own.lower, own.upper, ref.lower, ref.upper):
        return "Ikke sammenlignet"
    low_is_good = ctx.infos()[indicator].direction == "lower_is_better"
    if own.upper < ref.lower:
        return "Bedre end sundhedsrådet" if low_is_good else "Dårligere end sundhedsrådet"
    if own.lower > ref.upper:
        return "Dårligere end sundhedsrådet" if low_is_good else "Bedre end sundhedsrådet"
    return "Som sundhedsrådet"


def test_compared_with_the_sundhedsraad_each_row_names_it_and_its_verdict(
    levels_file: Path, personas: Personas
) -> None:
    release = releases.publish(levels_file)
    pub = releases.load_release(release.pk)
    year = pub.years[-1]
    members = pub.members("sundhedsraad", AMAGER_VESTEGNEN)
    query = "&".join(
        [f"aar={year}", "kkr=alle", "sammenlign=sundhedsraad", *(f"kommuner={k}" for k in members)]
    )
    response = personas.client("reader").get(f"{URL}?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="sundhedsraad" selected>Kommunens sundhedsråd</option>' in html
    assert "Sammensætningen er ikke verificeret mod officiel liste." in html
    assert "beregnet som summen af kommunerne" in html
    names = municipality_names()
    columns = _columns(pub)
    rows = ROW_WITH_REFERENCE.findall(html)
    assert sorted(name for name, _, _ in rows) == sorted(names[k] for k in members)
    code_of = {names[k]: k for k in members}
    compared = differs = 0
    for name, header, cells in rows:
        assert REFERENCE.findall(header) == ["Sundhedsråd Amager og Vestegnen"]
        shown = CELL.findall(cells)
        assert len(shown) == len(columns)
        for ind, (value, verdict, _) in zip(columns, shown, strict=True):
            k = code_of[name]
            f = pub.figure(ind, "kommune", k, year, parent_level="sundhedsraad")
            assert f.parent_code == AMAGER_VESTEGNEN
            if f.value is not None:
                assert value == fmt.number(round(f.value, 1), 1)
            expected = _expected_verdict(pub, ind, k, "sundhedsraad", AMAGER_VESTEGNEN, year)
            assert verdict == expected, (name, ind)
            if f.value is not None:
                compared += verdict != "Ikke sammenlignet"
                denmark = comparison_label(f.verdict).replace("landet", "")
                differs += denmark != verdict.replace("sundhedsrådet", "")
    assert compared > 0
    assert differs > 0  # not Denmark's verdict under the sundhedsråd's name


def test_compared_with_the_2027_region_each_row_names_it(
    levels_file: Path, personas: Personas
) -> None:
    releases.publish(levels_file)
    html = (
        personas.client("reader")
        .get(URL + f"?kkr={HOVEDSTADEN}&sammenlign=region2027")
        .content.decode()
    )
    assert set(REFERENCE.findall(html)) == {"Region Østdanmark"}
    assert "sammenlignet med kommunens region (fra 2027)" in html
    assert "Bedre end regionen" in html  # the legend


def test_an_unknown_comparison_gets_a_danish_message_not_an_error(
    release: Release, personas: Personas
) -> None:
    client = personas.client("reader")
    response = client.get(URL + "?sammenlign=<mars>")
    assert response.status_code == 200
    html = response.content.decode()
    assert "»Sammenlign med« kender ikke værdien »&lt;mars&gt;«" in html
    assert "<mars>" not in html
    assert "Tabellen er sammenlignet med landet." in html
    assert "Bedre end landet" in html
    # a level this release (kommune, region, land) has no figures for
    response = client.get(URL + "?sammenlign=sundhedsraad")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Udgivelsen har ingen tal for kommunens sundhedsråd" in html
    assert 'value="sundhedsraad"' not in html  # not offered either
    assert client.get(URL + "?sammenlign=kkr").content.decode().count("ov-notice") == 0
