"""Issue 14: Sammenlign and Udvikling compare a municipality with a group (its comparable
municipalities, its sundhedsråd / KKR / region, a user-defined group): exactly the group's
members with the API's figures, the group's own figure published or pooled and marked, no
pooled figure from masked cells, and a Danish message for a group that does not exist."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import numpy as np
import pytest
from django.urls import reverse
from web_personas import ALBERTSLUND, Personas

from naersund.analysis import group_compare as gc
from naersund.analysis.neighbours import comparable_municipalities
from naersund.analysis.published import CRUDE, Figure, PublishedResults
from naersund.engine.results import crude_estimate
from naersund.indicators import load_definitions
from naersund.reports.model import Table
from naersund.web.areas.models import MunicipalityGroup
from naersund.web.dashboard import views
from naersund.web.dashboard.templatetags.dashboard import num

pytestmark = pytest.mark.django_db
RAW = views.CRUDE  # ?maal= for crude values
AMAGER_VESTEGNEN = 2712
INDICATOR = "akutte_korttidsindlaeggelser"  # shown for Albertslund's neighbours


def _rows(html: str, role: str) -> dict[int, str]:
    found = re.findall(rf'<tr[^>]*data-role="{role}" data-kommune="(\d+)">(.*?)</tr>', html, re.S)
    return {int(code): row for code, row in found}


def _group_row(html: str) -> str:
    found = re.search(r'<tr data-role="group"[^>]*>(.*?)</tr>', html, re.S)
    assert found is not None
    return found.group(1)


def _api_row(client: Any, level: str, area: int, year: int) -> Any:
    params = {"level": level, "area": area, "year": year, "indicator": INDICATOR}
    response = client.get(reverse("api:results"), params)
    assert response.status_code == 200, response.content
    (row,) = response.json()["results"]
    return row


def _api_value(client: Any, level: str, area: int, year: int) -> Any:
    """The API's figure (the headline measure)."""
    return _api_row(client, level, area, year)["figure"]["value"]


def _shown(f: Figure) -> str:
    """A cell as the page shows it: "skjult" for a suppressed cell, "–" for one without a
    value (too few events to standardise)."""
    return "skjult" if f.suppressed else "–" if f.value is None else num(f.value)


def test_the_sundhedsraad_lists_exactly_its_members_with_the_apis_figures(
    pub: PublishedResults, personas: Personas
) -> None:
    client = personas.client("reader")
    year = pub.years[-1]
    response = client.get(
        reverse("dashboard:sammenlign"),
        {"kommune": ALBERTSLUND, "gruppe": "sundhedsraad", "indikator": INDICATOR, "aar": year},
    )
    assert response.status_code == 200
    html = response.content.decode()
    members = set(pub.members("sundhedsraad", AMAGER_VESTEGNEN))
    assert len(members) == 9 and ALBERTSLUND in members
    assert set(_rows(html, "member")) == members - {ALBERTSLUND}
    assert set(_rows(html, "own")) == {ALBERTSLUND}
    for code, row in {**_rows(html, "member"), **_rows(html, "own")}.items():
        f = pub.figure(INDICATOR, "kommune", code, year)
        assert _api_value(client, "kommune", code, year) == f.value
        assert f'<td class="num">{_shown(f)}</td>' in row
    # the sundhedsråd is a published level: its figure is the published one
    f = pub.figure(INDICATOR, "sundhedsraad", AMAGER_VESTEGNEN, year)
    assert f.value is not None
    assert _api_value(client, "sundhedsraad", AMAGER_VESTEGNEN, year) == f.value
    assert f'<td class="num">{num(f.value)}</td>' in _group_row(html)
    assert "Sundhedsråd Amager og Vestegnen (udgivet)" in html
    assert "beregnet af naersund" not in html
    # its membership is the secondary source's, and the release's years precede 2027
    assert year < 2027
    assert (
        "Sundhedsråd Amager og Vestegnen: udgivet tal (beregnet som summen af kommunerne; findes "
        "som organisation fra 2027; sammensætningen er ikke verificeret mod officiel liste)."
    ) in html
    assert f"Udgivelse {pub.release_id}" in html and f"år {year}" in html
    # a masked published aggregate stays masked, and nothing is pooled in its place (the
    # fixture's new suppression masks no sundhedsråd, so one is masked here as compute would)
    r = pub.results.copy()
    cell = (r["level"] == "sundhedsraad") & (r["area_code"] == AMAGER_VESTEGNEN)
    cell &= (r["indicator"] == INDICATOR) & (r["year"] == year)
    r.loc[cell, ["numerator", "value", "std_value", "lower_ci", "upper_ci"]] = np.nan
    r.loc[cell, "suppressed"] = True
    masked = dataclasses.replace(pub, results=r)
    group = gc.resolve(masked, ALBERTSLUND, "sundhedsraad", year, [])
    assert group is not None
    for measure in (None, CRUDE):
        figs = gc.group_figures(masked, group, ALBERTSLUND, INDICATOR, year, measure)
        assert figs.aggregate is not None and figs.aggregate.suppressed
        assert figs.aggregate.value is None and figs.pooled is None


