"""The engine against an independent pandas implementation (``reference_impl``).

Random registry data full of edge cases — transfers with gaps around 4 hours, overlapping and
nested contacts, readmissions around 720 hours, ages around 65, stays across New Year, equal
starts, exclusion codes and near misses — must give exactly the same aggregates from both.
And the engine's answer must not depend on how the rows are ordered or split into files.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import tempfile
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from naersund.engine import cohort
from naersund.engine import compute as engine_compute
from naersund.engine import expressions as ex
from naersund.engine.inputs import choose_time_unit
from naersund.engine.stay_keys import TIE_BITS
from naersund.engine.stays import TimeUnit, build_stays
from naersund.indicators import (
    IndicatorDefinition,
    StayRules,
    load_definitions,
    load_stay_rules,
    select_definitions,
)
from naersund.registry import synth
from naersund.registry.schema import ibis_schema

try:
    from tests import reference_impl as ref
except ImportError:  # pytest's rootdir-less import mode puts tests/ itself on sys.path
    import reference_impl as ref  # type: ignore[no-redef]

DEFINITIONS: list[IndicatorDefinition] = load_definitions()
DEFAULT_DEFINITIONS = select_definitions(DEFINITIONS, None)  # what compute computes by default
STAY_DEFINITIONS = [d for d in DEFINITIONS if d.kind not in ("days_rate", "disease_rate")]
DISEASE_DEFINITIONS = [d for d in DEFINITIONS if d.kind == "disease_rate"]
RULES: StayRules = load_stay_rules()
YEARS = [2013, 2014]

CONTACT_SCHEMA = ibis_schema("contacts")
READY_SCHEMA = ibis_schema("ready_for_discharge")

# Codes in the preventable groups, prefix near misses, index and readmission exclusions.
DIAGNOSES = [
    "DE86", "DE869", "DK590", "DK5900", "DK591", "DJ189", "DJ18", "DJ1", "DJ441", "DN390",
    "DN39", "DA09", "DK529", "DS720", "DT142", "DT14", "DD509", "DZ742", "DL899",
    "DF32", "DF329", "DC50", "DC509", "DD00", "DD099", "DD10", "DZ763", "DZ764", "DO80", "DO84",
    "DO85", "DO47", "DX60", "DY10", "DI21", "DI500", "DR074", "DJ44", "DE11", "DE119", "DE109",
]  # fmt: skip
SPECIALTIES = [
    "intern medicin", "geriatri", "kirurgi", "psykiatri", "børne- og ungdomspsykiatri",
    "hospice", None,
]  # fmt: skip
KOMMUNER = [101, 147, 461, 851]
# Gaps (minutes) between contacts of one episode: around the 4 h merge gap, overlaps, touching.
TRANSFER_GAPS = [239, 240, 241, 0, 1, 30, 180, -60, -600, 300]
# Gaps (hours) between episodes: around the 720 h readmission window and the merge gap.
EPISODE_GAPS = [720, 720 + 1 / 60, 720 - 1 / 60, 4 + 1 / 60, 5, 24, 100, 300, 700, 740, 2000]
# Durations (minutes) around the 12 h and 24 h cut-offs, short and long.
DURATIONS = [719, 720, 721, 1439, 1440, 1441, 30, 240, 3000, 10000]
# Moves (microseconds) of a start or an end with ``fractions``: none (often, so that equal
# starts stay equal), one microsecond either way (across the whole-minute edges above), and
# fractions that whole seconds would cut off.
SUBSECOND_MOVES = [0, 0, 0, 1, -1, 1, -1, 250_000, -250_000, 500_000, 999_999, -999_999]


def random_registry(
    seed: int, n_persons: int = 600, fractions: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Contacts and ready-for-discharge rows that hit the rules' edges often; with
    ``fractions`` every start and end is moved by a fraction of a second or none."""
    rng = np.random.default_rng(seed)
    first_day = pd.Timestamp("2013-01-01")
    rows: list[dict[str, Any]] = []
    ready_rows: list[dict[str, Any]] = []
    for p in range(n_persons):
        person = f"p{seed}_{p}"
        kommune = int(rng.choice(KOMMUNER))
        sex = str(rng.choice(["M", "F"]))
        # Many turn 65 in the data years; some are far older or younger, a few leap-day born.
        if rng.random() < 0.03:
            birth = dt.date(int(rng.choice([1948, 1944, 1932])), 2, 29)  # leap years
        elif rng.random() < 0.5:
            birth = dt.date(
                int(rng.integers(1948, 1950)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
            )
        else:
            birth = dt.date(
                int(rng.integers(1915, 2010)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
            )
        when = first_day + pd.Timedelta(minutes=int(rng.integers(0, 730 * 24 * 60)))
        # A chronic disease (KOL, type 2 diabetes) recurs on 60 % of its persons' contacts.
        chronic = str(rng.choice(["DJ441", "DE119"])) if rng.random() < 0.3 else None
        if rng.random() < 0.1:  # New Year's Eve, late
            year = int(rng.choice([2012, 2013, 2014]))
            when = pd.Timestamp(f"{year}-12-31 20:00") + pd.Timedelta(
                minutes=int(rng.integers(0, 300))
            )
        if 1948 <= birth.year <= 1949 and rng.random() < 0.2:  # on the 65th birthday or before
            # (for the leap-day born: 28 February, the day before the birthday)
            when = pd.Timestamp(birth) + pd.DateOffset(years=65)
            when += pd.Timedelta(minutes=int(rng.choice([0, -1, -60, 600])))
        for _episode in range(int(rng.integers(1, 6))):
            episode_end = when
            prev_start, prev_end = when, when
            for k in range(int(rng.choice([1, 1, 2, 3]))):
                if k == 0:
                    start = when
                elif rng.random() < 0.15:  # the same start as the previous contact
                    start = prev_start
                elif rng.random() < 0.15:  # nested in the previous contact
                    start = prev_start + (prev_end - prev_start) / 3
                else:
                    start = episode_end + pd.Timedelta(minutes=int(rng.choice(TRANSFER_GAPS)))
                minutes = (
                    int(rng.choice(DURATIONS))
                    if rng.random() < 0.6
                    else int(rng.integers(10, 5000))
                )
                end = start + pd.Timedelta(minutes=minutes)
                if rng.random() < 0.05:
                    kommune = int(rng.choice(KOMMUNER))  # moves
                rows.append(
                    {
                        "person_id": person,
                        "kommunekode": kommune,
                        "sex": sex,
                        "birth_date": birth,
                        "start": start,
                        "end": end,
                        "acute": bool(rng.random() < 0.7),
                        "primary_diagnosis": chronic
                        if chronic and rng.random() < 0.6
                        else str(rng.choice(DIAGNOSES)),
                        "specialty": SPECIALTIES[int(rng.integers(0, len(SPECIALTIES)))],
                        "hospital": str(rng.choice(["A", "B"])),
                        "died": False,
                    }
                )
                prev_start, prev_end = start, end
                episode_end = max(episode_end, end)
            if rng.random() < 0.2:
                ready_day = (episode_end - pd.Timedelta(days=int(rng.integers(0, 8)))).date()
                ready_rows.append(
                    {
                        "person_id": person,
                        "kommunekode": kommune,
                        "ready_date": ready_day,
                        "discharge_date": episode_end.date(),
                    }
                )
            when = episode_end + pd.Timedelta(hours=float(rng.choice(EPISODE_GAPS)))
        if rng.random() < 0.05:
            rows[-1]["died"] = True  # death at the last discharge
    contacts = pd.DataFrame(rows)
    if fractions:
        moves = np.random.default_rng(seed + 1_000_000)
        for column in ("start", "end"):
            micros = moves.choice(SUBSECOND_MOVES, size=len(contacts))
            contacts[column] = contacts[column] + pd.to_timedelta(micros, unit="us")
    # Contacts alike in start, length, priority and diagnosis have no defined first one.
    contacts = contacts.assign(_d=contacts["end"] - contacts["start"])
    contacts = contacts.drop_duplicates(["person_id", "start", "_d", "acute", "primary_diagnosis"])
    contacts = contacts.drop(columns="_d").reset_index(drop=True)
    return contacts, pd.DataFrame(ready_rows, columns=list(READY_SCHEMA.names))


def engine_aggregates(
    con: Any,
    contacts: pd.DataFrame,
    ready: pd.DataFrame,
    years: list[int],
    readmissions: str = "join",
    time_unit: TimeUnit | None = None,
) -> dict[str, pd.DataFrame]:
    """The engine's aggregates, computed the way ``compute`` does: one pass for the stays, in
    the time unit compute would choose for ``contacts`` (or ``time_unit``). With a
    ``person_key`` column in ``contacts`` the engine sorts on it instead of person_id."""
    stay_defs = STAY_DEFINITIONS
    schema = CONTACT_SCHEMA
    if "person_key" in contacts.columns:
        schema = ibis.schema({**dict(CONTACT_SCHEMA.items()), "person_key": "int64"})
    contacts_table = ibis.memtable(contacts, schema=schema)
    unit = time_unit or choose_time_unit(con, contacts_table)
    stays = build_stays(contacts_table, RULES, stay_defs, time_unit=unit)
    wide = con.execute(ex.stay_aggregates(stays, stay_defs, RULES, readmissions))
    out = {d.id: ex.narrow(wide, d) for d in stay_defs}
    diseases = con.execute(
        cohort.disease_aggregates(contacts_table, RULES, DISEASE_DEFINITIONS, years)
    )
    out |= {d.id: cohort.narrow(diseases, d) for d in DISEASE_DEFINITIONS}
    for d in DEFINITIONS:
        if d.kind == "days_rate":
            ready_table = ibis.memtable(ready, schema=READY_SCHEMA)
            out[d.id] = con.execute(ex.days_rate(ready_table, years))
    return out


def only_years(aggs: dict[str, pd.DataFrame], years: list[int]) -> dict[str, pd.DataFrame]:
    """The aggregates of these years (compute returns only the years it was asked for)."""
    return {k: v[v["year"].isin(years)] for k, v in aggs.items()}


def assert_same_aggregates(got: dict[str, pd.DataFrame], expected: dict[str, pd.DataFrame]) -> None:
    assert got.keys() == expected.keys()
    for indicator in expected:
        pd.testing.assert_frame_equal(
            ref.normalise(got[indicator]), ref.normalise(expected[indicator]), obj=indicator
        )


@pytest.fixture(scope="module")
def con() -> Any:
    return ibis.duckdb.connect()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_engine_equals_the_reference_on_edge_case_data(con: Any, seed: int) -> None:
    contacts, ready = random_registry(seed)
    expected = ref.aggregates(contacts, ready, DEFINITIONS, RULES, YEARS)
    # The data must exercise every indicator, or the comparison proves little.
    for indicator, agg in expected.items():
        assert agg["numerator"].sum() > 0, indicator
    assert_same_aggregates(engine_aggregates(con, contacts, ready, YEARS), expected)


@pytest.mark.parametrize("seed", [5, 6])
def test_fractions_of_a_second_equal_the_reference(con: Any, seed: int) -> None:
    # Starts and ends moved by microseconds across the rules' whole-minute edges: the engine
    # must compare them exactly, as the reference does (in the layout compute chooses).
    contacts, ready = random_registry(seed, fractions=True)
    expected = ref.aggregates(contacts, ready, DEFINITIONS, RULES, YEARS)
    for indicator, agg in expected.items():
        assert agg["numerator"].sum() > 0, indicator
    table = ibis.memtable(contacts, schema=CONTACT_SCHEMA)
    assert choose_time_unit(con, table) == "us"
    assert_same_aggregates(engine_aggregates(con, contacts, ready, YEARS), expected)
    # The moves reach the edges: stays in whole seconds would count differently.
    truncated = engine_aggregates(con, contacts, ready, YEARS, time_unit="s")
    assert any(not ref.normalise(truncated[k]).equals(ref.normalise(expected[k])) for k in expected)


@pytest.mark.parametrize("readmissions", ["join", "window"])
@pytest.mark.parametrize("person_key", [False, True])
def test_both_readmission_methods_with_or_without_a_person_key_equal_the_reference(
    con: Any, readmissions: str, person_key: bool
) -> None:
    contacts, ready = random_registry(2)
    expected = ref.aggregates(contacts, ready, DEFINITIONS, RULES, YEARS)
    if person_key:
        # any exact numbering of the persons will do: here a shuffled one
        ids = contacts["person_id"].drop_duplicates().sample(frac=1, random_state=7)
        numbers = dict(zip(ids, range(len(ids), 0, -1), strict=True))
        contacts = contacts.assign(person_key=contacts["person_id"].map(numbers).astype("int64"))
    got = engine_aggregates(con, contacts, ready, YEARS, readmissions)
    assert_same_aggregates(got, expected)


@pytest.mark.parametrize("time_unit", ["s", "us"])
@pytest.mark.parametrize("kommunekoder", [(101, 851), (0, 1023), (101, 5000), None])
def test_the_municipality_in_the_sort_key_or_beside_it_equals_the_reference(
    con: Any, kommunekoder: tuple[int, int] | None, time_unit: TimeUnit
) -> None:
    # Within 0-1023 the municipality rides in the sort key and is read back from it; a range
    # outside that (or none) keeps it as a column of its own. Same counts either way, in
    # either layout of the times (the data are whole minutes).
    contacts, ready = random_registry(4)
    expected = ref.aggregates(contacts, ready, DEFINITIONS, RULES, YEARS)
    stay_defs = STAY_DEFINITIONS
    stays = build_stays(
        ibis.memtable(contacts, schema=CONTACT_SCHEMA), RULES, stay_defs, kommunekoder, time_unit
    )
    wide = con.execute(ex.stay_aggregates(stays, stay_defs, RULES))
    for d in stay_defs:
        pd.testing.assert_frame_equal(
            ref.normalise(ex.narrow(wide, d)), ref.normalise(expected[d.id]), obj=d.id
        )


@pytest.mark.parametrize(("time_unit", "fractions"), [("s", False), ("us", False), ("us", True)])
def test_more_definitions_than_the_sort_key_has_room_for_equal_the_reference(
    con: Any, time_unit: TimeUnit, fractions: bool
) -> None:
    # Six copies of every stay definition: more flags than fit beside the tie-breakers in
    # one sort key, so the engine sorts on one more key (``k_flags``) and takes each stay's
    # attributes from its first contact in that full order. Every copy must still count the
    # same as the reference does for the original.
    contacts, ready = random_registry(3, fractions=fractions)
    expected = ref.aggregates(contacts, ready, DEFINITIONS, RULES, YEARS)
    stay_defs = STAY_DEFINITIONS
    copies = {f"{d.id}_{n}": d for n in "abcdef" for d in stay_defs}
    defs = [d.model_copy(update={"id": new_id}) for new_id, d in copies.items()]
    table = ibis.memtable(contacts, schema=CONTACT_SCHEMA)
    stays = build_stays(table, RULES, defs, time_unit=time_unit)
    n_flags = sum(1 + (d.followup is not None) for d in defs)
    assert TIE_BITS + n_flags + 1 > 63  # the fallback is what this test is about
    wide = con.execute(ex.stay_aggregates(stays, defs, RULES))
    for d in defs:
        pd.testing.assert_frame_equal(
            ref.normalise(ex.narrow(wide, d)),
            ref.normalise(expected[copies[d.id].id]),
            obj=d.id,
        )


def test_the_per_indicator_expressions_equal_the_reference(con: Any) -> None:
    # stay_rate and readmission_proportion, the one-indicator forms of stay_aggregates.
    contacts, ready = random_registry(1)
    expected = ref.aggregates(contacts, ready, DEFINITIONS, RULES, YEARS)
    stay_defs = STAY_DEFINITIONS
    stays = build_stays(ibis.memtable(contacts, schema=CONTACT_SCHEMA), RULES, stay_defs)
    for d in stay_defs:
        if d.kind == "stay_rate":
            expr = ex.stay_rate(stays, d)
        else:
            expr = ex.readmission_proportion(stays, d, RULES)
        pd.testing.assert_frame_equal(
            ref.normalise(con.execute(expr)), ref.normalise(expected[d.id]), obj=d.id
        )


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32 - 1), shuffle_seed=st.integers(0, 2**32 - 1))
def test_engine_aggregates_do_not_depend_on_row_order(
    con: Any, seed: int, shuffle_seed: int
) -> None:
    contacts, ready = random_registry(seed, n_persons=40)
    shuffled = contacts.sample(frac=1, random_state=shuffle_seed % 2**31).reset_index(drop=True)
    shuffled_ready = ready.sample(frac=1, random_state=shuffle_seed % 2**31).reset_index(drop=True)
    expected = ref.aggregates(contacts, ready, DEFINITIONS, RULES, YEARS)
    assert_same_aggregates(engine_aggregates(con, shuffled, shuffled_ready, YEARS), expected)


