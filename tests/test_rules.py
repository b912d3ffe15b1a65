"""Hand-computed cases for every rule of the indicator definitions.

Each case is a handful of contacts built in code and run through the engine's expressions —
and through the independent pandas implementation in ``reference_impl``, so that the hand
calculation checks both. The expected numbers are worked out in the comments.

Defaults of a contact: person p1 living in København (101), a woman born 15 June 1940 (so 73
in spring 2014: band 70-74), acute, primary diagnosis DE86 (dehydration, a preventable-admission
group), specialty "intern medicin", hospital A, alive at discharge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import ibis
import pandas as pd
import pytest

from naersund.engine import expressions as ex
from naersund.engine.results import compute_results
from naersund.indicators import IndicatorDefinition, StayRules, load_definitions, load_stay_rules

try:
    from tests import reference_impl as ref
except ImportError:  # pytest's rootdir-less import mode puts tests/ itself on sys.path
    import reference_impl as ref  # type: ignore[no-redef]

SHORT = "akutte_korttidsindlaeggelser"
PREVENTABLE = "forebyggelige_indlaeggelser_65"
READMISSION = "genindlaeggelser_30d_65"
DAYS = "faerdigbehandlingsdage"

DEFINITIONS: dict[str, IndicatorDefinition] = {d.id: d for d in load_definitions()}
RULES: StayRules = load_stay_rules()

DEFAULTS: dict[str, Any] = {
    "person_id": "p1",
    "kommunekode": 101,
    "sex": "F",
    "birth_date": dt.date(1940, 6, 15),
    "acute": True,
    "primary_diagnosis": "DE86",
    "specialty": "intern medicin",
    "hospital": "A",
    "died": False,
}
CONTACT_SCHEMA = ibis.schema(
    {
        "person_id": "string",
        "kommunekode": "int64",
        "sex": "string",
        "birth_date": "date",
        "start": "timestamp",
        "end": "timestamp",
        "acute": "boolean",
        "primary_diagnosis": "string",
        "specialty": "string",
        "hospital": "string",
        "died": "boolean",
    }
)
READY_SCHEMA = ibis.schema(
    {
        "person_id": "string",
        "kommunekode": "int64",
        "ready_date": "date",
        "discharge_date": "date",
    }
)

Row = dict[str, Any]
Stamp = str | pd.Timestamp


def contact(start: Stamp, hours: float = 0, minutes: float = 0, **overrides: Any) -> Row:
    """A contact starting at ``start`` and lasting ``hours`` h ``minutes`` min."""
    begin = pd.Timestamp(start)
    end = begin + pd.Timedelta(hours=hours, minutes=minutes)
    return {**DEFAULTS, "start": begin, "end": end, **overrides}


def after(previous: Row, hours: float = 0, minutes: float = 0) -> pd.Timestamp:
    """The moment ``hours`` h ``minutes`` min after a contact's end."""
    return pd.Timestamp(previous["end"]) + pd.Timedelta(hours=hours, minutes=minutes)


def contacts_frame(rows: list[Row]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(CONTACT_SCHEMA.names))


# -- the two implementations behind one interface ------------------------------------------------

Stays = Callable[[list[Row], StayRules], pd.DataFrame]
Aggregate = Callable[[str, list[Row], StayRules], pd.DataFrame]
Days = Callable[[list[Row], list[int]], pd.DataFrame]


class Impl:
    def __init__(self, stays: Stays, aggregate: Aggregate, days: Days) -> None:
        self.stays = stays
        self.aggregate = aggregate
        self.days = days


def _engine() -> Impl:
    con = ibis.duckdb.connect()

    def stays(rows: list[Row], rules: StayRules) -> pd.DataFrame:
        t = ibis.memtable(contacts_frame(rows), schema=CONTACT_SCHEMA)
        return con.execute(ex.build_stays(t, rules))

    def aggregate(indicator: str, rows: list[Row], rules: StayRules) -> pd.DataFrame:
        d = DEFINITIONS[indicator]
        t = ibis.memtable(contacts_frame(rows), schema=CONTACT_SCHEMA)
        s = ex.build_stays(t, rules)
        expr = (
            ex.stay_rate(s, d) if d.kind == "stay_rate" else ex.readmission_proportion(s, d, rules)
        )
        return con.execute(expr)

    def days(rows: list[Row], years: list[int]) -> pd.DataFrame:
        t = ibis.memtable(pd.DataFrame(rows, columns=list(READY_SCHEMA.names)), schema=READY_SCHEMA)
        return con.execute(ex.days_rate(t, years))

    return Impl(stays, aggregate, days)


