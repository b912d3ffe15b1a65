"""The dashboard in chromium, as each role: every page draws its charts from the Vega-Lite
specs (vendored Vega bundle), each chart has its table, and axe-core finds no WCAG 2.1 A/AA
violation (the charts drawn)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import Site, log_in

ROLES = ["admin", "kkr-hovedstaden", "albertslund", "aalborg", "laeser"]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# path -> number of charts it draws
PAGES = {
    "/indikatorer/": 0,
    "/indikatorer/kommune/165/": 1,
    "/indikatorer/kommune/851/?maal=raa": 1,
    "/indikatorer/sammenlign/?indikator=forebyggelige_indlaeggelser_65": 3,
    "/indikatorer/sammenlign/?indikator=genindlaeggelser_30d_65&kkr=1081&kommune=851": 3,
    "/indikatorer/udvikling/?indikator=faerdigbehandlingsdage&kommune=165": 2,  # år + måned
    "/indikatorer/omraade/kkr/1084/": 1,
    "/indikatorer/overblik/?kkr=alle": 0,
    "/indikatorer/udgivelser/": 0,
}


def _violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    return [
        f"{v['id']}: {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_dashboard_page_draws_its_charts_and_passes_axe(
    browser: Any, site: Site, role: str
) -> None:
    page = log_in(browser, site, role)
    problems: dict[str, Any] = {}
    for path, charts in PAGES.items():
        response = page.goto(site.url + path)
        assert response is not None and response.status == 200, path
        if charts:
            page.wait_for_function(
                f"document.querySelectorAll('.chart-canvas.drawn svg').length >= {charts}",
                timeout=20000,
            )
            tables = page.locator("figure.chart details.numbers table").count()
            assert tables == charts, path
            label = page.locator(".chart-canvas svg").first.get_attribute("aria-label")
            assert label and len(label) > 20, path  # the chart's Danish description
        assert "SYNTETISKE DATA" in page.content(), path
        found = _violations(page)
        if found:
            problems[path] = found
    page.context.close()
    assert problems == {}


def test_the_matrix_heads_wrap_so_the_columns_fit_a_screen(browser: Any, site: Site) -> None:
    # Each head names the indicator, its unit, measure and definition; kept on one line, every
    # column was as wide as its longest head (over 450 px at 1280 px: 2.5 of 4 columns shown).
    page = log_in(browser, site, "laeser")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site.url + "/indikatorer/omraade/kkr/1084/")
    widths = page.eval_on_selector_all(
        "table.matrix thead th.num", "(ths) => ths.map(t => t.getBoundingClientRect().width)"
    )
    rem = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.context.close()
    assert len(widths) >= 4
    assert max(widths) <= 20 * rem + 1, widths
