"""The survey app's rows of the role × URL matrix (see ``test_web_access.MATRIX``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone
from web_personas import AALBORG, ALBERTSLUND, AMAGER_VESTEGNEN, EVERYONE, GENTOFTE

SLUG = "matrix-runde"


def _round() -> str:
    """An open round (made once per test; the test's transaction removes it again)."""
    from naersund.web.survey.models import Round
    from naersund.web.survey.services import create_round

    if not Round.objects.filter(slug=SLUG).exists():
        today = timezone.localdate()
        create_round(
            slug=SLUG,
            title_da="Opfølgning (matrix)",
            year=today.year,
            opens_on=today - dt.timedelta(days=1),
            closes_on=today + dt.timedelta(days=1),
        )
    return SLUG


def _round_admin() -> str:
    from naersund.web.survey.models import Round

    _round()
    return f"/admin/survey/round/{Round.objects.get(slug=SLUG).pk}/change/"


def _url(path: str) -> Callable[[], str]:
    return lambda: f"/status/{_round()}/{path}"


LOGGED_IN = {"anonymous": 302} | {p: 200 for p in EVERYONE[1:]}
REFUSED = {"anonymous": 302} | {p: 403 for p in EVERYONE[1:]}
# who may read a municipality's answers: its editor, its KKR's and its sundhedsråd's
# secretariats and the admin
ALBERTSLUND_READERS = REFUSED | {
    "admin": 200,
    "kkr_hovedstaden": 200,
    "albertslund": 200,
    "sr_amager_vestegnen": 200,
}
AALBORG_READERS = REFUSED | {"admin": 200, "kkr_nordjylland": 200, "aalborg": 200}
# Gentofte: KKR Hovedstaden, but another sundhedsråd than Amager og Vestegnen
GENTOFTE_READERS = REFUSED | {"admin": 200, "kkr_hovedstaden": 200}
MANAGERS = REFUSED | {
    "admin": 200,
    "kkr_hovedstaden": 200,
    "kkr_nordjylland": 200,
    "sr_amager_vestegnen": 200,
}
ADMIN_ONLY = REFUSED | {"admin": 200}
NOT_FOUND = {"anonymous": 302} | {p: 404 for p in EVERYONE[1:]}
# the PDF of a response that is not submitted: not found for those who may see it
ALBERTSLUND_NOTHING_SUBMITTED = REFUSED | {
    "admin": 404,
    "kkr_hovedstaden": 404,
    "albertslund": 404,
    "sr_amager_vestegnen": 404,
}
POST_ONLY = {"anonymous": 302} | {p: 405 for p in EVERYONE[1:]}

QUESTIONNAIRE = "status/<slug:slug>/kommune/<number:kommunekode>/"
HISTORY = "status/<slug:slug>/kommune/<number:kommunekode>/historik/"
ANSWERS_PDF = "status/<slug:slug>/kommune/<number:kommunekode>/besvarelse.pdf"
OVERVIEW = "status/<slug:slug>/overblik/"
IMPORT = "status/<slug:slug>/import/"
TEMPLATE = "status/<slug:slug>/import/skabelon.csv"
RESULTS = "status/<slug:slug>/resultater/"
RESULTS_FILE = "status/<slug:slug>/resultater.<str:fmt>"
BILAG1 = "status/<slug:slug>/bilag1/<number:region_code>/"
BILAG1_FILE = "status/<slug:slug>/bilag1/<number:region_code>.<str:fmt>"
PILOTS = "status/<slug:slug>/piloter/<number:region_code>/"
PUBLISH = "status/<slug:slug>/offentliggoer/"
# a KKR's per-municipality answers (Bilag 1, pilots): its secretariat and the admin
HOVEDSTADEN_MANAGERS = MANAGERS | {"kkr_nordjylland": 403, "sr_amager_vestegnen": 403}
NORDJYLLAND_MANAGERS = MANAGERS | {"kkr_hovedstaden": 403, "sr_amager_vestegnen": 403}
# a sundhedsråd's: its secretariat and the admin (not the KKR's secretariat)
SUNDHEDSRAAD_MANAGERS = REFUSED | {"admin": 200, "sr_amager_vestegnen": 200}

PUBLISHED = "matrix-offentlig"


def _published_url(path: str) -> Callable[[], str]:
    """A URL of a closed round that an administrator has published (made once per test)."""

    def url() -> str:
        from naersund.web.survey.models import Round
        from naersund.web.survey.services import create_round

        if not Round.objects.filter(slug=PUBLISHED).exists():
            today = timezone.localdate()
            create_round(
                slug=PUBLISHED,
                title_da="Opfølgning (offentliggjort)",
                year=today.year - 1,
                opens_on=today - dt.timedelta(days=30),
                closes_on=today - dt.timedelta(days=1),
            )
            Round.objects.filter(slug=PUBLISHED).update(published_at=timezone.now())
        return f"/status/{PUBLISHED}/{path}"

    return url


# (route pattern, URL or a function returning one, expected status per persona)
SURVEY_MATRIX: list[tuple[str, str | Callable[[], str], dict[str, int]]] = [
    ("status/", "/status/", LOGGED_IN),
    ("status/ny/", "/status/ny/", MANAGERS),  # Opret statusrunde (issue 12)
    (QUESTIONNAIRE, _url(f"kommune/{ALBERTSLUND}/"), ALBERTSLUND_READERS),
    (QUESTIONNAIRE, _url(f"kommune/{AALBORG}/"), AALBORG_READERS),
    (QUESTIONNAIRE, _url(f"kommune/{GENTOFTE}/"), GENTOFTE_READERS),
    (QUESTIONNAIRE, _url("kommune/999/"), NOT_FOUND),
    (QUESTIONNAIRE, "/status/findes-ikke/kommune/165/", NOT_FOUND),
    (HISTORY, _url(f"kommune/{ALBERTSLUND}/historik/"), ALBERTSLUND_READERS),
    (HISTORY, _url(f"kommune/{AALBORG}/historik/"), AALBORG_READERS),
    (HISTORY, _url(f"kommune/{GENTOFTE}/historik/"), GENTOFTE_READERS),
    (ANSWERS_PDF, _url(f"kommune/{ALBERTSLUND}/besvarelse.pdf"), ALBERTSLUND_NOTHING_SUBMITTED),
    (OVERVIEW, _url("overblik/"), MANAGERS),
    (OVERVIEW, _url("overblik/?kkr=1084"), HOVEDSTADEN_MANAGERS),
    (OVERVIEW, _url("overblik/?kkr=1081"), NORDJYLLAND_MANAGERS),
    (OVERVIEW, _url(f"overblik/?kkr={AMAGER_VESTEGNEN}"), SUNDHEDSRAAD_MANAGERS),
    (IMPORT, _url("import/"), MANAGERS),
    (TEMPLATE, _url("import/skabelon.csv"), MANAGERS),
    (RESULTS, _url("resultater/"), LOGGED_IN),
    (RESULTS, _url("resultater/?kkr=1081"), LOGGED_IN),
    (RESULTS, _url("resultater/?kkr=9999"), NOT_FOUND),
    (RESULTS_FILE, _url("resultater.csv?kkr=1084"), LOGGED_IN),
    (RESULTS_FILE, _url("resultater.xlsx"), LOGGED_IN),
    (RESULTS_FILE, _url("resultater.pdf"), NOT_FOUND),
    # the money answers' aggregates (a municipality's own amounts: test_survey_money_pages)
    ("status/<slug:slug>/oekonomi/", _url("oekonomi/"), LOGGED_IN),
    # a sundhedsråd is chosen only by national administrators and its own secretariat (the
    # results page's area selector); others get 404
    (
        "status/<slug:slug>/oekonomi/",
        _url("oekonomi/?kkr=2712"),
        NOT_FOUND | {"admin": 200, "sr_amager_vestegnen": 200},
    ),
    ("status/<slug:slug>/oekonomi/", _url("oekonomi/?kkr=9999"), NOT_FOUND),
    ("status/<slug:slug>/oekonomi.xlsx", _url("oekonomi.xlsx?kkr=1081"), LOGGED_IN),
    (PUBLISH, _url("offentliggoer/"), POST_ONLY),
    (BILAG1, _url("bilag1/1084/"), HOVEDSTADEN_MANAGERS),
    (BILAG1, _url("bilag1/1081/"), NORDJYLLAND_MANAGERS),
    (BILAG1, _url(f"bilag1/{AMAGER_VESTEGNEN}/"), SUNDHEDSRAAD_MANAGERS),
    (BILAG1, _url("bilag1/9999/"), NOT_FOUND),
    (BILAG1_FILE, _url("bilag1/1084.xlsx"), HOVEDSTADEN_MANAGERS),
    (BILAG1_FILE, _url("bilag1/1081.csv"), NORDJYLLAND_MANAGERS),
    (BILAG1_FILE, _url(f"bilag1/{AMAGER_VESTEGNEN}.csv"), SUNDHEDSRAAD_MANAGERS),
    (PILOTS, _url("piloter/1084/"), HOVEDSTADEN_MANAGERS),
    (PILOTS, _url("piloter/1081/"), NORDJYLLAND_MANAGERS),
    (PILOTS, _url(f"piloter/{AMAGER_VESTEGNEN}/"), SUNDHEDSRAAD_MANAGERS),
    # a published (closed) round: its per-municipality answers for every logged-in user; the
    # questionnaire and its history (drafts, names) stay with the municipality
    (BILAG1, _published_url("bilag1/1084/"), LOGGED_IN),
    (BILAG1_FILE, _published_url("bilag1/1081.csv"), LOGGED_IN),
    (PILOTS, _published_url("piloter/1081/"), LOGGED_IN),
    (QUESTIONNAIRE, _published_url(f"kommune/{ALBERTSLUND}/"), ALBERTSLUND_READERS),
    (HISTORY, _published_url(f"kommune/{AALBORG}/historik/"), AALBORG_READERS),
    (ANSWERS_PDF, _published_url(f"kommune/{ALBERTSLUND}/besvarelse.pdf"), NOT_FOUND),
]
