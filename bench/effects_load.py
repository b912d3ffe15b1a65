"""Load test of "Virker indsatserne?" from stored estimates: 20 users reading the list and the
pages of single initiative x indicator pairs (issue 12: p95 < 200 ms at 20 users, estimates
computed at publish time, not per request).

Uses a copy of a demo data folder (``naersund demo --no-serve``: demo users, the demo's status
rounds with start years agreeing with the planted effects, a published release whose effects
``naersund publish`` estimated and stored), so the demo itself is not written to. Starts
`naersund serve` (waitress) on the copy, checks that the estimates are stored, requests every
URL of the test once (reporting the first-request time: a fresh server reads the stored rows,
it does not estimate), then runs locust headless with 20 users who think 1-2 s between pages.
The server machinery is :mod:`web_load`'s (free port, waiting, running a command).
Writes its own section of BENCHMARKS.md.

Usage: python bench/effects_load.py [--data-dir /tmp/demo] [--users 20] [--seconds 60]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from sections import write_section
from web_load import NAERSUND, ROOT, _free_port, _run, _wait_for, run_locust

START, END = "<!-- effects-load:start -->", "<!-- effects-load:end -->"
USER, PASSWORD = "effektbelastning", "effektbelastning-test-1234"
PAGES = ("Effektliste", "Effektside")

LOCUSTFILE = """
import random
from locust import HttpUser, task, between

PAIRS = {pairs!r}


class Reader(HttpUser):
    wait_time = between(1, 2)

    def on_start(self):
        self.client.cookies.set("sessionid", "{session}")

    @task
    def effektliste(self):
        self.client.get("/indikatorer/effekter/?sort=" + random.choice(["effekt", "indsats"]),
                        name="Effektliste")

    @task(3)
    def effektside(self):
        i, k = random.choice(PAIRS)
        self.client.get(f"/indikatorer/effekter/{{i}}/{{k}}/", name="Effektside")
