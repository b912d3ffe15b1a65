"""Coverage of the effect intervals at the estimator level: many replications of a panel with
the design of the planted initiatives, in seconds rather than a synth + compute per seed.

The design (as ``naersund synth`` plants it and the demo survey answers it): the 98
municipalities with their real populations 65+ (2013), 2011-2016; ``--treated``
municipalities of KKR Hovedstaden start in 2012, 2013 or 2014 (drawn), the others never;
Poisson counts around a municipality level (lognormal, sd 0.16), a national trend and an
optional municipality x year noise (``--noise``, for the overdispersion of synth's frail
persons); the planted relative effect from the start year on. Each replication is estimated
by :func:`naersund.analysis.effects.estimate_group_time` (the one call of moderndid), and each
interval method is read off the same fit.

Usage: python bench/effects_sim.py [--reps 400] [--treated 10] [--effect -0.10]
    [--indicator readmission|preventable] [--scale 0.3] [--noise 0.0] [--seed 1]
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from naersund.analysis.effects import Z95, Estimates, critical_value, estimate_group_time
from naersund.refdata import municipalities, shipped_population

YEARS = list(range(2011, 2017))
STARTS = (2012, 2013, 2014)
HOVEDSTADEN = 1084
# (events per person 65+ in the denominator, event rate): a readmission per discharge
# (discharges are about a third of the 65+ a year), a preventable admission per citizen 65+.
INDICATORS = {"readmission": (0.35, 0.17), "preventable": (1.0, 0.06)}


def _population65() -> pd.DataFrame:
    pop = shipped_population()
    old = pop[
        (pop["year"] == 2013)
        & pop["sex"].isin(["M", "F"])
        & pop["age_group"].isin(["65-69", "70-74", "75-79", "80-84", "85+"])
    ]
    per = old.groupby("kommunekode", as_index=False)["count"].sum()
    return per.merge(municipalities()[["kommunekode", "region_code"]], on="kommunekode")


def _panel(
    rng: np.random.Generator,
    munis: pd.DataFrame,
    *,
    treated: int,
    effect: float,
    indicator: str,
    scale: float,
    noise: float,
) -> pd.DataFrame:
    per_person, rate = INDICATORS[indicator]
    n = len(munis)
    level = rate * rng.lognormal(-(0.16**2) / 2, 0.16, n)
    hoved = np.flatnonzero(munis["region_code"].to_numpy() == HOVEDSTADEN)
    cohort = np.zeros(n, dtype=np.int64)
    cohort[rng.choice(hoved, size=treated, replace=False)] = rng.choice(STARTS, size=treated)
    rows = []
    for y in YEARS:
        denom = rng.poisson(munis["count"].to_numpy() * per_person * scale * 1.02 ** (y - 2011))
        mu = level * (1 - 0.012) ** (y - 2011) * rng.lognormal(-(noise**2) / 2, noise, n)
        mu = np.where((cohort > 0) & (y >= cohort), mu * (1 + effect), mu)
        num = rng.poisson(np.maximum(denom, 1) * mu)
        frame = {"kommunekode": munis["kommunekode"], "year": y, "num": num, "den": denom}
        rows.append(pd.DataFrame(frame).assign(cohort=cohort))
    p = pd.concat(rows, ignore_index=True)
    p = p[p["den"] > 0]
    full = p.groupby("kommunekode")["year"].transform("size") == len(YEARS)
    p = p[full].copy()
    p["rate"] = p["num"] / p["den"] * 1000
    p["weight"] = p.groupby("kommunekode")["den"].transform("mean")
    return p


def _truth(p: pd.DataFrame, effect: float, overall: float) -> float:
    """The planted effect in the estimate's unit: the relative effect times the level the
    started municipalities would have had (observed after the start minus the estimate, as
    :func:`naersund.analysis.effects._counterfactual_level` takes it)."""
    from naersund.analysis.effects import _counterfactual_level

    level = _counterfactual_level(p, overall)
    return effect * level


Method = Callable[[Estimates, np.ndarray], tuple[float, float]]


def _leverage_factor(data: pd.DataFrame) -> np.ndarray:
    """1 / sqrt(1 - h) per municipality in the order of the library's influence functions (by
    start year, never-started last, then by code), h its share of its group's weight: the
    CR2 correction of Bell & McCaffrey (2002), capped at h = 0.5 (a one-municipality cohort)."""
    first = data.drop_duplicates("kommunekode")
    order = first.assign(o=first["cohort"].where(first["cohort"] > 0, np.inf))
    order = order.sort_values(["o", "kommunekode"])
    h = order["weight"] / order.groupby("cohort")["weight"].transform("sum")
    return np.asarray(1 / np.sqrt(1 - np.minimum(h.to_numpy(dtype=float), 0.5)))


def _se(psi: np.ndarray) -> float:
    return float(np.sqrt(np.mean(psi**2) / len(psi)))


def _methods() -> dict[str, Method]:
    def boot(e: Estimates, f: np.ndarray) -> tuple[float, float]:
        return e.overall_se_bootstrap, Z95

    def analytic(e: Estimates, f: np.ndarray) -> tuple[float, float]:
        return e.overall_se, Z95

    def analytic_t(e: Estimates, f: np.ndarray) -> tuple[float, float]:
        return e.overall_se, critical_value(e.df)

    def cr2(e: Estimates, f: np.ndarray) -> tuple[float, float]:
        return _se(e.influence * f), Z95

    def cr2_t(e: Estimates, f: np.ndarray) -> tuple[float, float]:
        return _se(e.influence * f), critical_value(e.df)

    return {
        "multiplier bootstrap (Mammen), z (before)": boot,
        "analytic, z": analytic,
        "analytic, t(G1-1) (now)": analytic_t,
        "leverage-corrected (CR2), z": cr2,
        "leverage-corrected (CR2), t(G1-1)": cr2_t,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=400)
    ap.add_argument("--treated", type=int, default=10)
    ap.add_argument("--effect", type=float, default=-0.10)
    ap.add_argument("--indicator", choices=sorted(INDICATORS), default="readmission")
    ap.add_argument("--scale", type=float, default=0.3)
    ap.add_argument("--noise", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--draws", type=int, default=199)
    args = ap.parse_args()
    munis = _population65()
    rng = np.random.default_rng(args.seed)
    methods = _methods()
    covered = dict.fromkeys(methods, 0)
    widths: dict[str, list[float]] = {m: [] for m in methods}
    errors, done = [], 0
    start = time.process_time()
    for _ in range(args.reps):
        p = _panel(
            rng, munis, treated=args.treated, effect=args.effect, indicator=args.indicator,
            scale=args.scale, noise=args.noise,
        )  # fmt: skip
        data = p[["kommunekode", "year", "rate", "weight", "cohort"]]
        est = estimate_group_time(
            data, outcome="rate", unit="kommunekode", time="year", group="cohort",
            weights="weight", bootstrap=True, draws=args.draws,
            seed=int(rng.integers(1 << 30)),
        )  # fmt: skip
        if not math.isfinite(est.overall):
            continue
        done += 1
        truth = _truth(data, args.effect, est.overall)
        errors.append(est.overall - truth)
        factor = _leverage_factor(data)
        for name, method in methods.items():
            se, crit = method(est, factor)
            covered[name] += abs(est.overall - truth) <= crit * se
            widths[name].append(2 * crit * se)
    cpu = time.process_time() - start
    sd = float(np.std(errors))
    print(
        f"{done} replications ({cpu:.0f} CPU-s), {args.indicator}, {args.treated} treated, "
        f"effect {args.effect:+.0%}, scale {args.scale}, noise {args.noise}: "
        f"bias {np.mean(errors):+.3f}, sd of the estimate {sd:.3f}"
    )
    print("| interval | coverage | mean width / (2 x 1.96 x sd) |")
    print("|---|---|---|")
    for name in methods:
        rel = np.mean(widths[name]) / (2 * Z95 * sd)
        print(f"| {name} | {covered[name] / done:.1%} | {rel:.2f} |")


if __name__ == "__main__":
    main()
