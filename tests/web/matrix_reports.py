"""The report pages' rows of the role × URL matrix (see ``test_web_access.MATRIX``).

The matrix runs without published results (the page then says so);
``test_report_views`` downloads packs from a release, and ``test_security_answers_access``
reads the packs (XLSX, PDF) of both personas' municipalities and a KKR for every role: a
municipality's own answers only for those who may see them."""

from __future__ import annotations

from collections.abc import Callable

from web_personas import EVERYONE

LOGGED_IN = {"anonymous": 302} | {p: 200 for p in EVERYONE[1:]}
READERS_OWN = {"anonymous": 302} | {p: 200 if p == "reader" else 404 for p in EVERYONE[1:]}
NOT_DONE = {"anonymous": 302} | {p: 404 for p in EVERYONE[1:]}


def _readers_job() -> int:
    """A job the reader ordered (failed, so there is no file to download)."""
    from django.contrib.auth.models import User

    from naersund.web.reportjobs.models import ReportJob

    job = ReportJob.objects.create(
        user=User.objects.get(username="reader"),
        level="politisk",
        area_level="kommune",
        area_code=165,
        year=2014,
        fmt="pdf",
        title="Politisk niveau · Albertslund Kommune · 2014 · PDF",
        status=ReportJob.Status.FAILED,
        error="Der er ikke offentliggjort nogen resultater endnu",
    )
    return job.pk


# (route pattern, URL or a function returning one, expected status per persona)
REPORTS_MATRIX: list[tuple[str, str | Callable[[], str], dict[str, int]]] = [
    ("rapporter/", "/rapporter/", LOGGED_IN),
    (
        "rapporter/",
        "/rapporter/?hent=1&omraade=kommune-165&niveau=politisk&aar=2014&format=pdf",
        LOGGED_IN,
    ),
    (
        "rapporter/",
        "/rapporter/?hent=1&omraade=kommune-851&niveau=politisk&aar=2014&format=xlsx",
        LOGGED_IN,
    ),
    (
        "rapporter/",
        "/rapporter/?hent=1&omraade=kkr-1084&niveau=direktoer&aar=2014&format=xlsx",
        LOGGED_IN,
    ),
    ("rapporter/job/<number:pk>/", lambda: f"/rapporter/job/{_readers_job()}/", READERS_OWN),
    (
        "rapporter/job/<number:pk>/status/",
        lambda: f"/rapporter/job/{_readers_job()}/status/",
        READERS_OWN,
    ),
    ("rapporter/job/<number:pk>/hent/", lambda: f"/rapporter/job/{_readers_job()}/hent/", NOT_DONE),
]
