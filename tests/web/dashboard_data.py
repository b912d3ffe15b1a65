"""Results files for the dashboard and publish tests: computed once per session from the
shared synthetic registry (``synthetic_dir``, 2013-2014, 2 % of Denmark). Each test module
wraps :func:`results_for` in its own ``results_file`` fixture."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def results_for(synthetic_dir: Path, out_dir: Path) -> Path:
    from naersund.engine.compute import compute, write_results

    return write_results(compute(synthetic_dir), out_dir / "results.csv")
