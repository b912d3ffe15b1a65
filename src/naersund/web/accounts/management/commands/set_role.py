"""``naersund web set_role BRUGER ROLLE [--kkr KODE [--niveau NIVEAU]] [--kommune KODE]``: give a
user its role (a secretariat's area: ``--niveau sundhedsraad --kkr 2712`` for a sundhedsråd)

(the first national administrator of a new server needs this: ``createsuperuser`` makes a
user, but access follows the role, see ``accounts/access.py``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from naersund.refdata import scopes
from naersund.web.accounts.models import Membership, Role


class Command(BaseCommand):
    help = (
        "Giv en bruger en rolle: national_admin, kkr_secretary (med --kkr), "
        "municipality_editor (med --kommune) eller reader."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", metavar="BRUGER")
        parser.add_argument("role", metavar="ROLLE", choices=[r.value for r in Role])
        parser.add_argument(
            "--kkr",
            type=int,
            help="Sekretariatets områdekode: KKR 1081-1085, sundhedsråd 2701-2717 (med "
            "--niveau sundhedsraad).",
        )
        parser.add_argument(
            "--niveau",
            default=scopes.DEFAULT_LEVEL,
            choices=list(scopes.SCOPE_LEVELS),
            help="Sekretariatets niveau (standard: kkr).",
        )
        parser.add_argument("--kommune", type=int, help="Kommunekode (fx 165).")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(
                f"Brugeren {options['username']} findes ikke; opret den først "
                "(fx med `naersund web createsuperuser`)."
            )
        role = Role(options["role"])
        membership = Membership.objects.filter(user=user).first() or Membership(user=user)
        membership.role = role
        membership.region_code = options["kkr"] if role == Role.KKR_SECRETARY else None
        membership.area_level = options["niveau"]
        membership.kommunekode = options["kommune"] if role == Role.MUNICIPALITY_EDITOR else None
        try:
            membership.full_clean()
        except ValidationError as exc:
            problems = "; ".join(m for ms in exc.message_dict.values() for m in ms)
            raise CommandError(f"Rollen kan ikke gives: {problems}") from None
        membership.save()
        user.is_staff = role == Role.NATIONAL_ADMIN
        user.save(update_fields=["is_staff"])
        self.stdout.write(f"{user.get_username()} er nu {role.label}.")
