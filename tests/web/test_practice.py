"""God praksis (issue 13): the review workflow through the pages, who sees drafts (content
absent for everyone else), search on both databases, the filters, the initiative's block in
the goal catalogue, and the demo entries."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.db import connection
from web_personas import AALBORG, ALBERTSLUND, HOVEDSTADEN, Personas

from naersund.web.practice import services
from naersund.web.practice.management.commands.load_demo_practice import DEMO_ENTRIES
from naersund.web.practice.models import Entry, Status
from naersund.web.practice.search import Filters, find_published
from require import ONLY_ON_POSTGRESQL

pytestmark = pytest.mark.django_db

FORM = {
    "title": "Akutteam i hjemmesygeplejen",
    "kommunekode": str(ALBERTSLUND),
    "initiatives": ["hovedstaden_akutteams_doegnpladser"],
    "indicators": ["akutte_korttidsindlaeggelser"],
    "target_group": "akut",
    "what": "Sygeplejersker fra akutteamet rykker ud til borgere i eget hjem.",
    "staff": "Fire sygeplejersker med akutuddannelse",
    "cost_per_year": "1250000",
    "results": "Færre akutte indlæggelser målt før og efter.",
    "evidence": "foer-efter",
    "contact": "Sundhedsafdelingen",
    "links": "https://example.org/akutteam",
}
SECRET = "Sygeplejersker fra akutteamet"


def _published(title: str, kommune: int = ALBERTSLUND, **fields: object) -> Entry:
    values: dict[str, object] = {"target_group": "akut", "what": "Tekst"} | fields
    entry = Entry(title=title, kommunekode=kommune, **values)
    services.save_draft(entry, None)
    return services.publish(services.submit(entry, None), None)


def _pk(location: str) -> int:
    match = re.search(r"/god-praksis/(\d+)/", location)
    assert match is not None, location
    return int(match.group(1))


def test_an_editor_drafts_kl_sends_back_then_publishes_and_every_version_is_kept(
    personas: Personas,
) -> None:
    editor, admin, reader = (personas.client(p) for p in ("albertslund", "admin", "reader"))
    response = editor.post("/god-praksis/ny/", FORM)
    assert response.status_code == 302
    pk = _pk(response["Location"])
    entry = Entry.objects.get(pk=pk)
    assert entry.status == Status.DRAFT and entry.region_code == HOVEDSTADEN

    # a draft: its municipality, its KKR and KL see it; nobody else, not even in the list
    for who in ("albertslund", "kkr_hovedstaden", "admin"):
        assert SECRET in personas.client(who).get(f"/god-praksis/{pk}/").content.decode()
        assert FORM["title"] in personas.client(who).get("/god-praksis/").content.decode()
    for who in ("aalborg", "kkr_nordjylland", "reader"):
        page = personas.client(who).get(f"/god-praksis/{pk}/")
        assert page.status_code == 404 and SECRET not in page.content.decode()
        listing = personas.client(who).get("/god-praksis/?q=akutteam").content.decode()
        assert FORM["title"] not in listing

    assert editor.post(f"/god-praksis/{pk}/handling/", {"handling": "indsend"}).status_code == 302
    assert Entry.objects.get(pk=pk).status == Status.SUBMITTED
    # the editor cannot publish; KL must say what to change before sending it back
    assert (
        editor.post(f"/god-praksis/{pk}/handling/", {"handling": "offentliggoer"}).status_code
        == 403
    )
    page = admin.post(
        f"/god-praksis/{pk}/handling/", {"handling": "tilbage", "bemaerkning": " "}, follow=True
    )
    assert "Skriv, hvad der skal rettes" in page.content.decode()
    admin.post(
        f"/god-praksis/{pk}/handling/",
        {"handling": "tilbage", "bemaerkning": "Angiv udgiften for hele året."},
    )
    entry = Entry.objects.get(pk=pk)
    assert entry.status == Status.CHANGES and entry.review_note == "Angiv udgiften for hele året."
    assert "Angiv udgiften for hele året." in editor.get(f"/god-praksis/{pk}/").content.decode()

    changed = FORM | {"cost_per_year": "1400000"}
    assert editor.post(f"/god-praksis/{pk}/rediger/", changed).status_code == 302
    editor.post(f"/god-praksis/{pk}/handling/", {"handling": "indsend"})
    admin.post(f"/god-praksis/{pk}/handling/", {"handling": "offentliggoer"})
    entry = Entry.objects.get(pk=pk)
    assert entry.status == Status.PUBLISHED and entry.published_at is not None

    html = reader.get(f"/god-praksis/{pk}/").content.decode()
    assert SECRET in html and "1.400.000 kr. pr. år" in html and "Målt før og efter" in html
    assert "Versioner" not in html and "Angiv udgiften" not in html  # the history is not theirs
    assert FORM["title"] in reader.get("/god-praksis/?q=akutteam").content.decode()

    versions = list(
        entry.versions.order_by("number").values_list("action", "changed", "saved_by__username")
    )
    assert [v[0] for v in versions] == [
        "Oprettet", "Indsendes", "Sendes tilbage", "Rettet", "Indsendes", "Offentliggøres",
    ]  # fmt: skip
    assert versions[3][1] == ["Udgift (kr. pr. år)"] and versions[3][2] == "albertslund"
    assert versions[2][2] == "admin" and versions[5][2] == "admin"
    history = admin.get(f"/god-praksis/{pk}/").content.decode()
    assert "Versioner" in history and "Udgift (kr. pr. år)" in history
    # published: no more edits through the form
    assert editor.get(f"/god-praksis/{pk}/rediger/").status_code == 302
    assert Entry.objects.get(pk=pk).cost_per_year == 1400000


def test_other_municipalities_and_readers_cannot_touch_a_draft(personas: Personas) -> None:
    entry = Entry(title="Kladde", kommunekode=ALBERTSLUND, target_group="akut", what="Tekst")
    services.save_draft(entry, None)
    url = f"/god-praksis/{entry.pk}/handling/"
    assert personas.client("aalborg").post(url, {"handling": "indsend"}).status_code == 404
    assert personas.client("kkr_hovedstaden").post(url, {"handling": "indsend"}).status_code == 403
    assert personas.client("reader").get("/god-praksis/ny/").status_code == 403
    # an editor drafts for their own municipality only
    response = personas.client("aalborg").post("/god-praksis/ny/", FORM)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Kommune: Du kan kun skrive indslag for din egen kommune (kommunekode 165" in html
    assert Entry.objects.get(pk=entry.pk).status == Status.DRAFT


def test_a_wrong_step_and_bad_fields_get_danish_messages(personas: Personas) -> None:
    entry = Entry(title="Kladde", kommunekode=ALBERTSLUND, target_group="akut", what="Tekst")
    services.save_draft(entry, None)
    page = personas.client("admin").post(
        f"/god-praksis/{entry.pk}/handling/", {"handling": "offentliggoer"}, follow=True
    )
    assert "»Kladde« er kladde: den kan ikke offentliggøres nu." in page.content.decode()
    assert Entry.objects.get(pk=entry.pk).status == Status.DRAFT
    bad = FORM | {"links": "https://ok.dk\nwww.uden-https.dk", "partners": [str(ALBERTSLUND)]}
    response = personas.client("albertslund").post("/god-praksis/ny/", bad)
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        "Linje 2 er ikke en webadresse (den skal begynde med https://): www.uden-https.dk" in html
    )
    assert "Kommunen selv skal ikke stå blandt de andre kommuner." in html
    assert not Entry.objects.filter(title=FORM["title"]).exists()


def test_the_form_has_the_design_systems_fields(personas: Personas) -> None:
    # Django's widgets alone are the browser's own controls, on the label's line
    html = personas.client("albertslund").get("/god-praksis/ny/").content.decode()
    assert '<input type="text" name="title" maxlength="300" class="form-input"' in html
    assert '<select name="kommunekode" class="form-select"' in html
    assert re.search(
        r'<select name="partners" class="form-input form-multiselect [^"]*" size="8"', html
    )
    assert re.search(r'<textarea name="what" cols="40" rows="10" class="form-input ', html)
    assert '<option value="" selected>Vælg målgruppe</option>' in html
    assert html.count("Hold Ctrl (Cmd på Mac) nede for at vælge flere.") == 3
    # each hint is the one its field's aria-describedby names
    for described in re.findall(r'aria-describedby="([^"]+)"', html):
        assert f'id="{described}"' in html, described


def test_search_finds_every_word_in_any_text_field_on_both_databases(personas: Personas) -> None:
    _published("Akutteam i hjemmesygeplejen", what="Sygeplejersker rykker ud døgnet rundt.")
    _published("Kronikermodellen", kommune=AALBORG, what="Forløbsprogrammer for KOL.")
    titles = [e.title for e in find_published(Filters(q="sygeplejersker døgnet"))]
    assert titles == ["Akutteam i hjemmesygeplejen"]
    assert [e.title for e in find_published(Filters(q="KOL"))] == ["Kronikermodellen"]
    assert find_published(Filters(q="sygeplejersker KOL")) == []
    html = personas.client("reader").get("/god-praksis/?q=forløbsprogrammer").content.decode()
    assert "Kronikermodellen" in html and "Akutteam i hjemmesygeplejen" not in html


def test_postgresql_search_uses_danish_stemming(personas: Personas) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(ONLY_ON_POSTGRESQL)
    _published("Akutteam", what="En sygeplejerske besøger borgere i eget hjem.")
    # neither word is a substring of the text: only the Danish stemmer makes them match
    assert [e.title for e in find_published(Filters(q="sygeplejerskerne borgernes"))] == [
        "Akutteam"
    ]


def test_the_filters_narrow_the_published_entries(personas: Personas) -> None:
    _published(
        "Akut A", initiatives=["hovedstaden_akutteams_doegnpladser"],
        indicators=["akutte_korttidsindlaeggelser"], evidence="beskrevet",
    )  # fmt: skip
    _published("Nord B", kommune=AALBORG, initiatives=["nordjylland_kronikerindsatsen"])
    _published("Ældre C", target_group="aeldre")

    def titles(**kw: object) -> list[str]:
        return [e.title for e in find_published(Filters(**kw))]  # type: ignore[arg-type]

    assert titles(initiative="hovedstaden_akutteams_doegnpladser") == ["Akut A"]
    assert titles(indicator="akutte_korttidsindlaeggelser") == ["Akut A"]
    assert titles(kkr=HOVEDSTADEN) == ["Akut A", "Ældre C"]
    assert titles(target_group="aeldre") == ["Ældre C"]
    assert titles(evidence="beskrevet") == ["Akut A"]
    html = personas.client("reader").get("/god-praksis/?kkr=1081").content.decode()
    assert "Nord B" in html and "Akut A" not in html
    assert personas.client("reader").get("/god-praksis/?kkr=x").status_code == 400


def test_the_initiative_in_the_goal_catalogue_lists_its_published_entries(
    personas: Personas,
) -> None:
    entry = _published("Akutteam i Albertslund", initiatives=["hovedstaden_akutteams_doegnpladser"])
    draft = Entry(
        title="Hemmelig kladde", kommunekode=ALBERTSLUND, target_group="akut", what="x",
        initiatives=["hovedstaden_akutteams_doegnpladser"],
    )  # fmt: skip
    services.save_draft(draft, None)
    html = personas.client("reader").get(f"/katalog/kkr/{HOVEDSTADEN}/").content.decode()
    assert f'href="/god-praksis/{entry.pk}/">Akutteam i Albertslund</a>' in html
    assert "Hemmelig kladde" not in html
    assert html.count("God praksis:") == 1  # only under the linked initiative


def test_the_demo_entries_have_the_seeds_titles_and_claim_no_results(personas: Personas) -> None:
    call_command("load_demo_practice", verbosity=0)
    call_command("load_demo_practice", verbosity=0)  # again: replaced, not doubled
    entries = list(Entry.objects.filter(is_demo=True))
    assert len(entries) == len(DEMO_ENTRIES) == 5
    titles = {e.title for e in entries}
    assert "Integration mellem Hjemmesygeplejen og Tværfagligt Akutteam" in titles
    assert "Kronikermodellen. En systematisk indsats til patienter med kronisk sygdom" in titles
    assert all(e.results == "" and e.evidence == "" and e.cost_per_year is None for e in entries)
    assert sum(e.is_published for e in entries) == 4
    html = personas.client("reader").get("/god-praksis/").content.decode()
    assert html.count("DEMOEKSEMPEL") == 4 and "Kombinationsstillinger" not in html
    one = next(e for e in entries if e.partners)
    page = personas.client("reader").get(f"/god-praksis/{one.pk}/").content.decode()
    assert "Ballerup, Brøndby og Gentofte (tværkommunalt)" in page
    assert "Kommunen har ikke beskrevet resultater." in page and "DEMOEKSEMPEL" in page
