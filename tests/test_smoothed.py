"""Smoothed values of a release (issue 12, "small municipalities, honestly"): each municipality
shrunk towards its own KKR, from the published counts, on the headline measure; suppressed
cells neither get one nor count; the verdict stays the published one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from naersund.analysis.published import PublishedResults
from naersund.analysis.smoothed import marshall, smoothed_value
from naersund.analysis.smoothing import smoothed_rates

CRUDE_IND = "faerdigbehandlingsdage"  # no standardised values: crude headline
STD_IND = "forebyggelige_indlaeggelser_65"
# KKR Nordjylland: Læsø, Aalborg, Hjørring, Frederikshavn; KKR Hovedstaden: Albertslund
LAESOE, AALBORG, HJOERRING, FREDERIKSHAVN, ALBERTSLUND = 825, 851, 860, 813, 165


def _row(ind: str, level: str, area: int, num: float, den: float, std: float | None,
         comparison: str = "similar", suppressed: bool = False) -> dict[str, object]:  # fmt: skip
    value = num / den * 1000
    return {
        "indicator": ind, "level": level, "area_code": area, "year": 2014,
        "numerator": float("nan") if suppressed else num,
        "denominator": float("nan") if suppressed else den,
        "value": float("nan") if suppressed else value,
        "lower_ci": value * 0.8, "upper_ci": value * 1.2,
        "std_value": float("nan") if std is None or suppressed else std,
        "std_lower_ci": float("nan") if std is None else std * 0.8,
        "std_upper_ci": float("nan") if std is None else std * 1.2,
        "comparison": comparison, "suppressed": suppressed, "note": "",
    }  # fmt: skip


def _release() -> PublishedResults:
    rows = [
        _row(CRUDE_IND, "kommune", LAESOE, 2, 100, None, "worse"),
        _row(CRUDE_IND, "kommune", AALBORG, 30, 1000, None),
        _row(CRUDE_IND, "kommune", HJOERRING, 100, 5000, None),
        _row(CRUDE_IND, "kommune", FREDERIKSHAVN, 3, 50, None, suppressed=True),
        _row(CRUDE_IND, "kommune", ALBERTSLUND, 500, 1000, None),  # another KKR: not pooled
        _row(STD_IND, "kommune", LAESOE, 2, 100, 10.0),
        _row(STD_IND, "kommune", AALBORG, 30, 1000, 40.0),
        _row(STD_IND, "kommune", HJOERRING, 100, 5000, 25.0),
    ]
    meta = {"definitions": {CRUDE_IND: {"version": 1}, STD_IND: {"version": 1}}}
    return PublishedResults.from_frame(pd.DataFrame(rows), meta)


def _marshall(o: list[float], n: list[float], i: int, mult: float) -> tuple[float, float]:
    """Marshall (1991) eq. 5-7 written out: (smoothed rate of area i, its weight)."""
    m = sum(o) / sum(n)
    r = [oi / ni for oi, ni in zip(o, n, strict=True)]
    s2 = sum(ni * (ri - m) ** 2 for ni, ri in zip(n, r, strict=True)) / sum(n)
    a = max(s2 - m / (sum(n) / len(n)), 0.0)
    c = a / (a + m / n[i])
    return (m + c * (r[i] - m)) * mult, c


def test_a_crude_value_is_shrunk_towards_its_own_kkr_only() -> None:
    # Læsø 2/100, Aalborg 30/1000, Hjørring 100/5000 (the test of analysis/smoothing by hand):
    # m = 132/6100; Læsø's weight 0.013959, smoothed 21.616 per 1,000
    got = smoothed_value(_release(), CRUDE_IND, LAESOE, 2014)
    assert got is not None
    assert got.value == pytest.approx(21.616, abs=2e-3)
    assert got.weight == pytest.approx(0.013959, abs=2e-5)
    assert got.rate == pytest.approx(20.0) and got.group_rate == pytest.approx(21.6393, abs=1e-4)
    assert got.group_name == "KKR Nordjylland" and got.measure == "rå"
    # Albertslund is alone in its KKR here: everyone gets the group's (its own) rate
    alone = smoothed_value(_release(), CRUDE_IND, ALBERTSLUND, 2014)
    assert alone is not None and alone.value == pytest.approx(500.0)


def test_a_municipality_without_events_is_pulled_up_towards_its_kkr() -> None:
    rows = [
        _row(CRUDE_IND, "kommune", LAESOE, 0, 100, None),
        _row(CRUDE_IND, "kommune", AALBORG, 30, 1000, None),
        _row(CRUDE_IND, "kommune", HJOERRING, 100, 5000, None),
    ]
    pub = PublishedResults.from_frame(pd.DataFrame(rows), {"definitions": {}})
    want, _ = _marshall([0, 30, 100], [100, 1000, 5000], 0, 1000)
    got = smoothed_value(pub, CRUDE_IND, LAESOE, 2014)
    assert got is not None and got.rate == 0 and got.value == pytest.approx(want, rel=1e-12)
    assert got.value > 0


def test_a_suppressed_cell_has_no_smoothed_value() -> None:
    assert smoothed_value(_release(), CRUDE_IND, FREDERIKSHAVN, 2014) is None
    assert smoothed_value(_release(), CRUDE_IND, LAESOE, 2013) is None


def test_a_standardised_value_is_shrunk_on_its_equivalent_population() -> None:
    # equivalent populations n* = O x 1000 / DSR: 200, 750, 4000
    want, weight = _marshall([2, 30, 100], [200, 750, 4000], 0, 1000)
    got = smoothed_value(_release(), STD_IND, LAESOE, 2014)
    assert got is not None and got.measure == "aldersstandardiseret"
    assert got.rate == pytest.approx(10.0)
    assert got.value == pytest.approx(want, rel=1e-12)
    assert got.weight == pytest.approx(weight, rel=1e-12)


def test_the_verdict_stays_the_published_one() -> None:
    pub = _release()
    assert pub.figure(CRUDE_IND, "kommune", LAESOE, 2014).verdict == "worse"
    got = smoothed_value(pub, CRUDE_IND, LAESOE, 2014)
    assert got is not None and "bygger altid på den ikke-udjævnede værdi" in got.explanation_da


def test_the_vectorised_shrinkage_equals_the_library_s_reference_group_by_group() -> None:
    rng = np.random.default_rng(7)
    n = rng.integers(100, 20_000, 60).astype(float)
    df = pd.DataFrame(
        {
            "kommunekode": np.arange(60),
            "year": np.repeat([2013, 2014], 30),
            "group": np.tile([1, 2, 3], 20),
            "numerator": rng.poisson(n * 0.02).astype(float),
            "denominator": n,
            "multiplier": 1000.0,
        }
    )
    got = marshall(df, ["year", "group"])
    want = smoothed_rates(
        df[["kommunekode", "year", "numerator", "denominator"]],
        df.set_index("kommunekode")["group"],
        1000.0,
    )
    for col in ("rate", "group_rate", "weight", "smoothed"):
        assert got[col].to_numpy() == pytest.approx(want[col].to_numpy(), rel=1e-12), col
