"""The KKR analyst's task in chromium: log in, open Overblik from the menu (it starts on
their own KKR), sort a column by its heading, download the shown table as CSV; at 1280 and
390 px, with axe-core finding no WCAG 2.1 A/AA violation. Screenshots go to
``$NAERSUND_SHOTS_DIR`` when set (else the test's own temporary folder)."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

from test_browser_dashboard import _violations

from conftest import Site, log_in
from naersund.analysis.profiles import members_of

HOVEDSTADEN = 1084


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("NAERSUND_SHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _column_values(page: Any, col: int) -> list[str]:
    """The shown value texts of indicator column ``col`` (0-based), in row order."""
    return page.eval_on_selector_all(
        "table.ov-table tbody tr:not(.ov-group)",
        f"rows => rows.map(r => r.querySelectorAll('td')[{col}]"
        ".querySelector('.ov-value').textContent)",
    )


def _number(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def test_a_kkr_analyst_sorts_their_kkr_and_downloads_it(
    browser: Any, site: Site, tmp_path: Path
) -> None:
    shots = _shots(tmp_path)
    page = log_in(browser, site, "kkr-hovedstaden")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("navigation").get_by_role("link", name="Overblik").click()
    page.wait_for_load_state()
    assert "/indikatorer/overblik/" in page.url
    groups = page.locator("tr.ov-group th").all_text_contents()
    assert groups == ["KKR Hovedstaden"]
    n = len(members_of(HOVEDSTADEN))
    rows = page.locator("table.ov-table tbody tr:not(.ov-group)")
    assert rows.count() == n
    assert _violations(page) == []
    page.screenshot(path=str(shots / "overblik-1280.png"), full_page=True)

    # sort by the first indicator, then flip it: without JavaScript, by the heading's link
    heading = page.locator("table.ov-table thead th").nth(1)
    heading.locator("a").first.click()
    page.wait_for_load_state()
    assert "sort=" in page.url and "orden=stigende" in page.url
    assert heading.get_attribute("aria-sort") == "ascending"
    shown = [v for v in _column_values(page, 0) if v not in ("–", "skjult")]
    assert len(shown) >= 3 and [_number(v) for v in shown] == sorted(_number(v) for v in shown)
    heading.locator("a").first.click()
    page.wait_for_load_state()
    assert page.locator("table.ov-table thead th").nth(1).get_attribute("aria-sort") == (
        "descending"
    )
    down = [_number(v) for v in _column_values(page, 0) if v not in ("–", "skjult")]
    assert down == sorted(down, reverse=True)
    names = page.locator("table.ov-table tbody th[scope=row] a").all_text_contents()

    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    download = info.value
    assert download.suggested_filename.startswith("overblik-")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(table) == n + 1
    assert [r[1] for r in table[1:]] == names  # the shown order, the shown municipalities
    assert {r[0] for r in table[1:]} == {"KKR Hovedstaden"}

    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(200)
    # the wide table scrolls inside its own box; the page itself does not scroll sideways
    box = page.eval_on_selector(".ov-scroll", "e => [e.scrollWidth, e.clientWidth]")
    assert box[0] > box[1]
    wide = page.evaluate("document.querySelector('main').scrollWidth")
    assert wide <= 390, wide
    # nothing in the page but (for now) the site header makes it wider than the screen: not
    # the table, nor the visually-hidden texts of its cells
    page.evaluate("document.querySelector('header').style.display = 'none'")
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 390, page_width
    page.evaluate("document.querySelector('header').style.display = ''")
    assert _violations(page) == []
    page.screenshot(path=str(shots / "overblik-390.png"), full_page=False)
    page.context.close()
