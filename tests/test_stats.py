"""Tests of naersund.stats, including a conformance check against published reference values.

Reference values: UKHSA's R package PHEindicatormethods v2.1.0 (github.com/ukhsa-collaboration/
PHEindicatormethods, tests/testthat, commit 093fd28, GPL-3). The files are read at test time from
``../shared/reference-tests/PHEindicatormethods/`` next to the repository and are never copied
into it (see that folder's README). Tolerances are stated per test: ``rtol=1e-6`` (relative)
where the reference holds full double precision, ``atol=1e-6`` (absolute) where it is rounded
to six decimals (funnel proportions, in percent).

Deliberate deviations from PHEindicatormethods, tested here: missing (NA) inputs raise
``ValueError`` instead of giving NA results; confidence levels are fractions only (no 95 / 99.8).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats

from naersund.stats import (
    Estimate,
    Interval,
    byar,
    dsr,
    dsr_equivalent_populations,
    dsr_grouped,
    exact_poisson,
    funnel_limits_proportion,
    funnel_limits_rate,
    rate,
    wilson,
)
from require import require_or_skip

REF = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "reference-tests"
    / "PHEindicatormethods"
)
RTOL = 1e-6  # relative, for reference values given to full double precision
ATOL_ROUNDED = 1e-6  # absolute, for reference values rounded to 6 decimals

#: European Standard Population 2013, 19 bands 0-4 ... 90+ (reference README).
# fmt: off
ESP2013 = np.array([5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
                    7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000], dtype=float)
# fmt: on


@pytest.fixture(scope="module")
def ref() -> Path:
    if not REF.is_dir():
        require_or_skip("REFERENCE_DATA", f"PHEindicatormethods reference data not found at {REF}")
    return REF


def read(ref: Path, name: str) -> pd.DataFrame:
    path = ref / "csv" / name if (ref / "csv" / name).exists() else ref / name
    return pd.read_csv(path, encoding="utf-8-sig")


def confidence_of(label: str) -> float:
    return {"95%": 0.95, "99.8%": 0.998}[label]


def close(actual: object, expected: object, rtol: float = RTOL, atol: float = 0.0) -> None:
    np.testing.assert_allclose(
        np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), rtol=rtol, atol=atol
    )


# --- reference conformance: Byar and Wilson -----------------------------------------------------


def test_byar_reference(ref: Path) -> None:
    """testdata_Byars_Wilson: Byar rows; the last row (x = 1 at 99.8 %) has no lower limit."""
    data = read(ref, "testdata_Byars_Wilson__testdata_B_W.csv")
    for label, rows in data[data["method"] == "Byars"].groupby("confidence"):
        result = byar(rows["x"].to_numpy(), confidence_of(str(label)))
        close(result.lower_ci, rows["lowercl"])  # NaN where the reference has NA
        close(result.upper_ci, rows["uppercl"])


def test_wilson_reference(ref: Path) -> None:
    data = read(ref, "testdata_Byars_Wilson__testdata_B_W.csv")
    for label, rows in data[data["method"] == "Wilson"].groupby("confidence"):
        result = wilson(rows["x"].to_numpy(), rows["n"].to_numpy(), confidence_of(str(label)))
        close(result.lower_ci, rows["lowercl"])
        close(result.upper_ci, rows["uppercl"])


# --- reference conformance: proportions and rates -----------------------------------------------


def complete(data: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    has_input = data["Numerator"].notna() & data["Denominator"].notna()
    return data[has_input], data[~has_input]


def missing_message(row: pd.Series) -> str:
    name = "x" if pd.isna(row["Numerator"]) else "n"
    return f"{name} must be finite (no missing, NaN or infinite values)"


@pytest.mark.parametrize("two_levels", [True, False], ids=["Prop", "Prop_g"])
def test_proportion_reference(ref: Path, two_levels: bool) -> None:
    name = "testdata_Proportion__testdata_Prop" + ("" if two_levels else "_g") + ".csv"
    rows, missing = complete(read(ref, name))
    x, n, mult = (rows[c].to_numpy() for c in ("Numerator", "Denominator", "multiplier"))
    levels = {"95_0": 0.95, "99_8": 0.998} if two_levels else {"": 0.95}
    for suffix, confidence in levels.items():
        result = wilson(x, n, confidence)
        close(result.value * mult, rows["value"])
        close(result.lower_ci * mult, rows[f"lower{suffix}cl"])
        close(result.upper_ci * mult, rows[f"upper{suffix}cl"])
    assert len(missing) == 3  # NA inputs: PHE gives NA, naersund rejects them
    for _, row in missing.iterrows():
        with pytest.raises(ValueError) as raised:
            wilson(row["Numerator"], row["Denominator"])
        assert str(raised.value) == missing_message(row)


@pytest.mark.parametrize("two_levels", [True, False], ids=["Rate", "Rate_g"])
def test_rate_reference(ref: Path, two_levels: bool) -> None:
    name = "testdata_Rate__testdata_Rate" + ("" if two_levels else "_g") + ".csv"
    rows, missing = complete(read(ref, name))
    levels = {"95_0": 0.95, "99_8": 0.998} if two_levels else {"": 0.95}
    for _, group in rows.groupby("multiplier"):
        mult = float(group["multiplier"].iloc[0])
        x, n = group["Numerator"].to_numpy(), group["Denominator"].to_numpy()
        assert ((x < 10) == (group["method"] == "Exact")).all()
        for suffix, confidence in levels.items():
            result = rate(x, n, multiplier=mult, confidence=confidence)
            close(result.value, group["value"])
            close(result.lower_ci, group[f"lower{suffix}cl"])
            close(result.upper_ci, group[f"upper{suffix}cl"])
    assert len(missing) == 3
    for _, row in missing.iterrows():
        with pytest.raises(ValueError) as raised:
            rate(row["Numerator"], row["Denominator"])
        assert str(raised.value) == missing_message(row)


# --- reference conformance: directly standardised rates -----------------------------------------


def test_dsr_multiarea_reference(ref: Path) -> None:
    """testresults_DSR rows for testdata_big/small/tiny (esp2013), per 10,000 and 100,000, both
    confidence levels; tiny has 9 events so everything is NA. PHE treats the one missing count
    (testdata_tiny, 10-14) as zero; naersund rejects NaN, so the test fills it explicitly."""
    data = read(ref, "testdata_DSR_ISR__testdata_multiarea.csv")
    expected = read(ref, "testdata_DSR_ISR__testresults_DSR.csv")
    counts = data["count"].fillna(0).to_numpy()
    weights = np.tile(ESP2013, data["area"].nunique())
    for mult in (10000, 100000):
        want = expected[
            expected["statistic"].isin([f"dsr per {mult}", "dsr NA for total count < 10"])
        ]
        want = want[want["area"].isin(data["area"])].drop_duplicates("area").set_index("area")
        for suffix, confidence in {"95_0": 0.95, "99_8": 0.998}.items():
            keys, est = dsr_grouped(data["area"], counts, data["pop"], weights, mult, confidence)
            areas = [str(key) for key in keys]
            assert areas == ["testdata_big", "testdata_small", "testdata_tiny"]
            close(est.value, want.loc[areas, "value"])
            close(est.lower_ci, want.loc[areas, f"lower{suffix}cl"])
            close(est.upper_ci, want.loc[areas, f"upper{suffix}cl"])
    assert np.isnan(dsr(counts[-19:], data["pop"][-19:], ESP2013).value)


def test_dsr_1976_reference(ref: Path) -> None:
    """testdata_1976 with its own esp1976 weights: value and 95 % limits match. The published
    99.8 % limits are exactly 10 times too large (7659-9599 around a DSR of 859 per 10,000), a
    defect of the reference file that PHE's own tests never compare; we check that factor."""
    data = read(ref, "testdata_DSR_ISR__testdata_1976.csv")
    expected = read(ref, "testdata_DSR_ISR__testresults_DSR.csv")
    want = expected[expected["area"] == "testdata_1976"].reset_index(drop=True)
    x, n, w = data["count"], data["pop"], data["esp1976"]
    for i, mult in enumerate((10000, 100000)):
        assert want.loc[i, "statistic"] == f"dsr per {mult}"
        est = dsr(x, n, w, multiplier=mult)
        close(est.value, want.loc[i, "value"])
        close(est.lower_ci, want.loc[i, "lower95_0cl"])
        close(est.upper_ci, want.loc[i, "upper95_0cl"])
        est = dsr(x, n, w, multiplier=mult, confidence=0.998)
        close(est.lower_ci * 10, want.loc[i, "lower99_8cl"])
        close(est.upper_ci * 10, want.loc[i, "upper99_8cl"])


