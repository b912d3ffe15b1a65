"""Comparable municipalities: areas from the shipped boundaries, the standardised distance by
hand, and a result a reader can check (the small islands resemble each other)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from naersund.analysis.neighbours import area_km2, comparable_municipalities, nearest


def test_areas_match_the_official_ones() -> None:
    # Statistics Denmark (ARE207, km²): Frederiksberg 8.7, Aalborg 1,137, Læsø 119, Samsø 114
    areas = area_km2()
    assert len(areas) == 98
    for code, official in {147: 8.7, 851: 1137.0, 825: 119.0, 741: 114.0}.items():
        assert areas[code] == pytest.approx(official, rel=0.03)


def test_the_distance_by_hand() -> None:
    # two characteristics; standardised: a = (-1, -1), b = (-1, 1), c = (1, -1), d = (1, 1)
    # after z-scores (mean 0, sd 1 of the population); ties broken by the lower code.
    features = pd.DataFrame(
        {"x": [0.0, 0.0, 2.0, 2.0], "y": [10.0, 30.0, 10.0, 30.0]}, index=[1, 2, 3, 4]
    )
    got = nearest(features, k=3)
    assert got[1] == [2, 3, 4]  # 2 and 3 at distance 2 (tie: lower code), 4 at 2*sqrt(2)
    assert got[4] == [2, 3, 1]
    z = (features - features.mean()) / features.std(ddof=0)
    assert math.dist(z.loc[1], z.loc[4]) == pytest.approx(2 * math.sqrt(2))


def test_small_islands_resemble_each_other_and_the_result_is_reproducible() -> None:
    first = comparable_municipalities(2014)
    assert set(first[825][:3]) == {741, 492, 563}  # Læsø: Samsø, Ærø, Fanø
    assert all(len(v) == 5 and k not in v for k, v in first.items())
    assert comparable_municipalities(2014, k=5) == first
