"""Initiative effects: how long all estimates take, and how often the 95 % interval covers a
planted effect (several seeds of synthetic data), written to its own section of BENCHMARKS.md.

Timing (issue "Virker indsatserne?": all initiative x indicator estimates for 98 municipalities
x 10 years in < 30 s, bootstrap included): a synthetic panel of every municipality and 10 years
for every pair the catalogue links, start years drawn per initiative, estimated with
:func:`naersund.analysis.initiative_effects.estimate_all` as publish-time code would.

Coverage: ``--seeds`` synthetic registries (``naersund synth``, 2011-2016, ``--scale``) with the
planted effects, compute, the demo survey agreeing with the plant, and the estimates; per
planted initiative, how often the interval covers the planted relative effect and how often
it covers 0 (for the control initiative, with no effect planted, that is the same).
Usage: python bench/effects.py [--seeds 5] [--first-seed 1] [--scale 0.3] [--skip-timing]
    [--skip-coverage] [--out BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sections import write_section

START, END = "<!-- effects:start -->", "<!-- effects:end -->"


def _timing() -> tuple[float, float, int]:
    from naersund.analysis.initiative_effects import estimate_all, linked_pairs
    from naersund.catalogue import load_catalogue
    from naersund.refdata import municipalities

    catalogue = load_catalogue()
    pairs = linked_pairs(catalogue)
    codes = [int(k) for k in municipalities()["kommunekode"]]
    rng = np.random.default_rng(1)
    rows = []
    indicators = {}
    for ind in sorted({i for _, i in pairs}):
        indicators[ind] = (ind, 1000.0)
        for k in codes:
            pop, level = int(rng.integers(2_000, 60_000)), 60 * np.exp(rng.normal(0, 0.2))
            for year in range(2007, 2017):
                rows.append((ind, "kommune", k, year, rng.poisson(level * pop / 1000), pop))
    results = pd.DataFrame(
        rows, columns=["indicator", "level", "area_code", "year", "numerator", "denominator"]
    )
    answers: dict[int, dict[str, object]] = {k: {} for k in codes}
    for ini, _ in pairs:
        for k in codes:
            start = rng.choice([2009, 2011, 2013, 2015, 0])
            answers[k][f"status.{ini.id}"] = "implementeret" if start else "ikke_paabegyndt"
            if start:
                answers[k][f"startaar.{ini.id}"] = int(start)
    estimate_all(results.head(100), answers, catalogue, indicators)  # imports, warm-up
    wall, cpu = time.perf_counter(), time.process_time()
    estimate_all(results, answers, catalogue, indicators)
    return time.perf_counter() - wall, time.process_time() - cpu, len(pairs)


@dataclass
class Seen:
    """One planted initiative x indicator over the seeds: how often it had an estimate, how
    often the interval covered the planted value and 0, and the relative estimates."""

    effect: float
    seeds: int = 0
    estimated: int = 0
    covers_planted: int = 0
    covers_zero: int = 0
    covers_planted_z: int = 0  # the same standard error with 1.96 (the intervals before)
    estimates: list[float] = field(default_factory=list)


def _coverage(seeds: int, scale: float, first_seed: int) -> dict[tuple[str, str], Seen]:
    from naersund.analysis.effects import Z95, critical_value
    from naersund.analysis.initiative_effects import estimate_all
    from naersund.catalogue import load_catalogue
    from naersund.engine.compute import compute
    from naersund.indicators import load_definitions
    from naersund.registry.synth import INITIATIVES, generate
    from naersund.survey.demo import FOLLOW_UP_ROUND, generate_demo_survey
    from naersund.survey.questions import questions_from_catalogue

    catalogue = load_catalogue()
    questions = questions_from_catalogue(catalogue)
    indicators = {d.id: (d.name_da.lower(), d.multiplier) for d in load_definitions()}
    seen: dict[tuple[str, str], Seen] = {}
    for seed in range(first_seed, first_seed + seeds):
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            registry = Path(tmp) / "registry"
            manifest = generate(
                registry, list(range(2011, 2017)), scale=scale, seed=seed,
                planted_last_start=FOLLOW_UP_ROUND.year,
            )  # fmt: skip
            results = compute(registry).results
        _, follow_up = generate_demo_survey(
            catalogue, questions, planted=manifest["planted_effects"]
        )
        found = {
            (e.initiative.id, e.indicator): e.effect
            for e in estimate_all(results, follow_up.answers, catalogue, indicators)
        }
        for p in INITIATIVES:
            e = found.get((p.initiative, p.indicator))
            if e is None:
                continue  # the catalogue does not link the indicator to the initiative
            s = seen.setdefault((p.initiative, p.indicator), Seen(p.effect))
            s.seeds += 1
            if e.has_estimate:
                s.estimated += 1
                s.covers_planted += e.relative_lower_ci <= p.effect <= e.relative_upper_ci
                s.covers_zero += e.relative_lower_ci <= 0 <= e.relative_upper_ci
                shrink = Z95 / critical_value(max(e.n_started - 1, 1))
                half = (e.relative_upper_ci - e.relative_lower_ci) / 2 * shrink
                s.covers_planted_z += abs(e.relative_estimate - p.effect) <= half
                s.estimates.append(e.relative_estimate)
        took = time.perf_counter() - start
        print(f"seed {seed}: done in {took:.0f} s", flush=True)
        print("\n".join(_coverage_lines(seen, seed - first_seed + 1, scale)), flush=True)
    return seen


def _coverage_lines(seen: dict[tuple[str, str], Seen], seeds: int, scale: float) -> list[str]:
    rows = []
    for (ini, ind), s in seen.items():
        mean = f"{np.mean(s.estimates):+.1%}" if s.estimates else "–"
        rows.append(
            f"| {ini} | {ind} | {s.effect:+.0%} | {mean} | {s.covers_planted} of {s.estimated} "
            f"| {s.covers_planted_z} of {s.estimated} | {s.covers_zero} of {s.estimated} "
            f"| {s.seeds - s.estimated} |"
        )
    return [
        f"Coverage of the 95 % intervals over {seeds} seeds of synthetic data (2011-2016, "
        f"scale {scale}; the demo survey's start years agreeing with the plant; a control "
        "initiative with no effect planted):",
        "",
        "| initiative | indicator | planted | mean estimate | interval covers the planted "
        "value | the same with 1.96 (as before) | interval covers 0 | seeds without an "
        "estimate |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--scale", type=float, default=0.3)
    ap.add_argument("--skip-timing", action="store_true", help="only the coverage part")
    ap.add_argument("--skip-coverage", action="store_true", help="only the timing part")
    ap.add_argument("--out", type=Path, default=Path("BENCHMARKS.md"))
    args = ap.parse_args()
    lines = ["## Initiative effects (`python bench/effects.py`)", ""]
    if not args.skip_timing:
        wall, cpu, n = _timing()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
        lines += [
            f"Measured on {time.strftime('%Y-%m-%d')} (load average {os.getloadavg()[0]:.1f} "
            f"on {os.cpu_count()} cores): all {n} initiative x indicator estimates for 98 "
            f"municipalities x 10 years (analytic standard errors, t intervals): **{wall:.1f} s** "
            f"({cpu:.1f} CPU-s; goal < 30 s: {'met' if wall < 30 else 'NOT met'}). Peak "
            f"memory {peak:.2f} GB.",
            "",
        ]
    if not args.skip_coverage:
        seen = _coverage(args.seeds, args.scale, args.first_seed)
        lines += _coverage_lines(seen, args.seeds, args.scale)
    write_section(args.out, START, END, "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
