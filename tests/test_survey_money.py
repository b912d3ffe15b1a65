"""The money questions of a status round: the whole-kroner values (every message exactly), where
the questions go in a round, the import of amounts naming file, row and field, the
aggregation (counts, sums, shares, small groups hidden) and the synthetic demo amounts."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from naersund.catalogue import load_catalogue
from naersund.refdata import region_of
from naersund.survey.aggregate import RoundAnswers, kkr_area, national_area
from naersund.survey.answer_values import clean_value, format_value, parse_cell, value_to_cell
from naersund.survey.importing import ImportFileError, parse_answers, read_table
from naersund.survey.kroner import (
    VED_IKKE,
    clean_kroner,
    kroner_cell,
    kroner_field,
    kroner_text,
    parse_kroner,
)
from naersund.survey.money import THEMES, money_qid, theme_qid, with_money_questions
from naersund.survey.money_aggregate import money_aggregates
from naersund.survey.money_demo import demo_money_answers
from naersund.survey.money_export import amount_text, money_tables, municipality_money
from naersund.survey.questions import AnswerError, QuestionSpec, questions_from_catalogue

HJEM = "hovedstaden_opfoelgende_hjemmebesoeg"
KRONER_HJEM = money_qid(HJEM)
REHAB = theme_qid("rehabilitering")
ANDET = theme_qid("andet")
ALBERTSLUND, BALLERUP, BROENDBY, HERLEV, AALBORG = 165, 151, 153, 163, 851
HOVEDSTADEN, NORDJYLLAND = 1084, 1081


@pytest.fixture(scope="module")
def specs() -> list[QuestionSpec]:
    return with_money_questions(questions_from_catalogue(load_catalogue(), national=True), 2014)


# --- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1250000", 1_250_000),
        ("1.250.000", 1_250_000),
        ("1 250 000", 1_250_000),
        ("1.250.000 kr.", 1_250_000),
        ("1250000,00", 1_250_000),
        ("0", 0),
        ("ved ikke", VED_IKKE),
        ("Ved ikke", VED_IKKE),
        ("  ", None),
    ],
)
def test_a_cell_is_read_as_whole_kroner_or_ved_ikke(text: str, value: object) -> None:
    assert parse_kroner(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,5", "Skriv beløbet i hele kroner (fx 1.250.000) eller »ved ikke«, ikke '1,5'."),
        ("1.5", "Skriv beløbet i hele kroner (fx 1.250.000) eller »ved ikke«, ikke '1.5'."),
        ("12.34.567", "Skriv beløbet i hele kroner (fx 1.250.000) eller »ved ikke«, ikke "
         "'12.34.567'."),
        ("mange", "Skriv beløbet i hele kroner (fx 1.250.000) eller »ved ikke«, ikke 'mange'."),
        ("١٢", "Skriv beløbet i hele kroner (fx 1.250.000) eller »ved ikke«, ikke '١٢'."),
        ("-5000", "Beløbet kan ikke være negativt."),
        ("20000000000", "Beløbet 20.000.000.000 kr. er større end 10.000.000.000 kr.; skriv "
         "beløbet i hele kroner (ikke øre)."),
    ],
)  # fmt: skip
def test_a_bad_cell_gets_a_danish_message(text: str, message: str) -> None:
    with pytest.raises(AnswerError) as exc:
        parse_kroner(text)
    assert str(exc.value) == message


def test_json_values_are_checked() -> None:
    assert clean_kroner(1000) == 1000
    assert clean_kroner(1000.0) == 1000
    assert clean_kroner(VED_IKKE) == VED_IKKE
    for bad, message in [
        (True, "Beløbet skal være et helt antal kroner eller »ved ikke«, ikke 'True'."),
        (10.5, "Beløbet skal være et helt antal kroner eller »ved ikke«, ikke '10.5'."),
        ("1000", "Beløbet skal være et helt antal kroner eller »ved ikke«, ikke '1000'."),
        (-1, "Beløbet kan ikke være negativt."),
    ]:
        with pytest.raises(AnswerError) as exc:
            clean_kroner(bad)
        assert str(exc.value) == message


def test_values_round_trip_through_the_question_functions(specs: list[QuestionSpec]) -> None:
    spec = next(s for s in specs if s.qid == KRONER_HJEM)
    for value in (0, 1_250_000, VED_IKKE):
        assert parse_cell(spec, value_to_cell(spec, value)) == value
        assert clean_value(spec, value) == value
    assert format_value(spec, 1_250_000) == "1.250.000 kr."
    assert format_value(spec, VED_IKKE) == "Ved ikke"
    assert format_value(spec, None) == "Ikke besvaret"
    assert kroner_text(0) == "0 kr."
    assert kroner_cell(VED_IKKE) == "ved ikke"
    assert kroner_field(1_250_000) == "1.250.000"
    assert kroner_field(VED_IKKE) == ""


# --- the questions ----------------------------------------------------------------------------


def test_each_initiative_gets_its_money_question_after_its_own(specs: list[QuestionSpec]) -> None:
    qids = [s.qid for s in specs]
    assert [s.position for s in specs] == list(range(len(specs)))
    i = qids.index(KRONER_HJEM)
    assert qids[i - 2 : i] == [f"status.{HJEM}", f"startaar.{HJEM}"]
    spec = specs[i]
    assert spec.kind == "kroner" and spec.initiative_id == HJEM
    assert spec.text_da == "Hvor mange kr. af kommunens sundhedsbudget bruges på indsatsen i 2014?"
    initiatives = {s.initiative_id for s in specs if s.initiative_id}
    assert {s.qid for s in specs if s.qid.startswith("kroner.")} == {
        money_qid(i) for i in initiatives
    }


def test_the_themes_come_before_the_free_questions(specs: list[QuestionSpec]) -> None:
    qids = [s.qid for s in specs]
    first_free = min(i for i, q in enumerate(qids) if q.startswith("fri."))
    themes = [theme_qid(t) for t, _ in THEMES]
    assert qids[first_free - len(themes) : first_free] == themes
    rehab = specs[qids.index(REHAB)]
    assert rehab.text_da == "Løftet i 2014 brugt på: rehabilitering"
    assert rehab.section_da == "Hvad bruges løftet til? (2014)"
    assert rehab.region_code is None  # every municipality


def test_a_regional_initiative_s_money_question_goes_to_its_municipalities_only() -> None:
    specs = with_money_questions(questions_from_catalogue(load_catalogue()), 2015)
    spec = next(s for s in specs if s.qid == KRONER_HJEM)
    assert spec.applies_to(ALBERTSLUND) and not spec.applies_to(AALBORG)


# --- import -----------------------------------------------------------------------------------


def test_amounts_are_imported_and_each_bad_one_named(specs: list[QuestionSpec]) -> None:
    good = (
        f"kommunekode;{KRONER_HJEM};{REHAB};{ANDET}\n"
        "165;1.250.000;ved ikke;\n"
        "151;0;300000 kr.;25.000\n"
    ).encode()
    rows = parse_answers(read_table(good, "svar.csv"), specs)
    assert rows[0].values == {KRONER_HJEM: 1_250_000, REHAB: VED_IKKE}
    assert rows[1].values == {KRONER_HJEM: 0, REHAB: 300_000, ANDET: 25_000}
    bad = (f"kommunekode;{KRONER_HJEM};{REHAB}\n165;1,5 mio.;-200\n").encode()
    with pytest.raises(ImportFileError) as exc:
        parse_answers(read_table(bad, "svar.csv"), specs)
    assert exc.value.problems == [
        f"svar.csv, række 2, kolonne B ({KRONER_HJEM}): Skriv beløbet i hele kroner (fx "
        "1.250.000) eller »ved ikke«, ikke '1,5 mio.'.",
        f"svar.csv, række 2, kolonne C ({REHAB}): Beløbet kan ikke være negativt.",
    ]


def test_an_xlsx_number_cell_is_an_amount(specs: list[QuestionSpec]) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["kommunekode", KRONER_HJEM, REHAB])
    ws.append([165, 1250000, 12.5])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ImportFileError) as exc:
        parse_answers(read_table(out.getvalue(), "svar.xlsx"), specs)
    assert exc.value.problems == [
        f"svar.xlsx, række 2, kolonne C ({REHAB}): Skriv beløbet i hele kroner (fx 1.250.000) "
        "eller »ved ikke«, ikke '12.5'."
    ]


# --- aggregation ------------------------------------------------------------------------------


def _answers(values: dict[int, dict[str, object]]) -> RoundAnswers:
    return RoundAnswers("r", "Opfølgning (test)", 2014, values)


def test_sums_counts_and_shares_per_initiative_and_theme(specs: list[QuestionSpec]) -> None:
    answers = _answers(
        {
            ALBERTSLUND: {KRONER_HJEM: 100_000, f"status.{HJEM}": "implementeret", REHAB: 60_000},
            BALLERUP: {KRONER_HJEM: 200_000, REHAB: 20_000, ANDET: 20_000},
            BROENDBY: {KRONER_HJEM: 300_000, REHAB: 20_000},
            HERLEV: {KRONER_HJEM: VED_IKKE},
            AALBORG: {},
        }
    )
    qids = [s.qid for s in specs]
    agg = money_aggregates(load_catalogue(), answers, qids, kkr_area(HOVEDSTADEN))
    hjem = next(i for i in agg.initiatives if i.initiative_id == HJEM)
    m = hjem.money
    assert (m.asked, m.with_amount, m.ved_ikke, m.not_answered) == (4, 3, 1, 0)
    assert m.kroner == 600_000 and not m.hidden
    assert m.share_pct == pytest.approx(100.0)  # the only initiative with amounts shown
    assert (hjem.implemented.count, hjem.implemented.total) == (1, 4)
    rehab = next(t for t in agg.themes if t.key == "rehabilitering")
    andet = next(t for t in agg.themes if t.key == "andet")
    assert rehab.kroner == 100_000 and rehab.share_pct == pytest.approx(100.0)
    # one amount: hidden from a reader who may not see Ballerup's answers, and out of the shares
    assert andet.hidden and andet.kroner is None and andet.with_amount == 1
    shown_to_kkr = money_aggregates(
        load_catalogue(), answers, qids, kkr_area(HOVEDSTADEN), visible={ALBERTSLUND, BALLERUP}
    )
    andet = next(t for t in shown_to_kkr.themes if t.key == "andet")
    assert not andet.hidden and andet.kroner == 20_000
    assert andet.share_pct == pytest.approx(100 * 20_000 / 120_000)
    national = money_aggregates(load_catalogue(), answers, qids, national_area())
    assert national.submitted == 5
    assert next(i for i in national.initiatives if i.initiative_id == HJEM).money.asked == 5


GLOSTRUP, AMAGER_VESTEGNEN = 161, 2712  # a sundhedsråd inside KKR Hovedstaden


def test_denmark_s_sum_is_hidden_where_it_would_give_a_small_kkr_away(
    specs: list[QuestionSpec],
) -> None:
    """Denmark minus the four other KKRs' sums is the fifth's: with one amount in Nordjylland,
    Denmark's sum is hidden from a reader who may choose the five KKR, and shown to one who may
    see every answer anyway; Hovedstaden's three amounts stay shown."""
    answers = _answers(
        {
            ALBERTSLUND: {REHAB: 60_000},
            BALLERUP: {REHAB: 20_000},
            BROENDBY: {REHAB: 20_000},
            AALBORG: {REHAB: 7_000},
        }
    )
    qids = [s.qid for s in specs]
    choices = [national_area(), *(kkr_area(c) for c in (1081, 1082, 1083, 1084, 1085))]

    def rehab(area_code: int | None, visible: frozenset[int] = frozenset()) -> object:
        area = national_area() if area_code is None else kkr_area(area_code)
        agg = money_aggregates(
            load_catalogue(), answers, qids, area, visible=visible, others=choices
        )
        return next(t for t in agg.themes if t.key == "rehabilitering")

    national = rehab(None)
    assert national.hidden and national.kroner is None  # type: ignore[attr-defined]
    assert amount_text(national, 3) == "Vises ikke (et andet område kan trækkes fra)"  # type: ignore[arg-type]
    assert amount_text(rehab(NORDJYLLAND), 3) == "Vises ikke (færre end 3 beløb)"  # type: ignore[arg-type]
    assert rehab(HOVEDSTADEN).kroner == 100_000  # type: ignore[attr-defined]
    assert rehab(NORDJYLLAND).hidden  # type: ignore[attr-defined]
    assert rehab(None, visible=frozenset(region_of())).kroner == 107_000  # type: ignore[attr-defined]
    alone = money_aggregates(load_catalogue(), answers, qids, national_area())
    assert next(t for t in alone.themes if t.key == "rehabilitering").kroner == 107_000


