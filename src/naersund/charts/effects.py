"""The event-study chart of an initiative's effect: the estimated difference per year before
and after the start, with 95 % intervals, the same on the page and in the packs."""

from __future__ import annotations

from typing import Any

import pandas as pd

from naersund.analysis.effects import Effect
from naersund.analysis.initiative_effects import Estimated
from naersund.charts.base import PALETTE, WIDTH, Chart, chart_spec

NUM = ",.1f"


def event_study_chart(effect: Effect, unit: str, title: str) -> Chart:
    """Points with interval bars for every year since the start (-k ... +k), a line at 0 (no
    difference) and a dashed line between the year before and the start year."""
    rows = pd.DataFrame(
        [(p.event_time, p.estimate, p.lower_ci, p.upper_ci) for p in effect.event_study],
        columns=["event_time", "estimate", "lower", "upper"],
    )
    rows["phase"] = rows["event_time"].map(lambda e: "Efter start" if e >= 0 else "Før start")
    x = {
        "field": "event_time",
        "type": "quantitative",
        "title": "År fra start (0 = startåret)",
        "axis": {"tickMinStep": 1, "format": "d"},
        # room at both ends: the first year before the start sits at the scale's edge, where
        # its point and bar would lie on the y axis and be lost (seen in the printed pack)
        "scale": {"padding": 24},
    }
    colours = {"domain": ["Før start", "Efter start"], "range": [PALETTE["grey"], PALETTE["blue"]]}
    tooltip = [
        {"field": "event_time", "type": "quantitative", "title": "År fra start"},
        {"field": "estimate", "type": "quantitative", "title": "Forskel", "format": NUM},
        {"field": "lower", "type": "quantitative", "title": "Nedre", "format": NUM},
        {"field": "upper", "type": "quantitative", "title": "Øvre", "format": NUM},
    ]
    layers: list[dict[str, Any]] = [
        # the reference lines (0 and the start) are told by the description; without
        # ``aria: false`` Vega gives each an unnamed graphics-symbol role (axe's svg-img-alt)
        {
            "mark": {"type": "rule", "color": PALETTE["dark"], "aria": False},
            "encoding": {"y": {"datum": 0}},
        },
        {
            "mark": {"type": "rule", "strokeDash": [4, 4], "color": PALETTE["mid"], "aria": False},
            "encoding": {"x": {"datum": -0.5}},
        },
        {
            "mark": {"type": "rule", "strokeWidth": 2},
            "encoding": {
                "x": x,
                "y": {"field": "lower", "type": "quantitative"},
                "y2": {"field": "upper"},
                "color": {"field": "phase", "type": "nominal", "scale": colours, "title": None},
            },
        },
        {
            "mark": {"type": "point", "filled": True, "size": 70},
            "encoding": {
                "x": x,
                "y": {
                    "field": "estimate",
                    "type": "quantitative",
                    "title": f"Forskel ({unit})",
                    "axis": {"format": NUM},
                },
                "color": {"field": "phase", "type": "nominal", "scale": colours, "title": None},
                "shape": {
                    "field": "phase",
                    "type": "nominal",
                    "scale": {
                        "domain": ["Før start", "Efter start"],
                        "range": ["circle", "square"],
                    },
                    "title": None,
                },
                "tooltip": tooltip,
            },
        },
    ]
    description = (
        "Forskellen mellem kommuner, der indførte indsatsen, og kommuner, der endnu ikke havde, "
        "år for år før og efter starten, med 95 %-intervaller. Før starten bør forskellen være "
        "tæt på 0."
    )
    spec = chart_spec(
        title,
        description,
        width=WIDTH - 120,
        height=260,
        data={"values": rows.to_dict("records")},
        layer=layers,
    )
    table = pd.DataFrame(
        {
            "År fra start": rows["event_time"].astype(int),
            "Forskel": rows["estimate"].round(2),
            "Nedre grænse": rows["lower"].round(2),
            "Øvre grænse": rows["upper"].round(2),
        }
    )
    return Chart(spec=spec, table=table, title=title, description=description)


def effect_chart(est: Estimated, unit: str) -> Chart:
    """The event-study chart of one initiative x indicator, titled as the page and the packs
    show it: the initiative's short name (a catalogue title can be a long sentence, and a title
    wider than the chart makes Vega widen the drawing and the print shrink it)."""
    return event_study_chart(est.effect, unit, chart_title(est))


def chart_title(est: Estimated, limit: int = 60) -> str:
    name = est.initiative.short_da or est.initiative.title_da
    name = name[:1].upper() + name[1:]
    if len(name) > limit:
        name = name[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"
    return f"{name}: {est.indicator_name}"