def _reference() -> Impl:
    def stays(rows: list[Row], rules: StayRules) -> pd.DataFrame:
        return ref.build_stays(contacts_frame(rows), rules)

    def aggregate(indicator: str, rows: list[Row], rules: StayRules) -> pd.DataFrame:
        return ref.aggregates(contacts_frame(rows), None, [DEFINITIONS[indicator]], rules, [])[
            indicator
        ]

    def days(rows: list[Row], years: list[int]) -> pd.DataFrame:
        return ref.days_rate(pd.DataFrame(rows, columns=list(READY_SCHEMA.names)), years)

    return Impl(stays, aggregate, days)


@pytest.fixture(scope="module", params=["engine", "reference"])
def impl(request: pytest.FixtureRequest) -> Impl:
    return _engine() if request.param == "engine" else _reference()


def result(
    impl: Impl, indicator: str, rows: list[Row], rules: StayRules = RULES
) -> list[tuple[object, ...]]:
    """(kommunekode, year, age_lower, sex, numerator[, denominator]) rows, sorted."""
    return ref.as_tuples(impl.aggregate(indicator, rows, rules))


def total(impl: Impl, indicator: str, rows: list[Row]) -> int:
    return int(impl.aggregate(indicator, rows, RULES)["numerator"].sum())


def stay_spans(impl: Impl, rows: list[Row]) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    s = impl.stays(rows, RULES)
    return sorted(zip(pd.to_datetime(s["start"]), pd.to_datetime(s["end"]), strict=True))


# -- sygehusophold: joining contacts into stays ---------------------------------------------------


@pytest.mark.parametrize(
    ("gap_minutes", "n_stays", "short", "preventable"),
    [
        # A 08:00-14:00 (6 h), B starts after the gap and lasts 6 h.
        # 3:59 -> one stay 08:00-23:59 = 15:59 h: a short stay (< 24 h) and an admission (>= 12 h).
        (3 * 60 + 59, 1, 1, 1),
        # 4:00 -> still one stay (gap <= 4 h), 08:00-24:00 = 16 h: the same.
        (4 * 60, 1, 1, 1),
        # 4:01 -> two stays of 6 h: two short stays, neither an admission (6 h < 12 h).
        (4 * 60 + 1, 2, 2, 0),
    ],
)
def test_contacts_join_when_the_gap_is_at_most_four_hours(
    impl: Impl, gap_minutes: int, n_stays: int, short: int, preventable: int
) -> None:
    a = contact("2014-03-03 08:00", hours=6)
    b = contact(after(a, minutes=gap_minutes), hours=6)
    assert len(stay_spans(impl, [a, b])) == n_stays
    assert total(impl, SHORT, [a, b]) == short
    assert total(impl, PREVENTABLE, [a, b]) == preventable


def test_overlapping_contacts_make_one_stay_from_earliest_start_to_latest_end(impl: Impl) -> None:
    # A 08:00-20:00 and B 10:00-22:00 overlap: one stay 08:00-22:00 (14 h).
    a = contact("2014-03-03 08:00", hours=12)
    b = contact("2014-03-03 10:00", hours=12)
    assert stay_spans(impl, [b, a]) == [
        (pd.Timestamp("2014-03-03 08:00"), pd.Timestamp("2014-03-03 22:00"))
    ]
    assert total(impl, SHORT, [a, b]) == 1
    assert total(impl, PREVENTABLE, [a, b]) == 1


def test_the_gap_is_measured_from_the_latest_end_so_far(impl: Impl) -> None:
    # A 3 Mar 08:00 - 4 Mar 08:00 holds B (3 Mar 10:00-12:00) entirely. C starts 4 Mar 11:00:
    # 3 h after A's end (join) though 23 h after B's end. One stay 3 Mar 08:00 - 4 Mar 12:00 =
    # 28 h: not a short stay, but an admission. Rows are given out of order on purpose.
    a = contact("2014-03-03 08:00", hours=24)
    b = contact("2014-03-03 10:00", hours=2)
    c = contact("2014-03-04 11:00", hours=1)
    assert stay_spans(impl, [c, b, a]) == [
        (pd.Timestamp("2014-03-03 08:00"), pd.Timestamp("2014-03-04 12:00"))
    ]
    assert total(impl, SHORT, [c, b, a]) == 0
    assert total(impl, PREVENTABLE, [c, b, a]) == 1