# -- the synthetic registry ------------------------------------------------------------------------


def _read_parquet_table(folder: Path) -> pd.DataFrame:
    files = sorted(folder.rglob("*.parquet"))
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)


def test_engine_equals_the_reference_on_synthetic_data(con: Any, tmp_path: Path) -> None:
    synth.generate(tmp_path / "synth", years=YEARS, scale=0.02, seed=7)
    contacts = _read_parquet_table(tmp_path / "synth" / "contacts")
    ready = _read_parquet_table(tmp_path / "synth" / "ready_for_discharge")
    expected = ref.aggregates(contacts, ready, DEFINITIONS, RULES, YEARS)
    for indicator, agg in expected.items():
        # (synth draws every stay's person afresh, so a disease cohort of 2014 is hardly ever
        # admitted at this scale: the disease rates' numerators are exercised by the edge cases)
        if indicator not in {d.id for d in DISEASE_DEFINITIONS}:
            assert agg["numerator"].sum() > 0, indicator
        assert agg["denominator"].sum() > 0 if "denominator" in agg else True, indicator
    assert_same_aggregates(engine_aggregates(con, contacts, ready, YEARS), expected)


# -- compute(): the answer does not depend on how the rows are ordered and split into files ------


def _write_parts(frame: pd.DataFrame, folder: Path, bounds: list[int]) -> None:
    folder.mkdir(parents=True)
    edges = [0, *bounds, len(frame)]
    for i, (lo, hi) in enumerate(itertools.pairwise(edges)):
        frame.iloc[lo:hi].to_parquet(folder / f"part-{i}.parquet", index=False)