@pytest.mark.parametrize(
    ("sheet", "message"),
    [
        ("err1", "x must be greater than or equal to zero"),
        ("err2", "x must be zero where n is zero (events in a band with no population)"),
        ("err3", "n must be greater than or equal to zero"),
        ("err4", "standard_pop must be greater than or equal to zero"),
    ],
)
def test_dsr_reference_errors(ref: Path, sheet: str, message: str) -> None:
    data = read(ref, f"testdata_DSR_ISR__testdata_{sheet}.csv")
    weights = data["stdpop"] if "stdpop" in data else np.tile(ESP2013, 2)
    groups = data["area"] if "area" in data else np.zeros(len(data))
    with pytest.raises(ValueError) as raised:
        dsr_grouped(groups, data["count"], data["pop"], weights)
    assert str(raised.value) == message


# --- reference conformance: funnel plots ---------------------------------------------------------


def test_funnel_proportion_reference(ref: Path) -> None:
    """testdata_funnel_prop_*: limits in percent rounded to 6 decimals, so absolute 1e-6."""
    inputs = read(ref, "testdata_funnel_prop_inputs.csv")
    outputs = read(ref, "testdata_funnel_prop_outputs.csv")
    target = inputs["numerator"].sum() / inputs["denominator"].sum()
    limits = funnel_limits_proportion(target, outputs["Population"], multiplier=100)
    for field, column in [
        ("baseline", "Baseline"),
        ("lower_95", "Lower2s0025limit"),
        ("upper_95", "Upper2s0025limit"),
        ("lower_998", "Lower3s0001limit"),
        ("upper_998", "Upper3s0001limit"),
    ]:
        close(getattr(limits, field), outputs[column], rtol=0, atol=ATOL_ROUNDED)
    # The inputs' significance labels follow from the limits at each area's own denominator.
    at_areas = funnel_limits_proportion(target, inputs["denominator"])
    observed = inputs["numerator"] / inputs["denominator"]
    assert (significance(observed, at_areas) == inputs["significance"]).all()


