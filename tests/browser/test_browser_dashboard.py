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


@pytest.mark.parametrize(
    ("path", "heads"),
    [
        ("/indikatorer/omraade/kkr/1084/", "table.matrix thead th.num"),
        ("/indikatorer/overblik/?kkr=alle", "table.ov-table thead th.num"),
        ("/oekonomi/", "table.data thead th.num"),
        # the release list: the definitions' ids wrap at their underscores
        ("/indikatorer/udgivelser/", "table.data thead th"),
    ],
)
def test_the_column_heads_wrap_so_the_tables_fit_a_screen(
    browser: Any, site: Site, path: str, heads: str
) -> None:
    # Kept on one line, every column was as wide as its head (an indicator's name, unit,
    # measure and definition; "Sundhedsudgifter ekskl. KMF (mio. kr.)"): the area matrix was
    # 1,776 px, Overblik 1,452 and Økonomi's tables 1,790 at 1280 px, half their columns hidden.
    page = log_in(browser, site, "laeser")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site.url + path)
    count = page.locator(heads).count()
    boxes = page.eval_on_selector_all(
        ".table-scroll, .table--responsive-scroll",
        "(bs) => bs.filter(b => b.getClientRects().length)"
        "          .map(b => [b.getAttribute('aria-label'), b.scrollWidth, b.clientWidth])",
    )
    page.context.close()
    assert count >= 4 and boxes
    assert [b for b in boxes if b[1] > b[2]] == []


@pytest.mark.parametrize(
    "path", ["/indikatorer/kommune/165/", "/indikatorer/sammenlign/?niveau=sundhedsraad"]
)
def test_on_a_phone_the_values_beside_the_names_are_in_view_without_scrolling(
    browser: Any, site: Site, path: str
) -> None:
    # At 390 px the sticky name column takes much of the 358 px box. The profile's values,
    # right-aligned in a 195 px column, were cut off; the areas' table showed its count of
    # municipalities there and its values out of view: a reader saw names but no numbers.
    page = log_in(browser, site, "laeser")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(site.url + path)
    cells = ".table-scroll tbody tr > td.num:nth-child(2)"
    cut = page.evaluate(
        """(cells) => {
          const box = document.querySelector('.table-scroll').getBoundingClientRect();
          return [...document.querySelectorAll(cells)]
            .map(td => { const r = document.createRange(); r.selectNodeContents(td.firstChild);
                         return [td.firstChild.textContent, r.getBoundingClientRect().right,
                                 box.right]; })
            .filter(([, right, edge]) => right > edge);
        }""",
        cells,
    )
    count = page.locator(cells).count()
    head = page.locator(".table-scroll thead th").nth(1).inner_text()
    page.context.close()
    assert count >= 4
    assert cut == []
    assert "Kommuner" not in head


def test_on_a_phone_the_kommuneprofil_is_a_card_per_indicator(browser: Any, site: Site) -> None:
    # As a table the profile was 1,128 px wide in a 358 px box, its sticky name column taking
    # 230 px of it: a reader scrolled sideways through eight columns to read one indicator.
    # Below 768 px each indicator is a card (DKFDS's table-sm-responsive-headers), every value
    # under its column's name; at 1280 px it stays a table.
    page = log_in(browser, site, "laeser")
    sizes = {}
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site.url + "/indikatorer/kommune/165/")
        sizes[width] = page.evaluate(
            """() => {
              const box = document.querySelector('.table-scroll');
              const row = box.querySelector('tbody tr');
              const titles = [...row.querySelectorAll('td')].map(
                td => getComputedStyle(td, '::before').content);
              return [box.scrollWidth, box.clientWidth, getComputedStyle(row).display, titles];
            }"""
        )
    page.context.close()
    scroll, client, display, titles = sizes[390]
    assert scroll <= client and display == "grid"
    assert titles[:3] == ['"Albertslund (95 %-KI)"', '"KKR Hovedstaden"', '"Danmark"']
    assert titles[3:] == [
        '"Sammenlignet med landet"',
        '"Seneste udvikling"',
        '"Mål"',
        '"Indsatser"',
    ]
    assert sizes[1280][2] == "table-row" and sizes[1280][3] == ["none"] * 7


def test_on_a_phone_a_scaled_down_charts_legend_is_below_it(browser: Any, site: Site) -> None:
    # A chart with one row per municipality keeps its print width and is scaled to the box; at
    # 390 px its legend at the right took a third of that width from the bars and their names.
    page = log_in(browser, site, "laeser")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(site.url + "/indikatorer/sammenlign/?indikator=forebyggelige_indlaeggelser_65")
    page.wait_for_function("document.querySelectorAll('.chart-canvas.drawn svg').length >= 3")
    found = page.evaluate(
        """() => [...document.querySelectorAll('[data-chart]')].flatMap(el => {
             const spec = JSON.parse(document.getElementById('spec-' + el.dataset.chart).textContent);
             const legend = el.querySelector('.role-legend');
             if (!(spec.height && spec.height.step) || !legend) { return []; }
             const axes = [...el.querySelectorAll('.role-axis')].map(a => a.getBoundingClientRect());
             return [[el.dataset.chart, legend.getBoundingClientRect().top,
                      Math.max(...axes.map(r => r.bottom))]];
           })"""
    )
    page.context.close()
    assert found
    assert all(top >= bottom - 1 for _, top, bottom in found), found


def test_on_a_phone_the_spine_chart_is_drawn_at_its_width_with_names_above_the_bars(
    browser: Any, site: Site
) -> None:
    # The spine (one row per indicator) was drawn at its print width (765 px with its names
    # and legend) and scaled into the 358 px box: its names were about 4 px high. On a phone it
    # is now drawn at the box's width, unscaled, each name above its bar.
    page = log_in(browser, site, "laeser")
    found = {}
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site.url + "/indikatorer/kommune/165/")
        page.wait_for_function("document.querySelector(\"[data-chart*='spine'] svg\") !== null")
        found[width] = page.evaluate(
            """() => {
              const el = document.querySelector("[data-chart*='spine']");
              const svg = el.querySelector('svg');
              const box = el.getBoundingClientRect();
              const labels = [...el.querySelectorAll('.role-axis-label text')];
              const bars = [...el.querySelectorAll('.role-mark path')]
                .map(p => p.getBoundingClientRect()).filter(r => r.height > 0);
              return {
                scale: svg.getBoundingClientRect().width / Number(svg.getAttribute('width')),
                inside: svg.getBoundingClientRect().right <= box.right + 0.5,
                heights: labels.map(t => t.getBoundingClientRect().height),
                // every name's left edge at or right of the bars' leftmost start: above them
                left: Math.min(...labels.map(t => t.getBoundingClientRect().left)),
                plot: Math.min(...bars.map(r => r.left)),
              };
            }"""
        )
    page.context.close()
    phone = found[390]
    assert phone["scale"] > 0.99 and phone["inside"], phone
    assert len(phone["heights"]) >= 4 and min(phone["heights"]) >= 12, phone
    assert phone["left"] >= phone["plot"] - 1, phone
    # on a wide screen the names stay at the left of the plot, as in print
    assert found[1280]["left"] < found[1280]["plot"], found[1280]
