"""From engine aggregates to published results: denominators, levels, confidence intervals,
standardisation, comparison with Denmark.

Input is small (counts by municipality × year × age band × sex), so this is plain pandas and
numpy on aggregates; nothing here sees a person.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from naersund import stats
from naersund.indicators.model import IndicatorDefinition
from naersund.refdata import NATIONAL_CODE
from naersund.registry.schema import age_group_lower

RESULT_COLUMNS = [
    "indicator",
    "level",
    "area_code",
    "year",
    "numerator",
    "denominator",
    "value",
    "lower_ci",
    "upper_ci",
    "std_value",
    "std_lower_ci",
    "std_upper_ci",
    "comparison",
    "suppressed",
]
#: The levels computed when none are chosen (``naersund compute --levels``).
LEVELS = ("kommune", "region", "land")


def population_strata(
    population: pd.DataFrame, min_age: int | None, max_age: int | None
) -> pd.DataFrame:
    """Population by kommunekode, year, age_lower, sex restricted to the indicator's ages."""
    lower = {g: age_group_lower(g) for g in population["age_group"].unique()}
    p = population.assign(age_lower=population["age_group"].map(lower))
    if min_age is not None:
        if min_age % 5:
            raise ValueError(f"population.min_age {min_age} must be a multiple of 5 (age bands)")
        p = p[p["age_lower"] >= min_age]
    if max_age is not None:
        p = p[p["age_lower"] + 4 <= max_age]
    return p[["kommunekode", "year", "age_lower", "sex", "count"]]


def default_levels(region_of: Mapping[int, int]) -> dict[str, dict[int, int]]:
    """Today's levels as kommunekode -> area code maps: kommune, region (1081-1085), land."""
    return {
        "kommune": {k: k for k in region_of},
        "region": dict(region_of),
        "land": dict.fromkeys(region_of, NATIONAL_CODE),
    }


def _with_levels(
    df: pd.DataFrame, levels: Mapping[str, Mapping[int, int]], keys: list[str], values: list[str]
) -> pd.DataFrame:
    """Add a row per area of every level by summing its municipalities (counts are additive),
    for every year: a level that did not yet exist is back-cast from its municipalities. A
    user group's map names only its members; the other municipalities are left out of it."""
    parts = []
    for level, area_of in levels.items():
        codes = df["kommunekode"].map(dict(area_of))
        x = df[codes.notna()].assign(level=level, area_code=codes.dropna().astype("int64"))
        parts.append(
            x.groupby(["level", "area_code", *keys], as_index=False, dropna=False)[values].sum()
        )
    return pd.concat(parts, ignore_index=True)


def _coarsen(age_lower: pd.Series, bands: list[int] | None) -> pd.Series:
    if not bands:
        return age_lower
    edges = np.asarray(bands)
    idx = np.searchsorted(edges, age_lower.to_numpy(), side="right") - 1
    return pd.Series(edges[np.clip(idx, 0, None)], index=age_lower.index)


def compute_results(
    d: IndicatorDefinition,
    agg: pd.DataFrame,
    population: pd.DataFrame,
    standard: pd.DataFrame,
    region_of: dict[int, int],
    years: list[int],
    confidence: float = 0.95,
    levels: Mapping[str, Mapping[int, int]] | None = None,
) -> pd.DataFrame:
    """Results for one indicator at every level, area and year.

    ``levels`` maps each level id to its kommunekode -> area code map (default:
    :func:`default_levels`); it must include ``land``, which the comparison and a cohort's
    standard need. ``region_of`` names the municipalities.

    ``agg`` has ``kommunekode, year, age_lower, sex, numerator`` (and ``denominator`` for
    proportions and disease rates, whose denominators are registry counts); ``population`` is ``year, kommunekode, age_group, sex, count``; ``standard``
    is Denmark's population by ``age_group, sex`` (column ``standard_pop``).
    """
    agg = agg[agg["year"].isin(years)]
    munis = sorted(region_of)
    if d.counted_denominator:
        strata = _proportion_strata(d, agg, munis, years)
    else:
        strata = _rate_strata(d, agg, population, munis, years)
    levels = default_levels(region_of) if levels is None else levels
    if "land" not in levels:
        raise ValueError("levels must include land (the comparison is with Denmark)")
    strata = _with_levels(strata, levels, ["year", "age_lower", "sex"], ["x", "n"])
    key = ["level", "area_code", "year"]
    totals = strata.groupby(key, as_index=False)[["x", "n"]].sum()

    est = crude_estimate(d, totals["x"].to_numpy(float), totals["n"].to_numpy(float), confidence)
    out = totals.rename(columns={"x": "numerator", "n": "denominator"})
    out["value"] = est.value
    out["lower_ci"] = est.lower_ci
    out["upper_ci"] = est.upper_ci

    if d.standardisation is not None:
        std = _standardise(d, strata, standard, key, confidence)
        out = out.merge(std, on=key, how="left")
    else:
        out[["std_value", "std_lower_ci", "std_upper_ci"]] = np.nan
    out["indicator"] = d.id
    out["comparison"] = compare_with_national(out, d.direction)
    out["suppressed"] = False
    return out[RESULT_COLUMNS]