def test_a_kkr_s_sum_is_hidden_where_the_reader_s_own_sundhedsraad_would_give_the_rest_away(
    specs: list[QuestionSpec],
) -> None:
    """A sundhedsråd secretariat sees its own area (its municipalities' answers) and the KKR
    around it: the KKR's sum minus the sundhedsråd's is the one municipality outside, so the
    KKR's sum is hidden from it; the sundhedsråd's own sum stays shown."""
    answers = _answers(
        {
            ALBERTSLUND: {REHAB: 60_000},
            BROENDBY: {REHAB: 20_000},
            GLOSTRUP: {REHAB: 10_000},
            BALLERUP: {REHAB: 5_000},  # outside the sundhedsråd
        }
    )
    qids = [s.qid for s in specs]
    own = kkr_area(AMAGER_VESTEGNEN)
    assert {ALBERTSLUND, BROENDBY, GLOSTRUP} <= own.members and BALLERUP not in own.members
    choices = [national_area(), kkr_area(HOVEDSTADEN), own]

    def rehab(area: object) -> object:
        agg = money_aggregates(
            load_catalogue(),
            answers,
            qids,
            area,
            visible=own.members,
            others=choices,  # type: ignore[arg-type]
        )
        return next(t for t in agg.themes if t.key == "rehabilitering")

    assert rehab(kkr_area(HOVEDSTADEN)).hidden  # type: ignore[attr-defined]
    assert rehab(own).kroner == 90_000  # type: ignore[attr-defined]
    alone = money_aggregates(
        load_catalogue(), answers, qids, kkr_area(HOVEDSTADEN), visible=own.members
    )
    assert next(t for t in alone.themes if t.key == "rehabilitering").kroner == 95_000


