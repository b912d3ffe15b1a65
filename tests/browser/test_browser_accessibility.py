"""axe-core (WCAG 2.1 A and AA rules) over every page of the site, as each role sees it.

The pages are found by following the links of the site from its front page (same origin;
not the API, the Django admin, logging out or downloads), at most ``PER_ROUTE`` pages of each
URL pattern (one page per template, so the 98 municipalities do not make 98 checks). A link
that does not answer 200 (after redirects) fails the test: a page that errors for a role, or
a link to a page the role may not see, is a fault, not a page to leave out."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


@dataclass
class Crawl:
    """What a crawl found: path -> axe violations of every page checked, and path -> status of
    every link that did not answer 200 (0: no response at all)."""

    found: dict[str, list[str]] = field(default_factory=dict)
    broken: dict[str, int] = field(default_factory=dict)


def _crawl(page: Any, site: Site, start: tuple[str, ...] = ("/", "/api/docs/")) -> Crawl:
    """Follow the links from ``start`` (the API's page for people is linked from no menu)."""
    from playwright.sync_api import Error as PlaywrightError

    seen_routes: dict[str, int] = {}
    queue = deque(start)
    visited: set[str] = set()
    crawl = Crawl()
    found = crawl.found
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
            crawl.broken[path] = 0 if response is None else response.status
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
    return crawl


@pytest.mark.parametrize("role", ROLES)
def test_every_page_has_no_axe_violations(browser: Any, site: Site, role: str) -> None:
    page = log_in(browser, site, role)
    crawl = _crawl(page, site)
    assert crawl.broken == {}, f"links that did not answer 200 for {role}"
    found = crawl.found
    assert len(found) >= 3, f"the crawl found too few pages: {sorted(found)}"
    violations = {path: v for path, v in found.items() if v}
    assert violations == {}, f"{len(found)} pages checked"


def test_the_login_page_has_no_axe_violations(browser: Any, site: Site) -> None:
    page = browser.new_context(locale="da-DK").new_page()
    page.goto(site.url + "/log-ind/")
    assert _axe(page) == []


# --- the crawl itself, on a tiny site of three pages -----------------------------------------

TINY = {
    "/": b'<a href="/ok/">ok</a> <a href="/fejl/">fejl</a> <a href="/forbudt/">forbudt</a>',
    "/ok/": b'<a href="/">forsiden</a>',
}
TINY_STATUS = {"/fejl/": 500, "/forbudt/": 403}


class _TinyHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status = TINY_STATUS.get(self.path, 200 if self.path in TINY else 404)
        body = TINY.get(self.path, b"Der skete en fejl")
        html = b'<!doctype html><html lang="da"><head><title>t</title></head><body><main>'
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(html + body + b"</main></body></html>")

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


@pytest.fixture
def tiny_site() -> Iterator[Site]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TinyHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Site(url=f"http://127.0.0.1:{server.server_address[1]}", password="", open_round="")
    server.shutdown()
    server.server_close()


def test_the_crawl_reports_links_that_do_not_answer_200(browser: Any, tiny_site: Site) -> None:
    page = browser.new_context(locale="da-DK").new_page()
    crawl = _crawl(page, tiny_site, start=("/",))
    assert crawl.broken == {"/fejl/": 500, "/forbudt/": 403}
    assert sorted(crawl.found) == ["/", "/ok/"]
