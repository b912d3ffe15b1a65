"""axe-core (WCAG 2.1 A and AA rules) over every page of the site, as each role sees it, on a
wide screen (1280 px) and a phone (390 px); on the phone no page may scroll sideways (what is
wider, a table or a chart, scrolls or shrinks inside its own box), and no page may write a
warning or an error on the browser's console (Vega's included).

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
WIDTHS = (1280, 390)
PHONE = 390
# Elements further right than the viewport that are not inside a box that scrolls on its own
# (the page's body hides what sticks out, so scrollWidth alone would not see all of it).
STICKING_OUT = """(w) => [...document.querySelectorAll('body *')]
  .filter(e => { const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > w + 1
      && !e.closest('.table--responsive-scroll, .table-scroll, .mobile-drawer'); })
  .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className ? '.' + e.className.split(' ')[0] : '')
    + ' ' + Math.round(e.getBoundingClientRect().right) + ' px')"""

# Form controls and labels in the page's content that do not wear Det Fælles Designsystem's
# classes: one design system for every form (the browser's own 13 px radio beside DKFDS's
# 24 px one, a bare select beside a styled one, were how the site looked before). A multiple
# select is a form-input (web/dkfds.py): DKFDS's form-select draws a single select's arrow.
NOT_DKFDS = """() => [...document.querySelectorAll(
    'main select:not(.form-select):not([multiple].form-input), main textarea:not(.form-input),'
    + ' main input:is([type=text], [type=search], [type=number], [type=date], [type=email],'
    + ' [type=password]):not(.form-input),'
    + ' main input[type=radio]:not(.form-radio), main input[type=checkbox]:not(.form-checkbox),'
    + ' main label:not(.form-label), main button:not(.button):not(.function-link)')]
  .filter(e => e.getClientRects().length).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (e.name ? '[name=' + e.name + ']' : ''))"""


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
    """What a crawl found: path -> axe violations of every page checked (at each width), path
    -> status of every link that did not answer 200 (0: no response at all), path -> what
    makes the page wider than a phone, the console's warnings and errors, and path -> the
    form controls without DKFDS's classes (:data:`NOT_DKFDS`; not on the API's pages)."""

    found: dict[str, list[str]] = field(default_factory=dict)
    broken: dict[str, int] = field(default_factory=dict)
    too_wide: dict[str, list[str]] = field(default_factory=dict)
    console: list[str] = field(default_factory=list)
    not_dkfds: dict[str, list[str]] = field(default_factory=dict)


def _wait_for_charts(page: Any) -> None:
    """Every chart of the page drawn (``dashboard.js`` marks each ``.drawn``)."""
    page.wait_for_function(
        "[...document.querySelectorAll('.chart-canvas')].every(e => e.classList.contains('drawn'))"
        " || document.querySelectorAll('.chart-canvas').length === 0",
        timeout=20000,
    )


def _check_widths(page: Any, crawl: Crawl, landed: str) -> list[str]:
    """axe at each width in ``WIDTHS``; at the phone's width also what sticks out."""
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(150)  # charts with width "container" redraw on resize
        _wait_for_charts(page)
        found += [f"{width} px: {v}" for v in _axe(page)]
        if width == PHONE:
            wide = page.evaluate("document.documentElement.scrollWidth")
            out = page.evaluate(STICKING_OUT, PHONE)
            if wide > PHONE or out:
                crawl.too_wide[landed] = [f"scrollWidth {wide} px", *out]
    return found


def _crawl(page: Any, site: Site, start: tuple[str, ...] = ("/", "/api/docs/")) -> Crawl:
    """Follow the links from ``start`` (the API's page for people is linked from no menu)."""
    from playwright.sync_api import Error as PlaywrightError

    seen_routes: dict[str, int] = {}
    queue = deque(start)
    visited: set[str] = set()
    crawl = Crawl()
    found = crawl.found

    def console(message: Any) -> None:
        if message.type in ("warning", "error"):
            crawl.console.append(f"{page.url}: {message.type}: {message.text[:300]}")

    page.on("console", console)
    page.on("pageerror", lambda exc: crawl.console.append(f"{page.url}: {exc}"))
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
        found[landed] = _check_widths(page, crawl, landed)
        if not here.path.startswith("/api/"):
            bare = page.evaluate(NOT_DKFDS)
            if bare:
                crawl.not_dkfds[landed] = bare
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
    assert violations == {}, f"{len(found)} pages checked at {WIDTHS} px"
    assert crawl.too_wide == {}, f"pages wider than {PHONE} px for {role}"
    assert crawl.console == [], f"console warnings or errors for {role}"
    assert crawl.not_dkfds == {}, f"form controls without DKFDS's classes for {role}"


def test_the_login_page_has_no_axe_violations(browser: Any, site: Site) -> None:
    page = browser.new_context(locale="da-DK").new_page()
    page.goto(site.url + "/log-ind/")
    crawl = Crawl()
    assert _check_widths(page, crawl, "/log-ind/") == []
    assert crawl.too_wide == {}


# --- the crawl itself, on a tiny site of three pages -----------------------------------------

TINY = {
    "/": b'<a href="/ok/">ok</a> <a href="/fejl/">fejl</a> <a href="/forbudt/">forbudt</a>'
    b' <a href="/bred/">bred</a>',
    # a select without DKFDS's class, and one with it
    "/ok/": b'<a href="/">forsiden</a> <select id="bar"></select> <select class="form-select">'
    b"</select>",
    # 600 px wide on a 390 px phone, and a console warning (the site's CSP would refuse inline
    # script; this little server sends none)
    "/bred/": b'<p>bred</p><div id="bred">' + b"x" * 10 + b"</div>"
    b"<script>document.getElementById('bred').setAttribute('class', 'bred');"
    b"console.warn('advarsel')</script>",
}
TINY_STATUS = {"/fejl/": 500, "/forbudt/": 403}


class _TinyHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status = TINY_STATUS.get(self.path, 200 if self.path in TINY else 404)
        body = TINY.get(self.path, b"Der skete en fejl")
        html = (
            b'<!doctype html><html lang="da"><head><title>t</title>'
            b"<style>.bred { width: 600px; }</style></head><body><main>"
        )
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
    assert sorted(crawl.found) == ["/", "/bred/", "/ok/"]
    assert list(crawl.too_wide) == ["/bred/"]
    assert crawl.too_wide["/bred/"][0] == "scrollWidth 608 px"  # 600 px and the body's 8 px margin
    # besides the broken pages' own "Failed to load resource" errors (and the tiny site's
    # missing favicon), the page's warning
    assert "warning: advarsel" in [c.split(": ", 1)[1] for c in crawl.console]
    # the select without DKFDS's class, and nothing else
    assert crawl.not_dkfds == {"/ok/": ["select#bar"]}
