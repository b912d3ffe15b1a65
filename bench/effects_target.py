"""What a planted effect does to its indicator: the same synthetic registry generated twice
(same seed), once with the planted initiative effects and once with them all set to
(practically) nothing, computed, and the treated municipalities' indicator after their start
compared between the two. ``naersund synth`` plants an effect on a generating probability
(e.g. the chance of a readmission caused by the stay); stays the mechanism does not touch
still count in the indicator, so the realised effect on the indicator is smaller than the
planted one. The coverage of the intervals is judged against the planted value in
``bench/effects.py``; this measures how far that value is from what an estimator can find.

Caveat: the two runs do not share every random draw (a stay that is not readmitted changes
what is drawn after it), so the comparison carries the Poisson noise of both runs: the
control (nothing planted) shows how large that noise is. Use a large ``--scale``.

Usage: python bench/effects_target.py [--seed 1] [--scale 0.1]
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd


def _results(tmp: Path, name: str, seed: int, scale: float) -> tuple[pd.DataFrame, dict[str, Any]]:
    from naersund.engine.compute import compute
    from naersund.registry.synth import generate
    from naersund.survey.demo import FOLLOW_UP_ROUND

    registry = tmp / name
    manifest = generate(
        registry, list(range(2011, 2017)), scale=scale, seed=seed,
        planted_last_start=FOLLOW_UP_ROUND.year,
    )  # fmt: skip
    return compute(registry).results, manifest


def main() -> None:
    import naersund.registry.synth as synth

    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=float, default=0.1)
    args = ap.parse_args()
    planted = synth.INITIATIVES
    with tempfile.TemporaryDirectory() as tmp:
        with_fx, manifest = _results(Path(tmp), "with", args.seed, args.scale)
        # the same municipalities and start years (a control stays a control: effect != 0)
        synth.INITIATIVES = tuple(
            dataclasses.replace(p, effect=1e-12 if p.effect else 0.0) for p in planted
        )
        try:
            without, _ = _results(Path(tmp), "without", args.seed, args.scale)
        finally:
            synth.INITIATIVES = planted
    keys = ["indicator", "area_code", "year"]
    kommune = [f[f["level"] == "kommune"].set_index(keys) for f in (with_fx, without)]
    both = kommune[0][["numerator", "denominator"]].merge(
        kommune[1][["numerator", "denominator"]],
        left_index=True, right_index=True, suffixes=("", "_without"),
    )  # fmt: skip
    print(f"seed {args.seed}, scale {args.scale}:")
    for p in planted:
        rows = [e for e in manifest["planted_effects"] if e["initiative"] == p.initiative]
        for indicator in p.affects:
            cells = []
            for e in rows:
                for year in range(int(e["start_year"]), 2017):
                    key = (indicator, int(e["kommunekode"]), year)
                    if key in both.index:
                        cells.append(both.loc[key])
            if not cells:
                continue
            c = pd.DataFrame(cells)
            rate = c["numerator"].sum() / c["denominator"].sum()
            base = c["numerator_without"].sum() / c["denominator_without"].sum()
            print(
                f"  {p.initiative} ({p.mechanism}, planted {p.effect:+.0%}) on {indicator}: "
                f"{rate / base - 1:+.1%} ({int(c['numerator'].sum())} vs "
                f"{int(c['numerator_without'].sum())} events in {len(c)} municipality-years)"
            )


if __name__ == "__main__":
    main()
