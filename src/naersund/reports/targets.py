"""Targets of the goal catalogue applied to published results."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from naersund.catalogue import Catalogue, Target
from naersund.catalogue.progress import UNKNOWN, on_track
from naersund.indicators.model import IndicatorDefinition
from naersund.reports.model import Area
from naersund.reports.narrative import TargetStatus


@dataclass(frozen=True)
class TargetGap:
    indicator: str
    target: Target
    baseline_value: float | None
    target_value: float | None
    value: float | None
    gap: float | None  # value - target (positive = above the target)
    status: TargetStatus


def find_target(catalogue: Catalogue, area: Area, indicator: str) -> Target | None:
    """The municipality's own target if the KKR's goals set one, else the KKR's target."""
    try:
        kkr = catalogue.kkr_by_code(area.region_code)
    except KeyError:
        return None
    targets = [t for g in kkr.goals for t in g.targets if t.indicator == indicator]
    if area.level == "kommune":
        own = [t for t in targets if t.scope == "kommune" and t.kommunekode == area.code]
        if own:
            return own[0]
    shared = [t for t in targets if t.scope == "kkr"]
    return shared[0] if shared else None


def _num(x: object) -> float | None:
    if x is None:
        return None
    f = float(x)  # type: ignore[arg-type]
    return None if math.isnan(f) else f


def target_gap(
    catalogue: Catalogue,
    area: Area,
    d: IndicatorDefinition,
    rows: pd.DataFrame,
    year: int,
) -> TargetGap | None:
    """Target, gap and glide-path status of ``area`` for one indicator in ``year``.

    ``rows`` are the area's published rows of the indicator (any years). Values are the crude
    published values, the same numbers the pack shows.
    """
    t = find_target(catalogue, area, d.id)
    if t is None:
        return None
    by_year = rows.set_index("year")
    base = _num(by_year["value"].get(t.baseline_year)) if t.baseline_year in by_year.index else None
    target_value = t.target_value if t.target_value is not None else None
    if target_value is None and base is not None:
        target_value = t.value_for(base)
    if year in by_year.index:
        r = by_year.loc[year]
        value, lo, hi = _num(r["value"]), _num(r["lower_ci"]), _num(r["upper_ci"])
    else:
        value = lo = hi = None
    if target_value is None or base is None:
        status = UNKNOWN  # no baseline value to draw the glide path from
    else:
        status = on_track(
            t.baseline_year, base, t.target_year, target_value, year, value, lo, hi, d.direction
        )
    ts = TargetStatus(
        target_year=t.target_year,
        target_value=math.nan if target_value is None else target_value,
        status=status,
        scope="kommune" if t.scope == "kommune" else "kkr",
    )
    gap = None if value is None or target_value is None else value - target_value
    return TargetGap(d.id, t, base, target_value, value, gap, ts)
