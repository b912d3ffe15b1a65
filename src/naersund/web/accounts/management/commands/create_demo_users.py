"""``naersund web create_demo_users``: one demo user per role, all with the public demo password.

Refused unless demo mode is on (``NAERSUND_DEMO=1``): the password is written in the README.
The users are marked as demo users (``Membership.is_demo``), so that they cannot log in outside
demo mode and a server outside demo mode refuses to start while they exist.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from naersund.refdata import KKR_NAMES
from naersund.web.accounts.models import Membership, Role

DEMO_PASSWORD = "naersund-demo"
ALBERTSLUND = 165
AALBORG = 851
AMAGER_VESTEGNEN = 2712  # Sundhedsråd Amager og Vestegnen: Albertslund and eight others

# username -> (role, region_code, kommunekode, full name)
DEMO_USERS: dict[str, tuple[str, int | None, int | None, str]] = {
    "admin": (Role.NATIONAL_ADMIN, None, None, "Demo KL-administrator"),
    **{
        "kkr-" + name.removeprefix("KKR ").lower().replace("æ", "ae"): (
            Role.KKR_SECRETARY,
            code,
            None,
            f"Demo sekretariat, {name}",
        )
        for code, name in sorted(KKR_NAMES.items(), key=lambda kv: kv[1])
    },
    # a sundhedsråd's secretariat (issue 14): reads its nine municipalities as a KKR's does
    "sundhedsraad": (
        Role.KKR_SECRETARY,
        AMAGER_VESTEGNEN,
        None,
        "Demo sekretariat, Sundhedsråd Amager og Vestegnen",
    ),
    "albertslund": (Role.MUNICIPALITY_EDITOR, None, ALBERTSLUND, "Demo redaktør, Albertslund"),
    "aalborg": (Role.MUNICIPALITY_EDITOR, None, AALBORG, "Demo redaktør, Aalborg"),
    "laeser": (Role.READER, None, None, "Demo læser"),
}
# the area level of a secretariat that is not a KKR's (Membership.area_level)
DEMO_AREA_LEVELS = {"sundhedsraad": "sundhedsraad"}


class Command(BaseCommand):
    help = (
        "Opret demobrugere for hver rolle (admin, kkr-hovedstaden og de andre KKR, sundhedsraad, "
        "albertslund, aalborg, laeser) med den offentlige demoadgangskode. Kun i demotilstand (NAERSUND_DEMO=1)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default=DEMO_PASSWORD,
            help=f"Adgangskode til alle demobrugere (standard: {DEMO_PASSWORD}).",
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError(
                "Demobrugere med en offentlig adgangskode oprettes kun i demotilstand: "
                "sæt NAERSUND_DEMO=1 (aldrig på en server med rigtige data)."
            )
        users = get_user_model().objects
        for username, (role, region, kommune, full_name) in DEMO_USERS.items():
            user = users.filter(username=username).first() or users.model(username=username)
            first, _, last = full_name.partition(", ")
            user.first_name, user.last_name = first, last
            user.is_active = True
            user.is_staff = role == Role.NATIONAL_ADMIN
            user.set_password(options["password"])
            user.save()
            Membership.objects.update_or_create(
                user=user,
                defaults={
                    "role": role,
                    "area_level": DEMO_AREA_LEVELS.get(username, "kkr"),
                    "region_code": region,
                    "kommunekode": kommune,
                    "is_demo": True,
                },
            )
        self.stdout.write(
            f"Demobrugere ({len(DEMO_USERS)}): {', '.join(DEMO_USERS)}. "
            f"Adgangskode: {options['password']}"
        )
