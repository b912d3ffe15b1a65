"""What the browser tests share besides fixtures: the site they run against and logging in
(a module of its own, so that test modules need not import a conftest)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# What the browser reported as refused by the site's Content-Security-Policy since the list
# was last cleared (conftest's autouse fixture clears it before and checks it after each test).
CSP_VIOLATIONS: list[str] = []


def watch_csp(page: Any) -> Any:
    """Records the page's Content-Security-Policy violations (chromium reports each on the
    console: "Refused to execute inline script because it violates ...", and a refused eval
    as an error) in ``CSP_VIOLATIONS``."""

    def console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            CSP_VIOLATIONS.append(f"{page.url}: {message.text}")

    def error(exc: Any) -> None:
        if "Content Security Policy" in str(exc) or "unsafe-eval" in str(exc):
            CSP_VIOLATIONS.append(f"{page.url}: {exc}")

    page.on("console", console)
    page.on("pageerror", error)
    return page


@dataclass
class Site:
    url: str
    password: str
    open_round: str


def log_in(browser: Any, site: Site, username: str) -> Any:
    """A new page in a fresh context, logged in through the login form."""
    context = browser.new_context(locale="da-DK")
    page = watch_csp(context.new_page())
    page.goto(site.url + "/log-ind/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(site.password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()
    assert "/log-ind/" not in page.url, f"{username} could not log in"
    return page


def site_env(data: Path) -> dict[str, str]:
    """The environment of the site whose data directory is ``data``: this one's without any
    NAERSUND_ or DATABASE_ setting, then Django's production settings in demo mode."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NAERSUND_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="naersund.web.settings",
        NAERSUND_DATA_DIR=str(data),
        NAERSUND_DEMO="1",
    )
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(env: dict[str, str], log: Path) -> Iterator[str]:
    """``naersund serve`` on a free port with ``env`` (its output in ``log``) until the block
    ends; yields its URL once the login page answers."""
    port = free_port()
    with open(log, "w", encoding="utf-8") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "naersund.cli", "serve", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/log-ind/", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    server.wait()
                    text = log.read_text(encoding="utf-8")
                    raise RuntimeError(f"naersund serve did not start:\n{text}") from None
                time.sleep(0.2)
        try:
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


# nothing in the page's main column sticks out to the right (a wide table scrolls in its own box)
OVERFLOW = """() => Math.max(0, ...[...document.querySelectorAll("main *")]
    .filter(e => !e.closest(".table--responsive-scroll, .table-scroll") && e.getClientRects().length)
    .map(e => e.getBoundingClientRect().right - window.innerWidth))"""


def at_both_widths(
    page: Any,
    folder: Path,
    name: str,
    violations: Callable[[Any], list[str]] | None = None,
    full_page: bool = False,
) -> None:
    """At 1280 and 390 px: nothing of ``main`` is wider than the window, ``violations`` (axe's,
    when given) finds none, and a screenshot ``<name>-<width>.png`` goes to ``folder``."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate(OVERFLOW)
        assert overflow <= 1, f"{name} is {overflow} px too wide at {width} px"
        if violations is not None:
            assert violations(page) == [], f"{name} at {width} px"
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=full_page)
    page.set_viewport_size({"width": 1280, "height": 900})
