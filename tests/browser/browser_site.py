"""What the browser tests share besides fixtures: the site they run against and logging in
(a module of its own, so that test modules need not import a conftest)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Site:
    url: str
    password: str
    open_round: str


def log_in(browser: Any, site: Site, username: str) -> Any:
    """A new page in a fresh context, logged in through the login form."""
    context = browser.new_context(locale="da-DK")
    page = context.new_page()
    page.goto(site.url + "/log-ind/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(site.password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()
    assert "/log-ind/" not in page.url, f"{username} could not log in"
    return page