def test_contacts_of_different_persons_never_join(impl: Impl) -> None:
    a = contact("2014-03-03 08:00", hours=12)
    b = contact("2014-03-03 08:00", hours=12, person_id="p2")
    assert len(stay_spans(impl, [a, b])) == 2
    assert result(impl, PREVENTABLE, [a, b]) == [(101, 2014, 70, "F", 2)]


# -- a stay takes its attributes from its first contact ------------------------------------------


def test_a_planned_contact_followed_by_an_acute_transfer_is_a_planned_stay(impl: Impl) -> None:
    # Planned 08:00-10:00, acute transfer 11:00 for 20 h: one stay of 23 h that starts planned,
    # so neither an acute short stay nor an acute (preventable) admission.
    planned = contact("2014-03-03 08:00", hours=2, acute=False)
    transfer = contact("2014-03-03 11:00", hours=20, acute=True)
    assert total(impl, SHORT, [transfer, planned]) == 0
    assert total(impl, PREVENTABLE, [transfer, planned]) == 0


def test_an_acute_contact_followed_by_a_planned_one_is_an_acute_stay(impl: Impl) -> None:
    # The same two contacts the other way round: an acute stay of 23 h counts in both.
    acute = contact("2014-03-03 08:00", hours=2, acute=True)
    planned = contact("2014-03-03 11:00", hours=20, acute=False)
    assert total(impl, SHORT, [planned, acute]) == 1
    assert total(impl, PREVENTABLE, [planned, acute]) == 1


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        # DI21 (infarction, not preventable) then DE86: the stay's diagnosis is DI21 -> 0.
        ("DI21", "DE86", 0),
        # DE86 then DI21: DE86 -> 1.
        ("DE86", "DI21", 1),
    ],
)
def test_the_stay_diagnosis_is_the_first_contacts(
    impl: Impl, first: str, second: str, expected: int
) -> None:
    a = contact("2014-03-03 08:00", hours=8, primary_diagnosis=first)
    b = contact("2014-03-03 17:00", hours=8, primary_diagnosis=second)
    # One stay 08:00-01:00 (17 h >= 12 h).
    assert total(impl, PREVENTABLE, [b, a]) == expected


def test_the_stay_municipality_is_the_first_contacts(impl: Impl) -> None:
    # Moved from København (101) to Frederiksberg (147) during the stay: counted in 101.
    a = contact("2014-03-03 08:00", hours=8, kommunekode=101)
    b = contact("2014-03-03 17:00", hours=8, kommunekode=147)
    assert result(impl, PREVENTABLE, [b, a]) == [(101, 2014, 70, "F", 1)]


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [("psykiatri", "intern medicin", 0), ("intern medicin", "psykiatri", 1)],
)
def test_the_stay_specialty_is_the_first_contacts(
    impl: Impl, first: str, second: str, expected: int
) -> None:
    # A 10 h acute stay; only the first contact's specialty decides the psychiatric exclusion.
    a = contact("2014-03-03 08:00", hours=4, specialty=first)
    b = contact("2014-03-03 13:00", hours=5, specialty=second)
    assert total(impl, SHORT, [b, a]) == expected


def test_equal_starts_take_the_longest_contact_first(impl: Impl) -> None:
    # Both start 08:00. The 14 h acute DI21 contact is longer than the 2 h planned DE86 one, so
    # the stay (08:00-22:00) is acute with DI21: a short stay, but no preventable admission.
    short_planned = contact("2014-03-03 08:00", hours=2, acute=False)
    long_acute = contact("2014-03-03 08:00", hours=14, acute=True, primary_diagnosis="DI21")
    assert total(impl, SHORT, [short_planned, long_acute]) == 1
    assert total(impl, PREVENTABLE, [short_planned, long_acute]) == 0


