"""Who sees what: every URL of the site with every persona, and the access helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.urls import URLPattern, URLResolver, get_resolver
from matrix_api import API_MATRIX
from matrix_dashboard import DASHBOARD_MATRIX
from matrix_economy import ECONOMY_MATRIX
from matrix_practice import PRACTICE_MATRIX
from matrix_reports import REPORTS_MATRIX
from matrix_survey import SURVEY_MATRIX
from web_personas import AALBORG, ALBERTSLUND, EVERYONE, HOVEDSTADEN, NORDJYLLAND, Personas

from naersund.web.accounts import access
from naersund.web.catalogue import models as db

ADMIN_ONLY = {"anonymous": 302, "admin": 200} | {p: 403 for p in EVERYONE[2:]}
LOGGED_IN = {"anonymous": 302} | {p: 200 for p in EVERYONE[1:]}


def _goal_pk() -> int:
    return db.Goal.objects.order_by("pk").values_list("pk", flat=True)[0]


# (route pattern, a URL of it, expected status per persona); the admin is sampled. A URL is a
# string ("{goal}" is filled in) or a function of nothing that returns one (it runs inside the
# test, with the database). Each app's URLs are listed in its own ``matrix_<app>.py``.
CORE_MATRIX: list[tuple[str, str | Callable[[], str], dict[str, int]]] = [
    ("", "/", LOGGED_IN),
    ("log-ind/", "/log-ind/", {p: 200 for p in EVERYONE}),
    ("log-ud/", "/log-ud/", {p: 405 for p in EVERYONE}),  # POST only (see the logout test)
    ("katalog/", "/katalog/", LOGGED_IN),
    ("katalog/kkr/<number:region_code>/", f"/katalog/kkr/{HOVEDSTADEN}/", LOGGED_IN),
    ("katalog/kkr/<number:region_code>/", f"/katalog/kkr/{NORDJYLLAND}/", LOGGED_IN),
    (
        "katalog/kkr/<number:region_code>/",
        "/katalog/kkr/9999/",
        {"anonymous": 302} | {p: 404 for p in EVERYONE[1:]},
    ),
    (
        "katalog/kkr/<number:region_code>/centrale-indikatorer/",
        f"/katalog/kkr/{HOVEDSTADEN}/centrale-indikatorer/",
        {"anonymous": 302, "admin": 200, "kkr_hovedstaden": 200}
        | {p: 403 for p in EVERYONE[1:] if p not in ("admin", "kkr_hovedstaden")},
    ),
    ("admin/", "/admin/", ADMIN_ONLY),
    ("admin/", "/admin/catalogue/initiative/", ADMIN_ONLY),
    ("admin/", "/admin/catalogue/goal/{goal}/change/", ADMIN_ONLY),
    ("admin/", "/admin/catalogue/catalogueversion/", ADMIN_ONLY),
    ("admin/", "/admin/auth/user/", ADMIN_ONLY),
    (
        "admin/",
        "/admin/accounts/membership/add/",
        {"anonymous": 302} | {p: 404 if p == "admin" else 403 for p in EVERYONE[1:]},
    ),  # roles are edited on the user (inline), not on their own
]
MATRIX = (
    CORE_MATRIX
    + SURVEY_MATRIX
    + DASHBOARD_MATRIX
    + API_MATRIX
    + REPORTS_MATRIX
    + ECONOMY_MATRIX
    + PRACTICE_MATRIX
)


def _routes(patterns: list[Any], prefix: str = "") -> set[str]:
    routes: set[str] = set()
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver) and route != "admin/":
            routes |= _routes(p.url_patterns, route)
        elif isinstance(p, URLResolver | URLPattern):
            routes.add(route)
    return routes


def test_the_matrix_covers_every_url_of_the_site() -> None:
    assert _routes(get_resolver().url_patterns) == {route for route, _, _ in MATRIX}


@pytest.mark.parametrize("persona", EVERYONE)
def test_every_url_answers_each_persona_as_expected(personas: Personas, persona: str) -> None:
    client = personas.client(persona)
    got = {}
    want = {}
    for _, make_url, expected in MATRIX:
        url = make_url() if callable(make_url) else make_url.format(goal=_goal_pk())
        got[url] = client.get(url).status_code
        want[url] = expected[persona]
    assert got == want


def test_anonymous_users_are_sent_to_the_login_page(personas: Personas) -> None:
    response = personas.client("anonymous").get("/katalog/")
    assert response["Location"] == "/log-ind/?next=/katalog/"


def test_a_user_can_log_in_and_out(personas: Personas) -> None:
    from django.test import Client

    client = Client()
    response = client.post(
        "/log-ind/", {"username": "reader", "password": "adgangskode-til-test", "next": "/katalog/"}
    )
    assert response.status_code == 302 and response["Location"] == "/katalog/"
    assert client.get("/katalog/").status_code == 200
    response = client.post("/log-ud/")
    assert response.status_code == 302
    assert client.get("/katalog/").status_code == 302


def test_a_wrong_password_is_refused_in_danish(personas: Personas) -> None:
    from django.test import Client

    response = Client().post("/log-ind/", {"username": "reader", "password": "forkert"})
    assert response.status_code == 200
    assert "Brugernavn og adgangskode passer ikke sammen" in response.content.decode()


def test_an_inactive_user_is_refused(personas: Personas) -> None:
    personas.reader.is_active = False
    personas.reader.save()
    assert not access.can_view_catalogue(personas.reader)
    assert not access.can_edit_municipality(personas.reader, ALBERTSLUND)


def test_albertslund_edits_albertslund_only(personas: Personas) -> None:
    assert access.can_edit_municipality(personas.albertslund, ALBERTSLUND)
    assert not access.can_edit_municipality(personas.albertslund, AALBORG)
    assert access.can_edit_municipality(personas.aalborg, AALBORG)
    assert not access.can_edit_municipality(personas.aalborg, ALBERTSLUND)


def test_editors_and_readers_view_every_municipality(personas: Personas) -> None:
    for user in (personas.albertslund, personas.aalborg, personas.reader):
        assert access.can_view_municipality(user, ALBERTSLUND)
        assert access.can_view_municipality(user, AALBORG)
    assert not access.can_view_municipality(personas.reader, 999)  # no such municipality
    assert not access.can_view_municipality(AnonymousUser(), ALBERTSLUND)


def test_the_kkr_secretary_manages_her_own_kkr_only(personas: Personas) -> None:
    assert access.can_manage_region(personas.kkr_hovedstaden, HOVEDSTADEN)
    assert not access.can_manage_region(personas.kkr_hovedstaden, NORDJYLLAND)
    assert not access.can_edit_municipality(personas.kkr_hovedstaden, ALBERTSLUND)


def test_the_national_admin_may_do_everything(personas: Personas) -> None:
    assert access.can_manage_region(personas.admin, NORDJYLLAND)
    assert access.can_edit_municipality(personas.admin, AALBORG)
    assert access.can_use_admin(personas.admin)


def test_readers_and_users_without_a_role_edit_nothing(personas: Personas) -> None:
    nobody = User.objects.create_user("uden_rolle")
    for user in (personas.reader, nobody, AnonymousUser()):
        assert not access.can_edit_municipality(user, ALBERTSLUND)
        assert not access.can_manage_region(user, HOVEDSTADEN)
        assert not access.can_use_admin(user)
    assert access.can_view_catalogue(nobody)  # the catalogue is open to every logged-in user


def test_only_the_admin_sees_the_administration_link(personas: Personas) -> None:
    assert "Administration" in personas.client("admin").get("/katalog/").content.decode()
    assert "Administration" not in personas.client("reader").get("/katalog/").content.decode()
