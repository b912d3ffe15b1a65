"""Initiative effects (naersund.analysis.effects): the estimator against Callaway & Sant'Anna's
published worked example, planted effects recovered, and honest notes where there is no
estimate."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from naersund.analysis.effects import (
    Effect,
    critical_value,
    describe,
    estimate_effect,
    estimate_group_time,
)

# Callaway & Sant'Anna's minimum-wage example: the `mpdta` panel of the R package `did`
# (500 US counties, 2003-2007, log teen employment), as the package's vignette "Introduction
# to DiD with Multiple Time Periods" estimates it with `att_gt(..., est_method = "reg")`:
# ATT(g, t) to four decimals and the pre-test of parallel trends, p = 0.16812; aggregated
# with `aggte`: simple -0.0400, group (cohort) -0.0310, dynamic (event study) -0.0772.
# moderndid ships the same data (`load_mpdta`).
MPDTA_ATT = {
    (2004, 2004): -0.0105,
    (2004, 2005): -0.0704,
    (2004, 2006): -0.1373,
    (2004, 2007): -0.1008,
    (2006, 2004): 0.0065,
    (2006, 2005): -0.0028,
    (2006, 2006): -0.0046,
    (2006, 2007): -0.0412,
    (2007, 2004): 0.0305,
    (2007, 2005): -0.0027,
    (2007, 2006): -0.0311,
    (2007, 2007): -0.0261,
}
MPDTA_DYNAMIC = {
    -3: 0.0305,
    -2: -0.0006,
    -1: -0.0245,
    0: -0.0199,
    1: -0.0510,
    2: -0.1373,
    3: -0.1008,
}


@pytest.fixture(scope="module")
def mpdta() -> pd.DataFrame:
    from moderndid import load_mpdta

    return load_mpdta().to_pandas().rename(columns={"first.treat": "first_treat"})


def test_reproduces_the_published_mpdta_example(mpdta: pd.DataFrame) -> None:
    est = estimate_group_time(
        mpdta,
        outcome="lemp",
        unit="countyreal",
        time="year",
        group="first_treat",
        bootstrap=False,
    )
    got = {(c.group, c.year): round(c.estimate, 4) for c in est.group_time}
    assert got == MPDTA_ATT
    assert round(est.pretrend_p, 5) == 0.16812
    assert round(est.overall, 4) == -0.0310
    assert {p.event_time: round(p.estimate, 4) for p in est.event_study} == MPDTA_DYNAMIC
    # The standard errors differ from the vignette's on purpose: it prints the multiplier
    # bootstrap's, naersund takes the analytic ones with a t critical value (see the module).


def test_the_t_critical_value_is_students() -> None:
    # Student's t, 97.5 % quantile, from any printed table: 9 df 2.262, 4 df 2.776.
    assert round(critical_value(9), 3) == 2.262
    assert round(critical_value(4), 3) == 2.776
    assert critical_value(10_000) == pytest.approx(1.96, abs=1e-3)


def test_the_interval_is_t_with_the_started_municipalities_less_one() -> None:
    values, starts = _panel(-0.10, seed=4, n_per_cohort=3)  # 9 municipalities start
    e = estimate_effect(values, starts)
    rates = values.assign(
        rate=values["numerator"] / values["denominator"] * 1000,
        weight=values.groupby("kommunekode")["denominator"].transform("mean"),
        cohort=values["kommunekode"].map(lambda k: starts[k] or 0),
    )
    est = estimate_group_time(
        rates, outcome="rate", unit="kommunekode", time="year", group="cohort",
        weights="weight",
    )  # fmt: skip
    assert (e.n_started, est.n_treated, est.df) == (9, 9, 8)
    assert e.estimate == pytest.approx(est.overall)
    half = (e.upper_ci - e.lower_ci) / 2
    assert half == pytest.approx(critical_value(8) * est.overall_se)
    assert half > 1.96 * est.overall_se * 1.15  # t(8) = 2.306: visibly wider than the normal


def _panel(
    effect: float, seed: int, n_per_cohort: int = 15
) -> tuple[pd.DataFrame, dict[int, int | None]]:
    """98 municipalities x 2010-2019: Poisson counts around 60 per 1,000 with a municipality
    level and a common trend; cohorts starting 2013, 2015, 2017 (``n_per_cohort`` each), the
    rest never. ``effect`` multiplies the rate from the start year on."""
    rng = np.random.default_rng(seed)
    codes = list(range(101, 199))
    pop = rng.integers(2_000, 60_000, size=len(codes))
    level = 60 * np.exp(rng.normal(0, 0.15, size=len(codes)))
    starts: dict[int, int | None] = {}
    cohorts = [2013, 2015, 2017]
    for i, code in enumerate(codes):
        c = i // n_per_cohort
        starts[code] = cohorts[c] if c < len(cohorts) else None
    rows = []
    for i, code in enumerate(codes):
        for year in range(2010, 2020):
            rate = level[i] * (1 + 0.01 * (year - 2010))
            start = starts[code]
            if start is not None and year >= start:
                rate *= 1 + effect
            rows.append((code, year, rng.poisson(rate * pop[i] / 1000), pop[i]))
    values = pd.DataFrame(rows, columns=["kommunekode", "year", "numerator", "denominator"])
    return values, starts


def test_recovers_a_planted_effect() -> None:
    values, starts = _panel(-0.10, seed=2)
    e = estimate_effect(values, starts)
    assert e.has_estimate, e.note
    assert (e.n_started, e.n_not_started, e.n_left_out) == (45, 53, 0)
    assert e.relative_lower_ci <= -0.10 <= e.relative_upper_ci
    assert e.upper_ci < 0  # a 10 % drop in 45 municipalities is found
    assert e.years == (2010, 2019)
    times = [p.event_time for p in e.event_study]
    assert min(times) < 0 < max(times)
    after = [p for p in e.event_study if p.event_time >= 0]
    assert all(p.lower_ci <= p.estimate <= p.upper_ci for p in after)


def test_no_effect_planted_gives_an_interval_around_zero() -> None:
    values, starts = _panel(0.0, seed=6)
    e = estimate_effect(values, starts)
    assert e.lower_ci <= 0 <= e.upper_ci
    assert not e.significant
    assert "ikke statistisk sikker" in describe(e, "opfølgende hjemmebesøg", "indlæggelser")


def test_municipalities_started_before_the_data_are_left_out() -> None:
    values, starts = _panel(-0.10, seed=3)
    early = [k for k, s in starts.items() if s == 2013][:4]
    starts.update(dict.fromkeys(early, 2008))
    late = [k for k, s in starts.items() if s is None][:2]
    starts.update(dict.fromkeys(late, 2025))  # after the data: not started, for these data
    e = estimate_effect(values, starts)
    assert (e.n_started, e.n_not_started, e.n_left_out) == (41, 53, 4)
    gone = values[values["kommunekode"] != 150]  # a year missing: not used, counted
    e = estimate_effect(gone[~((gone["kommunekode"] == 151) & (gone["year"] == 2012))], starts)
    assert e.n_incomplete == 2 and e.n_started + e.n_not_started + e.n_left_out == 96


def test_too_few_municipalities_give_a_note_not_a_number() -> None:
    values, starts = _panel(-0.10, seed=4)
    few = {k: (s if s == 2013 and k < 104 else None) for k, s in starts.items()}
    e = estimate_effect(values, few)
    assert not e.has_estimate and math.isnan(e.estimate)
    assert e.note == (
        "For få kommuner indførte indsatsen i perioden (3; der skal være mindst 5) til et skøn."
    )
    everyone = dict.fromkeys(starts, 2009)
    e = estimate_effect(values, everyone)
    assert e.note.startswith("Alle kommuner, der har indført indsatsen, startede før")
    assert describe(e, "akutteam", "indlæggelser").startswith(
        "Der er ikke noget skøn for akutteam: Alle kommuner"
    )


def test_describe_words_the_estimate_as_the_issue_does() -> None:
    e = Effect(
        estimate=-2.0,
        lower_ci=-4.5,
        upper_ci=0.5,
        relative_estimate=-0.04,
        relative_lower_ci=-0.09,
        relative_upper_ci=0.01,
        n_started=30,
        n_not_started=60,
    )
    assert describe(e, "opfølgende hjemmebesøg", "forebyggelige indlæggelser") == (
        "Kommuner, der indførte opfølgende hjemmebesøg, havde i gennemsnit 4\u00a0% (−9\u00a0% til +1\u00a0%) "
        "færre forebyggelige indlæggelser end forventet ud fra kommuner, der endnu ikke havde; "
        "forskellen er ikke statistisk sikker. Kommunerne har selv valgt, hvornår de startede, "
        "så en forskel kan også skyldes det, der fik dem til at starte."
    )


def test_a_covariate_is_used() -> None:
    values, starts = _panel(-0.10, seed=5)
    share = pd.DataFrame(
        {"kommunekode": list(starts), "andel_65": np.linspace(0.15, 0.30, len(starts))}
    )
    e = estimate_effect(values, starts, covariates=share)
    assert e.has_estimate and e.relative_lower_ci <= -0.10 <= e.relative_upper_ci


def test_the_catalogue_table_from_a_round_and_results() -> None:
    from naersund.analysis.initiative_effects import (
        EFFECT_COLUMNS,
        effects_table,
        estimate_all,
        linked_pairs,
        start_years,
    )
    from naersund.catalogue import load_catalogue
    from naersund.refdata import municipalities

    catalogue = load_catalogue()
    initiative, indicator = next(
        (i, ind) for i, ind in linked_pairs(catalogue) if ind == "forebyggelige_indlaeggelser_65"
    )
    m = municipalities()
    codes = [int(k) for k in m["kommunekode"]]
    rng = np.random.default_rng(7)
    cohorts = {k: [2013, 2015, 2017, None][i % 4] for i, k in enumerate(codes)}
    rows = []
    for k in codes:
        pop, level = int(rng.integers(3_000, 40_000)), 60 * math.exp(rng.normal(0, 0.15))
        for year in range(2010, 2020):
            start = cohorts[k]
            rate = level * (0.8 if start is not None and year >= start else 1.0)
            rows.append((indicator, "kommune", k, year, rng.poisson(rate * pop / 1000), pop))
    results = pd.DataFrame(
        rows, columns=["indicator", "level", "area_code", "year", "numerator", "denominator"]
    )
    status = {None: "ikke_paabegyndt"}
    answers = {
        k: {
            f"status.{initiative.id}": status.get(s, "implementeret"),
            **({f"startaar.{initiative.id}": s} if s is not None else {}),
        }
        for k, s in cohorts.items()
    }
    answers[101] = {f"status.{initiative.id}": "implementeret"}  # no year: not used
    assert 101 not in start_years(answers, initiative.id)
    table = effects_table(
        estimate_all(
            results, answers, catalogue, {indicator: ("forebyggelige indlæggelser", 1000.0)}
        )
    )
    assert list(table.columns) == EFFECT_COLUMNS
    assert len(table) == len(linked_pairs(catalogue))
    row = table[(table["initiative"] == initiative.id) & (table["indicator"] == indicator)].iloc[0]
    assert row["note"] == ""
    assert row["relative_lower_ci"] <= -0.20 <= row["relative_upper_ci"]
    assert row["n_started"] + row["n_not_started"] == 97
    assert row["sentence"].startswith("Kommuner, der indførte ")
    other = table[table["indicator"] != indicator].iloc[0]
    assert other["note"] == "Indikatoren er ikke i udgivelsen." and math.isnan(other["estimate"])
