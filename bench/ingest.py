"""`make bench`, ingest: LPR3 extracts (CSV and SAS transport) to canonical Parquet.

Goals (issue 16): ingest of 10 national years from LPR3 CSV <= 4 x DuckDB reading the same CSV
files once (every column, a trivial aggregate); ingest from SAS transport files (``.xpt``, via
``naersund synth --format lpr3 --sas``) within 2 x the CSV ingest; peak memory < 4 GB.

Each step runs in its own process (bench/run.py's ``run_step``), so peak memory is its own;
CPU seconds are reported beside the wall-clock ones because the machine may be shared.
At 10 national years the disk must hold the CSV extract (about 26 GB), the SAS extract (about
20 GB) and the outputs, so the bench frees what it no longer needs: the CSV ingest's output
once measured (before the SAS extract is written), the SAS extract once ingested (unless
``--keep``). ``--reuse`` takes an extract already written (``bench-out/lpr3_csv``, e.g. by
``naersund synth --format lpr3 --years 2013-2022 --scale 1.0 --seed 1``); the SAS extract is
written with the same generator, years and seed (``naersund synth --format lpr3 --sas``, which
writes only the SAS tables), so both are the same data.
Usage: python bench/ingest.py [--years 2013-2022] [--scale 1.0] [--skip-sas] [--reuse] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from pathlib import Path

from run import LAST_CPU, ROOT, RSS, WORK, fmt, machine, run_step
from sections import write_section

START, END = "<!-- ingest:start -->", "<!-- ingest:end -->"


def synth_extract(out: Path, years: str, scale: float, sas: bool) -> tuple[float, float, dict]:
    """``naersund synth --format lpr3 [--sas]`` in its own process (seed 1, as ``--reuse``
    expects of an extract written by hand); CPU seconds in LAST_CPU."""
    lo, hi = years.split("-")
    code = (
        "from pathlib import Path\n"
        "from naersund.registry.synth import generate\n"
        "#START\n"
        f"m = generate(Path({str(out)!r}), list(range({lo}, {hi} + 1)), scale={scale}, seed=1,"
        f" fmt='lpr3', sas={sas})\n"
        "import json; print(json.dumps(m['counts']))\n" + RSS
    )
    secs, gb, printed = run_step(code)
    return secs, gb, json.loads(printed.splitlines()[-1])


def read_step(src: Path) -> tuple[float, float, str]:
    """DuckDB reading every CSV file of the extract once: all columns, a trivial aggregate."""
    files = {
        "kontakter": str(src / "kontakter.csv"),
        "diagnoser": str(src / "diagnoser.csv"),
        "cpr": str(src / "CPR_PERSON.csv"),
    }
    code = (
        "import duckdb\n"
        "#START\n"
        "con = duckdb.connect()\n"
        f"files = {files!r}\n"
        "for name, f in files.items():\n"
        "    cols = [r[0] for r in con.execute('DESCRIBE SELECT * FROM read_csv($f, all_varchar = true)', {'f': f}).fetchall()]\n"
        "    agg = ', '.join(f'max(\"{c}\")' for c in cols)\n"
        "    print(name, con.execute(f'SELECT count(*), {agg} FROM read_csv($f, all_varchar = true)', {'f': f}).fetchone()[0])\n"
        + RSS
    )
    return run_step(code)


def ingest_step(src: Path, dest: Path) -> tuple[float, float, str]:
    code = (
        "from pathlib import Path\n"
        "from naersund.registry.ingest import ingest\n"
        "#START\n"
        f"r = ingest(Path({str(src)!r}), Path({str(dest)!r}), fmt='lpr3')\n"
        "print(r.tables)\n" + RSS
    )
    return run_step(code)


def size_gb(path: Path) -> float:
    """Size of a folder (its links followed: synth and ingest write a link to a version
    folder) in GB; NaN when it does not exist."""
    if not path.exists():
        return float("nan")
    root = path.resolve()
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1024**3


def remove(path: Path) -> None:
    """A folder written by synth or ingest: the link and the version folder it points to."""
    if path.is_symlink():
        target = path.resolve()
        path.unlink()
        shutil.rmtree(target, ignore_errors=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def disk(note: str, *paths: Path) -> None:
    sizes = ", ".join(f"{p.name} {fmt(size_gb(p), 2)} GB" for p in paths)
    free = shutil.disk_usage(WORK).free / 1024**3
    print(f"  {note}: {sizes}; {free:.1f} GB free", flush=True)


def extract(kind: str, args: argparse.Namespace) -> tuple[Path, float, float]:
    """The extract of ``kind`` (``csv`` or ``sas``), written unless reused: its folder, and
    the seconds and CPU seconds of writing it (NaN when reused)."""
    src = WORK / f"lpr3_{kind}"
    if args.reuse and (src / "manifest.json").exists():
        manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
        lo, hi = (int(y) for y in args.years.split("-"))
        same = (manifest["years"], manifest["seed"], manifest["scale"])
        if same != (list(range(lo, hi + 1)), 1, args.scale):
            raise SystemExit(f"{src}: written for other years, seed or scale; remove it")
        print(f"reusing {src}")
        return src, float("nan"), float("nan")
    print(f"synth --format lpr3{' --sas' if kind == 'sas' else ''} {args.years} ...", flush=True)
    secs = synth_extract(src, args.years, args.scale, kind == "sas")[0]
    cpu = LAST_CPU["seconds"]
    print(f"  synth {kind}: {secs:.1f} s, CPU {cpu:.1f} s", flush=True)
    disk("written", src)
    return src, secs, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--years", default="2013-2022", help="the national years to ingest")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--skip-sas", action="store_true")
    ap.add_argument("--reuse", action="store_true", help="reuse generated extracts if present")
    ap.add_argument(
        "--keep", action="store_true", help="keep the SAS extract and the ingests' outputs"
    )
    ap.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    kinds = ["csv"] if args.skip_sas else ["csv", "sas"]
    made: dict[str, tuple[float, float]] = {}  # kind -> seconds, CPU seconds of writing it
    sizes: dict[str, float] = {}
    counts: dict[str, int] = {}
    rows: dict[str, tuple[float, float, float]] = {}  # kind -> seconds, CPU seconds, peak GB
    for kind in kinds:
        src, secs, cpu = extract(kind, args)
        made[kind] = (secs, cpu)
        sizes[kind] = size_gb(src)
        manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
        counts[kind] = int(manifest["counts"]["contacts_total"])
        dest = WORK / f"ingested_{kind}"
        remove(dest)
        secs, gb, _ = ingest_step(src, dest)
        rows[kind] = (secs, LAST_CPU["seconds"], gb)
        print(f"  ingest {kind}: {secs:.1f} s, CPU {LAST_CPU['seconds']:.1f} s, {gb:.2f} GB")
        disk("after the ingest", src, dest)
        if kind == "csv":
            t_read, m_read, _ = read_step(src)
            c_read = LAST_CPU["seconds"]
            print(f"  DuckDB read of the CSV: {t_read:.1f} s, CPU {c_read:.1f} s")
        # measured: the output is not needed any more (room for the SAS extract)
        if not args.keep:
            remove(dest)
            if kind == "sas":
                remove(src)
            disk("freed", dest, *([src] if kind == "sas" else []))
    src = WORK / "lpr3_csv"
    t_csv, c_csv, m_csv = rows["csv"]
    n_years = int(args.years.split("-")[1]) - int(args.years.split("-")[0]) + 1
    csv_gb = sizes["csv"]

    def met(ok: bool) -> str:
        return "yes" if ok else "NO"

    lines = [
        "## Ingest of LPR3 extracts",
        "",
        f"Measured by `python bench/ingest.py --years {args.years} --scale {args.scale}` on "
        f"{time.strftime('%Y-%m-%d')}: {machine()}.",
        f"{n_years} years at scale {args.scale} ({counts['csv']:,} contacts; the CSV extract is "
        f"{csv_gb:.1f} GB), written by `naersund synth --format lpr3` (CSV) and "
        "`--format lpr3 --sas` (SAS transport v8, one file per table and year). The goal is 10 "
        "national years at scale 1.0; a smaller run says so here.",
        "Read = DuckDB reading the extract's three CSV files once (every column as text, a "
        "trivial aggregate). Ingest = `naersund ingest --format lpr3` (every row validated, "
        "contacts built, Parquet written). Each in its own process; peak = its max RSS.",
        "",
        "| goal | measured | target | met |",
        "|---|---|---|---|",
        f"| CSV ingest / DuckDB read | {t_csv / t_read:.1f} x ({t_csv:.1f} s / {t_read:.1f} s) "
        f"| <= 4 x | {met(t_csv <= 4 * t_read)} |",
        f"| the same in CPU seconds | {c_csv / c_read:.1f} x ({c_csv:.1f} s / {c_read:.1f} s) "
        f"| (<= 4 x) | {met(c_csv <= 4 * c_read)} |",
        f"| CSV ingest peak memory | {m_csv:.2f} GB | < 4 GB | {met(m_csv < 4)} |",
    ]
    if "sas" in rows:
        t_sas, c_sas, m_sas = rows["sas"]
        lines += [
            f"| SAS ingest / CSV ingest | {t_sas / t_csv:.1f} x ({t_sas:.1f} s / {t_csv:.1f} s) "
            f"| <= 2 x | {met(t_sas <= 2 * t_csv)} |",
            f"| the same in CPU seconds | {c_sas / c_csv:.1f} x ({c_sas:.1f} s / {c_csv:.1f} s) "
            f"| (<= 2 x) | {met(c_sas <= 2 * c_csv)} |",
            f"| SAS ingest peak memory | {m_sas:.2f} GB | < 4 GB | {met(m_sas < 4)} |",
        ]
    lines += [
        "",
        f"DuckDB read peak memory {m_read:.2f} GB. Writing the extracts (not timed against a "
        f"goal; – = reused): CSV {fmt(made['csv'][0])} s (CPU {fmt(made['csv'][1])} s)"
        + (
            f", SAS {fmt(made['sas'][0])} s (CPU {fmt(made['sas'][1])} s; {fmt(sizes['sas'])} GB)"
            if "sas" in made
            else ""
        )
        + ". Load average at the end (1/5/15 min): "
        + " / ".join(f"{x:.1f}" for x in os.getloadavg())
        + " (2 cores; above 2 means the steps shared the cores with other work).",
    ]
    write_section(args.out, START, END, "\n".join(lines))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
