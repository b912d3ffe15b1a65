"""``naersund compute --levels``: every area level back-cast from the municipalities, on both
engines, with its areas file, and suppressed no less safely than today's hierarchy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from naersund import refdata
from naersund.cli import cli
from naersund.engine.compute import ComputeOptions, ComputeResult, compute
from naersund.engine.outputs import areas_path, meta_path
from naersund.errors import InputError
from naersund.refdata import areas
from naersund.suppression import SuppressionRule, suppress
from naersund.suppression_levels import HIERARCHY, middle_level, suppress_levels

ENGINES = ["duckdb", pytest.param("spark", marks=pytest.mark.spark)]
ALL_LEVELS = ["kommune", "region", "region2027", "kkr", "sundhedsraad", "land"]
HOVEDSTADEN, SJAELLAND, OESTDANMARK = 1084, 1085, 1086
PREVENTABLE = "forebyggelige_indlaeggelser_65"


@pytest.fixture(scope="module", params=ENGINES)
def unsuppressed(request: pytest.FixtureRequest, synthetic_dir: Path) -> tuple[str, ComputeResult]:
    """Every shipped level of the synthetic registry, nothing masked (min_count 1)."""
    engine = str(request.param)
    extra: dict[str, Any] = {"threads": 2} if engine == "duckdb" else {}
    if engine == "spark":
        request.getfixturevalue("spark_con")
    options = ComputeOptions(
        engine=engine,
        engine_options=extra,
        levels=ALL_LEVELS,
        suppression=SuppressionRule(min_count=1),
    )
    return engine, compute(synthetic_dir, options)


def _counts(results: pd.DataFrame, level: str) -> pd.DataFrame:
    rows = results[results["level"] == level]
    return rows.set_index(["indicator", "area_code", "year"])[["numerator", "denominator"]]


def test_region_oestdanmark_is_the_sum_of_its_municipalities_in_every_year(
    unsuppressed: tuple[str, ComputeResult],
) -> None:
    _, result = unsuppressed
    res = result.results
    assert set(res["level"]) == set(ALL_LEVELS)
    kommune = _counts(res, "kommune").reset_index()
    region = refdata.region_of()
    east = kommune[kommune["area_code"].map(region).isin([HOVEDSTADEN, SJAELLAND])]
    expected = east.groupby(["indicator", "year"])[["numerator", "denominator"]].sum()
    oest = _counts(res, "region2027").xs(OESTDANMARK, level="area_code")
    assert len(oest) == res["indicator"].nunique() * res["year"].nunique()
    pd.testing.assert_frame_equal(oest.sort_index(), expected.sort_index(), check_names=False)
    # and Hovedstaden + Sjælland as published on the 2007 level
    old = _counts(res, "region").reset_index()
    both = old[old["area_code"].isin([HOVEDSTADEN, SJAELLAND])]
    summed = both.groupby(["indicator", "year"])[["numerator", "denominator"]].sum()
    pd.testing.assert_frame_equal(oest.sort_index(), summed.sort_index(), check_names=False)


def test_every_area_of_every_level_is_the_sum_of_its_members(
    unsuppressed: tuple[str, ComputeResult],
) -> None:
    _, result = unsuppressed
    res, members = result.results, result.areas
    assert members is not None
    kommune = _counts(res, "kommune").reset_index().rename(columns={"area_code": "kommunekode"})
    joined = members.merge(kommune, on="kommunekode")
    sums = joined.groupby(["level", "indicator", "area_code", "year"])[["numerator"]].sum()
    published = res.set_index(["level", "indicator", "area_code", "year"])[["numerator"]]
    pd.testing.assert_frame_equal(
        published.sort_index(), sums.sort_index().astype(float), check_dtype=False
    )


def test_oestdanmarks_standardised_rate_is_computed_from_its_counts(
    unsuppressed: tuple[str, ComputeResult], synthetic_dir: Path
) -> None:
    """By hand: direct standardisation of the summed counts of the 46 municipalities, per
    5-year band 65+ and sex, to Denmark's population of 1 January 2013."""
    _, result = unsuppressed
    members = set(areas.area_levels()["region2027"].latest.areas[3].members)
    assert len(members) == 46
    agg = result.aggregates[PREVENTABLE]
    agg = agg[agg["kommunekode"].isin(members) & (agg["year"] == 2014)]
    x = agg.groupby(["age_lower", "sex"])["numerator"].sum()
    pop = pd.read_parquet(synthetic_dir / "population")
    pop = pop[pop["kommunekode"].isin(members) & (pop["year"] == 2014)]
    pop = pop.assign(age_lower=pop["age_group"].str.rstrip("+").str.split("-").str[0].astype(int))
    n = pop[pop["age_lower"] >= 65].groupby(["age_lower", "sex"])["count"].sum()
    raw = refdata.shipped_population()
    std = raw[(raw["kommunekode"] == 0) & (raw["year"] == 2013) & raw["sex"].isin(["M", "F"])]
    std = std[std["age_group"].isin(refdata.AGE_GROUPS[13:])]
    w = std.assign(age_lower=std["age_group"].str.rstrip("+").str.split("-").str[0].astype(int))
    w = w.set_index(["age_lower", "sex"])["count"]
    assert len(w) == 10 and len(n) == 10
    rate = (x.reindex(n.index, fill_value=0) / n * w).sum() / w.sum() * 1000
    row = result.results[
        (result.results["indicator"] == PREVENTABLE)
        & (result.results["level"] == "region2027")
        & (result.results["area_code"] == OESTDANMARK)
        & (result.results["year"] == 2014)
    ].iloc[0]
    assert row["numerator"] == x.sum() and row["denominator"] == n.sum()
    assert row["std_value"] == pytest.approx(rate, rel=1e-12)
    assert row["value"] == pytest.approx(x.sum() / n.sum() * 1000, rel=1e-12)


