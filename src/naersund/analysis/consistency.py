"""Whether a published row's numbers agree with its counts.

A results file carries counts (``numerator``, ``denominator``) beside numbers derived from them
(the crude value and interval, the standardised value and interval, the verdict against
Denmark). Small-number suppression protects the counts; a derived number that does not belong
to its count (a value of 12345.6 beside a count of 7, an upper limit of 99999) may carry
anything, so publication checks every visible row against the methods that computed it:

* counts: whole, not negative; a proportion's numerator at most its denominator;
* crude value and interval: recomputed exactly from the counts with the engine's own rule
  (:func:`naersund.engine.results.crude_estimate`), equal within rounding;
* standardised value and interval (Dobson et al. 1991, :func:`naersund.stats.dsr_grouped`):
  the age and sex strata are not published, so the value cannot be recomputed, but the interval
  can be tied to the count O = ``numerator``. Dobson's limits are
  ``DSR + k (O_limit - O)`` with one ``k = sqrt(var(DSR)/O)`` for both sides and O's limits by
  Byar's method, so both sides must give the same ``k``; and with ``a_i`` the strata's terms of
  the DSR and ``x_i >= 1`` their counts, ``var(DSR) = sum(a_i^2 / x_i)`` lies between
  ``DSR^2 / O`` (Cauchy-Schwarz) and ``DSR^2``, so ``DSR / O <= k <= DSR / sqrt(O)``. Below
  ``stats.DSR_MIN_COUNT`` events there is no standardised value at all;
* totals: a region's counts the sum of its municipalities', Denmark's the sum of the regions'
  (:func:`sum_problems`);
* the verdict (better / similar / worse): recomputed from the intervals by the engine's rule
  (:func:`naersund.engine.results.compare_with_national`).

Messages are Danish and name the field; the caller adds file and row.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from naersund import stats
from naersund.engine.results import compare_with_national, crude_estimate
from naersund.indicators import IndicatorDefinition

#: Relative difference allowed between a number in the file and the same number recomputed.
RTOL = 1e-6
_ATOL = 1e-9
STD = ("std_value", "std_lower_ci", "std_upper_ci")

Problem = tuple[int, str, str]  # (row position in the table, field, message)


def _g(v: float) -> str:
    """A recomputed number, to six significant digits."""
    return f"{v:.6g}"


def _n(v: float) -> str:
    """A number as the file has it (a population of millions in full, not 5.8e+06)."""
    return f"{v:.10g}"


def count_problems(numerator: float, denominator: float, proportion: bool) -> list[tuple[str, str]]:
    """What is wrong with one row's counts (field, message); NaN (hidden) counts are fine.
    A rate's denominator is a population (it may be estimated, so need not be whole)."""
    out: list[tuple[str, str]] = []
    for field, v in (("numerator", numerator), ("denominator", denominator)):
        if math.isnan(v):
            continue
        if v < 0:
            out.append((field, f"{_n(v)} er negativ (et antal kan ikke være under 0)"))
        elif (field == "numerator" or proportion) and v != math.floor(v):
            out.append((field, f"{_n(v)} er ikke et helt tal (et antal)"))
    if not out and proportion and numerator > denominator:
        out.append(
            ("numerator", f"{_n(numerator)} er større end nævneren {_n(denominator)} (en andel)")
        )
    return out


def crude_problems(
    table: pd.DataFrame, d: IndicatorDefinition, confidence: float, columns: tuple[str, ...]
) -> list[Problem]:
    """Rows of ``table`` (one indicator; visible rows with both counts) whose crude value or
    interval (``columns``: value, lower_ci, upper_ci) is not the one their counts give."""
    x = table["numerator"].to_numpy(np.float64)
    n = table["denominator"].to_numpy(np.float64)
    est = crude_estimate(d, x, n, confidence)
    problems: list[Problem] = []
    for column, expected in zip(columns, (est.value, est.lower_ci, est.upper_ci), strict=True):
        got = table[column].to_numpy(np.float64)
        ok = np.isclose(got, expected, rtol=RTOL, atol=_ATOL, equal_nan=True)
        for j in np.flatnonzero(~ok):
            want = "tom" if math.isnan(expected[j]) else _g(expected[j])
            shown = "tom" if math.isnan(got[j]) else _n(got[j])
            problems.append(
                (
                    int(j),
                    column,
                    f"{shown} passer ikke med tælleren {_n(x[j])} og nævneren {_n(n[j])} "
                    f"(forventet {want})",
                )
            )
    return problems


