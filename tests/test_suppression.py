"""Small-number suppression: hand-made cases and property tests that no masked count can be
recovered from what is published.

The reader's knowledge is modelled as: every published (visible) count, the sums
``region = sum of its municipalities`` and ``land = sum of the regions`` over the *whole*
hierarchy (cells of a level left out of the table are unknowns), rows the table left out of a
published level (zero rows an aggregation dropped) as known, and non-negativity.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from naersund.errors import NaersundError
from naersund.suppression import (
    DERIVED_COLUMNS,
    NOT_COMPARED,
    SuppressionError,
    SuppressionRule,
    suppress,
)

LEVELS = ("kommune", "region", "land")
VALUE_COLUMNS = list(DERIVED_COLUMNS)


# --- building result tables ---------------------------------------------------------------


def _rows(
    indicator: str,
    year: int,
    region_of: dict[int, int],
    num: dict[int, int],
    den: dict[int, float],
    levels: tuple[str, ...] = LEVELS,
    dropped: frozenset[int] = frozenset(),
) -> list[dict[str, object]]:
    """Rows of one indicator × year with totals summed from the municipalities."""
    rows: list[dict[str, object]] = []

    def add(level: str, code: int, x: float, n: float) -> None:
        value = 1000 * x / n if n > 0 else np.nan
        rows.append(
            {
                "indicator": indicator,
                "level": level,
                "area_code": code,
                "year": year,
                "numerator": x,
                "denominator": n,
                "value": value,
                "lower_ci": value - 1,
                "upper_ci": value + 1,
                "std_value": value * 1.1,
                "std_lower_ci": value * 1.1 - 1,
                "std_upper_ci": value * 1.1 + 1,
                "comparison": "similar",
                "suppressed": False,
            }
        )

    if "kommune" in levels:
        for m in sorted(region_of):
            if m not in dropped:
                add("kommune", m, num[m], den[m])
    if "region" in levels:
        for r in sorted(set(region_of.values())):
            ms = [m for m in region_of if region_of[m] == r]
            add("region", r, sum(num[m] for m in ms), sum(den[m] for m in ms))
    if "land" in levels:
        add("land", 0, sum(num.values()), sum(den.values()))
    return rows


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows).astype({"area_code": "int64", "year": "int64"})


def _row(out: pd.DataFrame, level: str, code: int, indicator: str | None = None) -> pd.Series:
    sel = (out["level"] == level) & (out["area_code"] == code)
    if indicator is not None:
        sel &= out["indicator"] == indicator
    assert sel.sum() == 1
    return out[sel].iloc[0]


def _masked(out: pd.DataFrame, column: str = "numerator") -> set[tuple[str, int]]:
    m = out[out[column].isna()]
    return set(zip(m["level"], m["area_code"], strict=True))


# two regions: 1081 = {101, 102, 103, 104}, 1082 = {201, 202, 203}
REGION_OF = {101: 1081, 102: 1081, 103: 1081, 104: 1081, 201: 1082, 202: 1082, 203: 1082}
POP = {m: 10_000.0 for m in REGION_OF}


def _rate(num: dict[int, int], **kw: object) -> pd.DataFrame:
    return _frame(_rows("rate", 2020, REGION_OF, num, POP, **kw))  # type: ignore[arg-type]


# --- hand-made cases ----------------------------------------------------------------------


def test_one_small_municipality_forces_the_smallest_nonzero_other() -> None:
    num = {101: 3, 102: 0, 103: 40, 104: 12, 201: 50, 202: 60, 203: 70}
    out = suppress(_rate(num), REGION_OF, {"rate": False})
    # 102 is zero: skipped in favour of the smallest non-zero (12), not the largest.
    assert _masked(out) == {("kommune", 101), ("kommune", 104)}
    assert out["suppressed"].sum() == 2
    r = _row(out, "kommune", 101)
    assert r[VALUE_COLUMNS].isna().all()
    assert r["denominator"] == 10_000  # population stays visible
    assert r["comparison"] == NOT_COMPARED
    assert _row(out, "kommune", 103)["numerator"] == 40


def test_small_region_is_masked_and_protected_in_the_country_sum() -> None:
    num = {101: 2, 102: 0, 103: 0, 104: 0, 201: 50, 202: 60, 203: 70}
    out = suppress(_rate(num), REGION_OF, {"rate": False})
    # The region (2) is small too: masked with 101; the country equation then needs a second
    # region, which needs a second municipality (smallest, 201).
    assert _masked(out) == {
        ("kommune", 101),
        ("region", 1081),
        ("region", 1082),
        ("kommune", 201),
    }


def test_masked_region_pulls_in_another_region_and_its_municipality() -> None:
    num = {101: 1, 102: 1, 103: 0, 104: 0, 201: 50, 202: 9, 203: 70}
    out = suppress(_rate(num), REGION_OF, {"rate": False})
    assert _masked(out) == {
        ("kommune", 101),
        ("kommune", 102),
        ("region", 1081),
        ("region", 1082),
        ("kommune", 202),  # smallest in 1082
    }
    assert not np.isnan(_row(out, "land", 0)["numerator"])


def test_min_count_is_a_setting() -> None:
    num = {101: 3, 102: 20, 103: 40, 104: 12, 201: 50, 202: 60, 203: 2}
    default = suppress(_rate(num), REGION_OF, {"rate": False})
    assert ("kommune", 101) in _masked(default)
    three = suppress(_rate(num), REGION_OF, {"rate": False}, SuppressionRule(min_count=3))
    assert ("kommune", 101) not in _masked(three)  # 3 is shown with min_count=3
    assert ("kommune", 203) in _masked(three)
    off = suppress(_rate(num), REGION_OF, {"rate": False}, SuppressionRule(min_count=1))
    assert not off["suppressed"].any()


def test_nothing_small_nothing_masked_and_rows_unchanged() -> None:
    num = {101: 0, 102: 5, 103: 40, 104: 12, 201: 0, 202: 60, 203: 70}
    df = _rate(num)
    out = suppress(df, REGION_OF, {"rate": False})
    assert not out["suppressed"].any()
    pd.testing.assert_frame_equal(
        out.drop(columns=["numerator", "denominator"]),
        df.drop(columns=["numerator", "denominator"]),
    )
    np.testing.assert_array_equal(out["numerator"], df["numerator"].astype(float))


def test_proportion_small_denominator_is_masked_large_one_kept() -> None:
    num = {101: 2, 102: 30, 103: 40, 104: 12, 201: 0, 202: 60, 203: 70}
    den = {101: 50.0, 102: 90.0, 103: 80.0, 104: 20.0, 201: 3.0, 202: 100.0, 203: 200.0}
    df = _frame(_rows("share", 2020, REGION_OF, num, den))
    out = suppress(df, REGION_OF, {"share": True})
    assert _masked(out, "numerator") == {("kommune", 101), ("kommune", 104)}
    assert _row(out, "kommune", 101)["denominator"] == 50  # nothing publishes den - num
    # 201 has 0 events (shown) among 3 index admissions (masked) and a partner denominator.
    assert _masked(out, "denominator") == {("kommune", 201), ("kommune", 202)}
    r = _row(out, "kommune", 201)
    assert r["numerator"] == 0 and r["suppressed"] and r[VALUE_COLUMNS].isna().all()
    assert set(out.loc[out["suppressed"], "area_code"]) == {101, 104, 201, 202}


def test_rate_denominator_is_never_masked_even_when_small() -> None:
    pop = {m: 3.0 for m in REGION_OF}
    df = _frame(_rows("rate", 2020, REGION_OF, dict.fromkeys(REGION_OF, 0), pop))
    out = suppress(df, REGION_OF, {"rate": False})
    assert not out["suppressed"].any()
    assert (out["denominator"] == df["denominator"]).all()


def test_masked_country_blanks_every_comparison() -> None:
    num = {101: 2, 102: 0, 103: 0, 104: 0, 201: 0, 202: 0, 203: 0}
    out = suppress(_rate(num), REGION_OF, {"rate": False})
    assert ("land", 0) in _masked(out)
    assert (out["comparison"] == NOT_COMPARED).all()
    assert ("kommune", 103) not in _masked(out)


def test_indicators_and_years_are_separate_tables() -> None:
    small = {101: 3, 102: 20, 103: 40, 104: 12, 201: 50, 202: 60, 203: 70}
    big = {m: 100 for m in REGION_OF}
    df = _frame(
        _rows("a", 2020, REGION_OF, small, POP)
        + _rows("a", 2021, REGION_OF, big, POP)
        + _rows("b", 2020, REGION_OF, big, POP)
    )
    out = suppress(df, REGION_OF, {"a": False, "b": False})
    masked = out[out["suppressed"]]
    assert set(zip(masked["indicator"], masked["year"], strict=True)) == {("a", 2020)}


def test_region_only_table_needs_a_second_region() -> None:
    num = {101: 1, 102: 1, 103: 0, 104: 0, 201: 50, 202: 9, 203: 70}
    out = suppress(_rate(num, levels=("region", "land")), REGION_OF, {"rate": False})
    assert _masked(out) == {("region", 1081), ("region", 1082)}


def test_existing_flag_is_kept_and_input_untouched() -> None:
    num = {101: 3, 102: 20, 103: 40, 104: 12, 201: 50, 202: 60, 203: 70}
    df = _rate(num)
    df.loc[df["area_code"] == 203, "suppressed"] = True
    before = df.copy()
    out = suppress(df, pd.Series(REGION_OF), pd.Series({"rate": False}))
    pd.testing.assert_frame_equal(df, before)
    assert _row(out, "kommune", 203)["suppressed"]
    assert list(out.index) == list(df.index)


def test_empty_table() -> None:
    df = _rate(dict.fromkeys(REGION_OF, 10)).iloc[0:0]
    out = suppress(df, REGION_OF, {})
    assert len(out) == 0 and "suppressed" in out.columns


# --- ties, eligible regions, the total as the last partner, missing counts ---------------------

# three regions, for ties between regions: 1083 = {301, 302, 303}
REGION_OF3 = REGION_OF | {301: 1083, 302: 1083, 303: 1083}


def _rate3(num: dict[int, float]) -> pd.DataFrame:
    pop = {m: 10_000.0 for m in REGION_OF3}
    return _frame(_rows("rate", 2020, REGION_OF3, num, pop))  # type: ignore[arg-type]


def _without(df: pd.DataFrame, cells: list[tuple[str, int]], column: str = "numerator") -> None:
    """Blank (NaN) the count of each (level, area) cell: a missing count."""
    for level, code in cells:
        df.loc[(df["level"] == level) & (df["area_code"] == code), column] = np.nan


def _suppressed(out: pd.DataFrame) -> set[tuple[str, int]]:
    m = out[out["suppressed"]]
    return set(zip(m["level"], m["area_code"], strict=True))


@pytest.mark.parametrize("reverse", [False, True], ids=["rows-in-order", "rows-reversed"])
def test_equal_counts_give_the_partner_with_the_lowest_area_code(reverse: bool) -> None:
    num = {101: 3, 102: 40, 103: 12, 104: 12, 201: 50, 202: 60, 203: 70}
    df = _rate(num)
    out = suppress(df.iloc[::-1] if reverse else df, REGION_OF, {"rate": False})
    assert _masked(out) == {("kommune", 101), ("kommune", 103)}  # 103 and 104 tie at 12


@pytest.mark.parametrize("reverse", [False, True], ids=["rows-in-order", "rows-reversed"])
def test_equal_regions_give_the_partner_region_with_the_lowest_code(reverse: bool) -> None:
    # 1081 (= 2) is masked with 101; the country sum needs another region: 1082 and 1083 both
    # hold 30, so 1082; 1082's sum then needs one of 201, 202, 203 (10 each): 201.
    num = {101: 2, 102: 0, 103: 0, 104: 0, 201: 10, 202: 10, 203: 10, 301: 10, 302: 10, 303: 10}
    df = _rate3(num)
    out = suppress(df.iloc[::-1] if reverse else df, REGION_OF3, {"rate": False})
    assert _masked(out) == {
        ("kommune", 101),
        ("region", 1081),
        ("region", 1082),
        ("kommune", 201),
    }


def test_a_region_without_published_municipalities_is_no_partner() -> None:
    # 1082 (20) is the smallest region besides the masked 1081, but its municipalities' counts
    # are missing, so masking it would hide nothing: the partner is 1083 (60), with 301 (10).
    num = {101: 2, 102: 0, 103: 0, 104: 0, 201: 5, 202: 7, 203: 8, 301: 10, 302: 20, 303: 30}
    df = _rate3(num)
    _without(df, [("kommune", 201), ("kommune", 202), ("kommune", 203)])
    out = suppress(df, REGION_OF3, {"rate": False})
    assert _suppressed(out) == {
        ("kommune", 101),
        ("region", 1081),
        ("region", 1083),
        ("kommune", 301),
    }
    assert _row(out, "region", 1082)["numerator"] == 20


def test_with_no_member_left_the_total_is_masked_and_protected_one_level_up() -> None:
    # 101 (3) is small; 102-104 are missing (known to the reader, no cover), so the region's
    # total (50) is masked instead, and the country sum then takes 1082 and its smallest, 201.
    num = {101: 3, 102: 7, 103: 20, 104: 20, 201: 50, 202: 60, 203: 70}
    df = _rate(num)
    _without(df, [("kommune", 102), ("kommune", 103), ("kommune", 104)])
    out = suppress(df, REGION_OF, {"rate": False})
    assert _suppressed(out) == {
        ("kommune", 101),
        ("region", 1081),
        ("region", 1082),
        ("kommune", 201),
    }
    assert _row(out, "land", 0)["numerator"] == 230
    assert out.loc[out["level"] == "kommune", "numerator"].isna().sum() == 5  # 3 missing, 2 masked


def test_a_missing_count_is_never_a_partner() -> None:
    # 102 is missing: it cannot cover 101 however small it might be; 103 (12) does.
    num = {101: 3, 102: 0, 103: 12, 104: 40, 201: 50, 202: 60, 203: 70}
    df = _rate(num)
    _without(df, [("kommune", 102)])
    out = suppress(df, REGION_OF, {"rate": False})
    assert _suppressed(out) == {("kommune", 101), ("kommune", 103)}


def test_a_count_nothing_can_cover_stops_with_a_message_naming_it() -> None:
    # 101 (3) is small, its neighbours and its region's total are all missing: no cell of the
    # sum can be masked with it.
    num = {101: 3, 102: 7, 103: 20, 104: 20, 201: 50, 202: 60, 203: 70}
    df = _rate(num)
    _without(df, [("kommune", 102), ("kommune", 103), ("kommune", 104), ("region", 1081)])
    with pytest.raises(SuppressionError) as info:
        suppress(df, REGION_OF, {"rate": False})
    assert str(info.value) == (
        "kan ikke diskretionere rate 2020, felt numerator: kommune 101 skal skjules, men summen "
        "for region 1081 har ingen anden offentliggjort celle, der kan skjules sammen med den "
        "(et tal mangler, eller summen passer ikke med sine dele); ret tallene, før de "
        "offentliggøres"
    )
    # shown to the user as it is (the CLI prints it), and still a ValueError for callers
    assert isinstance(info.value, NaersundError) and isinstance(info.value, ValueError)


def test_an_uncoverable_protected_denominator_is_named_with_its_own_row() -> None:
    # Two indicators; only "share" protects its denominator, so its rows are a subset: the
    # message must name share's row (kommune 201), not the row at the same place in the table.
    num = {m: 20 for m in REGION_OF}
    den = {101: 80.0, 102: 90.0, 103: 80.0, 104: 30.0, 201: 3.0, 202: 100.0, 203: 200.0}
    df = _frame(
        _rows("rate", 2020, REGION_OF, num, POP) + _rows("share", 2021, REGION_OF, num, den)
    )
    share = df["indicator"] == "share"
    for level, code in [("kommune", 202), ("kommune", 203), ("region", 1082)]:
        df.loc[share & (df["level"] == level) & (df["area_code"] == code), "denominator"] = np.nan
    with pytest.raises(
        SuppressionError,
        match=r"^kan ikke diskretionere share 2021, felt "
        r"denominator: kommune 201 skal skjules, men summen for region 1082 ",
    ):
        suppress(df, REGION_OF, {"rate": False, "share": True})


def test_an_uncoverable_region_names_the_country_sum() -> None:
    # Regions and country only: 1081 (2) is small, 1082 is missing and so is the country.
    num = {101: 1, 102: 1, 103: 0, 104: 0, 201: 50, 202: 9, 203: 70}
    df = _rate(num, levels=("region", "land"))
    _without(df, [("region", 1082), ("land", 0)])
    with pytest.raises(SuppressionError, match=r"region 1081 skal skjules, men summen for land 0 "):
        suppress(df, REGION_OF, {"rate": False})


@pytest.mark.parametrize("bad", [0, -5])
def test_rule_rejects_bad_threshold(bad: int) -> None:
    with pytest.raises(ValueError):
        SuppressionRule(min_count=bad)
    with pytest.raises(TypeError):
        SuppressionRule(min_count=True)
    with pytest.raises(TypeError):
        SuppressionRule(min_count=4.5)  # type: ignore[arg-type]


def test_bad_input_is_refused() -> None:
    df = _rate(dict.fromkeys(REGION_OF, 10))
    with pytest.raises(ValueError, match="count_denominator"):
        suppress(df, REGION_OF, {})
    with pytest.raises(ValueError, match="area codes"):
        suppress(df, {m: r for m, r in REGION_OF.items() if m != 101}, {"rate": False})
    with pytest.raises(ValueError, match="more than one row"):
        suppress(pd.concat([df, df.iloc[:1]]), REGION_OF, {"rate": False})
    with pytest.raises(ValueError, match="lack"):
        suppress(df.drop(columns="numerator"), REGION_OF, {"rate": False})
    with pytest.raises(ValueError, match="level"):
        suppress(df.assign(level="amt"), REGION_OF, {"rate": False})
    neg = df.copy()
    neg.loc[0, "numerator"] = -1
    with pytest.raises(ValueError, match="negative"):
        suppress(neg, REGION_OF, {"rate": False})


# --- property tests -------------------------------------------------------------------------


@dataclass
class Case:
    region_of: dict[int, int]
    proportion: dict[str, bool]
    levels: dict[str, tuple[str, ...]]
    # (indicator, year) -> (numerators, denominators, dropped municipalities)
    tables: dict[tuple[str, int], tuple[dict[int, int], dict[int, float], frozenset[int]]]
    min_count: int

    def frame(self) -> pd.DataFrame:
        rows: list[dict[str, object]] = []
        for (ind, year), (num, den, dropped) in self.tables.items():
            rows += _rows(ind, year, self.region_of, num, den, self.levels[ind], dropped)
        return _frame(rows)


counts = st.one_of(st.integers(0, 10), st.integers(0, 10), st.integers(0, 4), st.integers(11, 500))


@st.composite
def cases(draw: st.DrawFn) -> Case:
    sizes = draw(st.lists(st.integers(1, 8), min_size=1, max_size=4))
    region_of = {
        100 * (r + 1) + i: 1081 + r for r, size in enumerate(sizes) for i in range(1, size + 1)
    }
    n_ind = draw(st.integers(1, 3))
    proportion = {f"i{k}": draw(st.booleans()) for k in range(n_ind)}
    level_choices: st.SearchStrategy[tuple[str, ...]] = st.sampled_from(
        [LEVELS] * 4 + [("region", "land"), ("kommune", "land"), ("kommune", "region")]
    )
    levels = {ind: draw(level_choices) for ind in proportion}
    years = range(2015, 2015 + draw(st.integers(1, 3)))
    drop_zeros = draw(st.booleans())
    tables = {}
    for ind, is_prop in proportion.items():
        for year in years:
            num = {m: draw(counts) for m in region_of}
            if is_prop:
                den = {m: float(num[m] + draw(counts)) for m in region_of}
            else:
                den = {m: float(draw(st.integers(0, 50_000))) for m in region_of}
            dropped = frozenset(
                m for m in region_of if drop_zeros and num[m] == 0 and (not is_prop or den[m] == 0)
            )
            tables[(ind, year)] = (num, den, dropped)
    min_count = draw(st.sampled_from([5, 5, 3, 2, 10]))
    return Case(region_of, proportion, levels, tables, min_count)


@dataclass
class Exposure:
    """One count column of one indicator × year as the reader sees it."""

    cells: list[tuple[str, int]]
    truth: np.ndarray
    known: np.ndarray  # reader knows the value
    masked: np.ndarray  # published row with the count masked
    equations: np.ndarray  # one row per sum: total - members = 0


def _exposures(case: Case, out: pd.DataFrame) -> list[Exposure]:
    regions = sorted(set(case.region_of.values()))
    cells = [("land", 0)] + [("region", r) for r in regions]
    cells += [("kommune", m) for m in sorted(case.region_of)]
    index = {c: i for i, c in enumerate(cells)}
    eqs = []
    for r in regions:
        row = np.zeros(len(cells))
        row[index[("region", r)]] = 1
        for m, rr in case.region_of.items():
            if rr == r:
                row[index[("kommune", m)]] = -1
        eqs.append(row)
    row = np.zeros(len(cells))
    row[0] = 1
    for r in regions:
        row[index[("region", r)]] = -1
    eqs.append(row)
    equations = np.array(eqs)

    result = []
    for (ind, year), (num, den, _dropped) in case.tables.items():
        part = out[(out["indicator"] == ind) & (out["year"] == year)]
        columns = ["numerator", "denominator"] if case.proportion[ind] else ["numerator"]
        for column in columns:
            base = num if column == "numerator" else den
            truth = np.zeros(len(cells))
            for m, x in base.items():
                truth[index[("kommune", m)]] = x
                truth[index[("region", case.region_of[m])]] += x
                truth[0] += x
            published_levels = case.levels[ind]
            known = np.array([level in published_levels for level, _ in cells])
            masked = np.zeros(len(cells), dtype=bool)
            for level, code, value in zip(
                part["level"], part["area_code"], part[column], strict=True
            ):
                if np.isnan(value):
                    masked[index[(level, code)]] = True
                    known[index[(level, code)]] = False
            result.append(Exposure(cells, truth, known, masked, equations))
    return result


def _determined(e: Exposure, j: int) -> bool:
    """Is unknown cell ``j`` fixed by the sums and the known cells (linear algebra)?"""
    a_unknown = e.equations[:, ~e.known]
    col = int(np.flatnonzero(~e.known).tolist().index(j))
    unit = np.zeros(a_unknown.shape[1])
    unit[col] = 1
    rank = np.linalg.matrix_rank(a_unknown)
    return bool(np.linalg.matrix_rank(np.vstack([a_unknown, unit])) == rank)


FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(cases())
def test_no_masked_count_can_be_recovered(case: Case) -> None:
    rule = SuppressionRule(case.min_count)
    out = suppress(case.frame(), case.region_of, case.proportion, rule)
    for e in _exposures(case, out):
        for j in np.flatnonzero(e.masked):
            assert not _determined(e, int(j)), (e.cells[j], e.truth[j])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_masked_small_counts_are_not_pinned_by_non_negativity(case: Case) -> None:
    """Every masked small count c could as well be c - 1 (sums, known cells and x >= 0)."""
    rule = SuppressionRule(case.min_count)
    out = suppress(case.frame(), case.region_of, case.proportion, rule)
    for e in _exposures(case, out):
        unknown = np.flatnonzero(~e.known)
        a_unknown = e.equations[:, unknown]
        b = -e.equations[:, e.known] @ e.truth[e.known]
        for j in np.flatnonzero(e.masked):
            if not 0 < e.truth[j] < case.min_count:
                continue
            c = (unknown == j).astype(float)
            low = linprog(c, A_eq=a_unknown, b_eq=b, bounds=(0, None), method="highs")
            assert low.status == 0
            assert low.fun <= e.truth[j] - 1 + 1e-9, (e.cells[j], e.truth[j], low.fun)


@FAST
@given(cases())
def test_published_counts_and_values(case: Case) -> None:
    df = case.frame()
    rule = SuppressionRule(case.min_count)
    out = suppress(df, case.region_of, case.proportion, rule)
    assert list(out.index) == list(df.index)
    assert list(out.columns) == list(df.columns)
    prop = out["indicator"].map(case.proportion).astype(bool)

    # Every visible protected count is 0 or at least min_count.
    for column, protected in (("numerator", np.ones(len(out), bool)), ("denominator", prop)):
        shown = out.loc[protected & out[column].notna(), column]
        assert ((shown == 0) | (shown >= case.min_count)).all()

    # Populations are never masked; masked counts are exactly the NaN ones.
    np.testing.assert_array_equal(out.loc[~prop, "denominator"], df.loc[~prop, "denominator"])
    masked = out["numerator"].isna() | (prop & out["denominator"].isna())
    assert (out["suppressed"] == masked).all()

    # Masked rows lose every derived value.
    assert out.loc[masked, VALUE_COLUMNS].isna().all().all()
    assert (out.loc[masked, "comparison"] == NOT_COMPARED).all()

    # Unmasked rows are unchanged (comparison only blanked when the country is masked).
    keep = ~masked
    for column in ["numerator", "denominator", *VALUE_COLUMNS]:
        np.testing.assert_array_equal(
            out.loc[keep, column].to_numpy(float), df.loc[keep, column].to_numpy(float)
        )
    land_masked = out[(out["level"] == "land") & masked][["indicator", "year"]]
    blank = pd.MultiIndex.from_frame(out[["indicator", "year"]]).isin(
        pd.MultiIndex.from_frame(land_masked)
    )
    expected = df["comparison"].where(~(masked.to_numpy() | blank), NOT_COMPARED)
    assert (out["comparison"] == expected).all()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.randoms(use_true_random=False))
def test_deterministic_and_independent_of_row_order(case: Case, rnd: random.Random) -> None:
    df = case.frame()
    rule = SuppressionRule(case.min_count)
    first = suppress(df, case.region_of, case.proportion, rule)
    pd.testing.assert_frame_equal(first, suppress(df, case.region_of, case.proportion, rule))
    order = list(df.index)
    rnd.shuffle(order)
    shuffled = suppress(df.loc[order], case.region_of, case.proportion, rule)
    pd.testing.assert_frame_equal(shuffled.loc[df.index], first)