def _cut_points(n: int, fractions: list[float]) -> list[int]:
    """Distinct cut points strictly inside (0, n), so that no file is empty."""
    return sorted({min(max(1, int(f * n)), n - 1) for f in fractions})


@pytest.fixture(scope="module")
def compute_case() -> tuple[pd.DataFrame, pd.DataFrame, Any]:
    """A small edge-case registry and compute()'s result on it, written as one file each."""
    contacts, ready = random_registry(11, n_persons=150)
    with tempfile.TemporaryDirectory() as tmp:
        _write_parts(contacts, Path(tmp) / "contacts", [])
        _write_parts(ready, Path(tmp) / "ready_for_discharge", [])
        baseline = engine_compute.compute(
            Path(tmp), engine_compute.ComputeOptions(years=YEARS, engine_options={"threads": 2})
        )
    return contacts, ready, baseline


def test_compute_aggregates_equal_the_reference(
    compute_case: tuple[pd.DataFrame, pd.DataFrame, Any],
) -> None:
    contacts, ready, baseline = compute_case
    years = baseline.meta["years"]
    # compute's default set: the definitions on by default (a variant only when named)
    expected = ref.aggregates(contacts, ready, DEFAULT_DEFINITIONS, RULES, years)
    assert_same_aggregates(baseline.aggregates, only_years(expected, years))


