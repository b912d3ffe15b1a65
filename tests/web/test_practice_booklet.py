"""The published catalogue of good practice as a booklet (issue 13): the PDF "Katalog over god
praksis" (table of contents with page numbers, one entry per page, the demo marking) and the
XLSX hold every published entry and no draft; both are for every logged-in user."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from practice_entries import make_entry
from pypdf import PdfReader
from web_personas import AALBORG, ALBERTSLUND, Personas

from naersund.reports import booklet as render
from naersund.web.practice.models import Entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue() -> list[Entry]:
    return [
        make_entry(
            "Akutteam i hjemmesygeplejen",
            ALBERTSLUND,
            True,
            what="Sygeplejersker rykker ud til borgere i eget hjem.",
            cost_per_year=1250000,
            evidence="foer-efter",
            initiatives=["hovedstaden_akutteams_doegnpladser"],
        ),
        make_entry("Kronikermodellen", AALBORG, True, is_demo=True, partners=[ALBERTSLUND]),
        make_entry("Hemmelig kladde om =FORMEL()", ALBERTSLUND, False),
    ]


def _pages(body: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]


def test_the_pdf_has_a_toc_and_each_published_entry_on_its_own_page_and_no_draft(
    personas: Personas, catalogue: list[Entry]
) -> None:
    response = personas.client("reader").get("/god-praksis/katalog.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = _pages(response.content)
    text = "\n".join(pages)
    assert "Katalog over god praksis" in pages[0]
    assert "Hemmelig kladde" not in text

    # the table of contents names both entries with the page each starts on
    toc = next(p for p in pages if "Indhold" in p)
    start = {
        title: next(
            i
            for i, p in enumerate(pages, 1)
            if "Indhold" not in p and re.search(rf"\d\. {title}\n", p)
        )
        for title in ("Akutteam i hjemmesygeplejen", "Kronikermodellen")
    }
    for n, (title, page) in enumerate(sorted(start.items()), start=1):
        assert re.search(rf"{n}\. {title}[^\n]*\n.*?{page}\b", toc, re.S), (title, page, toc)
    assert start["Akutteam i hjemmesygeplejen"] != start["Kronikermodellen"]

    akut = pages[start["Akutteam i hjemmesygeplejen"] - 1]
    assert "Sygeplejersker rykker ud til borgere i eget hjem." in akut
    assert "1.250.000 kr." in akut and "Målt før og efter" in akut
    assert "Albertslund" in akut and "Kronikermodellen" not in akut
    demo = pages[start["Kronikermodellen"] - 1]
    assert "DEMOEKSEMPEL" in demo and "Aalborg og Albertslund (tværkommunalt)" in demo
    # a demo entry in the booklet marks every page's margin
    assert all("DEMO" in p for p in pages)
    assert "Side 1 af" in pages[0]


def test_a_booklet_without_demo_entries_has_no_demo_marking(
    personas: Personas, settings: object
) -> None:
    make_entry("Akutteam i hjemmesygeplejen", ALBERTSLUND, True)
    text = "\n".join(_pages(personas.client("reader").get("/god-praksis/katalog.pdf").content))
    assert "Akutteam i hjemmesygeplejen" in text and "DEMO" not in text


def test_the_xlsx_has_the_same_entries_and_no_draft_and_no_formula(
    personas: Personas, catalogue: list[Entry]
) -> None:
    make_entry('=HYPERLINK("x") offentliggjort', ALBERTSLUND, True)
    response = personas.client("aalborg").get("/god-praksis/katalog.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws is not None
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0] == "Titel")
    titles = [r[0] for r in rows[header + 1 :]]
    pdf = "\n".join(_pages(personas.client("aalborg").get("/god-praksis/katalog.pdf").content))
    assert titles == [
        '\'=HYPERLINK("x") offentliggjort',
        "Akutteam i hjemmesygeplejen",
        "Kronikermodellen",
    ]
    for title in titles[1:]:
        assert title in pdf
    assert not any("Hemmelig" in str(cell) for row in rows for cell in row)
    akut = rows[header + 2]
    assert akut[rows[header].index("Udgift pr. år")] == "1.250.000 kr."
    assert rows[header + 3][rows[header].index("Demoeksempel")] == "Ja"
    assert rows[0][0] == "DEMO"


def test_the_booklet_is_for_logged_in_users_only(client: object, catalogue: list[Entry]) -> None:
    from django.test import Client

    assert isinstance(client, Client)
    for url in ("/god-praksis/katalog.pdf", "/god-praksis/katalog.xlsx"):
        response = client.get(url)
        assert response.status_code == 302 and b"Akutteam" not in response.content


def test_the_catalogue_page_links_the_booklet(personas: Personas) -> None:
    page = personas.client("reader").get("/god-praksis/").content.decode()
    assert 'href="/god-praksis/katalog.pdf"' in page
    assert 'href="/god-praksis/katalog.xlsx"' in page


def test_an_empty_catalogue_gives_a_booklet_that_says_so() -> None:
    made = render.Booklet(entries=[], made_on="6. december 2026")
    assert "Der er ikke offentliggjort nogen indslag endnu." in render.html(made)
    assert "Der er ikke offentliggjort nogen indslag endnu." in "\n".join(_pages(render.pdf(made)))
