"""The page frame (DKFDS header, menu, footer) in chromium: on a phone the main menu is DKFDS's
drawer behind "Menu" (its script runs under the site's Content-Security-Policy), on a wide
screen it is the navigation bar; the favicon is served; the front page is each role's
overview."""

from __future__ import annotations

from typing import Any

from browser_site import Site, log_in

MENU = [
    "Forside",
    "Målkatalog",
    "Statusrunder",
    "Indikatorer",
    "Overblik",
    "Rapporter",
    "Økonomi",
    "God praksis",
]


def test_on_a_phone_the_menu_is_a_drawer_that_opens_and_closes(browser: Any, site: Site) -> None:
    page = log_in(browser, site, "albertslund")
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(site.url + "/")
    desktop = page.locator(".navigation-menu")
    drawer = page.locator(".mobile-drawer")
    assert not desktop.is_visible()
    assert not drawer.is_visible()
    page.get_by_role("button", name="Menu").click()
    page.wait_for_selector(".mobile-drawer.is-visible")
    links = drawer.get_by_role("navigation").get_by_role("link")
    assert links.all_inner_texts() == MENU
    assert drawer.get_by_role("button", name="Log ud").is_visible()
    drawer.get_by_role("button", name="Luk menu").click()
    page.wait_for_selector(".mobile-drawer", state="hidden")
    page.context.close()


def test_on_a_wide_screen_the_menu_is_a_bar_that_marks_the_current_section(
    browser: Any, site: Site
) -> None:
    page = log_in(browser, site, "admin")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site.url + "/indikatorer/")
    bar = page.locator(".navigation-menu nav")
    assert bar.is_visible()
    assert not page.get_by_role("button", name="Menu").is_visible()
    assert bar.get_by_role("link").all_inner_texts() == [*MENU, "Administration"]
    current = bar.locator("[aria-current=page]")
    assert current.all_inner_texts() == ["Indikatorer"]
    favicon = page.request.get(site.url + page.locator("link[rel=icon]").get_attribute("href"))
    assert favicon.status == 200 and b"<svg" in favicon.body()
    page.context.close()


def test_the_front_page_is_each_roles_overview(browser: Any, site: Site) -> None:
    want = {
        "albertslund": "Overblik for Albertslund",
        "kkr-hovedstaden": "Overblik for KKR Hovedstaden",
        "admin": "Overblik for Danmark",
        "laeser": "Overblik for Danmark",
    }
    for role, heading in want.items():
        page = log_in(browser, site, role)
        assert page.url.rstrip("/") == site.url, f"{role} did not land on the front page"
        assert page.locator("h1").inner_text() == heading
        assert page.locator(".figure-card").count() >= 3
        page.context.close()
    page = browser.new_context().new_page()
    page.goto(site.url + "/")
    assert "/log-ind/" in page.url
    page.context.close()