def crude_estimate(
    d: IndicatorDefinition, x: npt.ArrayLike, n: npt.ArrayLike, confidence: float = 0.95
) -> stats.Estimate:
    """The crude value and interval of counts ``x`` over ``n`` in the indicator's unit:
    proportions by Wilson's interval times the multiplier (percent), rates by
    :func:`naersund.stats.rate`. The yearly results, the monthly values and the checks before
    publication all use this one rule."""
    if d.is_proportion:
        est = stats.wilson(x, n, confidence)
        return stats.Estimate(
            value=est.value * d.multiplier,
            lower_ci=est.lower_ci * d.multiplier,
            upper_ci=est.upper_ci * d.multiplier,
        )
    return stats.rate(x, n, d.multiplier, confidence)


def _rate_strata(
    d: IndicatorDefinition,
    agg: pd.DataFrame,
    population: pd.DataFrame,
    munis: list[int],
    years: list[int],
) -> pd.DataFrame:
    """x = events and n = population per municipality × year × age band × sex."""
    pop = population_strata(population, d.population.min_age, d.population.max_age)
    pop = pop[pop["year"].isin(years) & pop["kommunekode"].isin(munis)]
    if d.kind == "days_rate":
        # Days carry no age or sex: one stratum per municipality and year.
        pop = pop.groupby(["kommunekode", "year"], as_index=False).agg(count=("count", "sum"))
        pop = pop.assign(age_lower=-1, sex="T")
        agg = agg.assign(age_lower=-1, sex="T")
    keys = ["kommunekode", "year", "age_lower", "sex"]
    x = agg.groupby(keys, as_index=False)["numerator"].sum()
    merged = pop.merge(x, on=keys, how="left")
    merged["x"] = merged["numerator"].fillna(0).astype("int64")
    merged["n"] = merged["count"].astype("float64")
    return merged[[*keys, "x", "n"]]


