"""The editor persona in the browser: opens the open round from the round list, carries last
round's answers over, names a fellow pilot by searching for it, completes the rest, submits
and downloads the submitted answer as a PDF.

Screenshots of the questionnaire at 1280 and 390 px go to ``NAERSUND_SHOTS`` when it is set
(e.g. ``NAERSUND_SHOTS=/tmp/shots-questionnaire``), otherwise to the test's temporary folder.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from browser_site import Site, at_both_widths, log_in
from pypdf import PdfReader

ALBERTSLUND = 165
PREVIOUS = "Opfølgning 2014"  # the demo's last closed round, before the open one


def _axe(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"]]


def test_the_editor_carries_last_round_over_completes_submits_and_keeps_a_pdf(
    browser: Any, site: Site, shots: Path
) -> None:
    page = log_in(browser, site, "albertslund")
    page.goto(f"{site.url}/status/")
    page.get_by_role("link", name=re.compile(r"^Besvar for .*åben demorunde")).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Albertslund")
    main = page.locator("main")
    text = main.inner_text()
    asked = int(re.search(r"0 af (\d+) besvaret", text).group(1))  # type: ignore[union-attr]
    assert f"I {PREVIOUS}:" in text  # last round's answer beside the questions
    assert "Nordjylland:" not in text  # another KKR's initiatives are not asked
    at_both_widths(page, shots, "questionnaire-empty")

    page.get_by_role("button", name=f"Overfør uændrede svar fra {PREVIOUS}").click()
    page.wait_for_load_state()
    text = main.inner_text()
    carried = int(re.search(rf"(\d+) svar er overført fra {PREVIOUS}", text).group(1))  # type: ignore[union-attr]
    assert carried > 20 and f"{carried} af {asked} besvaret" in text
    assert "Ikke påbegyndt" in page.locator("p", has_text="Besvarelsen:").inner_text()  # unsaved

    # a fellow pilot by name: open the first pilot question's list and search for Ballerup
    pilot = page.locator("details.partners").first
    pilot.locator("summary").click()
    search = pilot.get_by_label("Søg kommune")
    search.fill("balle")
    assert pilot.locator("li:visible").count() == 1
    assert "1 kommune passer" in pilot.inner_text()
    pilot.get_by_label("Ballerup").check()
    assert "Ballerup" in pilot.locator("summary").inner_text()
    fieldset = page.locator("fieldset", has=pilot).first
    assert fieldset.locator("input[type=radio][value=sammen]").is_checked()  # chosen with it
    at_both_widths(page, shots, "questionnaire-carried")
    assert _axe(page) == []

    # complete the rest: every question still open gets an answer
    open_groups = page.evaluate(
        """() => [...new Set([...document.querySelectorAll("main input[type=radio]")]
                 .map(e => e.name))]
             .filter(name => ![...document.getElementsByName(name)]
                 .some(e => e.checked && e.value !== ""))"""
    )
    for name in open_groups:
        page.locator(f"input[type=radio][name='{name}']").first.check()
    for box in page.locator("input[type=text][inputmode=numeric]").all():
        if not box.input_value():
            box.fill("2015")
    page.get_by_label("Øvrige bemærkninger til statusrunden").fill("Ingen yderligere.")
    page.get_by_label("Hvordan vil kommunen arbejde med målene?").fill(
        "Albertslund fortsætter med opfølgende hjemmebesøg."
    )
    page.get_by_role("button", name="Gem og indsend").click()
    page.wait_for_load_state()
    text = main.inner_text()
    assert "Besvarelsen er gemt og indsendt. Tak." in text
    assert f"{asked} af {asked} besvaret" in text
    at_both_widths(page, shots, "questionnaire-submitted")

    with page.expect_download() as download:
        page.get_by_role("link", name="Hent besvarelsen som PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    (shots / "besvarelse.pdf").write_bytes(pdf)
    words = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Albertslund Kommunes besvarelse" in words
    assert "Implementeret" in words and "Ballerup" in words
    assert "Albertslund fortsætter med opfølgende hjemmebesøg." in words
