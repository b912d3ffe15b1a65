"""A map of the areas of any level (regions of 2027, sundhedsråd, KKR, user groups), coloured by
their comparison with Denmark, with the outlines dissolved from the municipalities
(:mod:`naersund.charts.area_geo`). It follows the municipal map
(``municipal_map.choropleth``): the same colours, words and table, zoom to the areas drawn, and
Bornholm moved into a framed inset where the whole country is drawn (its area keeps the rest of
its outline in place)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from naersund import fmt
from naersund.charts.area_geo import map_geometry
from naersund.charts.base import Chart, comparison_label
from naersund.charts.maps import map_chart

# the municipal map's helpers, so that both maps place and frame Bornholm alike
from naersund.charts.municipal_map import BORNHOLM, INSET_GAP, _bounds, _inset_frame, _shift

Area = tuple[int, str, Sequence[int]]  # (area code, name, kommunekoder)


def _geometries(areas: Sequence[Area], inset: bool) -> tuple[list[dict[str, Any]], Any]:
    """Each area's map outline; with ``inset`` Bornholm is cut from its area and moved just right
    of the other areas' top right corner (returns the inset's frame too, or None)."""
    whole = [map_geometry(frozenset(int(k) for k in m)) for _, _, m in areas]
    if not inset or not any(BORNHOLM in m for _, _, m in areas):
        return whole, None
    rest = [
        map_geometry(frozenset(int(k) for k in m if k != BORNHOLM))
        if BORNHOLM in m and len(m) > 1
        else g
        for (_, _, m), g in zip(areas, whole, strict=True)
    ]
    others = [_bounds(g) for (_, _, m), g in zip(areas, rest, strict=True) if list(m) != [BORNHOLM]]
    if not others:
        return whole, None
    island = map_geometry(frozenset([BORNHOLM]))
    _, by0, _, by1 = _bounds(island)
    corner = (max(b[2] for b in others) + INSET_GAP, max(b[3] for b in others) - (by1 - by0))
    x0, y0, _, _ = _bounds(island)
    moved = _shift(island, corner[0] - x0, corner[1] - y0)
    out = []
    for (_, _, m), g in zip(areas, rest, strict=True):
        if BORNHOLM in m:
            g = {"type": "MultiPolygon", "coordinates": [*g["coordinates"], *moved["coordinates"]]}
            if list(m) == [BORNHOLM]:
                g = moved
        out.append(g)
    return out, _inset_frame(_bounds(moved))


def area_choropleth(
    rows: pd.DataFrame,
    areas: Sequence[Area],
    unit: str,
    title: str,
    level_name: str,
    whole_country: bool = True,
    highlight: int | None = None,
) -> Chart:
    """Map of ``areas`` coloured by their comparison with Denmark; ``rows`` has ``area_code,
    name, value, comparison`` (one per area). ``whole_country``: the areas cover Denmark, so
    Bornholm goes into the inset."""
    by_code = rows.set_index("area_code")
    geometries, frame = _geometries(areas, whole_country)
    features: list[dict[str, Any]] = []
    for (code, name, _), geometry in zip(areas, geometries, strict=True):
        r = by_code.loc[code] if code in by_code.index else None
        value = None if r is None or pd.isna(r["value"]) else float(r["value"])
        comparison = "not_compared" if r is None else str(r["comparison"])
        props: dict[str, Any] = {
            "area_code": int(code),
            "name": name,
            "value_txt": fmt.number(value) if value is not None else "skjult/ingen værdi",
            "sammenligning": comparison_label(comparison),
            "valgt": code == highlight,
        }
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    drawn = f"{len(features)} områder ({level_name}), tegnet som summen af deres kommuner"
    if frame is not None:
        drawn += "; Bornholm er flyttet op i rammen øverst til højre"
    return map_chart(
        features,
        frame,
        by_code,
        unit,
        title,
        f"Kort over {drawn}: {title}. Hvert område er farvet efter, om det er bedre, som eller "
        "dårligere end landet; tallene står i tabellen.",
        key="area_code",
        name_column="Område",
        # white outlines: neighbouring areas of the same colour stay apart
        stroke="white",
        stroke_width=1.5,
    )
