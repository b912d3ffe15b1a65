"""Hand-computed cases for every rule of the indicator definitions.

Each case is a handful of contacts built in code with the expected numbers worked out in a
comment. Every case runs through the engine — all cases in one batch, the way ``compute`` runs
it (``build_stays`` → ``stay_aggregates`` → ``narrow``), because one engine query costs far more
than the rows in it — and, case by case, through the independent pandas implementation in
``reference_impl``, so that the hand calculation checks both.

Defaults of a contact: person p1 living in København (101), a woman born 15 June 1940 (so 73
in spring 2014: band 70-74), acute, primary diagnosis DE86 (dehydration, a preventable-admission
group), specialty "intern medicin", hospital A, alive at discharge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import ibis
import pandas as pd
import pytest

from naersund.engine import cohort
from naersund.engine import expressions as ex
from naersund.engine.inputs import choose_time_unit
from naersund.engine.results import compute_results
from naersund.engine.stays import TimeUnit, build_stays
from naersund.indicators import IndicatorDefinition, StayRules, load_definitions, load_stay_rules
from naersund.registry.schema import ibis_schema

try:
    from tests import reference_impl as ref
except ImportError:  # pytest's rootdir-less import mode puts tests/ itself on sys.path
    import reference_impl as ref  # type: ignore[no-redef]

SHORT = "akutte_korttidsindlaeggelser"
PREVENTABLE = "forebyggelige_indlaeggelser_65"
READMISSION = "genindlaeggelser_30d_65"
DAYS = "faerdigbehandlingsdage"
KOL = "akutte_indlaeggelser_kol"
T2D = "akutte_indlaeggelser_type2_diabetes"

DEFINITIONS: dict[str, IndicatorDefinition] = {d.id: d for d in load_definitions()}
STAY_DEFINITIONS = [d for d in DEFINITIONS.values() if d.kind not in ("days_rate", "disease_rate")]
DISEASE_DEFINITIONS = [d for d in DEFINITIONS.values() if d.kind == "disease_rate"]
# The years every case's disease rates are counted for (1 January 2014 and 2015).
DISEASE_YEARS = [2014, 2015]
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
CONTACT_SCHEMA = ibis_schema("contacts")
READY_SCHEMA = ibis_schema("ready_for_discharge")

Row = dict[str, Any]
Stamp = str | pd.Timestamp
Aggregate = list[tuple[object, ...]]
# Per indicator: the aggregate rows (kommunekode, year, age_lower, sex, numerator
# [, denominator]), or just the total numerator.
Expected = Aggregate | int


def contact(start: Stamp, hours: float = 0, minutes: float = 0, **overrides: Any) -> Row:
    """A contact starting at ``start`` and lasting ``hours`` h ``minutes`` min."""
    begin = pd.Timestamp(start)
    end = begin + pd.Timedelta(hours=hours, minutes=minutes)
    return {**DEFAULTS, "start": begin, "end": end, **overrides}


def after(previous: Row, hours: float = 0, minutes: float = 0) -> pd.Timestamp:
    """The moment ``hours`` h ``minutes`` min after a contact's end."""
    return pd.Timestamp(previous["end"]) + pd.Timedelta(hours=hours, minutes=minutes)


def index_stay(start: Stamp = "2014-03-01 08:00", **overrides: Any) -> Row:
    """A 24 h acute DE86 stay: an index admission (>= 12 h, 65+) unless overridden."""
    return contact(start, hours=24, **overrides)


def ready(ready_date: str, discharge_date: str, kommunekode: int = 101, person: str = "p1") -> Row:
    return {
        "person_id": person,
        "kommunekode": kommunekode,
        "ready_date": dt.date.fromisoformat(ready_date),
        "discharge_date": dt.date.fromisoformat(discharge_date),
    }


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


@dataclass(frozen=True)
class Case:
    rows: list[Row]
    expected: dict[str, Expected]
    rules: StayRules = RULES
    spans: list[tuple[pd.Timestamp, pd.Timestamp]] | None = None  # the stays, if checked
    xfail: str | None = None  # an engine bug this case documents


@dataclass(frozen=True)
class DaysCase:
    rows: list[Row]
    years: list[int]
    expected: Aggregate = field(default_factory=list)


CASES: dict[str, Case] = {}
DAYS_CASES: dict[str, DaysCase] = {}


def add(name: str, rows: list[Row], expected: dict[str, Expected], **options: Any) -> None:
    assert name not in CASES, name
    CASES[name] = Case(rows, expected, **options)


# -- sygehusophold: joining contacts into stays ---------------------------------------------------

for gap, n_stays, short, preventable in [
    # A 08:00-14:00 (6 h), B starts after the gap and lasts 6 h.
    # 3:59 -> one stay 08:00-23:59 = 15:59 h: a short stay (< 24 h) and an admission (>= 12 h).
    (3 * 60 + 59, 1, 1, 1),
    # 4:00 -> still one stay (gap <= 4 h), 08:00-24:00 = 16 h: the same.
    (4 * 60, 1, 1, 1),
    # 4:01 -> two stays of 6 h: two short stays, neither an admission (6 h < 12 h).
    (4 * 60 + 1, 2, 2, 0),
]:
    a = contact("2014-03-03 08:00", hours=6)
    b = contact(after(a, minutes=gap), hours=6)
    starts = [a["start"], b["start"]][:n_stays]
    ends = [b["end"]] if n_stays == 1 else [a["end"], b["end"]]
    add(
        f"contacts {gap // 60}:{gap % 60:02d} apart {'join' if n_stays == 1 else 'stay apart'}",
        [a, b],
        {SHORT: short, PREVENTABLE: preventable},
        spans=list(zip(starts, ends, strict=True)),
    )

# A 08:00-20:00 and B 10:00-22:00 overlap: one stay 08:00-22:00 (14 h), a short stay and an
# admission.
add(
    "overlapping contacts make one stay from the earliest start to the latest end",
    [contact("2014-03-03 10:00", hours=12), contact("2014-03-03 08:00", hours=12)],
    {SHORT: 1, PREVENTABLE: 1},
    spans=[(ts("2014-03-03 08:00"), ts("2014-03-03 22:00"))],
)

# A 3 Mar 08:00 - 4 Mar 08:00 holds B (3 Mar 10:00-12:00) entirely. C starts 4 Mar 11:00: 3 h
# after A's end (join) though 23 h after B's end. One stay 3 Mar 08:00 - 4 Mar 12:00 = 28 h: not
# a short stay, but an admission. Rows out of order on purpose.
add(
    "the gap is measured from the latest end so far",
    [
        contact("2014-03-04 11:00", hours=1),
        contact("2014-03-03 10:00", hours=2),
        contact("2014-03-03 08:00", hours=24),
    ],
    {SHORT: 0, PREVENTABLE: 1},
    spans=[(ts("2014-03-03 08:00"), ts("2014-03-04 12:00"))],
)

