"""Statistical methods for public-health indicators, vectorised over numpy arrays.

Inputs may be scalars or array-likes; results are float arrays (0-d for scalar input) in frozen
dataclasses with the same field names everywhere (``value``, ``lower_ci``, ``upper_ci``).
Invalid input raises ``ValueError``; "not computable" (zero denominator, too few events) is NaN.
Confidence levels are fractions in (0, 1) such as 0.95 or 0.998, never percentages. Methods
and conventions follow UKHSA's PHEindicatormethods (v2.1.0) and the Fingertips guidance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special

FloatArray = npt.NDArray[np.float64]
CountMethod = Literal["byar", "exact"]

#: PHE convention: a DSR (and its limits) is not published when the total count is below this.
DSR_MIN_COUNT = 10
#: Below this many events a crude rate gets exact Poisson limits, from it on Byar's limits.
EXACT_BELOW = 10
#: Two-sided funnel tail probabilities: 95 % (0.025 each side) and 99.8 % (0.001 each side).
FUNNEL_95 = 0.025
FUNNEL_998 = 0.001


@dataclass(frozen=True)
class Interval:
    """Lower and upper confidence limits."""

    lower_ci: FloatArray
    upper_ci: FloatArray


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its lower and upper confidence limits."""

    value: FloatArray
    lower_ci: FloatArray
    upper_ci: FloatArray


@dataclass(frozen=True)
class FunnelLimits:
    """Funnel-plot control limits at 95 % and 99.8 %, one per denominator, and the baseline."""

    baseline: FloatArray
    lower_95: FloatArray
    upper_95: FloatArray
    lower_998: FloatArray
    upper_998: FloatArray


# --- validation helpers ------------------------------------------------------------------------


def _array(name: str, values: npt.ArrayLike) -> FloatArray:
    """Convert to a float array; reject non-numeric (text, bool) and non-finite values."""
    try:
        if np.asarray(values).dtype.kind in "bSUV":
            raise TypeError
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numeric") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no missing, NaN or infinite values)")
    return arr


def _non_negative(name: str, values: npt.ArrayLike) -> FloatArray:
    arr = _array(name, values)
    if np.any(arr < 0):
        raise ValueError(f"{name} must be greater than or equal to zero")
    return arr


def _positive(name: str, values: npt.ArrayLike) -> FloatArray:
    arr = _array(name, values)
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be greater than zero")
    return arr


def _scalar(name: str, value: float) -> float:
    arr = _array(name, value)
    if arr.ndim != 0:
        raise ValueError(f"{name} must be a single number")
    return float(arr)


def _same_length(**arrays: npt.NDArray[Any]) -> None:
    """Arrays must have equal shapes; a scalar (0-d) argument broadcasts against any shape."""
    if len({arr.shape for arr in arrays.values() if arr.ndim > 0}) > 1:
        names, sizes = list(arrays), [str(arr.size) for arr in arrays.values()]
        joined = ", ".join(names[:-1]) + " and " + names[-1]
        got = ", ".join(sizes[:-1]) + " and " + sizes[-1]
        raise ValueError(f"{joined} must have the same length (got {got})")


def _confidence(confidence: float) -> float:
    value = _scalar("confidence", confidence)
    if not 0 < value < 1:
        raise ValueError(
            "confidence must be a fraction strictly between 0 and 1, e.g. 0.95 or 0.998"
        )
    return value


def _multiplier(multiplier: float) -> float:
    value = _scalar("multiplier", multiplier)
    if value <= 0:
        raise ValueError("multiplier must be greater than zero")
    return value


def _z(confidence: float) -> float:
    """Two-sided standard normal quantile for a confidence level."""
    return float(special.ndtri(0.5 + confidence / 2))


# --- proportions and counts --------------------------------------------------------------------


def wilson(x: npt.ArrayLike, n: npt.ArrayLike, confidence: float = 0.95) -> Estimate:
    """Proportion x/n (a fraction, not a percentage) with Wilson score limits.

    Method: Wilson EB. Probable inference, the law of succession, and statistical inference.
    J Am Stat Assoc 1927;22:209-12. Limits are
    (2x + z^2 -/+ z sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2)). Where n == 0 all fields are NaN.
    """
    xa, na = _non_negative("x", x), _non_negative("n", n)
    _same_length(x=xa, n=na)
    if np.any(xa > na):
        raise ValueError("x must be less than or equal to n")
    z = _z(_confidence(confidence))

    with np.errstate(divide="ignore", invalid="ignore"):
        value = xa / na
        centre = 2 * xa + z**2
        spread = z * np.sqrt(z**2 + 4 * xa * (1 - value))
        denominator = 2 * (na + z**2)
        lower, upper = (centre - spread) / denominator, (centre + spread) / denominator

    empty = na == 0
    return Estimate(
        value=np.where(empty, np.nan, value),
        lower_ci=np.where(empty, np.nan, lower),
        upper_ci=np.where(empty, np.nan, upper),
    )


