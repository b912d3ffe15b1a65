"""Browser tests: Playwright (sync API) drives Debian's chromium, headless, against the real
server (``naersund serve``, waitress) on a free port, with the database ``naersund demo
--no-serve`` makes (catalogue, demo users, demo answers, published results of a small
synthetic registry) plus one open round.

Marked ``browser`` (select with ``-m browser``, leave out with ``-m 'not browser'``). Without
chromium or Playwright they skip with the reason; in CI (``NAERSUND_REQUIRE_BROWSER=1``,
set by ``.ci/run``, which installs chromium with ``scripts/ensure-chromium``) they fail.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_site import CSP_VIOLATIONS, Site, log_in, served, site_env

from require import require_or_skip

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("NAERSUND_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OPEN_ROUND = "browsertest"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: runs in headless chromium against a live server (tests/browser)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def no_csp_violations() -> Iterator[None]:
    """Every browser test: the site's Content-Security-Policy refused nothing on any page
    (an inline script or style, an eval) that the test opened through ``log_in``."""
    CSP_VIOLATIONS.clear()
    yield
    assert CSP_VIOLATIONS == []


# Module scope: Playwright's sync API runs an asyncio loop in this thread while it is open,
# and Django refuses database work inside one, so the web tests a worker runs after these
# must find it closed.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        require_or_skip(
            "BROWSER", f"no chromium at {CHROMIUM} (scripts/ensure-chromium installs it)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_or_skip("BROWSER", "Playwright is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _run(env: dict[str, str], *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "naersund.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,  # demo takes about a minute, much longer on a busy shared machine
    )
    assert proc.returncode == 0, f"naersund {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The site with demo users and answers and an open round, served by ``naersund serve``."""
    from naersund.web.accounts.management.commands.create_demo_users import DEMO_PASSWORD

    data = tmp_path_factory.mktemp("site")
    env = site_env(data)
    # make demo's own path at a small scale: catalogue, demo users, demo answers, results
    _run(env, "demo", "--out", str(data), "--scale", "0.05", "--years", "2013-2014", "--no-serve")
    today = dt.date.today()
    _run(
        env,
        "web",
        "create_round",
        OPEN_ROUND,
        "Opfølgning (browsertest)",
        "--year",
        str(today.year),
        "--opens",
        str(today - dt.timedelta(days=1)),
        "--closes",
        str(today + dt.timedelta(days=30)),
    )
    with served(env, tmp_path_factory.mktemp("serve") / "serve.log") as url:
        yield Site(url=url, password=DEMO_PASSWORD, open_round=OPEN_ROUND)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where a test's screenshots go: ``NAERSUND_SHOTS`` when set (e.g.
    ``NAERSUND_SHOTS=/tmp/shots-questionnaire``), otherwise the test's temporary folder."""
    folder = Path(os.environ.get("NAERSUND_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


__all__ = ["Site", "log_in"]  # also importable from here (older test modules do)
