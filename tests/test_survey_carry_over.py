"""Carrying last round's answers over into this round's form (the library rule)."""

from __future__ import annotations

from naersund.catalogue import load_catalogue
from naersund.survey.carry_over import carry_over
from naersund.survey.questions import Choice, QuestionSpec, questions_from_catalogue

ALBERTSLUND = 165
AALBORG = 851
HJEM = "status.hovedstaden_opfoelgende_hjemmebesoeg"
START = "startaar.hovedstaden_opfoelgende_hjemmebesoeg"
PILOT = "pilot.hovedstaden_telemedicin"
NORD = "status.nordjylland_akutpladser"

SPECS = questions_from_catalogue(load_catalogue())
PREVIOUS = {
    HJEM: "implementeret",
    START: 2012,
    PILOT: {"pilot": "sammen", "med": [151, 147]},
    NORD: "planlagt",  # a national round asked Albertslund about Nordjylland too
    "fri.antal-akutpladser": 4,
    "fri.bemaerkninger": None,
}


def test_the_empty_questions_get_last_round_s_answers() -> None:
    assert carry_over(SPECS, {}, PREVIOUS, ALBERTSLUND) == {
        HJEM: "implementeret",
        START: 2012,
        PILOT: {"pilot": "sammen", "med": [147, 151]},  # checked and normalised
        "fri.antal-akutpladser": 4,
    }


def test_what_the_editor_has_answered_is_kept_and_another_kkr_s_question_is_left_behind() -> None:
    carried = carry_over(SPECS, {HJEM: "planlagt", START: None}, PREVIOUS, ALBERTSLUND)
    assert HJEM not in carried and carried[START] == 2012
    assert NORD not in carried
    assert carry_over(SPECS, {}, PREVIOUS, AALBORG) == {
        NORD: "planlagt",
        "fri.antal-akutpladser": 4,
    }


def test_an_answer_that_no_longer_fits_the_question_is_not_carried() -> None:
    now = QuestionSpec(
        qid="fri.akutpladser",
        kind="choice",
        text_da="Har kommunen akutpladser?",
        choices=(Choice("ja", "Ja"), Choice("nej", "Nej")),
    )
    previous = {"fri.akutpladser": "akutplejeenhed"}  # a choice this round no longer offers
    assert carry_over([now], {}, previous, ALBERTSLUND) == {}
    pilot = next(s for s in SPECS if s.qid == PILOT)
    itself = {PILOT: {"pilot": "sammen", "med": [ALBERTSLUND]}}
    assert carry_over([pilot], {}, itself, ALBERTSLUND) == {}
