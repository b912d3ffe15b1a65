"""Progress towards a target along a glide path ("glidebane").

The glide path is the straight line from the baseline value in the baseline year to the target
value in the target year. A result is on track when its confidence interval reaches the glide
path's value for its year or does better: for lower-is-better indicators ``lower_ci <= glide``,
for higher-is-better ``upper_ci >= glide``. Using the interval rather than the point estimate
means a municipality is not declared off track on noise alone.
"""

from __future__ import annotations

import math
from typing import Literal

Status = Literal["på sporet", "ikke på sporet", "ukendt"]
Direction = Literal["lower_is_better", "higher_is_better"]

ON_TRACK: Status = "på sporet"
OFF_TRACK: Status = "ikke på sporet"
UNKNOWN: Status = "ukendt"


def glide_value(
    baseline_year: int, baseline_value: float, target_year: int, target_value: float, year: int
) -> float:
    """The glide path's value in ``year``: linear between baseline and target, the baseline
    value before the baseline year and the target value after the target year."""
    if target_year <= baseline_year:
        raise ValueError(
            f"target_year ({target_year}) must be after baseline_year ({baseline_year})"
        )
    share = min(max((year - baseline_year) / (target_year - baseline_year), 0.0), 1.0)
    return baseline_value + (target_value - baseline_value) * share


def _missing(x: float | None) -> bool:
    return x is None or math.isnan(x)


def on_track(
    baseline_year: int,
    baseline_value: float | None,
    target_year: int,
    target_value: float | None,
    year: int,
    value: float | None,
    lower_ci: float | None,
    upper_ci: float | None,
    direction: Direction,
) -> Status:
    """'på sporet' when the interval reaches the glide path's value for ``year`` or better,
    'ikke på sporet' when it does not, 'ukendt' when a number is missing (None or NaN, e.g. a
    suppressed cell) or ``year`` lies before the baseline year."""
    if direction not in ("lower_is_better", "higher_is_better"):
        raise ValueError(
            f"direction must be 'lower_is_better' or 'higher_is_better', not {direction!r}"
        )
    if target_year <= baseline_year:
        raise ValueError(
            f"target_year ({target_year}) must be after baseline_year ({baseline_year})"
        )
    if baseline_value is None or target_value is None or year < baseline_year:
        return UNKNOWN
    if _missing(baseline_value) or _missing(target_value) or _missing(value):
        return UNKNOWN
    glide = glide_value(baseline_year, baseline_value, target_year, target_value, year)
    if direction == "lower_is_better":
        if lower_ci is None or math.isnan(lower_ci):
            return UNKNOWN
        return ON_TRACK if lower_ci <= glide else OFF_TRACK
    if upper_ci is None or math.isnan(upper_ci):
        return UNKNOWN
    return ON_TRACK if upper_ci >= glide else OFF_TRACK
