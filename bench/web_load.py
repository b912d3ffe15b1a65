"""Load test of the dashboard: the front page, Kommuneprofil, Sammenlign kommuner and Overblik
(all 98 municipalities × all indicators) under 20 concurrent users.

Sets up a fresh data folder (SQLite app database, the shipped catalogue, one reader user and a
published synthetic release), starts `naersund serve` (waitress) in its own process, and runs
locust headless in another process against it on loopback. Two runs:

* "læsere": 20 users who each read a page and think 1-2 s before the next (the goals: p95 <
  100 ms, Overblik < 150 ms);
* "uden pause": 20 users with no pause at all, i.e. 20 requests always in flight (a stress
  figure: it shows queueing on 2 cores, not a user's experience).

Before measuring, every URL of the test is requested once (the pages are cached per release and
parameters, so the first request of a page is slower); that first-request time is reported too.
Writes its own section of BENCHMARKS.md (between markers), so `make bench` can call it after
rewriting the rest.

Usage: python bench/web_load.py [--results data/demo/results.csv] [--seconds 60] [--users 20]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from sections import write_section

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NAERSUND = str(BIN / "naersund")
USER, PASSWORD = "belastning", "belastning-test-1234"
START, END = "<!-- web-load:start -->", "<!-- web-load:end -->"
INDICATORS = [
    "forebyggelige_indlaeggelser_65",
    "genindlaeggelser_30d_65",
    "akutte_korttidsindlaeggelser",
    "faerdigbehandlingsdage",
]
KKR = ["", "1081", "1082", "1083", "1084", "1085"]
# Overblik for the whole country: as it opens, by each indicator column both ways, and
# compared with each municipality's KKR instead of Denmark
OVERBLIK = [
    "",
    "?sammenlign=kkr",
    *(f"?sort={i}&orden={o}" for i in INDICATORS for o in ("stigende", "faldende")),
]
TARGETS = {
    "Forside": 100.0,
    "Kommuneprofil": 100.0,
    "Sammenlign kommuner": 100.0,
    "Overblik": 150.0,
}
PAGES = list(TARGETS)

LOCUSTFILE = """
import random
from locust import HttpUser, task, between, constant

KOMMUNER = {kommuner!r}
INDICATORS = {indicators!r}
KKR = {kkr!r}
OVERBLIK = {overblik!r}


