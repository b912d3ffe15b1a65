"""Every integer the site takes from a URL, a query string, a form or an API parameter is read
strictly (:func:`naersund.parsing.parse_int`): Unicode digits (``²``, ``¹⁶⁵``, ``١٦٥``), a
20-digit and a 5,000-digit number are refused with a 400 or 404 in Danish, never a 500.

Before, ``str.isdigit()`` let ``²`` through to ``int()``, which raised (a 500), and ``int()``
read ``١٦٥`` as 165. Path parameters use ``<number:...>`` (1-9 ASCII digits): anything else
does not match, so it is a 404. Each test collects every URL that answered wrongly, so a
failure lists them all.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dashboard_data import results_for
from django.test import Client
from matrix_survey import SLUG, _round
from web_personas import ALBERTSLUND, HOVEDSTADEN, Personas

from naersund.web.dashboard import releases
from naersund.web.dashboard.models import Release
from naersund.web.survey import services
from naersund.web.survey.forms import version_name
from naersund.web.survey.models import Round

pytestmark = pytest.mark.django_db

FIVE_THOUSAND = "9" * 5000
BAD = ["²", "¹⁶⁵", "١٦٥", "9" * 20, FIVE_THOUSAND]


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


@pytest.fixture
def release(results_file: Path) -> Release:
    return releases.publish(results_file)


@pytest.fixture
def admin(personas: Personas) -> Client:
    _round()  # the open round SLUG
    return personas.client("admin")


def _text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def _refusals(client: Client, urls: list[str], status: int, *texts: str) -> list[str]:
    """The URLs that were not answered with ``status`` and every one of ``texts``."""
    wrong = []
    for url in urls:
        response = client.get(url)
        body = _text(response)
        if response.status_code != status or not all(t in body for t in texts):
            wrong.append(f"{url[:80]} -> {response.status_code}")
    return wrong


def _api_refusals(client: Client, urls: list[str], status: int, kode: str) -> list[str]:
    """The API URLs that were not answered with ``status`` and Danish JSON of ``kode``."""
    wrong = []
    for url in urls:
        response = client.get(url)
        try:
            body = json.loads(_text(response))
        except ValueError:
            body = {}
        if response.status_code != status or body.get("kode") != kode or not body.get("fejl"):
            wrong.append(f"{url[:80]} -> {response.status_code}")
    return wrong


PATH_PAGES = [
    "/katalog/kkr/{}/",
    "/indikatorer/kommune/{}/",
    "/indikatorer/kkr/{}/",
    "/indikatorer/omraade/kkr/{}/",
    "/indikatorer/udgivelser/{}/1/",
    "/indikatorer/udgivelser/1/{}/",
    f"/status/{SLUG}/kommune/{{}}/",
    f"/status/{SLUG}/kommune/{{}}/historik/",
    f"/status/{SLUG}/bilag1/{{}}/",
    f"/status/{SLUG}/bilag1/{{}}.csv",
    f"/status/{SLUG}/piloter/{{}}/",
]
API_PATHS = [
    f"/api/rounds/{SLUG}/answers/{{}}/",
    f"/api/rounds/{SLUG}/answers/{{}}/submit/",
    f"/api/rounds/{SLUG}/answers/{{}}/reopen/",
]


def test_a_bad_number_in_a_page_address_is_a_danish_404(admin: Client) -> None:
    urls = [page.format(bad) for page in PATH_PAGES for bad in BAD]
    assert _refusals(admin, urls, 404, "Siden findes ikke") == []


def test_a_bad_number_in_an_api_address_is_a_danish_json_404(admin: Client) -> None:
    urls = [page.format(bad) for page in API_PATHS for bad in BAD]
    assert _api_refusals(admin, urls, 404, "findes_ikke") == []
    for bad in BAD:
        response = admin.post(API_PATHS[1].format(bad))
        assert response.status_code == 404, bad[:20]


def test_a_bad_number_in_a_dashboard_filter_is_a_danish_400_naming_it(
    release: Release, admin: Client
) -> None:
    urls = [
        page.format(name, bad)
        for page in (
            "/indikatorer/sammenlign/?{}={}",
            "/indikatorer/udvikling/?{}={}",
            f"/indikatorer/kommune/{ALBERTSLUND}/?{{}}={{}}",
            f"/indikatorer/omraade/kkr/{HOVEDSTADEN}/?{{}}={{}}",
        )
        for name in ("aar", "kkr", "kommune")
        for bad in BAD
    ]
    urls += [f"/indikatorer/kommune/?kommune={bad}" for bad in BAD]
    assert _refusals(admin, urls, 400, "Forespørgslen kan ikke bruges") == []
    # the message names the parameter and says what is wrong
    page = _text(admin.get("/indikatorer/sammenlign/?aar=²"))
    assert "aar: &#x27;²&#x27; er ikke et heltal (kun cifrene 0-9)." in page
    page = _text(admin.get(f"/indikatorer/sammenlign/?kkr={FIVE_THOUSAND}"))
    assert "kkr: tallet har 5000 cifre; højst 4 er tilladt." in page
    assert FIVE_THOUSAND not in page


def test_a_bad_kkr_in_the_survey_pages_is_a_danish_400(admin: Client) -> None:
    urls = [
        f"/status/{SLUG}/{page}?kkr={bad}"
        for page in ("overblik/", "resultater/", "resultater.csv", "resultater.xlsx")
        for bad in BAD
    ]
    assert _refusals(admin, urls, 400, "Forespørgslen kan ikke bruges", "kkr: ") == []


def test_a_bad_year_or_area_in_the_report_form_is_a_danish_400(
    release: Release, admin: Client
) -> None:
    year = max(releases.load_release(release.pk).years)
    base = "/rapporter/?hent=1&niveau=politisk&format=html"
    urls = [f"{base}&omraade=kommune-{ALBERTSLUND}&aar={bad}" for bad in BAD]
    assert _refusals(admin, urls, 400, "Vælg et år mellem") == []
    urls = [f"{base}&omraade={kind}-{bad}&aar={year}" for kind in ("kommune", "kkr") for bad in BAD]
    assert _refusals(admin, urls, 400, "Vælg en kommune, en KKR eller et andet område.") == []


def test_a_bad_api_parameter_is_a_danish_json_400_naming_it(
    release: Release, admin: Client
) -> None:
    urls = [
        *(f"/api/rounds/{SLUG}/questions/?kommune={bad}" for bad in BAD),
        *(f"/api/results/?{name}={bad}" for name in ("release", "area", "year") for bad in BAD),
    ]
    assert _api_refusals(admin, urls, 400, "ugyldig_forespoergsel") == []
    body = json.loads(_text(admin.get("/api/results/?year=¹⁶⁵")))
    assert body["fejl_pr_felt"] == {"year": "'¹⁶⁵' er ikke et heltal (kun cifrene 0-9)."}
    body = json.loads(_text(admin.get(f"/api/results/?release={FIVE_THOUSAND}")))
    assert body["fejl_pr_felt"] == {"release": "tallet har 5000 cifre; højst 9 er tilladt."}


def test_a_bad_version_in_the_questionnaire_form_is_a_danish_400(personas: Personas) -> None:
    slug = _round()
    question = services.questions_for(Round.objects.get(slug=slug), ALBERTSLUND)[0]
    editor = personas.client("albertslund")
    url = f"/status/{slug}/kommune/{ALBERTSLUND}/"
    for bad in BAD:
        response = editor.post(url, {"action": "gem", version_name(question.qid): bad})
        assert response.status_code == 400, bad[:20]
        assert f"{version_name(question.qid)}: " in _text(response)


def test_a_request_for_another_host_is_the_danish_400_without_details(personas: Personas) -> None:
    # refused before the login middleware has run: the 400 page must not need request.user
    response = Client().get("/katalog/", HTTP_HOST="naersund.example.org")
    assert response.status_code == 400
    assert "Forespørgslen kan ikke bruges" in _text(response)
    assert "naersund.example.org" not in _text(response)