def test_equal_starts_and_lengths_take_the_acute_contact_first(impl: Impl) -> None:
    planned = contact("2014-03-03 08:00", hours=14, acute=False)
    acute = contact("2014-03-03 08:00", hours=14, acute=True)
    assert total(impl, PREVENTABLE, [planned, acute]) == 1


def test_equal_starts_lengths_and_priority_take_the_lowest_diagnosis(impl: Impl) -> None:
    # DE86 < DI21: the stay is a dehydration admission.
    infarction = contact("2014-03-03 08:00", hours=14, primary_diagnosis="DI21")
    dehydration = contact("2014-03-03 08:00", hours=14, primary_diagnosis="DE86")
    assert total(impl, PREVENTABLE, [infarction, dehydration]) == 1


# -- admission (>= 12 h) and short stay (< 24 h) boundaries --------------------------------------


@pytest.mark.parametrize(("hours", "minutes", "expected"), [(11, 59, 0), (12, 0, 1), (12, 1, 1)])
def test_an_admission_lasts_at_least_twelve_hours(
    impl: Impl, hours: int, minutes: int, expected: int
) -> None:
    stay = contact("2014-03-03 08:00", hours=hours, minutes=minutes)
    assert total(impl, PREVENTABLE, [stay]) == expected


@pytest.mark.parametrize(("hours", "minutes", "expected"), [(23, 59, 1), (24, 0, 0), (0, 30, 1)])
def test_a_short_stay_lasts_less_than_24_hours(
    impl: Impl, hours: int, minutes: int, expected: int
) -> None:
    stay = contact("2014-03-03 08:00", hours=hours, minutes=minutes)
    assert total(impl, SHORT, [stay]) == expected


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"specialty": "psykiatri"}, 0),
        ({"specialty": "børne- og ungdomspsykiatri"}, 0),
        ({"specialty": "geriatri"}, 1),
        ({"acute": False}, 0),
        # Any diagnosis and any age: a 13-year-old (band 10-14) with a fracture counts.
        ({"birth_date": dt.date(2000, 7, 1), "primary_diagnosis": "DS52"}, 1),
    ],
)
def test_short_stays_are_acute_and_somatic(
    impl: Impl, overrides: dict[str, Any], expected: int
) -> None:
    stay = contact("2014-03-03 08:00", hours=5, **overrides)
    assert total(impl, SHORT, [stay]) == expected


def test_short_stays_of_all_ages_are_grouped_by_band_and_sex(impl: Impl) -> None:
    rows = [
        contact("2014-03-03 08:00", hours=5, person_id="child", birth_date=dt.date(2000, 7, 1)),
        contact("2014-03-03 08:00", hours=5, person_id="man", sex="M"),
        contact("2014-05-03 08:00", hours=5, person_id="man", sex="M"),
    ]
    # The child is 13 (band 10); the man 73 (band 70) twice.
    assert result(impl, SHORT, rows) == [(101, 2014, 10, "F", 1), (101, 2014, 70, "M", 2)]


# -- readmissions ----------------------------------------------------------------------------------


def index_stay(start: Stamp = "2014-03-01 08:00", **overrides: Any) -> Row:
    """A 24 h acute DE86 stay: an index admission (>= 12 h, 65+) unless overridden."""
    return contact(start, hours=24, **overrides)


@pytest.mark.parametrize(
    ("gap_hours", "gap_minutes", "readmitted"),
    [(720, 0, 1), (720, 1, 0), (4, 1, 1), (719, 59, 1)],
)
def test_a_readmission_starts_within_720_hours_of_the_index_discharge(
    impl: Impl, gap_hours: int, gap_minutes: int, readmitted: int
) -> None:
    # Index 1 Mar 08:00 - 2 Mar 08:00; the acute 12 h follow-up starts gap after that. Both are
    # index admissions (the follow-up too), discharged in 2014: denominator 2; the numerator is 1
    # when the follow-up starts > 0 and <= 720 h after the first discharge. (At 4:01 the stays
    # stay apart and the window applies.)
    first = index_stay()
    follow = contact(after(first, hours=gap_hours, minutes=gap_minutes), hours=12)
    assert result(impl, READMISSION, [first, follow]) == [(101, 2014, 70, "F", readmitted, 2)]


