"""``naersund web unlock_login BRUGER|ADRESSE``: lift the login throttle's lock on a user name
or an address before its cool-off ends (after checking who is asking)."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from naersund.web.accounts.models import LoginFailure
from naersund.web.accounts.throttle import account_key


class Command(BaseCommand):
    help = (
        "Ophæv spærringen af login efter for mange forkerte adgangskoder for et brugernavn "
        "eller en IP-adresse."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("who", metavar="BRUGER_ELLER_ADRESSE")

    def handle(self, *args: Any, **options: Any) -> None:
        who: str = options["who"].strip()
        failures = LoginFailure.objects.filter(username=account_key(who))
        if _is_address(who):
            failures = failures | LoginFailure.objects.filter(address=who)
        deleted, _ = failures.delete()
        self.stdout.write(f"Ophævet: {deleted} mislykkede login for {who} tæller ikke længere.")


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
