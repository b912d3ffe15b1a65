"""The web tests' named personas, so that permission tests read like sentences (the users
are made once per run by ``conftest.django_db_setup``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.test import Client

ALBERTSLUND = 165  # KKR Hovedstaden
AALBORG = 851  # KKR Nordjylland
HOVEDSTADEN = 1084
NORDJYLLAND = 1081

# username -> (role, region_code, kommunekode); "anonymous" is the user who is not logged in.
PERSONAS: dict[str, tuple[str, int | None, int | None]] = {
    "admin": ("national_admin", None, None),
    "kkr_hovedstaden": ("kkr_secretary", HOVEDSTADEN, None),
    "kkr_nordjylland": ("kkr_secretary", NORDJYLLAND, None),
    "albertslund": ("municipality_editor", None, ALBERTSLUND),
    "aalborg": ("municipality_editor", None, AALBORG),
    "reader": ("reader", None, None),
}
EVERYONE = ["anonymous", *PERSONAS]


@dataclass
class Personas:
    admin: User
    kkr_hovedstaden: User
    kkr_nordjylland: User
    albertslund: User
    aalborg: User
    reader: User

    def client(self, name: str) -> Client:
        """A test client logged in as the persona (or not logged in, for "anonymous")."""
        client = Client()
        if name != "anonymous":
            client.force_login(getattr(self, name))
        return client