def test_the_xlsx_tables_hold_the_aggregates(specs: list[QuestionSpec]) -> None:
    answers = _answers({c: {KRONER_HJEM: 1000 * c} for c in (ALBERTSLUND, BALLERUP, BROENDBY)})
    agg = money_aggregates(load_catalogue(), answers, [s.qid for s in specs], national_area())
    initiatives, themes = money_tables(agg, synthetic=True)
    assert initiatives.notes[0].startswith("SYNTETISKE DATA. Statusrunde Opfølgning (test)")
    hjem = next(i for i in agg.initiatives if i.initiative_id == HJEM)
    row = next(r for r in initiatives.rows if r[0] == hjem.money.label_da)
    assert row[2] == (165 + 151 + 153) * 1000
    assert len(themes.rows) == len(THEMES)


def test_each_municipality_s_own_amounts(specs: list[QuestionSpec]) -> None:
    money = [s for s in specs if s.qid in (KRONER_HJEM, REHAB)]
    rows = municipality_money(
        {ALBERTSLUND: {KRONER_HJEM: 1_250_000, REHAB: VED_IKKE}, BALLERUP: {}},
        money,
        [ALBERTSLUND, BALLERUP, HERLEV],
    )
    assert [(r.name, r.values) for r in rows] == [
        ("Albertslund", ["1.250.000 kr.", "Ved ikke"]),
        ("Ballerup", ["Ikke besvaret", "Ikke besvaret"]),
    ]