def test_compute_takes_the_whole_second_layout_for_whole_minutes(
    compute_case: tuple[pd.DataFrame, pd.DataFrame, Any],
) -> None:
    assert compute_case[2].meta["stay_time_unit"] == "s"


def test_compute_keeps_fractions_of_a_second_from_csv_input(tmp_path: Path) -> None:
    # CSV with times like 2014-03-01 08:00:00.250000 passes ingest's validation into Parquet
    # with the fraction kept, and compute counts it exactly (in microseconds), as the
    # reference does.
    from naersund.engine.compute import ComputeOptions, compute

    contacts, ready = random_registry(12, n_persons=150, fractions=True)
    (tmp_path / "data").mkdir()
    contacts.to_csv(tmp_path / "data" / "contacts.csv", index=False)
    ready.to_csv(tmp_path / "data" / "ready_for_discharge.csv", index=False)
    text = (tmp_path / "data" / "contacts.csv").read_text(encoding="utf-8")
    assert re.search(r":[0-9]{2}\.(?!000000)[0-9]{6}", text)  # the fractions, as text
    # every indicator but the disease rates, whose cohorts need five years of data before 2013
    named = [d for d in DEFINITIONS if d.kind != "disease_rate"]
    options = ComputeOptions(
        years=YEARS, indicators=[d.id for d in named], engine_options={"threads": 2}
    )
    got = compute(tmp_path / "data", options)
    assert got.meta["stay_time_unit"] == "us"
    expected = ref.aggregates(contacts, ready, named, RULES, YEARS)
    assert_same_aggregates(got.aggregates, only_years(expected, YEARS))


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    shuffle_seed=st.none() | st.integers(0, 2**31 - 1),
    contact_cuts=st.lists(st.floats(0, 1), max_size=4),
    ready_cuts=st.lists(st.floats(0, 1), max_size=3),
)
def test_compute_does_not_depend_on_row_order_or_files(
    compute_case: tuple[pd.DataFrame, pd.DataFrame, Any],
    shuffle_seed: int | None,
    contact_cuts: list[float],
    ready_cuts: list[float],
) -> None:
    from naersund.engine.compute import ComputeOptions, compute

    contacts, ready, baseline = compute_case
    if shuffle_seed is not None:
        contacts = contacts.sample(frac=1, random_state=shuffle_seed).reset_index(drop=True)
        ready = ready.sample(frac=1, random_state=shuffle_seed).reset_index(drop=True)
    with tempfile.TemporaryDirectory() as tmp:
        _write_parts(contacts, Path(tmp) / "contacts", _cut_points(len(contacts), contact_cuts))
        _write_parts(ready, Path(tmp) / "ready_for_discharge", _cut_points(len(ready), ready_cuts))
        got = compute(Path(tmp), ComputeOptions(years=YEARS, engine_options={"threads": 2}))
    pd.testing.assert_frame_equal(got.results, baseline.results, check_exact=True)
    assert_same_aggregates(got.aggregates, baseline.aggregates)


