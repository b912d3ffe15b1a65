"""Survey aggregation: shares per status written as the papers write them, hand-computed."""

from __future__ import annotations

from typing import Any

import pytest

from naersund.catalogue import Catalogue, load_catalogue
from naersund.refdata import region_of
from naersund.survey.aggregate import (
    RoundAnswers,
    change_text,
    choice_shares,
    initiative_results,
    kkr_area,
    measure_baseline,
    municipality_table,
    national_area,
    number_summary,
    percent,
    pilot_overview,
)

HJEMMEBESOEG = "hovedstaden_opfoelgende_hjemmebesoeg"
HJERTE_KAR = "hovedstaden_hjerte_kar"
HOVEDSTADEN = 1084
CODES = sorted(region_of())  # the 98 municipalities
HOVED = sorted(k for k, r in region_of().items() if r == HOVEDSTADEN)  # 29


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def _round(answers: dict[int, dict[str, Any]], year: int = 2013) -> RoundAnswers:
    return RoundAnswers(f"r{year}", f"Status {year}", year, answers)


def _statuses(qid: str, plan: list[tuple[str, int]], codes: list[int]) -> dict[int, dict]:
    """The first n codes at the first status, the next at the second, ..."""
    out: dict[int, dict[str, Any]] = {}
    it = iter(codes)
    for status, n in plan:
        for _ in range(n):
            out[next(it)] = {qid: status}
    return out


@pytest.mark.parametrize(
    ("count", "total", "expected"),
    [(67, 98, 68), (95, 98, 97), (94, 98, 96), (40, 98, 41), (1, 8, 13), (0, 5, 0), (7, 7, 100)],
)
def test_percentages_are_rounded_as_the_paper_rounds_them(
    count: int, total: int, expected: int
) -> None:
    assert percent(count, total) == expected


def test_a_share_of_nobody_is_no_percentage_and_a_count_above_the_total_is_refused() -> None:
    assert percent(0, 0) is None
    with pytest.raises(ValueError, match="count 9 must lie between 0 and total 8"):
        percent(9, 8)


def test_the_national_share_is_written_as_the_paper_writes_it(catalogue: Catalogue) -> None:
    answers = _round(
        _statuses(
            f"status.{HJEMMEBESOEG}",
            [("implementeret", 67), ("under_implementering", 20), ("planlagt", 11)],
            CODES,
        )
    )
    (result,) = initiative_results(catalogue, answers, None, national_area(), [HJEMMEBESOEG])
    assert result.headline() == ("68 pct. af kommunerne har indført opfølgende hjemmebesøg.")
    shares = {r.status: (r.share.count, r.share.pct) for r in result.rows}
    assert shares == {
        "implementeret": (67, 68),
        "under_implementering": (20, 20),  # 20.4
        "planlagt": (11, 11),  # 11.2
        "ikke_paabegyndt": (0, 0),
    }
    assert result.no_answer.count == 0
    # the paper's 68 pct. sits beside it, measured by the same definition
    (fig,) = result.baselines
    assert (fig.paper_text, fig.measured_text, fig.matches()) == ("68 pct.", "68 pct.", True)


def test_the_change_since_the_previous_round_is_in_percentage_points(
    catalogue: Catalogue,
) -> None:
    qid = f"status.{HJEMMEBESOEG}"
    before = _round(_statuses(qid, [("implementeret", 60), ("planlagt", 38)], CODES), 2013)
    now = _round(_statuses(qid, [("implementeret", 67), ("planlagt", 31)], CODES), 2014)
    (result,) = initiative_results(catalogue, now, before, national_area(), [HJEMMEBESOEG])
    implemented = result.implemented
    assert (implemented.previous.pct, implemented.share.pct) == (61, 68)  # 61.2 and 68.4
    assert implemented.change_pp == 7
    planned = next(r for r in result.rows if r.status == "planlagt")
    assert planned.change_pp == 32 - 39  # 31.6 -> 32, 38.8 -> 39
    assert [change_text(p) for p in (7, -7, 0, None)] == [
        "+7 procentpoint",
        "−7 procentpoint",
        "uændret",
        "–",
    ]


