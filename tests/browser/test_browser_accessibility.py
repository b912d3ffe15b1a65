"""axe-core (WCAG 2.1 A and AA rules) over every page of the site, as each role sees it.

The pages are found by following the links of the site from its front page (same origin;
not the API, the Django admin, logging out or downloads), at most ``PER_ROUTE`` pages of each
URL pattern (one page per template, so the 98 municipalities do not make 98 checks)."""

from __future__ import annotations

from collections import deque
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from browser_site import Site, log_in
from django.urls import Resolver404, resolve

ROLES = ["admin", "kkr-hovedstaden", "albertslund", "aalborg", "laeser"]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PER_ROUTE = 1
SKIP_PREFIXES = ("/api/", "/admin/", "/log-ud/", "/static/")
SKIP_SUFFIXES = (".csv", ".xlsx", ".pdf", ".svg", ".json", ".png")
MAX_PAGES = 80


def _axe(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:3])
        for v in results.response["violations"]
    ]


def _route(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def _crawl(page: Any, site: Site) -> dict[str, list[str]]:
    """path -> violations, for every page reached from the front page."""
    from playwright.sync_api import Error as PlaywrightError

    seen_routes: dict[str, int] = {}
    queue = deque(["/", "/api/docs/"])  # the API's page for people is linked from no menu
    visited: set[str] = set()
    found: dict[str, list[str]] = {}
    while queue and len(found) < MAX_PAGES:
        path = queue.popleft()
        if path in visited:
            continue
        visited.add(path)
        try:
            response = page.goto(site.url + path)
        except PlaywrightError as exc:  # a download (CSV, XLSX) behind a link: not a page
            if "Download is starting" in str(exc):
                continue
            raise
        if response is None or response.status != 200:
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        here = urlsplit(page.url)
        landed = here.path + (f"?{here.query}" if here.query else "")
        route = _route(here.path) or here.path
        if seen_routes.get(route, 0) >= PER_ROUTE or landed in found:
            continue
        seen_routes[route] = seen_routes.get(route, 0) + 1
        found[landed] = _axe(page)
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            href = urldefrag(href).url
            parts = urlsplit(href)
            if f"{parts.scheme}://{parts.netloc}" != site.url:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.path.startswith(SKIP_PREFIXES) or parts.path.endswith(SKIP_SUFFIXES):
                continue
            if target not in visited:
                queue.append(target)
    return found


@pytest.mark.parametrize("role", ROLES)
def test_every_page_has_no_axe_violations(browser: Any, site: Site, role: str) -> None:
    page = log_in(browser, site, role)
    found = _crawl(page, site)
    assert len(found) >= 3, f"the crawl found too few pages: {sorted(found)}"
    violations = {path: v for path, v in found.items() if v}
    assert violations == {}, f"{len(found)} pages checked"


def test_the_login_page_has_no_axe_violations(browser: Any, site: Site) -> None:
    page = browser.new_context(locale="da-DK").new_page()
    page.goto(site.url + "/log-ind/")
    assert _axe(page) == []
