"""The municipal map, Bornholm in a framed inset where it is drawn with others (see the
package docstring for the contract); :mod:`naersund.charts.area_map` places and frames
Bornholm with the same helpers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from naersund import fmt
from naersund.charts.base import Chart, comparison_label
from naersund.charts.geo import clockwise, simplified_boundaries
from naersund.charts.maps import map_chart

BORNHOLM = 400
# Bornholm's inset: just right of the other drawn municipalities' top right corner (over the
# Kattegat on the national map, over the Øresund on KKR Hovedstaden's), where nothing Danish is.
INSET_GAP = 0.15
INSET_PAD = 0.08


def _shift(geometry: dict[str, Any], dx: float, dy: float) -> dict[str, Any]:
    return {
        "type": "MultiPolygon",
        "coordinates": [
            [[[round(x + dx, 4), round(y + dy, 4)] for x, y in ring] for ring in poly]
            for poly in geometry["coordinates"]
        ],
    }


def _bounds(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    pts = np.array([p for poly in geometry["coordinates"] for ring in poly for p in ring])
    return (
        float(pts[:, 0].min()),
        float(pts[:, 1].min()),
        float(pts[:, 0].max()),
        float(pts[:, 1].max()),
    )


def _inset_frame(bounds: tuple[float, float, float, float]) -> dict[str, Any]:
    """The inset's frame as a GeoJSON polygon (clockwise, as d3-geo wants an exterior ring)."""
    x0, y0, x1, y1 = bounds
    x0, y0, x1, y1 = x0 - INSET_PAD, y0 - INSET_PAD, x1 + INSET_PAD, y1 + INSET_PAD
    ring = clockwise(np.array([[x0, y0], [x0, y1], [x1, y1], [x1, y0], [x0, y0]]))
    return {
        "type": "Feature",
        "properties": {"name": "Bornholm (flyttet)"},
        "geometry": {"type": "Polygon", "coordinates": [ring.round(4).tolist()]},
    }


def choropleth(
    rows: pd.DataFrame,
    unit: str,
    title: str,
    area_codes: list[int] | None = None,
    highlight: int | None = None,
    area: str | None = None,
) -> Chart:
    """Map of the municipalities coloured by their comparison with Denmark (legend in words);
    the tooltip and the table give the value. ``rows`` has ``area_code, name, value, lower,
    upper, comparison``. With ``area_codes`` only those municipalities are drawn (e.g. a
    KKR's, ``area`` its name) and the map zooms to them. Where Bornholm is drawn with others
    (the whole country, KKR Hovedstaden) it is moved into a framed inset just right of their
    top right corner, so the map need not span the Baltic.
    Boundaries are the shipped ones, simplified (:mod:`naersund.charts.geo`)."""
    by_code = rows.set_index("area_code")
    geo = simplified_boundaries()
    whole_country = area_codes is None
    features = []
    inset: dict[str, Any] | None = None
    drawn_codes = [
        f["properties"]["kommunekode"]
        for f in geo["features"]
        if area_codes is None or f["properties"]["kommunekode"] in area_codes
    ]
    corner: tuple[float, float] | None = None
    if BORNHOLM in drawn_codes and len(drawn_codes) > 1:
        others = [
            _bounds(f["geometry"])
            for f in geo["features"]
            if f["properties"]["kommunekode"] in drawn_codes
            and f["properties"]["kommunekode"] != BORNHOLM
        ]
        own = next(f for f in geo["features"] if f["properties"]["kommunekode"] == BORNHOLM)
        _, by0, _, by1 = _bounds(own["geometry"])
        corner = (max(b[2] for b in others) + INSET_GAP, max(b[3] for b in others) - (by1 - by0))
    for f in geo["features"]:
        code = f["properties"]["kommunekode"]
        if area_codes is not None and code not in area_codes:
            continue
        r = by_code.loc[code] if code in by_code.index else None
        value = None if r is None or pd.isna(r["value"]) else float(r["value"])
        comparison = "not_compared" if r is None else str(r["comparison"])
        props = {
            "kommunekode": code,
            "name": f["properties"]["name"],
            "value_txt": fmt.number(value) if value is not None else "skjult/ingen værdi",
            "sammenligning": comparison_label(comparison),
            "valgt": code == highlight,
        }
        geometry = f["geometry"]
        if corner is not None and code == BORNHOLM:
            x0, y0, _, _ = _bounds(geometry)
            geometry = _shift(geometry, corner[0] - x0, corner[1] - y0)
            inset = _inset_frame(_bounds(geometry))
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    n = len(features)
    if whole_country:
        drawn = f"alle {n} kommuner"
    else:
        drawn = f"de {n} kommuner i {area}" if area else f"{n} udvalgte kommuner"
    if inset:
        drawn += "; Bornholm er flyttet op i rammen øverst til højre"
    chosen = [f["properties"]["name"] for f in features if f["properties"]["valgt"]]
    own = f" {chosen[0]} har sort kant." if chosen else ""
    return map_chart(
        features,
        inset,
        by_code,
        unit,
        title,
        f"Kort over {drawn}: {title}. Hver kommune er farvet efter, om den er bedre, som eller "
        f"dårligere end landet; tallene står i tabellen.{own}",
        key="kommunekode",
        name_column="Kommune",
        stroke="#6b6b6b",
        stroke_width=0.4,
    )