def test_a_readmission_can_itself_be_an_index_with_its_own_readmission(impl: Impl) -> None:
    # Stays 1-2 Mar, 12-13 Mar, 23-24 Mar: the 1st is readmitted by the 2nd, the 2nd by the 3rd,
    # the 3rd by none. 2 of 3.
    rows = [
        index_stay("2014-03-01 08:00"),
        index_stay("2014-03-12 08:00"),
        index_stay("2014-03-23 08:00"),
    ]
    assert result(impl, READMISSION, rows) == [(101, 2014, 70, "F", 2, 3)]


def test_a_readmission_next_year_counts_for_the_index_year(impl: Impl) -> None:
    # Index discharged 11 Dec 2014, readmitted 5 Jan 2015: 1 of 1 in 2014. The readmission is
    # itself an index in 2015 (0 of 1). Both 74 at the start (band 70).
    rows = [index_stay("2014-12-10 08:00"), index_stay("2015-01-05 08:00")]
    assert result(impl, READMISSION, rows) == [
        (101, 2014, 70, "F", 1, 1),
        (101, 2015, 70, "F", 0, 1),
    ]


def test_a_planned_follow_up_stay_is_no_readmission(impl: Impl) -> None:
    # The planned stay is an index itself (the index may be planned): 0 of 2.
    rows = [index_stay(), index_stay("2014-03-10 08:00", acute=False)]
    assert result(impl, READMISSION, rows) == [(101, 2014, 70, "F", 0, 2)]


def test_a_follow_up_stay_under_twelve_hours_is_no_readmission(impl: Impl) -> None:
    # The 6 h acute stay is neither a readmission nor an index: 0 of 1.
    rows = [index_stay(), contact("2014-03-10 08:00", hours=6)]
    assert result(impl, READMISSION, rows) == [(101, 2014, 70, "F", 0, 1)]


def test_any_acute_admission_in_the_window_counts_not_only_the_next_stay(impl: Impl) -> None:
    # Index 1-2 Mar; planned stay 7-8 Mar; acute stay 17-18 Mar (15 days after the index
    # discharge). The index is readmitted (by the acute stay), the planned stay too (9 days
    # later), the acute stay is not: 2 of 3.
    rows = [
        index_stay("2014-03-01 08:00"),
        index_stay("2014-03-07 08:00", acute=False),
        index_stay("2014-03-17 08:00"),
    ]
    assert result(impl, READMISSION, rows) == [(101, 2014, 70, "F", 2, 3)]


@pytest.mark.parametrize(
    ("diagnosis", "excluded"),
    [
        ("DF32", True),  # psychiatric
        ("DC50", True),  # cancer
        ("DD00", True),
        ("DD099", True),
        ("DD10", False),  # DD10 is past DD00-DD09
        ("DZ763", True),  # healthy companion
        ("DZ764", False),
        ("DO80", True),  # births DO80-DO84
        ("DO824", True),
        ("DO84", True),
        ("DO85", False),
        ("DO47", True),  # pregnancy DO4*
        ("DO40", True),
        ("DS72", False),  # injuries only exclude the follow-up stay
        ("DE86", False),
    ],
)
def test_index_exclusions_by_diagnosis(impl: Impl, diagnosis: str, excluded: bool) -> None:
    # Index 1-2 Mar with the diagnosis, acute DE86 admission 10-11 Mar (an index itself).
    # Excluded: only the second stay is an index, 0 of 1. Otherwise 1 of 2.
    rows = [index_stay(primary_diagnosis=diagnosis), index_stay("2014-03-10 08:00")]
    expected = (0, 1) if excluded else (1, 2)
    assert result(impl, READMISSION, rows) == [(101, 2014, 70, "F", *expected)]


def test_death_at_discharge_excludes_the_index(impl: Impl) -> None:
    # p1 dies at the end of the stay; p2 does not: 0 of 1 (p2's stay).
    rows = [index_stay(died=True), index_stay(person_id="p2")]
    assert result(impl, READMISSION, rows) == [(101, 2014, 70, "F", 0, 1)]