def byar(x: npt.ArrayLike, confidence: float = 0.95) -> Interval:
    """Byar's approximation to the exact Poisson limits of a count.

    Method: Breslow NE, Day NE. Statistical methods in cancer research, vol. II. Lyon: IARC;
    1987 (Byar's approximation): lower = x(1 - 1/(9x) - z/(3 sqrt x))^3,
    upper = (x+1)(1 - 1/(9(x+1)) + z/(3 sqrt(x+1)))^3. The lower limit is 0 for x == 0 and NaN
    where the bracket is negative (the approximation fails, e.g. x == 1 at 99.8 %).
    """
    xa = _non_negative("x", x)
    z = _z(_confidence(confidence))

    with np.errstate(divide="ignore", invalid="ignore"):
        base = 1 - 1 / (9 * xa) - z / (3 * np.sqrt(xa))
        lower = np.where(base < 0, np.nan, xa * base**3)
    upper = (xa + 1) * (1 - 1 / (9 * (xa + 1)) + z / (3 * np.sqrt(xa + 1))) ** 3

    return Interval(lower_ci=np.where(xa == 0, 0.0, lower), upper_ci=np.asarray(upper))


def exact_poisson(x: npt.ArrayLike, confidence: float = 0.95) -> Interval:
    """Exact Poisson limits of a count from chi-square (gamma) quantiles.

    Method: Garwood F. Fiducial limits for the Poisson distribution. Biometrika 1936;28:437-42;
    Ulm K. A simple method to calculate the confidence interval of a standardized mortality
    ratio. Am J Epidemiol 1990;131:373-5. lower = chi2(a/2; 2x)/2, upper = chi2(1 - a/2;
    2x + 2)/2 with a = 1 - confidence, computed as gamma quantiles; lower is 0 when x == 0.
    """
    xa = _non_negative("x", x)
    alpha = 1 - _confidence(confidence)

    with np.errstate(invalid="ignore"):
        lower = special.gammaincinv(xa, alpha / 2)
    upper = special.gammaincinv(xa + 1, 1 - alpha / 2)

    return Interval(lower_ci=np.where(xa == 0, 0.0, lower), upper_ci=np.asarray(upper))


def _count_limits(x: FloatArray, confidence: float, method: CountMethod) -> Interval:
    return byar(x, confidence) if method == "byar" else exact_poisson(x, confidence)


def rate(
    x: npt.ArrayLike, n: npt.ArrayLike, multiplier: float = 100000, confidence: float = 0.95
) -> Estimate:
    """Crude rate x/n * multiplier with exact Poisson limits below 10 events, Byar's otherwise.

    Method: as PHEindicatormethods ``phe_rate`` / ``calculate_crude_rate`` (Fingertips technical
    guidance): limits of the count by :func:`exact_poisson` (Garwood 1936; Ulm 1990) when
    x < 10, else by :func:`byar` (Breslow & Day 1987), divided by n. Where n == 0 all fields
    are NaN. x may exceed n (a rate is not a proportion).
    """
    xa, na = _non_negative("x", x), _non_negative("n", n)
    _same_length(x=xa, n=na)
    mult, conf = _multiplier(multiplier), _confidence(confidence)

    exact, byars = exact_poisson(xa, conf), byar(xa, conf)
    small = xa < EXACT_BELOW
    lower = np.where(small, exact.lower_ci, byars.lower_ci)
    upper = np.where(small, exact.upper_ci, byars.upper_ci)

    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(na == 0, np.nan, mult / na)
    return Estimate(value=xa * scale, lower_ci=lower * scale, upper_ci=upper * scale)


# --- directly standardised rates ---------------------------------------------------------------