def test_a_kkr_figure_is_written_as_a_count_too(catalogue: Catalogue) -> None:
    plan = [("implementeret", 10), ("under_implementering", 10), ("planlagt", 5)]
    plan.append(("ikke_paabegyndt", 4))
    answers = _round(_statuses(f"status.{HJERTE_KAR}", plan, HOVED))
    (result,) = initiative_results(catalogue, answers, None, kkr_area(HOVEDSTADEN), [HJERTE_KAR])
    assert result.count_headline() == (
        "10 ud af 29 kommuner i KKR Hovedstaden har indført forløbsprogrammet for hjerte-kar."
    )
    assert result.headline() == (
        "34 pct. af kommunerne i KKR Hovedstaden har indført forløbsprogrammet for hjerte-kar."
    )
    planer = next(f for f in result.baselines if f.baseline.id == "hovedstaden_hjerte_kar_planer")
    # "25 ud af 29 kommuner angiver at have eller have konkrete planer om at etablere tilbud"
    assert (planer.paper_text, planer.measured_text, planer.matches()) == (
        "25 ud af 29",
        "25 ud af 29",
        True,
    )


def test_shares_count_only_submitted_municipalities_and_say_how_many_answered(
    catalogue: Catalogue,
) -> None:
    qid = f"status.{HJEMMEBESOEG}"
    answers = _statuses(qid, [("implementeret", 30), ("planlagt", 19)], CODES)
    answers[CODES[-1]] = {}  # submitted, but left the question open
    (result,) = initiative_results(
        catalogue, _round(answers), None, national_area(), [HJEMMEBESOEG]
    )
    assert (result.implemented.share.count, result.implemented.share.total) == (30, 50)
    assert result.no_answer.count == 1
    assert result.headline() == (
        "60 pct. af kommunerne har indført opfølgende hjemmebesøg (svar fra 50 af 98 kommuner)."
    )


def test_a_baseline_on_a_free_question_counts_any_of_its_choices(catalogue: Catalogue) -> None:
    qid = "fri.ledelsesinformation-niveauer"
    answers: dict[int, dict[str, Any]] = {c: {qid: []} for c in CODES}
    for c in CODES[:40]:
        answers[c][qid] = ["politisk"]
    for c in CODES[40:63]:
        answers[c][qid] = ["direktion", "fagligt"]
    r = _round(answers)
    base = {b.id: b for g in catalogue.kkr_by_code(HOVEDSTADEN).goals for b in g.baselines}
    i_alt = measure_baseline(r, base["hovedstaden_ledelsesinformation_i_alt"])
    politisk = measure_baseline(r, base["hovedstaden_ledelsesinformation_politisk"])
    assert i_alt is not None and politisk is not None
    assert (i_alt.measured.count, i_alt.measured.pct, i_alt.matches()) == (63, 64, True)
    assert (politisk.measured.count, politisk.measured_text) == (40, "41 pct.")
    assert not politisk.matches()  # the paper says 39
    assert politisk.change_pp() == 2


def test_choice_shares_of_a_yes_no_question() -> None:
    qid = "fri.god-udskrivning"
    now = _round({c: {qid: i < 91} for i, c in enumerate(CODES)})
    before = _round({c: {qid: i < 80} for i, c in enumerate(CODES)})
    rows = choice_shares(now, before, qid, [("ja", "Ja"), ("nej", "Nej")], national_area())
    assert [(r.label_da, r.share.count, r.share.pct, r.change_pp) for r in rows] == [
        ("Ja", 91, 93, 93 - 82),
        ("Nej", 7, 7, 7 - 18),
    ]


def test_a_number_question_gives_count_sum_and_median() -> None:
    qid = "fri.antal-akutpladser"
    answers = _round({101: {qid: 4}, 147: {qid: 10}, 151: {qid: 1.5}, 153: {}})
    assert number_summary(answers, qid, national_area()) == (3, 15.5, 4.0)


