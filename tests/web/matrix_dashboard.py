"""The dashboard app's rows of the role × URL matrix (see ``test_web_access.MATRIX``).

The matrix runs without published results (the pages then say so); ``test_dashboard_pages``
checks the pages with a release, and ``test_security_answers_access`` reads the Kommuneprofil
and Områdeoverblik of both personas' municipalities for every role: a municipality's own survey
answers only for its editors, its KKR secretariat and the admin, or everyone once the round is
published."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from web_personas import AALBORG, ALBERTSLUND, EVERYONE, HOVEDSTADEN, NORDJYLLAND

LOGGED_IN = {"anonymous": 302} | {p: 200 for p in EVERYONE[1:]}
NOT_FOUND = {"anonymous": 302} | {p: 404 for p in EVERYONE[1:]}
MOVED = {"anonymous": 302} | {p: 301 for p in EVERYONE[1:]}


def _two_releases() -> str:
    """Two empty releases (made inside the test's transaction) and the URL of their diff."""
    from naersund.web.dashboard.models import Release

    day = dt.date(2016, 12, 31)
    ids = [
        Release.objects.create(
            data_period_start=day, data_period_end=day, data_cut=day, code_version="0", row_count=0
        ).pk
        for _ in range(2)
    ]
    return f"/indikatorer/udgivelser/{ids[0]}/{ids[1]}/"


def _quality_page() -> str:
    """The data-quality page of an empty release (it then says it has none)."""
    return _two_releases().rsplit("/", 2)[0] + "/datakvalitet/"


def _one_release() -> str:
    """An empty release (made inside the test's transaction) and its page's URL."""
    return _two_releases().rsplit("/", 2)[0] + "/"


P = "indikatorer/"
# (route pattern, URL or a function returning one, expected status per persona)
DASHBOARD_MATRIX: list[tuple[str, str | Callable[[], str], dict[str, int]]] = [
    (P, "/indikatorer/", LOGGED_IN),
    (P + "kommune/", f"/indikatorer/kommune/?kommune={ALBERTSLUND}", {p: 302 for p in EVERYONE}),
    (P + "kommune/", "/indikatorer/kommune/?kommune=7", NOT_FOUND),
    (P + "kommune/<number:kommunekode>/", f"/indikatorer/kommune/{ALBERTSLUND}/", LOGGED_IN),
    (P + "kommune/<number:kommunekode>/", f"/indikatorer/kommune/{AALBORG}/", LOGGED_IN),
    (P + "kommune/<number:kommunekode>/", "/indikatorer/kommune/7/", NOT_FOUND),
    (
        P + "kommune/<number:kommunekode>/opdeling/<slug:indicator>/",
        f"/indikatorer/kommune/{ALBERTSLUND}/opdeling/forebyggelige_indlaeggelser_65/",
        LOGGED_IN,
    ),
    (
        P + "kommune/<number:kommunekode>/opdeling/<slug:indicator>/",
        "/indikatorer/kommune/7/opdeling/forebyggelige_indlaeggelser_65/",
        NOT_FOUND,
    ),
    (P + "sammenlign/", "/indikatorer/sammenlign/", LOGGED_IN),
    (P + "udvikling/", "/indikatorer/udvikling/", LOGGED_IN),
    # the KKR-overblik's old address: the Områdeoverblik of the KKR, moved permanently
    (P + "kkr/<number:region_code>/", f"/indikatorer/kkr/{HOVEDSTADEN}/", MOVED),
    (P + "kkr/<number:region_code>/", f"/indikatorer/kkr/{NORDJYLLAND}/", MOVED),
    (P + "kkr/<number:region_code>/", "/indikatorer/kkr/9999/", NOT_FOUND),
    (P + "omraade/", "/indikatorer/omraade/?omraade=sundhedsraad:2712", {p: 302 for p in EVERYONE}),
    (P + "omraade/", "/indikatorer/omraade/?omraade=sundhedsraad", NOT_FOUND),
    (
        P + "omraade/<slug:level>/<number:code>/",
        "/indikatorer/omraade/sundhedsraad/2712/",
        LOGGED_IN,
    ),
    (P + "omraade/<slug:level>/<number:code>/", "/indikatorer/omraade/region2027/1086/", LOGGED_IN),
    (
        P + "omraade/<slug:level>/<number:code>/",
        f"/indikatorer/omraade/kkr/{HOVEDSTADEN}/",
        LOGGED_IN,
    ),
    (P + "omraade/<slug:level>/<number:code>/", "/indikatorer/omraade/kkr/9999/", NOT_FOUND),
    (
        P + "omraade/<slug:level>/<number:code>/",
        "/indikatorer/omraade/sundhedsraad/2799/",
        NOT_FOUND,
    ),
    (P + "omraade/<slug:level>/<number:code>/", "/indikatorer/omraade/land/0/", NOT_FOUND),
    (
        P + "definition/<slug:indicator>/",
        "/indikatorer/definition/forebyggelige_indlaeggelser_65/",
        LOGGED_IN,
    ),
    (P + "definition/<slug:indicator>/", "/indikatorer/definition/ukendt/", NOT_FOUND),
    (P + "overblik/", "/indikatorer/overblik/", LOGGED_IN),
    (P + "udgivelser/", "/indikatorer/udgivelser/", LOGGED_IN),
    (P + "udgivelser/<number:release_id>/", _one_release, LOGGED_IN),
    (P + "udgivelser/<number:release_id>/", "/indikatorer/udgivelser/999/", NOT_FOUND),
    (
        P + "udgivelser/<number:release_id>/hent/<slug:fmt>/",
        lambda: _one_release() + "hent/csv/",
        LOGGED_IN,
    ),
    (
        P + "udgivelser/<number:release_id>/hent/<slug:fmt>/",
        lambda: _one_release() + "hent/pdf/",
        NOT_FOUND,
    ),
    (
        P + "udgivelser/<number:release_id>/hent/<slug:fmt>/",
        lambda: _one_release() + "hent/omraader/",  # published without an areas file
        NOT_FOUND,
    ),
    (P + "udgivelser/<number:old>/<number:new>/", _two_releases, LOGGED_IN),
    (P + "udgivelser/<number:old>/<number:new>/", "/indikatorer/udgivelser/998/999/", NOT_FOUND),
    (P + "effekter/", "/indikatorer/effekter/", LOGGED_IN),
    (
        P + "effekter/<slug:initiative>/<slug:indicator>/",
        "/indikatorer/effekter/akutteam/forebyggelige_indlaeggelser_65/",
        LOGGED_IN,
    ),
    (P + "udgivelser/<number:release_id>/datakvalitet/", _quality_page, LOGGED_IN),
    (
        P + "udgivelser/<number:release_id>/datakvalitet/",
        "/indikatorer/udgivelser/999/datakvalitet/",
        NOT_FOUND,
    ),
]