# Two persons at the same time: two stays, two admissions.
add(
    "contacts of different persons never join",
    [contact("2014-03-03 08:00", hours=12), contact("2014-03-03 08:00", hours=12, person_id="p2")],
    {PREVENTABLE: [(101, 2014, 70, "F", 2)]},
    spans=[(ts("2014-03-03 08:00"), ts("2014-03-03 20:00"))] * 2,
)

# -- a stay takes its attributes from its first contact ------------------------------------------

# Planned 08:00-10:00, acute transfer 11:00 for 20 h: one stay of 23 h that starts planned, so
# neither an acute short stay nor an acute (preventable) admission.
add(
    "a planned contact followed by an acute transfer is a planned stay",
    [contact("2014-03-03 11:00", hours=20), contact("2014-03-03 08:00", hours=2, acute=False)],
    {SHORT: 0, PREVENTABLE: 0},
)
# The other way round: an acute stay of 23 h counts in both.
add(
    "an acute contact followed by a planned one is an acute stay",
    [contact("2014-03-03 11:00", hours=20, acute=False), contact("2014-03-03 08:00", hours=2)],
    {SHORT: 1, PREVENTABLE: 1},
)
# One stay 08:00-01:00 (17 h): DI21 (infarction, not preventable) first -> 0; DE86 first -> 1.
for first, second, expected in [("DI21", "DE86", 0), ("DE86", "DI21", 1)]:
    add(
        f"the stay diagnosis is the first contact's ({first} before {second})",
        [
            contact("2014-03-03 17:00", hours=8, primary_diagnosis=second),
            contact("2014-03-03 08:00", hours=8, primary_diagnosis=first),
        ],
        {PREVENTABLE: expected},
    )
# Moved from København (101) to Frederiksberg (147) during the stay: counted in 101.
add(
    "the stay municipality is the first contact's",
    [
        contact("2014-03-03 17:00", hours=8, kommunekode=147),
        contact("2014-03-03 08:00", hours=8, kommunekode=101),
    ],
    {PREVENTABLE: [(101, 2014, 70, "F", 1)]},
)
# A 10 h acute stay: only the first contact's specialty decides the psychiatric exclusion.
for first, second, expected in [
    ("psykiatri", "intern medicin", 0),
    ("intern medicin", "psykiatri", 1),
]:
    add(
        f"the stay specialty is the first contact's ({first} before {second})",
        [
            contact("2014-03-03 13:00", hours=5, specialty=second),
            contact("2014-03-03 08:00", hours=4, specialty=first),
        ],
        {SHORT: expected},
    )
# Both start 08:00. The 14 h acute DI21 contact is longer than the 2 h planned DE86 one, so the
# stay (08:00-22:00) is acute with DI21: a short stay, but no preventable admission.
add(
    "equal starts take the longest contact first",
    [
        contact("2014-03-03 08:00", hours=2, acute=False),
        contact("2014-03-03 08:00", hours=14, primary_diagnosis="DI21"),
    ],
    {SHORT: 1, PREVENTABLE: 0},
)
# Equal starts and lengths: the acute one first, so an acute admission.
add(
    "equal starts and lengths take the acute contact first",
    [contact("2014-03-03 08:00", hours=14, acute=False), contact("2014-03-03 08:00", hours=14)],
    {PREVENTABLE: 1},
)
# Equal starts, lengths and priority: DE86 < DI21, a dehydration admission, whichever row comes
# first (the engine's first sort does not order such contacts; the stay's attributes must not
# depend on where they land).
for order in ("DI21 row first", "DE86 row first"):
    pair = [
        contact("2014-03-03 08:00", hours=14, primary_diagnosis="DI21"),
        contact("2014-03-03 08:00", hours=14, primary_diagnosis="DE86"),
    ]
    add(
        f"equal starts, lengths and priority take the lowest diagnosis ({order})",
        pair if order.startswith("DI21") else pair[::-1],
        {PREVENTABLE: 1},
    )
# Three contacts with one start and length, and a later one in the same stay: still the lowest.
for first in ("DI21", "DE86", "DI63"):
    rest = [x for x in ("DI21", "DE86", "DI63") if x != first]
    add(
        f"three tied contacts take the lowest diagnosis ({first} row first)",
        [
            contact("2014-03-03 08:00", hours=14, primary_diagnosis=first),
            *(contact("2014-03-03 08:00", hours=14, primary_diagnosis=x) for x in rest),
            contact("2014-03-03 21:00", hours=3, primary_diagnosis="DI21"),
        ],
        {PREVENTABLE: 1},
    )

# -- admission (>= 12 h) and short stay (< 24 h) boundaries --------------------------------------

for hours, minutes, expected in [(11, 59, 0), (12, 0, 1), (12, 1, 1)]:
    add(
        f"an acute stay of {hours}:{minutes:02d} h is {'an' if expected else 'no'} admission",
        [contact("2014-03-03 08:00", hours=hours, minutes=minutes)],
        {PREVENTABLE: expected},
    )
for hours, minutes, expected in [(23, 59, 1), (24, 0, 0), (0, 30, 1)]:
    add(
        f"an acute stay of {hours}:{minutes:02d} h is {'a' if expected else 'no'} short stay",
        [contact("2014-03-03 08:00", hours=hours, minutes=minutes)],
        {SHORT: expected},
    )
for label, overrides, expected in [
    ("psychiatry", {"specialty": "psykiatri"}, 0),
    ("child psychiatry", {"specialty": "børne- og ungdomspsykiatri"}, 0),
    ("geriatrics", {"specialty": "geriatri"}, 1),
    # Medical specialties only (version 2): surgery is not, the emergency departments'
    # akutmedicin is (a documented choice), and a contact without a specialty is not medical.
    ("surgery", {"specialty": "kirurgi"}, 0),
    ("orthopaedics", {"specialty": "ortopædkirurgi"}, 0),
    ("akutmedicin", {"specialty": "akutmedicin"}, 1),
    ("cardiology written in capitals", {"specialty": "Kardiologi"}, 1),
    ("no specialty", {"specialty": None}, 0),
    ("a planned stay", {"acute": False}, 0),
    # Any diagnosis and any age: a 13-year-old with a fracture counts.
    ("a child's fracture", {"birth_date": dt.date(2000, 7, 1), "primary_diagnosis": "DS52"}, 1),
]:
    add(
        f"a 5 h stay in {label} is {'a' if expected else 'no'} short stay",
        [contact("2014-03-03 08:00", hours=5, **overrides)],
        {SHORT: expected},
    )
# The child is 13 (band 10); the man 73 (band 70) twice.
add(
    "short stays of all ages are grouped by band and sex",
    [
        contact("2014-03-03 08:00", hours=5, person_id="child", birth_date=dt.date(2000, 7, 1)),
        contact("2014-03-03 08:00", hours=5, person_id="man", sex="M"),
        contact("2014-05-03 08:00", hours=5, person_id="man", sex="M"),
    ],
    {SHORT: [(101, 2014, 10, "F", 1), (101, 2014, 70, "M", 2)]},
)

# -- readmissions ----------------------------------------------------------------------------------

