"""Questions generated from the catalogue, and the values of answers (check, parse, write)."""

from __future__ import annotations

from typing import Any

import pytest

from naersund.catalogue import Catalogue, iter_initiatives, load_catalogue
from naersund.refdata import region_of
from naersund.survey.answer_values import clean_value, format_value, parse_cell, value_to_cell
from naersund.survey.questions import (
    FREE_QUESTIONS,
    STATUS_LABELS,
    AnswerError,
    QuestionSpec,
    check_questions,
    questions_from_catalogue,
)

ALBERTSLUND = 165
AALBORG = 851


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="module")
def specs(catalogue: Catalogue) -> dict[str, QuestionSpec]:
    return {s.qid: s for s in questions_from_catalogue(catalogue)}


def test_every_initiative_has_status_and_start_year_and_kan_initiatives_a_pilot_question(
    catalogue: Catalogue, specs: dict[str, QuestionSpec]
) -> None:
    initiatives = [ini for _, _, ini in iter_initiatives(catalogue)]
    expected = set()
    for ini in initiatives:
        expected |= {f"status.{ini.id}", f"startaar.{ini.id}"}
        if ini.kind == "kan":
            expected.add(f"pilot.{ini.id}")
    expected |= {q.qid for q in FREE_QUESTIONS}
    assert set(specs) == expected
    kan = sum(ini.kind == "kan" for ini in initiatives)
    assert len(specs) == 2 * len(initiatives) + kan + len(FREE_QUESTIONS)


def test_positions_follow_the_catalogue_and_end_with_the_free_questions(
    catalogue: Catalogue,
) -> None:
    specs = questions_from_catalogue(catalogue)
    assert [s.position for s in specs] == list(range(len(specs)))
    assert [s.qid for s in specs[-len(FREE_QUESTIONS) :]] == [q.qid for q in FREE_QUESTIONS]
    first = next(iter_initiatives(catalogue))[2]
    assert specs[0].qid == f"status.{first.id}" and specs[0].text_da == first.title_da


def test_qids_are_stable_across_rounds_and_catalogue_edits(catalogue: Catalogue) -> None:
    """A later catalogue version that rewords a title keeps every qid (ids, not texts)."""
    kkr = catalogue.kkr[3]
    goal = kkr.goals[1]
    reworded = goal.initiatives[0].model_copy(update={"title_da": "Ny formulering"})
    goal2 = goal.model_copy(update={"initiatives": [reworded, *goal.initiatives[1:]]})
    kkr2 = kkr.model_copy(update={"goals": [kkr.goals[0], goal2, *kkr.goals[2:]]})
    later = catalogue.model_copy(
        update={"version": "2.0", "kkr": [*catalogue.kkr[:3], kkr2, *catalogue.kkr[4:]]}
    )
    before = [s.qid for s in questions_from_catalogue(catalogue)]
    after = questions_from_catalogue(later)
    assert [s.qid for s in after] == before
    assert {s.text_da for s in after if s.qid == f"status.{reworded.id}"} == {"Ny formulering"}


def test_the_status_question_uses_the_fixed_scale(specs: dict[str, QuestionSpec]) -> None:
    spec = specs["status.hovedstaden_opfoelgende_hjemmebesoeg"]
    assert [(c.value, c.label_da) for c in spec.choices] == [
        ("ikke_paabegyndt", "Ikke påbegyndt"),
        ("planlagt", "Planlagt"),
        ("under_implementering", "Under implementering"),
        ("implementeret", "Implementeret"),
    ]
    assert spec.owner_region_code == 1084 and spec.region_code == 1084
    assert spec.initiative_kind == "skal"


def test_every_municipality_is_asked_its_own_kkr_s_initiatives_and_the_free_questions_only(
    catalogue: Catalogue,
) -> None:
    specs = questions_from_catalogue(catalogue)
    free = {q.qid for q in FREE_QUESTIONS}
    owner = {
        f"{kind}.{ini.id}": kkr.region_code
        for kkr, _, ini in iter_initiatives(catalogue)
        for kind in ("status", "startaar", "pilot")
    }
    regions = region_of()
    assert len(regions) == 98
    for kommunekode, region in regions.items():
        asked = {s.qid for s in specs if s.applies_to(kommunekode)}
        own = {s.qid for s in specs if owner.get(s.qid) == region}
        assert asked == own | free, kommunekode
    aalborg = {s.qid for s in specs if s.applies_to(AALBORG)}
    assert "status.hovedstaden_opfoelgende_hjemmebesoeg" not in aalborg
    assert "status.nordjylland_akutpladser" in aalborg


def test_a_national_round_asks_every_municipality_every_kkr_s_initiatives(
    catalogue: Catalogue,
) -> None:
    specs = {s.qid: s for s in questions_from_catalogue(catalogue, national=True)}
    spec = specs["status.hovedstaden_opfoelgende_hjemmebesoeg"]
    assert spec.region_code is None and spec.owner_region_code == 1084
    assert spec.applies_to(ALBERTSLUND) and spec.applies_to(AALBORG)