def test_bilag_1_lists_every_municipality_of_the_kkr_by_name() -> None:
    qid = f"status.{HJEMMEBESOEG}"
    answers = _round({165: {qid: "planlagt"}, 101: {}})  # Albertslund, København
    rows = municipality_table(answers, [HJEMMEBESOEG], HOVEDSTADEN)
    assert len(rows) == 29
    assert rows[0].name_da == "Albertslund"
    by_code = {r.kommunekode: r for r in rows}
    assert (by_code[165].submitted, by_code[165].statuses) == (True, ["planlagt"])
    assert (by_code[101].submitted, by_code[101].statuses) == (True, [None])
    assert (by_code[147].submitted, by_code[147].statuses) == (False, [None])


def test_the_pilot_overview_names_the_partners() -> None:
    qid = "pilot.hovedstaden_telemedicin"
    answers = _round(
        {
            165: {qid: {"pilot": "sammen", "med": [151, 153]}},  # Albertslund
            101: {qid: {"pilot": "alene"}},
            147: {qid: {"pilot": "nej"}},
            851: {qid: {"pilot": "alene"}},  # Aalborg: Nordjylland
        }
    )
    ((ini, pilots),) = pilot_overview(answers, ["hovedstaden_telemedicin"], kkr_area(HOVEDSTADEN))
    assert ini == "hovedstaden_telemedicin"
    assert [(p.name_da, p.partners_text) for p in pilots] == [
        ("Albertslund", "Sammen med Ballerup og Brøndby"),
        ("København", "Alene"),
    ]


def test_a_question_put_to_one_kkr_only_counts_that_kkrs_municipalities(
    catalogue: Catalogue,
) -> None:
    qid = f"status.{HJEMMEBESOEG}"
    answers: dict[int, dict[str, Any]] = {c: {} for c in CODES}  # all 98 have submitted
    answers.update(_statuses(qid, [("implementeret", 20), ("planlagt", 8)], HOVED))
    r = RoundAnswers("r", "Regional", 2014, answers, asked={qid: frozenset(HOVED)})
    (result,) = initiative_results(catalogue, r, None, national_area(), [HJEMMEBESOEG])
    # 20 of the 29 asked (69.0), not of 98; the one Hovedstaden municipality left open counts
    assert (result.implemented.share.count, result.implemented.share.total) == (20, 29)
    assert result.no_answer.count == 1
    assert result.headline() == (
        "69 pct. af de adspurgte kommuner har indført opfølgende hjemmebesøg."
    )
    nord = initiative_results(catalogue, r, None, kkr_area(1081), [HJEMMEBESOEG])[0]
    assert nord.implemented.share.total == 0
    assert nord.headline() == "Spørgsmålet er ikke stillet til kommunerne i KKR Nordjylland."
    assert r.was_asked(165, qid) and not r.was_asked(851, qid)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("implementeret", "har indført"),
        ("under_implementering", "er i gang med at indføre"),
        ("planlagt", "planlægger at indføre"),
        ("ikke_paabegyndt", "har endnu ikke påbegyndt arbejdet med"),
    ],
)
def test_each_status_has_its_verb(catalogue: Catalogue, status: str, expected: str) -> None:
    from naersund.survey.aggregate import Share, sentence

    ini = next(i for i in catalogue.kkr_by_code(HOVEDSTADEN).initiatives if i.id == HJEMMEBESOEG)
    text = sentence(Share(18, 98), status, ini, national_area())
    assert text == f"18 pct. af kommunerne {expected} opfølgende hjemmebesøg."


def test_an_initiative_without_a_short_name_is_quoted_by_its_title(catalogue: Catalogue) -> None:
    from naersund.survey.aggregate import Share, sentence

    ini = next(i for i in catalogue.kkr_by_code(HOVEDSTADEN).initiatives if i.id == HJERTE_KAR)
    bare = ini.model_copy(update={"short_da": None})
    assert sentence(Share(29, 29), "implementeret", bare, kkr_area(HOVEDSTADEN), True) == (
        f"29 ud af 29 kommuner i KKR Hovedstaden har indført »{ini.title_da}«."
    )
