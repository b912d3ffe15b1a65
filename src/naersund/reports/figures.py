"""The packs' charts, built with the shared chart module (:mod:`naersund.charts`) so that the
printed packs show the same pictures as the dashboard. Data come from the published results
only; suppressed cells are left out of the marks (the builders list them as hidden)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from naersund import charts, refdata
from naersund.analysis.funnel import funnel_data
from naersund.analysis.published import CRUDE, STANDARDISED, targets_for
from naersund.analysis.trend import glide_path
from naersund.charts import Chart
from naersund.indicators.model import IndicatorDefinition
from naersund.reports import common as c
from naersund.reports.model import Area, ReportInput


def trend_charts(data: ReportInput, area: Area, year: int) -> list[Chart]:
    """:func:`trend_chart` for every indicator that has values."""
    out = [trend_chart(data, area, d, year) for d in c.central_first(data, area.region_code)]
    return [ch for ch in out if ch is not None]


def trend_chart(data: ReportInput, area: Area, d: IndicatorDefinition, year: int) -> Chart | None:
    """The area, its KKR (for a municipality) and Denmark up to ``year`` in the indicator's
    headline measure, with the target's glide path where the catalogue sets a target."""
    series: list[tuple[str, str, int]] = [(area.name, area.level, area.code)]
    if area.level == "kommune":
        series.append((refdata.KKR_NAMES[area.region_code], "region", area.region_code))
    series.append(("Hele landet", "land", 0))
    pub = data.published
    parts = []
    for label, level, code in series:
        rows = pub.series_frame(d.id, level, code)
        rows = rows[(rows["year"] <= year) & ~rows["suppressed"]]
        parts.append(rows[["year", "value", "lower", "upper"]].assign(area=label))
    frame = pd.concat(parts, ignore_index=True).dropna(subset=["value"])
    if frame.empty:
        return None
    targets = targets_for(data.catalogue, d.id, area.level, area.code)
    glide = (
        glide_path(targets[0], pub.series_frame(d.id, area.level, area.code)) if targets else None
    )
    unit = f"{c.unit_of(d)}, {pub.measure(d.id)}"
    return charts.trend_chart(
        frame[["year", "area", "value", "lower", "upper"]], unit, d.name_da, glide
    )


def comparison_chart(
    data: ReportInput, d: IndicatorDefinition, region_code: int, year: int, highlight: int | None
) -> Chart | None:
    """Sorted bars with 95 % intervals for the KKR's municipalities (the headline measure)
    and Denmark's value as a line."""
    return members_chart(data, d, c.municipalities_of(region_code), year, highlight)


def members_chart(
    data: ReportInput,
    d: IndicatorDefinition,
    members: Sequence[Area],
    year: int,
    highlight: int | None = None,
) -> Chart | None:
    """:func:`comparison_chart` for any set of municipalities (an area of any level)."""
    rows = []
    nat: float | None = None
    for m in members:
        f = c.figure(data, d.id, "kommune", m.code, year)
        nat = f.denmark
        if not f.present:
            continue
        rows.append(
            {
                "area_code": m.code,
                "name": m.name,
                "value": f.value,
                "lower": f.lower,
                "upper": f.upper,
                "comparison": f.verdict,
            }
        )
    if not rows or nat is None:
        return None
    unit = f"{c.unit_of(d)}, {data.published.measure(d.id)}"
    frame = pd.DataFrame(rows).astype({"value": float, "lower": float, "upper": float})
    return charts.ci_bars(frame, nat, unit, f"{d.name_da}, {year}", highlight)


def funnel_chart(
    data: ReportInput, d: IndicatorDefinition, region_code: int, year: int, highlight: int | None
) -> Chart | None:
    """The KKR's municipalities in a funnel around Denmark's value (Spiegelhalter 2005), in
    the headline measure (crude for proportions, whose limits are for crude shares)."""
    pub = data.published
    land = pub.rows(d.id, year)
    land = land[land["level"] == "land"]
    if land.empty or c.num(land.iloc[0]["value"]) is None:
        return None
    codes = {m.code for m in c.municipalities_of(region_code)}
    rows = pub.rows(d.id, year)
    rows = rows[(rows["level"] == "kommune") & rows["area_code"].isin(codes)]
    standardised = pub.measure(d.id) == STANDARDISED
    funnel = funnel_data(rows, land.iloc[0], d.kind, d.multiplier, standardised)
    if funnel.points.empty:
        return None
    names = {m.code: m.name for m in c.municipalities_of(region_code)}
    size = "Indeksindlæggelser" if d.is_proportion else "Borgere (eller standardiseret befolkning)"
    unit = f"{c.unit_of(d)}, {STANDARDISED if funnel.standardised else CRUDE}"
    return charts.funnel_plot(
        funnel, names, unit, size, f"Tragtdiagram: {d.name_da}, {year}", highlight
    )
