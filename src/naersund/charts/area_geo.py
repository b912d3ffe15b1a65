"""Boundaries of any area level, dissolved from the municipalities' polygons (issue 14).

A sundhedsråd, Region Østdanmark or a user group has no boundary file of its own: its outline is
the union of its municipalities' shipped polygons (``naersund.refdata.boundaries_path``),
dissolved with shapely 2 (``union_all``, GEOS) and then simplified for a map like the
municipalities (:mod:`naersund.charts.geo`): Douglas-Peucker (shapely's ``simplify``), outer
rings only, tiny islands dropped, clockwise rings for d3-geo. Each area is dissolved once per
process (``lru_cache`` keyed by its set of municipalities).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from naersund.charts.geo import clockwise
from naersund.refdata import boundaries_path

TOLERANCE = 0.005  # degrees, as the municipalities' map (about 300-500 m)
MIN_EXTENT = 0.03  # islands smaller than this (degrees) are left out, as on the municipal map


@cache
def municipality_shapes() -> dict[int, BaseGeometry]:
    """kommunekode -> the municipality's shipped (full-resolution) polygon, made valid."""
    raw = json.loads(boundaries_path().read_text(encoding="utf-8"))
    return {
        int(f["properties"]["kommunekode"]): shapely.make_valid(shape(f["geometry"]))
        for f in raw["features"]
    }


@lru_cache(maxsize=512)
def dissolved(members: frozenset[int]) -> BaseGeometry:
    """The union of the municipalities' polygons (full resolution)."""
    shapes = municipality_shapes()
    missing = sorted(members - set(shapes))
    if missing:
        raise KeyError(f"ingen grænse for kommune(rne) {missing}")
    return shapely.union_all([shapes[k] for k in sorted(members)])


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    return [g for part in getattr(geom, "geoms", []) for g in _polygons(part)]


def _extent(p: Polygon) -> float:
    x0, y0, x1, y1 = p.bounds
    return float(max(x1 - x0, y1 - y0))


@lru_cache(maxsize=512)
def map_geometry(members: frozenset[int]) -> dict[str, Any]:
    """The area's outline for a map: a GeoJSON MultiPolygon, simplified, outer rings only,
    islands under ``MIN_EXTENT`` left out (the largest part is always kept), clockwise rings,
    coordinates rounded to 4 decimals. Do not modify the returned object (it is cached)."""
    simple = shapely.simplify(dissolved(members), TOLERANCE, preserve_topology=True)
    polys = _polygons(simple)
    if not polys:
        return {"type": "MultiPolygon", "coordinates": []}
    largest = max(polys, key=lambda p: p.area)
    kept = [p for p in polys if p is largest or _extent(p) >= MIN_EXTENT]
    coords = [
        [
            clockwise(
                np.round(np.asarray(p.exterior.coords, dtype=np.float64), 4).astype(np.float64)
            ).tolist()
        ]
        for p in kept
    ]
    return {"type": "MultiPolygon", "coordinates": coords}


def area_features(
    areas: Iterable[tuple[int, str, Iterable[int]]],
) -> list[dict[str, Any]]:
    """One GeoJSON feature per area ``(code, name, kommunekoder)`` with the properties
    ``area_code`` and ``name``."""
    return [
        {
            "type": "Feature",
            "properties": {"area_code": int(code), "name": name},
            "geometry": map_geometry(frozenset(int(k) for k in members)),
        }
        for code, name, members in areas
    ]
