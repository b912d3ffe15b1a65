"""The catalogue pages: content in Danish and the WCAG basics (language, skip link, heading
order, labelled fields)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from web_personas import HOVEDSTADEN, Personas

from naersund.catalogue import load_catalogue


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.lang: str | None = None
        self.ids: set[str] = set()
        self.label_for: set[str] = set()
        self.inputs: list[str] = []
        self.first_link: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "label" and a.get("for"):
            self.label_for.add(str(a["for"]))
        if tag == "input" and a.get("type") not in ("hidden", "submit"):
            self.inputs.append(str(a.get("id")))
        if tag == "a" and self.first_link is None:
            self.first_link = a.get("href")


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _assert_accessible_basics(html: str) -> None:
    page = _parse(html)
    assert page.lang == "da"
    assert page.first_link == "#indhold" and "indhold" in page.ids
    assert page.headings[0] == 1 and page.headings.count(1) == 1
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        assert after <= before + 1, f"heading h{before} followed by h{after}"
    assert set(page.inputs) <= page.label_for


@pytest.mark.parametrize("url", ["/katalog/", f"/katalog/kkr/{HOVEDSTADEN}/", "/log-ind/"])
def test_pages_have_the_accessibility_basics(personas: Personas, url: str) -> None:
    _assert_accessible_basics(personas.client("reader").get(url).content.decode())


def test_the_login_page_has_labelled_fields(personas: Personas) -> None:
    page = _parse(personas.client("anonymous").get("/log-ind/").content.decode())
    assert page.inputs == ["id_username", "id_password"]
    assert page.label_for >= {"id_username", "id_password"}


def test_the_overview_shows_national_goals_and_every_kkr(personas: Personas) -> None:
    html = personas.client("reader").get("/katalog/").content.decode()
    cat = load_catalogue()
    for goal in cat.national_goals:
        assert goal.title_da in html
    for kkr in cat.kkr:
        assert f'href="/katalog/kkr/{kkr.region_code}/"' in html
        for goal in kkr.goals:
            assert goal.title_da.replace("'", "&#x27;").replace('"', "&quot;") in html


def test_the_kkr_page_shows_skal_and_kan_initiatives_and_baselines(personas: Personas) -> None:
    html = personas.client("albertslund").get(f"/katalog/kkr/{HOVEDSTADEN}/").content.decode()
    kkr = load_catalogue().kkr_by_code(HOVEDSTADEN)
    assert f"<h1>{kkr.name_da}</h1>" in html
    assert 'class="kind kind-skal">Skal<' in html and 'class="kind kind-kan">Kan<' in html
    assert "Udgangspunkt for indfrielse af mål" in html
    assert (
        'opfølgende hjemmebesøg i samarbejde med almen praksis <span class="meta">(68 pct., 2012)</span>'
        in html
    )


def test_the_secretary_is_told_she_manages_her_kkr(personas: Personas) -> None:
    mine = personas.client("kkr_hovedstaden").get(f"/katalog/kkr/{HOVEDSTADEN}/")
    other = personas.client("kkr_hovedstaden").get("/katalog/kkr/1081/")
    assert "Du kan administrere opfølgningen" in mine.content.decode()
    assert "Du kan administrere opfølgningen" not in other.content.decode()