def test_the_comparable_municipalities_are_pooled_only_in_crude_values(
    pub: PublishedResults, personas: Personas
) -> None:
    client = personas.client("reader")
    year = pub.years[-1]
    neighbours = comparable_municipalities(year)[ALBERTSLUND]
    query = {"kommune": ALBERTSLUND, "gruppe": "sammenlignelige", "indikator": INDICATOR}
    html = client.get(reverse("dashboard:sammenlign"), {**query, "aar": year}).content.decode()
    assert list(_rows(html, "member")) != [] and set(_rows(html, "member")) == set(neighbours)
    assert 'data-pooled="1"' not in html
    assert "en aldersstandardiseret værdi kan ikke lægges sammen" in html

    crude = client.get(reverse("dashboard:sammenlign"), {**query, "aar": year, "maal": RAW})
    html = crude.content.decode()
    figures = [pub.figure(INDICATOR, "kommune", k, year, measure=CRUDE) for k in neighbours]
    assert not any(f.suppressed for f in figures)  # the fixture's neighbours are all shown
    for code, row in _rows(html, "member").items():
        f = pub.figure(INDICATOR, "kommune", code, year, measure=CRUDE)
        assert f.value is not None
        assert _api_row(client, "kommune", code, year)["value"] == pytest.approx(f.value)
        assert f'<td class="num">{num(f.value)}</td>' in row
    definition = next(d for d in load_definitions() if d.id == INDICATOR)
    expected = crude_estimate(
        definition,
        [sum(f.numerator or 0 for f in figures)],
        [sum(f.denominator or 0 for f in figures)],
    )
    row = _group_row(html)
    assert "beregnet af naersund ud fra kommunernes tal" in row
    assert f'<td class="num">{num(float(expected.value[0]))}</td>' in row


def _suppressed_cell(pub: PublishedResults) -> tuple[str, int, int]:
    r = pub.results
    hidden = r[(r["level"] == "kommune") & r["suppressed"].astype(bool)]
    assert len(hidden), "the fixture release has no suppressed municipality cell"
    first = hidden.iloc[0]
    return str(first["indicator"]), int(first["area_code"]), int(first["year"])