# Index 1 Mar 08:00 - 2 Mar 08:00; the acute 12 h follow-up starts the gap after that. Both are
# index admissions (the follow-up too), discharged in 2014: denominator 2; the numerator is 1
# when the follow-up starts > 0 and <= 720 h after the first discharge. (At 4:01 the stays stay
# apart and the window applies.)
for gap_hours, gap_minutes, readmitted in [(720, 0, 1), (720, 1, 0), (719, 59, 1), (4, 1, 1)]:
    first = index_stay()
    add(
        f"an acute admission {gap_hours}:{gap_minutes:02d} h after discharge is "
        f"{'a' if readmitted else 'no'} readmission",
        [first, contact(after(first, hours=gap_hours, minutes=gap_minutes), hours=12)],
        {READMISSION: [(101, 2014, 70, "F", readmitted, 2)]},
    )
# Stays 1-2 Mar, 12-13 Mar, 23-24 Mar: the 1st is readmitted by the 2nd, the 2nd by the 3rd, the
# 3rd by none: 2 of 3.
add(
    "a readmission can itself be an index with its own readmission",
    [
        index_stay("2014-03-01 08:00"),
        index_stay("2014-03-12 08:00"),
        index_stay("2014-03-23 08:00"),
    ],
    {READMISSION: [(101, 2014, 70, "F", 2, 3)]},
)
# Index discharged 11 Dec 2014, readmitted 5 Jan 2015: 1 of 1 in 2014. The readmission is itself
# an index in 2015 (0 of 1). Both 74 at the start (band 70).
add(
    "a readmission next year counts for the index year",
    [index_stay("2014-12-10 08:00"), index_stay("2015-01-05 08:00")],
    {READMISSION: [(101, 2014, 70, "F", 1, 1), (101, 2015, 70, "F", 0, 1)]},
)
# The planned stay is an index itself (the index may be planned), but no readmission: 0 of 2.
add(
    "a planned follow-up stay is no readmission",
    [index_stay(), index_stay("2014-03-10 08:00", acute=False)],
    {READMISSION: [(101, 2014, 70, "F", 0, 2)]},
)
# The 6 h acute stay is neither a readmission nor an index: 0 of 1.
add(
    "a follow-up stay under twelve hours is no readmission",
    [index_stay(), contact("2014-03-10 08:00", hours=6)],
    {READMISSION: [(101, 2014, 70, "F", 0, 1)]},
)
# Index 1-2 Mar; planned stay 7-8 Mar; acute stay 17-18 Mar (15 days after the index discharge).
# The index is readmitted (by the acute stay), the planned stay too (9 days later), the acute
# stay is not: 2 of 3.
add(
    "any acute admission in the window counts, not only the next stay",
    [
        index_stay("2014-03-01 08:00"),
        index_stay("2014-03-07 08:00", acute=False),
        index_stay("2014-03-17 08:00"),
    ],
    {READMISSION: [(101, 2014, 70, "F", 2, 3)]},
)
# Index 1-2 Mar with the diagnosis, acute DE86 admission 10-11 Mar (an index itself). Excluded:
# only the second stay is an index, 0 of 1. Otherwise 1 of 2.
for diagnosis, excluded in [
    ("DF32", True),  # psychiatric
    ("DC50", True),  # cancer
    ("DD00", True),
    ("DD099", True),
    ("DD10", False),  # DD10 is past DD00-DD09
    ("DZ763", True),  # healthy companion
    ("DZ764", False),
    ("DO80", False),  # births DO80-DO84 no longer exclude an index (version 2)
    ("DO824", False),
    ("DO84", False),
    ("DO85", False),
    ("DO47", True),  # pregnancy DO4*
    ("DO40", True),
    ("DS72", False),  # injuries only exclude the follow-up stay
    ("DE86", False),
]:
    add(
        f"an index with {diagnosis} is {'excluded' if excluded else 'kept'}",
        [index_stay(primary_diagnosis=diagnosis), index_stay("2014-03-10 08:00")],
        {READMISSION: [(101, 2014, 70, "F", *((0, 1) if excluded else (1, 2)))]},
    )
# -- which contact of a stay an exclusion tests (the national criteria per contact) ---------------
# Index stays below are two contacts, A 1 Mar 08:00-20:00 and B 21:00 - 2 Mar 09:00 (one stay of
# 25 h, discharged 2 Mar), followed by an acute DE86 admission 10-11 Mar that is itself an index
# without a readmission. Kept: 1 of 2. Excluded: 0 of 1.


def two_contact_index(a: dict[str, Any], b: dict[str, Any], person: str = "p1") -> list[Row]:
    return [
        contact("2014-03-01 08:00", hours=12, person_id=person, **a),
        contact("2014-03-01 21:00", hours=12, person_id=person, **b),
    ]


for label, a, b, excluded in [
    # any contact: cancer, the healthy companion, DD00-DD09 or hospice on either contact.
    ("cancer on the second contact (any)", {}, {"primary_diagnosis": "DC50"}, True),
    ("cancer on the first contact (any)", {"primary_diagnosis": "DC50"}, {}, True),
    ("DZ763 on the second contact (any)", {}, {"primary_diagnosis": "DZ763"}, True),
    ("DD05 on the second contact (any)", {}, {"primary_diagnosis": "DD05"}, True),
    ("hospice on the second contact (any)", {}, {"specialty": "hospice"}, True),
    # last contact: psychiatric and pregnancy diagnoses exclude only on the discharging contact.
    ("DF32 on the last contact", {}, {"primary_diagnosis": "DF32"}, True),
    ("DF32 on the first contact only", {"primary_diagnosis": "DF32"}, {}, False),
    ("DO47 on the last contact", {}, {"primary_diagnosis": "DO47"}, True),
    ("DO47 on the first contact only", {"primary_diagnosis": "DO47"}, {}, False),
    # births on any contact no longer exclude an index.
    ("DO80 on the last contact", {}, {"primary_diagnosis": "DO80"}, False),
    # death: only the last contact's flag counts (a first contact marked died does not exclude).
    ("death on the first contact only", {"died": True}, {}, False),
    ("death on the last contact", {}, {"died": True}, True),
]:
    add(
        f"an index with {label} is {'excluded' if excluded else 'kept'}",
        [*two_contact_index(a, b), index_stay("2014-03-10 08:00")],
        {READMISSION: [(101, 2014, 70, "F", *((0, 1) if excluded else (1, 2)))]},
    )
# A nested contact that ends before the stay does is not the last contact, even when it ends
# in death: A 08:00 - 2 Mar 08:00, B (inside A) 10:00-12:00 died, one stay discharged alive. An
# index (1 of 2 with the 10 Mar admission).
add(
    "death on a nested contact that ends before the stay does not exclude the index",
    [
        contact("2014-03-01 08:00", hours=24),
        contact("2014-03-01 10:00", hours=2, died=True, primary_diagnosis="DF32"),
        index_stay("2014-03-10 08:00"),
    ],
    {READMISSION: [(101, 2014, 70, "F", 1, 2)]},
)
# The last contact is the latest end; on equal ends the latest start: A 08:00-20:00 and B
# 10:00-20:00 end together, so B is last. DF32 on B excludes; DF32 on A does not.
for a_dx, b_dx, excluded in [("DE86", "DF32", True), ("DF32", "DE86", False)]:
    add(
        f"equal ends take the latest start as the last contact ({a_dx} then {b_dx})",
        [
            contact("2014-03-01 08:00", hours=12, primary_diagnosis=a_dx),
            contact("2014-03-01 10:00", hours=10, primary_diagnosis=b_dx),
            index_stay("2014-03-10 08:00"),
        ],
        {READMISSION: [(101, 2014, 70, "F", *((0, 1) if excluded else (1, 2)))]},
    )
