"""Targets over time: the glide path ("glidebane") from a baseline to a target, and whether the
latest value is on track (:func:`naersund.catalogue.progress.on_track`)."""

from __future__ import annotations

import math
from dataclasses import dataclass

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
