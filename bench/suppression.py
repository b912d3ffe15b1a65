"""Small-number suppression across every shipped area level (issue 14's goal: national, 10
years, all levels, suppression < 2 s).

The results frame is shaped as ``compute --levels`` makes it: every shipped indicator × 10
years × every area of every shipped level (kommune 98, region 5, region2027 4, KKR 5,
sundhedsråd 17, land 1). Each municipality's count is Poisson with a mean proportional to its
2020 population (the shipped FOLK1A figures) and a rate per indicator chosen so that the small
municipalities have small counts (the cells suppression exists for); every other level's count
is the sum of its municipalities', as compute makes it. Indicators whose definition protects
the denominator get it protected here too. Timed: :func:`naersund.suppression_levels.suppress_levels`
(primary and complementary suppression of the hierarchy plus the rule for the other levels),
best of ``--rounds``, beside today's one-hierarchy suppression of the same kommune/region/land
rows. Wall-clock and CPU seconds are both given (the machine is shared).

Usage: python bench/suppression.py [--years 10] [--rounds 3] [--out BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import platform
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sections import write_section

from naersund.indicators import load_definitions
from naersund.refdata import AGE_GROUPS, areas, shipped_population
from naersund.suppression import suppress
from naersund.suppression_levels import HIERARCHY, suppress_levels

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- suppression:start -->", "<!-- suppression:end -->"
GOAL_SECONDS = 2.0


def cpu_seconds() -> float:
    """User + system CPU seconds of this process so far."""
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def municipality_sizes(levels: dict[str, dict[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """The municipality codes (sorted) and their 2020 population (the shipped FOLK1A figures,
    both sexes, every age group), which the counts' Poisson means are proportional to."""
    pop = shipped_population()
    bands = pop[
        (pop["year"] == 2020) & pop["sex"].isin(["M", "F"]) & pop["age_group"].isin(AGE_GROUPS)
    ]
    codes = np.array(sorted(levels["kommune"]), dtype=np.int64)
    sizes = bands.groupby("kommunekode")["count"].sum().astype(float).reindex(codes).to_numpy()
    return codes, sizes


def yearly_rate(n: int, n_definitions: int) -> float:
    """The ``n``-th indicator's rate a citizen a year: 2 to 400 per 100,000, so that Læsø
    (about 1,800 citizens) gets 0-7 a year, Copenhagen hundreds."""
    return 2e-5 * (1.0 + n * 199.0 / max(1, n_definitions - 1)) / 10


def run_line(script: str, years: int) -> str:
    """How, when and where the benchmark ran: the start of its section's first paragraph."""
    return (
        f"`python bench/{script} --years {years}` (under `nice -n 10`), "
        f"{time.strftime('%Y-%m-%d')}, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}: "
    )


def publish(out: Path, start: str, end: str, lines: list[str]) -> None:
    """Write the section to ``out`` between its markers and print it."""
    text = "\n".join(lines)
    write_section(out, start, end, text)
    print(text)


def results_frame(
    n_years: int, seed: int = 14
) -> tuple[pd.DataFrame, dict[str, dict[int, int]], dict[str, bool]]:
    """The frame to suppress, the levels' memberships and which indicators protect the
    denominator."""
    rng = np.random.default_rng(seed)
    levels = {lv.id: lv.latest.area_of() for lv in areas.area_levels().values()}
    codes, sizes = municipality_sizes(levels)
    definitions = load_definitions()
    protected = {d.id: d.counted_denominator for d in definitions}
    frames = []
    for n, d in enumerate(definitions):
        rate = yearly_rate(n, len(definitions))
        for year in range(2024 - n_years, 2024):
            counts = rng.poisson(sizes * rate).astype(float)
            by_code = dict(zip(codes.tolist(), counts.tolist(), strict=True))
            dens = dict(zip(codes.tolist(), sizes.tolist(), strict=True))
            for level, area_of in levels.items():
                num: dict[int, float] = {}
                den: dict[int, float] = {}
                for k, a in area_of.items():
                    num[a] = num.get(a, 0.0) + by_code[k]
                    den[a] = den.get(a, 0.0) + dens[k]
                frames.append(
                    pd.DataFrame(
                        {
                            "indicator": d.id,
                            "year": year,
                            "level": level,
                            "area_code": list(num),
                            "numerator": list(num.values()),
                            "denominator": [den[a] for a in num],
                        }
                    )
                )
    frame = pd.concat(frames, ignore_index=True)
    frame["value"] = frame["numerator"] / frame["denominator"] * 1e5
    return frame, levels, protected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args()
    frame, levels, protected = results_frame(args.years)
    tree = frame[frame["level"].isin(HIERARCHY)]
    region_of = levels["region"]
    timings: dict[str, list[tuple[float, float]]] = {"all": [], "hierarchy": []}
    out = None
    for _ in range(args.rounds):
        t0, c0 = time.perf_counter(), cpu_seconds()
        out = suppress_levels(frame, levels, protected)
        timings["all"].append((time.perf_counter() - t0, cpu_seconds() - c0))
        t0, c0 = time.perf_counter(), cpu_seconds()
        suppress(tree, region_of, protected)
        timings["hierarchy"].append((time.perf_counter() - t0, cpu_seconds() - c0))
    assert out is not None
    masked = out["suppressed"].astype(bool)
    best = {k: min(v) for k, v in timings.items()}
    n_indicators = frame["indicator"].nunique()
    per_level = ", ".join(
        f"{lv} {frame.loc[frame['level'] == lv, 'area_code'].nunique()}" for lv in levels
    )
    masked_share = ", ".join(
        f"{lv} {100 * masked[out['level'] == lv].mean():.1f} %" for lv in levels
    )
    verdict = "met" if best["all"][0] < GOAL_SECONDS else "NOT met"
    publish(
        args.out,
        START,
        END,
        [
            "## Suppression across all area levels (issue 14)",
            "",
            run_line("suppression.py", args.years)
            + f"{n_indicators} indicators × {args.years} years × every area of every shipped "
            f"level ({per_level}) = {len(frame):,} rows; "
            f"counts Poisson on the 2020 population, sums for the levels above the "
            f"municipality. Best of {args.rounds}.",
            "",
            "| step | rows | wall s | CPU s |",
            "| --- | ---: | ---: | ---: |",
            f"| `suppress_levels`, all levels | {len(frame):,} | {best['all'][0]:.2f} | "
            f"{best['all'][1]:.2f} |",
            f"| `suppress`, kommune/region/land only (today's hierarchy) | {len(tree):,} | "
            f"{best['hierarchy'][0]:.2f} | {best['hierarchy'][1]:.2f} |",
            "",
            f"Goal < {GOAL_SECONDS:.0f} s for all levels: **{verdict}**. Masked cells by level: "
            f"{masked_share}; all levels {100 * masked.mean():.1f} % ({int(masked.sum()):,} "
            f"of {len(out):,} cells).",
        ],
    )


if __name__ == "__main__":
    main()