# Equal ends and starts: the lowest diagnosis code is the last contact, in either row order.
# DE86 < DF32, so DE86 is last and the index is kept (the first contact is DE86 too).
for order in ("DF32 row first", "DE86 row first"):
    pair = [
        contact("2014-03-01 08:00", hours=13, primary_diagnosis="DF32", acute=False),
        contact("2014-03-01 08:00", hours=13, primary_diagnosis="DE86"),
    ]
    add(
        f"equal ends and starts take the lowest diagnosis as the last contact ({order})",
        [*(pair if order.startswith("DF32") else pair[::-1]), index_stay("2014-03-10 08:00")],
        {READMISSION: [(101, 2014, 70, "F", 1, 2)]},
    )
# Equal starts: the longest contact ends last. A 08:00-20:00 (DE86) and B 08:00-10:00 (DF32):
# A is the last contact, the index is kept (1 of 2 with the 10 Mar admission).
add(
    "equal starts take the longest as the last contact",
    [
        contact("2014-03-01 08:00", hours=12),
        contact("2014-03-01 08:00", hours=2, primary_diagnosis="DF32"),
        index_stay("2014-03-10 08:00"),
    ],
    {READMISSION: [(101, 2014, 70, "F", 1, 2)]},
)
# The contact that starts last need not end last: A 1 Mar 08:00-20:00, B 21:00 - 2 Mar 09:00
# (ends last), C 2 Mar 01:00-03:00 inside B with DF32 and died. B discharges: the index is
# kept (1 of 2). With C ending at 09:00 too, C (the later start) discharges: excluded (0 of 1).
for c_hours, excluded in [(2, False), (8, True)]:
    add(
        f"a contact that starts last and ends {'with' if excluded else 'before'} the stay "
        f"is {'' if excluded else 'not '}the last contact",
        [
            contact("2014-03-01 08:00", hours=12),
            contact("2014-03-01 21:00", hours=12),
            contact("2014-03-02 01:00", hours=c_hours, primary_diagnosis="DF32", died=True),
            index_stay("2014-03-10 08:00"),
        ],
        {READMISSION: [(101, 2014, 70, "F", *((0, 1) if excluded else (1, 2)))]},
    )
# Readmissions: the index 1-2 Mar (DE86), then a two-contact acute stay from 10 Mar: C 08:00-20:00
# and D 21:00 - 11 Mar 09:00 (one stay of 25 h, itself an index unless excluded as one).
for label, c_over, d_over, readmitted, second_is_index in [
    # any contact: cancer, DD00-DD09, births DO80-DO82 and DO84, hospice.
    ("cancer on the second contact (any)", {}, {"primary_diagnosis": "DC50"}, False, False),
    ("DO80 on the second contact (any)", {}, {"primary_diagnosis": "DO80"}, False, True),
    ("DO84 on the first contact (any)", {"primary_diagnosis": "DO84"}, {}, False, True),
    ("DO83 on the first contact", {"primary_diagnosis": "DO83"}, {}, True, True),
    ("hospice on the second contact (any)", {}, {"specialty": "hospice"}, False, False),
    # first or last contact: psychiatric diagnoses.
    ("DF32 on the first contact", {"primary_diagnosis": "DF32"}, {}, False, True),
    ("DF32 on the last contact", {}, {"primary_diagnosis": "DF32"}, False, False),
    # first contact only: injuries, the listed poisonings and complications, DX and DY.
    ("DS72 on the first contact", {"primary_diagnosis": "DS72"}, {}, False, True),
    ("DS72 on the second contact only", {}, {"primary_diagnosis": "DS72"}, True, True),
    ("DT14 on the first contact", {"primary_diagnosis": "DT14"}, {}, False, True),
    ("DT30 on the first contact", {"primary_diagnosis": "DT30"}, {}, False, True),
    ("DT35 on the first contact", {"primary_diagnosis": "DT35"}, {}, False, True),
    ("DT36 (drug poisoning) on the first contact", {"primary_diagnosis": "DT36"}, {}, True, True),
    ("DT50 on the first contact", {"primary_diagnosis": "DT50"}, {}, True, True),
    ("DT51 on the first contact", {"primary_diagnosis": "DT51"}, {}, False, True),
    (
        "DT81 (complication of care) on the first contact",
        {"primary_diagnosis": "DT81"},
        {},
        True,
        True,
    ),
    ("DT90 on the first contact", {"primary_diagnosis": "DT90"}, {}, False, True),
    ("DX60 on the first contact", {"primary_diagnosis": "DX60"}, {}, False, True),
    ("DY10 on the first contact", {"primary_diagnosis": "DY10"}, {}, False, True),
    ("DO47 on the first contact", {"primary_diagnosis": "DO47"}, {}, True, True),
    # the first contact must be acute: a planned start makes a planned stay.
    ("a planned first contact", {"acute": False}, {}, False, True),
]:
    follow = [
        contact("2014-03-10 08:00", hours=12, **c_over),
        contact("2014-03-10 21:00", hours=12, **d_over),
    ]
    # Index 1: readmitted or not; index 2 (the follow-up stay) is an index when kept as one.
    numerator = 1 if readmitted else 0
    denominator = 2 if second_is_index else 1
    add(
        f"a follow-up stay with {label} is {'a' if readmitted else 'no'} readmission",
        [index_stay(), *follow],
        {READMISSION: [(101, 2014, 70, "F", numerator, denominator)]},
    )

# p1 dies at the end of the stay; p2 does not: 0 of 1 (p2's stay).
add(
    "death at discharge excludes the index",
    [index_stay(died=True), index_stay(person_id="p2")],
    {READMISSION: [(101, 2014, 70, "F", 0, 1)]},
)
# A transfer: 08:00-20:00 alive, 21:00-09:00 died. One stay ending in death: no index.
add(
    "death on the last contact of a stay excludes the index",
    [
        contact("2014-03-01 08:00", hours=12),
        contact("2014-03-01 21:00", hours=12, died=True),
        index_stay(person_id="p2"),
    ],
    {READMISSION: [(101, 2014, 70, "F", 0, 1)]},
)
# Hospice index, then an acute admission 10 Mar (itself an index): 0 of 1.
add(
    "hospice excludes the index",
    [index_stay(specialty="hospice"), index_stay("2014-03-10 08:00")],
    {READMISSION: [(101, 2014, 70, "F", 0, 1)]},
)
for label, overrides, follow_is_index in [
    # Injuries and poisonings are no readmission, but may be index stays: 0 of 2.
    ("DS72", {"primary_diagnosis": "DS72"}, True),
    ("DT14", {"primary_diagnosis": "DT14"}, True),
    ("DX60", {"primary_diagnosis": "DX60"}, True),
    ("DY10", {"primary_diagnosis": "DY10"}, True),
    # Excluded both as readmission and as index: 0 of 1.
    ("DF32", {"primary_diagnosis": "DF32"}, False),
    ("DC50", {"primary_diagnosis": "DC50"}, False),
    ("hospice", {"specialty": "hospice"}, False),
]:
    add(
        f"a follow-up stay with {label} is no readmission",
        [index_stay(), index_stay("2014-03-10 08:00", **overrides)],
        {READMISSION: [(101, 2014, 70, "F", 0, 2 if follow_is_index else 1)]},
    )
