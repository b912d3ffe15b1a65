"""The catalogue of good practice, without Django: its vocabularies (evidence levels, target
groups), the fields an entry's version history compares, and what changed between two
versions. The web app ``naersund.web.practice`` stores entries and runs the review workflow."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from naersund import fmt

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


#: What a PDF begins with (ISO 32000-1, 7.5.2 "File header") and ends near (7.5.5).
PDF_HEADER = b"%PDF-"
PDF_END = b"%%EOF"


def pdf_problem(name: str, head: bytes, tail: bytes, size: int, max_bytes: int) -> str | None:
    """Why an attached document may not be kept, in Danish naming the file, or None.

    Only PDF: the name must end in .pdf *and* the content must be one (its first bytes
    ``%PDF-``, an ``%%EOF`` in its last kilobyte), whatever the browser said the type was;
    at most ``max_bytes``; not empty."""
    shown = name if name.isprintable() and len(name) <= 120 else "uden navn"
    limit = fmt.plain(max_bytes / (1024 * 1024))
    if size == 0:
        return f"Filen »{shown}« er tom."
    if size > max_bytes:
        actual = fmt.number(size / (1024 * 1024), 1)
        return f"Filen »{shown}« fylder {actual} MB; den må højst fylde {limit} MB."
    if not name.lower().endswith(".pdf"):
        return f"Filen »{shown}« er ikke en PDF-fil (navnet skal ende på .pdf)."
    if not head.startswith(PDF_HEADER):
        return f"Filen »{shown}« er ikke en PDF: den begynder ikke som en PDF-fil."
    if PDF_END not in tail:
        return f"Filen »{shown}« er ikke en hel PDF: slutningen mangler."
    return None