def significance(values: object, limits: object) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    lo95, up95, lo998, up998 = (
        getattr(limits, f) for f in ("lower_95", "upper_95", "lower_998", "upper_998")
    )
    return np.select(
        [v < lo998, v < lo95, v > up998, v > up95],
        ["Low (0.001)", "Low (0.025)", "High (0.001)", "High (0.025)"],
        "Not significant",
    )


def test_funnel_rate_dsr_reference(ref: Path) -> None:
    """testdata_funnel_rate_outputs: DSR funnel per 100,000 over 3 years of data, tabulated by
    events with the 1-year population at which each limit is reached. We evaluate our limits at
    those populations (x 3 years). PHE finds each population by bisection that stops at
    dv <= 1e-7 on v = mu/(1 + O + mu), leaving the reference up to 5e-5 off the exact Poisson
    limit for 1-2 events; there we allow relative 1e-5, elsewhere relative 1e-6."""
    points = read(ref, "testdata_funnel_rate_input_funnels.csv")
    outputs = read(ref, "testdata_funnel_rate_outputs.csv")
    years, mult = 3, 100000
    populations = dsr_equivalent_populations(points["ev"], points["rate"], mult)
    # NA in the file marks the row PHE's points test cuts to 5 events (too few for a DSR).
    derived = points["denominator_derived"].notna().to_numpy()
    close(populations[derived] / years, points["denominator_derived"][derived])
    target = points["ev"].sum() / np.nansum(populations) * mult
    close(target, outputs["baseline"])
    few = outputs["Events"].to_numpy() < 3
    for field, prefix in [
        ("lower_95", "lower_2s"),
        ("upper_95", "upper_2s"),
        ("lower_998", "lower_3s"),
        ("upper_998", "upper_3s"),
    ]:
        limits = funnel_limits_rate(target, outputs[f"{prefix}_population_1_year"] * years, mult)
        got, want = getattr(limits, field), outputs[f"{prefix}_limit"].to_numpy()
        close(got[~few], want[~few])
        close(got[few], want[few], rtol=1e-5)


