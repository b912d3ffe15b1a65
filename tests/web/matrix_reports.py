"""The report pages' rows of the role × URL matrix (see ``test_web_access.MATRIX``).

The matrix runs without published results (the page then says so);
``test_report_views`` downloads packs from a release, and ``test_security_answers_access``
reads the packs (XLSX, PDF) of both personas' municipalities and a KKR for every role: a
municipality's own answers only for those who may see them."""

from __future__ import annotations

from collections.abc import Callable

from web_personas import EVERYONE

LOGGED_IN = {"anonymous": 302} | {p: 200 for p in EVERYONE[1:]}

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
]