def test_compute_counts_an_exact_duplicate_ready_row_once_as_ingest_does(
    compute_case: tuple[pd.DataFrame, pd.DataFrame, Any],
) -> None:
    # Ingest keeps the first of identical rows and rejects the rest; compute on data that did
    # not pass through ingest must give the same days (five rows repeated in a second file).
    from naersund.engine.compute import ComputeOptions, compute

    contacts, ready, baseline = compute_case
    doubled = pd.concat([ready, ready.iloc[:5]], ignore_index=True)
    with tempfile.TemporaryDirectory() as tmp:
        _write_parts(contacts, Path(tmp) / "contacts", [])
        _write_parts(doubled, Path(tmp) / "ready_for_discharge", [len(ready)])
        got = compute(Path(tmp), ComputeOptions(years=YEARS, engine_options={"threads": 2}))
    pd.testing.assert_frame_equal(got.results, baseline.results, check_exact=True)


def _write_keyed(
    frame: pd.DataFrame, folder: Path, runs: list[str], null_key: bool = False
) -> None:
    """``frame`` in one file per entry of ``runs``, with naersund's person key (the rank of
    person_id) and each file's run named in its metadata; ``null_key`` blanks one key."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from naersund.registry.schema import PERSON_KEY, PERSON_KEY_METADATA

    frame = frame.assign(**{PERSON_KEY: frame["person_id"].rank(method="dense").astype("int64")})
    folder.mkdir(parents=True)
    edges = np.linspace(0, len(frame), len(runs) + 1).astype(int)
    for i, run in enumerate(runs):
        table = pa.Table.from_pandas(frame.iloc[edges[i] : edges[i + 1]], preserve_index=False)
        if null_key and i == 0:
            keys = table[PERSON_KEY].to_pylist()
            table = table.set_column(
                table.schema.get_field_index(PERSON_KEY),
                PERSON_KEY,
                pa.array([None, *keys[1:]], pa.int64()),
            )
        meta = {**(table.schema.metadata or {}), PERSON_KEY_METADATA.encode(): run.encode()}
        pq.write_table(table.replace_schema_metadata(meta), folder / f"part-{i}.parquet")


@pytest.mark.parametrize(
    ("runs", "null_key"),
    [
        (["one", "one"], False),  # one numbering: sorted on the key
        (["one", "two"], False),  # two runs' numberings are never mixed: sorted on person_id
        (["one", "one"], True),  # a row without a key: sorted on person_id
    ],
)
def test_compute_gives_the_same_results_with_or_without_the_person_key(
    compute_case: tuple[pd.DataFrame, pd.DataFrame, Any],
    runs: list[str],
    null_key: bool,
) -> None:
    from naersund.engine.compute import ComputeOptions, compute
    from naersund.engine.inputs import has_person_key
    from naersund.registry.ingest import find_table

    contacts, ready, baseline = compute_case
    with tempfile.TemporaryDirectory() as tmp:
        _write_keyed(contacts, Path(tmp) / "contacts", runs, null_key)
        _write_parts(ready, Path(tmp) / "ready_for_discharge", [])
        assert has_person_key(find_table(Path(tmp), "contacts")) == (runs[0] == runs[-1])
        got = compute(Path(tmp), ComputeOptions(years=YEARS, engine_options={"threads": 2}))
    pd.testing.assert_frame_equal(got.results, baseline.results, check_exact=True)
    assert_same_aggregates(got.aggregates, baseline.aggregates)


@pytest.mark.parametrize("statistics", [True, False])
def test_compute_reads_the_data_period_from_parquet_footers_or_counts_it(
    compute_case: tuple[pd.DataFrame, pd.DataFrame, Any], tmp_path: Path, statistics: bool
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from naersund.engine.compute import ComputeOptions, compute
    from naersund.engine.inputs import footer_bounds

    contacts, ready, baseline = compute_case
    (tmp_path / "contacts").mkdir()
    half = len(contacts) // 2
    for i, part in enumerate([contacts.iloc[:half], contacts.iloc[half:]]):
        table = pa.Table.from_pandas(part, preserve_index=False)
        pq.write_table(
            table, tmp_path / "contacts" / f"part-{i}.parquet", write_statistics=statistics
        )
    _write_parts(ready, tmp_path / "ready_for_discharge", [])
    bounds = footer_bounds(sorted((tmp_path / "contacts").glob("*.parquet")), keyed=False)
    if statistics:
        assert bounds is not None
        assert (bounds["first"], bounds["last"], bounds["n"]) == (
            contacts["start"].min(),
            contacts["start"].max(),
            len(contacts),
        )
    else:
        assert bounds is None  # no statistics: the engine counts instead
    got = compute(tmp_path, ComputeOptions(years=YEARS, engine_options={"threads": 2}))
    for key in ("data_period", "data_cut", "years"):
        assert got.meta[key] == baseline.meta[key]
    pd.testing.assert_frame_equal(got.results, baseline.results, check_exact=True)