def dsr_grouped(
    groups: npt.ArrayLike,
    x: npt.ArrayLike,
    n: npt.ArrayLike,
    standard_pop: npt.ArrayLike,
    multiplier: float = 100000,
    confidence: float = 0.95,
    *,
    count_method: CountMethod = "byar",
) -> tuple[npt.NDArray[np.generic], Estimate]:
    """Directly standardised rates for many areas at once, with Dobson limits.

    Rows are age bands; ``groups`` holds each row's area key, aligned with x (events), n
    (population) and standard_pop (standard population weight of the band). Returns the sorted
    unique keys and one :class:`Estimate` per key. Fully vectorised (``numpy.bincount``).

    Method: DSR = sum(w x/n) / sum(w) * multiplier; Dobson AJ, Kuulasmaa K, Eberle E, Scherer J.
    Confidence intervals for weighted sums of Poisson parameters. Stat Med 1991;10:457-62:
    limit = DSR + sqrt(var(DSR)/O) * (O_limit - O) with var(DSR) = sum(w^2 x/n^2)/sum(w)^2, O the
    total count and O_limit its limits by Byar's method (Breslow & Day 1987; as
    PHEindicatormethods and the Fingertips guidance) or, with ``count_method="exact"``, exact
    Poisson limits (Garwood 1936; Ulm 1990). PHE convention: value and limits are NaN when the
    total count is < 10. A band with n == 0 (and hence x == 0) has rate 0: it adds nothing to
    sum(w x/n) but its weight stays in sum(w); events in a band without population are rejected.
    """
    keys = np.asarray(groups)
    xa, na = _non_negative("x", x), _non_negative("n", n)
    wa = _non_negative("standard_pop", standard_pop)
    for name, arr in {"groups": keys, "x": xa, "n": na, "standard_pop": wa}.items():
        if arr.ndim != 1:
            raise ValueError(f"{name} must be one-dimensional")
    _same_length(x=xa, n=na, standard_pop=wa)
    _same_length(groups=keys, x=xa)
    if np.any((na == 0) & (xa > 0)):
        raise ValueError("x must be zero where n is zero (events in a band with no population)")
    if count_method not in ("byar", "exact"):
        raise ValueError("count_method must be 'byar' or 'exact'")
    mult, conf = _multiplier(multiplier), _confidence(confidence)
    codes, uniques = pd.factorize(keys, sort=True)
    if np.any(codes < 0):
        raise ValueError("groups must not contain missing keys")

    size = len(uniques)
    with np.errstate(divide="ignore", invalid="ignore"):
        weight_per_person = np.where(na == 0, 0.0, wa / na)
    weighted, squared, total_weight, total = (
        np.bincount(codes, weights, minlength=size).astype(np.float64)
        for weights in (xa * weight_per_person, xa * weight_per_person**2, wa, xa)
    )
    limits = _count_limits(total, conf, count_method)

    with np.errstate(divide="ignore", invalid="ignore"):
        value = weighted / total_weight
        spread = np.sqrt(squared / total_weight**2 / total)
        lower = value + spread * (limits.lower_ci - total)
        upper = value + spread * (limits.upper_ci - total)

    suppressed = (total < DSR_MIN_COUNT) | (total_weight == 0)
    return np.asarray(uniques), Estimate(
        value=np.where(suppressed, np.nan, value * mult),
        lower_ci=np.where(suppressed, np.nan, lower * mult),
        upper_ci=np.where(suppressed, np.nan, upper * mult),
    )


def dsr(
    x: npt.ArrayLike,
    n: npt.ArrayLike,
    standard_pop: npt.ArrayLike,
    multiplier: float = 100000,
    confidence: float = 0.95,
    *,
    count_method: CountMethod = "byar",
) -> Estimate:
    """Directly standardised rate of one area (rows = age bands) with the Dobson interval.

    Method and conventions as :func:`dsr_grouped` (Dobson et al. 1991; NaN when the total count
    is < 10; a band with n == 0 contributes 0). Fields are 0-d arrays.
    """
    xa = _non_negative("x", x)
    if xa.ndim != 1 or xa.size == 0:
        raise ValueError("x must be a one-dimensional array with at least one age band")

    area = np.zeros(xa.shape, dtype=np.int64)
    _, est = dsr_grouped(
        area, xa, n, standard_pop, multiplier, confidence, count_method=count_method
    )

    return Estimate(est.value.reshape(()), est.lower_ci.reshape(()), est.upper_ci.reshape(()))


# --- funnel plots ------------------------------------------------------------------------------


