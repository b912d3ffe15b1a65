"""Synlighed om resultater: with ``NAERSUND_PUBLIC_RESULTS=1`` (``settings.PUBLIC_RESULTS``)
an anonymous visitor reads the published results (the indicator pages, the definitions, the
releases, the aggregated results of closed rounds and the API's result endpoints), read-only
and with the same suppression; never a municipality's own answers (not even a published
round's: publishing opens them to logged-in users only), the questionnaire, report jobs,
effects, the catalogue or the admin. Without the setting every URL sends them to the login
page and shows nothing.

Every URL of the site is walked (``test_web_access.MATRIX``), and the content is read: a known
figure, a municipality's answer and its tilbagemelding."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from dashboard_data import results_for
from django.test import Client, override_settings
from django.utils import timezone
from matrix_survey import RESULTS, RESULTS_FILE, SLUG
from test_web_access import MATRIX
from web_personas import ALBERTSLUND, HOVEDSTADEN, Personas

from naersund.analysis.published import PublishedResults
from naersund.survey.questions import questions_from_catalogue
from naersund.web.catalogue.store import catalogue_from_db, current_version
from naersund.web.dashboard import releases
from naersund.web.dashboard.present import cell
from naersund.web.survey import services
from naersund.web.survey.models import Round

pytestmark = pytest.mark.django_db

PUBLIC = override_settings(PUBLIC_RESULTS=True)
ROUND_TITLE = "Opfølgning (offentlighedstest)"
SECRET = "Albertslunds tilbagemelding, kun for kommunen"
ANSWER = f"Implementeret ({ROUND_TITLE})"  # the Kommuneprofil's status line of an initiative
LOGIN = ("/log-ind/", "/admin/login/")
N_SKAL = 13  # KKR Hovedstaden's skal-initiatives in the shipped catalogue

# The routes an anonymous visitor reaches when the results are public; every other route
# answers as without the setting (the login page, or the API's 401).
PUBLIC_ROUTES = {
    "",
    "indikatorer/",
    "indikatorer/kommune/",
    "indikatorer/kommune/<number:kommunekode>/",
    "indikatorer/sammenlign/",
    "indikatorer/udvikling/",
    "indikatorer/omraade/",
    "indikatorer/omraade/<slug:level>/<number:code>/",
    "indikatorer/kommune/<number:kommunekode>/opdeling/<slug:indicator>/",
    "indikatorer/kkr/<number:region_code>/",
    "indikatorer/definition/<slug:indicator>/",
    "indikatorer/overblik/",
    "indikatorer/udgivelser/",
    "indikatorer/udgivelser/<number:release_id>/",
    "indikatorer/udgivelser/<number:release_id>/hent/<slug:fmt>/",
    "indikatorer/udgivelser/<number:old>/<number:new>/",
    "indikatorer/udgivelser/<number:release_id>/datakvalitet/",
    "status/",
    RESULTS,
    RESULTS_FILE,
    "api/releases/",
    "api/releases/<number:release_id>/rows/",
    "api/results/",
}


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


@pytest.fixture
def release(results_file: Path) -> PublishedResults:
    releases.publish(results_file)
    return releases.load_release()


@pytest.fixture
def published_round(personas: Personas, release: PublishedResults) -> Round:
    """A closed 2014 round, published by the administrator: Albertslund has submitted
    "implementeret" for every status question and a tilbagemelding."""
    today = timezone.localdate()
    rnd = services.create_round(
        slug="offentlig",
        title_da=ROUND_TITLE,
        year=2014,
        opens_on=today - dt.timedelta(days=30),
        closes_on=today - dt.timedelta(days=1),
    )
    version = current_version()
    assert version is not None
    status = [
        q.qid
        for q in questions_from_catalogue(catalogue_from_db(version))
        if q.kind == "status" and q.applies_to(ALBERTSLUND)
    ]
    services.save_answers(
        rnd,
        ALBERTSLUND,
        personas.admin,
        dict.fromkeys(status, "implementeret"),
        tilbagemelding=SECRET,
        allow_closed=True,
    )
    services.submit(rnd, ALBERTSLUND, personas.admin, allow_closed=True)
    services.publish_round(rnd, personas.admin)
    return rnd


def _figure(pub: PublishedResults, level: str, code: int) -> str:
    """A figure the pages show for the area in the latest year (the first indicator that has
    an unsuppressed value there), as the pages write it."""
    year = max(pub.years)
    for ind in pub.results["indicator"].unique():
        f = pub.figure(str(ind), level, code, year)
        if f.value is not None and not f.suppressed and f.year == year:
            return cell(f.value)
    raise AssertionError("no figure")


def _url(make_url: Any) -> str:
    from test_web_access import _goal_pk

    return make_url() if callable(make_url) else make_url.format(goal=_goal_pk())


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", _body(response)))


# --- the setting off (the default) ------------------------------------------------------------


def test_without_the_setting_every_url_sends_an_anonymous_visitor_to_log_in(
    personas: Personas, release: PublishedResults, published_round: Round
) -> None:
    figure = _figure(release, "kommune", ALBERTSLUND)
    anonymous = personas.client("anonymous")
    got, want = {}, {}
    for _, make_url, expected in MATRIX:
        url = _url(make_url)
        response = anonymous.get(url)
        got[url], want[url] = response.status_code, expected["anonymous"]
        body = _body(response)
        if response.status_code == 302:
            assert response["Location"].startswith(LOGIN), url
        assert SECRET not in body and ANSWER not in body, url
        assert "Albertslund" not in body, url
    assert got == want
    for url in ("/", f"/indikatorer/kommune/{ALBERTSLUND}/", "/status/offentlig/resultater/"):
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/log-ind/")
        assert figure not in _body(response)


# --- the setting on ---------------------------------------------------------------------------


@PUBLIC
def test_with_the_setting_an_anonymous_visitor_reads_what_a_reader_reads_on_public_pages_only(
    personas: Personas, release: PublishedResults, published_round: Round
) -> None:
    anonymous, reader = personas.client("anonymous"), personas.client("reader")
    got, want = {}, {}
    for route, make_url, expected in MATRIX:
        url = _url(make_url)
        response = anonymous.get(url)
        got[url] = response.status_code
        if route not in PUBLIC_ROUTES:
            want[url] = expected["anonymous"]
        elif route in (RESULTS, RESULTS_FILE) and f"/{SLUG}/" in url:
            # the matrix's round is open: its results are not public until it closes
            want[url] = 404 if url.endswith(".pdf") else 302
        else:
            want[url] = reader.get(url).status_code
        body = _body(response)
        assert SECRET not in body and ANSWER not in body, url
        if route not in PUBLIC_ROUTES and response.status_code == 302:
            assert response["Location"].startswith(LOGIN), url
    assert got == want


@PUBLIC
def test_the_public_pages_show_the_figures_with_the_same_suppression(
    release: PublishedResults,
) -> None:
    client = Client()
    albertslund = _figure(release, "kommune", ALBERTSLUND)
    denmark = _figure(release, "land", 0)
    front = client.get("/")
    assert front.status_code == 200
    text = _text(front)
    assert "Resultater for Det Nære Sundhedsvæsen" in text
    assert denmark in text
    assert "Log ind" in text and 'class="user-line"' not in _body(front)
    # not the logged-in overview (the user's role, the open round and what is missing in it)
    assert "Din rolle" not in text and 'id="runde-overskrift"' not in _body(front)
    profile = client.get(f"/indikatorer/kommune/{ALBERTSLUND}/")
    assert profile.status_code == 200 and albertslund in _text(profile)
    # a suppressed municipality's value is hidden for the public as for everyone
    suppressed = release.results[
        (release.results["level"] == "kommune") & release.results["suppressed"].astype(bool)
    ]
    if len(suppressed):
        row = suppressed.iloc[0]
        page = _text(
            client.get(f"/indikatorer/kommune/{int(row['area_code'])}/?aar={int(row['year'])}")
        )
        assert "Skjult" in page or "skjult" in page
    for url in (
        f"/indikatorer/omraade/kkr/{HOVEDSTADEN}/",
        "/indikatorer/overblik/",
        "/indikatorer/udvikling/",
        "/indikatorer/definition/forebyggelige_indlaeggelser_65/",
        "/indikatorer/udgivelser/",
        "/status/",
    ):
        assert client.get(url).status_code == 200, url
    api = client.get("/api/results/?level=land").json()
    assert api["count"] > 0


@PUBLIC
def test_the_public_never_sees_a_municipalitys_own_answers(
    personas: Personas, release: PublishedResults, published_round: Round
) -> None:
    anonymous, reader = personas.client("anonymous"), personas.client("reader")
    profile = f"/indikatorer/kommune/{ALBERTSLUND}/"
    kkr = f"/indikatorer/omraade/kkr/{HOVEDSTADEN}/"
    # a logged-in reader sees the published round's answers (and this fills the page cache);
    # the anonymous visitor of the same URLs does not
    assert ANSWER in _text(reader.get(profile))
    assert f"{N_SKAL} af {N_SKAL}" in _text(reader.get(kkr))
    page = _text(anonymous.get(profile))
    assert "Kommuneprofil: Albertslund" in page
    assert ANSWER not in page and "Status for Albertslund" not in page
    assert f"{N_SKAL} af {N_SKAL}" not in _text(anonymous.get(kkr))
    # the round's aggregated results are public (it is closed); its per-municipality answers
    # (Bilag 1, pilots, the questionnaire, the API's answers) are not
    results = anonymous.get("/status/offentlig/resultater/")
    assert results.status_code == 200
    text = _text(results)
    assert "pct." in text and SECRET not in text and "Bilag 1" not in text
    # who published the round, and what publishing means inside the platform, is for users
    assert "af admin" not in text and "Runden er offentliggjort" not in text
    assert "Runden er offentliggjort" in _text(reader.get("/status/offentlig/resultater/"))
    csv = _body(anonymous.get("/status/offentlig/resultater.csv"))
    assert "Albertslund" not in csv and SECRET not in csv
    for url in (
        f"/status/offentlig/bilag1/{HOVEDSTADEN}/",
        f"/status/offentlig/bilag1/{HOVEDSTADEN}.csv",
        f"/status/offentlig/piloter/{HOVEDSTADEN}/",
        f"/status/offentlig/kommune/{ALBERTSLUND}/",
        f"/status/offentlig/kommune/{ALBERTSLUND}/besvarelse.pdf",
    ):
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/log-ind/"), url
        assert SECRET not in _body(response) and "Implementeret" not in _body(response)
    api = anonymous.get(f"/api/rounds/offentlig/answers/{ALBERTSLUND}/")
    assert api.status_code == 401 and SECRET not in _body(api)


@PUBLIC
def test_the_public_cannot_change_anything_or_reach_drafts_jobs_effects_or_the_admin(
    personas: Personas, release: PublishedResults, published_round: Round
) -> None:
    anonymous = personas.client("anonymous")
    for url in (
        "/rapporter/",
        "/indikatorer/effekter/",
        "/katalog/",
        "/admin/",
        "/api/effects/",
        "/api/catalogue/",
    ):
        response = anonymous.get(url)
        assert response.status_code in (302, 401), url
    before = Round.objects.get(slug="offentlig").published_at
    writes = {
        "/status/offentlig/offentliggoer/": {"handling": "tilbagekald"},
        f"/status/offentlig/kommune/{ALBERTSLUND}/": {"action": "gem"},
        f"/katalog/kkr/{HOVEDSTADEN}/centrale-indikatorer/": {"plads1": "x"},
        "/rapporter/": {"omraade": "land"},
    }
    for url, form in writes.items():
        response = anonymous.post(url, form)
        assert response.status_code == 302 and response["Location"].startswith("/log-ind/"), url
    assert Round.objects.get(slug="offentlig").published_at == before
    # an open round's results and a logged-in user's pages stay closed to the public
    today = timezone.localdate()
    services.create_round(
        slug="aaben",
        title_da="Åben runde",
        year=today.year,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=1),
    )
    assert anonymous.get("/status/aaben/resultater/").status_code == 302
    rounds = _text(anonymous.get("/status/"))
    assert ROUND_TITLE in rounds and "Åben runde" not in rounds


@PUBLIC
def test_the_header_offers_log_ind_and_the_public_sections(release: PublishedResults) -> None:
    html = _body(Client().get("/indikatorer/"))
    menu = re.findall(r'class="nav-link"[^>]*><span>([^<]+)</span>', html)
    assert menu[: len(menu) // 2] == ["Forside", "Statusrunder", "Indikatorer", "Overblik"]
    assert 'href="/log-ind/?next=/indikatorer/"' in html
    assert "Log ud" not in html and "Rapporter" not in html and "Målkatalog" not in html
