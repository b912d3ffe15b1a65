"""The survey services: drafts, submit and reopen, optimistic locking and the history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from web_personas import AALBORG, ALBERTSLUND, Personas

from naersund.web.survey import completion, services
from naersund.web.survey.models import Answer, Change, Question, Response, Round

HJEMMEBESOEG = "status.hovedstaden_opfoelgende_hjemmebesoeg"
AKUT = "status.hovedstaden_akutteams_doegnpladser"


def open_round(slug: str = "opfoelgning-2014", **kwargs: object) -> Round:
    today = timezone.localdate()
    args: dict[str, object] = {
        "slug": slug,
        "title_da": "Opfølgning 2014",
        "year": 2014,
        "opens_on": today - dt.timedelta(days=10),
        "closes_on": today + dt.timedelta(days=10),
    }
    args.update(kwargs)
    return services.create_round(**args)  # type: ignore[arg-type]


def answer_all_status(rnd: Round, kommunekode: int, user: object) -> None:
    values = {
        q.qid: "planlagt" for q in services.questions_for(rnd, kommunekode) if q.kind == "status"
    }
    services.save_answers(rnd, kommunekode, user, values)


@pytest.fixture
def rnd(db: None) -> Round:
    return open_round()


def test_a_round_gets_questions_for_every_initiative_and_the_free_ones(rnd: Round) -> None:
    qids = set(rnd.questions.values_list("qid", flat=True))
    assert HJEMMEBESOEG in qids and "startaar.hovedstaden_opfoelgende_hjemmebesoeg" in qids
    assert "pilot.hovedstaden_akutteams_doegnpladser" in qids  # a kan-initiative
    assert "pilot.hovedstaden_opfoelgende_hjemmebesoeg" not in qids  # a skal-initiative
    assert "fri.ledelsesinformation-niveauer" in qids
    assert rnd.catalogue_version == rnd.catalogue.version  # type: ignore[union-attr]


def test_two_rounds_from_the_same_catalogue_have_the_same_qids(rnd: Round) -> None:
    later = open_round("opfoelgning-2015", title_da="Opfølgning 2015", year=2015, previous=rnd)
    assert list(later.questions.values_list("qid", flat=True)) == list(
        rnd.questions.values_list("qid", flat=True)
    )


def test_a_round_asks_a_kkr_s_initiatives_of_its_own_municipalities_only(rnd: Round) -> None:
    albertslund = {q.qid for q in services.questions_for(rnd, ALBERTSLUND)}
    aalborg = {q.qid for q in services.questions_for(rnd, AALBORG)}
    assert HJEMMEBESOEG in albertslund and HJEMMEBESOEG not in aalborg
    assert "status.nordjylland_akutpladser" in aalborg
    assert "status.nordjylland_akutpladser" not in albertslund
    assert "fri.bemaerkninger" in albertslund and "fri.bemaerkninger" in aalborg


def test_saving_a_draft_writes_answers_and_history(rnd: Round, personas: Personas) -> None:
    result = services.save_answers(
        rnd,
        ALBERTSLUND,
        personas.albertslund,
        {HJEMMEBESOEG: "implementeret", "fri.antal-akutpladser": 4.0},
        {HJEMMEBESOEG: 0},
        tilbagemelding="  Vi arbejder med målene i sundhedsudvalget.  ",
    )
    assert result.changed == [HJEMMEBESOEG, "fri.antal-akutpladser", "tilbagemelding"]
    response = Response.objects.get(round=rnd, kommunekode=ALBERTSLUND)
    assert response.state == "draft"
    assert response.tilbagemelding == "Vi arbejder med målene i sundhedsudvalget."
    answers = services.answers_of(response)
    assert answers[HJEMMEBESOEG].value == "implementeret" and answers[HJEMMEBESOEG].version == 1
    assert answers["fri.antal-akutpladser"].value == 4  # stored as a whole number
    history = [
        (c.field, c.question.qid if c.question else None, c.old_value, c.new_value)
        for c in response.changes.order_by("pk")
    ]
    assert history == [
        ("state", None, None, "draft"),
        ("answer", HJEMMEBESOEG, None, "implementeret"),
        ("answer", "fri.antal-akutpladser", None, 4),
        ("tilbagemelding", None, "", "Vi arbejder med målene i sundhedsudvalget."),
    ]
    assert all(c.changed_by == personas.albertslund for c in response.changes.all())


def test_an_unchanged_value_writes_nothing(rnd: Round, personas: Personas) -> None:
    services.save_answers(rnd, ALBERTSLUND, personas.albertslund, {HJEMMEBESOEG: "planlagt"})
    before = Change.objects.count()
    result = services.save_answers(
        rnd, ALBERTSLUND, personas.albertslund, {HJEMMEBESOEG: "planlagt"}, {HJEMMEBESOEG: 1}
    )
    assert result.changed == [] and Change.objects.count() == before


def test_the_second_of_two_concurrent_saves_is_refused_and_nothing_is_overwritten(
    rnd: Round, personas: Personas
) -> None:
    services.save_answers(rnd, ALBERTSLUND, personas.albertslund, {HJEMMEBESOEG: "planlagt"})
    seen = services.versions_of(services.response_of(rnd, ALBERTSLUND))  # both open the page
    services.save_answers(rnd, ALBERTSLUND, personas.admin, {HJEMMEBESOEG: "implementeret"}, seen)
    changes = Change.objects.count()
    answer = Answer.objects.get(question__qid=HJEMMEBESOEG, response__kommunekode=ALBERTSLUND)
    with pytest.raises(services.Conflict) as exc:
        services.save_answers(
            rnd,
            ALBERTSLUND,
            personas.albertslund,
            {HJEMMEBESOEG: "under_implementering", "fri.bemaerkninger": "Ny tekst"},
            seen,
        )
    question = Question.objects.get(round=rnd, qid=HJEMMEBESOEG)
    hhmm = timezone.localtime(answer.updated_at).strftime("%H:%M")
    assert str(exc.value) == (
        f"Svaret på »{question.text_da}« er ændret af admin kl. {hhmm}, efter du åbnede siden. "
        "Dine ændringer er ikke gemt; genindlæs og prøv igen."
    )
    assert list(exc.value.conflicts) == [HJEMMEBESOEG]
    answer.refresh_from_db()
    assert answer.value == "implementeret" and answer.version == 2
    assert not Answer.objects.filter(question__qid="fri.bemaerkninger").exists()  # all or nothing
    assert Change.objects.count() == changes


def test_a_concurrent_change_of_the_tilbagemelding_is_refused(
    rnd: Round, personas: Personas
) -> None:
    services.save_answers(rnd, ALBERTSLUND, personas.albertslund, {}, tilbagemelding="Første")
    seen = services.response_of(rnd, ALBERTSLUND).version  # type: ignore[union-attr]
    services.save_answers(
        rnd, ALBERTSLUND, personas.admin, {}, tilbagemelding="Anden", response_version=seen
    )
    with pytest.raises(services.Conflict) as exc:
        services.save_answers(
            rnd,
            ALBERTSLUND,
            personas.albertslund,
            {},
            tilbagemelding="Tredje",
            response_version=seen,
        )
    assert str(exc.value).startswith("Tilbagemeldingen er ændret af admin kl. ")
    assert services.response_of(rnd, ALBERTSLUND).tilbagemelding == "Anden"  # type: ignore[union-attr]


def test_invalid_values_are_refused_with_danish_messages(rnd: Round, personas: Personas) -> None:
    with pytest.raises(services.InvalidAnswers) as exc:
        services.save_answers(
            rnd,
            ALBERTSLUND,
            personas.albertslund,
            {
                HJEMMEBESOEG: "færdig",
                "startaar.hovedstaden_opfoelgende_hjemmebesoeg": 1850,
                "pilot.hovedstaden_akutteams_doegnpladser": {"pilot": "sammen", "med": [165]},
                "status.findes_ikke": "planlagt",
            },
        )
    assert exc.value.errors == {
        HJEMMEBESOEG: "Ukendt status 'færdig'; brug 'ikke_paabegyndt', 'planlagt', "
        "'under_implementering' eller 'implementeret'.",
        "startaar.hovedstaden_opfoelgende_hjemmebesoeg": "Årstallet 1850 skal ligge mellem "
        "1990 og 2100.",
        "pilot.hovedstaden_akutteams_doegnpladser": "Kommunen kan ikke være pilot sammen med "
        "sig selv.",
        "status.findes_ikke": "Runden har intet spørgsmål med id 'status.findes_ikke'.",
    }
    assert not Response.objects.filter(round=rnd).exists()


def test_submit_needs_every_status_answered_then_locks_until_reopened(
    rnd: Round, personas: Personas
) -> None:
    services.save_answers(rnd, ALBERTSLUND, personas.albertslund, {HJEMMEBESOEG: "planlagt"})
    with pytest.raises(services.WrongState) as exc:
        services.submit(rnd, ALBERTSLUND, personas.albertslund)
    assert str(exc.value).startswith("Besvarelsen kan ikke indsendes: ")
    answer_all_status(rnd, ALBERTSLUND, personas.albertslund)
    response = services.submit(rnd, ALBERTSLUND, personas.albertslund)
    assert response.state == "submitted" and response.submitted_by == personas.albertslund
    with pytest.raises(services.WrongState) as exc:
        services.save_answers(
            rnd, ALBERTSLUND, personas.albertslund, {HJEMMEBESOEG: "implementeret"}
        )
    assert str(exc.value).startswith("Besvarelsen er indsendt af albertslund kl. ")
    assert str(exc.value).endswith(". Genåbn den, før du retter; intet er gemt.")
    services.reopen(rnd, ALBERTSLUND, personas.albertslund)
    services.save_answers(rnd, ALBERTSLUND, personas.albertslund, {HJEMMEBESOEG: "implementeret"})
    states = [
        (c.old_value, c.new_value) for c in Change.objects.filter(field="state").order_by("pk")
    ]
    assert states == [(None, "draft"), ("draft", "submitted"), ("submitted", "draft")]


def test_a_closed_round_refuses_saving_submitting_and_reopening(
    rnd: Round, personas: Personas
) -> None:
    answer_all_status(rnd, ALBERTSLUND, personas.albertslund)
    services.submit(rnd, ALBERTSLUND, personas.albertslund)
    today = timezone.localdate()
    Round.objects.filter(pk=rnd.pk).update(
        opens_on=today - dt.timedelta(days=30), closes_on=today - dt.timedelta(days=1)
    )
    rnd.refresh_from_db()
    closed = f"Runden »Opfølgning 2014« lukkede {rnd.closes_on:%d.%m.%Y}; intet er gemt."
    with pytest.raises(services.RoundNotOpen, match=closed):
        services.reopen(rnd, ALBERTSLUND, personas.albertslund)
    with pytest.raises(services.RoundNotOpen, match=closed):
        services.save_answers(rnd, AALBORG, personas.aalborg, {HJEMMEBESOEG: "planlagt"})
    with pytest.raises(services.RoundNotOpen, match=closed):
        services.submit(rnd, AALBORG, personas.aalborg)
    assert services.response_of(rnd, ALBERTSLUND).state == "submitted"  # type: ignore[union-attr]
    assert services.response_of(rnd, AALBORG) is None


def test_a_round_that_has_not_opened_refuses_answers(db: None, personas: Personas) -> None:
    today = timezone.localdate()
    later = open_round(
        "senere", opens_on=today + dt.timedelta(days=1), closes_on=today + dt.timedelta(days=5)
    )
    with pytest.raises(services.RoundNotOpen) as exc:
        services.save_answers(later, AALBORG, personas.aalborg, {HJEMMEBESOEG: "planlagt"})
    assert str(exc.value) == (
        f"Runden »Opfølgning 2014« åbner først {later.opens_on:%d.%m.%Y}; intet er gemt."
    )


def test_completion_counts_not_started_draft_and_submitted(rnd: Round, personas: Personas) -> None:
    answer_all_status(rnd, ALBERTSLUND, personas.albertslund)
    services.submit(rnd, ALBERTSLUND, personas.albertslund)
    services.save_answers(rnd, 101, personas.admin, {HJEMMEBESOEG: "planlagt"})  # København
    rows = completion.completion(rnd, region_code=1084)
    assert len(rows) == 29
    by_code = {r.kommunekode: r for r in rows}
    assert by_code[ALBERTSLUND].state == "submitted" and by_code[101].state == "draft"
    assert by_code[101].answered == 1
    assert sum(r.state == "not_started" for r in rows) == 27
    assert len(completion.completion(rnd)) == 98


def test_two_editors_who_opened_an_unstarted_response_cannot_both_write_the_tilbagemelding(
    rnd: Round, personas: Personas
) -> None:
    seen = 0  # the version a form shows before the municipality has started
    services.save_answers(
        rnd, ALBERTSLUND, personas.admin, {}, tilbagemelding="Først", response_version=seen
    )
    with pytest.raises(services.Conflict):
        services.save_answers(
            rnd,
            ALBERTSLUND,
            personas.albertslund,
            {},
            tilbagemelding="Sidst",
            response_version=seen,
        )
    assert services.response_of(rnd, ALBERTSLUND).tilbagemelding == "Først"  # type: ignore[union-attr]


def test_an_answer_first_created_by_someone_else_is_a_conflict(
    rnd: Round, personas: Personas
) -> None:
    services.save_answers(
        rnd, ALBERTSLUND, personas.admin, {HJEMMEBESOEG: "planlagt"}, {HJEMMEBESOEG: 0}
    )
    with pytest.raises(services.Conflict):
        services.save_answers(
            rnd,
            ALBERTSLUND,
            personas.albertslund,
            {HJEMMEBESOEG: "implementeret"},
            {HJEMMEBESOEG: 0},
        )