class Reader(HttpUser):
    wait_time = {wait}

    def on_start(self):
        # One session made before the run: logging 20 users in at once would measure the
        # password hashing (deliberately slow), not the pages.
        self.client.cookies.set("sessionid", "{session}")

    @task
    def kommuneprofil(self):
        k = random.choice(KOMMUNER)
        self.client.get(f"/indikatorer/kommune/{{k}}/", name="Kommuneprofil")

    @task
    def sammenlign(self):
        i, r = random.choice(INDICATORS), random.choice(KKR)
        self.client.get(f"/indikatorer/sammenlign/?indikator={{i}}&kkr={{r}}", name="Sammenlign kommuner")

    @task
    def overblik(self):
        self.client.get("/indikatorer/overblik/" + random.choice(OVERBLIK), name="Overblik")

    @task
    def forside(self):
        self.client.get("/", name="Forside")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(args: list[str], env: dict[str, str]) -> None:
    proc = subprocess.run(args, env=env, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")


def _results(path: Path | None, work: Path, env: dict[str, str]) -> Path:
    if path is not None and path.exists():
        return path
    out = work / "demo"
    # The results table has one row per indicator × area × year whatever the scale, so a
    # small synthetic registry gives pages of the same size as the national one.
    _run(
        [
            NAERSUND,
            "demo",
            "--out",
            str(out),
            "--years",
            "2012-2016",
            "--scale",
            "0.1",
            "--no-serve",
        ],
        env,
    )
    return out / "results.csv"


def _setup(work: Path, results: Path | None) -> tuple[dict[str, str], Path]:
    env = {
        **os.environ,
        "NAERSUND_DATA_DIR": str(work / "data"),
        "NAERSUND_DEMO": "1",
        "NAERSUND_SECURE_COOKIES": "0",
        "NAERSUND_DEBUG": "0",
    }
    env.pop("DATABASE_URL", None)
    results_file = _results(results, work, env)
    _run([NAERSUND, "web", "migrate", "-v", "0"], env)
    _run([NAERSUND, "web", "load_catalogue"], env)
    _run([NAERSUND, "publish", str(results_file)], env)
    code = (
        "from naersund.web.manage import setup; setup()\n"
        "from django.contrib.auth.models import User\n"
        "from naersund.web.accounts.models import Membership\n"
        f"u = User.objects.create_user({USER!r}, password={PASSWORD!r})\n"
        "Membership.objects.create(user=u, role='reader')\n"
    )
    _run([sys.executable, "-c", code], env)
    return env, results_file


def _wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


def _warm(base: str, kommuner: list[int]) -> tuple[dict[str, float], str]:
    """Log in and request every URL of the test once; mean first-request ms per page, and
    the session id for the load test's users."""
    import http.cookiejar
    import re

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/log-ind/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    data = urllib.parse.urlencode(
        {"username": USER, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    opener.open(urllib.request.Request(base + "/log-ind/", data=data))
    firsts: dict[str, list[float]] = {p: [] for p in PAGES}
    urls = (
        [("Forside", "/")]
        + [("Kommuneprofil", f"/indikatorer/kommune/{k}/") for k in kommuner]
        + [
            ("Sammenlign kommuner", f"/indikatorer/sammenlign/?indikator={i}&kkr={r}")
            for i in INDICATORS
            for r in KKR
        ]
        + [("Overblik", f"/indikatorer/overblik/{q}") for q in OVERBLIK]
    )
    for name, url in urls:
        t = time.perf_counter()
        with opener.open(base + url) as response:
            body = response.read()
            if response.status != 200 or (name != "Forside" and b"Udgivelse" not in body):
                raise SystemExit(f"unexpected page at {url}")
        firsts[name].append((time.perf_counter() - t) * 1000)
    session = next(c.value for c in jar if c.name == "sessionid" and c.value)
    return {k: sum(v) / len(v) for k, v in firsts.items()}, str(session)


def _locust(
    base: str,
    work: Path,
    kommuner: list[int],
    session: str,
    users: int,
    seconds: int,
    wait: str,
    tag: str,
) -> dict[str, dict[str, float]]:
    locustfile = work / f"locustfile_{tag}.py"
    locustfile.write_text(
        LOCUSTFILE.format(
            kommuner=kommuner,
            indicators=INDICATORS,
            kkr=KKR,
            overblik=OVERBLIK,
            wait=wait,
            session=session,
        ),
        encoding="utf-8",
    )
    return run_locust(base, locustfile, work / f"locust_{tag}", users, seconds, PAGES)


def run_locust(
    base: str, locustfile: Path, prefix: Path, users: int, seconds: int, pages: Sequence[str]
) -> dict[str, dict[str, float]]:
    """Run ``locustfile`` headless against ``base`` and return each of ``pages``' statistics
    (requests, failures, median, p95, p99 in ms, requests per second) from its CSV at
    ``prefix``."""
    _run(
        [
            str(BIN / "locust"), "-f", str(locustfile), "--headless", "--host", base,
            "-u", str(users), "-r", "5", "--reset-stats", "-t", f"{seconds}s", "--csv", str(prefix),
            "--only-summary", "--loglevel", "WARNING",
        ],
        {**os.environ},
    )  # fmt: skip
    out: dict[str, dict[str, float]] = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["Name"] in pages:
                out[row["Name"]] = {
                    "requests": float(row["Request Count"]),
                    "failures": float(row["Failure Count"]),
                    "median": float(row["50%"]),
                    "p95": float(row["95%"]),
                    "p99": float(row["99%"]),
                    "rps": float(row["Requests/s"]),
                }
    if len(out) != len(pages):
        raise SystemExit(
            f"locust measured nothing; see {prefix}_stats.csv:\n"
            + Path(f"{prefix}_stats.csv").read_text(encoding="utf-8")
        )
    return out


def measure(results: Path | None, users: int, seconds: int) -> dict[str, object]:
    from naersund.refdata import municipalities

    kommuner = sorted(int(k) for k in municipalities()["kommunekode"])
    with tempfile.TemporaryDirectory(prefix="naersund-web-load-") as tmp:
        work = Path(tmp)
        env, results_file = _setup(work, results)
        port = _free_port()
        server = subprocess.Popen(
            [NAERSUND, "serve", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for(base + "/log-ind/")
            first, session = _warm(base, kommuner)
            load = os.getloadavg()[0]
            readers = _locust(base, work, kommuner, session, users, seconds, "between(1, 2)", "r")
            stress = _locust(base, work, kommuner, session, users, seconds, "constant(0)", "s")
        finally:
            server.terminate()
            server.wait(timeout=30)
    import pandas as pd

    cols = ["indicator", "year"]
    if results_file.suffix == ".parquet":
        shape = pd.read_parquet(results_file, columns=cols)
    else:
        shape = pd.read_csv(results_file, usecols=cols)
    return {
        "years": shape["year"].nunique(),
        "indicators": shape["indicator"].nunique(),
        "users": users,
        "seconds": seconds,
        "results": str(results_file),
        "first_ms": first,
        "load_average": load,
        "readers": readers,
        "stress": stress,
    }


def section(m: dict[str, object]) -> str:
    readers: dict[str, dict[str, float]] = m["readers"]  # type: ignore[assignment]
    stress: dict[str, dict[str, float]] = m["stress"]  # type: ignore[assignment]
    first: dict[str, float] = m["first_ms"]  # type: ignore[assignment]
    lines = [
        "## Dashboard under load",
        "",
        f"`bench/web_load.py` on {time.strftime('%Y-%m-%d')}: `naersund serve` (waitress, 4 threads,",
        f"SQLite) with a published synthetic release ({m['years']} years, {m['indicators']} "
        "indicators, every municipality,",
        f"KKR and Denmark) and {m['users']} concurrent locust users in a second process on loopback,",
        f"{m['seconds']} s per run (users start 5 a second; statistics from when all {m['users']} run),",
        "each user logged in. Kommuneprofil: a random municipality of the 98;",
        "Sammenlign kommuner: a random indicator for a random KKR or the whole country (bars,",
        "funnel and map specs in the page); Overblik: all 98 municipalities × all indicators",
        "(as it opens, sorted by an indicator either way, or compared with the KKR); Forside:",
        "the front page (the reader's overview: latest release and headline figures).",
        "Each user picks one of the four pages at random. Every URL was requested once before measuring",
        "(pages are cached per release and parameters); the first request of a page took on",
        "average "
        + ", ".join(f"{first[p]:.0f} ms ({p})" for p in PAGES)
        + ". Load average of the machine",
        f"when the runs began: {m['load_average']:.1f} (other work shares the 2 cores).",
        "",
        "| page | users | pause between pages | requests | failures | median ms | p95 ms | p99 ms | target p95 | met |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, run in (("1-2 s (readers)", readers), ("none (stress)", stress)):
        for page in PAGES:
            s = run[page]
            goal = TARGETS[page]
            target = f"< {goal:.0f} ms" if run is readers else "–"
            met = ("yes" if s["p95"] < goal else "NO") if run is readers else "–"
            lines.append(
                f"| {page} | {m['users']} | {label} | {s['requests']:.0f} | {s['failures']:.0f} "
                f"| {s['median']:.0f} | {s['p95']:.0f} | {s['p99']:.0f} | {target} | {met} |"
            )
    lines += [
        "",
        "The stress rows keep 20 requests in flight at all times (no pause): on 2 cores the",
        "time is mostly queueing behind the other 19, so they show capacity, not what a reader",
        "waits.",
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--results", type=Path, default=ROOT / "data" / "demo" / "results.csv")
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    args = ap.parse_args()
    m = measure(args.results, args.users, args.seconds)
    print(json.dumps(m, indent=1))
    write_section(args.out, START, END, section(m))
    print(f"wrote the dashboard section of {args.out}")


if __name__ == "__main__":
    main()
