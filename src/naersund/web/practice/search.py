"""Finding entries: ``?q=`` full-text search and the filters of ``/god-praksis/``.

On PostgreSQL the text fields are searched with its Danish text search configuration
(stemming: "sygeplejerskerne" finds "sygeplejerske"); on SQLite (development, tests) every
word must occur, case-insensitively, in one of the text fields. The filters on initiatives
and indicators (JSON lists) run in Python: the catalogue holds a few hundred entries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from naersund.practice import EVIDENCE_LEVELS, TARGET_GROUPS
from naersund.refdata import KKR_NAMES
from naersund.web.accounts.access import can_view_practice
from naersund.web.params import query_int
from naersund.web.practice.models import Entry, Status

TEXT_FIELDS = ("title", "what", "organisation", "staff", "results", "contact")


@dataclass(frozen=True)
class Filters:
    q: str = ""
    initiative: str = ""
    indicator: str = ""
    kkr: int | None = None
    target_group: str = ""
    evidence: str = ""

    @property
    def any(self) -> bool:
        return bool(
            self.q
            or self.initiative
            or self.indicator
            or self.kkr
            or self.target_group
            or self.evidence
        )


def _text(query: Mapping[str, str], name: str, limit: int) -> str:
    # without NUL bytes: PostgreSQL refuses them in a query (a server error otherwise)
    return query.get(name, "").replace("\x00", "").strip()[:limit]


def read_filters(query: Mapping[str, str]) -> Filters:
    """The filters of a request's query string; unknown KKR, target groups and evidence levels
    are ignored (they would find nothing)."""
    kkr = query_int(query, "kkr", max_value=9999, max_digits=4)
    group = query.get("maalgruppe", "")
    evidence = query.get("evidens", "")
    return Filters(
        q=_text(query, "q", 200),
        initiative=_text(query, "indsats", 100),
        indicator=_text(query, "indikator", 100),
        kkr=kkr if kkr in KKR_NAMES else None,
        target_group=group if group in TARGET_GROUPS else "",
        evidence=evidence if evidence in EVIDENCE_LEVELS else "",
    )


def text_search(entries: QuerySet[Entry], q: str) -> QuerySet[Entry]:
    """The entries matching ``q`` (see the module for the two databases)."""
    words = q.split()
    if not words:
        return entries
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector(*TEXT_FIELDS, config="danish")
        query = SearchQuery(q, config="danish", search_type="websearch")
        return entries.annotate(search=vector).filter(search=query)
    condition = Q()
    for word in words:
        one = Q()
        for field in TEXT_FIELDS:
            one |= Q(**{f"{field}__icontains": word})
        condition &= one
    return entries.filter(condition)


def _filter(entries: QuerySet[Entry], f: Filters) -> list[Entry]:
    if f.kkr is not None:
        entries = entries.filter(region_code=f.kkr)
    if f.target_group:
        entries = entries.filter(target_group=f.target_group)
    if f.evidence:
        entries = entries.filter(evidence=f.evidence)
    found = list(text_search(entries, f.q))
    if f.initiative:
        found = [e for e in found if f.initiative in e.initiatives]
    if f.indicator:
        found = [e for e in found if f.indicator in e.indicators]
    return found


def find_published(f: Filters) -> list[Entry]:
    """The published entries that match ``f``, by title."""
    return _filter(Entry.objects.filter(status=Status.PUBLISHED), f)


def find_unpublished(user: Any, f: Filters) -> list[Entry]:
    """The drafts, submitted entries and entries sent back that ``user`` may see and that
    match ``f`` (``access.can_view_practice``)."""
    found = _filter(Entry.objects.exclude(status=Status.PUBLISHED), f)
    return [e for e in found if can_view_practice(user, e.kommunekode, published=False)]


def entry_for_user(user: Any, pk: int) -> Entry | None:
    """The entry ``pk`` if ``user`` may read it (``access.can_view_practice``), else None: the
    one check of the pages, the booklet's attachments and the API."""
    entry = Entry.objects.filter(pk=pk).first()
    if entry is None or not can_view_practice(user, entry.kommunekode, entry.is_published):
        return None
    return entry


def visible_entries(user: Any, f: Filters) -> list[Entry]:
    """The published entries matching ``f``, then the unpublished ones ``user`` may read."""
    return find_published(f) + find_unpublished(user, f)


def published_by_initiative() -> dict[str, list[Entry]]:
    """The published entries per linked initiative (``Initiative.slug``), by title."""
    out: dict[str, list[Entry]] = {}
    for entry in Entry.objects.filter(status=Status.PUBLISHED):
        for slug in entry.initiatives:
            out.setdefault(slug, []).append(entry)
    return out
