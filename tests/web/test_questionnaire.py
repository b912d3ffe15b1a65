"""The questionnaire an editor can finish: only the own KKR's questions (all 98 municipalities
submit), contents and progress, last round's answers beside each question and carried over,
fellow pilots by name, and the submitted answer as a PDF for the municipality's records."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader
from web_personas import AALBORG, ALBERTSLUND, Personas

from naersund.refdata import region_of
from naersund.survey.questions import municipality_name
from naersund.web.accounts.models import Membership
from naersund.web.survey import services
from naersund.web.survey.models import Question, Response, Round

HJEM = "status.hovedstaden_opfoelgende_hjemmebesoeg"
HJEM_START = "startaar.hovedstaden_opfoelgende_hjemmebesoeg"
AKUT = "status.hovedstaden_akutteams_doegnpladser"
TELEMEDICIN = "pilot.hovedstaden_telemedicin"
NORD = "status.nordjylland_akutpladser"
BEFORE = "Opfølgning 2014"


def _open_round(slug: str = "runde", previous: Round | None = None) -> Round:
    today = timezone.localdate()
    return services.create_round(
        slug=slug,
        title_da="Opfølgning 2015",
        year=2015,
        opens_on=today - dt.timedelta(days=3),
        closes_on=today + dt.timedelta(days=3),
        previous=previous,
    )


def _closed_round(slug: str = "forrige") -> Round:
    today = timezone.localdate()
    return services.create_round(
        slug=slug,
        title_da=BEFORE,
        year=2014,
        opens_on=today - dt.timedelta(days=400),
        closes_on=today - dt.timedelta(days=340),
    )


def _url(rnd: Round, code: int = ALBERTSLUND, tail: str = "") -> str:
    return f"/status/{rnd.slug}/kommune/{code}/{tail}"


def _hidden(html: str) -> dict[str, Any]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def _shown_qids(html: str) -> set[str]:
    """The qids the form has inputs for (not the version fields or the pilots' lists)."""
    names = set(re.findall(r'<(?:input|textarea) [^>]*name="([a-z]+\.[a-z0-9_-]+)"', html))
    return {n for n in names if not n.startswith("version:")}


def _complete_answer(question: Question) -> Any:
    """A form value that answers the question."""
    spec = question.spec()
    return {
        "status": "implementeret",
        "year": "2012",
        "pilot": "alene",
        "yesno": "ja",
        "number": "3",
        "text": "Ingen bemærkninger.",
    }.get(spec.kind) or (
        [spec.choices[0].value] if spec.kind == "multichoice" else spec.choices[0].value
    )


@pytest.mark.slow  # 98 forms filled and submitted through the page: about 40 s
def test_every_municipality_submits_a_complete_answer_with_its_own_kkr_s_questions_only(
    db: None,
) -> None:
    rnd = _open_round()
    every_question = list(rnd.questions.all())
    for code, region in sorted(region_of().items()):
        user = User.objects.create_user(f"redaktoer-{code}")
        Membership.objects.create(user=user, role="municipality_editor", kommunekode=code)
        client = Client()
        client.force_login(user)
        html = client.get(_url(rnd, code)).content.decode()
        own = {
            q.qid for q in every_question if q.owner_region_code in (None, region)
        }  # its KKR's initiatives and the free questions
        assert _shown_qids(html) == own, municipality_name(code)
        data = _hidden(html) | {"action": "indsend", "tilbagemelding": "Vi følger op."}
        data |= {q.qid: _complete_answer(q) for q in every_question if q.qid in own}
        response = client.post(_url(rnd, code), data)
        assert response.status_code == 302, municipality_name(code)
        stored = services.response_of(rnd, code)
        assert stored is not None and stored.is_submitted, municipality_name(code)
        assert set(services.answers_of(stored)) == own
    assert Response.objects.filter(round=rnd, state="submitted").count() == 98


def test_another_kkr_s_question_is_neither_shown_nor_accepted(personas: Personas) -> None:
    rnd = _open_round()
    client = personas.client("albertslund")
    html = client.get(_url(rnd)).content.decode()
    assert HJEM in html and NORD not in html
    # posted anyway (an old page, a crafted request): not stored
    data = _hidden(html) | {"action": "gem", HJEM: "planlagt", NORD: "implementeret"}
    assert client.post(_url(rnd), data).status_code == 302
    answers = services.answers_of(services.response_of(rnd, ALBERTSLUND))
    assert set(answers) == {HJEM}
    # and the one writer refuses it in Danish (the API and the import call it too)
    with pytest.raises(services.InvalidAnswers) as exc:
        services.save_answers(rnd, ALBERTSLUND, personas.albertslund, {NORD: "implementeret"})
    assert exc.value.errors == {NORD: "Spørgsmålet stilles kun til kommunerne i KKR Nordjylland."}
    # Aalborg's form has Nordjylland's initiatives and not Hovedstaden's
    aalborg = personas.client("aalborg").get(_url(rnd, AALBORG)).content.decode()
    assert NORD in aalborg and HJEM not in aalborg


def test_the_form_has_contents_and_counts_what_is_answered(personas: Personas) -> None:
    rnd = _open_round()
    asked = services.questions_for(rnd, ALBERTSLUND)
    services.save_answers(
        rnd, ALBERTSLUND, personas.albertslund, {HJEM: "planlagt", HJEM_START: 2013}
    )
    html = personas.client("albertslund").get(_url(rnd)).content.decode()
    assert f"<strong>2 af {len(asked)} besvaret</strong>" in html
    start = html.index('<nav class="toc"')
    toc = html[start : html.index("</nav>", start)]
    sections = list(dict.fromkeys(q.section_da for q in asked))
    for i, title in enumerate(sections, start=1):
        assert f'<a href="#s{i}">{title}</a>' in toc
        assert f'<h2 id="s{i}">{title} ' in html
    own = next(q.section_da for q in asked if q.qid == HJEM)
    n = sum(q.section_da == own for q in asked)
    assert f'{own}</a> <span class="meta">2 af {n} besvaret' in toc
    assert f'<a href="#s{len(sections)}">Øvrige spørgsmål</a> <span class="meta">0 af 8' in toc


def _all_status(rnd: Round, code: int, status: str = "planlagt") -> dict[str, Any]:
    """Every status question the municipality is asked (submitting needs them)."""
    return {q.qid: status for q in services.questions_for(rnd, code) if q.kind == "status"}


@pytest.fixture
def two_rounds(personas: Personas) -> tuple[Round, Round]:
    """Albertslund's submitted 2014 answers (every status "Planlagt" but for opfølgende
    hjemmebesøg), and the open 2015 round after it."""
    before = _closed_round()
    services.save_answers(
        before,
        ALBERTSLUND,
        personas.albertslund,
        _all_status(before, ALBERTSLUND)
        | {
            HJEM: "implementeret",
            HJEM_START: 2012,
            AKUT: "planlagt",
            TELEMEDICIN: {"pilot": "sammen", "med": [147, 151]},
            "fri.antal-akutpladser": 4,
        },
        tilbagemelding="Sidste år",
        allow_closed=True,
    )
    services.submit(before, ALBERTSLUND, personas.albertslund, allow_closed=True)
    return before, _open_round(previous=before)


def test_last_round_s_answer_is_shown_beside_each_question(
    two_rounds: tuple[Round, Round], personas: Personas
) -> None:
    _, rnd = two_rounds
    html = personas.client("albertslund").get(_url(rnd)).content.decode()
    assert f"I {BEFORE}: <strong>Implementeret</strong>" in html
    assert f"I {BEFORE}: <strong>Planlagt</strong>" in html
    assert f"I {BEFORE}: <strong>Pilotkommune sammen med Frederiksberg, Ballerup</strong>" in html
    assert f"Overfør uændrede svar fra {BEFORE}" in html
    statuses = len(_all_status(rnd, ALBERTSLUND))
    assert f"Kommunen svarede på {statuses + 3} af de tomme spørgsmål" in html


def test_carrying_over_fills_the_empty_questions_and_saves_nothing(
    two_rounds: tuple[Round, Round], personas: Personas
) -> None:
    _, rnd = two_rounds
    client = personas.client("albertslund")
    data = _hidden(client.get(_url(rnd)).content.decode())
    # the editor has already answered one question differently this round
    response = client.post(_url(rnd), data | {"action": "overfoer", AKUT: "implementeret"})
    html = response.content.decode()
    assert response.status_code == 200
    carried = len(_all_status(rnd, ALBERTSLUND)) + 3 - 1  # all but the one typed
    assert f"{carried} svar er overført fra {BEFORE}" in html and "De er ikke gemt" in html
    assert services.response_of(rnd, ALBERTSLUND) is None  # nothing written
    checked = dict(re.findall(r'name="([^"]+)" value="([^"]*)" checked', html))
    assert checked[HJEM] == "implementeret" and checked[AKUT] == "implementeret"
    assert checked[TELEMEDICIN] == "sammen"
    assert re.search(
        rf'name="{TELEMEDICIN}:med" value="147" checked><label class="form-label" '
        r'for="[^"]+">Frederiksberg</label>',
        html,
    )
    assert re.search(rf'name="{HJEM_START}" value="2012"', html)
    assert html.count('<strong class="carried">Overført</strong>') == carried
    assert f"<strong>{carried + 1} af " in html  # the carried ones and the one typed
    # saving the form as the browser sends it back writes them
    data = _hidden(html) | {"action": "gem"}
    for name, value in re.findall(r'<input [^>]*name="([^"]+)" value="([^"]*)" checked', html):
        data.setdefault(name, []).append(value)
    for name, value in re.findall(r'<input type="text"[^>]*name="([^"]+)" value="([^"]+)"', html):
        data[name] = value
    assert client.post(_url(rnd), data).status_code == 302
    answers = services.answers_of(services.response_of(rnd, ALBERTSLUND))
    assert {qid: a.value for qid, a in answers.items()} == _all_status(rnd, ALBERTSLUND) | {
        HJEM: "implementeret",
        HJEM_START: 2012,
        AKUT: "implementeret",
        TELEMEDICIN: {"pilot": "sammen", "med": [147, 151]},
        "fri.antal-akutpladser": 4,
    }


def test_nothing_is_carried_over_into_a_submitted_response(
    two_rounds: tuple[Round, Round], personas: Personas
) -> None:
    _, rnd = two_rounds
    services.save_answers(rnd, ALBERTSLUND, personas.albertslund, _all_status(rnd, ALBERTSLUND))
    services.submit(rnd, ALBERTSLUND, personas.albertslund)
    client = personas.client("albertslund")
    response = client.post(_url(rnd), {"action": "overfoer"}, follow=True)
    assert "Besvarelsen kan ikke ændres nu; intet er overført." in response.content.decode()
    answers = services.answers_of(services.response_of(rnd, ALBERTSLUND))
    assert set(answers) == set(_all_status(rnd, ALBERTSLUND))


def test_fellow_pilots_are_chosen_by_name_from_a_list_without_javascript(
    personas: Personas,
) -> None:
    rnd = _open_round()
    client = personas.client("albertslund")
    html = client.get(_url(rnd)).content.decode()
    block = html[html.index(f'id="q-{TELEMEDICIN.replace(".", "-")}"') :]
    block = block[: block.index("</details>")]
    names = re.findall(
        rf'name="{TELEMEDICIN}:med" value="(\d+)"><label class="form-label" for="[^"]+">'
        r"([^<]+)</label>",
        block,
    )
    assert len(names) == 97 and str(ALBERTSLUND) not in dict(names)
    assert names[0] == ("201", "Allerød")  # its own KKR first, by name
    assert {region_of()[int(code)] for code, _ in names[:28]} == {1084}
    assert names[28] == ("810", "Brønderslev")  # then KKR Nordjylland's, and so on
    assert block.index("KKR Hovedstaden") < block.index("KKR Nordjylland")
    data = _hidden(html) | {"action": "gem", TELEMEDICIN: "sammen", f"{TELEMEDICIN}:med": ["151"]}
    assert client.post(_url(rnd), data).status_code == 302
    answer = services.answers_of(services.response_of(rnd, ALBERTSLUND))[TELEMEDICIN]
    assert answer.value == {"pilot": "sammen", "med": [151]}


# --- the PDF ----------------------------------------------------------------------------------


def _pdf_text(content: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def submitted(two_rounds: tuple[Round, Round], personas: Personas) -> Round:
    """Albertslund has submitted 2015; Aalborg has submitted too."""
    _, rnd = two_rounds
    services.save_answers(
        rnd,
        ALBERTSLUND,
        personas.albertslund,
        _all_status(rnd, ALBERTSLUND, "implementeret") | {AKUT: "under_implementering"},
        tilbagemelding="Vi prioriterer akutteams i 2016.",
    )
    services.submit(rnd, ALBERTSLUND, personas.albertslund)
    services.save_answers(rnd, AALBORG, personas.aalborg, _all_status(rnd, AALBORG))
    services.submit(rnd, AALBORG, personas.aalborg)
    return rnd


@pytest.mark.parametrize("persona", ["albertslund", "kkr_hovedstaden", "admin"])
def test_the_submitted_answer_downloads_as_a_pdf(
    submitted: Round, personas: Personas, persona: str
) -> None:
    response = personas.client(persona).get(_url(submitted, tail="besvarelse.pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="besvarelse-runde-{ALBERTSLUND}.pdf"'
    )
    text = " ".join(_pdf_text(response.content).split())
    assert "Albertslund Kommunes besvarelse – Opfølgning 2015" in text
    assert "KKR Hovedstaden" in text and "Indsendt" in text and "af albertslund" in text
    assert "Under implementering" in text and "Vi prioriterer akutteams i 2016." in text
    assert "Nordjylland" not in text  # only the questions Albertslund was asked


@pytest.mark.parametrize("persona", ["aalborg", "kkr_nordjylland", "reader"])
def test_other_municipalities_and_readers_get_no_pdf(
    submitted: Round, personas: Personas, persona: str
) -> None:
    response = personas.client(persona).get(_url(submitted, tail="besvarelse.pdf"))
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert b"%PDF" not in response.content and b"akutteams i 2016" not in response.content
    assert "Albertslund" not in response.content.decode()


def test_the_page_links_the_pdf_once_submitted_and_a_draft_has_none(
    submitted: Round, personas: Personas
) -> None:
    page = personas.client("albertslund").get(_url(submitted)).content.decode()
    assert f'href="{_url(submitted, tail="besvarelse.pdf")}">Hent besvarelsen som PDF' in page
    services.reopen(submitted, ALBERTSLUND, personas.albertslund)
    page = personas.client("albertslund").get(_url(submitted)).content.decode()
    assert "besvarelse.pdf" not in page
    response = personas.client("albertslund").get(_url(submitted, tail="besvarelse.pdf"))
    assert response.status_code == 404 and b"%PDF" not in response.content
