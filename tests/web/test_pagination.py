"""Long lists come in pages of 25 (``naersund.web.pagination``) with DKFDS's pagination
component: the releases, the status rounds and a user's report jobs. Page 2 shows the rows
page 1 does not; the component names itself and its links for screen readers; ``?side=``
is read strictly."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from dashboard_data import results_for
from web_personas import Personas

from naersund.web.dashboard import releases
from naersund.web.dashboard.models import Release
from naersund.web.pagination import PER_PAGE, page_numbers
from naersund.web.reportjobs.models import ReportJob
from naersund.web.survey import services

pytestmark = pytest.mark.django_db

N = PER_PAGE + 7  # two pages


def _releases() -> list[int]:
    day = dt.date(2016, 12, 31)
    return [
        Release.objects.create(
            data_period_start=day, data_period_end=day, data_cut=day, code_version="0", row_count=0
        ).pk
        for _ in range(N)
    ]


def _rounds() -> list[str]:
    slugs = []
    for i in range(N):
        year = 1990 + i
        rnd = services.create_round(
            slug=f"runde-{year}",
            title_da=f"Opfølgning {year}",
            year=year,
            opens_on=dt.date(year, 1, 1),
            closes_on=dt.date(year, 2, 1),
        )
        slugs.append(rnd.title_da)
    return slugs


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


def _jobs(personas: Personas, results_file: Path) -> list[str]:
    releases.publish(results_file)  # the reports page lists the jobs once there is a release
    titles = [f"Rapport nummer {i:02d}" for i in range(N)]
    for title in titles:
        ReportJob.objects.create(
            user=personas.reader,
            level="politisk",
            area_level="kommune",
            area_code=165,
            year=2014,
            fmt="pdf",
            title=title,
            status=ReportJob.Status.FAILED,
            error="Prøvefejl",
        )
    ReportJob.objects.create(  # another user's job is on none of the reader's pages
        user=personas.admin,
        level="politisk",
        area_level="kommune",
        area_code=165,
        year=2014,
        fmt="pdf",
        title="Administratorens rapport",
    )
    return titles


def _shown(html: str, candidates: list[Any], pattern: str) -> set[str]:
    return {str(c) for c in candidates if re.search(pattern.format(re.escape(str(c))), html)}


def _component(html: str) -> str:
    found = re.search(r'<nav class="pagination[^"]*" aria-label="([^"]+)">(.*?)</nav>', html, re.S)
    assert found is not None, "no pagination component"
    assert found.group(1).startswith("Sider i listen over")
    return found.group(2)


@pytest.mark.parametrize("which", ["udgivelser", "statusrunder", "rapporter"])
def test_page_two_shows_the_rows_page_one_does_not(
    personas: Personas, which: str, request: pytest.FixtureRequest
) -> None:
    client = personas.client("reader")
    if which == "udgivelser":
        url, rows = "/indikatorer/udgivelser/", [str(pk) for pk in _releases()]
        pattern = r'<th scope="row">{}(?:\D|$)'
    elif which == "statusrunder":
        url, rows, pattern = "/status/", _rounds(), r'<th scope="row">{}<br>'
    else:
        jobs = _jobs(personas, request.getfixturevalue("results_file"))
        url, rows, pattern = "/rapporter/", jobs, r">{}</a></th>"
    first = client.get(url).content.decode()
    second = client.get(url + "?side=2").content.decode()
    on_first, on_second = _shown(first, rows, pattern), _shown(second, rows, pattern)
    assert len(on_first) == PER_PAGE
    assert len(on_second) == N - PER_PAGE
    assert on_first.isdisjoint(on_second) and on_first | on_second == set(rows)
    # the component: named, each page link named, the current page marked
    nav = _component(first)
    assert 'aria-current="page" aria-label="Side 1"' in nav
    assert f'href="{url}?side=2"' in nav and 'aria-label="Næste side"' in nav
    assert "Side 1 af 2" in nav and "Forrige side" not in nav
    nav2 = _component(second)
    assert 'aria-current="page" aria-label="Side 2"' in nav2
    assert 'aria-label="Forrige side"' in nav2 and "Næste side" not in nav2
    assert f"Viser {PER_PAGE + 1}-{N} af {N}" in second
    if which == "rapporter":
        assert "Administratorens rapport" not in first + second


def test_a_short_list_has_no_component(personas: Personas) -> None:
    html = personas.client("reader").get("/indikatorer/udgivelser/").content.decode()
    assert 'class="pagination' not in html


def test_the_page_number_is_read_strictly(personas: Personas) -> None:
    _releases()
    client = personas.client("reader")
    bad = client.get("/indikatorer/udgivelser/?side=abc")
    assert bad.status_code == 400
    assert "side" in bad.content.decode()
    assert client.get("/indikatorer/udgivelser/?side=0").status_code == 400
    # past the end: the last page
    last = client.get("/indikatorer/udgivelser/?side=99").content.decode()
    assert f"Viser {PER_PAGE + 1}-{N} af {N}" in last


def test_the_other_query_parameters_stay_in_the_links(personas: Personas) -> None:
    _releases()
    html = personas.client("reader").get("/indikatorer/udgivelser/?side=2&x=1").content.decode()
    nav = _component(html)
    assert 'href="/indikatorer/udgivelser/?x=1"' in nav  # page 1 without side=1


@pytest.mark.parametrize(
    ("number", "pages", "shown"),
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 12, [1, 2, None, 12]),
        (5, 12, [1, None, 4, 5, 6, None, 12]),
        (3, 12, [1, 2, 3, 4, None, 12]),  # a gap of one page shows the page
        (12, 12, [1, None, 11, 12]),
    ],
)
def test_the_component_shows_the_ends_and_the_neighbours(
    number: int, pages: int, shown: list[int | None]
) -> None:
    assert page_numbers(number, pages) == shown