def test_a_suppressed_member_stays_masked_and_blocks_the_pooled_figure(
    pub: PublishedResults, personas: Personas
) -> None:
    indicator, hidden, year = _suppressed_cell(pub)
    other = next(k for k in (101, 147, 151) if k != hidden)
    group = MunicipalityGroup(slug="proeve", name_da="Prøvegruppen", members=[hidden, other])
    group.full_clean()
    group.save()
    client = personas.client("reader")
    query = {"kommune": other, "gruppe": "proeve", "indikator": indicator, "maal": RAW}
    html = client.get(reverse("dashboard:sammenlign"), {**query, "aar": year}).content.decode()
    row = _rows(html, "member")[hidden]
    assert '<td class="num">skjult</td>' in row
    assert 'data-pooled="1"' not in html
    assert "Intet samlet tal for Prøvegruppen: 1 af kommunernes tal er skjult" in html
    # nothing of the masked cell's counts reaches the page: only the other member's value
    shown = pub.figure(indicator, "kommune", other, year, measure=CRUDE)
    assert _rows(html, "own")[other].count('<td class="num">') == 2
    assert shown.value is None or num(shown.value) in _rows(html, "own")[other]
    trend = client.get(reverse("dashboard:udvikling"), query).content.decode()
    assert "skjult" in _rows(trend, "member")[hidden]


def test_udvikling_shows_every_member_year_by_year_as_published(
    pub: PublishedResults, personas: Personas
) -> None:
    client = personas.client("reader")
    html = client.get(
        reverse("dashboard:udvikling"),
        {"kommune": ALBERTSLUND, "gruppe": "kkr", "indikator": INDICATOR},
    ).content.decode()
    kkr_code = pub.membership["kkr"][ALBERTSLUND]
    members = set(pub.members("kkr", kkr_code)) - {ALBERTSLUND}
    rows = _rows(html, "member")
    assert set(rows) == members
    code = sorted(members)[0]
    cells = re.findall(r'<td class="num">(.*?)</td>', rows[code], re.S)
    expected = [_shown(f) for f in pub.series(INDICATOR, "kommune", code)]
    assert [c.strip() for c in cells] == expected
    group_cells = re.findall(r'<td class="num">(.*?)</td>', _group_row(html), re.S)
    assert [c.strip() for c in group_cells] == [
        _shown(f) for f in pub.series(INDICATOR, "kkr", kkr_code)
    ]
    # the KKR is verified and existed: only how its figure is made is said
    assert "KKR Hovedstaden: udgivet tal (beregnet som summen af kommunerne)." in html
    assert "ikke verificeret" not in html


@pytest.mark.parametrize("page", ["dashboard:sammenlign", "dashboard:udvikling"])
@pytest.mark.parametrize("key", ["\x00", "findes_ikke", "x" * 300, "region2027\x00"])
def test_a_group_that_does_not_exist_gets_the_pages_danish_message(
    pub: PublishedResults, personas: Personas, page: str, key: str
) -> None:
    response = personas.client("reader").get(reverse(page), {"kommune": ALBERTSLUND, "gruppe": key})
    assert response.status_code == 404
    html = response.content.decode()
    assert "Der er ingen gruppe" in html and "Vælg en gruppe i listen" in html
    assert "Traceback" not in html and 'data-role="member"' not in html


def test_the_choices_include_the_users_groups_and_the_anonymous_user_sees_nothing(
    pub: PublishedResults, personas: Personas
) -> None:
    client = personas.client("reader")
    before = client.get(reverse("dashboard:sammenlign")).content.decode()
    assert 'name="gruppe"' in before and "Sammenlign med" in before
    assert '<option value="sammenlignelige"' in before
    assert '<option value="sundhedsraad"' in before
    assert "Vestegnens samarbejde" not in before
    group = MunicipalityGroup(slug="vestegnen", name_da="Vestegnens samarbejde", members=[165, 153])
    group.full_clean()
    group.save()
    after = client.get(reverse("dashboard:sammenlign")).content.decode()
    assert '<option value="vestegnen">Gruppe: Vestegnens samarbejde</option>' in after
    anonymous = personas.client("anonymous").get(
        reverse("dashboard:sammenlign"), {"kommune": ALBERTSLUND, "gruppe": "vestegnen"}
    )
    assert anonymous.status_code in (302, 403)
    assert "Vestegnens samarbejde" not in anonymous.content.decode()


