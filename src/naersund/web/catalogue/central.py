"""A KKR's central indicators ("3-6 centrale indikatorer til opfølgning"), chosen on the web by
its secretariat or a national administrator. The choice is part of the catalogue, so it is
saved as a new catalogue version (the earlier one stays, as for every catalogue change)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from naersund.catalogue import Catalogue
from naersund.indicators import IndicatorDefinition, load_definitions
from naersund.web.catalogue import models as db
from naersund.web.catalogue.store import catalogue_from_db, current_version, save_catalogue

SLOTS = 6
MIN_CHOSEN = 3


def choosable() -> list[IndicatorDefinition]:
    """The indicators a KKR may choose among: those naersund defines."""
    return load_definitions()


def read_choice(form: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """The chosen ids in order (fields ``plads1`` .. ``plads6``, empty ones skipped) and a
    Danish message per problem."""
    known = {d.id for d in choosable()}
    chosen: list[str] = []
    errors: list[str] = []
    for i in range(1, SLOTS + 1):
        value = form.get(f"plads{i}", "").strip()
        if not value:
            continue
        if value not in known:
            errors.append(f"Plads {i}: ukendt indikator.")
        elif value in chosen:
            errors.append(f"Plads {i}: indikatoren er allerede valgt på en tidligere plads.")
        else:
            chosen.append(value)
    if not errors and not MIN_CHOSEN <= len(chosen) <= SLOTS:
        errors.append(
            f"Vælg mellem {MIN_CHOSEN} og {SLOTS} centrale indikatorer (valgt: {len(chosen)})."
        )
    return chosen, errors


def next_version(version: str) -> str:
    """``1.0`` -> ``1.1``, skipping numbers already stored."""
    parts = version.split(".")
    while True:
        parts[-1] = str(int(parts[-1]) + 1)
        candidate = ".".join(parts)
        if not db.CatalogueVersion.objects.filter(version=candidate).exists():
            return candidate


def save_choice(region_code: int, chosen: list[str], user: Any) -> db.CatalogueVersion:
    """A new current catalogue version with ``chosen`` as the KKR's central indicators."""
    current = current_version()
    if current is None:
        raise LookupError("no catalogue")
    catalogue = catalogue_from_db(current)
    kkrs = [
        k.model_copy(update={"central_indicators": chosen}) if k.region_code == region_code else k
        for k in catalogue.kkr
    ]
    new = Catalogue.model_validate(
        {
            **catalogue.model_dump(),
            "version": next_version(current.version),
            "kkr": [k.model_dump() for k in kkrs],
        }
    )
    name = next(k.name_da for k in kkrs if k.region_code == region_code)
    version, _ = save_catalogue(
        new, source=f"Centrale indikatorer for {name} valgt af {user.get_username()}"
    )
    return version
