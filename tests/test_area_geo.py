"""Boundaries of any area level, dissolved from the municipalities' polygons (issue 14)."""

from __future__ import annotations

import shapely
from shapely.geometry import shape

from naersund.charts.area_geo import dissolved, map_geometry, municipality_shapes
from naersund.charts.area_map import area_choropleth
from naersund.refdata import areas

OESTDANMARK = 1086


def _members(level: str, code: int) -> frozenset[int]:
    area = next(a for a in areas.area_levels()[level].latest.areas if a.code == code)
    return frozenset(area.members)


def test_the_dissolved_region_oestdanmark_covers_exactly_its_municipalities() -> None:
    members = _members("region2027", OESTDANMARK)
    assert len(members) == 46
    shapes = municipality_shapes()
    east = dissolved(members)
    parts = sum(shapes[k].area for k in members)
    # the municipalities do not overlap, so the outline's area is the sum of theirs ...
    assert abs(east.area - parts) <= 1e-9 * parts
    # ... every municipality lies inside it, and none of the other 52 does
    for k, geom in shapes.items():
        inside = east.buffer(1e-9).covers(geom)
        assert inside == (k in members), k
    assert shapely.intersection(east, shapes[851]).area == 0  # Aalborg


def test_the_map_outline_is_simplified_but_keeps_the_area() -> None:
    members = _members("region2027", OESTDANMARK)
    geometry = map_geometry(members)
    drawn = shape(geometry)
    assert abs(drawn.area - dissolved(members).area) / dissolved(members).area < 0.01
    assert sum(len(p[0]) for p in geometry["coordinates"]) < 2000
    assert map_geometry(members) is geometry  # cached


def test_the_national_area_map_moves_bornholm_into_an_inset() -> None:
    import pandas as pd

    level = areas.area_levels()["sundhedsraad"].latest
    drawn = [(a.code, a.name, a.members) for a in level.areas]
    rows = pd.DataFrame(
        {
            "area_code": [a.code for a in level.areas],
            "name": [a.name for a in level.areas],
            "value": [1.0] * len(level.areas),
            "comparison": ["similar"] * len(level.areas),
        }
    )
    chart = area_choropleth(rows, drawn, "pr. 1.000", "Titel", "Sundhedsråd")
    features = chart.spec["data"]["values"]["features"]
    assert len(features) == 17
    hovedstaden = next(f for f in features if f["properties"]["area_code"] == 2713)
    east_most = max(x for poly in hovedstaden["geometry"]["coordinates"] for x, _ in poly[0])
    assert east_most < 14.0  # Bornholm (about 15 degrees east) was moved west of Øresund's coast
    assert "Bornholm er flyttet" in chart.description
    assert list(chart.table["Område"]) == sorted(a.name for a in level.areas)
