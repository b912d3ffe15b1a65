"""Comparable municipalities ("Sammenlignelige kommuner"): for every municipality the ``k``
most similar ones by public characteristics naersund ships, as Fingertips' "nearest
neighbours" and as Danish municipalities are routinely compared.

Method (reproducible, no randomness):

- **Characteristics**, from the shipped reference data only: the population (1 January of the
  chosen year, Statistics Denmark's BY2/FOLK1A as shipped in ``population.csv``) on a log scale;
  the share of citizens 65+ and 80+; the population density (citizens per km², the area
  computed geodesically on the WGS84 ellipsoid with ``pyproj`` from the shipped municipality
  boundaries, ``municipalities.geojson``, DAGI) on a log scale. Logs, because a municipality of
  50,000 differs from one of 25,000 as one of 400,000 does from one of 200,000.
- **Standardised**: each characteristic minus its mean over the 98, divided by its standard
  deviation, so that none weighs more for its unit.
- **Distance**: Euclidean on the standardised characteristics; the ``k`` nearest (k = 5 by
  default), ties broken by the lower kommunekode.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from scipy.spatial.distance import cdist

from naersund.refdata import boundaries_path

K = 5
FEATURES = {
    "log_population": "Indbyggere (log)",
    "share_65": "Andel 65+",
    "share_80": "Andel 80+",
    "log_density": "Indbyggere pr. km² (log)",
}
OLD = ("65-69", "70-74", "75-79", "80-84", "85+")
VERY_OLD = ("80-84", "85+")


def _ring_area(geod: Any, ring: list[list[float]]) -> float:
    lons, lats = zip(*[(p[0], p[1]) for p in ring], strict=True)
    area, _ = geod.polygon_area_perimeter(lons, lats)
    return abs(float(area))


@cache
def area_km2() -> dict[int, float]:
    """Each municipality's area in km² from the shipped boundaries (exterior rings minus
    holes, geodesic on WGS84)."""
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    data = json.loads(boundaries_path().read_text(encoding="utf-8"))
    out: dict[int, float] = {}
    for feature in data["features"]:
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        total = 0.0
        for polygon in polygons:
            total += _ring_area(geod, polygon[0]) - sum(_ring_area(geod, h) for h in polygon[1:])
        out[int(feature["properties"]["kommunekode"])] = total / 1e6
    return out


def characteristics(population: pd.DataFrame, areas: dict[int, float]) -> pd.DataFrame:
    """One row per municipality (index kommunekode) with the columns of :data:`FEATURES`, from
    a year's population (``kommunekode, age_group, count``; both sexes) and areas in km²."""
    pop = population.groupby("kommunekode")["count"].sum()
    old = population[population["age_group"].isin(OLD)].groupby("kommunekode")["count"].sum()
    very = population[population["age_group"].isin(VERY_OLD)].groupby("kommunekode")["count"].sum()
    area = pd.Series(areas).reindex(pop.index)
    return pd.DataFrame(
        {
            "log_population": np.log(pop),
            "share_65": old.reindex(pop.index, fill_value=0) / pop,
            "share_80": very.reindex(pop.index, fill_value=0) / pop,
            "log_density": np.log(pop / area),
        }
    )


def nearest(features: pd.DataFrame, k: int = K) -> dict[int, list[int]]:
    """Each municipality's ``k`` most similar (standardised Euclidean distance), nearest
    first."""
    z = (features - features.mean()) / features.std(ddof=0)
    codes = np.asarray(features.index, dtype=np.int64)
    dist = cdist(z.to_numpy(), z.to_numpy())
    out: dict[int, list[int]] = {}
    for i, code in enumerate(codes):
        order = np.lexsort((codes, dist[i]))  # by distance, then kommunekode
        out[int(code)] = [int(codes[j]) for j in order if j != i][:k]
    return out


@cache
def features_of_year(year: int) -> pd.DataFrame:
    """:func:`characteristics` of every municipality from the shipped population of ``year``
    (estimated as compute does where the year is not shipped) and the shipped boundaries."""
    from naersund.refdata import derive_population, shipped_population

    pop = derive_population(shipped_population(), [year])
    return characteristics(pop, area_km2())


def comparable_municipalities(year: int, k: int = K) -> dict[int, list[int]]:
    """The ``k`` comparable municipalities of every municipality in ``year``
    (:func:`features_of_year`)."""
    return nearest(features_of_year(year), k)
