"""``compute --years``: the contacts read for some years give the same stays, and so the same
values, as all the data (hand-computed cases on DuckDB and Spark, and compute end to end).

compute reads only the contacts the requested years need (``engine.compute._around``). A stay
that crosses the edge of what is read must still be built whole. The window below is 2015: the
contacts read start from 1 January 2014 to 2016-01-01 + 720 h (31 January 2016 00:00), plus
every contact of a person with a stay across either edge.

Defaults of a contact: a woman born 15 June 1940 (band 70-74 until June 2015, then 75-79), acute, DE86
(a preventable-admission group), intern medicin, alive at discharge. Each case has its own
municipality, so that the expected rows say which case they come from.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
import pytest

from naersund.engine import expressions as ex
from naersund.engine.compute import ComputeOptions, _around, compute
from naersund.engine.stays import build_stays
from naersund.indicators import load_definitions, load_stay_rules, select_definitions
from naersund.registry.schema import ibis_schema

try:
    from tests import reference_impl as ref
except ImportError:  # pytest's rootdir-less import mode puts tests/ itself on sys.path
    import reference_impl as ref  # type: ignore[no-redef]

SHORT = "akutte_korttidsindlaeggelser"
PREVENTABLE = "forebyggelige_indlaeggelser_65"
READMISSION = "genindlaeggelser_30d_65"
WINDOW = [2015]
DEFINITIONS = [d for d in select_definitions(load_definitions(), None) if d.cohort is None]
STAY_DEFINITIONS = [d for d in DEFINITIONS if d.selection is not None]
RULES = load_stay_rules()
SCHEMA = ibis_schema("contacts")
DEFAULTS: dict[str, Any] = {
    "sex": "F",
    "birth_date": dt.date(1940, 6, 15),
    "acute": True,
    "primary_diagnosis": "DE86",
    "specialty": "intern medicin",
    "hospital": "A",
    "died": False,
}


def contact(person: str, kommune: int, start: str, end: str, **overrides: Any) -> dict[str, Any]:
    return {
        "person_id": person,
        "kommunekode": kommune,
        **DEFAULTS,
        "start": pd.Timestamp(start),
        "end": pd.Timestamp(end),
        **overrides,
    }


# A1 (157): a stay that starts in the year before the window and ends inside it, 31 Dec 2014
# 20:00 - 1 Jan 2015 10:00 (14 h): an index discharged in 2015 (1 of 1, not readmitted); a
# preventable admission of 2014 (by start), so none in 2015.
# A2 (151): a stay that starts before what is read and ends inside the window: X 31 Dec 2013
# 20:00 - 1 Jan 2014 02:00 (acute, municipality 151), then Y 1 Jan 2014 04:00 - 1 Jan 2015
# 10:00 (planned, 153) joins it after 2 h. One stay from X, so in 151: an index discharged in
# 2015 (1 of 1). Cut at 1 Jan 2014 it would start with Y, in 153.
# B (159): a readmission whose index is before the window: index 20-21 Dec 2014, readmission
# 10-11 Jan 2015 (24 h, acute). In 2015 the readmission is itself an index (1 of 1, not
# readmitted) and a preventable admission (1); the index's readmission counts for 2014.
# C (161): an index in the window, 30-31 Dec 2015 08:00, followed by an acute stay across the
# end of what is read: R1 29 Jan 2016 20:00 - 31 Jan 02:00 (within 720 h of the discharge),
# then R2 31 Jan 03:00-10:00 with DF32 (the discharging contact: not a readmission). So the
# index is not readmitted (0 of 1); it is a preventable admission of 2015 (1). Cut at 31 Jan
# 00:00 the stay would be R1 alone, a readmission.
ROWS = [
    contact("a1", 157, "2014-12-31 20:00", "2015-01-01 10:00"),
    contact("a2", 151, "2013-12-31 20:00", "2014-01-01 02:00"),
    contact("a2", 153, "2014-01-01 04:00", "2015-01-01 10:00", acute=False),
    contact("b", 159, "2014-12-20 08:00", "2014-12-21 08:00"),
    contact("b", 159, "2015-01-10 08:00", "2015-01-11 08:00"),
    contact("c", 161, "2015-12-30 08:00", "2015-12-31 08:00"),
    contact("c", 161, "2016-01-29 20:00", "2016-01-31 02:00"),
    contact("c", 161, "2016-01-31 03:00", "2016-01-31 10:00", primary_diagnosis="DF32"),
]
EXPECTED: dict[str, list[tuple[object, ...]]] = {
    SHORT: [],
    PREVENTABLE: [(159, 2015, 70, "F", 1), (161, 2015, 75, "F", 1)],
    READMISSION: [
        (151, 2015, 70, "F", 0, 1),
        (157, 2015, 70, "F", 0, 1),
        (159, 2015, 70, "F", 0, 1),
        (161, 2015, 75, "F", 0, 1),
    ],
}

ENGINES = ["duckdb", pytest.param("spark", marks=pytest.mark.spark)]


def _aggregates(con: Any, contacts: ibis.Table) -> dict[str, list[tuple[object, ...]]]:
    stays = build_stays(contacts, RULES, STAY_DEFINITIONS, time_unit="s")
    wide = con.execute(ex.stay_aggregates(stays, STAY_DEFINITIONS, RULES))
    out = {}
    for d in STAY_DEFINITIONS:
        agg = ex.narrow(wide, d)
        out[d.id] = ref.as_tuples(agg[agg["year"].isin(WINDOW)].reset_index(drop=True))
    return out


@pytest.mark.parametrize("engine", ENGINES)
def test_stays_across_the_edges_of_the_years_read_are_built_whole(
    request: pytest.FixtureRequest, engine: str
) -> None:
    con = request.getfixturevalue("spark_con") if engine == "spark" else ibis.duckdb.connect()
    contacts = ibis.memtable(pd.DataFrame(ROWS, columns=list(SCHEMA.names)), schema=SCHEMA)
    read = _around(contacts, WINDOW, DEFINITIONS, RULES)
    assert _aggregates(con, read) == EXPECTED
    assert _aggregates(con, contacts) == EXPECTED
    # every contact of these cases is read: each belongs to a stay the window counts
    assert int(con.execute(read.count())) == len(ROWS)


def test_contacts_far_from_the_window_are_not_read() -> None:
    # A stay of 2012 and one of late February 2016 belong to no count of 2015: left out, while
    # the person with a stay across the start of 2014 keeps every contact (a2's two).
    far = [
        contact("d", 165, "2012-05-01 08:00", "2012-05-02 08:00"),
        contact("d", 165, "2016-02-20 08:00", "2016-02-21 08:00"),
    ]
    con = ibis.duckdb.connect()
    contacts = ibis.memtable(pd.DataFrame(ROWS + far, columns=list(SCHEMA.names)), schema=SCHEMA)
    read = con.execute(_around(contacts, WINDOW, DEFINITIONS, RULES))
    assert sorted(read["person_id"]) == sorted(r["person_id"] for r in ROWS)


def test_compute_for_some_years_equals_compute_for_all(tmp_path: Path) -> None:
    (tmp_path / "contacts").mkdir()
    pd.DataFrame(ROWS).to_parquet(tmp_path / "contacts" / "part-0.parquet")
    every = compute(tmp_path)
    some = compute(tmp_path, ComputeOptions(years=WINDOW))
    for d in STAY_DEFINITIONS:
        assert ref.as_tuples(some.aggregates[d.id]) == EXPECTED[d.id], d.id
        full = every.aggregates[d.id]
        assert ref.as_tuples(full[full["year"].isin(WINDOW)]) == EXPECTED[d.id], d.id
    expected = every.results[every.results["year"].isin(WINDOW)].reset_index(drop=True)
    pd.testing.assert_frame_equal(some.results, expected)
