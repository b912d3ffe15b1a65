"""The funnel plot: each municipality's value against its size, with 95 % and 99.8 %
control limits (see the package docstring for the contract)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from naersund import fmt
from naersund.analysis.funnel import POSITIONS, FunnelData
from naersund.charts.base import PALETTE, WIDTH, Chart, chart_spec, records


def funnel_plot(
    funnel: FunnelData,
    names: dict[int, str],
    unit: str,
    size_label: str,
    title: str,
    highlight: int | None = None,
) -> Chart:
    """Funnel plot (Spiegelhalter 2005): each municipality's value against its size
    (``size_label``, e.g. "Borgere 65+" or "Indeksindlæggelser"), Denmark's value as the
    centre line and the 95 % (dashed) and 99.8 % (solid) control limits. Points outside a limit
    differ from Denmark by more than chance; the point's shape says which side."""
    pts = funnel.points.copy()
    pts["name"] = pts["area_code"].map(lambda c: names.get(int(c), str(c)))
    pts["valgt"] = pts["area_code"] == highlight if highlight is not None else False
    pts["value_txt"] = pts["value"].map(fmt.number)
    pts["size_txt"] = pts["size"].map(lambda v: fmt.number(v, 0))
    lim = funnel.limits.melt(
        id_vars="size",
        value_vars=["lower_998", "lower_95", "baseline", "upper_95", "upper_998"],
        var_name="line",
        value_name="limit",
    )
    line_names = {
        "lower_998": "99,8 %-grænse",
        "upper_998": "99,8 %-grænse",
        "lower_95": "95 %-grænse",
        "upper_95": "95 %-grænse",
        "baseline": "Danmark",
    }
    lim["kind"] = lim["line"].map(line_names)
    shapes = {
        "domain": POSITIONS,
        "range": ["triangle-up", "diamond", "circle", "square", "triangle-down"],
    }
    chosen = pts.loc[pts["valgt"].astype(bool), "name"].tolist()
    if chosen:
        own = f" {chosen[0]} er fremhævet og navngivet."
    elif highlight is not None:
        # its row was diskretioneret or had no events, so it has no point to name; say so
        # rather than leave the reader looking for it
        name = names.get(int(highlight), str(highlight))
        own = f" {name} har intet punkt: tallet er diskretioneret eller uden hændelser."
    else:
        own = ""
    # the highlighted municipality's name, always shown beside its point; without one the layer
    # would be empty, and Vega-Lite warns about its scale's infinite extent
    labels: list[dict[str, Any]] = (
        [
            {
                "data": {"values": records(pts[pts["valgt"].astype(bool)])},
                "mark": {
                    "type": "text",
                    "align": "left",
                    "dx": 9,
                    "dy": -9,
                    "fontSize": 12,
                    "fontWeight": "bold",
                    "color": PALETTE["dark"],
                },
                "encoding": {
                    "x": {"field": "size", "type": "quantitative"},
                    "y": {"field": "value", "type": "quantitative"},
                    "text": {"field": "name"},
                },
            }
        ]
        if chosen
        else []
    )
    spec = chart_spec(
        title,
        f"Tragtdiagram: {title}. Hver kommune er et punkt (værdi mod størrelse; navnet vises, "
        f"når man peger på punktet); linjerne er Danmarks værdi "
        f"({fmt.number(funnel.baseline)}) og 95 %- og 99,8 %-kontrolgrænserne.{own}",
        width=WIDTH,
        height=360,
        layer=[
            {
                "data": {"values": records(lim)},
                "mark": {"type": "line", "clip": True},
                "encoding": {
                    "x": {
                        "field": "size",
                        "type": "quantitative",
                        "scale": {"type": "log"},
                        "title": size_label,
                        "axis": {"format": ",.0f", "labelOverlap": "greedy", "tickCount": 6},
                    },
                    "y": {
                        "field": "limit",
                        "type": "quantitative",
                        "title": unit,
                        "scale": {"zero": False},
                    },
                    "detail": {"field": "line"},
                    "strokeDash": {
                        "field": "kind",
                        "type": "nominal",
                        "title": "Linjer",
                        "scale": {
                            "domain": ["Danmark", "95 %-grænse", "99,8 %-grænse"],
                            "range": [[1, 0], [5, 3], [1, 0]],
                        },
                    },
                    "color": {
                        "field": "kind",
                        "type": "nominal",
                        "legend": None,
                        "scale": {
                            "domain": ["Danmark", "95 %-grænse", "99,8 %-grænse"],
                            "range": [PALETTE["dark"], PALETTE["grey"], PALETTE["grey"]],
                        },
                    },
                },
            },
            {
                "data": {"values": records(pts)},
                "mark": {"type": "point", "filled": True, "size": 60, "opacity": 0.9},
                "encoding": {
                    "x": {"field": "size", "type": "quantitative"},
                    "y": {"field": "value", "type": "quantitative"},
                    "shape": {
                        "field": "position",
                        "type": "nominal",
                        "scale": shapes,
                        "title": "Placering",
                    },
                    "fill": {
                        "condition": {"test": "datum.valgt", "value": PALETTE["orange"]},
                        "value": PALETTE["blue"],
                    },
                    "stroke": {"value": PALETTE["dark"]},
                    "strokeWidth": {"condition": {"test": "datum.valgt", "value": 2}, "value": 0.5},
                    "size": {"condition": {"test": "datum.valgt", "value": 160}, "value": 60},
                    "tooltip": [
                        {"field": "name", "title": "Kommune"},
                        {"field": "value_txt", "title": unit},
                        {"field": "size_txt", "title": size_label},
                        {"field": "position", "title": "Placering"},
                    ],
                },
            },
            *labels,
        ],
    )
    table = pd.DataFrame(
        {
            "Kommune": pts["name"],
            size_label: pts["size"],
            f"Værdi ({unit})": pts["value"],
            "Placering i tragten": pts["position"],
        }
    ).sort_values(f"Værdi ({unit})", ascending=False)
    return Chart(spec, table.reset_index(drop=True), title, spec["description"])
