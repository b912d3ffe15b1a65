"""The error pages are Danish and show the site's frame (403, 404) or stand alone (500)."""

from __future__ import annotations

from web_personas import Personas


def test_a_forbidden_page_says_so_in_danish(personas: Personas) -> None:
    # A municipality editor may not manage another KKR.
    response = personas.client("aalborg").get("/admin/")
    assert response.status_code == 403
    text = response.content.decode()
    assert "Ingen adgang" in text
    assert 'lang="da"' in text


def test_a_missing_page_says_so_in_danish(personas: Personas) -> None:
    response = personas.client("reader").get("/katalog/kkr/9999/")
    assert response.status_code == 404
    assert "Siden findes ikke" in response.content.decode()
