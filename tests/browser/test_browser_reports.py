"""The KKR analyst's task in chromium: open Overblik for their KKR, then order the KKR's
director pack with a section per municipality on Rapporter, watch its progress on the job page (the status script) and
download the PDF, which has every municipality; axe-core finds no WCAG 2.1 A/AA violation on
the form and the job page, at 1280 and 390 px."""

from __future__ import annotations

from typing import Any

import pytest
from pypdf import PdfReader

from conftest import Site, log_in
from naersund.refdata import official_name
from naersund.reports.common import municipalities_of

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"]]


@pytest.mark.slow
def test_the_kkr_analyst_orders_and_downloads_the_kkr_pack(browser: Any, site: Site) -> None:
    page = log_in(browser, site, "kkr-hovedstaden")
    # the meeting starts on Overblik for the analyst's own KKR, then the pack from the menu
    page.get_by_role("navigation").get_by_role("link", name="Overblik").click()
    page.wait_for_load_state()
    assert page.locator("tr.ov-group th").all_text_contents() == ["KKR Hovedstaden"]
    page.get_by_role("navigation").get_by_role("link", name="Rapporter").click()
    page.wait_for_load_state()
    assert page.url.rstrip("/").endswith("/rapporter")
    assert _violations(page) == []
    page.get_by_label("Område").select_option("kkr-1084-alle")
    page.get_by_label("Direktørniveau").check()
    page.get_by_role("button", name="Bestil rapport").click()
    page.wait_for_load_state()
    assert "/rapporter/job/" in page.url
    assert "KKR Hovedstaden med et afsnit for hver kommune" in page.inner_text("h1")
    assert _violations(page) == []
    # the page's script shows the end without a reload
    page.wait_for_selector("#job-download:not([hidden])", timeout=600_000)
    assert page.inner_text("#job-status") == "Færdig"
    with page.expect_download() as info:
        page.get_by_role("link", name="Hent rapporten").click()
    download = info.value
    assert download.suggested_filename == "direktoer_1084_kkr-hovedstaden_med-kommuner_2014.pdf"
    text = " ".join(p.extract_text() for p in PdfReader(download.path()).pages)
    for m in municipalities_of(1084):
        assert official_name(m.code) in text
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(site.url + "/rapporter/")
    assert _violations(page) == []
    assert "Færdig" in page.inner_text("#mine-rapporter + div")
    page.context.close()