# The optional columns may be empty (e.g. a CSV without them): two index admissions, the first
# readmitted by the second, 1 of 2. A short stay without a specialty is not a medical one.
add(
    "an unknown specialty or death flag excludes nothing from readmissions",
    [
        index_stay(specialty=None, died=None),
        index_stay("2014-03-10 08:00", specialty=None, died=None),
        contact("2014-05-03 08:00", hours=5, specialty=None, died=None),
    ],
    {READMISSION: [(101, 2014, 70, "F", 1, 2)], SHORT: []},
)
# The specialty is the first contact's: surgery 08:00-12:00 then internal medicine 13:00-18:00
# is one 10 h stay that starts surgical (no medical short stay); the other way round, it is one.
for first, second, expected in [("kirurgi", "intern medicin", 0), ("intern medicin", "kirurgi", 1)]:
    add(
        f"a short stay is medical by its first contact ({first} before {second})",
        [
            contact("2014-03-03 13:00", hours=5, specialty=second),
            contact("2014-03-03 08:00", hours=4, specialty=first),
        ],
        {SHORT: expected},
    )
# Born 10 Mar 1949: the stay starting 9 Mar 2014 (aged 64) is no index; the acute admission from
# 20 Mar (aged 65, band 65) is an index without readmission: 0 of 1.
add(
    "the index must be 65 at its start",
    [
        index_stay("2014-03-09 08:00", birth_date=dt.date(1949, 3, 10)),
        index_stay("2014-03-20 08:00", birth_date=dt.date(1949, 3, 10)),
    ],
    {READMISSION: [(101, 2014, 65, "F", 0, 1)]},
)
# merge_gap_hours 1: a follow-up 1:01 after the discharge is a stay of its own and a
# readmission (1 of 2); one starting 1:00 after joins the index stay (0 of 1).
first = index_stay()
add(
    "the merge gap comes from the stay rules (apart)",
    [first, contact(after(first, hours=1, minutes=1), hours=12)],
    {READMISSION: [(101, 2014, 70, "F", 1, 2)]},
    rules=StayRules(merge_gap_hours=1),
)
add(
    "the merge gap comes from the stay rules (joined)",
    [first, contact(after(first, hours=1), hours=12)],
    {READMISSION: [(101, 2014, 70, "F", 0, 1)]},
    rules=StayRules(merge_gap_hours=1),
)

# -- age: whole years at the stay start ------------------------------------------------------------

for label, born, start, expected in [
    # 65th birthday on the start date: 65, band 65.
    ("on the 65th birthday", dt.date(1949, 3, 10), "2014-03-10 00:00", [(101, 2014, 65, "F", 1)]),
    # The evening before: 64, not counted (even though the stay runs past midnight).
    ("the evening before the 65th birthday", dt.date(1949, 3, 10), "2014-03-09 23:00", []),
    # 70th birthday: band 70; the day before: band 65.
    ("on the 70th birthday", dt.date(1944, 3, 10), "2014-03-10 08:00", [(101, 2014, 70, "F", 1)]),
    (
        "the day before the 70th",
        dt.date(1944, 3, 10),
        "2014-03-09 08:00",
        [(101, 2014, 65, "F", 1)],
    ),
    # Born 29 February: in a year without one, the birthday is 1 March.
    ("leap-day born on 28 Feb", dt.date(1948, 2, 29), "2013-02-28 08:00", []),
    ("leap-day born on 1 Mar", dt.date(1948, 2, 29), "2013-03-01 08:00", [(101, 2013, 65, "F", 1)]),
    # 94 years old: the top band 85+.
    ("at 94", dt.date(1920, 1, 1), "2014-03-09 08:00", [(101, 2014, 85, "F", 1)]),
]:
    add(f"age {label}", [contact(start, hours=13, birth_date=born)], {PREVENTABLE: expected})

# -- diagnoses match the code lists by prefix ------------------------------------------------------

for diagnosis, expected in [
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
]:
    add(
        f"diagnosis {diagnosis} {'matches' if expected else 'does not match'}",
        [contact("2014-03-03 08:00", hours=13, primary_diagnosis=diagnosis)],
        {PREVENTABLE: expected},
    )

# -- years -----------------------------------------------------------------------------------------

# 31 Dec 2014 23:00 - 1 Jan 2015 12:00 (13 h): a 2014 stay (aged 74, band 70).
add(
    "a stay counts in the year it starts",
    [contact("2014-12-31 23:00", hours=13)],
    {PREVENTABLE: [(101, 2014, 70, "F", 1)], SHORT: [(101, 2014, 70, "F", 1)]},
)
# 25 Dec 2014 - 2 Jan 2015: an index of 2015, with the age at its start (74, band 70).
add(
    "an index admission counts in the year of discharge",
    [contact("2014-12-25 08:00", hours=8 * 24)],
    {READMISSION: [(101, 2015, 70, "F", 0, 1)]},
)

# -- fractions of a second: exact times (the input format allows microseconds) --------------------

# 08:00:00.250 - 20:00:00.249 is 11:59:59.999 h: no admission (>= 12 h), though the whole seconds
# (08:00:00 - 20:00:00) make 12 h. Until 20:00:00.250 it is exactly 12 h: an admission. Both are
# acute medical stays under 24 h: short stays.
for end, expected in [("2014-03-03 20:00:00.249", 0), ("2014-03-03 20:00:00.250", 1)]:
    add(
        f"an acute stay from 08:00:00.250 to {end[11:]} is {'an' if expected else 'no'} admission",
        [{**contact("2014-03-03 08:00:00.250"), "end": ts(end)}],
        {PREVENTABLE: expected, SHORT: 1},
        spans=[(ts("2014-03-03 08:00:00.250"), ts(end))],
    )
# A 08:00-14:00; B starts 4:00:00.5 after A's end (18:00:00.5), 6 h: more than the 4 h merge gap,
# so two stays of 6 h: two short stays, no admission. At 3:59:59.5 (17:59:59.5) one stay
# 08:00 - 23:59:59.5 (15:59:59.5 h): a short stay and an admission.
for gap, n_stays, short, preventable in [("4:00:00.5", 2, 2, 0), ("3:59:59.5", 1, 1, 1)]:
    a = contact("2014-03-03 08:00", hours=6)
    b = contact(pd.Timestamp(a["end"]) + pd.Timedelta(gap), hours=6)
    add(
        f"contacts {gap} apart {'stay apart' if n_stays == 2 else 'join'}",
        [a, b],
        {SHORT: short, PREVENTABLE: preventable},
        spans=[(a["start"], a["end"]), (b["start"], b["end"])]
        if n_stays == 2
        else [(a["start"], b["end"])],
    )
