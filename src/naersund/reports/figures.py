"""The packs' charts, built with the shared chart module (:mod:`naersund.charts`) so that the
printed packs show the same pictures as the dashboard. Data come from the published results
only; suppressed cells are left out of the marks (the builders list them as hidden)."""

from __future__ import annotations

import pandas as pd

from naersund import charts, refdata
from naersund.analysis.funnel import funnel_data
from naersund.analysis.trend import glide_path
from naersund.charts import Chart
from naersund.indicators.model import IndicatorDefinition
from naersund.reports import common as c
from naersund.reports.model import Area, ReportInput
from naersund.reports.targets import find_target


def trend_charts(data: ReportInput, area: Area, year: int) -> list[Chart]:
    """:func:`trend_chart` for every indicator that has values."""
    out = [trend_chart(data, area, d, year) for d in c.indicators_in(data)]
    return [ch for ch in out if ch is not None]


def trend_chart(data: ReportInput, area: Area, d: IndicatorDefinition, year: int) -> Chart | None:
    """The area, its KKR (for a municipality) and Denmark up to ``year``, with the target's
    glide path where the catalogue sets a target."""
    series: list[tuple[str, str, int]] = [(area.name, area.level, area.code)]
    if area.level == "kommune":
        series.append((refdata.KKR_NAMES[area.region_code], "region", area.region_code))
    series.append(("Hele landet", "land", 0))
    parts = []
    for label, level, code in series:
        rows = c.rows_of(data, d.id, level, code)
        rows = rows[(rows["year"] <= year) & ~rows["suppressed"].astype(bool)]
        parts.append(
            pd.DataFrame(
                {
                    "year": rows["year"].astype(int),
                    "area": label,
                    "value": rows["value"],
                    "lower": rows["lower_ci"],
                    "upper": rows["upper_ci"],
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True).dropna(subset=["value"])
    if frame.empty:
        return None
    target = find_target(data.catalogue, area, d.id)
    glide = (
        glide_path(target, c.rows_of(data, d.id, area.level, area.code))
        if target is not None
        else None
    )
    return charts.trend_chart(frame, c.unit_of(d), d.name_da, glide)


def _municipality_rows(data: ReportInput, d: IndicatorDefinition, year: int) -> pd.DataFrame:
    r = data.results
    return r[(r["indicator"] == d.id) & (r["level"] == "kommune") & (r["year"] == year)]


def comparison_chart(
    data: ReportInput, d: IndicatorDefinition, region_code: int, year: int, highlight: int | None
) -> Chart | None:
    """Sorted bars with 95 % intervals for the KKR's municipalities (standardised values where
    the indicator is standardised) and Denmark's value as a line."""
    land = c.national(data, d.id, year)
    if land is None:
        return None
    nat = c.comparison_value(land)[0]
    if nat is None:
        return None
    rows = []
    for m in c.municipalities_of(region_code):
        r = c.row(data, d.id, "kommune", m.code, year)
        if r is None:
            continue
        v, lo, hi = c.comparison_value(r) if not bool(r["suppressed"]) else (None, None, None)
        rows.append(
            {
                "area_code": m.code,
                "name": m.name,
                "value": v,
                "lower": lo,
                "upper": hi,
                "comparison": str(r["comparison"]),
            }
        )
    if not rows:
        return None
    std = d.standardisation is not None and c.num(land["std_value"]) is not None
    unit = f"{c.unit_of(d)}{', standardiseret' if std else ''}"
    frame = pd.DataFrame(rows).astype({"value": float, "lower": float, "upper": float})
    return charts.ci_bars(frame, nat, unit, f"{d.name_da}, {year}", highlight)


def funnel_chart(
    data: ReportInput, d: IndicatorDefinition, region_code: int, year: int, highlight: int | None
) -> Chart | None:
    """The KKR's municipalities in a funnel around Denmark's value (Spiegelhalter 2005)."""
    land = c.national(data, d.id, year)
    if land is None or c.num(land["value"]) is None:
        return None
    codes = {m.code for m in c.municipalities_of(region_code)}
    rows = _municipality_rows(data, d, year)
    rows = rows[rows["area_code"].isin(codes)]
    funnel = funnel_data(rows, land, d.kind, d.multiplier, d.standardisation is not None)
    if funnel.points.empty:
        return None
    names = {m.code: m.name for m in c.municipalities_of(region_code)}
    size = "Indeksindlæggelser" if d.is_proportion else "Borgere (eller standardiseret befolkning)"
    return charts.funnel_plot(
        funnel, names, c.unit_of(d), size, f"Tragtdiagram: {d.name_da}, {year}", highlight
    )
