"""The shipped municipality boundaries, simplified for maps.

The GeoJSON (``naersund.refdata.boundaries_path``) has about 41,000 points, far more than a map
of 600 pixels can show. Each ring is simplified with the Douglas-Peucker algorithm (Douglas DH,
Peucker TK. Algorithms for the reduction of the number of points required to represent a
digitized line or its caricature. Cartographica 1973;10:112-22) and rings with a tiny extent are
dropped (small islands), keeping each municipality's largest ring.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from naersund.refdata import boundaries_path

FloatArray = npt.NDArray[np.float64]


def simplify_ring(points: FloatArray, tolerance: float) -> FloatArray:
    """Douglas-Peucker: keep the points farther than ``tolerance`` from the chord (iterative)."""
    n = len(points)
    if n <= 4:
        return points
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        start, end = stack.pop()
        if end - start < 2:
            continue
        a, b = points[start], points[end]
        seg = points[start + 1 : end]
        d = b - a
        norm = float(np.hypot(d[0], d[1]))
        if norm == 0.0:
            dist = np.hypot(seg[:, 0] - a[0], seg[:, 1] - a[1])
        else:
            dist = np.abs(d[0] * (seg[:, 1] - a[1]) - d[1] * (seg[:, 0] - a[0])) / norm
        i = int(np.argmax(dist))
        if dist[i] > tolerance:
            mid = start + 1 + i
            keep[mid] = True
            stack.extend([(start, mid), (mid, end)])
    out = points[keep]
    return out if len(out) >= 4 else points[[0, n // 3, 2 * n // 3, 0]]


def clockwise(ring: FloatArray) -> FloatArray:
    """The ring in clockwise order (negative shoelace area in lon/lat), which d3-geo (used by
    Vega) takes for an exterior ring; counter-clockwise rings (RFC 7946) would fill the globe."""
    x, y = ring[:, 0], ring[:, 1]
    area = float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))
    return ring[::-1] if area > 0 else ring


def _extent(ring: FloatArray) -> float:
    return float(max(np.ptp(ring[:, 0]), np.ptp(ring[:, 1])))


@cache
def simplified_boundaries(tolerance: float = 0.005, min_extent: float = 0.03) -> dict[str, Any]:
    """The municipalities as a GeoJSON FeatureCollection with simplified geometry and the
    properties ``kommunekode`` (int) and ``name``. Coordinates are rounded to 4 decimals
    (about 10 m). Cached: the same object for the same arguments (do not modify it)."""
    raw = json.loads(boundaries_path().read_text(encoding="utf-8"))
    features = []
    for f in raw["features"]:
        geom = f["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        rings = [np.asarray(p[0], dtype=np.float64) for p in polys]  # outer rings only
        largest = max(range(len(rings)), key=lambda i: _extent(rings[i]))
        kept = []
        for i, ring in enumerate(rings):
            if i != largest and _extent(ring) < min_extent:
                continue
            s = clockwise(np.round(simplify_ring(ring, tolerance), 4))
            kept.append([s.tolist()])
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "kommunekode": int(f["properties"]["kommunekode"]),
                    "name": f["properties"]["name"],
                },
                "geometry": {"type": "MultiPolygon", "coordinates": kept},
            }
        )
    return {"type": "FeatureCollection", "features": features}
