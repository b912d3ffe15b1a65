"""``naersund web remove_demo_users``: delete the demo users (and their API tokens), so that a
database the demo made can be used outside demo mode."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Slet demobrugerne (oprettet af create_demo_users med den offentlige adgangskode), så "
        "databasen kan bruges uden for demotilstand."
    )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model().objects.filter(membership__is_demo=True)
        names = sorted(users.values_list("username", flat=True))
        users.delete()
        if names:
            self.stdout.write(f"Slettede {len(names)} demobrugere: {', '.join(names)}.")
        else:
            self.stdout.write("Der var ingen demobrugere.")
