"""`make bench`: performance of the main job against baselines measured in the same run.

Writes BENCHMARKS.md. Goals (issues "From registry extract to indicators" and 16):
- full `compute` on 5 national years at the real volume (scale 1.0: about 12 million contacts
  a year, outpatient attendances included) <= 10 x DuckDB reading the same columns once with a
  trivial aggregate, and >= 3 x faster than the straightforward pandas implementation where
  that fits in memory (``--pandas-max`` contacts; above it pandas is left out and the table
  says so);
- peak memory of `compute` < 12 GB; DuckDB spills to a temp folder beyond its memory limit,
  and the folder's largest size is reported;
- how time grows with 1, 2 and 5 years (10 and 20 with ``--early``, a second registry of
  the years before), and Spark local mode beside DuckDB;
- then bench/ingest.py: LPR3 CSV and SAS ingest against a DuckDB read of the same CSV.

Each measured step runs in its own process so that peak memory (max RSS) is its own.
Usage: python bench/run.py [--years 2012-2016] [--scale 1.0] [--skip-pandas] [--early]
    [--ingest-years 2013-2022] [--ingest-scale 1.0] [--skip-ingest] [--out BENCHMARKS.md]
    [--rounds 3] [--points 1,2,5,10,20]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

from sections import write_section

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 3  # baseline/compute pairs for the goal's point (``--rounds``)
START, END = "<!-- compute:start -->", "<!-- compute:end -->"
WORK = ROOT / "bench-out"
PY = sys.executable


# CPU seconds (user + system, all threads) of the last step's work: on a shared machine they
# change far less with the load than the wall-clock seconds do.
LAST_CPU = {"seconds": float("nan")}
CPU = "(lambda u: u.ru_utime + u.ru_stime)(resource.getrusage(resource.RUSAGE_SELF))"


def run_step(code: str) -> tuple[float, float, str]:
    """Run Python code in a fresh process: seconds of its work (after imports, timed by the
    process itself), peak RSS in GB, and what it printed. Its CPU seconds go to LAST_CPU."""
    start = f"import resource; _c0 = {CPU}; _t0 = time.perf_counter()"
    proc = subprocess.run(
        [PY, "-c", "import time\n" + code.replace("#START", start)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"bench step failed:\n{code}")
    lines = proc.stdout.strip().splitlines()
    secs, rss_kb, cpu = (float(x) for x in lines[-1].split())
    LAST_CPU["seconds"] = cpu
    return secs, rss_kb / 1024 / 1024, "\n".join(lines[:-1])


# Printed last by every step: seconds since #START, peak RSS (KiB), CPU seconds since #START.
RSS = (
    "import resource; print(time.perf_counter() - _t0, "
    f"resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, {CPU} - _c0)"
)


def synth_step(out: Path, years: str, scale: float, seed: int = 1) -> tuple[float, float, str]:
    lo, hi = years.split("-")
    code = (
        "from pathlib import Path\n"
        "from naersund.registry.synth import generate\n"
        "#START\n"
        f"m = generate(Path({str(out)!r}), list(range({lo}, {hi} + 1)), scale={scale}, seed={seed})\n"
        "import json; print(json.dumps(m['counts']))\n" + RSS
    )
    return run_step(code)


def subset(sources: dict[int, Path], years: list[int]) -> Path:
    """A data directory with just these years (files symlinked from the generated registries)."""
    out = WORK / f"years_{len(years)}"
    if out.exists():
        shutil.rmtree(out)
    for table in ("contacts", "ready_for_discharge"):
        for y in years:
            (out / table / f"year={y}").mkdir(parents=True)
            for f in (sources[y] / table / f"year={y}").glob("*.parquet"):
                (out / table / f"year={y}" / f.name).symlink_to(f)
    newest = sources[years[-1]]
    (out / "population").mkdir()
    for f in (newest / "population").glob("*.parquet"):
        (out / "population" / f.name).symlink_to(f)
    for name in ("manifest.json", "SYNTETISKE_DATA.txt"):
        shutil.copy(newest / name, out / name)
    return out


def spark_step(data: Path, years: list[int]) -> dict[str, float]:
    """compute on Spark local mode (bench/spark.py in its own process); session start apart."""
    proc = subprocess.run(
        [
            PY,
            str(ROOT / "bench" / "spark.py"),
            "--data",
            str(data),
            "--years",
            f"{years[0]}-{years[-1]}",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-3000:])
        raise SystemExit("bench step failed: spark")
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def baseline_step(data: Path) -> tuple[float, float, str]:
    files = [str(p) for p in sorted((data / "contacts").glob("year=*/*.parquet"))]
    code = (
        "import duckdb\n"
        "#START\n"
        "con = duckdb.connect()\n"
        f"files = {files!r}\n"
        "print(con.execute('''SELECT count(*), max(person_id), max(kommunekode), max(sex), max(birth_date),\n"
        '  max(start), max("end"), bool_or(acute), max(primary_diagnosis), max(specialty), max(hospital), bool_or(died)\n'
        "  FROM read_parquet($files)''', {'files': files}).fetchall())\n" + RSS
    )
    return run_step(code)


SPILL = WORK / "spill"


def compute_step(data: Path, out: Path) -> tuple[float, float, str]:
    """compute with DuckDB's temp folder in ``SPILL``; prints the folder's largest size (GB),
    polled every 0.2 s by a thread, on the line before the last."""
    shutil.rmtree(SPILL, ignore_errors=True)
    SPILL.mkdir(parents=True)
    code = (
        "from pathlib import Path\n"
        "import threading\n"
        "from naersund.engine.compute import compute, ComputeOptions\n"
        "from naersund.engine.outputs import write_results\n"
        f"spill = Path({str(SPILL)!r}); peak = [0]; done = threading.Event()\n"
        "def poll():\n"
        "    while not done.wait(0.2):\n"
        "        try: peak[0] = max(peak[0], sum(p.stat().st_size for p in spill.rglob('*') if p.is_file()))\n"
        "        except OSError: pass\n"
        "threading.Thread(target=poll, daemon=True).start()\n"
        "#START\n"
        f"r = compute(Path({str(data)!r}), ComputeOptions(engine_options={{'temp_directory': str(spill)}}))\n"
        f"write_results(r, Path({str(out)!r}))\n"
        "done.set(); print(peak[0] / 1024**3)\n" + RSS
    )
    secs, gb, printed = run_step(code)
    LAST_SPILL["gb"] = float(printed.splitlines()[-1])
    return secs, gb, printed


LAST_SPILL = {"gb": float("nan")}


def pandas_step(data: Path, years: list[int]) -> tuple[float, float, str]:
    """The straightforward pandas implementation from the tests, on the same files."""
    code = (
        "import sys; sys.path.insert(0, 'tests')\n"
        "from pathlib import Path\n"
        "import pandas as pd\n"
        "from reference_impl import aggregates\n"
        "from naersund.indicators import load_definitions, load_stay_rules\n"
        f"data = Path({str(data)!r}); years = {years!r}\n"
        "#START\n"
        "read = lambda t: pd.concat([pd.read_parquet(p) for y in years for p in (data / t / f'year={y}').glob('*.parquet')], ignore_index=True)\n"
        "aggs = aggregates(read('contacts'), read('ready_for_discharge'), load_definitions(), load_stay_rules(), years)\n"
        "print({k: len(v) for k, v in aggs.items()})\n" + RSS
    )
    return run_step(code)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        cpu = model
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, Python {platform.python_version()}"


def fmt(x: float, digits: int = 1) -> str:
    return "–" if x != x else f"{x:.{digits}f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--years", default="2012-2016", help="the national years of the main goals")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--skip-pandas", action="store_true")
    ap.add_argument(
        "--pandas-max",
        type=float,
        default=25e6,
        help="the most contacts the pandas reference is run on (about 1 GB per million)",
    )
    ap.add_argument("--early", action="store_true", help="also 10 earlier years (10/20 points)")
    ap.add_argument("--skip-ingest", action="store_true", help="skip bench/ingest.py")
    ap.add_argument("--ingest-years", default="2013-2022")
    ap.add_argument("--ingest-scale", type=float, default=1.0)
    ap.add_argument("--skip-spark", action="store_true")
    ap.add_argument("--skip-web", action="store_true", help="skip the dashboard load test")
    ap.add_argument("--skip-reports", action="store_true", help="skip the report-pack timings")
    ap.add_argument("--reuse", action="store_true", help="reuse generated registries if present")
    ap.add_argument(
        "--rounds",
        type=int,
        default=ROUNDS,
        help="baseline/compute pairs at the goal's point (the median is reported)",
    )
    ap.add_argument(
        "--points",
        default="1,2,5,10,20",
        help="the numbers of years measured (those up to the years given; the goal's is kept)",
    )
    ap.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    args = ap.parse_args()
    lo, hi = (int(x) for x in args.years.split("-"))
    main_years = list(range(lo, hi + 1))
    # A second block of years before the first, for the 20-year point of the scaling curve.
    early_years = list(range(lo - len(main_years), lo)) if args.early else []
    registries = {"main": (WORK / "registry", main_years, 1)}
    if early_years:
        registries["early"] = (WORK / "registry_early", early_years, 2)
    synth_times: dict[str, float] = {}
    counts: dict[str, int] = {}
    by_year: dict[int, int] = {}
    for key, (path, years, seed) in registries.items():
        span = f"{years[0]}-{years[-1]}"
        print(f"synth {span} scale {args.scale} ...", flush=True)
        if args.reuse and (path / "manifest.json").exists():
            synth_times[key] = float("nan")
        else:
            synth_times[key] = synth_step(path, span, args.scale, seed)[0]
        per_year = json.loads((path / "manifest.json").read_text())["counts"]["contacts"]
        by_year.update({int(y): int(c) for y, c in per_year.items()})
        counts[key] = sum(by_year[y] for y in years)
        print(f"  {fmt(synth_times[key])} s, {counts[key]:,} contacts", flush=True)
    sources = {y: registries[k][0] for k in registries for y in registries[k][1]}
    all_years = early_years + main_years

    rows = []
    cpu: dict[int, tuple[float, float, float]] = {}  # years -> CPU ratio, baseline, compute
    spill: dict[int, float] = {}  # years -> largest DuckDB temp folder, GB
    points = {int(x) for x in args.points.split(",")} | {len(main_years)}
    for n in sorted(n for n in points if n <= len(all_years)):
        years = all_years[-n:]
        part = subset(sources, years)
        # The goal's point is measured ROUNDS times, baseline and compute alternating, and the
        # median round (by ratio) is reported: the machine may be shared, and load that comes
        # and goes then hits both sides alike.
        runs = []
        for _ in range(args.rounds if n == len(main_years) else 1):
            tb = baseline_step(part)[0]
            cb = LAST_CPU["seconds"]
            tc, mc, _ = compute_step(part, WORK / f"results_{n}.parquet")
            runs.append((tc / tb, tb, tc, mc, cb, LAST_CPU["seconds"]))
            spill[n] = max(spill.get(n, 0.0), LAST_SPILL["gb"])
        _, t_base, t_comp, m_comp, c_base, c_comp = sorted(runs)[len(runs) // 2]
        m_comp = max(r[3] for r in runs)
        cpu[n] = sorted(r[5] / r[4] for r in runs)[len(runs) // 2], c_base, c_comp
        t_pd = m_pd = float("nan")
        n_contacts = sum(by_year[y] for y in years)
        if not args.skip_pandas and n in (1, len(main_years)) and n_contacts <= args.pandas_max:
            t_pd, m_pd, _ = pandas_step(part, years)
        sp = {
            "seconds": float("nan"),
            "startup_seconds": float("nan"),
            "jvm_peak_rss_gb": float("nan"),
        }
        if not args.skip_spark and n == len(main_years):  # Spark beside the goal's point
            sp = spark_step(part, years)
        rows.append((n, t_base, t_comp, m_comp, t_pd, m_pd, sp))
        print(
            f"  {n} years: baseline {t_base:.2f} s, compute {t_comp:.2f} s ({m_comp:.2f} GB), "
            f"pandas {fmt(t_pd)} s, spark {fmt(sp['seconds'])} s",
            flush=True,
        )

    main_row = next(r for r in rows if r[0] == len(main_years))
    n, t_base, t_comp, m_comp, t_pd, _, sp = main_row
    # Both registries are 10 national years; report the one generated in this run.
    t_synth = synth_times["main"]
    early = (
        f", plus {early_years[0]}-{early_years[-1]} ({counts['early']:,} contacts) for the "
        "10- and 20-year points"
        if early_years
        else ""
    )
    n_main = sum(by_year[y] for y in main_years)
    pandas_note = (
        f"pandas was left out: {n_main:,} contacts are more than `--pandas-max` "
        f"({args.pandas_max:,.0f}), and its frames (about 1 GB per million contacts) would not "
        "fit in this machine's memory."
        if n_main > args.pandas_max and not args.skip_pandas
        else ""
    )
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` on {time.strftime('%Y-%m-%d')}: {machine()}.",
        f"Synthetic national registry (`naersund synth`, scale {args.scale}; scale 1.0 is the "
        "real volume, about 12 million contacts a year with the outpatient attendances): "
        f"{args.years} ({counts['main']:,} contacts) for the goals{early}.",
        "Each step runs in its own fresh process and is timed from after its imports to its end",
        "(compute includes reading, stays, all indicators, population, standardisation, intervals,",
        "suppression and writing the results file); peak memory is that process's max RSS.",
        "Baseline = DuckDB reading every contacts column once with a trivial aggregate.",
        "pandas = the straightforward reference implementation in `tests/reference_impl.py`",
        "(the same definitions; aggregates only, i.e. less work than compute).",
        "Spark = the same compute on PySpark local mode (`local[*]`, 4 GB driver), session",
        "start-up not included (it is listed apart).",
        "",
        "| goal | measured | target | met |",
        "|---|---|---|---|",
        f"| synth, {len(main_years)} years at scale {args.scale} | {fmt(t_synth)} s | (none) | – |",
        f"| compute / DuckDB baseline ({n} years) | {t_comp / t_base:.1f} x ({t_comp:.1f} s / {t_base:.2f} s) | <= 10 x | {'yes' if t_comp <= 10 * t_base else 'NO'} |",
        f"| the same in CPU seconds (less sensitive to other load) | {cpu[n][0]:.1f} x ({cpu[n][2]:.1f} s / {cpu[n][1]:.2f} s) | (<= 10 x) | {'yes' if cpu[n][0] <= 10 else 'NO'} |",
    ]
    if t_pd == t_pd:
        lines.append(
            f"| pandas / compute ({n} years) | {t_pd / t_comp:.1f} x ({t_pd:.1f} s / {t_comp:.1f} s) | >= 3 x | {'yes' if t_pd >= 3 * t_comp else 'NO'} |"
        )
    lines += [
        f"| compute peak memory ({n} years) | {m_comp:.2f} GB | < 12 GB | {'yes' if m_comp < 12 else 'NO'} |",
        f"| DuckDB spilled to disk ({n} years, largest temp folder) | {spill[n]:.2f} GB | (say how much) | – |",
        "",
        pandas_note,
        "",
        "## Scaling with years",
        "",
        "| years | contacts | baseline s | DuckDB compute s | ratio | CPU ratio | DuckDB peak GB | spill GB | pandas s | Spark compute s | Spark start s | Spark JVM peak GB | Spark / DuckDB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n, tb, tc, mc, tp, _mp, sp in rows:
        contacts = sum(by_year[y] for y in all_years[-n:])
        lines.append(
            f"| {n} | {contacts / 1e6:.1f} M | {tb:.2f} | {tc:.2f} | {tc / tb:.1f} | {cpu[n][0]:.1f} | {mc:.2f} | {spill[n]:.2f} | {fmt(tp)} "
            f"| {fmt(sp['seconds'])} | {fmt(sp['startup_seconds'])} | {fmt(sp['jvm_peak_rss_gb'], 2)} "
            f"| {fmt(sp['seconds'] / tc)} |"
        )
    load = os.getloadavg()
    lines += [
        "",
        f"The {len(main_years)}-year point is the median of {args.rounds} baseline/compute pair(s) "
        "run alternately. CPU ratio = the same ratio in CPU seconds (user + system, all "
        "threads) of each process. Load average of the machine at the end (1/5/15 min): "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (2 cores; above 2 means the steps "
        "shared the cores with other work).",
    ]
    write_section(args.out, START, END, "\n".join(lines), first=True)
    (WORK / "bench.json").write_text(
        json.dumps({"rows": rows, "synth_s": synth_times, "counts": counts}), encoding="utf-8"
    )
    print(f"wrote {args.out}")
    if not args.skip_ingest:
        # LPR3 CSV and SAS ingest against a DuckDB read (their own section of the file).
        subprocess.run(
            [
                PY,
                str(ROOT / "bench" / "ingest.py"),
                "--years",
                args.ingest_years,
                "--scale",
                str(args.ingest_scale),
                "--out",
                str(args.out),
            ],
            check=True,
        )
    if not args.skip_web:
        # The dashboard under 20 concurrent users (its own section of the file).
        subprocess.run(
            [PY, str(ROOT / "bench" / "web_load.py"), "--out", str(args.out)], check=True
        )
    if not args.skip_reports:
        # Report packs from the 10-year national results (their own section of the file).
        results = WORK / f"results_{len(main_years)}.parquet"
        subprocess.run(
            [
                PY,
                str(ROOT / "bench" / "reports.py"),
                "--results",
                str(results),
                "--out",
                str(args.out),
            ],
            check=True,
        )


if __name__ == "__main__":
    main()