def _pdf_text(body: bytes) -> str:
    import io

    from pypdf import PdfReader

    pages = [p.extract_text() or "" for p in PdfReader(io.BytesIO(body)).pages]
    return re.sub(r"\s+", " ", re.sub(r"-\s+", "-", " ".join(pages)))


@pytest.mark.slow  # renders the director pack's PDF: about a minute
def test_the_director_pack_shows_the_comparable_municipalities_as_the_page(
    pub: PublishedResults, personas: Personas
) -> None:
    """The pack's "Sammenlignelige kommuner" and the page Sammenlign with the comparable
    municipalities come from one function (``group_compare.group_figures``): the same
    municipalities with the same numbers, read back from the PDF."""
    from naersund import fmt
    from naersund.analysis.profiles import municipality_names
    from naersund.reports import build_pack, render
    from naersund.reports.model import Area
    from naersund.web.reportdata import report_input

    year = pub.years[-1]
    data = report_input(year)
    pack = build_pack(data, "direktoer", Area("kommune", ALBERTSLUND, "Albertslund", 1084), year)
    section = next(s for s in pack.sections if s.title == "Sammenlignelige kommuner")
    (table,) = [b for b in section.blocks if isinstance(b, Table)]
    names = municipality_names()
    neighbours = comparable_municipalities(year)[ALBERTSLUND]
    assert (table.rows[0][0], table.rows[-1][0]) == ("Albertslund", "Hele landet")
    assert [r[0] for r in table.rows[1:-1]] == sorted(names[k] for k in neighbours)
    column = next(
        n for n, col in enumerate(table.columns) if col.label.startswith("Akutte medicinske")
    )
    html = (
        personas.client("reader")
        .get(
            reverse("dashboard:sammenlign"),
            {
                "kommune": ALBERTSLUND,
                "gruppe": "sammenlignelige",
                "indikator": INDICATOR,
                "aar": year,
            },
        )
        .content.decode()
    )
    by_name = {names[k]: row for k, row in {**_rows(html, "own"), **_rows(html, "member")}.items()}
    text = _pdf_text(render(pack, "pdf"))
    assert f"Albertslund og de 5 sammenlignelige kommuner, {year}" in text
    checked = 0
    for row in table.rows[:-1]:
        value = row[column]
        shown = by_name[row[0]]
        if value is None:
            assert 'class="num">–</td>' in shown or "skjult" in shown
            continue
        checked += 1
        assert f'<td class="num">{num(value)}</td>' in shown
    for row in table.rows:  # each row read back from the PDF as printed
        cells = " ".join("–" if v is None else fmt.number(v, 1) for v in row[1:])
        assert f"{row[0]} {cells}" in text, row
    assert checked >= 3


@pytest.mark.parametrize("page", ["dashboard:sammenlign", "dashboard:udvikling"])
def test_without_an_indicator_the_page_shows_the_first_the_release_has(
    pub: PublishedResults, personas: Personas, page: str
) -> None:
    """The Kommuneprofil's links to the group pages name no indicator; the pages took the first
    definition, which this release (as the demo's) lacks, and showed only "–"."""
    from naersund.web.dashboard import context as ctx

    present = [i for i in ctx.infos() if not pub.rows(i).empty]
    assert next(iter(ctx.infos())) not in present
    year = pub.years[-1]
    html = (
        personas.client("reader")
        .get(reverse(page), {"kommune": ALBERTSLUND, "gruppe": "sundhedsraad"})
        .content.decode()
    )
    f = pub.figure(present[0], "sundhedsraad", AMAGER_VESTEGNEN, year)
    assert f.value is not None
    cells = [c.strip() for c in re.findall(r'<td class="num">(.*?)</td>', _group_row(html), re.S)]
    # Sammenlign: the year's value first; Udvikling: year by year, the last year last
    assert cells[0 if page == "dashboard:sammenlign" else -1] == num(f.value)
