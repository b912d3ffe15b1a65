"""Targets over time: the glide path ("glidebane") from a baseline to a target, and whether the
latest value is on track (:func:`naersund.catalogue.progress.on_track`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from naersund.catalogue import Target
from naersund.catalogue.progress import UNKNOWN, Direction, Status, glide_value, on_track


@dataclass(frozen=True)
class GlidePath:
    """The straight line from ``baseline_value`` in ``baseline_year`` to ``target_value`` in
    ``target_year``; ``points`` has ``year, value`` for every year from baseline to target."""

    baseline_year: int
    baseline_value: float
    target_year: int
    target_value: float
    points: pd.DataFrame


def _value_in(series: pd.DataFrame, year: int, column: str) -> float:
    row = series.loc[series["year"] == year, column]
    return float(row.iloc[0]) if len(row) and pd.notna(row.iloc[0]) else math.nan


def glide_path(target: Target, series: pd.DataFrame, column: str = "value") -> GlidePath | None:
    """The glide path of ``target`` for one area, ``series`` being its result rows of the
    target's indicator (``year`` and ``column``). None when the baseline year has no value
    (e.g. suppressed or not in the release), since a relative target then has no level."""
    base = _value_in(series, target.baseline_year, column)
    if math.isnan(base):
        return None
    goal = target.value_for(base)
    years = list(range(target.baseline_year, target.target_year + 1))
    values = [glide_value(target.baseline_year, base, target.target_year, goal, y) for y in years]
    return GlidePath(
        baseline_year=target.baseline_year,
        baseline_value=base,
        target_year=target.target_year,
        target_value=goal,
        points=pd.DataFrame({"year": years, "value": values}),
    )


def target_status(
    target: Target,
    series: pd.DataFrame,
    direction: Direction,
    value: str = "value",
    lower: str = "lower_ci",
    upper: str = "upper_ci",
) -> tuple[Status, int | None]:
    """``(status, year)``: "på sporet" / "ikke på sporet" / "ukendt" for the latest year with
    a value in ``series`` (one area's rows of the target's indicator), judged by
    :func:`naersund.catalogue.progress.on_track` against the glide path."""
    path = glide_path(target, series, value)
    known = series.dropna(subset=[value]).sort_values("year")
    if path is None or known.empty:
        return UNKNOWN, None
    last = known.iloc[-1]
    status = on_track(
        path.baseline_year,
        path.baseline_value,
        path.target_year,
        path.target_value,
        int(last["year"]),
        float(last[value]),
        float(last[lower]) if pd.notna(last[lower]) else None,
        float(last[upper]) if pd.notna(last[upper]) else None,
        direction,
    )
    return status, int(last["year"])


# --- the recent trend: better, worse or unchanged -----------------------------------------------

TrendVerdict = Literal["better", "worse", "unchanged", "too_few", "unknown"]
TREND_SPAN = 5  # the latest five years with a value
TREND_MIN_YEARS = 3

TREND_TEXT: dict[str, str] = {
    "better": "bedre",
    "worse": "dårligere",
    "unchanged": "uændret",
    "too_few": "for få år",
    "unknown": "ukendt",
}
TREND_SYMBOL: dict[str, str] = {
    "better": "↑",
    "worse": "↓",
    "unchanged": "→",
    "too_few": "",
    "unknown": "",
}


def trend_directions(series: pd.DataFrame, directions: dict[str, Direction]) -> pd.DataFrame:
    """The recent trend of every ``indicator × area_code`` in ``series`` (columns ``indicator,
    area_code, year, value, lower, upper``; pass only the years up to the year shown).

    The rule (one for every page and pack): take the latest :data:`TREND_SPAN` years with a
    value; with fewer than :data:`TREND_MIN_YEARS` the trend is ``too_few``. The change is
    beyond chance when the last year's 95 % interval does not overlap the first year's
    (conservative, the same overlap rule as the comparison with Denmark); it is then
    ``better`` or ``worse`` by the indicator's direction, otherwise ``unchanged``. A missing
    interval gives ``unknown``. Returns ``indicator, area_code, trend, first_year, last_year``.
    """
    # numpy on sorted arrays rather than a pandas groupby: Overblik asks for ~1,000 series
    # per page, and a groupby on string keys costs ~100 ms where this costs a few
    known = series[series["value"].notna()]
    codes, names = pd.factorize(known["indicator"].astype(str), sort=True)
    area = known["area_code"].to_numpy(dtype=np.int64)
    year = known["year"].to_numpy(dtype=np.int64)
    order = np.lexsort((year, area, codes))
    codes, area, year = codes[order], area[order], year[order]
    lower = known["lower"].to_numpy(dtype=np.float64)[order]
    upper = known["upper"].to_numpy(dtype=np.float64)[order]
    if len(order) == 0:
        return pd.DataFrame(columns=["indicator", "area_code", "trend", "first_year", "last_year"])
    new_group = np.r_[True, (codes[1:] != codes[:-1]) | (area[1:] != area[:-1])]
    starts = np.flatnonzero(new_group)
    ends = np.r_[starts[1:], len(order)]
    last = ends - 1
    first = np.maximum(starts, ends - TREND_SPAN)  # the latest TREND_SPAN years with a value
    n = ends - first
    rose = lower[last] > upper[first]
    fell = upper[last] < lower[first]
    good_low = np.array(
        [directions.get(str(i), "lower_is_better") == "lower_is_better" for i in names]
    )[codes[starts]]
    verdict = np.where(
        rose,
        np.where(good_low, "worse", "better"),
        np.where(fell, np.where(good_low, "better", "worse"), "unchanged"),
    )
    missing = np.isnan(lower[first]) | np.isnan(upper[first])
    missing |= np.isnan(lower[last]) | np.isnan(upper[last])
    verdict = np.where(missing, "unknown", verdict)
    verdict = np.where(n < TREND_MIN_YEARS, "too_few", verdict)
    return pd.DataFrame(
        {
            "indicator": np.asarray(names, dtype=object)[codes[starts]],
            "area_code": area[starts],
            "trend": verdict,
            "first_year": year[first],
            "last_year": year[last],
        }
    )


def trend_direction(
    years: list[int],
    values: list[float | None],
    lower: list[float | None],
    upper: list[float | None],
    direction: Direction,
) -> TrendVerdict:
    """:func:`trend_directions` for one series (one area's years of one indicator)."""
    frame = pd.DataFrame(
        {
            "indicator": "x",
            "area_code": 0,
            "year": years,
            "value": pd.to_numeric(pd.Series(values, dtype=object), errors="coerce"),
            "lower": pd.to_numeric(pd.Series(lower, dtype=object), errors="coerce"),
            "upper": pd.to_numeric(pd.Series(upper, dtype=object), errors="coerce"),
        }
    )
    found = trend_directions(frame, {"x": direction})
    return "too_few" if found.empty else found["trend"].iloc[0]