@pytest.mark.spark
def test_spark_gives_duckdbs_levels(synthetic_dir: Path, spark_con: Any) -> None:
    options = {"levels": ALL_LEVELS, "suppression": SuppressionRule(min_count=1)}
    duck = compute(synthetic_dir, ComputeOptions(engine="duckdb", **options)).results
    spark = compute(synthetic_dir, ComputeOptions(engine="spark", **options)).results
    exact = ["indicator", "level", "area_code", "year", "numerator", "denominator", "suppressed"]
    pd.testing.assert_frame_equal(spark[exact], duck[exact], check_exact=True)
    for column in ("value", "std_value", "std_lower_ci", "std_upper_ci"):
        np.testing.assert_allclose(spark[column], duck[column], rtol=1e-9)


def test_the_default_levels_are_todays(synthetic_dir: Path) -> None:
    result = compute(synthetic_dir, ComputeOptions(indicators=[PREVENTABLE]))
    assert set(result.results["level"]) == {"kommune", "region", "land"}
    assert list(result.meta["levels"]) == ["kommune", "region", "land"]


def test_levels_without_land_still_compare_with_denmark(synthetic_dir: Path) -> None:
    options = ComputeOptions(indicators=[PREVENTABLE], levels=["sundhedsraad"])
    result = compute(synthetic_dir, options)
    assert set(result.results["level"]) == {"sundhedsraad"}
    assert result.results["area_code"].nunique() == 17
    assert (result.results["comparison"] != "not_compared").any()
    assert result.meta["levels"]["sundhedsraad"]["verified"] is False
    assert "ikke verificeret mod officiel liste" in result.meta["levels"]["sundhedsraad"]["notes"]


def test_an_unknown_level_is_one_danish_message(synthetic_dir: Path) -> None:
    with pytest.raises(InputError, match=r"^ukendt områdeniveau: amt \(kendte niveauer: "):
        compute(synthetic_dir, ComputeOptions(levels=["kommune", "amt"]))