def test_death_on_the_last_contact_of_a_stay_excludes_the_index(impl: Impl) -> None:
    # A transfer: 08:00-20:00 alive, 21:00-09:00 died. One stay ending in death: no index.
    rows = [
        contact("2014-03-01 08:00", hours=12),
        contact("2014-03-01 21:00", hours=12, died=True),
        index_stay(person_id="p2"),
    ]
    assert result(impl, READMISSION, rows) == [(101, 2014, 70, "F", 0, 1)]


def test_hospice_excludes_the_index(impl: Impl) -> None:
    # Hospice index, then an acute admission 10 Mar (itself an index): 0 of 1.
    rows = [index_stay(specialty="hospice"), index_stay("2014-03-10 08:00")]
    assert result(impl, READMISSION, rows) == [(101, 2014, 70, "F", 0, 1)]


@pytest.mark.parametrize(
    ("overrides", "follow_is_index"),
    [
        # Injuries and poisonings are no readmission, but may be index stays: 0 of 2.
        ({"primary_diagnosis": "DS72"}, True),
        ({"primary_diagnosis": "DT14"}, True),
        ({"primary_diagnosis": "DX60"}, True),
        ({"primary_diagnosis": "DY10"}, True),
        # Excluded both as readmission and as index: 0 of 1.
        ({"primary_diagnosis": "DF32"}, False),
        ({"primary_diagnosis": "DC50"}, False),
        ({"specialty": "hospice"}, False),
    ],
)
def test_readmission_exclusions(
    impl: Impl, overrides: dict[str, Any], follow_is_index: bool
) -> None:
    rows = [index_stay(), index_stay("2014-03-10 08:00", **overrides)]
    expected = (0, 2) if follow_is_index else (0, 1)
    assert result(impl, READMISSION, rows) == [(101, 2014, 70, "F", *expected)]


def test_the_index_must_be_65_at_its_start(impl: Impl) -> None:
    # Born 10 Mar 1949: the stay starting 9 Mar 2014 (aged 64) is no index; the acute admission
    # from 20 Mar (aged 65, band 65) is an index without readmission: 0 of 1.
    born = dt.date(1949, 3, 10)
    rows = [
        index_stay("2014-03-09 08:00", birth_date=born),
        index_stay("2014-03-20 08:00", birth_date=born),
    ]
    assert result(impl, READMISSION, rows) == [(101, 2014, 65, "F", 0, 1)]


def test_the_merge_gap_comes_from_the_stay_rules(impl: Impl) -> None:
    # merge_gap_hours 1: a follow-up 1:01 after the discharge is a stay of its own and a
    # readmission (1 of 2); one starting 1:00 after joins the index stay (0 of 1).
    rules = StayRules(merge_gap_hours=1)
    first = index_stay()
    apart = contact(after(first, hours=1, minutes=1), hours=12)
    assert result(impl, READMISSION, [first, apart], rules) == [(101, 2014, 70, "F", 1, 2)]
    joined = contact(after(first, hours=1), hours=12)
    assert result(impl, READMISSION, [first, joined], rules) == [(101, 2014, 70, "F", 0, 1)]


# -- age -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "start", "expected"),
    [
        # 65th birthday on the start date: 65, band 65.
        (dt.date(1949, 3, 10), "2014-03-10 00:00", [(101, 2014, 65, "F", 1)]),
        # The evening before: 64, not counted (even though the stay runs past midnight).
        (dt.date(1949, 3, 10), "2014-03-09 23:00", []),
        # 70th birthday: band 70; the day before: band 65.
        (dt.date(1944, 3, 10), "2014-03-10 08:00", [(101, 2014, 70, "F", 1)]),
        (dt.date(1944, 3, 10), "2014-03-09 08:00", [(101, 2014, 65, "F", 1)]),
        # Born 29 February: in a year without one, the birthday is 1 March.
        (dt.date(1948, 2, 29), "2013-02-28 08:00", []),
        (dt.date(1948, 2, 29), "2013-03-01 08:00", [(101, 2013, 65, "F", 1)]),
        # 94 years old: the top band 85+.
        (dt.date(1920, 1, 1), "2014-03-09 08:00", [(101, 2014, 85, "F", 1)]),
    ],
)
def test_age_is_in_whole_years_at_the_stay_start(
    impl: Impl, born: dt.date, start: str, expected: list[tuple[object, ...]]
) -> None:
    stay = contact(start, hours=13, birth_date=born)
    assert result(impl, PREVENTABLE, [stay]) == expected