def _lowest_band(d: IndicatorDefinition) -> int:
    """The age band of the youngest age the denominator counts (18 lies in 15-19)."""
    return ((d.lowest_age or 0) // 5) * 5


def _proportion_strata(
    d: IndicatorDefinition, agg: pd.DataFrame, munis: list[int], years: list[int]
) -> pd.DataFrame:
    """x = followed-up index stays and n = index stays per stratum (all munis and years
    present); for a disease rate x = admissions and n = persons in the cohort."""
    keys = ["kommunekode", "year", "age_lower", "sex"]
    g = agg.groupby(keys, as_index=False)[["numerator", "denominator"]].sum()
    g = g.rename(columns={"numerator": "x", "denominator": "n"})
    frame = pd.MultiIndex.from_product([munis, years], names=["kommunekode", "year"]).to_frame(
        index=False
    )
    g = frame.merge(g, on=["kommunekode", "year"], how="left")
    g["age_lower"] = g["age_lower"].fillna(_lowest_band(d)).astype("int64")
    g["sex"] = g["sex"].fillna("F")
    g[["x", "n"]] = g[["x", "n"]].fillna(0).astype("int64")
    return g


def _standardise(
    d: IndicatorDefinition,
    strata: pd.DataFrame,
    standard: pd.DataFrame,
    key: list[str],
    confidence: float,
) -> pd.DataFrame:
    """Direct standardisation by age band and sex to Denmark's reference population, or (a
    disease rate with ``standard: cohort``) to Denmark's cohort of the same year."""
    assert d.standardisation is not None
    bands = d.standardisation.age_bands
    s = strata.assign(age_lower=_coarsen(strata["age_lower"], bands))
    s = s.groupby([*key, "age_lower", "sex"], as_index=False)[["x", "n"]].sum()
    areas = s[key].drop_duplicates()
    if d.standardisation.standard == "cohort":
        # The weights are the national cohort's persons per band: Denmark's standardised
        # value is its crude one, and an area's is the rate at Denmark's age and sex mix.
        national = s[s["level"] == "land"]
        std = national[["year", "age_lower", "sex"]].assign(standard_pop=national["n"])
        full = areas.merge(std, on="year")
    else:
        std = standard.assign(age_lower=standard["age_group"].map(age_group_lower))
        if d.lowest_age is not None:
            std = std[std["age_lower"] >= _lowest_band(d)]
        std = std.assign(age_lower=_coarsen(std["age_lower"], bands))
        std = std.groupby(["age_lower", "sex"], as_index=False).agg(
            standard_pop=("standard_pop", "sum")
        )
        full = areas.merge(std, how="cross")
    # Every area × year gets every stratum of the standard, with zero counts where it had none.
    full = full.merge(s, on=[*key, "age_lower", "sex"], how="left")
    full[["x", "n"]] = full[["x", "n"]].fillna(0)
    full = full.sort_values([*key, "age_lower", "sex"], kind="stable")
    # Events in a band without population (someone who aged into a band that had nobody on
    # 1 January: possible in small municipalities) leave the band's rate undefined, so the
    # area-year gets no standardised value rather than a biased one (its crude value stands).
    undefined = full.loc[(full["n"] == 0) & (full["x"] > 0), key].drop_duplicates()
    if not undefined.empty:
        flagged = full.merge(undefined.assign(_undef=True), on=key, how="left")["_undef"]
        full = full.assign(x=full["x"].where(flagged.isna().to_numpy(), 0.0))
    group = full.groupby(key, sort=False).ngroup().to_numpy()
    _, est = stats.dsr_grouped(
        group,
        full["x"].to_numpy(float),
        full["n"].to_numpy(float),
        full["standard_pop"].to_numpy(float),
        multiplier=d.multiplier,
        confidence=confidence,
    )
    keys = full[key].drop_duplicates().reset_index(drop=True)
    out = keys.assign(std_value=est.value, std_lower_ci=est.lower_ci, std_upper_ci=est.upper_ci)
    if not undefined.empty:
        gone = out.merge(undefined.assign(_undef=True), on=key, how="left")["_undef"].notna()
        out.loc[gone.to_numpy(), ["std_value", "std_lower_ci", "std_upper_ci"]] = np.nan
    return out


def compare_with_national(out: pd.DataFrame, direction: str) -> pd.Series:
    """better / similar / worse than Denmark, by overlap of the confidence intervals.

    Standardised intervals are compared where they exist, crude ones otherwise. Denmark
    itself, and areas without an interval, are ``not_compared``.
    """
    use_std = out["std_value"].notna().any()
    lo, hi = ("std_lower_ci", "std_upper_ci") if use_std else ("lower_ci", "upper_ci")
    nat = out[out["level"] == "land"].set_index("year")[[lo, hi]]
    nat_lo = out["year"].map(nat[lo])
    nat_hi = out["year"].map(nat[hi])
    below = out[hi] < nat_lo
    above = out[lo] > nat_hi
    good_low = direction == "lower_is_better"
    result = np.where(
        below,
        "better" if good_low else "worse",
        np.where(above, "worse" if good_low else "better", "similar"),
    )
    missing = out[lo].isna() | out[hi].isna() | nat_lo.isna() | (out["level"] == "land")
    return pd.Series(np.where(missing, "not_compared", result), index=out.index)