def funnel_limits_proportion(
    target_proportion: float, denominators: npt.ArrayLike, multiplier: float = 1
) -> FunnelLimits:
    """Funnel-plot control limits for a proportion at each denominator.

    Method: Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
    2005;24:1185-202, with the Fingertips / PHEindicatormethods ``calculate_funnel_limits``
    choice for proportions: a limit is the observed proportion whose Wilson (1927) score limit
    equals the target p. Solving Wilson's quadratic for the observed proportion gives
    p -/+ z sqrt(p(1 - p)/n), z for 0.975 and 0.999 (two-sided 95 % and 99.8 %), clipped to
    [0, 1]. Limits and baseline are scaled by ``multiplier`` (100 = percentage).
    """
    target = _scalar("target_proportion", target_proportion)
    if not 0 <= target <= 1:
        raise ValueError("target_proportion must be between 0 and 1")
    denom = _positive("denominators", denominators)
    mult = _multiplier(multiplier)

    def limits(tail: float) -> tuple[FloatArray, FloatArray]:
        half = float(special.ndtri(1 - tail)) * np.sqrt(target * (1 - target) / denom)
        return np.clip(target - half, 0, 1) * mult, np.clip(target + half, 0, 1) * mult

    return _funnel(limits, np.full(denom.shape, target * mult))


def _funnel(
    limits: Callable[[float], tuple[FloatArray, FloatArray]], baseline: FloatArray
) -> FunnelLimits:
    (lower_95, upper_95), (lower_998, upper_998) = limits(FUNNEL_95), limits(FUNNEL_998)
    return FunnelLimits(baseline, lower_95, upper_95, lower_998, upper_998)


def _gamma_shape(q: float, mu: FloatArray) -> FloatArray:
    """Shape a > 0 with Q(a, mu) = q (regularised upper incomplete gamma), i.e. the continuous
    count k = a - 1 with P(Poisson(mu) <= k) = q. ``pdtrik`` stops at k = 0, so a in (0, 1] is
    found by bisection (Q(a, mu) increases with a)."""
    shape = special.pdtrik(q, mu) + 1.0
    low_mask = shape <= 1.0
    if np.any(low_mask):
        m = mu[low_mask]
        lo, hi = np.zeros_like(m), np.ones_like(m)
        for _ in range(80):
            mid = (lo + hi) / 2
            below = special.gammaincc(mid, m) < q
            lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
        shape[low_mask] = (lo + hi) / 2
    return np.asarray(shape, dtype=np.float64)


def funnel_limits_rate(
    target_rate: float, denominators: npt.ArrayLike, multiplier: float = 100000
) -> FunnelLimits:
    """Funnel-plot control limits for a (crude or directly standardised) rate per multiplier.

    Method: Spiegelhalter (2005) with exact Poisson limits, as Fingertips /
    PHEindicatormethods ``calculate_funnel_limits(statistic = "rate")``: with expected count
    mu = target_rate / multiplier * denominator, the lower limit is O/denominator * multiplier
    for the (continuous) count O whose exact upper Poisson limit (Garwood 1936) equals mu, the
    upper limit likewise for the count whose exact lower limit equals mu; tails 0.025 and
    0.001. The lower limit is 0 where no non-negative count qualifies.

    For DSRs pass the DSR target and the equivalent populations from
    :func:`dsr_equivalent_populations`; the target is then sum(x) / sum(populations) *
    multiplier, the equivalent populations ignoring areas with no events.
    """
    target = _scalar("target_rate", target_rate)
    if target <= 0:
        raise ValueError("target_rate must be greater than zero")
    denom = _positive("denominators", denominators)
    mult = _multiplier(multiplier)

    flat = np.atleast_1d(denom)
    mu, scale = target / mult * flat, mult / flat

    def limits(tail: float) -> tuple[FloatArray, FloatArray]:
        lower = np.maximum(_gamma_shape(tail, mu) - 1.0, 0.0) * scale
        upper = _gamma_shape(1 - tail, mu) * scale
        return lower.reshape(denom.shape), upper.reshape(denom.shape)

    return _funnel(limits, np.full(denom.shape, target))


def dsr_equivalent_populations(
    x: npt.ArrayLike, dsr_values: npt.ArrayLike, multiplier: float = 100000
) -> FloatArray:
    """Population for which each area's DSR would be its crude rate: x * multiplier / DSR.

    Method: Fingertips / PHEindicatormethods ``calculate_funnel_points`` (rate_type "dsr"),
    the denominator used to place DSRs on a Poisson funnel (Spiegelhalter 2005). NaN where
    x == 0 (no events, no equivalent population).
    """
    xa, values = _non_negative("x", x), _non_negative("dsr_values", dsr_values)
    _same_length(x=xa, dsr_values=values)
    if np.any((values == 0) & (xa > 0)):
        raise ValueError("dsr_values must be greater than zero where x is greater than zero")
    mult = _multiplier(multiplier)

    with np.errstate(divide="ignore", invalid="ignore"):
        populations = xa * mult / values
    return np.where(xa == 0, np.nan, populations)