# -- diagnoses match by prefix ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("diagnosis", "expected"),
    [
        ("DJ189", 1),  # starts with DJ18
        ("DJ18", 1),
        ("DJ1", 0),  # shorter than every DJ1x code: no match
        ("DJ19", 0),
        ("DK5900", 1),  # starts with DK590
        ("DK590", 1),
        ("DK591", 0),
        ("DN390", 1),
        ("DN39", 0),
        ("DT142", 1),
        ("DT14", 0),
        ("DE869", 1),
        ("DI21", 0),
    ],
)
def test_diagnoses_match_the_code_lists_by_prefix(
    impl: Impl, diagnosis: str, expected: int
) -> None:
    stay = contact("2014-03-03 08:00", hours=13, primary_diagnosis=diagnosis)
    assert total(impl, PREVENTABLE, [stay]) == expected


# -- years -----------------------------------------------------------------------------------------


def test_a_stay_counts_in_the_year_it_starts(impl: Impl) -> None:
    # 31 Dec 2014 23:00 - 1 Jan 2015 12:00 (13 h): a 2014 stay (aged 74, band 70).
    stay = contact("2014-12-31 23:00", hours=13)
    assert result(impl, PREVENTABLE, [stay]) == [(101, 2014, 70, "F", 1)]
    assert result(impl, SHORT, [stay]) == [(101, 2014, 70, "F", 1)]


def test_an_index_admission_counts_in_the_year_of_discharge(impl: Impl) -> None:
    # 25 Dec 2014 - 2 Jan 2015: an index of 2015, with the age at its start (74, band 70).
    stay = contact("2014-12-25 08:00", hours=8 * 24)
    assert result(impl, READMISSION, [stay]) == [(101, 2015, 70, "F", 0, 1)]


# -- færdigbehandlingsdage -------------------------------------------------------------------------


def ready(ready_date: str, discharge_date: str, kommunekode: int = 101, person: str = "p1") -> Row:
    return {
        "person_id": person,
        "kommunekode": kommunekode,
        "ready_date": dt.date.fromisoformat(ready_date),
        "discharge_date": dt.date.fromisoformat(discharge_date),
    }


def test_days_ready_for_discharge_split_across_new_year(impl: Impl) -> None:
    # Ready 30 Dec, discharged 3 Jan: 30 and 31 Dec in 2013, 1 and 2 Jan in 2014 (the discharge
    # day is no bed day). No age or sex.
    rows = [ready("2013-12-30", "2014-01-03")]
    assert ref.as_tuples(impl.days(rows, [2013, 2014])) == [
        (101, 2013, None, None, 2),
        (101, 2014, None, None, 2),
    ]
    # Only the requested years are counted.
    assert ref.as_tuples(impl.days(rows, [2014])) == [(101, 2014, None, None, 2)]


def test_days_ready_and_discharged_the_same_day_are_none(impl: Impl) -> None:
    assert ref.as_tuples(impl.days([ready("2014-05-05", "2014-05-05")], [2014])) == []


def test_days_are_summed_per_municipality(impl: Impl) -> None:
    # 101: 3 + 10 days; 147: 1 day.
    rows = [
        ready("2014-02-01", "2014-02-04"),
        ready("2014-06-01", "2014-06-11", person="p2"),
        ready("2014-06-01", "2014-06-02", kommunekode=147, person="p3"),
    ]
    assert ref.as_tuples(impl.days(rows, [2014])) == [
        (101, 2014, None, None, 13),
        (147, 2014, None, None, 1),
    ]


# -- population denominators -----------------------------------------------------------------------

REGION_OF = {101: 1084, 147: 1084, 851: 1081}


def _population() -> pd.DataFrame:
    """2014: every 65+ cell (5 bands x 2 sexes) holds 200 in 101, 100 in 147, 50 in 851, so the
    65+ populations are 2,000, 1,000 and 500; the 60-64 cells (not 65+) hold 999."""
    rows = []
    for kommune, per_cell in ((101, 200), (147, 100), (851, 50)):
        for group in ("60-64", "65-69", "70-74", "75-79", "80-84", "85+"):
            for sex in ("M", "F"):
                count = 999 if group == "60-64" else per_cell
                rows.append(
                    {
                        "year": 2014,
                        "kommunekode": kommune,
                        "age_group": group,
                        "sex": sex,
                        "count": count,
                    }
                )
    return pd.DataFrame(rows)