# Index 1 Mar 08:00 - 2 Mar 08:00; an acute 12 h admission starting 720:00:00.000001 after the
# discharge is outside the window (> 720 h), at 719:59:59.999999 inside. Both stays are index
# admissions discharged in 2014: denominator 2.
for gap, readmitted in [("720:00:00.000001", 0), ("719:59:59.999999", 1)]:
    first = index_stay()
    hours, minutes, seconds = gap.split(":")
    later = after(first, hours=int(hours), minutes=int(minutes)) + pd.Timedelta(
        seconds=float(seconds)
    )
    add(
        f"an acute admission {gap} h after discharge is {'a' if readmitted else 'no'} readmission",
        [first, contact(later, hours=12)],
        {READMISSION: [(101, 2014, 70, "F", readmitted, 2)]},
    )
# A starts 08:00:00.100 (14 h), B 08:00:00.200 (20 h, longer): A starts first, so its diagnosis
# is the stay's (the longest first applies to equal starts only). One acute stay 08:00:00.100 -
# 04:00:00.200 next day (20:00:00.1 h): an admission when A has DE86, not when it has DI21; a
# short stay either way.
for first_dx, second_dx, expected in [("DE86", "DI21", 1), ("DI21", "DE86", 0)]:
    add(
        f"a start 0.1 s earlier makes the first contact ({first_dx} before a longer {second_dx})",
        [
            contact("2014-03-03 08:00:00.200", hours=20, primary_diagnosis=second_dx),
            contact("2014-03-03 08:00:00.100", hours=14, primary_diagnosis=first_dx),
        ],
        {PREVENTABLE: expected, SHORT: 1},
        spans=[(ts("2014-03-03 08:00:00.100"), ts("2014-03-04 04:00:00.200"))],
    )
# 31 Dec 2014 08:00:00.600 - 1 Jan 2015 00:00:00.400 (15:59:59.8 h): an index discharged 0.4 s
# into 2015 counts in 2015 (aged 74, band 70).
add(
    "an index discharged 0.4 s after New Year counts in the new year",
    [{**contact("2014-12-31 08:00:00.600"), "end": ts("2015-01-01 00:00:00.400")}],
    {READMISSION: [(101, 2015, 70, "F", 0, 1)]},
    spans=[(ts("2014-12-31 08:00:00.600"), ts("2015-01-01 00:00:00.400"))],
)

# -- sygdomsgrupper: admissions per 1,000 citizens with KOL or type 2 diabetes --------------------
# The cohort of a year: a DJ44 (KOL) or DE11 (type 2 diabetes) primary diagnosis on a contact
# started in the five calendar years before (2014: 2009-2013), alive and 18+ on 1 January, in the
# stratum of the latest contact before 1 January. The numerator: acute stays >= 12 h with the
# disease on the first contact, of cohort members, in the member's 1 January stratum. p1 is 73
# on 1 January 2014 and 74 on 1 January 2015: band 70 both years.


def outpatient(start: Stamp, **overrides: Any) -> Row:
    """A 2 h planned contact: a diagnosis, never an admission."""
    return contact(start, hours=2, acute=False, **overrides)


def admission(start: Stamp, diagnosis: str = "DJ44", **overrides: Any) -> Row:
    """A 24 h acute stay with ``diagnosis``: a disease admission."""
    return contact(start, hours=24, primary_diagnosis=diagnosis, **overrides)