def test_repeated_and_malformed_qids_are_reported() -> None:
    free = QuestionSpec(qid="fri.x", kind="yesno", text_da="?")
    assert check_questions([free, free, QuestionSpec(qid="X y", kind="text", text_da="?")]) == [
        "qid 'fri.x' findes to gange",
        "qid 'X y' skal have formen 'type.navn' (a-z, 0-9, _ og -)",
    ]
    assert check_questions([QuestionSpec(qid="fri.v", kind="choice", text_da="?")]) == [
        "fri.v: et valgspørgsmål skal have svarmuligheder"
    ]


# --- values ---


@pytest.mark.parametrize(
    ("qid", "value", "stored"),
    [
        ("status.hovedstaden_opfoelgende_hjemmebesoeg", "planlagt", "planlagt"),
        ("startaar.hovedstaden_opfoelgende_hjemmebesoeg", 2013, 2013),
        ("pilot.hovedstaden_telemedicin", {"pilot": "nej"}, {"pilot": "nej"}),
        ("pilot.hovedstaden_telemedicin", {"pilot": "alene", "med": []}, {"pilot": "alene"}),
        (
            "pilot.hovedstaden_telemedicin",
            {"pilot": "sammen", "med": [151, 147, 151]},
            {"pilot": "sammen", "med": [147, 151]},
        ),
        ("fri.god-udskrivning", False, False),
        ("fri.akutpladser", "nej", "nej"),
        ("fri.ledelsesinformation-niveauer", ["fagligt", "politisk"], ["politisk", "fagligt"]),
        ("fri.ledelsesinformation-niveauer", [], []),
        ("fri.antal-akutpladser", 12.0, 12),
        ("fri.antal-akutpladser", 2.5, 2.5),
        ("fri.bemaerkninger", "  Tak  ", "Tak"),
        ("fri.bemaerkninger", "   ", None),
        ("fri.bemaerkninger", None, None),
    ],
)
def test_clean_value_normalises(
    specs: dict[str, QuestionSpec], qid: str, value: Any, stored: Any
) -> None:
    assert clean_value(specs[qid], value, ALBERTSLUND) == stored


@pytest.mark.parametrize(
    ("qid", "value", "message"),
    [
        (
            "startaar.hovedstaden_telemedicin",
            "2013",
            "Årstallet skal være et helt tal, ikke '2013'.",
        ),
        ("startaar.hovedstaden_telemedicin", True, "Årstallet skal være et helt tal, ikke 'True'."),
        (
            "pilot.hovedstaden_telemedicin",
            {"pilot": "sammen"},
            "Angiv kommunekoden for mindst én anden kommune.",
        ),
        (
            "pilot.hovedstaden_telemedicin",
            {"pilot": "alene", "med": [147]},
            "Andre kommuner angives kun, når kommunen er pilot sammen med andre.",
        ),
        (
            "pilot.hovedstaden_telemedicin",
            {"pilot": "sammen", "med": [999]},
            "'999' er ikke en kommunekode.",
        ),
        (
            "pilot.hovedstaden_telemedicin",
            "ja",
            "Pilotsvaret skal være 'nej', 'alene' eller 'sammen'.",
        ),
        ("fri.god-udskrivning", "ja", "Svaret skal være ja eller nej, ikke 'ja'."),
        (
            "fri.akutpladser",
            "måske",
            "Ukendt svarmulighed 'måske'; brug 'akutplejeenhed', 'midlertidige_pladser' eller 'nej'.",
        ),
        (
            "fri.ledelsesinformation-niveauer",
            "politisk",
            "Svaret skal være en liste af svarmuligheder.",
        ),
        ("fri.antal-akutpladser", -1, "Tallet skal være mindst 0."),
        ("fri.antal-akutpladser", float("nan"), "Svaret skal være et tal, ikke 'nan'."),
        ("fri.bemaerkninger", 7, "Svaret skal være en tekst."),
    ],
)
def test_clean_value_refuses_in_danish(
    specs: dict[str, QuestionSpec], qid: str, value: Any, message: str
) -> None:
    with pytest.raises(AnswerError) as exc:
        clean_value(specs[qid], value, ALBERTSLUND)
    assert str(exc.value) == message


