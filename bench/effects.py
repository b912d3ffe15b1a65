"""Initiative effects: how long all estimates take, and how often the 95 % interval covers a
planted effect (several seeds of synthetic data), written to its own section of BENCHMARKS.md.

Timing (issue "Virker indsatserne?": all initiative x indicator estimates for 98 municipalities
x 10 years in < 30 s, bootstrap included): a synthetic panel of every municipality and 10 years
for every pair the catalogue links, start years drawn per initiative, estimated with
:func:`naersund.analysis.initiative_effects.estimate_all` as publish-time code would.

Coverage: ``--seeds`` synthetic registries (``naersund synth``, 2011-2016, ``--scale``) with the
planted effects, compute, the demo survey agreeing with the plant, and the estimates; per
planted initiative, how often the interval covers the planted relative effect.
Usage: python bench/effects.py [--seeds 5] [--scale 0.3] [--out BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
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


def _coverage(seeds: int, scale: float) -> list[tuple[str, str, float, int, int]]:
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
    hits: dict[tuple[str, str, float], list[bool]] = {}
    for seed in range(1, seeds + 1):
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
            if e is not None and e.has_estimate:
                covered = e.relative_lower_ci <= p.effect <= e.relative_upper_ci
                hits.setdefault((p.initiative, p.indicator, p.effect), []).append(covered)
        print(f"seed {seed}: done", flush=True)
    return [(i, ind, eff, sum(v), len(v)) for (i, ind, eff), v in hits.items()]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--scale", type=float, default=0.3)
    ap.add_argument("--out", type=Path, default=Path("BENCHMARKS.md"))
    args = ap.parse_args()
    wall, cpu, n = _timing()
    cover = _coverage(args.seeds, args.scale)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    lines = [
        "## Initiative effects (`python bench/effects.py`)",
        "",
        f"Measured on {time.strftime('%Y-%m-%d')}: all {n} initiative x indicator estimates "
        f"for 98 municipalities x 10 years (bootstrap, 999 draws each): **{wall:.1f} s** "
        f"({cpu:.1f} CPU-s; goal < 30 s: {'met' if wall < 30 else 'NOT met'}). Peak memory "
        f"{peak:.2f} GB.",
        "",
        f"Coverage of the 95 % intervals over {args.seeds} seeds of synthetic data "
        f"(2011-2016, scale {args.scale}; the demo survey agreeing with the plant):",
        "",
        "| initiative | indicator | planted | interval covers it |",
        "|---|---|---|---|",
        *[f"| {i} | {ind} | {eff:+.0%} | {k} of {m} |" for i, ind, eff, k, m in cover],
    ]
    write_section(args.out, START, END, "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
