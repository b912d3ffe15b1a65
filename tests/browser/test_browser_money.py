"""In the browser: an editor gives the kr. of an initiative and "ved ikke" on a theme in the
demo's open round (which asks the money questions) and submits; the KKR secretariat sees the
amount on Økonomi i statusrunden; a reader does not (one amount is too few to show)."""

from __future__ import annotations

from typing import Any

from browser_site import Site, log_in

AALBORG = 851  # no other browser test changes Aalborg's answer in the shared site's open round
ROUND = "opfoelgning-aaben"  # load_demo_survey's open round, with money questions
KR_HJEM = "kroner.nordjylland_opkvalificering"


def test_an_editor_gives_an_amount_the_secretariat_sees_it_a_reader_does_not(
    browser: Any, site: Site
) -> None:
    page = log_in(browser, site, "aalborg")
    page.goto(f"{site.url}/status/{ROUND}/kommune/{AALBORG}/")
    reopen = page.get_by_role("button", name="Genåbn besvarelsen")
    if reopen.count():  # submitted before (a rerun on the same site)
        reopen.click()
        page.wait_for_load_state()
    statuses = page.locator("input[type=radio][name^='status.']")
    for name in sorted(set(statuses.evaluate_all("els => els.map(e => e.name)"))):
        page.locator(f"input[name='{name}'][value='planlagt']").check()
    page.locator(f"input[name='{KR_HJEM}']").fill("2.468.000")
    page.locator("input[name='loeft.aeldre:ved_ikke']").check()
    page.get_by_role("button", name="Gem og indsend").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "Indsendt" in main and "2.468.000 kr." in main

    secretary = log_in(browser, site, "kkr-nordjylland")
    secretary.goto(f"{site.url}/status/{ROUND}/resultater/?kkr=1081")
    secretary.get_by_role("link", name="Økonomi: kr. pr. indsats og hvad løftet bruges til").click()
    secretary.wait_for_load_state()
    text = secretary.locator("main").inner_text()
    assert "Kommunernes svar" in text and "2.468.000 kr." in text

    reader = log_in(browser, site, "laeser")
    reader.goto(f"{site.url}/status/{ROUND}/oekonomi/?kkr=1081")
    text = reader.locator("main").inner_text()
    assert "Vises ikke (færre end 3 beløb)" in text
    assert "2.468.000" not in text
    # the intro names "Kommunernes svar" for everyone; the table of each municipality's answers
    # (its heading and rows) is what a reader must not get
    assert reader.locator("#kommunernes-svar").count() == 0
