"""Funnel-plot data: each municipality's value against its size, with control limits.

Method: Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
2005;24:1185-202, as used by Fingertips (PHE/UKHSA "Technical guide: funnel plots"): the
baseline is Denmark's value, and the 95 % and 99.8 % limits around it are those a municipality
of each size would show by chance alone. The limits themselves come from
:func:`naersund.stats.funnel_limits_proportion` (proportions, Wilson-based normal limits) and
:func:`naersund.stats.funnel_limits_rate` (rates, exact Poisson); directly standardised rates
are placed on the rate funnel by their equivalent populations
(:func:`naersund.stats.dsr_equivalent_populations`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from naersund import stats

ABOVE_998 = "over 99,8 %-grænsen"
ABOVE_95 = "over 95 %-grænsen"
INSIDE = "inden for grænserne"
BELOW_95 = "under 95 %-grænsen"
BELOW_998 = "under 99,8 %-grænsen"
POSITIONS = [ABOVE_998, ABOVE_95, INSIDE, BELOW_95, BELOW_998]


@dataclass(frozen=True)
class FunnelData:
    """``points``: ``area_code, value, size, position`` (one per municipality with a value;
    ``size`` is the denominator or, for standardised rates, the equivalent population).
    ``limits``: ``size, baseline, lower_95, upper_95, lower_998, upper_998`` on a grid of sizes
    spanning the points. ``baseline`` is Denmark's value; ``standardised`` says which measure."""

    points: pd.DataFrame
    limits: pd.DataFrame
    baseline: float
    standardised: bool


def funnel_data(
    municipalities: pd.DataFrame,
    national: pd.Series,
    kind: str,
    multiplier: float,
    standardised: bool,
    grid_size: int = 120,
) -> FunnelData:
    """Funnel data for one indicator × year.

    ``municipalities`` are result rows (README "Results") of the level ``kommune``; ``national``
    is Denmark's row. ``kind`` is the indicator's kind: ``readmission_proportion`` is a
    proportion in percent of ``multiplier`` (always crude: the limits are for a crude share);
    anything else a rate per ``multiplier``, standardised when ``standardised`` is true and the
    national standardised value exists. Suppressed rows and rows without events are left out.
    """
    proportion = kind == "readmission_proportion"
    use_std = standardised and not proportion and not np.isnan(float(national["std_value"]))
    rows = municipalities[~municipalities["suppressed"].astype(bool)]
    col = "std_value" if use_std else "value"
    rows = rows[rows[col].notna() & (rows["numerator"] > 0) & (rows["denominator"] > 0)]
    values = rows[col].to_numpy(np.float64)
    if use_std:
        sizes = stats.dsr_equivalent_populations(
            rows["numerator"].to_numpy(np.float64), values, multiplier
        )
        baseline = float(national["std_value"])
    else:
        sizes = rows["denominator"].to_numpy(np.float64)
        baseline = float(national["value"])

    def limits_at(n: np.ndarray) -> stats.FunnelLimits:
        if proportion:
            return stats.funnel_limits_proportion(baseline / multiplier, n, multiplier)
        return stats.funnel_limits_rate(baseline, n, multiplier)

    points = pd.DataFrame(
        {"area_code": rows["area_code"].to_numpy(np.int64), "value": values, "size": sizes}
    )
    if len(points):
        at = limits_at(sizes)
        points["position"] = np.select(
            [
                values > at.upper_998,
                values > at.upper_95,
                values < at.lower_998,
                values < at.lower_95,
            ],
            [ABOVE_998, ABOVE_95, BELOW_998, BELOW_95],
            INSIDE,
        )
        lo, hi = float(sizes.min()) * 0.8, float(sizes.max()) * 1.25
    else:
        points["position"] = pd.Series(dtype=str)
        lo, hi = 100.0, 100000.0
    grid = np.geomspace(lo, hi, grid_size)
    g = limits_at(grid)
    limits = pd.DataFrame(
        {
            "size": grid,
            "baseline": g.baseline,
            "lower_95": g.lower_95,
            "upper_95": g.upper_95,
            "lower_998": g.lower_998,
            "upper_998": g.upper_998,
        }
    )
    return FunnelData(points=points, limits=limits, baseline=baseline, standardised=use_std)
