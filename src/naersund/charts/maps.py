"""What the maps share: the spec around their layers and the table beside them. The municipal
map (``municipal_map.choropleth``) and the map of any area level (``area_map.area_choropleth``)
differ in their shapes and words, not in how they are drawn or tabulated."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from naersund.charts.base import PALETTE, WIDTH, Chart, chart_spec, comparison_scale

HEIGHT = 420


def map_chart(
    features: list[dict[str, Any]],
    frame: dict[str, Any] | None,
    by_code: pd.DataFrame,
    unit: str,
    title: str,
    description: str,
    *,
    key: str,
    name_column: str,
    stroke: str,
    stroke_width: float,
) -> Chart:
    """The map of ``features`` (GeoJSON, each with ``properties`` ``name``, ``value_txt``,
    ``sammenligning``, ``valgt`` and the area code under ``key``) coloured by their comparison
    with Denmark, outlined in ``stroke`` (the chosen one in black), with Bornholm's inset
    ``frame`` (or None) on top; the tooltip and the table name each area under
    ``name_column``; the table has one row per feature with the value from ``by_code``
    (indexed by area code) and the comparison, sorted by name."""
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "geoshape", "strokeWidth": stroke_width},
            "encoding": {
                "color": {
                    "field": "properties.sammenligning",
                    "type": "nominal",
                    "scale": comparison_scale(),
                    "title": "Sammenlignet med landet",
                },
                "stroke": {
                    "condition": {"test": "datum.properties.valgt", "value": PALETTE["dark"]},
                    "value": stroke,
                },
                "strokeWidth": {
                    "condition": {"test": "datum.properties.valgt", "value": 2.5},
                    "value": stroke_width,
                },
                "tooltip": [
                    {"field": "properties.name", "title": name_column},
                    {"field": "properties.value_txt", "title": unit},
                    {"field": "properties.sammenligning", "title": "Sammenligning"},
                ],
            },
        }
    ]
    if frame is not None:
        layers = [
            *layers,
            {
                "data": {
                    "values": {"type": "FeatureCollection", "features": [frame]},
                    "format": {"type": "json", "property": "features"},
                },
                # a frame, not data: hidden from screen readers (without ``aria: false``
                # Vega gives it an unnamed graphics-symbol role, axe's svg-img-alt)
                "mark": {
                    "type": "geoshape",
                    "filled": False,
                    "stroke": "#6b6b6b",
                    "strokeWidth": 1,
                    "strokeDash": [3, 2],
                    "aria": False,
                },
            },
        ]
    spec = chart_spec(
        title,
        description,
        width=WIDTH,
        height=HEIGHT,
        projection={"type": "mercator"},
        data={
            "values": {"type": "FeatureCollection", "features": features},
            "format": {"type": "json", "property": "features"},
        },
        layer=layers,
    )
    table = pd.DataFrame(
        {
            name_column: [f["properties"]["name"] for f in features],
            f"Værdi ({unit})": [
                by_code.loc[f["properties"][key], "value"]
                if f["properties"][key] in by_code.index
                else np.nan
                for f in features
            ],
            "Sammenligning": [f["properties"]["sammenligning"] for f in features],
        }
    ).sort_values(name_column)
    return Chart(spec, table.reset_index(drop=True), title, spec["description"])
