"""In Chromium (Playwright, headless): a municipality editor answers and submits; the KKR
secretary then sees the answer in the Bilag 1 table; another municipality's editor cannot open
it. The results pages pass axe-core (WCAG 2.1 AA).

The site runs as a user runs it (``naersund serve``) on its own SQLite database in a temporary
folder, set up with the real commands, so nothing here shares the test database."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "naersund-demo"  # create_demo_users' public demo password
SLUG = "browser-runde"
HJEMME = "status.hovedstaden_opfoelgende_hjemmebesoeg"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("site")
    env = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    env |= {"NAERSUND_DEMO": "1", "NAERSUND_DATA_DIR": str(data)}
    today = dt.date.today()

    # one process for the set-up (each start of Django costs seconds on a busy machine)
    setup = f"""
from naersund.web.manage import setup
setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("load_catalogue")
call_command("create_demo_users")
call_command(
    "create_round", "{SLUG}", "Opfølgning (browsertest)", year={today.year},
    opens="{today - dt.timedelta(days=1)}", closes="{today + dt.timedelta(days=1)}",
)
"""
    subprocess.run(
        [sys.executable, "-c", setup], env=env, check=True, capture_output=True, timeout=300
    )
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "naersund.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(base + "/log-ind/", timeout=2):
                    break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("naersund serve did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


CSP_VIOLATIONS: list[str] = []


@pytest.fixture(autouse=True)
def no_csp_violations() -> Iterator[None]:
    """The site's Content-Security-Policy refused nothing on the pages the test opened
    (chromium reports each refusal on the console)."""
    CSP_VIOLATIONS.clear()
    yield
    assert CSP_VIOLATIONS == []


def _login(browser: Any, base: str, username: str) -> Any:
    page = browser.new_page()
    page.on(
        "console",
        lambda m: CSP_VIOLATIONS.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(base + "/log-ind/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    return page


def _axe_violations(page: Any) -> list[tuple[str, int]]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [(v["id"], len(v["nodes"])) for v in result.response["violations"]]


def _bilag1_cell(page: Any, municipality: str, column: str) -> str:
    return str(
        page.evaluate(
            """([who, col]) => {
                for (const table of document.querySelectorAll('table.bilag')) {
                  const heads = [...table.querySelectorAll('thead th')].map(th => th.innerText.trim());
                  const i = heads.indexOf(col);
                  if (i < 0) continue;
                  for (const tr of table.querySelectorAll('tbody tr')) {
                    if (tr.querySelector('th').innerText.trim() === who) return tr.children[i].innerText;
                  }
                }
                return null;
            }""",
            [municipality, column],
        )
    )


def test_an_editors_submitted_answer_reaches_the_kkr_secretarys_bilag_1(
    site: str, browser: Any
) -> None:
    editor = _login(browser, site, "albertslund")
    editor.goto(f"{site}/status/{SLUG}/kommune/165/")
    for radio in editor.locator("input[type=radio][name^='status.'][value=planlagt]").all():
        radio.check()
    editor.check(f"input[name='{HJEMME}'][value=implementeret]")
    editor.fill("#tilbagemelding", "Vi indfører opfølgende hjemmebesøg i hele kommunen.")
    editor.click("button[value=indsend]")
    editor.wait_for_load_state()
    assert "Indsendt" in editor.inner_text("main")
    editor.close()

    secretary = _login(browser, site, "kkr-hovedstaden")
    response = secretary.goto(f"{site}/status/{SLUG}/bilag1/1084/")
    assert response is not None and response.status == 200
    cell = _bilag1_cell(secretary, "Albertslund", "Opfølgende hjemmebesøg")
    assert "Impl." in cell and "Implementeret" in cell
    assert "Ikke indsendt" in _bilag1_cell(secretary, "Ballerup", "Opfølgende hjemmebesøg")
    assert "Vi indfører opfølgende hjemmebesøg i hele kommunen." in secretary.inner_text("main")
    assert _axe_violations(secretary) == []
    secretary.goto(f"{site}/status/{SLUG}/resultater/?kkr=1084")
    assert "1 ud af 1 kommune i KKR Hovedstaden har indført opfølgende hjemmebesøg." in (
        secretary.inner_text("main")
    )
    assert _axe_violations(secretary) == []
    secretary.goto(f"{site}/status/{SLUG}/piloter/1084/")
    assert _axe_violations(secretary) == []
    secretary.close()

    other = _login(browser, site, "aalborg")
    response = other.goto(f"{site}/status/{SLUG}/bilag1/1084/")
    assert response is not None and response.status == 403
    assert "Albertslund" not in other.content()
    response = other.goto(f"{site}/status/{SLUG}/resultater/")
    assert response is not None and response.status == 200  # the aggregated results are open
    assert "Bilag 1" not in other.inner_text("main")
    other.close()
