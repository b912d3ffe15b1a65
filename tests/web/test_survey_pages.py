"""The questionnaire pages: answering in the browser (no JavaScript), refusals, history."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from web_personas import AALBORG, ALBERTSLUND, Personas

from naersund.web.survey import services
from naersund.web.survey.models import Change, Round

HJEM = "status.hovedstaden_opfoelgende_hjemmebesoeg"
START = "startaar.hovedstaden_opfoelgende_hjemmebesoeg"
PILOT = "pilot.hovedstaden_telemedicin"
NIVEAUER = "fri.ledelsesinformation-niveauer"
URL = f"/status/runde/kommune/{ALBERTSLUND}/"


@pytest.fixture
def rnd(db: None) -> Round:
    today = timezone.localdate()
    return services.create_round(
        slug="runde",
        title_da="Opfølgning 2014",
        year=2014,
        opens_on=today - dt.timedelta(days=3),
        closes_on=today + dt.timedelta(days=3),
    )


def form_data(client: Client, url: str = URL) -> dict[str, Any]:
    """What the browser would send back unchanged: every version field and checked option."""
    html = client.get(url).content.decode()
    data: dict[str, Any] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html):
        data[name] = value
    for tag in re.findall(r"<input [^>]*checked[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag).group(1)  # type: ignore[union-attr]
        value = re.search(r'value="([^"]*)"', tag).group(1)  # type: ignore[union-attr]
        data.setdefault(name, [])
        data[name].append(value)
    return data


def test_the_editor_sees_a_form_with_every_question(rnd: Round, personas: Personas) -> None:
    html = personas.client("albertslund").get(URL).content.decode()
    assert "<h1>Albertslund – Opfølgning 2014</h1>" in html
    for qid in (HJEM, START, PILOT, NIVEAUER, "fri.bemaerkninger"):
        assert f'name="{qid}"' in html
    assert 'name="version:response"' in html and "Gem og indsend" in html
    assert "Under implementering" in html and "Pilotkommune sammen med andre kommuner" in html


def test_saving_a_draft_keeps_the_answers_and_writes_history(
    rnd: Round, personas: Personas
) -> None:
    client = personas.client("albertslund")
    data = form_data(client)
    data.update(
        {
            HJEM: "implementeret",
            START: "2012",
            PILOT: "sammen",
            f"{PILOT}:med": "147, 151",
            NIVEAUER: ["politisk", "fagligt"],
            "fri.antal-akutpladser": "2,5",
            "tilbagemelding": "Sundhedsudvalget følger op hvert kvartal.",
            "action": "gem",
        }
    )
    response = client.post(URL, data)
    assert response.status_code == 302 and response["Location"] == URL
    answers = {
        qid: a.value
        for qid, a in services.answers_of(services.response_of(rnd, ALBERTSLUND)).items()
    }
    assert answers == {
        HJEM: "implementeret",
        START: 2012,
        PILOT: {"pilot": "sammen", "med": [147, 151]},
        NIVEAUER: ["politisk", "fagligt"],
        "fri.antal-akutpladser": 2.5,
    }
    page = client.get(URL).content.decode()
    assert "Kladden er gemt (6 ændringer)." in page
    # the fellow pilots are ticked by name in the list of municipalities
    assert re.search(
        rf'name="{PILOT}:med" value="147" checked><label class="form-label" '
        r'for="[^"]+">Frederiksberg</label>',
        page,
    )
    assert re.search(
        rf'name="{PILOT}:med" value="151" checked><label class="form-label" '
        r'for="[^"]+">Ballerup</label>',
        page,
    )
    assert "Sammen med: <span data-partners-chosen>Ballerup, Frederiksberg</span>" in page
    history = client.get(URL + "historik/").content.decode()
    assert "Pilotkommune sammen med Frederiksberg, Ballerup" in history
    assert "Sundhedsudvalget følger op hvert kvartal." in history
    assert history.count("<td>albertslund</td>") == Change.objects.count() == 7


def test_bad_input_is_shown_in_danish_and_nothing_is_saved(rnd: Round, personas: Personas) -> None:
    client = personas.client("albertslund")
    data = form_data(client) | {
        HJEM: "planlagt",
        START: "sidste år",
        NIVEAUER: ["politisk", "__ingen__"],
        "action": "gem",
    }
    response = client.post(URL, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Svarene er ikke gemt: ret 2 fejl" in html
    assert "Fejl: Årstallet skal være et helt tal, ikke &#x27;sidste år&#x27;." in html
    assert "Fejl: Vælg enten »Ingen af disse« eller en eller flere muligheder." in html
    assert 'value="sidste år"' in html  # what was typed stays
    assert services.response_of(rnd, ALBERTSLUND) is None


def test_the_second_editor_s_save_is_refused_and_shows_who_changed_what(
    rnd: Round, personas: Personas
) -> None:
    mine = personas.client("albertslund")
    theirs = personas.client("admin")
    services.save_answers(rnd, ALBERTSLUND, personas.albertslund, {HJEM: "planlagt"})
    opened_mine = form_data(mine)
    opened_theirs = form_data(theirs)
    assert (
        theirs.post(URL, opened_theirs | {HJEM: "implementeret", "action": "gem"}).status_code
        == 302
    )
    response = mine.post(
        URL,
        opened_mine
        | {HJEM: "under_implementering", "fri.bemaerkninger": "Min tekst", "action": "gem"},
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "er ændret af admin kl. " in html
    assert "Dine ændringer er ikke gemt; genindlæs og prøv igen." in html
    assert "Min tekst" in html  # my other edits are still in the form
    answers = services.answers_of(services.response_of(rnd, ALBERTSLUND))
    assert answers[HJEM].value == "implementeret" and "fri.bemaerkninger" not in answers
    # the form now carries the stored answer's new version: saving again is a deliberate choice
    assert f'name="version:{HJEM}" value="2"' in html
    # the summary's link leads to the question's first answer, which can take the focus (its
    # fieldset cannot)
    first = "q-" + HJEM.replace(".", "-") + "-1"
    summary = html.split('data-module="error-summary"')[1].split("</ul>")[0]
    assert f'<a href="#{first}">' in summary and f'type="radio" id="{first}"' in html


def test_submit_then_reopen(rnd: Round, personas: Personas) -> None:
    client = personas.client("albertslund")
    statuses = {
        q.qid: "planlagt" for q in services.questions_for(rnd, ALBERTSLUND) if q.kind == "status"
    }
    response = client.post(URL, form_data(client) | {**statuses, "action": "indsend"})
    assert response.status_code == 302
    assert services.response_of(rnd, ALBERTSLUND).is_submitted  # type: ignore[union-attr]
    page = client.get(URL).content.decode()
    assert "Besvarelsen er gemt og indsendt. Tak." in page
    assert "Genåbn besvarelsen" in page and 'name="version:response"' not in page
    assert client.post(URL, {"action": "genaabn"}).status_code == 302
    assert not services.response_of(rnd, ALBERTSLUND).is_submitted  # type: ignore[union-attr]
    assert "Besvarelsen er genåbnet." in client.get(URL).content.decode()


def test_submitting_with_missing_status_saves_a_draft_and_says_why(
    rnd: Round, personas: Personas
) -> None:
    client = personas.client("albertslund")
    client.post(URL, form_data(client) | {HJEM: "planlagt", "action": "indsend"})
    page = client.get(URL).content.decode()
    assert "Svarene er gemt som kladde, men Besvarelsen kan ikke indsendes: " in page
    assert services.response_of(rnd, ALBERTSLUND).state == "draft"  # type: ignore[union-attr]


def test_a_closed_round_shows_the_answers_read_only(rnd: Round, personas: Personas) -> None:
    services.save_answers(rnd, ALBERTSLUND, personas.albertslund, {HJEM: "planlagt"})
    Round.objects.filter(pk=rnd.pk).update(
        opens_on=dt.date(2014, 9, 1), closes_on=dt.date(2014, 10, 31)
    )
    client = personas.client("albertslund")
    page = client.get(URL).content.decode()
    assert "Runden er lukket, så besvarelsen kan ikke ændres." in page
    assert "<td>Planlagt</td>" in page and 'name="action"' not in page
    client.post(URL, {HJEM: "implementeret", "action": "gem"})
    assert (
        "Runden »Opfølgning 2014« lukkede 31.10.2014; intet er gemt."
        in client.get(URL).content.decode()
    )


def test_the_kkr_secretary_reads_but_cannot_write(rnd: Round, personas: Personas) -> None:
    services.save_answers(rnd, ALBERTSLUND, personas.albertslund, {HJEM: "planlagt"})
    client = personas.client("kkr_hovedstaden")
    page = client.get(URL).content.decode()
    assert "Du kan læse besvarelsen, men ikke ændre den." in page and "<td>Planlagt</td>" in page
    assert client.post(URL, {HJEM: "implementeret", "action": "gem"}).status_code == 403
    assert personas.client("aalborg").post(URL, {HJEM: "implementeret"}).status_code == 403
    assert personas.client("reader").post(URL, {"action": "genaabn"}).status_code == 403
    assert services.answers_of(services.response_of(rnd, ALBERTSLUND))[HJEM].value == "planlagt"


def test_the_round_list_links_each_role_to_its_pages(rnd: Round, personas: Personas) -> None:
    editor = personas.client("albertslund").get("/status/").content.decode()
    assert f'href="/status/runde/kommune/{ALBERTSLUND}/"' in editor
    assert "/status/runde/overblik/" not in editor
    secretary = personas.client("kkr_hovedstaden").get("/status/").content.decode()
    assert "/status/runde/overblik/" in secretary and "/status/runde/import/" in secretary
    assert "Statusrunder" in personas.client("reader").get("/katalog/").content.decode()


def test_the_overview_counts_who_has_answered(rnd: Round, personas: Personas) -> None:
    services.save_answers(rnd, ALBERTSLUND, personas.albertslund, {HJEM: "planlagt"})
    services.save_answers(rnd, AALBORG, personas.aalborg, {"fri.bemaerkninger": "Kladde"})
    page = personas.client("kkr_hovedstaden").get("/status/runde/overblik/").content.decode()
    assert '<h2 id="kkr-1084">KKR Hovedstaden</h2>' in page and "KKR Nordjylland" not in page
    assert "<strong>1</strong> i kladde" in page and "<strong>28</strong> ikke påbegyndt" in page
    admin = personas.client("admin").get("/status/runde/overblik/").content.decode()
    assert admin.count("<strong>1</strong> i kladde") == 2  # Hovedstaden and Nordjylland


def test_create_round_command(db: None) -> None:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "create_round",
        "baseline-2013",
        "Baseline 2013",
        "--year",
        "2013",
        "--opens",
        "2013-03-01",
        "--closes",
        "2013-04-30",
        stdout=out,
    )
    call_command(
        "create_round",
        "opfoelgning-2014",
        "Opfølgning 2014",
        "--year",
        "2014",
        "--opens",
        "2014-09-01",
        "--closes",
        "2014-10-31",
        "--previous",
        "baseline-2013",
        stdout=out,
    )
    n = Round.objects.get(slug="baseline-2013").questions.count()
    assert out.getvalue().splitlines()[-1] == (
        f"Runden »Opfølgning 2014« (opfoelgning-2014) er oprettet med {n} spørgsmål fra "
        f"katalogversion {Round.objects.get(slug='opfoelgning-2014').catalogue_version}; "
        f"{n} af den forrige rundes {n} spørgsmål går igen."
    )


def test_other_municipalities_without_choosing_together_is_an_error(
    rnd: Round, personas: Personas
) -> None:
    client = personas.client("albertslund")
    data = form_data(client) | {PILOT: "alene", f"{PILOT}:med": "147", "action": "gem"}
    html = client.post(URL, data).content.decode()
    assert (
        "Fejl: Angiv kun andre kommuner, når kommunen er pilot sammen med andre; vælg "
        "»Pilotkommune sammen med andre kommuner«." in html
    )
    data = form_data(client) | {PILOT: "sammen", f"{PILOT}:med": "147, Ballerup", "action": "gem"}
    html = client.post(URL, data).content.decode()
    assert "Fejl: &#x27;Ballerup&#x27; er ikke en kommunekode." in html
    assert services.response_of(rnd, ALBERTSLUND) is None
