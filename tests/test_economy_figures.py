"""The economic figures: the lift against the adjusted base worked out by hand, sums per KKR
and Denmark, KMF as its own series ("ikke relevant" from 2027, never 0), the expected share of
the ØA lift by population or by an imported key, and the seeds' sentences from the demo data."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from naersund.economy.config import (
    HealthFunctions,
    Regulation,
    YearRegulation,
    load_functions,
    load_regulation,
)
from naersund.economy.figures import EconomyFigures, Provenance, SourceFile, compute_figures
from naersund.economy.population import Citizens, citizens
from naersund.economy.statbank import read_statbank_accounts
from naersund.economy.synth import generate_economy
from naersund.refdata import municipalities

MUNIS = municipalities()
CODES = [int(k) for k in MUNIS["kommunekode"]]
HOVEDSTADEN = [int(k) for k in MUNIS.loc[MUNIS["region_code"] == 1084, "kommunekode"]]
FUNCTIONS = HealthFunctions(
    version=1, source="test", include_prefixes=["4.62."], kmf=["4.62.81"], kmf_last_year=2026
)
REGULATION = Regulation(
    version=2,
    source="test",
    oea_lift_mio_kr={2014: 98.0},
    years={2014: YearRegulation(pl_pct=2.0, regulation_mio_kr=9.8)},
)
PROVENANCE = Provenance("BUDK32", "budget", {}, 1, 2, False, "test", "befolkningsandel")


def _citizens(years: list[int]) -> Citizens:
    rows = [(y, k, 1000 if k != 101 else 3000, 200) for y in years for k in CODES]
    return Citizens(
        pd.DataFrame(rows, columns=["year", "kommunekode", "citizens", "citizens_65"]), "t"
    )


def _amounts(values: dict[int, float], kmf_years: tuple[int, ...] = (2013, 2014)) -> pd.DataFrame:
    """Health (4.62.82) of 1.000 per municipality × year factor, 101 twice that; KMF 500."""
    rows = []
    for year, factor in values.items():
        for k in CODES:
            rows.append((year, k, "4.62.82", (2000.0 if k == 101 else 1000.0) * factor))
            if year in kmf_years:
                rows.append((year, k, "4.62.81", 500.0))
    return pd.DataFrame(rows, columns=["year", "kommunekode", "function", "amount"])


def _figures(values: dict[int, float], **kw: object) -> EconomyFigures:
    years = list(values)
    return compute_figures(
        _amounts(values, **kw),  # type: ignore[arg-type]
        "budget",
        FUNCTIONS,
        REGULATION,
        _citizens(years),
        PROVENANCE,
    )


def test_the_lift_is_measured_against_last_year_priced_and_regulated() -> None:
    f = _figures({2013: 1.0, 2014: 1.1})
    # Denmark: last year 99.000 (97 × 1.000 + 2.000); base = 99.000 × 1,02 + 9.800 = 110.780
    land = f.figure("land", 0, 2014)
    assert land is not None and land.health == pytest.approx(108_900)
    assert land.base == pytest.approx(110_780)
    assert land.growth == pytest.approx(-1_880)
    assert land.growth_pct == pytest.approx(-1_880 / 110_780 * 100)
    # København: 2.000 × 1,02 + 9.800 × 2.000 / 99.000; its health now 2.200
    kbh = f.figure("kommune", 101, 2014)
    assert kbh is not None and kbh.base == pytest.approx(2040 + 9800 * 2000 / 99000)
    assert kbh.growth == pytest.approx(2200 - 2040 - 9800 * 2000 / 99000)
    # the KKR is the sum of its municipalities
    kkr = f.figure("kkr", 1084, 2014)
    parts = [f.figure("kommune", k, 2014) for k in HOVEDSTADEN]
    assert kkr is not None and kkr.base == pytest.approx(sum(p.base for p in parts if p and p.base))
    # the first year has no base and no growth
    first = f.figure("land", 0, 2013)
    assert first is not None and first.base is None and first.growth is None
    assert f.sentence("land", 0, 2013) is None


def test_per_citizen_and_kmf_as_its_own_series() -> None:
    f = _figures({2013: 1.0, 2014: 1.1})
    kbh = f.figure("kommune", 101, 2014)
    assert kbh is not None
    assert kbh.per_citizen == pytest.approx(2200 * 1000 / 3000)
    assert kbh.per_citizen_65 == pytest.approx(2200 * 1000 / 200)
    assert kbh.kmf == 500 and kbh.kmf_per_citizen == pytest.approx(500 * 1000 / 3000)
    assert kbh.health == pytest.approx(2200)  # KMF is not in health spending


def test_years_without_kmf_are_not_relevant_not_zero() -> None:
    f = _figures({2025: 1.0, 2026: 1.0, 2027: 1.0}, kmf_years=(2026,))
    after = f.figure("land", 0, 2027)
    assert after is not None and after.kmf is None and after.kmf_per_citizen is None
    assert after.kmf_status == "ikke relevant" and after.kmf_text == "ikke relevant"
    missing = f.figure("kommune", 101, 2025)
    assert missing is not None and missing.kmf_status == "ikke oplyst"
    shown = f.figure("kommune", 101, 2026)
    assert shown is not None and shown.kmf_status == "" and shown.kmf_text == "167 kr."


def test_expected_share_of_the_lift_by_population_or_key() -> None:
    f = _figures({2013: 1.0, 2014: 1.1})
    kbh = f.figure("kommune", 101, 2014)
    total = 97 * 1000 + 3000
    assert kbh is not None and kbh.expected_lift == pytest.approx(98_000 * 3000 / total)
    assert kbh.lift_gap == pytest.approx(kbh.growth - kbh.expected_lift)  # type: ignore[operator]
    land = f.figure("land", 0, 2014)
    assert land is not None and land.expected_lift == pytest.approx(98_000)
    key = pd.DataFrame({"kommunekode": CODES, "share": [1 / 98] * 98})
    keyed = compute_figures(_amounts({2013: 1.0, 2014: 1.1}), "budget", FUNCTIONS, REGULATION,
                            _citizens([2013, 2014]), PROVENANCE, key)  # fmt: skip
    k = keyed.figure("kommune", 101, 2014)
    assert k is not None and k.expected_lift == pytest.approx(1000)
    assert f.figure("land", 0, 2013).expected_lift is None  # type: ignore[union-attr]


def test_a_missing_amount_leaves_the_area_and_its_sums_without_a_figure() -> None:
    a = _amounts({2013: 1.0, 2014: 1.1})
    a.loc[
        (a["kommunekode"] == 101) & (a["year"] == 2014) & (a["function"] == "4.62.82"), "amount"
    ] = math.nan
    f = compute_figures(a, "budget", FUNCTIONS, REGULATION, _citizens([2013, 2014]), PROVENANCE)
    for level, code in (("kommune", 101), ("kkr", 1084), ("land", 0)):
        got = f.figure(level, code, 2014)  # type: ignore[arg-type]
        assert got is not None and got.health is None and got.growth is None, level
    other = f.figure("kkr", 1081, 2014)
    assert other is not None and other.health == pytest.approx(11 * 1100)


def test_sentences_name_a_fall_and_an_unadjusted_year() -> None:
    f = _figures({2013: 1.0, 2014: 1.1, 2015: 1.0})
    assert f.sentence("land", 0, 2014) == (
        "Kommunerne budgetterer i 2014 med et fald på 2 mio. kr. på sundhedsområdet, "
        "svarende til et fald på 1,7 pct. (ekskl. KMF)."
    )
    assert f.sentence("kommune", 165, 2015) == (
        "Albertslund Kommune budgetterer i 2015 med et fald på 0,1 mio. kr. på "
        "sundhedsområdet, svarende til et fald på 9,1 pct. (ekskl. KMF). Væksten er ikke pris- "
        "og lønreguleret for dette år."
    )
    assert f.sentence("kkr", 1084, 2014) is not None
    assert f.sentence("kkr", 1084, 2014).startswith("Kommunerne i KKR Hovedstaden budgetterer")  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def demo_budgets(tmp_path_factory: pytest.TempPathFactory) -> EconomyFigures:
    paths = generate_economy(Path(tmp_path_factory.mktemp("economy")))
    acc = read_statbank_accounts(paths["BUDK32"])
    fn, reg = load_functions(), load_regulation()
    c = citizens(acc.years)
    files = {y: SourceFile(acc.file_name, "i dag", True) for y in acc.years}
    prov = Provenance("BUDK32", "budget", files, fn.version, reg.version, reg.verified,
                      c.source, "befolkningsandel")  # fmt: skip
    return compute_figures(acc.rows, acc.kind, fn, reg, c, prov)


def test_the_demo_budgets_say_the_seeds_sentences(demo_budgets: EconomyFigures) -> None:
    assert demo_budgets.sentence("land", 0, 2013) == (
        "Kommunerne budgetterer i 2013 med et løft på 270 mio. kr. på sundhedsområdet, "
        "svarende til en vækst på 3,9 pct. (ekskl. KMF)."
    )
    assert demo_budgets.sentence("land", 0, 2014) == (
        "Kommunerne budgetterer i 2014 med et løft på 311 mio. kr. på sundhedsområdet, "
        "svarende til en vækst på 4,1 pct. (ekskl. KMF)."
    )
    assert demo_budgets.years == [2012, 2013, 2014, 2015, 2016]
    assert demo_budgets.provenance.line(2014).startswith("SYNTETISKE DATA. Kilde: Danmarks ")