def _standard() -> pd.DataFrame:
    pop = _population()
    return (
        pop.groupby(["age_group", "sex"], as_index=False)["count"]
        .sum()
        .rename(columns={"count": "standard_pop"})
    )


def _by_area(out: pd.DataFrame) -> dict[tuple[str, int], tuple[float, float, float]]:
    return {
        (r.level, int(r.area_code)): (float(r.numerator), float(r.denominator), float(r.value))
        for r in out.itertuples()
    }


def test_crude_rates_per_1000_citizens_65_plus_with_region_and_national_sums() -> None:
    agg = pd.DataFrame(
        [
            (101, 2014, 70, "F", 3),
            (101, 2014, 85, "M", 1),
            (147, 2014, 65, "F", 3),
            (851, 2014, 80, "M", 1),
        ],
        columns=["kommunekode", "year", "age_lower", "sex", "numerator"],
    )
    out = compute_results(
        DEFINITIONS[PREVENTABLE], agg, _population(), _standard(), REGION_OF, [2014]
    )
    got = _by_area(out)
    # 101: 4 / 2,000 x 1,000 = 2.0; 147: 3 / 1,000 x 1,000 = 3.0; 851: 1 / 500 x 1,000 = 2.0.
    # Region Hovedstaden (101 + 147): 7 / 3,000 x 1,000 = 2.333...; Nordjylland (851) 2.0;
    # Denmark: 8 / 3,500 x 1,000 = 2.2857...
    expected = {
        ("kommune", 101): (4, 2000, 2.0),
        ("kommune", 147): (3, 1000, 3.0),
        ("kommune", 851): (1, 500, 2.0),
        ("region", 1084): (7, 3000, 7 / 3),
        ("region", 1081): (1, 500, 2.0),
        ("land", 0): (8, 3500, 8 / 3.5),
    }
    assert got.keys() == expected.keys()
    for area, (x, n, value) in expected.items():
        assert got[area] == pytest.approx((x, n, value)), area


def test_readmission_proportions_sum_index_stays_over_areas() -> None:
    agg = pd.DataFrame(
        [
            (101, 2014, 70, "F", 1, 3),
            (101, 2014, 85, "M", 0, 1),
            (147, 2014, 65, "F", 0, 2),
            (851, 2014, 75, "M", 2, 5),
        ],
        columns=["kommunekode", "year", "age_lower", "sex", "numerator", "denominator"],
    )
    out = compute_results(
        DEFINITIONS[READMISSION], agg, _population(), _standard(), REGION_OF, [2014]
    )
    got = _by_area(out)
    # 101: 1 / 4 = 25 %; 147: 0 / 2; 851: 2 / 5 = 40 %; Hovedstaden 1 / 6; Denmark 3 / 11.
    expected = {
        ("kommune", 101): (1, 4, 25.0),
        ("kommune", 147): (0, 2, 0.0),
        ("kommune", 851): (2, 5, 40.0),
        ("region", 1084): (1, 6, 100 / 6),
        ("region", 1081): (2, 5, 40.0),
        ("land", 0): (3, 11, 300 / 11),
    }
    assert got.keys() == expected.keys()
    for area, (x, n, value) in expected.items():
        assert got[area] == pytest.approx((x, n, value)), area


def test_days_per_1000_citizens_of_all_ages() -> None:
    # Days count against the whole population: here 101 has 12 cells (2 x 999 + 10 x 200 = 3,998).
    agg = pd.DataFrame(
        {
            "kommunekode": [101],
            "year": [2014],
            "age_lower": [None],
            "sex": [None],
            "numerator": [40],
        }
    )
    out = compute_results(DEFINITIONS[DAYS], agg, _population(), _standard(), REGION_OF, [2014])
    got = _by_area(out)
    assert got[("kommune", 101)] == pytest.approx((40, 3998, 40 / 3998 * 1000))
    # Denmark: 40 days over 3,998 + (1,998 + 1,000) + (1,998 + 500) = 9,494 citizens.
    assert got[("land", 0)] == pytest.approx((40, 9494, 40 / 9494 * 1000))