# A KOL diagnosis in 2012 (outpatient): in the cohort of 2014 and 2015; one KOL admission in 2014.
add(
    "a KOL diagnosis in the look-back enters the cohort; its acute admission counts",
    [outpatient("2012-05-01 10:00", primary_diagnosis="DJ449"), admission("2014-03-01 08:00")],
    {KOL: [(101, 2014, 70, "F", 1, 1), (101, 2015, 70, "F", 0, 1)], T2D: []},
)
# The look-back of 2014 starts on 1 January 2009 00:00: a diagnosis then counts for 2014 (not for
# 2015, whose look-back starts in 2010).
add(
    "a diagnosis on the first day of the five-year look-back counts",
    [outpatient("2009-01-01 00:00", primary_diagnosis="DJ44")],
    {KOL: [(101, 2014, 70, "F", 0, 1)]},
)
# 31 December 2008 is six years before 2014: no cohort in 2014 or 2015 (the later DE86 stay
# adds no KOL diagnosis).
add(
    "a diagnosis six years back does not count",
    [
        outpatient("2008-12-31 20:00", primary_diagnosis="DJ44"),
        admission("2014-03-01 08:00", diagnosis="DE86"),
    ],
    {KOL: []},
)
# The year itself does not count: diagnosed in February 2014 and admitted for KOL in March 2014,
# p1 is not in the 2014 cohort (the admission is not counted); in 2015 p1 is (0 admissions).
add(
    "a person first diagnosed in the year is not in that year's cohort nor its numerator",
    [outpatient("2014-02-01 10:00", primary_diagnosis="DJ44"), admission("2014-03-01 08:00")],
    {KOL: [(101, 2015, 70, "F", 0, 1)]},
)
# Born 15 June 1996: 17 on 1 January 2014 (not in the cohort, the admission at 17 not counted),
# 18 on 1 January 2015 (band 15) with one admission in 2015.
add(
    "under 18 on 1 January is not counted",
    [
        outpatient("2012-05-01 10:00", primary_diagnosis="DJ44", birth_date=dt.date(1996, 6, 15)),
        admission("2014-03-01 08:00", birth_date=dt.date(1996, 6, 15)),
        admission("2015-03-01 08:00", birth_date=dt.date(1996, 6, 15)),
    ],
    {KOL: [(101, 2015, 15, "F", 1, 1)]},
)
# Death at discharge on 10 May 2014 (a DE86 stay): in the 2014 cohort (alive on 1 January,
# no KOL admission), gone in 2015.
add(
    "death before the year leaves the cohort",
    [
        outpatient("2012-05-01 10:00", primary_diagnosis="DJ44"),
        admission("2014-05-09 08:00", diagnosis="DE86", died=True),
    ],
    {KOL: [(101, 2014, 70, "F", 0, 1)]},
)
# Diagnosed in København (101) in 2012, a contact in Frederiksberg (147) in November 2013: the
# 2014 cohort counts p1 in 147, and so its admission in March 2014 (registered in 101). The
# latest contact before 2015 is that admission: 2015 in 101.
add(
    "the municipality is the latest contact's before 1 January, for the admissions too",
    [
        outpatient("2012-05-01 10:00", primary_diagnosis="DJ44"),
        outpatient("2013-11-01 10:00", primary_diagnosis="DE86", kommunekode=147),
        admission("2014-03-01 08:00"),
    ],
    {KOL: [(101, 2015, 70, "F", 0, 1), (147, 2014, 70, "F", 1, 1)]},
)
# Born 1 March 1944: 69 on 1 January 2014 (band 65), 70 at the admission in June 2014; the
# admission counts in band 65 with its cohort member. 70 on 1 January 2015: band 70.
add(
    "the age band is the one on 1 January, for the admissions too",
    [
        outpatient("2012-05-01 10:00", primary_diagnosis="DJ44", birth_date=dt.date(1944, 3, 1)),
        admission("2014-06-01 08:00", birth_date=dt.date(1944, 3, 1)),
    ],
    {KOL: [(101, 2014, 65, "F", 1, 1), (101, 2015, 70, "F", 0, 1)]},
)
# An acute pneumonia admission (DJ18) of a person with KOL is not an admission for KOL.
add(
    "an admission of a cohort member for another diagnosis is not counted",
    [
        outpatient("2012-05-01 10:00", primary_diagnosis="DJ44"),
        admission("2014-03-01 08:00", "DJ18"),
    ],
    {KOL: [(101, 2014, 70, "F", 0, 1), (101, 2015, 70, "F", 0, 1)]},
)
# Acute 11 h (too short), planned 24 h (not acute), acute 12 h (counts), and a second acute 24 h
# admission: 2 admissions of one person in 2014.
add(
    "only acute stays of at least 12 hours count, each of them",
    [
        outpatient("2012-05-01 10:00", primary_diagnosis="DJ44"),
        contact("2014-02-01 08:00", hours=11, primary_diagnosis="DJ44"),
        contact("2014-04-01 08:00", hours=24, primary_diagnosis="DJ44", acute=False),
        contact("2014-06-01 08:00", hours=12, primary_diagnosis="DJ44"),
        admission("2014-09-01 08:00"),
    ],
    {KOL: [(101, 2014, 70, "F", 2, 1), (101, 2015, 70, "F", 0, 1)]},
)
# Type 2 diabetes (DE11) makes the diabetes cohort, not the KOL one; type 1 (DE10) neither.
add(
    "a type 2 diabetes diagnosis makes the diabetes cohort",
    [
        outpatient("2013-05-01 10:00", primary_diagnosis="DE119"),
        admission("2014-03-01 08:00", "DE11"),
    ],
    {T2D: [(101, 2014, 70, "F", 1, 1), (101, 2015, 70, "F", 0, 1)], KOL: []},
)
add(
    "type 1 diabetes is not type 2",
    [
        outpatient("2013-05-01 10:00", primary_diagnosis="DE109"),
        admission("2014-03-01 08:00", "DE10"),
    ],
    {T2D: []},
)
# Two persons of the 2014 cohort in 101 (p1 woman, p2 man born 1950: 63, band 60), one admission
# for p1; p3, only admitted for KOL in 2014, is not in the 2014 cohort but joins p1 in 2015 (its
# admission is a diagnosis in the look-back): the denominator counts persons, not admissions.
add(
    "the denominator counts persons of the cohort per stratum",
    [
        outpatient("2011-05-01 10:00", primary_diagnosis="DJ44"),
        outpatient(
            "2011-05-01 10:00",
            primary_diagnosis="DJ44",
            person_id="p2",
            sex="M",
            birth_date=dt.date(1950, 2, 2),
        ),
        admission("2014-03-01 08:00"),
        admission("2014-03-01 08:00", person_id="p3"),
    ],
    {
        KOL: [
            (101, 2014, 60, "M", 0, 1),
            (101, 2014, 70, "F", 1, 1),
            (101, 2015, 60, "M", 0, 1),
            (101, 2015, 70, "F", 0, 2),
        ]
    },
)

# -- færdigbehandlingsdage -------------------------------------------------------------------------

# Ready 30 Dec, discharged 3 Jan: 30 and 31 Dec in 2013, 1 and 2 Jan in 2014 (the discharge day is
# no bed day). No age or sex.
DAYS_CASES["days split across New Year"] = DaysCase(
    [ready("2013-12-30", "2014-01-03")],
    [2013, 2014],
    [(101, 2013, None, None, 2), (101, 2014, None, None, 2)],
)
DAYS_CASES["only the requested years are counted"] = DaysCase(
    [ready("2013-12-30", "2014-01-03")], [2014], [(101, 2014, None, None, 2)]
)
DAYS_CASES["ready and discharged the same day: no days"] = DaysCase(
    [ready("2014-05-05", "2014-05-05")], [2014], []
)
# 101: 3 + 10 days; 147: 1 day.
DAYS_CASES["days are summed per municipality"] = DaysCase(
    [
        ready("2014-02-01", "2014-02-04"),
        ready("2014-06-01", "2014-06-11", person="p2"),
        ready("2014-06-01", "2014-06-02", kommunekode=147, person="p3"),
    ],
    [2014],
    [(101, 2014, None, None, 13), (147, 2014, None, None, 1)],
)


# -- running the cases -----------------------------------------------------------------------------

# The engine implementations every case runs on: DuckDB, and Spark (local, one session per run).
ENGINES = ["duckdb", pytest.param("spark", marks=pytest.mark.spark)]


def _connect(request: pytest.FixtureRequest, engine: str) -> Any:
    if engine == "spark":
        return request.getfixturevalue("spark_con")
    return ibis.duckdb.connect()


# In a batch, case i's persons become "i:person" and its municipality k becomes OFFSET * (i + 1)
# + k, so cases never meet in a stay or an aggregate, and ties keep their order.
OFFSET = 10_000


@dataclass
class Outcome:
    aggregates: dict[str, pd.DataFrame]
    spans: list[tuple[pd.Timestamp, pd.Timestamp]]
    time_unit: str | None = None  # the engine's stay layout: "s" or "us"


def _contacts_frame(rows: Sequence[Row]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(CONTACT_SCHEMA.names))


def fractional(rows: Sequence[Row]) -> bool:
    """Whether a contact starts or ends at a fraction of a second."""
    times = pd.to_datetime(pd.Series([r[k] for r in rows for k in ("start", "end")]))
    return bool((times != times.dt.floor("s")).any())


