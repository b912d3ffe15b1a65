"""The api app's rows of the role × URL matrix (see ``test_web_access.MATRIX``).

Without a login the API answers 401 (it asks for a token); write-only endpoints answer GET
with 405 to those who are logged in. A municipality's answers are for its editors, its KKR's
secretariat and national administrators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from web_personas import AALBORG, ALBERTSLUND, EVERYONE

API_ROUND = "api-runde"
ANON = {"anonymous": 401}
USERS = EVERYONE[1:]
LOGGED_IN = ANON | {p: 200 for p in USERS}
POST_ONLY = ANON | {p: 405 for p in USERS}
NOWHERE = {p: 404 for p in EVERYONE}


# Without a published release the results answer 404 (the tests that publish one are in
# test_api.py); with one, every logged-in user reads them.
RESULTS = ANON | {p: 404 for p in USERS}
# a municipality's answers in a round that is not published: its editor, its KKR's and its
# sundhedsråd's secretariats, the admin
ALBERTSLUND_ANSWERS = (
    ANON
    | {p: 403 for p in USERS}
    | {
        "admin": 200,
        "kkr_hovedstaden": 200,
        "albertslund": 200,
        "sr_amager_vestegnen": 200,
    }
)
AALBORG_ANSWERS = (
    ANON
    | {p: 403 for p in USERS}
    | {
        "admin": 200,
        "kkr_nordjylland": 200,
        "aalborg": 200,
    }
)


def api_round() -> str:
    """The slug of an open round with the shipped catalogue's questions (made on first use)."""
    from naersund.web.survey import services
    from naersund.web.survey.models import Round

    if not Round.objects.filter(slug=API_ROUND).exists():
        today = dt.date.today()
        services.create_round(
            slug=API_ROUND,
            title_da="Opfølgning (API-test)",
            year=today.year,
            opens_on=today - dt.timedelta(days=1),
            closes_on=today + dt.timedelta(days=30),
        )
    return API_ROUND


def _url(tail: str) -> Callable[[], str]:
    return lambda: f"/api/rounds/{api_round()}/{tail}"


# (route pattern, URL or a function returning one, expected status per persona)
API_MATRIX: list[tuple[str, str | Callable[[], str], dict[str, int]]] = [
    ("api/schema/", "/api/schema/", LOGGED_IN),
    (
        "api/docs/",
        "/api/docs/",
        {"anonymous": 302} | {p: 200 for p in LOGGED_IN if p != "anonymous"},
    ),
    ("api/catalogue/", "/api/catalogue/", LOGGED_IN),
    ("api/rounds/", "/api/rounds/", LOGGED_IN),
    ("api/rounds/<slug:slug>/", _url(""), LOGGED_IN),
    (
        "api/rounds/<slug:slug>/",
        "/api/rounds/findes-ikke/",
        ANON | {p: 404 for p in NOWHERE if p != "anonymous"},
    ),
    ("api/rounds/<slug:slug>/questions/", _url("questions/"), LOGGED_IN),
    ("api/rounds/<slug:slug>/answers/", _url("answers/"), LOGGED_IN),
    (
        "api/rounds/<slug:slug>/answers/<number:kommunekode>/",
        _url(f"answers/{ALBERTSLUND}/"),
        ALBERTSLUND_ANSWERS,
    ),
    (
        "api/rounds/<slug:slug>/answers/<number:kommunekode>/",
        _url(f"answers/{AALBORG}/"),
        AALBORG_ANSWERS,
    ),
    (
        "api/rounds/<slug:slug>/answers/<number:kommunekode>/",
        _url("answers/999/"),
        ANON | {p: 404 for p in NOWHERE if p != "anonymous"},
    ),
    (
        "api/rounds/<slug:slug>/answers/<number:kommunekode>/submit/",
        _url(f"answers/{ALBERTSLUND}/submit/"),
        POST_ONLY,
    ),
    (
        "api/rounds/<slug:slug>/answers/<number:kommunekode>/reopen/",
        _url(f"answers/{ALBERTSLUND}/reopen/"),
        POST_ONLY,
    ),
    ("api/releases/", "/api/releases/", LOGGED_IN),
    ("api/releases/<number:release_id>/rows/", "/api/releases/999/rows/", RESULTS),
    ("api/results/", "/api/results/?level=land", RESULTS),
    ("api/effects/", "/api/effects/", RESULTS),
    ("api/practice/", "/api/practice/", LOGGED_IN),
    ("api/practice/<number:pk>/", "/api/practice/999999/", ANON | {p: 404 for p in USERS}),
    # without imported budgets 404 (test_api_economy imports them)
    ("api/economy/", "/api/economy/?level=land", RESULTS),
    ("api/rounds/<slug:slug>/money/", _url("money/"), LOGGED_IN),
    # as the page: a sundhedsråd only for national administrators and its own secretariat
    (
        "api/rounds/<slug:slug>/money/",
        _url("money/?area=2712"),
        ANON | {p: 404 for p in USERS} | {"admin": 200, "sr_amager_vestegnen": 200},
    ),
    (
        "api/rounds/<slug:slug>/money/",
        _url("money/?area=9999"),
        ANON | {p: 404 for p in NOWHERE if p != "anonymous"},
    ),
    ("api/^(?P<rest>[\\s\\S]*)$", "/api/findes-ikke/", NOWHERE),
]