def test_compute_writes_the_areas_file_beside_the_results(
    synthetic_dir: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    out = tmp_path / "res.csv"
    got = runner.invoke(
        cli,
        ["compute", "--data", str(synthetic_dir), "--out", str(out), "--indicator", PREVENTABLE],
        env={"NAERSUND_LEVELS": "region2027,land"},
    )
    assert got.exit_code == 0, got.output
    results = pd.read_csv(out)
    assert set(results["level"]) == {"region2027", "land"}
    written = pd.read_csv(areas_path(out), keep_default_na=False)
    assert list(written.columns) == list(areas.AREAS_FILE_COLUMNS)
    assert len(written) == 2 * 98
    assert sorted(written.loc[written["level"] == "region2027", "area_code"].unique()) == [
        1081,
        1082,
        1083,
        1086,
    ]
    meta = json.loads(meta_path(out).read_text(encoding="utf-8"))
    assert meta["outputs"]["areas"]["file"] == "res.areas.csv"


def test_the_cli_refuses_an_unknown_level(synthetic_dir: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    from naersund.cli import main

    out = tmp_path / "res.csv"
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from naersund.cli import main; main()",
            "compute",
            "--data",
            str(synthetic_dir),
            "--out",
            str(out),
            "--levels",
            "kommune,amter",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert main is not None
    assert proc.returncode == 1
    assert "Fejl: ukendt områdeniveau: amter" in proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()


# -- suppression across overlapping levels ----------------------------------------------------


def _tables(seed: int) -> tuple[pd.DataFrame, dict[str, dict[int, int]]]:
    """One indicator × year with random counts (many small) on every shipped level."""
    rng = np.random.default_rng(seed)
    levels = {lv.id: lv.latest.area_of() for lv in areas.area_levels().values()}
    counts = {k: int(rng.choice([0, 1, 2, 3, 4, 6, 9, 20, 60])) for k in levels["kommune"]}
    rows = []
    for level, area_of in levels.items():
        sums: dict[int, int] = {}
        for k, a in area_of.items():
            sums[a] = sums.get(a, 0) + counts[k]
        rows += [(level, a, float(c)) for a, c in sums.items()]
    frame = pd.DataFrame(rows, columns=["level", "area_code", "numerator"])
    frame = frame.assign(indicator="i", year=2014, denominator=1000.0, value=frame["numerator"])
    return frame, levels


def _vector(level: str, code: int, levels: dict[str, dict[int, int]]) -> np.ndarray:
    order = sorted(levels["kommune"])
    return np.array([levels[level][k] == code for k in order], dtype=float)


@pytest.mark.parametrize("seed", range(8))
def test_no_masked_count_is_determined_by_all_published_levels(seed: int) -> None:
    """The rank check: no masked cell of any level has its membership vector in the span of
    the published cells' vectors, over every level published together. The hierarchy keeps
    every mask it has alone (complementary suppression across the partitions may add a few
    municipalities, the cheapest partners, instead of masking the extra areas wholesale)."""
    frame, levels = _tables(seed)
    out = suppress_levels(frame, levels, {"i": False})
    tree = frame["level"].isin(HIERARCHY)
    today = suppress(frame[tree], refdata.region_of(), {"i": False})
    assert (out.loc[tree, "suppressed"] | ~today["suppressed"]).all()
    visible = out[~out["suppressed"]]
    masked = out[out["suppressed"]]
    assert len(masked) and len(visible)
    span = np.array([_vector(r.level, r.area_code, levels) for r in visible.itertuples()])
    rank = np.linalg.matrix_rank(span)
    primary = masked[
        (masked["level"] == "kommune") & frame.loc[masked.index, "numerator"].between(1, 4)
    ]
    assert len(primary)
    for r in masked.itertuples():
        v = _vector(r.level, r.area_code, levels)
        assert np.linalg.matrix_rank(np.vstack([span, v])) == rank + 1, (r.level, r.area_code)
    # published counts are the true ones
    shown = visible.index
    assert (out.loc[shown, "numerator"] == frame.loc[shown, "numerator"]).all()


def test_oestdanmark_is_masked_when_sjaelland_is() -> None:
    """The differencing attack of issue 14: Region Østdanmark minus Region Hovedstaden would
    give a masked Region Sjælland."""
    frame, levels = _tables(0)
    region = refdata.region_of()
    frame.loc[frame["level"] == "region", "numerator"] = frame["area_code"].map(
        {1081: 50.0, 1082: 3.0, 1083: 60.0, HOVEDSTADEN: 80.0, SJAELLAND: 2.0}
    )
    # make the kommune counts add up: one small municipality in Sjælland and in Midtjylland
    kommune = frame["level"] == "kommune"
    frame.loc[kommune, "numerator"] = 0.0
    for code, total in {1081: 50, 1082: 3, 1083: 60, HOVEDSTADEN: 80, SJAELLAND: 2}.items():
        first = min(k for k, r in region.items() if r == code)
        frame.loc[kommune & (frame["area_code"] == first), "numerator"] = float(total)
    for level in ("region2027", "kkr", "sundhedsraad", "land"):
        rows = frame["level"] == level
        k_counts = frame[kommune].set_index("area_code")["numerator"]
        by_area = k_counts.groupby(pd.Series(levels[level])).sum()
        frame.loc[rows, "numerator"] = frame.loc[rows, "area_code"].map(by_area)
    out = suppress_levels(frame, levels, {"i": False}).set_index(["level", "area_code"])
    assert out.loc[("region", SJAELLAND), "suppressed"]
    assert not out.loc[("region", HOVEDSTADEN), "suppressed"]
    assert out.loc[("region2027", OESTDANMARK), "suppressed"]
    assert np.isnan(out.loc[("region2027", OESTDANMARK), "numerator"])
    # Nordjylland and Syddanmark are the same areas as in 2007, and are published with them
    assert not out.loc[("region2027", 1083), "suppressed"]
    assert out.loc[("kkr", SJAELLAND), "suppressed"] and not out.loc[("kkr", 1083), "suppressed"]


def test_a_partition_published_without_regions_is_suppressed_as_the_regions_are() -> None:
    """sundhedsraad alone between municipalities and Denmark: the same rule as today's regions."""
    frame, levels = _tables(3)
    ours = frame[frame["level"].isin(["kommune", "sundhedsraad", "land"])]
    out = suppress_levels(ours, levels, {"i": False})
    as_regions = ours.replace({"level": {"sundhedsraad": "region"}})
    today = suppress(as_regions, levels["sundhedsraad"], {"i": False})
    assert out["suppressed"].any()
    pd.testing.assert_frame_equal(out.drop(columns="level"), today.drop(columns="level"))
    assert list(out["level"]) == list(ours["level"])


def test_the_readers_give_the_same_figures_with_more_levels_in_the_file(
    synthetic_dir: Path,
) -> None:
    """analysis.PublishedResults (the reports' and the web's one owner of a figure) reads a
    file with extra levels and answers for today's levels as without them, except where the
    suppression across the levels masked a cell more (a municipality as the partner of a
    sundhedsråd, instead of the sundhedsråd): every cell masked without the levels is masked
    with them, and every cell shown with them is the same figure."""
    from naersund.analysis.published import PublishedResults

    only = [PREVENTABLE]
    today = compute(synthetic_dir, ComputeOptions(indicators=only))
    more = compute(synthetic_dir, ComputeOptions(indicators=only, levels=ALL_LEVELS))
    a = PublishedResults.from_frame(today.results, today.meta, "today.csv").figures
    b = PublishedResults.from_frame(more.results, more.meta, "more.csv").figures
    a = a.reset_index(drop=True)
    b_today = b[b["level"].isin(HIERARCHY)].reset_index(drop=True)
    assert (b_today["suppressed"] | ~a["suppressed"]).all()
    same = ~b_today["suppressed"].to_numpy(bool)
    shown = ["indicator", "level", "area_code", "year", "value", "lower", "upper", "verdict"]
    pd.testing.assert_frame_equal(a.loc[same, shown], b_today.loc[same, shown])
    assert same.sum() >= 0.9 * (~a["suppressed"]).sum(), (same.sum(), (~a["suppressed"]).sum())
    oest = b[(b["level"] == "region2027") & (b["area_code"] == OESTDANMARK)]
    assert len(oest) == 2 and oest["value"].notna().all()


@st.composite
def _random_partitions(draw: st.DrawFn) -> tuple[pd.DataFrame, dict[str, dict[int, int]]]:
    """12 municipalities, random regions, three random overlapping partitions and two groups,
    counts with many small ones; every level summed from the municipalities."""
    munis = list(range(101, 113))
    region = {k: 1 + draw(st.integers(0, 2)) for k in munis}
    levels: dict[str, dict[int, int]] = {
        "kommune": {k: k for k in munis},
        "region": region,
        "land": dict.fromkeys(munis, 0),
    }
    for name in ("p1", "p2", "p3"):
        levels[name] = {k: 1 + draw(st.integers(0, 3)) for k in munis}
    for name in ("g", "h"):
        group = draw(st.lists(st.sampled_from(munis), min_size=1, max_size=6, unique=True))
        levels[name] = dict.fromkeys(group, 1)
    counts = {k: draw(st.sampled_from([0, 1, 2, 3, 5, 8, 13, 40])) for k in munis}
    rows = []
    for level, area_of in levels.items():
        sums: dict[int, int] = {}
        for k, a in area_of.items():
            sums[a] = sums.get(a, 0) + counts[k]
        rows += [(level, a, float(c)) for a, c in sums.items()]
    frame = pd.DataFrame(rows, columns=["level", "area_code", "numerator"])
    frame = frame.assign(indicator="i", year=2014, denominator=1000.0, value=frame["numerator"])
    if draw(st.booleans()):  # without the regions, p1 takes their place
        frame = frame[frame["level"] != "region"].reset_index(drop=True)
    return frame, levels


@settings(max_examples=60, deadline=None)
@given(_random_partitions())
def test_no_masked_count_is_determined_with_random_overlapping_partitions(
    case: tuple[pd.DataFrame, dict[str, dict[int, int]]],
) -> None:
    frame, levels = case
    out = suppress_levels(frame, levels, {"i": False})
    order = sorted(levels["kommune"])
    tree_levels = ["kommune", "land", middle_level(levels, set(frame["level"]))]
    assert tree_levels[2] == ("region" if "region" in set(frame["level"]) else "p1")

    def vector(level: str, code: int) -> np.ndarray:
        return np.array([levels[level].get(k) == code for k in order], dtype=float)

    visible = out[~out["suppressed"]]
    span = np.array([vector(r.level, r.area_code) for r in visible.itertuples()]).reshape(
        -1, len(order)
    )
    rank = np.linalg.matrix_rank(span) if len(span) else 0
    # no masked cell of any level is determined by everything published
    for r in out[out["suppressed"]].itertuples():
        stacked = np.vstack([span, vector(r.level, r.area_code)])
        assert np.linalg.matrix_rank(stacked) == rank + 1, (r.level, r.area_code)
    # the hierarchy keeps every mask it has alone
    tree = frame["level"].isin(tree_levels)
    as_tree = frame[tree].replace({"level": {tree_levels[2]: "region"}})
    alone = suppress(as_tree, levels[tree_levels[2]], {"i": False})
    assert (out.loc[tree, "suppressed"] | ~alone["suppressed"]).all()
    small = frame["numerator"].between(1, 4)
    assert out.loc[small, "suppressed"].all()
