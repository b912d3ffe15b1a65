"""What the browser tests share besides fixtures: the site they run against and logging in
(a module of its own, so that test modules need not import a conftest)."""

from __future__ import annotations

from dataclasses import dataclass
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