# --- demo -------------------------------------------------------------------------------------


def test_demo_amounts_are_valid_deterministic_and_follow_the_status(
    specs: list[QuestionSpec],
) -> None:
    statuses = {c: {f"status.{HJEM}": "implementeret"} for c in region_of()}
    one = demo_money_answers(specs, statuses, 2014, seed=7)
    assert one == demo_money_answers(specs, statuses, 2014, seed=7)
    by_spec = {s.qid: s for s in specs}
    values = [v for given in one.values() for v in given.values()]
    for given in one.values():
        for qid, v in given.items():
            assert clean_value(by_spec[qid], v) == v
    assert VED_IKKE in values
    amounts = [
        given[KRONER_HJEM] for given in one.values() if isinstance(given.get(KRONER_HJEM), int)
    ]
    assert amounts and all(a > 0 for a in amounts)  # implemented: money spent


def test_last_year_s_amounts_are_not_carried_over(specs: list[QuestionSpec]) -> None:
    from naersund.survey.carry_over import carry_over

    previous = {KRONER_HJEM: 1_000_000, REHAB: VED_IKKE, f"status.{HJEM}": "planlagt"}
    assert carry_over(specs, {}, previous, ALBERTSLUND) == {f"status.{HJEM}": "planlagt"}


def test_demo_theme_amounts_add_up_to_part_of_the_seeds_lift(specs: list[QuestionSpec]) -> None:
    answers = demo_money_answers(specs, {c: {} for c in region_of()}, 2014, seed=2013)
    themes = [theme_qid(t) for t, _ in THEMES]
    total = sum(
        v for given in answers.values() for q, v in given.items() if q in themes and v != VED_IKKE
    )
    # about 75 pct. answer, each accounting for 60-100 pct. of its population share of 311 mio.
    assert 0.3 * 311e6 < total < 311e6
