"""``naersund web set_role``: the first national administrator of a new server (SECURITY.md's
checklist), and any user's role from the command line."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from naersund.web.accounts.models import Membership


def _set_role(*args: str) -> str:
    out = io.StringIO()
    call_command("set_role", *args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
def test_a_new_superuser_reaches_the_admin_once_it_has_the_role() -> None:
    user = User.objects.create_superuser("driften", password="en-lang-adgangskode-til-test")
    client = Client()
    client.force_login(user)
    assert client.get("/admin/").status_code == 403  # access follows the role, not is_superuser
    assert _set_role("driften", "national_admin") == "driften er nu National administrator (KL)."
    users = client.get("/admin/auth/user/")
    assert users.status_code == 200 and b"driften" in users.content


@pytest.mark.django_db
def test_a_role_can_be_changed_and_needs_its_kkr_or_municipality() -> None:
    User.objects.create_user("lise", password="en-lang-adgangskode-til-test")
    assert _set_role("lise", "municipality_editor", "--kommune", "165") == (
        "lise er nu Kommunal redaktør."
    )
    membership = Membership.objects.get(user__username="lise")
    assert (membership.role, membership.kommunekode) == ("municipality_editor", 165)
    with pytest.raises(CommandError, match=r"^Rollen kan ikke gives: Et KKR-sekretariat skal"):
        _set_role("lise", "kkr_secretary")
    _set_role("lise", "reader")
    membership.refresh_from_db()
    assert (membership.role, membership.kommunekode) == ("reader", None)


@pytest.mark.django_db
def test_an_unknown_user_is_named() -> None:
    with pytest.raises(CommandError, match=r"^Brugeren nogen findes ikke; opret den først"):
        _set_role("nogen", "reader")
