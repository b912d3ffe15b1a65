"""The published catalogue as the library's booklet (:mod:`naersund.reports.booklet`): which
entries go in (published ones only, by title; a user's drafts never do) and their Danish text,
from the same presenter as the entry's page (:func:`.page.entry_page`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import formats, timezone

from naersund.reports.booklet import Booklet, BookletEntry
from naersund.web.practice.effects import EntryEffects, effects_by_initiative
from naersund.web.practice.models import Entry, Status
from naersund.web.practice.page import entry_page


def _date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return str(formats.date_format(value, "j. F Y"))


def booklet_entry(entry: Entry, effects: EntryEffects) -> BookletEntry:
    page = entry_page(entry, with_history=False)
    return BookletEntry(
        title=entry.title,
        municipalities=page.municipalities,
        kkr=page.kkr,
        target_group=entry.get_target_group_display(),
        what=entry.what,
        evidence=entry.get_evidence_display() if entry.evidence else "Ikke angivet",
        cost=page.cost,
        initiatives=[name for _, name in page.initiatives],
        indicators=[name for _, name in page.indicators],
        organisation=entry.organisation,
        staff=entry.staff,
        results=entry.results,
        contact=entry.contact,
        links=page.links,
        documents=[a.name for a in entry.attachments.all()],
        started=_date(entry.started_on),
        published=_date(entry.published_at),
        demo=entry.is_demo,
        effects=[(e.sentence, e.source) for e in effects.for_entry(entry)],
    )


def published_booklet() -> Booklet:
    """Every published entry, by title (the catalogue's order)."""
    entries = list(Entry.objects.filter(status=Status.PUBLISHED).order_by("title", "pk"))
    effects = effects_by_initiative()
    marks = []
    if settings.DEMO or any(e.is_demo for e in entries):
        marks.append("DEMO")
    if effects.synthetic and any(effects.for_entry(e) for e in entries):
        marks.append("SYNTETISKE DATA")
    return Booklet(
        entries=[booklet_entry(e, effects) for e in entries],
        made_on=_date(timezone.now()),
        marker=" · ".join(marks),
    )
