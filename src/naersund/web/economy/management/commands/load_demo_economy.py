"""Synthetic budgets and accounts 2012-2016 (SYNTETISKE DATA) for the demo: written by
:func:`naersund.economy.synth.generate_economy` into the data directory and imported."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from naersund.economy.synth import generate_economy
from naersund.errors import InputError
from naersund.web.economy import services

DEMO_DIR = "oekonomi-syntetisk"


class Command(BaseCommand):
    help = "Skriv og indlæs syntetiske budgetter og regnskaber 2012-2016 (kun demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        paths = generate_economy(settings.DATA_DIR / DEMO_DIR)
        for table, path in paths.items():
            try:
                result = services.import_accounts(
                    path.read_bytes(), path.name, table=table, synthetic=True
                )
            except InputError as exc:
                raise CommandError(str(exc)) from None
            for line in result.lines():
                self.stdout.write(line)
