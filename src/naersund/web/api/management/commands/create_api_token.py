"""``naersund web create_api_token USER``: the API token a script sends as
``Authorization: Token <token>``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = (
        "Udskriv brugerens API-token (laves, hvis brugeren ikke har en). Scripts sender den "
        "som 'Authorization: Token <token>'. --ny erstatter en eksisterende token."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="Brugernavn.")
        parser.add_argument(
            "--ny", action="store_true", help="Lav en ny token; den gamle holder op med at virke."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Der findes ingen bruger med brugernavnet '{username}'.")
        if not user.is_active:
            raise CommandError(f"Brugeren '{username}' er deaktiveret; aktivér den først.")
        if options["ny"]:
            Token.objects.filter(user=user).delete()
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
