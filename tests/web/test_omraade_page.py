"""Områdeoverblik (issue 14): any area of any published level on one page, its figures the
API's (one function: ``PublishedResults.figure``), the old KKR address still working."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from web_personas import Personas

from naersund.analysis import PublishedResults
from naersund.refdata import areas
from naersund.web.dashboard.templatetags.dashboard import num
from naersund.web.reportjobs.models import ReportJob

pytestmark = pytest.mark.django_db
AMAGER_VESTEGNEN = 2712
OESTDANMARK = 1086
KKR_HOVEDSTADEN = 1084


@pytest.fixture
def reports_dir(settings: Any, tmp_path: Path) -> Path:
    settings.NAERSUND_REPORTS_DIR = tmp_path / "rapporter"
    return Path(settings.NAERSUND_REPORTS_DIR)


def _members(code: int) -> set[int]:
    """The kommunekoder of sundhedsråd ``code`` (the shipped composition)."""
    return {k for k, a in areas.area_levels()["sundhedsraad"].latest.area_of().items() if a == code}


def _pack_query(level: str, year: int, form: str = "pdf") -> dict[str, str]:
    """The report form's fields for Amager og Vestegnen's pack of ``level``."""
    return {
        "omraade": f"omraade-sundhedsraad-{AMAGER_VESTEGNEN}",
        "niveau": level,
        "aar": str(year),
        "format": form,
    }


def _order_and_fetch(client: Any, query: dict[str, str]) -> tuple[int, dict[str, Any], bytes]:
    """Order the pack as a job, run it, and fetch it: (job id, its status, the file)."""
    from naersund.web.reportjobs import services

    ordered = client.post("/rapporter/", query)
    assert ordered.status_code == 302, ordered.content.decode()[:500]
    pk = int(ordered["Location"].rstrip("/").split("/")[-1])
    assert services.run_pending() == 1
    status = client.get(f"/rapporter/job/{pk}/status/").json()
    assert status["status"] == "faerdig", status
    body = b"".join(client.get(status["download_url"]).streaming_content)
    return pk, status, body


def _row(html: str, level: str, code: int) -> str:
    found = re.search(
        rf'<tr[^>]*data-level="{level}" data-area="{code}">(.*?)</tr>', html, flags=re.S
    )
    assert found is not None, f"no row {level} {code}"
    return found.group(1)


def _api(client: Any, **params: Any) -> Any:
    response = client.get(reverse("api:results"), params)
    assert response.status_code == 200, response.content
    return response.json()


def _sundhedsraad_figures(client: Any, year: int) -> tuple[str, list[tuple[str, str, Any]]]:
    """The Områdeoverblik of Amager og Vestegnen in ``year``: its HTML and, per indicator
    column, the indicator, the sundhedsråd's cell and the API's value of that figure."""
    response = client.get(
        reverse("dashboard:omraade", args=["sundhedsraad", AMAGER_VESTEGNEN]), {"aar": year}
    )
    assert response.status_code == 200
    html = response.content.decode()
    cells = re.findall(r'<td class="cmpcell">(.*?)</td>', _row(html, "sundhedsraad", 2712), re.S)
    figures = []
    for indicator, cell in zip(_column_order(html), cells, strict=True):
        body = _api(
            client, level="sundhedsraad", area=AMAGER_VESTEGNEN, year=year, indicator=indicator
        )
        (result,) = body["results"]
        figures.append((indicator, cell, result["figure"]["value"]))
    return html, figures


def test_a_sundhedsraad_lists_exactly_its_municipalities_and_shows_the_api_figure(
    pub: PublishedResults, personas: Personas
) -> None:
    year = pub.years[-1]
    html, figures = _sundhedsraad_figures(personas.client("reader"), year)
    expected = _members(AMAGER_VESTEGNEN)
    listed = {int(k) for k in re.findall(r'data-level="kommune" data-area="(\d+)"', html)}
    assert listed == expected
    assert len(listed) == 9
    assert "Sundhedsråd Amager og Vestegnen" in html
    assert "Sammensætningen er ikke verificeret mod officiel liste." in html
    assert f"Sundhedsråd Amager og Vestegnen {pub.years[0]}-{year}, beregnet" in html
    indicators = [i for i in pub.definitions if not pub.rows(i).empty]
    shown = 0
    for indicator, cell, value in figures:
        if value is None:
            assert "skjult" in cell or "–" in cell
            continue
        shown += 1
        assert cell.strip().startswith(num(value))
        assert value == pub.figure(indicator, "sundhedsraad", AMAGER_VESTEGNEN, year).value
    assert shown >= 1
    assert set(_column_order(html)) <= set(indicators)


def _column_order(html: str) -> list[str]:
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    return re.findall(r'href="/indikatorer/definition/([\w-]+)/"', head)


def test_region_oestdanmark_says_it_is_computed_backwards(
    pub: PublishedResults, personas: Personas
) -> None:
    html = (
        personas.client("reader")
        .get(reverse("dashboard:omraade", args=["region2027", OESTDANMARK]))
        .content.decode()
    )
    assert (
        f"Region Østdanmark {pub.years[0]}-{pub.years[-1]}, beregnet som summen af kommunerne "
        "(findes som organisation fra 2027)"
    ) in html
    assert len(re.findall(r'data-level="kommune"', html)) == 46
    assert "ikke verificeret" not in html
    # its municipalities in Overblik: exactly the 46, every indicator
    link = re.search(r'<a href="(/indikatorer/overblik/\?[^"]*)">Region Østdanmarks kommuner', html)
    assert link is not None
    overblik = personas.client("reader").get(link.group(1).replace("&amp;", "&"))
    assert overblik.status_code == 200
    assert "(46 valgt)" in overblik.content.decode()
    # each compared with Region Østdanmark, not with Denmark
    assert overblik.content.decode().count("sammenlignet med Region Østdanmark</span>") == 46


@pytest.mark.usefixtures("pub")
def test_the_old_kkr_address_moved_to_the_omraadeoverblik(personas: Personas) -> None:
    """The KKR-overblik is the Områdeoverblik of the KKR now (one page for every level): its
    old address redirects permanently, keeping the query."""
    client = personas.client("reader")
    response = client.get(reverse("dashboard:kkr", args=[1084]), {"aar": 2014, "runde": "r"})
    assert response.status_code == 301
    assert response["Location"] == "/indikatorer/omraade/kkr/1084/?aar=2014&runde=r"
    page = client.get(response["Location"]).content.decode()
    assert "<h1>Områdeoverblik: KKR Hovedstaden</h1>" in page
    assert client.get(reverse("dashboard:kkr", args=[1089])).status_code == 404


@pytest.mark.usefixtures("pub")
def test_the_anonymous_user_gets_no_area_page(personas: Personas) -> None:
    response = personas.client("anonymous").get(
        reverse("dashboard:omraade", args=["sundhedsraad", AMAGER_VESTEGNEN])
    )
    assert response.status_code == 302
    assert "Amager" not in response.content.decode()


@pytest.mark.usefixtures("pub")
def test_an_unknown_area_is_a_404(personas: Personas) -> None:
    client = personas.client("reader")
    assert client.get(reverse("dashboard:omraade", args=["sundhedsraad", 2799])).status_code == 404
    assert client.get(reverse("dashboard:omraade", args=["amt", 1])).status_code == 404


def test_the_api_gives_a_municipalitys_sundhedsraad_as_its_parent(
    pub: PublishedResults, personas: Personas
) -> None:
    year = pub.years[-1]
    indicator = "forebyggelige_indlaeggelser_65"
    body = _api(
        personas.client("reader"),
        level="kommune",
        area=165,
        year=year,
        indicator=indicator,
        parent_level="sundhedsraad",
    )
    (row,) = body["results"]
    assert row["figure"]["parent_level"] == "sundhedsraad"
    assert row["figure"]["parent_code"] == AMAGER_VESTEGNEN
    own = pub.figure(indicator, "sundhedsraad", AMAGER_VESTEGNEN, year)
    assert row["figure"]["parent_value"] == own.value
    bad = personas.client("reader").get(reverse("api:results"), {"parent_level": "amt"})
    assert bad.status_code == 400


def test_sammenlign_at_the_2027_regions_shows_the_four_regions_and_their_map(
    pub: PublishedResults, personas: Personas
) -> None:
    year = pub.years[-1]
    indicator = "forebyggelige_indlaeggelser_65"
    response = personas.client("reader").get(
        reverse("dashboard:sammenlign"),
        {"niveau": "region2027", "indikator": indicator, "aar": year},
    )
    assert response.status_code == 200
    html = response.content.decode()
    rows = re.findall(r'<tr data-level="region2027" data-area="(\d+)">(.*?)</tr>', html, re.S)
    assert [int(code) for code, _ in rows] == [1082, 1081, 1083, 1086]  # by name
    for code, row in rows:
        f = pub.figure(indicator, "region2027", int(code), year)
        assert ("skjult" if f.suppressed else num(f.value)) in row
    assert "Region Østdanmark" in html
    assert (
        f"Region (fire regioner fra 2027) findes som organisation fra 2027; tallene for "
        f"{pub.years[0]}-{year} er beregnet som summen af kommunerne."
    ) in html
    assert "Kort over 4 områder" in html
    assert "Bornholm er flyttet op i rammen" in html
    # the municipalities' Sammenlign is still the default
    plain = personas.client("reader").get(reverse("dashboard:sammenlign"))
    assert "Sammenlign kommuner" in plain.content.decode()
    unknown = personas.client("reader").get(reverse("dashboard:sammenlign"), {"niveau": "amt"})
    assert unknown.status_code == 404


def _pdf_names(body: bytes) -> set[int]:
    import io

    from pypdf import PdfReader

    from naersund import refdata

    text = re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    )
    names = refdata.municipalities().set_index("kommunekode")["name"].to_dict()
    return {int(k) for k, n in names.items() if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text)}


@pytest.mark.usefixtures("reports_dir")
def test_the_report_form_offers_and_makes_a_sundhedsraads_pack(
    pub: PublishedResults, personas: Personas
) -> None:
    year = pub.years[-1]
    client = personas.client("reader")
    page = client.get("/rapporter/").content.decode()
    assert f'value="omraade-sundhedsraad-{AMAGER_VESTEGNEN}"' in page
    assert "Sundhedsråd (ikke verificeret mod officiel liste)" in page
    assert 'value="omraade-region2027-1086"' in page
    expected = _members(AMAGER_VESTEGNEN)
    query = _pack_query("direktoer", year)
    # at once ...
    now = client.get("/rapporter/", {"hent": "1", **query})
    assert now.status_code == 200, now.content[:300]
    assert _pdf_names(now.content) == expected
    # ... and as a job
    _, status, body = _order_and_fetch(client, query)
    assert status["file_name"] == f"direktoer_2712_sundhedsraad-amager-og-vestegnen_{year}.pdf"
    assert _pdf_names(body) == expected


@pytest.mark.parametrize(
    ("level", "title"), [("politisk", "Politisk niveau"), ("fagligt", "Fagligt niveau")]
)
@pytest.mark.usefixtures("reports_dir")
def test_the_report_form_makes_a_sundhedsraads_political_and_professional_pack(
    pub: PublishedResults, personas: Personas, level: str, title: str
) -> None:
    """Once refused (the area pack was the director's only): now a job like any other pack;
    nobody logged out orders it, and nobody else sees the job or its file."""
    year = pub.years[-1]
    query = _pack_query(level, year)
    anonymous = personas.client("anonymous")
    for response in (
        anonymous.post("/rapporter/", query),
        anonymous.get("/rapporter/", {"hent": "1", **query}),
    ):
        assert response.status_code == 302
        assert "Amager og Vestegnen" not in response.content.decode()
    assert not ReportJob.objects.exists()
    pk, status, body = _order_and_fetch(personas.client("reader"), query)
    assert status["file_name"] == f"{level}_2712_sundhedsraad-amager-og-vestegnen_{year}.pdf"
    text = _pdf_text(body)
    assert f"{title} · Sundhedsråd Amager og Vestegnen · {year}" in text
    assert "ikke verificeret mod officiel liste" in text
    other = personas.client("kkr_nordjylland")
    for url in (f"/rapporter/job/{pk}/", f"/rapporter/job/{pk}/status/", status["download_url"]):
        response = other.get(url)
        assert response.status_code == 404
        assert status["file_name"].encode() not in response.content
        assert b"Sundhedsr\xc3\xa5d Amager og Vestegnen" not in response.content


def test_a_sundhedsraads_political_xlsx_has_the_api_and_omraadeoverblik_figures(
    pub: PublishedResults, personas: Personas
) -> None:
    import io

    from openpyxl import load_workbook

    from naersund.indicators import load_definitions
    from naersund.reports.common import name_with_status

    year = pub.years[-1]
    client = personas.client("reader")
    _, figures = _sundhedsraad_figures(client, year)
    response = client.get("/rapporter/", {"hent": "1", **_pack_query("politisk", year, "xlsx")})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Nøgletal"]
    in_pack = {r[0]: r[3] for r in sheet.iter_rows(values_only=True) if r and r[0]}
    names = {d.id: name_with_status(d) for d in load_definitions()}
    shown = 0
    for indicator, cell, value in figures:
        # the same number (the XLSX keeps 15 significant digits)
        assert in_pack[names[indicator]] == (None if value is None else pytest.approx(value))
        if value is not None:
            shown += 1
            assert cell.strip().startswith(num(value))
    assert shown >= 1


def _pdf_text(body: bytes) -> str:
    import io

    from pypdf import PdfReader

    return re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    )


def test_udvikling_of_a_sundhedsraad_beside_its_2027_region_and_denmark(
    pub: PublishedResults, personas: Personas
) -> None:
    indicator = "forebyggelige_indlaeggelser_65"
    client = personas.client("reader")
    response = client.get(
        reverse("dashboard:udvikling"),
        {
            "niveau": "sundhedsraad",
            "omraade": AMAGER_VESTEGNEN,
            "over": "region2027",
            "indikator": indicator,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Udvikling: Forebyggelige" in html and "Sundhedsråd Amager og Vestegnen" in html
    assert "Sammensætningen er ikke verificeret mod officiel liste." in html
    for f in pub.series(indicator, "sundhedsraad", AMAGER_VESTEGNEN):
        row = re.search(rf'<tr data-year="{f.year}">(.*?)</tr>', html, re.S)
        assert row is not None
        assert ("skjult" if f.suppressed else num(f.value)) in row.group(1)
    # the chart's numbers: the area, Region Østdanmark (its parent in 2027) and Denmark
    csv = client.get(
        reverse("dashboard:udvikling"),
        {
            "niveau": "sundhedsraad",
            "omraade": AMAGER_VESTEGNEN,
            "over": "region2027",
            "indikator": indicator,
            "csv": "trend",
        },
    ).content.decode("utf-8-sig")
    assert "Region Østdanmark" in csv and "Danmark" in csv
    assert (
        client.get(
            reverse("dashboard:udvikling"), {"niveau": "sundhedsraad", "omraade": 1}
        ).status_code
        == 404
    )


def test_the_kommuneprofil_names_the_municipalitys_area_on_every_level(
    pub: PublishedResults, personas: Personas
) -> None:
    year = pub.years[-1]
    html = personas.client("reader").get(reverse("dashboard:kommune", args=[165])).content.decode()
    block = re.search(r'<section class="member-of".*?</section>', html, re.S)
    assert block is not None
    items = re.findall(r"<li>(.*?)</li>", block.group(0), re.S)
    names = [re.search(r'<a href="[^"]*">([^<]*)</a>', i).group(1) for i in items]  # type: ignore[union-attr]
    assert names == [
        "Region Hovedstaden",
        "Region Østdanmark",
        "KKR Hovedstaden",
        "Sundhedsråd Amager og Vestegnen",
    ]
    sr = items[3]
    assert (
        f'href="{reverse("dashboard:omraade", args=["sundhedsraad", AMAGER_VESTEGNEN])}?aar={year}"'
    ) in sr
    assert (
        f"Sundhedsråd Amager og Vestegnen {pub.years[0]}-{year}, beregnet som summen af "
        "kommunerne (findes som organisation fra 2027); <strong>sammensætningen er ikke "
        "verificeret mod officiel liste</strong>."
    ) in sr
    assert "kommune=165&amp;gruppe=sundhedsraad" in sr
    assert "ikke verificeret" not in items[1] and "findes som organisation fra 2027" in items[1]
    # each link leads to a page that shows the area
    for item in items:
        url = re.search(r'<a href="([^"]*)">', item).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
        assert personas.client("reader").get(url).status_code == 200


def test_an_indicator_without_figures_falls_back_visibly_to_the_one_shown(
    pub: PublishedResults, personas: Personas
) -> None:
    """?indikator= naming an indicator the release has no figures for (the tests' release, like
    the demo's, has none for KOL): the selector, the map's heading and its numbers all show the
    first indicator the release has, and a Danish note says so."""
    from naersund.web.dashboard import context as ctx

    infos = ctx.infos()
    missing = next(i for i in infos if pub.rows(i).empty)
    client = personas.client("reader")
    url = reverse("dashboard:omraade", args=["sundhedsraad", AMAGER_VESTEGNEN])
    html = client.get(url, {"indikator": missing}).content.decode()
    first = _column_order(html)[0]
    assert not pub.rows(first).empty
    note = (
        f"Udgivelsen har ingen tal for »{infos[missing].name_da}«, så kortet viser i stedet "
        f"»{infos[first].name_da}«, den første indikator, udgivelsen har tal for."
    )
    assert note in html
    assert f'<option value="{first}" selected>' in html
    assert f'<option value="{missing}" selected>' not in html
    assert f"<h2>Kort: {infos[first].name_da}</h2>" in html
    # the map's numbers are the shown indicator's figures
    year = pub.years[-1]
    data = client.get(url, {"indikator": missing, "csv": "map"}).content.decode("utf-8-sig")
    shown = pub.figure(first, "kommune", 165, year).value  # Albertslund
    lines = data.splitlines()
    assert lines[0].startswith(f"Kommune;Værdi ({infos[first].unit_da})")
    assert shown is not None
    assert f"Albertslund;{str(shown).replace('.', ',')};" in data
    # an indicator the release has: no note
    plain = client.get(url, {"indikator": first}).content.decode()
    assert "Udgivelsen har ingen tal for" not in plain
    assert f"<h2>Kort: {infos[first].name_da}</h2>" in plain


def test_a_release_without_any_indicator_shows_no_map_and_says_so() -> None:
    from naersund.web.dashboard.area_page import shown_indicator

    info, at, note = shown_indicator([], "akutte_indlaeggelser_kol")
    assert info is None and at == 0
    assert note == "Udgivelsen har ingen tal for nogen indikator, så der er intet kort."


def test_every_scrolling_table_is_a_named_region_reachable_by_keyboard(
    levels_file: Path, personas: Personas
) -> None:
    # A table that scrolls sideways on a phone must take the keyboard's focus and say what it
    # is (WCAG 2.1.1, axe's scrollable-region-focusable); whether it scrolls depends on the data.
    from naersund.web.dashboard import releases

    release = releases.publish(levels_file)
    reader = personas.client("reader")
    urls = [
        "/indikatorer/kommune/165/",
        f"/indikatorer/omraade/kkr/{KKR_HOVEDSTADEN}/",
        "/indikatorer/sammenlign/?niveau=sundhedsraad&indikator=forebyggelige_indlaeggelser_65",
        f"/indikatorer/udvikling/?niveau=kkr&omraade={KKR_HOVEDSTADEN}&indikator=forebyggelige_indlaeggelser_65",
        f"/indikatorer/udgivelser/{release.pk}/",
        "/indikatorer/definition/akutte_indlaeggelser_kol/",
        "/indikatorer/overblik/",
    ]
    for url in urls:
        response = reader.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        boxes = re.findall(r'<div class="table-scroll[^"]*"[^>]*>', html)
        assert boxes, url
        for box in boxes:
            assert 'tabindex="0"' in box and 'role="region"' in box, (url, box)
            label = re.search(r'aria-label="([^"]+)"', box)
            named_by = re.search(r'aria-labelledby="([^"]+)"', box)
            assert label or named_by, (url, box)
            if label:
                assert label.group(1).endswith(": tabel, kan rulles vandret"), (url, box)
                assert "{{" not in label.group(1) and not label.group(1).startswith(":")
            if named_by:
                assert f'id="{named_by.group(1)}"' in html, (url, box)
