"""God praksis in the API (issue 13): the entries as the pages show them, with the pages'
access rules (a draft of Albertslund only for its editor, the secretariats of its KKR and
sundhedsråd and national administrators; its title absent for everyone else, in the list and
at its address), the pages' filters, and both endpoints in the OpenAPI schema."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from practice_entries import make_entry
from web_personas import AALBORG, ALBERTSLUND, EVERYONE, Personas

from naersund.web.practice.models import Entry

pytestmark = pytest.mark.django_db

DRAFT_TITLE = "Hemmeligt udkast om natsygepleje"
DRAFT_READERS = ("admin", "kkr_hovedstaden", "albertslund", "sr_amager_vestegnen")


def _json(response: Any) -> Any:
    return json.loads(response.content.decode())


@pytest.fixture
def entries() -> tuple[Entry, Entry]:
    published = make_entry(
        "Akutteam i hjemmesygeplejen",
        AALBORG,
        True,
        cost_per_year=1250000,
        evidence="foer-efter",
        links="https://example.org/akut",
    )
    draft = make_entry(DRAFT_TITLE, ALBERTSLUND, False, what="Udkastets tekst")
    return published, draft


@pytest.mark.parametrize("persona", EVERYONE[1:])
def test_each_role_reads_the_published_entry_and_a_draft_only_where_the_pages_allow(
    personas: Personas, entries: tuple[Entry, Entry], persona: str
) -> None:
    published, draft = entries
    client = personas.client(persona)
    listing = client.get("/api/practice/")
    assert listing.status_code == 200
    titles = [e["title"] for e in _json(listing)]
    one = client.get(f"/api/practice/{draft.pk}/")
    assert client.get(f"/api/practice/{published.pk}/").status_code == 200
    if persona in DRAFT_READERS:
        assert titles == ["Akutteam i hjemmesygeplejen", DRAFT_TITLE]
        assert one.status_code == 200 and _json(one)["title"] == DRAFT_TITLE
        assert _json(one)["status"] == "kladde"
    else:
        assert titles == ["Akutteam i hjemmesygeplejen"]
        assert one.status_code == 404
        assert DRAFT_TITLE not in listing.content.decode()
        assert "Udkastets tekst" not in one.content.decode()
        assert DRAFT_TITLE not in one.content.decode()


def test_without_a_login_the_api_tells_nothing(entries: tuple[Entry, Entry]) -> None:
    published, _ = entries
    for url in ("/api/practice/", f"/api/practice/{published.pk}/"):
        response = Client().get(url)
        assert response.status_code == 401
        assert "Akutteam" not in response.content.decode()


def test_an_entry_is_shaped_as_on_its_page(
    personas: Personas, entries: tuple[Entry, Entry]
) -> None:
    published, _ = entries
    data = _json(personas.client("reader").get(f"/api/practice/{published.pk}/"))
    assert data["municipalities_da"] == "Aalborg"
    assert data["kkr_da"] == "KKR Nordjylland" and data["region_code"] == 1081
    assert data["cost_per_year"] == 1250000
    assert data["evidence"] == "foer-efter" and data["evidence_da"] == "Målt før og efter"
    assert data["links"] == ["https://example.org/akut"]
    assert data["status_da"] == "Offentliggjort" and data["published_at"]
    assert data["url"] == f"/god-praksis/{published.pk}/"


def test_the_list_takes_the_pages_filters_and_refuses_a_bad_kkr_in_danish(
    personas: Personas, entries: tuple[Entry, Entry]
) -> None:
    admin = personas.client("admin")
    assert [e["title"] for e in _json(admin.get("/api/practice/?kkr=1081"))] == [
        "Akutteam i hjemmesygeplejen"
    ]
    assert [e["title"] for e in _json(admin.get("/api/practice/?q=natsygepleje"))] == [DRAFT_TITLE]
    assert _json(admin.get("/api/practice/?q=%00akut")) is not None
    bad = admin.get("/api/practice/?kkr=abc")
    assert bad.status_code == 400 and "kkr" in _json(bad)["fejl_pr_felt"]


def test_an_unknown_entry_is_a_json_404(personas: Personas) -> None:
    response = personas.client("admin").get("/api/practice/999999/")
    assert response.status_code == 404 and _json(response)["kode"]


def test_both_endpoints_are_in_the_openapi_schema(personas: Personas) -> None:
    schema = personas.client("reader").get("/api/schema/?format=json")
    paths = _json(schema)["paths"]
    assert "get" in paths["/api/practice/"] and "get" in paths["/api/practice/{id}/"]
    names = [p["name"] for p in paths["/api/practice/"]["get"]["parameters"]]
    assert {"q", "indsats", "kkr", "maalgruppe", "evidens"} <= set(names)