def test_funnel_rate_significance_reference(ref: Path) -> None:
    """testdata_funnel_rate_dsr_inputs: significance labels of crude rates (per 100,000 and per
    100, with the zero-count area) and of DSRs per 100,000 with at least 10 events."""
    data = read(ref, "testdata_funnel_rate_dsr_inputs.csv")
    pop = data["pop"].to_numpy(dtype=float)
    for mult, column, rates in [
        (100000, "crude_per_100000_with_0", "rate_crude_per_100000"),
        (100, "crude_per_100_with_0", "rate_crude_per_100"),
    ]:
        limits = funnel_limits_rate(data["count"].sum() / pop.sum() * mult, pop, mult)
        assert (significance(data[rates], limits) == data[column]).all()
    rows = data[data["count"] >= 10]
    populations = dsr_equivalent_populations(rows["count"], rows["rate_dsr"])
    limits = funnel_limits_rate(rows["count"].sum() / populations.sum() * 1e5, populations)
    assert (significance(rows["rate_dsr"], limits) == rows["dsr_per_100000_with_0"]).all()


# --- behaviour without reference data -----------------------------------------------------------


def test_scalars_give_zero_dimensional_arrays() -> None:
    est = wilson(65, 100)
    assert isinstance(est, Estimate) and isinstance(est.value, np.ndarray)
    assert est.value.shape == () and est.lower_ci.shape == ()
    interval = byar(65)
    assert isinstance(interval, Interval) and interval.upper_ci.shape == ()
    assert rate([1, 20], [100, 100]).value.shape == (2,)
    with pytest.raises(AttributeError):
        est.value = np.asarray(0.0)  # type: ignore[misc]


def test_zero_denominators_and_zero_counts() -> None:
    est = wilson([0, 3], [0, 10])
    assert np.isnan([est.value[0], est.lower_ci[0], est.upper_ci[0]]).all()
    assert est.lower_ci[1] < 0.3 < est.upper_ci[1]
    assert np.isnan(rate(5, 0).value)
    assert exact_poisson(0).lower_ci == 0 and byar(0).lower_ci == 0
    close(exact_poisson(0).upper_ci, -np.log(0.025))


def test_exact_poisson_matches_chi_square_and_byar() -> None:
    x = np.array([1.0, 4, 9, 50, 1000])
    for confidence in (0.95, 0.998):
        alpha = 1 - confidence
        exact = exact_poisson(x, confidence)
        close(exact.lower_ci, stats.chi2.ppf(alpha / 2, 2 * x) / 2, rtol=1e-10)
        close(exact.upper_ci, stats.chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2, rtol=1e-10)
        close(byar(x[3:], confidence).upper_ci, exact.upper_ci[3:], rtol=1e-3)


def test_dsr_grouped_is_order_free_and_matches_single_area() -> None:
    rng = np.random.default_rng(7)
    x = rng.integers(0, 40, size=(3, 19)).astype(float)
    n = rng.integers(500, 2000, size=(3, 19)).astype(float)
    n[0, 2], x[0, 2] = 0, 0  # a band without population contributes nothing
    groups = np.repeat(["b", "a", "c"], 19)
    order = rng.permutation(groups.size)
    w = np.tile(ESP2013, 3)
    keys, est = dsr_grouped(groups[order], x.ravel()[order], n.ravel()[order], w[order])
    assert list(keys) == ["a", "b", "c"]
    for key, row in zip("bac", range(3), strict=True):
        single = dsr(x[row], n[row], ESP2013, count_method="byar")
        close(est.value[list(keys).index(key)], single.value, rtol=1e-12)
    kept = np.arange(19) != 2  # the zero band's rate counts as 0, its weight stays in sum(w)
    manual = (x[0][kept] * ESP2013[kept] / n[0][kept]).sum() / ESP2013.sum() * 1e5
    close(dsr(x[0], n[0], ESP2013).value, manual, rtol=1e-12)
    exact = dsr(x[1], n[1], ESP2013, count_method="exact")
    byars = dsr(x[1], n[1], ESP2013)
    close(exact.lower_ci, byars.lower_ci, rtol=1e-3)


