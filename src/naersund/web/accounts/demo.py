"""Demo users: made by ``create_demo_users`` with a public password, so they may log in only
in demo mode (``NAERSUND_DEMO=1``), and a server outside demo mode refuses to start while one
exists (the system check ``naersund.E010``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError, connections

from naersund.web.accounts.models import Membership

DEMO_USERS_CHECK_ID = "naersund.E010"


def is_demo_user(user: Any) -> bool:
    try:
        membership: Membership = user.membership
    except (Membership.DoesNotExist, AttributeError):
        return False
    return membership.is_demo


def demo_login_allowed(user: Any) -> bool:
    """Whether the user may log in (password, session or API token): demo users only in demo
    mode, everyone else always (as far as this rule goes)."""
    return bool(settings.DEMO) or not is_demo_user(user)


def demo_usernames(database: str = "default") -> list[str]:
    """The demo users in the database, by username."""
    return sorted(
        Membership.objects.using(database)
        .filter(is_demo=True)
        .values_list("user__username", flat=True)
    )


@register(Tags.database)
def check_no_demo_users_outside_demo_mode(
    *, app_configs: Sequence[AppConfig] | None, databases: Sequence[str] | None, **kwargs: Any
) -> list[CheckMessage]:
    """Runs where Django checks the database (``naersund serve``, the WSGI application,
    ``check --database default``, ``migrate``)."""
    if settings.DEMO or not databases:
        return []
    problems: list[CheckMessage] = []
    for database in databases:
        try:
            names = demo_usernames(database)
        except DatabaseError:  # not migrated yet: there are no users to worry about
            connections[database].close()
            continue
        if names:
            problems.append(
                Error(
                    f"Databasen har demobrugere med den offentlige adgangskode "
                    f"({', '.join(names)}), og serveren kører ikke i demotilstand.",
                    hint="Slet dem med `naersund web remove_demo_users`, eller brug en anden "
                    "database; kun en demo må køre med NAERSUND_DEMO=1.",
                    id=DEMO_USERS_CHECK_ID,
                )
            )
    return problems
