"""The definitions page of each indicator (issue 15: every number can be traced to its
definition, one click away) and the links to it from every indicator name."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from dashboard_data import results_for
from django.test import Client
from web_personas import ALBERTSLUND, HOVEDSTADEN, Personas

from naersund.indicators import load_definitions
from naersund.indicators.docs import definition_page
from naersund.web.dashboard import releases


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


@pytest.fixture
def release(results_file: Path) -> releases.PublishedResults:
    releases.publish(results_file)
    return releases.load_release()


@pytest.fixture
def reader(personas: Personas) -> Client:
    return personas.client("reader")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_each_indicator_has_a_page_with_its_whole_definition(
    reader: Client, release: releases.PublishedResults
) -> None:
    for d in load_definitions():
        response = reader.get(f"/indikatorer/definition/{d.id}/")
        assert response.status_code == 200
        page = _text(response.content.decode())
        facts = definition_page(d)
        assert d.name_da in page and d.id in page and f"version {d.version}" in page
        assert _text(d.source) in page
        for line in facts.counted + facts.exclusions + facts.followup:
            assert _text(line) in page, line
        for label, codes in facts.code_groups:
            assert label in page and ", ".join(codes) in page
        for version, note in facts.history:
            assert f"Version {version}: {_text(note)}" in page
        verified = "Ja, mod den officielle definition"
        assert (verified in page) == d.codes_verified
        assert ("(under omdefinering)" in page) == (d.status == "under omdefinering")
        if d.id in release.definitions:
            assert f"beregnet med version {release.definitions[d.id]}" in page


def test_an_exclusion_names_the_contact_it_tests(reader: Client, release: object) -> None:
    d = next(d for d in load_definitions() if definition_page(d).exclusions)
    page = _text(reader.get(f"/indikatorer/definition/{d.id}/").content.decode())
    assert re.search(r"undtagen når (den første|den sidste|en hvilken som helst) kontakt", page)


def test_an_unknown_indicator_is_not_found(reader: Client) -> None:
    assert reader.get("/indikatorer/definition/ukendt/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        f"/indikatorer/kommune/{ALBERTSLUND}/",
        f"/indikatorer/omraade/kkr/{HOVEDSTADEN}/",
        "/indikatorer/sammenlign/?indikator=akutte_korttidsindlaeggelser",
        "/indikatorer/udvikling/?indikator=akutte_korttidsindlaeggelser",
        "/indikatorer/",
    ],
)
def test_every_indicator_name_links_to_its_definition_and_says_under_omdefinering(
    reader: Client, release: releases.PublishedResults, url: str
) -> None:
    # names in a filter's drop-down are choices, not names on the page
    html = re.sub(r"<select.*?</select>", "", reader.get(url).content.decode(), flags=re.S)
    shown = [d for d in load_definitions() if d.id in release.definitions and d.name_da in html]
    assert shown
    for d in shown:
        assert f'href="/indikatorer/definition/{d.id}/"' in html, d.id
        if d.status == "under omdefinering":
            link = re.search(
                rf'href="/indikatorer/definition/{d.id}/"[^>]*>.*?</a>(.{{0,80}})', html, re.S
            )
            assert link is not None and "under omdefinering" in link.group(0), d.id


def test_a_figure_names_its_release_definition_version_and_data_period(
    reader: Client, release: releases.PublishedResults
) -> None:
    page = _text(reader.get(f"/indikatorer/kommune/{ALBERTSLUND}/").content.decode())
    start, end = release.data_period
    for ind, version in release.definitions.items():
        assert (
            f"Udgivelse {release.release_id} · definition {ind} v{version} · "
            f"data {start:%d.%m.%Y}–{end:%d.%m.%Y}"
        ) in page
