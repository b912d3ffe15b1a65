"""What the maps share: the spec around their layers and the table beside them. The municipal
map (``builders.choropleth``) and the map of any area level (``area_map.area_choropleth``)
differ in their shapes and words, not in how they are drawn or tabulated."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from naersund.charts.base import WIDTH, Chart, chart_spec

HEIGHT = 420


def map_chart(
    features: list[dict[str, Any]],
    layers: list[dict[str, Any]],
    frame: dict[str, Any] | None,
    by_code: pd.DataFrame,
    unit: str,
    title: str,
    description: str,
    *,
    key: str,
    name_column: str,
) -> Chart:
    """The map of ``features`` (GeoJSON, each with ``properties`` ``name``, ``sammenligning``
    and the area code under ``key``) drawn by ``layers``, with Bornholm's inset ``frame`` (or
    None) on top; its table has one row per feature, ``name_column``, the value from
    ``by_code`` (indexed by area code) and the comparison, sorted by name."""
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