def standardised_problems(
    table: pd.DataFrame, d: IndicatorDefinition, confidence: float
) -> list[Problem]:
    """Rows whose standardised value and interval cannot belong to their count (module
    docstring): present where there is none, incomplete, out of order, or not a Dobson
    interval for the count."""
    x = table["numerator"].to_numpy(np.float64)
    v, lo, hi = (table[c].to_numpy(np.float64) for c in STD)
    limits = stats.byar(np.where(np.isfinite(x), x, 0.0), confidence)
    problems: list[Problem] = []
    for j in range(len(table)):
        shown = [c for c, a in zip(STD, (v, lo, hi), strict=True) if not math.isnan(a[j])]
        if not shown:
            continue
        if d.standardisation is None:
            problems.append((j, shown[0], "indikatoren standardiseres ikke; feltet skal være tomt"))
            continue
        if not x[j] >= stats.DSR_MIN_COUNT:
            problems.append(
                (
                    j,
                    shown[0],
                    f"skal være tomt: under {stats.DSR_MIN_COUNT} hændelser (tælleren er "
                    f"{_n(x[j])}) giver ingen standardiseret værdi",
                )
            )
            continue
        if len(shown) < 3:
            missing = next(c for c in STD if c not in shown)
            problems.append((j, missing, "mangler (standardiseret værdi og interval gives samlet)"))
            continue
        o, dsr = x[j], v[j]
        slack = RTOL * max(abs(dsr), _ATOL)
        if not (dsr >= 0 and lo[j] <= dsr + slack and dsr <= hi[j] + slack):
            problems.append(
                (j, "std_value", f"{_n(dsr)} ligger ikke i intervallet {_n(lo[j])}–{_n(hi[j])}")
            )
            continue
        below, above = o - limits.lower_ci[j], limits.upper_ci[j] - o
        lowest, highest = dsr - dsr / math.sqrt(o) * below, dsr - dsr / o * below
        if not (lowest - slack <= lo[j] <= highest + slack):
            problems.append(
                (
                    j,
                    "std_lower_ci",
                    f"{_n(lo[j])} passer ikke med std_value {_n(dsr)} og tælleren {_n(o)} (Dobsons "
                    f"nedre grænse ligger mellem {_g(lowest)} og {_g(highest)})",
                )
            )
            continue
        upper = dsr + (dsr - lo[j]) / below * above
        if not math.isclose(hi[j], upper, rel_tol=RTOL, abs_tol=_ATOL):
            problems.append(
                (
                    j,
                    "std_upper_ci",
                    f"{_n(hi[j])} passer ikke med std_value {_n(dsr)}, std_lower_ci {_n(lo[j])} og "
                    f"tælleren {_n(o)} (Dobsons interval: forventet {_g(upper)})",
                )
            )
    return problems


def verdict_problems(table: pd.DataFrame, d: IndicatorDefinition) -> list[Problem]:
    """Rows of one indicator (every level and year, masked rows too) whose ``comparison`` is
    not the one the engine's rule gives for the published intervals."""
    expected = compare_with_national(table.reset_index(drop=True), d.direction).to_numpy()
    got = table["comparison"].to_numpy()
    return [
        (
            int(j),
            "comparison",
            f"'{got[j]}' passer ikke med intervallerne (forventet '{expected[j]}')",
        )
        for j in np.flatnonzero(got != expected)
    ]


def sum_problems(
    table: pd.DataFrame, region_of: Mapping[int, int], columns: tuple[str, ...]
) -> list[Problem]:
    """Totals that are not the sum of their parts. Counts are additive (the engine sums the
    municipalities' counts into regions and Denmark), and suppression relies on it: every
    equation it protects is a region = its municipalities or Denmark = the regions (the
    municipalities where no region rows are published). Where every part is published the total
    must equal their sum; where some are hidden it cannot be less than the shown ones. A part
    missing from the table leaves its equation unchecked. ``table`` is one indicator and year."""
    level = table["level"].to_numpy()
    area = table["area_code"].to_numpy()
    kommune = np.flatnonzero(level == "kommune")
    region = np.flatnonzero(level == "region")
    land = np.flatnonzero(level == "land")
    size = pd.Series(list(region_of.values())).value_counts()
    parent = pd.Series(area[kommune]).map(dict(region_of)).to_numpy()
    # (total row, its part rows, how many parts there are, what they are)
    equations: list[tuple[int, list[int], int, str]] = [
        (int(r), kommune[parent == area[r]].tolist(), int(size.get(area[r], 0)), "kommunerne")
        for r in region
    ]
    if len(land) and len(region):
        equations.append((int(land[0]), region.tolist(), len(size), "regionerne"))
    elif len(land):
        equations.append((int(land[0]), kommune.tolist(), len(region_of), "kommunerne"))
    problems: list[Problem] = []
    for column in columns:
        values = table[column].to_numpy(np.float64)
        for total, parts, expected_parts, what in equations:
            if math.isnan(values[total]) or len(parts) != expected_parts:
                continue
            shown = values[parts][~np.isnan(values[parts])]
            part_sum = float(shown.sum())
            slack = RTOL * max(abs(part_sum), 1.0)
            if len(shown) == len(parts) and abs(values[total] - part_sum) > slack:
                problems.append(
                    (
                        total,
                        column,
                        f"{_n(values[total])} er ikke summen af {what} ({_n(part_sum)})",
                    )
                )
            elif values[total] < part_sum - slack:
                problems.append(
                    (
                        total,
                        column,
                        f"{_n(values[total])} er mindre end summen af de viste "
                        f"{what.removesuffix('ne')} "
                        f"({_n(part_sum)})",
                    )
                )
    return problems
