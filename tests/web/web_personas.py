"""The web tests' named personas, so that permission tests read like sentences (the users
are made once per run by ``conftest.django_db_setup``, with :func:`create_shared_rows`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.test import Client

ALBERTSLUND = 165  # KKR Hovedstaden
AALBORG = 851  # KKR Nordjylland
HOVEDSTADEN = 1084
NORDJYLLAND = 1081
GENTOFTE = 157  # KKR Hovedstaden, Sundhedsråd Københavns Omegn Nord
AMAGER_VESTEGNEN = 2712  # Sundhedsråd Amager og Vestegnen: Albertslund and eight others

# username -> (role, region_code, kommunekode); "anonymous" is the user who is not logged in.
PERSONAS: dict[str, tuple[str, int | None, int | None]] = {
    "admin": ("national_admin", None, None),
    "kkr_hovedstaden": ("kkr_secretary", HOVEDSTADEN, None),
    "kkr_nordjylland": ("kkr_secretary", NORDJYLLAND, None),
    "albertslund": ("municipality_editor", None, ALBERTSLUND),
    "aalborg": ("municipality_editor", None, AALBORG),
    "reader": ("reader", None, None),
    # a sundhedsråd's secretariat (level sundhedsraad, see AREA_LEVELS)
    "sr_amager_vestegnen": ("kkr_secretary", AMAGER_VESTEGNEN, None),
}
# the area level of a secretariat persona that is not a KKR's
AREA_LEVELS = {"sr_amager_vestegnen": "sundhedsraad"}
EVERYONE = ["anonymous", *PERSONAS]


def create_shared_rows() -> None:
    """What every web test may count on: the shipped catalogue and one user per persona. Made
    once per run, and again after a test that empties the database (``transactional_db``)."""
    from naersund.catalogue import load_catalogue
    from naersund.web.accounts.models import Membership
    from naersund.web.catalogue.store import save_catalogue

    save_catalogue(load_catalogue(), source="shipped")
    for name, (role, region, kommune) in PERSONAS.items():
        user = User.objects.create_user(name, password="adgangskode-til-test")
        Membership.objects.create(
            user=user,
            role=role,
            region_code=region,
            kommunekode=kommune,
            area_level=AREA_LEVELS.get(name, "kkr"),
        )


@dataclass
class Personas:
    admin: User
    kkr_hovedstaden: User
    kkr_nordjylland: User
    albertslund: User
    aalborg: User
    reader: User
    sr_amager_vestegnen: User

    def client(self, name: str) -> Client:
        """A test client logged in as the persona (or not logged in, for "anonymous")."""
        client = Client()
        if name != "anonymous":
            client.force_login(getattr(self, name))
        return client