"""

STORED = """
from naersund.web.manage import setup; setup()
from django.contrib.auth.models import User
from naersund.web.accounts.models import Membership
from naersund.web.dashboard.models import EffectEstimate, EffectSet, Release
u = User.objects.create_user({user!r}, password={password!r})
Membership.objects.create(user=u, role="reader")
release = Release.objects.get(is_current=True)
sets = EffectSet.objects.filter(release=release)
rows = EffectEstimate.objects.filter(effect_set__in=sets).order_by("position")
print(json.dumps({{
    "sets": sets.count(),
    "round": sets.first().round.slug if sets else None,
    "computed_at": [str(s.computed_at) for s in sets],
    "seconds": [s.seconds for s in sets],
    "pairs": [[r.initiative, r.indicator] for r in rows],
    "with_estimate": sum(1 for r in rows if not r.note),
}}))
"""


def _python(code: str, env: dict[str, str]) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", "import json\n" + code], env=env, capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return proc.stdout.strip().splitlines()[-1]


def _setup(data_dir: Path, work: Path) -> tuple[dict[str, str], dict[str, object]]:
    env = {
        **os.environ,
        "NAERSUND_DATA_DIR": str(work / "data"),
        "NAERSUND_DEMO": "1",
        "NAERSUND_SECURE_COOKIES": "0",
        "NAERSUND_DEBUG": "0",
    }
    env.pop("DATABASE_URL", None)
    database = data_dir / "naersund.sqlite3"
    if not database.exists():
        _run([NAERSUND, "demo", "--out", str(data_dir), "--scale", "0.05", "--no-serve"],
             {**env, "NAERSUND_DATA_DIR": str(data_dir)})  # fmt: skip
    (work / "data").mkdir()
    shutil.copy(database, work / "data" / "naersund.sqlite3")
    stored = json.loads(_python(STORED.format(user=USER, password=PASSWORD), env))
    if not stored["sets"]:
        raise SystemExit("the demo's release has no stored effects: publish it again")
    manifest = data_dir / "registry" / "manifest.json"
    stored["scale"] = json.loads(manifest.read_text())["scale"] if manifest.exists() else "?"
    return env, stored


def _login(base: str) -> tuple[urllib.request.OpenerDirector, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/log-ind/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    data = urllib.parse.urlencode(
        {"username": USER, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    opener.open(urllib.request.Request(base + "/log-ind/", data=data))
    session = next(c.value for c in jar if c.name == "sessionid" and c.value)
    return opener, str(session)


def _warm(base: str, pairs: list[list[str]]) -> tuple[dict[str, float], str]:
    opener, session = _login(base)
    firsts: dict[str, list[float]] = {p: [] for p in PAGES}
    urls = [("Effektliste", "/indikatorer/effekter/")] + [
        ("Effektside", f"/indikatorer/effekter/{i}/{k}/") for i, k in pairs
    ]
    for name, url in urls:
        t = time.perf_counter()
        with opener.open(base + url) as response:
            body = response.read()
            if response.status != 200 or "Startår fra statusrunden".encode() not in body:
                raise SystemExit(f"unexpected page at {url}")
        firsts[name].append((time.perf_counter() - t) * 1000)
    return {k: max(v) for k, v in firsts.items()}, session


def _locust(base: str, work: Path, pairs: list[list[str]], session: str, users: int,
            seconds: int) -> dict[str, dict[str, float]]:  # fmt: skip
    locustfile = work / "locustfile_effects.py"
    locustfile.write_text(LOCUSTFILE.format(pairs=pairs, session=session), encoding="utf-8")
    return run_locust(base, locustfile, work / "locust_effects", users, seconds, PAGES)


def measure(data_dir: Path, users: int, seconds: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="naersund-effects-load-") as tmp:
        work = Path(tmp)
        env, stored = _setup(data_dir, work)
        pairs: list[list[str]] = stored["pairs"]  # type: ignore[assignment]
        port = _free_port()
        server = subprocess.Popen(
            [NAERSUND, "serve", "--port", str(port)], env=env, cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for(base + "/log-ind/", 180)  # a loaded machine starts slowly
            first, session = _warm(base, pairs)
            load = os.getloadavg()[0]
            run = _locust(base, work, pairs, session, users, seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)
        after = json.loads(_python(STORED.format(user=USER + "2", password=PASSWORD), env))
    if after["computed_at"] != stored["computed_at"]:
        raise SystemExit("the estimates were computed again during the run")
    return {"users": users, "seconds": seconds, "stored": stored, "first_ms": first,
            "load_average": load, "run": run}  # fmt: skip


def section(m: dict[str, object]) -> str:
    run: dict[str, dict[str, float]] = m["run"]  # type: ignore[assignment]
    first: dict[str, float] = m["first_ms"]  # type: ignore[assignment]
    stored: dict[str, object] = m["stored"]  # type: ignore[assignment]
    pairs: list[object] = stored["pairs"]  # type: ignore[assignment]
    seconds: list[float] = stored["seconds"]  # type: ignore[assignment]
    lines = [
        "## Virker indsatserne? under load (`python bench/effects_load.py`)",
        "",
        f"Measured on {time.strftime('%Y-%m-%d')}: `naersund serve` (waitress, SQLite) on a copy "
        f"of the demo (`naersund demo --scale {stored['scale']}`), whose publish estimated and stored all "
        f"{len(pairs)} initiative x indicator pairs ({stored['with_estimate']} with an "
        f"estimate; {seconds[0]:.0f} s at publish time) for round `{stored['round']}`. "
        f"{m['users']} locust users, logged in, 1-2 s between pages, {m['seconds']} s: the list "
        "(sorted by effect or initiative) and, three times as often, the page of a random pair "
        "with its event-study chart. A fresh server reads the stored rows: the first request of "
        f"the list took {first['Effektliste']:.0f} ms, the slowest first request of a pair "
        f"{first['Effektside']:.0f} ms; nothing was estimated during the run (the set's "
        f"computation time is unchanged). Load average when the run began: "
        f"{m['load_average']:.1f} on {os.cpu_count()} cores shared with other work.",
        "",
        "| page | users | requests | failures | median ms | p95 ms | p99 ms | target p95 | met |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for page in PAGES:
        s = run[page]
        lines.append(
            f"| {page} | {m['users']} | {s['requests']:.0f} | {s['failures']:.0f} | "
            f"{s['median']:.0f} | {s['p95']:.0f} | {s['p99']:.0f} | < 200 ms | "
            f"{'yes' if s['p95'] < 200 else 'NO'} |"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--data-dir", type=Path, default=ROOT / "data" / "demo")
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    args = ap.parse_args()
    m = measure(args.data_dir, args.users, args.seconds)
    print(json.dumps(m, indent=1))
    write_section(args.out, START, END, section(m))
    print(f"wrote the effects load section of {args.out}")


if __name__ == "__main__":
    main()