@pytest.mark.parametrize(
    ("qid", "text", "value"),
    [
        (
            "status.hovedstaden_opfoelgende_hjemmebesoeg",
            "Under implementering",
            "under_implementering",
        ),
        ("status.hovedstaden_opfoelgende_hjemmebesoeg", "ikke_paabegyndt", "ikke_paabegyndt"),
        ("status.hovedstaden_opfoelgende_hjemmebesoeg", " IMPLEMENTERET ", "implementeret"),
        ("startaar.hovedstaden_opfoelgende_hjemmebesoeg", "2012", 2012),
        ("startaar.hovedstaden_opfoelgende_hjemmebesoeg", "2012.0", 2012),
        ("pilot.hovedstaden_telemedicin", "nej", {"pilot": "nej"}),
        ("pilot.hovedstaden_telemedicin", "Pilotkommune alene", {"pilot": "alene"}),
        (
            "pilot.hovedstaden_telemedicin",
            "sammen: 151, 147",
            {"pilot": "sammen", "med": [147, 151]},
        ),
        ("fri.god-udskrivning", "Ja", True),
        ("fri.god-udskrivning", "0", False),
        ("fri.akutpladser", "Nej", "nej"),
        ("fri.ledelsesinformation-niveauer", "politisk|Faglederniveau", ["politisk", "fagligt"]),
        ("fri.ledelsesinformation-niveauer", "direktion, politisk", ["politisk", "direktion"]),
        ("fri.ledelsesinformation-niveauer", "-", []),
        ("fri.antal-akutpladser", "2,5", 2.5),
        ("fri.antal-akutpladser", "1 200", 1200),
        ("fri.bemaerkninger", "Æble og ål", "Æble og ål"),
        ("fri.bemaerkninger", "  ", None),
    ],
)
def test_parse_cell_reads_values_and_labels(
    specs: dict[str, QuestionSpec], qid: str, text: str, value: Any
) -> None:
    assert parse_cell(specs[qid], text, ALBERTSLUND) == value


@pytest.mark.parametrize(
    ("qid", "text", "message"),
    [
        (
            "startaar.hovedstaden_telemedicin",
            "sidste år",
            "Årstallet skal være et helt tal, ikke 'sidste år'.",
        ),
        ("fri.god-udskrivning", "måske", "Svaret skal være 'ja' eller 'nej', ikke 'måske'."),
        ("fri.antal-akutpladser", "mange", "Svaret skal være et tal, ikke 'mange'."),
        (
            "pilot.hovedstaden_telemedicin",
            "med Ballerup",
            "Pilotsvaret skal være 'nej', 'alene' eller 'sammen: <kommunekoder>', ikke 'med Ballerup'.",
        ),
        ("pilot.hovedstaden_telemedicin", "sammen: Ballerup", "'Ballerup' er ikke en kommunekode."),
        (
            "status.hovedstaden_telemedicin",
            "I gang",
            "Ukendt svarmulighed 'I gang'; brug 'ikke_paabegyndt', 'planlagt', "
            "'under_implementering' eller 'implementeret'.",
        ),
    ],
)
def test_parse_cell_refuses_in_danish(
    specs: dict[str, QuestionSpec], qid: str, text: str, message: str
) -> None:
    with pytest.raises(AnswerError) as exc:
        parse_cell(specs[qid], text, ALBERTSLUND)
    assert str(exc.value) == message


def test_value_to_cell_is_read_back_by_parse_cell(specs: dict[str, QuestionSpec]) -> None:
    samples: dict[str, list[Any]] = {
        "status": list(STATUS_LABELS),
        "year": [2013],
        "pilot": [{"pilot": "nej"}, {"pilot": "alene"}, {"pilot": "sammen", "med": [147, 151]}],
        "yesno": [True, False],
        "choice": ["akutplejeenhed"],
        "multichoice": [[], ["politisk", "fagligt"]],
        "number": [0, 2.5],
        "text": ["Linje; med, tegn | og æøå"],
    }
    checked = set()
    for spec in specs.values():
        for value in samples[spec.kind]:
            used = value if spec.kind == "multichoice" else [value]
            if spec.kind in ("choice", "multichoice") and not set(used) <= set(
                spec.choice_values()
            ):
                continue  # a sample for another question's choices
            assert parse_cell(spec, value_to_cell(spec, value), ALBERTSLUND) == value
            checked.add(spec.kind)
    assert checked == set(samples)
    assert value_to_cell(specs["fri.bemaerkninger"], None) == ""


def test_format_value_is_danish(specs: dict[str, QuestionSpec]) -> None:
    assert format_value(specs["status.hovedstaden_telemedicin"], "under_implementering") == (
        "Under implementering"
    )
    assert format_value(specs["status.hovedstaden_telemedicin"], None) == "Ikke besvaret"
    assert (
        format_value(specs["pilot.hovedstaden_telemedicin"], {"pilot": "sammen", "med": [147, 151]})
        == "Pilotkommune sammen med Frederiksberg, Ballerup"
    )
    assert format_value(specs["fri.ledelsesinformation-niveauer"], []) == "Ingen"
    assert format_value(specs["fri.ledelsesinformation-niveauer"], ["politisk", "fagligt"]) == (
        "Politisk niveau, Faglederniveau"
    )
    assert format_value(specs["fri.god-udskrivning"], True) == "Ja"
    assert format_value(specs["fri.antal-akutpladser"], 2.5) == "2,5"
