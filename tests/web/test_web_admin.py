"""The admin: national administrators edit the catalogue and users; nobody else gets in."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from web_personas import EVERYONE, Personas

from naersund.web.catalogue import models as db


def _initiative() -> db.Initiative:
    return db.Initiative.objects.filter(goal__isnull=False, kind="skal").order_by("pk")[0]


def _form(ini: db.Initiative, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "position": ini.position,
        "goal": ini.goal_id or "",
        "action_plan": ini.action_plan_id or "",
        "slug": ini.slug,
        "kind": ini.kind,
        "title_da": ini.title_da,
        "description_da": ini.description_da,
        "deadline_year": ini.deadline_year or "",
        "deadline_da": ini.deadline_da,
    }
    if ini.pilot:
        data["pilot"] = "on"
    if ini.cross_municipal:
        data["cross_municipal"] = "on"
    data.update(changes)
    return data


def _user_form(
    user: Any,
    role: str,
    kommunekode: str = "",
    area_level: str = "kkr",  # the role's level (issue 14), preselected on the form
    region_code: str = "",
) -> dict[str, object]:
    """The admin's change form of ``user`` with its one membership set to ``role``."""
    return {
        "username": user.username,
        "date_joined_0": "2026-01-01",
        "date_joined_1": "12:00:00",
        "is_active": "on",
        "membership-TOTAL_FORMS": "1",
        "membership-INITIAL_FORMS": "1",
        "membership-MIN_NUM_FORMS": "0",
        "membership-MAX_NUM_FORMS": "1",
        "membership-0-id": user.membership.pk,
        "membership-0-user": user.pk,
        "membership-0-role": role,
        "membership-0-kommunekode": kommunekode,
        "membership-0-area_level": area_level,
        "membership-0-region_code": region_code,
    }


def test_the_national_admin_edits_an_initiative_and_the_export_shows_it(
    personas: Personas,
) -> None:
    ini = _initiative()
    url = f"/admin/catalogue/initiative/{ini.pk}/change/"
    response = personas.client("admin").post(
        url, _form(ini, title_da="Opfølgende hjemmebesøg (ny)")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ini.refresh_from_db()
    assert ini.title_da == "Opfølgende hjemmebesøg (ny)"
    out = io.StringIO()
    call_command("export_catalogue", stdout=out)
    assert "title_da: Opfølgende hjemmebesøg (ny)" in out.getvalue()


@pytest.mark.parametrize("persona", [p for p in EVERYONE if p not in ("admin", "anonymous")])
def test_it_refuses_everyone_but_the_national_admin(personas: Personas, persona: str) -> None:
    ini = _initiative()
    url = f"/admin/catalogue/initiative/{ini.pk}/change/"
    response = personas.client(persona).post(url, _form(ini, title_da="Ændret uden lov"))
    assert response.status_code == 403
    ini.refresh_from_db()
    assert ini.title_da != "Ændret uden lov"


def test_anonymous_users_are_sent_to_the_admin_login(personas: Personas) -> None:
    ini = _initiative()
    response = personas.client("anonymous").post(
        f"/admin/catalogue/initiative/{ini.pk}/change/", _form(ini, title_da="x")
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_national_admin_gives_a_user_a_role(personas: Personas) -> None:
    reader = personas.reader
    data = _user_form(reader, "municipality_editor", kommunekode="851")
    response = personas.client("admin").post(f"/admin/auth/user/{reader.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    reader.membership.refresh_from_db()
    assert (reader.membership.role, reader.membership.kommunekode) == ("municipality_editor", 851)


def test_an_editor_without_a_municipality_is_refused_with_a_danish_message(
    personas: Personas,
) -> None:
    reader = personas.reader
    data = _user_form(reader, "municipality_editor")
    response = personas.client("admin").post(f"/admin/auth/user/{reader.pk}/change/", data)
    assert response.status_code == 200
    assert "En kommunal redaktør skal have en kommune." in response.content.decode()


def test_the_national_admin_scopes_a_secretariat_to_a_sundhedsraad(personas: Personas) -> None:
    reader = personas.reader
    data = _user_form(
        reader, "kkr_secretary", area_level="sundhedsraad", region_code="1084"
    )  # a KKR's code: no sundhedsråd
    url = f"/admin/auth/user/{reader.pk}/change/"
    refused = personas.client("admin").post(url, data)
    assert refused.status_code == 200
    assert "Sundhedsråd har intet område med koden 1084" in refused.content.decode()
    done = personas.client("admin").post(url, data | {"membership-0-region_code": "2712"})
    assert done.status_code == 302
    reader.membership.refresh_from_db()
    assert (reader.membership.area_level, reader.membership.region_code) == ("sundhedsraad", 2712)
