"""In the browser: an editor answers and submits; the KKR secretariat sees it; another
municipality's editor is refused."""

from __future__ import annotations

from typing import Any

from browser_site import Site, log_in

ALBERTSLUND = 165


def test_an_editor_answers_and_submits_and_the_secretary_sees_the_answer(
    browser: Any, site: Site
) -> None:
    page = log_in(browser, site, "albertslund")
    page.goto(f"{site.url}/status/{site.open_round}/kommune/{ALBERTSLUND}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Albertslund")
    statuses = page.locator("input[type=radio][name^='status.']")
    names = sorted(set(statuses.evaluate_all("els => els.map(e => e.name)")))
    assert len(names) > 5
    # the first initiative "Implementeret", every other "Planlagt" (submitting needs them all)
    page.locator(f"input[name='{names[0]}'][value='implementeret']").check()
    for name in names[1:]:
        page.locator(f"input[name='{name}'][value='planlagt']").check()
    page.get_by_label("Hvordan vil kommunen arbejde med målene?").fill(
        "Albertslund prioriterer opfølgende hjemmebesøg."
    )
    page.get_by_role("button", name="Gem og indsend").click()
    page.wait_for_load_state()
    assert "Indsendt" in page.locator("main").inner_text()

    secretary = log_in(browser, site, "kkr-hovedstaden")
    secretary.goto(f"{site.url}/status/{site.open_round}/overblik/")
    row = secretary.locator("tr", has_text="Albertslund").first
    assert "Indsendt" in row.inner_text()
    # Bilag 1 of KKR Hovedstaden: the municipality × initiative table of submitted answers
    secretary.goto(f"{site.url}/status/{site.open_round}/resultater/")
    secretary.get_by_role("link", name="Bilag 1: KKR Hovedstaden").click()
    secretary.wait_for_load_state()
    assert secretary.get_by_role("heading", level=1).inner_text().startswith("Bilag 1")
    rows = secretary.locator("table.bilag tr", has_text="Albertslund")
    cells = " | ".join(rows.all_text_contents())
    assert "Implementeret" in cells and "Planlagt" in cells
    assert (
        "Albertslund prioriterer opfølgende hjemmebesøg." in secretary.locator("main").inner_text()
    )
    # the answer itself, as the secretariat reads it
    secretary.goto(f"{site.url}/status/{site.open_round}/kommune/{ALBERTSLUND}/")
    text = secretary.locator("main").inner_text()
    assert "Implementeret" in text and "Albertslund prioriterer" in text


def test_another_municipalitys_editor_cannot_open_the_answer(browser: Any, site: Site) -> None:
    page = log_in(browser, site, "aalborg")
    response = page.goto(f"{site.url}/status/{site.open_round}/kommune/{ALBERTSLUND}/")
    assert response is not None and response.status == 403
    assert "Albertslund prioriterer" not in page.content()
    own = page.goto(f"{site.url}/status/{site.open_round}/kommune/851/")
    assert own is not None and own.status == 200


def test_the_questionnaires_texts_are_readable_and_its_controls_are_dkfds(
    browser: Any, site: Site
) -> None:
    # survey.css once sized these in rem of a 16 px root, where DKFDS's root is 10 px: the
    # previous round's answer was 9.5 px and the contents' heading 11 px; and a text
    # question's hint ran on after its label on the same line.
    # Aalborg's questionnaire: Albertslund's is submitted by the first test of this module, and
    # a submitted answer is shown without the form's hints
    page = log_in(browser, site, "aalborg")
    page.goto(f"{site.url}/status/{site.open_round}/kommune/851/")
    sizes = page.evaluate(
        """() => Object.fromEntries(['.toc h2', '.previous', '.section-count', '.form-hint']
             .map(s => [s, document.querySelector(s)])
             .filter(([, e]) => e)
             .map(([s, e]) => [s, parseFloat(getComputedStyle(e).fontSize)]))"""
    )
    below = page.evaluate(
        """() => [...document.querySelectorAll('.item > label.form-label')]
             .filter(l => l.nextElementSibling && l.nextElementSibling.matches('.form-hint'))
             .map(l => l.nextElementSibling.getBoundingClientRect().top
                       >= l.getBoundingClientRect().bottom - 1)"""
    )
    # the answers are DKFDS's radios and checkboxes: the mark drawn by DKFDS beside a label
    # of 16 px, not the browser's own 13 px control
    controls = page.evaluate(
        """() => [...document.querySelectorAll('.item input[type=radio], .item input[type=checkbox]')]
             .map(i => [i.className, i.nextElementSibling && i.nextElementSibling.matches(
                          'label.form-label[for="' + i.id + '"]'),
                        getComputedStyle(i.nextElementSibling, '::before').width])"""
    )
    page.context.close()
    assert len(controls) > 20
    assert {c[0] for c in controls} <= {"form-radio", "form-checkbox"}, controls[:3]
    assert all(c[1] for c in controls) and {c[2] for c in controls} == {"24px"}
    assert {".toc h2", ".section-count", ".form-hint"} <= set(sizes)
    assert min(sizes.values()) >= 14, sizes
    assert below and all(below)


def test_a_refused_save_opens_at_the_errors_whose_links_reach_the_answers(
    browser: Any, site: Site
) -> None:
    # A year that is not a year refuses the save (nothing is saved). The page opens with the
    # keyboard's focus on DKFDS's error summary (before, nothing focused it), and its link
    # moves the focus into the field, marked as DKFDS marks a field in error.
    page = log_in(browser, site, "aalborg")
    page.goto(f"{site.url}/status/{site.open_round}/kommune/851/")
    page.get_by_label("År for påbegyndt implementering").first.fill("snart")
    page.get_by_role("button", name="Gem kladde").click()
    page.wait_for_load_state()
    summary = page.locator('[data-module="error-summary"]')
    assert summary.inner_text().startswith("Svarene er ikke gemt: ret 1 fejl")
    page.wait_for_function("document.activeElement.dataset.module === 'error-summary'")
    link = summary.get_by_role("link")
    target = link.get_attribute("href")
    link.click()
    focused = page.evaluate(
        "[document.activeElement.value, '#' + document.activeElement.id,"
        " document.activeElement.closest('.item').classList.contains('form-error')]"
    )
    page.context.close()
    assert focused == ["snart", target, True]
