"""naersund.stats against values worked from the published formulas: tests that always run.

``test_stats.py`` compares with PHEindicatormethods' test data, which lives outside the
repository (``../shared/reference-tests/``). These tests need nothing outside it: every expected
value below is a literal, worked from the textbook formula named beside it in a scratch
computation written independently of ``naersund.stats`` (plain Python: ``math`` and
``statistics.NormalDist`` for the normal quantile, Poisson tails summed term by term and solved by
bisection), with the derivation in a comment. Where a published worked example exists its
printed (rounded) figures are checked too, so that the full-precision literals are anchored to
the literature, not only to the scratch computation.

Tolerances: ``rel=1e-9`` against the full-precision literals (what the code computes agrees with
them to about 1e-15; the slack is for libm differences), and half a unit of the last printed
decimal against published rounded figures. A change as small as the normal quantile times
1.001 moves every limit below by more than 1e-5 relative, so none of these can pass by accident.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from naersund.stats import byar, dsr, exact_poisson, rate, wilson

FULL = 1e-9  # relative, against the literals worked at full double precision

# The two-sided normal quantiles, z = Phi^-1(0.5 + confidence/2), from
# statistics.NormalDist().inv_cdf: 0.95 -> 1.9599639845400536, 0.998 -> 3.090232306167813.


def _same(actual: object, expected: float) -> None:
    assert float(np.asarray(actual)) == pytest.approx(expected, rel=FULL, abs=1e-15)


# --- Wilson score interval ----------------------------------------------------------------------
#
# Wilson EB. Probable inference, the law of succession, and statistical inference. J Am Stat Assoc
# 1927;22:209-12. With p = x/n and z as above the limits are
#     (2x + z^2 -/+ z sqrt(z^2 + 4x(1 - p))) / (2(n + z^2)).
# Newcombe RG. Two-sided confidence intervals for the single proportion: comparison of seven
# methods. Stat Med 1998;17:857-72, table II, method 3 (score, without continuity correction)
# prints the 95 % limits of four worked examples to four decimals; they are the ``printed``
# column. Worked in full, e.g. 81/263: z^2 = 3.84145882, 2x + z^2 = 165.84145882,
# 4x(1 - p) = 324 * 182/263 = 224.21292776, sqrt(z^2 + 224.21292776) = 15.10146968,
# z * that = 29.59833669, 2(n + z^2) = 533.68291764, so the limits are
# 136.24312213 / 533.68291764 = 0.25528852 and 195.43979551 / 533.68291764 = 0.36620958.

NEWCOMBE_1998 = [
    # x, n, printed (lower, upper), full precision (lower, upper)
    (81, 263, (0.2553, 0.3662), (0.2552885198782742, 0.36620957698280004)),
    (15, 148, (0.0624, 0.1605), (0.062386399530736276, 0.160487241723308)),
    (0, 20, (0.0000, 0.1611), (0.0, 0.16112515805281932)),
    (1, 29, (0.0061, 0.1718), (0.0061132142927626506, 0.17175521879320285)),
]


@pytest.mark.parametrize(("x", "n", "printed", "full"), NEWCOMBE_1998)
def test_wilson_gives_newcombes_worked_examples(
    x: int, n: int, printed: tuple[float, float], full: tuple[float, float]
) -> None:
    result = wilson(x, n, 0.95)
    _same(result.value, x / n)
    assert float(result.lower_ci) == pytest.approx(printed[0], abs=0.5e-4)
    assert float(result.upper_ci) == pytest.approx(printed[1], abs=0.5e-4)
    _same(result.lower_ci, full[0])
    _same(result.upper_ci, full[1])


def test_wilson_at_99_8_percent() -> None:
    # 81/263 with z = 3.090232306167813 (z^2 = 9.54953571): centre 2x + z^2 = 171.54953571,
    # spread z sqrt(z^2 + 224.21292776) = 47.24746545, denominator 2(263 + z^2) = 545.09907141.
    result = wilson(81, 263, 0.998)
    _same(result.lower_ci, 0.2280357402420048)
    _same(result.upper_ci, 0.4013894219093696)


def test_wilson_all_successes_reach_one_exactly() -> None:
    # x = n: the spread is z sqrt(z^2) = z^2, so the upper limit is (2n + 2z^2)/(2(n + z^2)) = 1;
    # the lower limit is 2n / (2(n + z^2)) = 29 / 32.84145882.
    result = wilson(29, 29, 0.95)
    assert float(result.upper_ci) == pytest.approx(1.0, abs=1e-15)
    _same(result.lower_ci, 0.8830302015002593)


# --- Byar's approximation to the Poisson limits of a count --------------------------------------
#
# Breslow NE, Day NE. Statistical methods in cancer research, vol. II. Lyon: IARC; 1987, as used by
# PHEindicatormethods (``byars_lower``/``byars_upper``) and the Fingertips technical guidance:
#     lower = x (1 - 1/(9x) - z/(3 sqrt x))^3,
#     upper = (x + 1)(1 - 1/(9(x + 1)) + z/(3 sqrt(x + 1)))^3.
# E.g. x = 20 at 95 %: 1 - 1/180 - 1.95996398/(3 * 4.47213595) = 0.84835735, cubed 0.61057144,
# times 20 = 12.2114288; 1 - 1/189 + 1.95996398/(3 * 4.58257569) = 1.13727540, cubed 1.47094668,
# times 21 = 30.8898804. The x = 1 row equals PHEindicatormethods' own Byar test row
# (0.01307213290150435, 5.5637555824752605).

BYAR_95 = [
    # x, lower, upper
    (0, 0.0, 3.6680118321737507),
    (1, 0.01307213290150435, 5.5637555824752605),
    (5, 1.6113477157471938, 11.668164123398595),
    (20, 12.211428834875935, 30.88988036919706),
    (100, 81.36210549052788, 121.6279375792065),
    (1000, 938.9724987154902, 1063.9525812714862),
]


@pytest.mark.parametrize(("x", "lower", "upper"), BYAR_95)
def test_byar_limits_from_the_formula(x: int, lower: float, upper: float) -> None:
    result = byar(x, 0.95)
    _same(result.lower_ci, lower)
    _same(result.upper_ci, upper)


def test_byar_at_99_8_percent() -> None:
    # x = 20, z = 3.09023231: 1 - 1/180 - 3.09023231/13.41640786 = 0.76411213, cubed x 20;
    # 1 - 1/189 + 3.09023231/13.74772708 = 1.21949032, cubed x 21.
    result = byar(20, 0.998)
    _same(result.lower_ci, 8.922802365144193)
    _same(result.upper_ci, 38.08503562504191)


def test_byar_approximates_the_exact_limits_closely_from_twenty_events() -> None:
    """What Byar's approximation is for (Breslow & Day 1987): from about 20 events it is within
    a fraction of a percent of the exact limits (Garwood 1936; literals below)."""
    for x, exact in GARWOOD_95.items():
        if x >= 20:
            approx = byar(x, 0.95)
            assert float(approx.lower_ci) == pytest.approx(exact[0], rel=1e-3)
            assert float(approx.upper_ci) == pytest.approx(exact[1], rel=1e-3)


# --- exact Poisson limits -----------------------------------------------------------------------
#
# Garwood F. Fiducial limits for the Poisson distribution. Biometrika 1936;28:437-42: the lower
# limit is the mean mu with P(X >= x | mu) = a/2, the upper the mu with P(X <= x | mu) = a/2
# (a = 1 - confidence). Worked by summing the Poisson terms exp(-mu) mu^i / i! and bisecting on
# mu. Closed forms check two of them: x = 0 gives upper = -ln(0.025) = 3.68887945; x = 1 gives
# lower = -ln(0.975) = 0.02531781. The classic tables (e.g. Breslow & Day 1987, appendix; Ulm
# 1990) print x = 1: 0.0253-5.5716, x = 5: 1.6235-11.6683, x = 10: 4.7954-18.3904.

GARWOOD_95 = {
    0: (0.0, 3.688879454113936),
    1: (0.025317807984289953, 5.571643390938897),
    5: (1.6234863901184227, 11.668332079322667),
    10: (4.795388696132429, 18.39035604201778),
    20: (12.216519585403983, 30.888377902674584),
    100: (81.3639912509212, 121.62679379242635),
    1000: (938.973018407703, 1063.9521360163003),
}
GARWOOD_PRINTED = {1: (0.0253, 5.5716), 5: (1.6235, 11.6683), 10: (4.7954, 18.3904)}


@pytest.mark.parametrize("x", sorted(GARWOOD_95))
def test_exact_poisson_limits(x: int) -> None:
    result = exact_poisson(x, 0.95)
    lower, upper = GARWOOD_95[x]
    _same(result.lower_ci, lower)
    _same(result.upper_ci, upper)
    if x in GARWOOD_PRINTED:
        assert float(result.lower_ci) == pytest.approx(GARWOOD_PRINTED[x][0], abs=0.5e-4)
        assert float(result.upper_ci) == pytest.approx(GARWOOD_PRINTED[x][1], abs=0.5e-4)


def test_exact_poisson_closed_forms() -> None:
    _same(exact_poisson(0, 0.95).upper_ci, -np.log(0.025))
    _same(exact_poisson(1, 0.95).lower_ci, -np.log(0.975))


# --- crude rates: exact below 10 events, Byar from 10 -------------------------------------------


def test_rate_uses_exact_limits_below_ten_events_and_byar_from_ten() -> None:
    # 5 events in 20,000 person-years per 100,000: 25; limits = Garwood(5) / 20000 * 100000.
    small = rate(5, 20_000, 100_000, 0.95)
    _same(small.value, 25.0)
    _same(small.lower_ci, 1.6234863901184227 * 5)
    _same(small.upper_ci, 11.668332079322667 * 5)
    # 20 events: 100 per 100,000; limits = Byar(20) * 5.
    large = rate(20, 20_000, 100_000, 0.95)
    _same(large.value, 100.0)
    _same(large.lower_ci, 12.211428834875935 * 5)
    _same(large.upper_ci, 30.88988036919706 * 5)


# --- directly standardised rate with Dobson limits ----------------------------------------------
#
# Dobson AJ, Kuulasmaa K, Eberle E, Scherer J. Confidence intervals for weighted sums of Poisson
# parameters. Stat Med 1991;10:457-62, with Byar's limits for the total count as in
# PHEindicatormethods' ``calculate_dsr``:
#     DSR = sum(w x/n) / sum(w);  var = sum(w^2 x/n^2) / sum(w)^2;  O = sum(x);
#     limit = DSR + sqrt(var / O) (O_limit - O).
# Three bands, x = 2, 10, 30 events in n = 1000, 2000, 1500 people, standard weights
# w = 5000, 7000, 4000 (sum 16000):
#     sum(w x/n) = 10 + 35 + 80 = 125, DSR = 125/16000 = 0.0078125 -> 781.25 per 100,000;
#     sum(w^2 x/n^2) = 50 + 122.5 + 213.33333 = 385.83333, var = 385.83333 / 16000^2;
#     O = 42, Byar(42) at 95 % = 30.26671719 .. 56.77323874;
#     sqrt(var/O) = sqrt(385.83333/42)/16000 = 1.89433e-4;
#     lower = (0.0078125 - 1.89433e-4 * 11.73328281) * 1e5 = 558.983105,
#     upper = (0.0078125 + 1.89433e-4 * 14.77323874) * 1e5 = 1061.103641.
# The same scratch formula reproduces PHEindicatormethods' ``testdata_small`` DSR
# (110.3212025300104, 87.7455767536709 .. 136.70882227251795) exactly.


def test_dsr_with_dobson_limits_worked_by_hand() -> None:
    x, n, w = [2, 10, 30], [1000, 2000, 1500], [5000, 7000, 4000]
    result = dsr(x, n, w, 100_000, 0.95)
    _same(result.value, 781.25)
    _same(result.lower_ci, 558.9831045796012)
    _same(result.upper_ci, 1061.1036405130928)
    wide = dsr(x, n, w, 100_000, 0.998)  # Byar(42) at 99.8 %
    _same(wide.value, 781.25)
    _same(wide.lower_ci, 454.52542945888877)
    _same(wide.upper_ci, 1239.0822015628075)


def test_dsr_is_not_given_below_ten_events() -> None:
    # PHE convention (and PHEindicatormethods): fewer than 10 events in total -> no DSR.
    result = dsr([2, 3, 4], [1000, 2000, 1500], [5000, 7000, 4000], 100_000, 0.95)
    assert np.isnan(result.value) and np.isnan(result.lower_ci) and np.isnan(result.upper_ci)


def test_events_in_a_band_without_population_leave_that_area_year_unstandardised() -> None:
    # Two municipalities, men 65-69 and 70-74. Area 101 has 12 events in 70-74 where its
    # population on 1 January was 0 (someone aged into the band): its rate there is undefined,
    # so 101 gets no standardised value; area 147 is standardised as always:
    # DSR = (w1 * 6/600 + w2 * 8/400) / (w1 + w2) * 1000 with w1 = 3000, w2 = 1000
    #     = (30 + 20) / 4000 * 1000 = 12.5 per 1,000.
    import math

    from naersund.engine.results import _standardise
    from naersund.indicators import load_definitions

    d = {x.id: x for x in load_definitions()}["forebyggelige_indlaeggelser_65"]
    strata = pd.DataFrame(
        {
            "level": "kommune",
            "area_code": [101, 101, 147, 147],
            "year": 2014,
            "age_lower": [65, 70, 65, 70],
            "sex": "M",
            "x": [5.0, 12.0, 6.0, 8.0],
            "n": [500.0, 0.0, 600.0, 400.0],
        }
    )
    standard = pd.DataFrame(
        {"age_group": ["65-69", "70-74"], "sex": "M", "standard_pop": [3000.0, 1000.0]}
    )
    out = _standardise(d, strata, standard, ["level", "area_code", "year"], 0.95)
    got = out.set_index("area_code")
    assert math.isnan(got.loc[101, "std_value"]) and math.isnan(got.loc[101, "std_lower_ci"])
    assert got.loc[147, "std_value"] == pytest.approx(12.5)
