"""The catalogue of good practice, without Django: its vocabularies (evidence levels, target
groups), the fields an entry's version history compares, and what changed between two
versions. The web app ``naersund.web.practice`` stores entries and runs the review workflow."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: How well an entry's results are documented (issue 13), weakest first.
EVIDENCE_LEVELS: dict[str, str] = {
    "beskrevet": "Beskrevet",
    "foer-efter": "Målt før og efter",
    "sammenlignet": "Sammenlignet med andre kommuner",
}

#: Whom an entry's practice is for; the seeds' themes.
TARGET_GROUPS: dict[str, str] = {
    "aeldre": "Ældre medicinske patienter",
    "kronikere": "Borgere med kronisk sygdom",
    "genoptraening": "Borgere i genoptræning og rehabilitering",
    "forebyggelse": "Borgere generelt (forebyggelse)",
    "akut": "Borgere med akut behov (akutfunktioner)",
    "andet": "Andre",
}

#: The fields of an entry that its versions keep, with the Danish label a change is shown by.
VERSIONED_FIELDS: dict[str, str] = {
    "title": "Titel",
    "kommunekode": "Kommune",
    "partners": "Andre kommuner",
    "initiatives": "Indsatser",
    "indicators": "Indikatorer",
    "target_group": "Målgruppe",
    "what": "Hvad gøres",
    "organisation": "Organisering",
    "staff": "Personale og kompetencer",
    "cost_per_year": "Udgift (kr. pr. år)",
    "results": "Resultater",
    "evidence": "Evidensniveau",
    "contact": "Kontakt",
    "links": "Links",
    "started_on": "Startet",
}


def changed_fields(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[str]:
    """The Danish labels of the versioned fields whose values differ between two snapshots, in
    the order of :data:`VERSIONED_FIELDS`; every non-empty field when there is no old one."""
    if old is None:
        return [
            label for key, label in VERSIONED_FIELDS.items() if new.get(key) not in ("", None, [])
        ]
    return [label for key, label in VERSIONED_FIELDS.items() if old.get(key) != new.get(key)]
