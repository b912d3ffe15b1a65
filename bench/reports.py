"""Report packs: a political PDF for one municipality (goal < 5 s) and the KKR director pack
for Hovedstaden's 29 municipalities with a section per municipality (goal < 20 s, issue 15).

Each measurement runs in a fresh Python process (so fonts, templates and the chart renderer
start cold, as for a user) and is timed from after the imports to the written file; the
political PDF is also timed end to end as the command a user runs (`naersund report`,
including Python's start-up). Input: a results file of `naersund compute` (default
`data/demo/results.csv`, national, 5 years) and the demo status round (all 98 municipalities'
answers), so that every section, Bilag 1 included, is filled.

Writes its own section of BENCHMARKS.md (between markers), so `make bench` can call it after
rewriting the rest.

Usage: python bench/reports.py [--results data/demo/results.csv] [--out BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sections import write_section

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
NAERSUND = str(Path(sys.executable).parent / "naersund")
START, END = "<!-- reports:start -->", "<!-- reports:end -->"

STEP = """
import json, sys, time
from pathlib import Path
from naersund.catalogue import load_catalogue
from naersund.reports import build_kkr_pack, build_pack, area_of, write, write_kkr_packs
from naersund.reports.load import from_results_file
from naersund.survey.demo import generate_demo_survey
from naersund.survey.questions import questions_from_catalogue
from dataclasses import replace
results, what, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
catalogue = load_catalogue()
survey = generate_demo_survey(catalogue, questions_from_catalogue(catalogue, national=True))[1]
t0 = time.perf_counter()
data = replace(from_results_file(results, catalogue), survey=survey)
year = max(int(y) for y in data.results["year"].unique())
if what == "politisk":
    pack = build_pack(data, "politisk", area_of("kommune", 165), year)
    files = [write(pack, "pdf", out / "politisk.pdf")]
elif what == "kkr":
    pack = build_kkr_pack(data, "direktoer", 1084, year)
    files = [write(pack, "pdf", out / "direktoer_kkr.pdf")]
else:
    files = write_kkr_packs(data, "direktoer", 1084, year, "pdf", out / "separate", jobs=2)
seconds = time.perf_counter() - t0
from pypdf import PdfReader
pages = sum(len(PdfReader(f).pages) for f in files)
print(json.dumps({"seconds": seconds, "files": len(files), "pages": pages, "year": year}))
"""


def step(results: Path, what: str, out: Path) -> dict[str, float]:
    proc = subprocess.run(
        [PY, "-c", STEP, str(results), what, str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"bench step {what} failed")
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def cli_wall(results: Path, out: Path, year: int, cache: Path | None = None) -> tuple[float, float]:
    """Wall and CPU seconds for the whole command. With ``cache``, Python's bytecode cache lives there (as
    on an installed system; this machine sets PYTHONDONTWRITEBYTECODE, so that without it
    every import is compiled from source) and a first run fills it."""
    env = dict(os.environ)
    if cache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(cache)
    args = [NAERSUND, "report", "--results", str(results), "--level", "politisk",
            "--kommune", "165", "--year", str(year), "--out", str(out / "cli.pdf")]  # fmt: skip
    if cache is not None:
        subprocess.run(args, check=True, capture_output=True, env=env)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(results: Path, separate: bool = True) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory(prefix="naersund-bench-reports-") as tmp:
        out = Path(tmp)
        steps = ("politisk", "kkr", "separate") if separate else ("politisk", "kkr")
        m = {what: step(results, what, out) for what in steps}
        year = int(m["politisk"]["year"])
        wall, cpu = cli_wall(results, out, year)
        m["cli"] = {"seconds": wall, "cpu": cpu}
        wall, cpu = cli_wall(results, out, year, out / "pycache")
        m["cli_cached"] = {"seconds": wall, "cpu": cpu}
    m["machine"] = {"load_1min": os.getloadavg()[0], "cpus": float(os.cpu_count() or 0)}
    return m


def section(m: dict[str, dict[str, float]], results: Path) -> str:
    pol, kkr, cli = m["politisk"], m["kkr"], m["cli"]
    sep = m.get("separate")
    cached = m["cli_cached"]

    def met(x: float, goal: float) -> str:
        return "yes" if x < goal else "NO"

    lines = [
        "## Report packs",
        "",
        f"`bench/reports.py` on {time.strftime('%Y-%m-%d')}, from `{results.name}` "
        f"({int(pol['year'])}) with the demo status round; each in a fresh process, timed from",
        "after the imports to the written PDF (WeasyPrint, charts as SVG by vl-convert).",
        f"Load average when it finished: {m['machine']['load_1min']:.1f} on "
        f"{m['machine']['cpus']:.0f} cores (other work on the machine slows every figure).",
        "",
        "| pack | files | pages | seconds | target | met |",
        "|---|---|---|---|---|---|",
        f"| Politisk niveau, Albertslund | 1 | {pol['pages']:.0f} | {pol['seconds']:.1f} | < 5 s | {met(pol['seconds'], 5)} |",
        f"| ... as `naersund report` (whole command, Python start-up included) | 1 | {pol['pages']:.0f} | {cached['seconds']:.1f} | < 5 s | {met(cached['seconds'], 5)} |",
        f"| ... the same without a bytecode cache (imports compiled from source) | 1 | {pol['pages']:.0f} | {cli['seconds']:.1f} | – | – |",
        f"| Direktørniveau, KKR Hovedstaden with its 29 municipalities (`--alle-kommuner`, one document) | 1 | {kkr['pages']:.0f} | {kkr['seconds']:.1f} | < 20 s | {met(kkr['seconds'], 20)} |",
        "| Direktørniveau, KKR Hovedstaden and each municipality's own pack (`--separate-filer`, 2 processes) | "
        + (
            f"{sep['files']:.0f} | {sep['pages']:.0f} | {sep['seconds']:.1f} | – | – |"
            if sep is not None
            else "– | – | not run (`--skip-separate`) | – | – |"
        ),
        "",
        f"The command used {cached['cpu']:.1f} s of CPU ({cli['cpu']:.1f} s without a bytecode "
        "cache): on a machine with a free core that is about its wall time.",
        "",
        "The one-document KKR pack compares the 29 municipalities once (bars, trends, funnels,",
        "target gaps, initiative coverage, Bilag 1) and then gives each municipality a page (spine",
        "chart, key figures over the years, its skal-status); `--separate-filer` repeats the",
        "KKR-wide comparisons in each municipality's file with that municipality highlighted.",
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--results", type=Path, default=ROOT / "data" / "demo" / "results.csv")
    ap.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    ap.add_argument(
        "--skip-separate",
        action="store_true",
        help="leave out the one-file-per-municipality step (minutes on a busy machine)",
    )
    args = ap.parse_args()
    if not args.results.exists():
        raise SystemExit(f"{args.results}: no results file (run `make demo` or pass --results)")
    m = measure(args.results, separate=not args.skip_separate)
    print(json.dumps(m, indent=1))
    write_section(args.out, START, END, section(m, args.results))
    print(f"wrote the report section of {args.out}")


if __name__ == "__main__":
    main()
