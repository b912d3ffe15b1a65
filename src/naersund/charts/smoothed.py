"""The smoothed values (empirical Bayes, :mod:`naersund.analysis.smoothed`) drawn on a chart
of published values as a labelled alternative: a white diamond on each municipality's bar, and a
column in the chart's table. The bars, intervals and colours (the verdict) stay the published
ones."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import pandas as pd

from naersund import fmt
from naersund.analysis.smoothed import LABEL_DA
from naersund.charts.base import PALETTE, Chart


def with_smoothed(chart: Chart, smoothed: Mapping[str, float], unit: str) -> Chart:
    """``chart`` (:func:`naersund.charts.bars.ci_bars`) with a tick at each area's
    smoothed value (``smoothed``: area name -> value) and the values as a table column;
    ``chart`` itself when there are none."""
    if not smoothed:
        return chart
    spec: dict[str, Any] = copy.deepcopy(chart.spec)
    y = spec["layer"][0]["encoding"]["y"]
    values = [
        {"name": name, "smoothed": v, "smoothed_txt": fmt.number(v)} for name, v in smoothed.items()
    ]
    spec["layer"].append(
        {
            "data": {"values": values},
            "mark": {
                "type": "point",
                "shape": "diamond",
                "filled": True,
                "fill": "#FFFFFF",
                "stroke": PALETTE["dark"],
                "strokeWidth": 1.5,
                "size": 70,
            },
            "encoding": {
                "y": y,
                "x": {"field": "smoothed", "type": "quantitative"},
                "tooltip": [
                    {"field": "name", "title": "Område"},
                    {"field": "smoothed_txt", "title": f"{LABEL_DA} ({unit})"},
                ],
            },
        }
    )
    note = (
        " Hvide ruder: den udjævnede værdi (empirisk Bayes); søjlens farve er vurderingen af "
        "den ikke-udjævnede værdi."
    )
    spec["description"] = spec.get("description", chart.description) + note
    table = chart.table.copy()
    table[LABEL_DA] = pd.Series(table["Område"].map(dict(smoothed)), dtype=float)
    return Chart(spec, table, chart.title, chart.description + note)
