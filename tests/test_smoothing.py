"""Empirical Bayes smoothing (Marshall 1991) by hand: three municipalities of one group."""

from __future__ import annotations

from fractions import Fraction as F

import pandas as pd
import pytest

from naersund.analysis.smoothing import shrink, smoothed_rates


def test_three_municipalities_by_hand() -> None:
    # O = 2, 30, 100 events in n = 100, 1,000, 5,000 citizens.
    # m = 132 / 6100 = 0.021639; s2 = sum n (r - m)^2 / sum n = 1.37060e-5;
    # A = s2 - m / (6100 / 3) = 3.0637e-6; C = A / (A + m / n) = 0.013959, 0.12402, 0.41449;
    # smoothed = m + C (r - m) = 0.021616, 0.022676, 0.020960 (per 1 citizen).
    got = shrink(pd.Series([2, 30, 100]), pd.Series([100, 1000, 5000]), multiplier=1000)
    assert got["group_rate"].tolist() == pytest.approx([21.6393] * 3, abs=1e-4)
    assert got["weight"].tolist() == pytest.approx([0.013959, 0.12402, 0.41449], abs=2e-5)
    assert got["smoothed"].tolist() == pytest.approx([21.616, 22.676, 20.960], abs=2e-3)
    assert got["rate"].tolist() == pytest.approx([20.0, 30.0, 20.0])
    # the same with exact fractions
    o, n = [F(2), F(30), F(100)], [F(100), F(1000), F(5000)]
    m = sum(o) / sum(n)
    s2 = sum(ni * (oi / ni - m) ** 2 for oi, ni in zip(o, n, strict=True)) / sum(n)
    a = s2 - m / (sum(n) / 3)
    exact = [
        float((m + a / (a + m / ni) * (oi / ni - m)) * 1000) for oi, ni in zip(o, n, strict=True)
    ]
    assert got["smoothed"].tolist() == pytest.approx(exact, rel=1e-12)


def test_no_more_variation_than_chance_gives_everyone_the_group_rate() -> None:
    got = shrink(pd.Series([10, 21, 9]), pd.Series([1000, 2000, 1000]))
    assert (got["weight"] == 0).all()
    assert got["smoothed"].tolist() == pytest.approx([40 / 4000] * 3)


def test_each_year_is_shrunk_within_its_group_and_gaps_stay_empty() -> None:
    rows = pd.DataFrame(
        {
            "kommunekode": [101, 147, 851, 860, 101],
            "year": [2014, 2014, 2014, 2014, 2015],
            "numerator": [50, 3, 40, float("nan"), 60],
            "denominator": [10_000, 200, 8_000, 500, 10_000],
        }
    )
    group = pd.Series({101: 1084, 147: 1084, 851: 1081, 860: 1081})
    got = smoothed_rates(rows, group)
    assert got.loc[3, "smoothed"] != got.loc[3, "smoothed"]  # NaN: no count
    assert got.loc[2, "group_rate"] == pytest.approx(40 / 8000)  # 860 does not count
    assert got.loc[4, "group_rate"] == pytest.approx(60 / 10_000)  # 2015 alone
    assert got.loc[0, "group_rate"] == got.loc[1, "group_rate"] == pytest.approx(53 / 10_200)