def test_funnel_rate_limits_are_exact_poisson_tails() -> None:
    target, denominators = 120.0, np.array([10.0, 500, 20000, 3e6])
    limits = funnel_limits_rate(target, denominators)
    mu = target / 1e5 * denominators
    for tail, lower, upper in [
        (0.025, limits.lower_95, limits.upper_95),
        (0.001, limits.lower_998, limits.upper_998),
    ]:
        lower_count, upper_count = lower * denominators / 1e5, upper * denominators / 1e5
        assert lower_count[0] == 0  # expected 0.012 events: no count is low enough
        positive = lower_count > 0
        close(special.gammaincc(lower_count[positive] + 1, mu[positive]), tail, rtol=1e-8)
        close(special.gammaincc(upper_count, mu), 1 - tail, rtol=1e-8)
    assert limits.upper_95[0] * 10 / 1e5 < 1  # an upper count below one event is solved too
    assert (limits.lower_95 >= limits.lower_998).all()
    assert (limits.upper_95 <= limits.upper_998).all()


def test_funnel_proportion_clips_to_range() -> None:
    limits = funnel_limits_proportion(0.9, [1, 10000], multiplier=100)
    assert limits.upper_998[0] == 100 and limits.lower_998[1] > 89
    close(limits.baseline, [90, 90])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: wilson(-1, 10), "x must be greater than or equal to zero"),
        (lambda: wilson(11, 10), "x must be less than or equal to n"),
        (lambda: wilson([1, 2], [3, 4, 5]), "x and n must have the same length (got 2 and 3)"),
        (lambda: wilson(np.nan, 10), "x must be finite (no missing, NaN or infinite values)"),
        (lambda: wilson(1, np.inf), "n must be finite (no missing, NaN or infinite values)"),
        (lambda: wilson("a", 10), "x must be numeric"),
        (lambda: wilson(["1"], [10]), "x must be numeric"),
        (lambda: rate([True], [10]), "x must be numeric"),
        (lambda: byar(-4), "x must be greater than or equal to zero"),
        (
            lambda: byar(5, 95),
            "confidence must be a fraction strictly between 0 and 1, e.g. 0.95 or 0.998",
        ),
        (
            lambda: exact_poisson(5, 0),
            "confidence must be a fraction strictly between 0 and 1, e.g. 0.95 or 0.998",
        ),
        (
            lambda: exact_poisson(5, 1.0),
            "confidence must be a fraction strictly between 0 and 1, e.g. 0.95 or 0.998",
        ),
        (lambda: exact_poisson(5, "0.95"), "confidence must be numeric"),  # type: ignore[arg-type]
        (lambda: rate(5, -1), "n must be greater than or equal to zero"),
        (lambda: rate(5, 10, multiplier=0), "multiplier must be greater than zero"),
        (lambda: rate(5, 10, multiplier=[1, 2]), "multiplier must be a single number"),  # type: ignore[arg-type]
        (
            lambda: dsr([1, 2], [10, 10], [1, 2, 3]),
            "x, n and standard_pop must have the same length (got 2, 2 and 3)",
        ),
        (lambda: dsr([], [], []), "x must be a one-dimensional array with at least one age band"),
        (lambda: dsr_grouped([[1]], [1], [1], [1]), "groups must be one-dimensional"),
        (
            lambda: dsr_grouped(np.array(["a", None]), [1, 1], [1, 1], [1, 1]),
            "groups must not contain missing keys",
        ),
        (
            lambda: dsr_grouped(["a"], [1, 1], [1, 1], [1, 1]),
            "groups and x must have the same length (got 1 and 2)",
        ),
        (
            lambda: dsr([1], [1], [1], count_method="normal"),  # type: ignore[arg-type]
            "count_method must be 'byar' or 'exact'",
        ),
        (lambda: funnel_limits_proportion(1.5, [10]), "target_proportion must be between 0 and 1"),
        (lambda: funnel_limits_proportion(0.5, [10, 0]), "denominators must be greater than zero"),
        (lambda: funnel_limits_rate(0, [10]), "target_rate must be greater than zero"),
        (lambda: funnel_limits_rate([1, 2], [10]), "target_rate must be a single number"),  # type: ignore[arg-type]
        (
            lambda: dsr_equivalent_populations([5, 0], [0, 0]),
            "dsr_values must be greater than zero where x is greater than zero",
        ),
    ],
)
def test_invalid_input_messages(call: object, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        call()  # type: ignore[operator]
    assert str(raised.value) == message
