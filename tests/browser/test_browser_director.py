"""The director persona in chromium: opens their Kommuneprofil from the front page, reads an
indicator's headline value, interval and verdict, orders the director pack for the
municipality on Rapporter, waits for the job, downloads the PDF and finds the same numbers in
it; then opens the indicator's breakdowns (Opdeling) from the profile row. axe-core finds no
WCAG 2.1 A/AA violation on the profile and the breakdown page, nothing scrolls sideways at
1280 and 390 px. Screenshots go to ``NAERSUND_SHOTS`` when set (else the test's folder)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from browser_site import Site, at_both_widths, log_in
from pypdf import PdfReader
from test_browser_dashboard import _violations

ALBERTSLUND = 165
VERDICTS = ("Bedre end landet", "Som landet", "Dårligere end landet")


def _headline(page: Any) -> tuple[str, str, str, str, str]:
    """The first indicator row of the profile with a shown, compared value: its id, name,
    value, interval and verdict as the page shows them."""
    for row in page.locator("main table.data tbody tr").all():
        verdict = " ".join(row.locator(".cmp").first.inner_text().split()[1:])
        cell = row.locator("td.num").first.inner_text()
        if verdict not in VERDICTS or "Skjult" in cell:
            continue
        value, interval = cell.split()[:2]
        link = row.locator("a.indicator-name").first
        ind = (link.get_attribute("href") or "").rstrip("/").split("/")[-1]
        return ind, link.inner_text(), value, interval, verdict
    raise AssertionError("no compared value on Albertslund's profile")


@pytest.mark.slow
def test_the_director_finds_the_profiles_numbers_in_the_director_pack(
    browser: Any, site: Site, shots: Path
) -> None:
    page = log_in(browser, site, "albertslund")
    page.get_by_role("link", name=re.compile(r"^Kommuneprofil for Albertslund")).click()
    page.wait_for_load_state()
    assert f"/indikatorer/kommune/{ALBERTSLUND}/" in page.url
    year = page.get_by_label("År").input_value()
    ind, name, value, interval, verdict = _headline(page)
    lower, upper = interval.split("–")

    page.goto(site.url + "/rapporter/")
    page.get_by_label("Område").select_option(f"kommune-{ALBERTSLUND}")
    page.get_by_label("Direktørniveau").check()
    page.get_by_label("År").select_option(year)
    page.get_by_role("button", name="Bestil rapport").click()
    page.wait_for_load_state()
    assert "/rapporter/job/" in page.url
    page.wait_for_selector("#job-download:not([hidden])", timeout=600_000)
    with page.expect_download() as info:
        page.get_by_role("link", name="Hent rapporten").click()
    pdf = PdfReader(info.value.path())
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert name in text
    assert value in text and lower in text and upper in text, (value, interval)
    assert verdict in text

    # the indicator's breakdowns, from the profile row
    page.goto(f"{site.url}/indikatorer/kommune/{ALBERTSLUND}/")
    row = page.locator("main table.data tbody tr").filter(has=page.locator(f'a[href$="/{ind}/"]'))
    row.get_by_role("link", name="Opdeling").click()
    page.wait_for_load_state()
    assert f"/opdeling/{ind}/" in page.url
    main = page.locator("main")
    assert "Efter aldersgruppe" in main.inner_text() and "Efter køn" in main.inner_text()
    assert page.locator(".chart-canvas svg, .chart-canvas canvas").count() >= 2
    at_both_widths(page, shots, "opdeling", _violations, full_page=True)
    page.context.close()
