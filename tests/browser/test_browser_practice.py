"""God praksis in the browser (issue 13): Albertslund's editor writes an entry linked to one of
KKR Hovedstaden's initiatives and submits it; KL's administrator finds it among the entries
under review and publishes it; a reader finds it by searching the catalogue and from the
initiative's block in the goal catalogue, and downloads the booklet.

Screenshots of the catalogue and the entry at 1280 and 390 px go to ``NAERSUND_SHOTS`` when it
is set, otherwise to the test's temporary folder."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

from browser_site import Site, log_in
from pypdf import PdfReader

TITLE = "Natlig akutsygepleje i Albertslund (browsertest)"
WHAT = "Akutsygeplejersker kører ud om natten til borgere, som ellers ville blive indlagt."


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("NAERSUND_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _screenshots(page: Any, folder: Path, name: str) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate(
            """() => Math.max(0, ...[...document.querySelectorAll("main *")]
                .filter(e => !e.closest(".table--responsive-scroll") && e.getClientRects().length)
                .map(e => e.getBoundingClientRect().right - window.innerWidth))"""
        )
        assert overflow <= 1, f"{name} is {overflow} px too wide at {width} px"
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_entry_goes_from_the_editor_through_kl_to_a_reader(
    browser: Any, site: Site, tmp_path: Path
) -> None:
    shots = _shots(tmp_path)

    # the editor drafts the entry and sends it to KL
    editor = log_in(browser, site, "albertslund")
    editor.goto(f"{site.url}/god-praksis/")
    editor.get_by_role("link", name="Skriv et nyt indslag").click()
    editor.get_by_label("Titel").fill(TITLE)
    initiatives = editor.get_by_label("Indsatser i målkataloget")
    slug = initiatives.evaluate(
        "s => [...s.options].map(o => o.value).find(v => v.startsWith('hovedstaden_'))"
    )
    initiatives.select_option(slug)
    editor.get_by_label("Målgruppe").select_option("akut")
    editor.get_by_label("Hvad gøres, og hvordan er det organiseret").fill(WHAT)
    editor.get_by_role("button", name="Gem kladde").click()
    editor.wait_for_load_state()
    assert f"»{TITLE}« er gemt som kladde." in editor.content()
    entry_url = editor.url
    assert re.search(r"/god-praksis/\d+/$", entry_url)
    editor.get_by_role("button", name="Send til gennemsyn hos KL").click()
    editor.wait_for_load_state()
    assert "er sendt til gennemsyn hos KL" in editor.content()

    # a reader does not see it before it is published
    reader = log_in(browser, site, "laeser")
    reader.goto(f"{site.url}/god-praksis/?q=akutsygepleje")
    assert TITLE not in reader.content()

    # KL's administrator finds it under review and publishes it
    admin = log_in(browser, site, "admin")
    admin.goto(f"{site.url}/god-praksis/")
    admin.get_by_role("link", name=TITLE).click()
    admin.wait_for_load_state()
    assert admin.url == entry_url
    admin.get_by_role("button", name="Offentliggør").click()
    admin.wait_for_load_state()
    assert "er offentliggjort i kataloget" in admin.content()

    # the reader finds it by searching (Danish stemming on PostgreSQL, words on SQLite) ...
    reader.goto(f"{site.url}/god-praksis/")
    reader.get_by_label("Søg", exact=True).fill("akutsygeplejersker natten")
    reader.get_by_role("button", name="Find").click()
    reader.wait_for_load_state()
    reader.get_by_role("link", name=TITLE).click()
    reader.wait_for_load_state()
    assert reader.url == entry_url and WHAT in reader.content()
    _screenshots(reader, shots, "god-praksis-indslag")

    # ... and from the initiative's block in KKR Hovedstaden's goal catalogue
    reader.goto(f"{site.url}/katalog/kkr/1084/")
    link = reader.locator(".good-practice").get_by_role("link", name=TITLE)
    assert link.count() == 1
    link.click()
    reader.wait_for_load_state()
    assert reader.url == entry_url

    # the catalogue's list, and the booklet with the entry in it
    reader.goto(f"{site.url}/god-praksis/")
    _screenshots(reader, shots, "god-praksis")
    with reader.expect_download() as download:
        reader.get_by_role("link", name="Katalog over god praksis (PDF)").click()
    pdf = Path(download.value.path()).read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert TITLE in " ".join(text.split())


def test_a_form_with_errors_opens_at_its_error_summary_whose_links_reach_the_fields(
    browser: Any, site: Site
) -> None:
    """The summary is DKFDS's (alert-error with data-module="error-summary"): the page opens
    with the keyboard's focus on it, so a screen reader reads the errors first, and each link
    moves the focus into the field it names. Before, the summary had tabindex=-1 but nothing
    focused it."""
    editor = log_in(browser, site, "albertslund")
    editor.goto(f"{site.url}/god-praksis/ny/")
    editor.get_by_label("Titel").fill("Et indslag med en forkert adresse (browsertest)")
    editor.get_by_label("Målgruppe").select_option("akut")
    editor.get_by_label("Hvad gøres, og hvordan er det organiseret").fill(WHAT)
    editor.get_by_label("Links").fill("www.albertslund.dk")
    editor.get_by_role("button", name="Gem kladde").click()
    editor.wait_for_load_state()
    summary = editor.locator('[data-module="error-summary"]')
    assert summary.get_attribute("class") == "alert alert-error"
    editor.wait_for_function("document.activeElement.dataset.module === 'error-summary'")
    link = summary.get_by_role("link")
    assert link.count() == 1 and link.inner_text().startswith("Links:")
    link.click()
    assert editor.evaluate("document.activeElement.id") == "id_links"
    assert editor.get_by_label("Links").input_value() == "www.albertslund.dk"
