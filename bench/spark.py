"""Bench step: the main job (``compute``) on Spark, local mode, on a data directory.

Meant to run in a fresh process of its own (as ``bench/run.py`` runs every step), because a
Spark session lives as long as its process and its JVM is a child process:

    python bench/spark.py --data bench-out/data --years 2007-2016

prints one JSON line: ``seconds`` (compute, session already running), ``startup_seconds``
(starting Spark), ``rows`` (results) and ``jvm_peak_rss_gb`` (the driver JVM, which in local
mode also does the executors' work). Or from Python:

    from bench.spark import spark_compute_seconds
    seconds = spark_compute_seconds(Path("bench-out/data"), [2014, 2015])

Nothing is printed to stdout but that JSON line; Spark logs to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# Local mode runs the executors inside the driver JVM: give it the memory a DuckDB run gets.
DEFAULT_CONF = {"spark.driver.memory": "4g", "spark.ui.enabled": "false"}


def spark_compute_timings(
    data_dir: Path,
    years: list[int],
    master: str = "local[*]",
    conf: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Start Spark, then run ``compute`` on it; wall times, result rows and the JVM's peak RSS."""
    from naersund.engine.backend import connect
    from naersund.engine.compute import ComputeOptions, compute

    options = {"spark_master": master, "spark_conf": {**DEFAULT_CONF, **dict(conf or {})}}
    t0 = time.perf_counter()
    con = connect("spark", **options)
    startup = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = compute(data_dir, ComputeOptions(engine="spark", years=years, engine_options=options))
    seconds = time.perf_counter() - t0
    return {
        "seconds": round(seconds, 2),
        "startup_seconds": round(startup, 2),
        "rows": len(result.results),
        "jvm_peak_rss_gb": _jvm_peak_rss_gb(con),
        "master": con._session.sparkContext.master,
    }


def spark_compute_seconds(data_dir: Path, years: list[int]) -> float:
    """Wall seconds of ``compute`` on Spark (``local[*]``) over ``years`` of ``data_dir``,
    once the Spark session runs (starting it, 5-15 s, is not counted)."""
    return float(spark_compute_timings(data_dir, years)["seconds"])


def _jvm_peak_rss_gb(con: Any) -> float | None:
    """Peak resident memory of the driver JVM (Linux), or None where it cannot be read."""
    try:
        pid = int(con._session._jvm.java.lang.ProcessHandle.current().pid())
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024 / 1024, 2)
    except Exception:
        return None
    return None


def _years(text: str) -> list[int]:
    lo, _, hi = text.partition("-")
    return list(range(int(lo), int(hi or lo) + 1))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--years", type=_years, required=True, help="e.g. 2007-2016")
    parser.add_argument("--master", default=f"local[{os.cpu_count() or 1}]")
    parser.add_argument("--conf", action="append", default=[], help="KEY=VALUE (repeatable)")
    args = parser.parse_args(argv)
    conf = dict(item.split("=", 1) for item in args.conf)
    timings = spark_compute_timings(args.data, args.years, args.master, conf)
    sys.stdout.write(json.dumps(timings) + "\n")


if __name__ == "__main__":
    main()