def _engine_batch(
    con: Any, names: list[str], rules: StayRules, time_unit: TimeUnit | None = None
) -> dict[str, Outcome]:
    """The cases ``names`` in one batch, their stays in ``time_unit`` (None: the unit compute
    would choose for the batch's contacts)."""
    rows = [
        {
            **r,
            "person_id": f"{i}:{r['person_id']}",
            "kommunekode": OFFSET * (i + 1) + r["kommunekode"],
        }
        for i, name in enumerate(names)
        for r in CASES[name].rows
    ]
    contacts = ibis.memtable(_contacts_frame(rows), schema=CONTACT_SCHEMA)
    unit = time_unit or choose_time_unit(con, contacts)
    stays = build_stays(contacts, rules, STAY_DEFINITIONS, time_unit=unit)
    wide = con.execute(ex.stay_aggregates(stays, STAY_DEFINITIONS, rules))
    diseases = con.execute(
        cohort.disease_aggregates(contacts, rules, DISEASE_DEFINITIONS, DISEASE_YEARS)
    )
    spans = con.execute(stays.select("person_id", "start", "end"))
    spans["case"] = spans["person_id"].str.split(":").str[0].astype(int)
    out = {}
    for i, name in enumerate(names):
        aggregates = {}
        for d in STAY_DEFINITIONS:
            agg = ex.narrow(wide, d)
            agg = agg[agg["kommunekode"] // OFFSET == i + 1]
            aggregates[d.id] = agg.assign(kommunekode=agg["kommunekode"] % OFFSET)
        for d in DISEASE_DEFINITIONS:
            agg = cohort.narrow(diseases, d)
            agg = agg[agg["kommunekode"] // OFFSET == i + 1]
            aggregates[d.id] = agg.assign(kommunekode=agg["kommunekode"] % OFFSET)
        mine = spans[spans["case"] == i]
        out[name] = Outcome(aggregates, _spans(mine), unit)
    return out


def _spans(stays: pd.DataFrame) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    return sorted(zip(pd.to_datetime(stays["start"]), pd.to_datetime(stays["end"]), strict=True))


@pytest.fixture(scope="module", params=ENGINES)
def engine_outcomes(request: pytest.FixtureRequest) -> dict[str, Outcome]:
    """Every case's outcome on one engine, as compute gets it: one batch per set of stay rules
    and per kind of times (whole seconds or fractions), each in the layout the engine chooses
    for its contacts."""
    con = _connect(request, request.param)
    out: dict[str, Outcome] = {}
    for rules in {case.rules for case in CASES.values()}:
        for frac in (False, True):
            names = [n for n, c in CASES.items() if c.rules == rules and fractional(c.rows) == frac]
            if names:
                out |= _engine_batch(con, names, rules)
    return out


@pytest.fixture(scope="module", params=ENGINES)
def exact_outcomes(request: pytest.FixtureRequest) -> dict[str, Outcome]:
    """Every case's outcome on one engine with the stays in microseconds, whatever the data."""
    con = _connect(request, request.param)
    out: dict[str, Outcome] = {}
    for rules in {case.rules for case in CASES.values()}:
        names = [n for n, c in CASES.items() if c.rules == rules]
        out |= _engine_batch(con, names, rules, time_unit="us")
    return out


def _reference_outcome(case: Case) -> Outcome:
    contacts = _contacts_frame(case.rows)
    definitions = [*STAY_DEFINITIONS, *DISEASE_DEFINITIONS]
    aggregates = ref.aggregates(contacts, None, definitions, case.rules, DISEASE_YEARS)
    return Outcome(aggregates, _spans(ref.build_stays(contacts, case.rules)))


def _check(outcome: Outcome, case: Case) -> None:
    for indicator, expected in case.expected.items():
        agg = outcome.aggregates[indicator]
        if isinstance(expected, int):
            assert int(agg["numerator"].sum()) == expected, indicator
        else:
            assert ref.as_tuples(agg) == expected, indicator
    if case.spans is not None:
        assert outcome.spans == sorted(case.spans)


def _params(cases: dict[str, Case]) -> list[Any]:
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=c.xfail) if c.xfail else ())
        for name, c in cases.items()
    ]


@pytest.mark.parametrize("name", _params(CASES))
def test_engine(engine_outcomes: dict[str, Outcome], name: str) -> None:
    _check(engine_outcomes[name], CASES[name])


@pytest.mark.parametrize("name", _params(CASES))
def test_engine_in_microseconds(exact_outcomes: dict[str, Outcome], name: str) -> None:
    _check(exact_outcomes[name], CASES[name])


def test_whole_second_data_take_the_whole_second_layout(
    engine_outcomes: dict[str, Outcome],
) -> None:
    # The faster layout wherever every time is a whole second (most cases, in whole minutes),
    # microseconds only for the batch with fractions.
    units = {name: outcome.time_unit for name, outcome in engine_outcomes.items()}
    assert units["contacts 4:00 apart join"] == "s"
    assert units["contacts 4:00:00.5 apart stay apart"] == "us"
    assert units == {n: "us" if fractional(c.rows) else "s" for n, c in CASES.items()}
    assert sum(fractional(c.rows) for c in CASES.values()) == 9


@pytest.mark.parametrize("name", list(CASES))
def test_reference(name: str) -> None:
    _check(_reference_outcome(CASES[name]), CASES[name])


def _days_engine(con: Any, case: DaysCase) -> pd.DataFrame:
    frame = pd.DataFrame(case.rows, columns=list(READY_SCHEMA.names))
    return con.execute(ex.days_rate(ibis.memtable(frame, schema=READY_SCHEMA), case.years))


def _days_reference(case: DaysCase) -> pd.DataFrame:
    return ref.days_rate(pd.DataFrame(case.rows, columns=list(READY_SCHEMA.names)), case.years)


@pytest.mark.parametrize("implementation", [*ENGINES, "reference"])
@pytest.mark.parametrize("name", list(DAYS_CASES))
def test_days(request: pytest.FixtureRequest, name: str, implementation: str) -> None:
    case = DAYS_CASES[name]
    if implementation == "reference":
        got = _days_reference(case)
    else:
        got = _days_engine(_connect(request, implementation), case)
    assert ref.as_tuples(got) == case.expected


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


def test_disease_rates_count_their_cohort_and_standardise_to_denmarks_cohort() -> None:
    # Cohort members (n) and their admissions (x) per stratum; the bands coarsen to 15, 45, 65,
    # 75, 85: 70 -> 65 and 50 -> 45.
    agg = pd.DataFrame(
        [
            (101, 2014, 70, "F", 12, 100),
            (101, 2014, 50, "M", 0, 100),
            (147, 2014, 70, "F", 20, 100),
            (147, 2014, 50, "M", 2, 300),
        ],
        columns=["kommunekode", "year", "age_lower", "sex", "numerator", "denominator"],
    )
    out = compute_results(DEFINITIONS[KOL], agg, _population(), _standard(), REGION_OF, [2014])
    got = _by_area(out)
    # Crude: 101: 12 / 200 x 1,000 = 60; 147: 22 / 400 x 1,000 = 55; Hovedstaden and Denmark:
    # 34 / 600 x 1,000 = 56.67. The population (_population) plays no part.
    assert got[("kommune", 101)] == pytest.approx((12, 200, 60.0))
    assert got[("kommune", 147)] == pytest.approx((22, 400, 55.0))
    assert got[("land", 0)] == pytest.approx((34, 600, 34 / 0.6))
    # Standardised to Denmark's cohort (65+ F: 200 persons, 45-64 M: 400): 101: (200 x 12/100 +
    # 400 x 0/100) / 600 x 1,000 = 40; 147: (200 x 20/100 + 400 x 2/300) / 600 x 1,000 = 71.11;
    # Denmark: its crude rate.
    std = {(r.level, int(r.area_code)): r.std_value for r in out.itertuples()}
    assert std[("kommune", 101)] == pytest.approx(40.0)
    assert std[("kommune", 147)] == pytest.approx((40 + 400 * 2 / 300) / 0.6)
    assert std[("land", 0)] == pytest.approx(34 / 0.6)
