"""In the browser: a list in pages (DKFDS's pagination component) and the public result pages
(``NAERSUND_PUBLIC_RESULTS=1``) pass axe (WCAG 2.1 A/AA) at 1280 and 390 px, do not scroll
sideways on a phone and write nothing on the console.

The paginated list is a user's report jobs (a user of its own with 32 failed jobs, made in
the browser site's database, so no other test sees them). The public pages are served by a
second server on the same database with the setting on, and crawled as an anonymous visitor."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from browser_site import Site, log_in, served, site_env, watch_csp
from test_browser_accessibility import Crawl, _check_widths, _crawl

USER = "sidetest"
N_JOBS = 32
MAKE_JOBS = f"""
from django.contrib.auth.models import User
from naersund.web.accounts.models import Membership
from naersund.web.accounts.management.commands.create_demo_users import DEMO_PASSWORD
from naersund.web.reportjobs.models import ReportJob
user = User.objects.create_user({USER!r}, password=DEMO_PASSWORD)
Membership.objects.create(user=user, role="reader", is_demo=True)
for i in range({N_JOBS}):
    ReportJob.objects.create(user=user, level="politisk", area_level="kommune", area_code=165,
        year=2014, fmt="pdf", title=f"Prøverapport {{i:02d}}", status="fejlet",
        error="Prøvefejl")
"""


def _site_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The browser site's environment (its data directory is the session's ``site*``)."""
    data = next(
        p
        for p in sorted(tmp_path_factory.getbasetemp().glob("site*"))
        if (p / "naersund.sqlite3").exists()
    )
    return site_env(data)


@pytest.fixture(scope="module")
def jobs_user(site: Site, tmp_path_factory: pytest.TempPathFactory) -> str:
    env = _site_env(tmp_path_factory)
    proc = subprocess.run(
        [sys.executable, "-m", "naersund.cli", "web", "shell", "-c", MAKE_JOBS],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return USER


@pytest.fixture(scope="module")
def public_site(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The same database served with ``NAERSUND_PUBLIC_RESULTS=1``."""
    env = _site_env(tmp_path_factory) | {"NAERSUND_PUBLIC_RESULTS": "1"}
    with served(env, tmp_path_factory.mktemp("public") / "serve.log") as url:
        yield Site(url=url, password=site.password, open_round=site.open_round)


def _titles(page: Any) -> list[str]:
    return list(page.locator("table.report-jobs tbody th a").all_inner_texts())


def test_a_list_in_pages_passes_axe_and_page_two_shows_the_rest(
    browser: Any, site: Site, jobs_user: str
) -> None:
    page = log_in(browser, site, jobs_user)
    page.goto(site.url + "/rapporter/")
    crawl = Crawl()
    assert _check_widths(page, crawl, "/rapporter/") == []
    assert crawl.too_wide == {}
    first = _titles(page)
    assert len(first) == 25
    # on a phone: "Side 1 af 2" and the arrows; on a wide screen: the page numbers
    page.set_viewport_size({"width": 390, "height": 900})
    nav = page.get_by_role("navigation", name="Sider i listen over dine rapporter")
    assert nav.get_by_text("Side 1 af 2").is_visible()
    nav.get_by_role("link", name="Næste side").click()
    page.wait_for_load_state()
    second = _titles(page)
    assert len(second) == N_JOBS - 25 and not set(first) & set(second)
    assert _check_widths(page, crawl, "/rapporter/?side=2") == []
    page.set_viewport_size({"width": 1280, "height": 900})
    nav.get_by_role("link", name="Side 1", exact=True).click()
    page.wait_for_load_state()
    assert _titles(page) == first


def test_the_public_pages_pass_axe_for_an_anonymous_visitor(
    browser: Any, public_site: Site
) -> None:
    page = watch_csp(browser.new_context(locale="da-DK").new_page())
    crawl = _crawl(page, public_site, start=("/",))
    assert crawl.broken == {}
    found = crawl.found
    assert {"/", "/indikatorer/", "/indikatorer/overblik/", "/status/"} <= set(found)
    assert {p: v for p, v in found.items() if v} == {}, f"{len(found)} pages checked"
    assert crawl.too_wide == {}
    assert crawl.console == []
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(public_site.url + "/")
    assert page.locator(".additional-info").get_by_role("link", name="Log ind").is_visible()
    assert "Resultater for Det Nære Sundhedsvæsen" in page.inner_text("h1")
