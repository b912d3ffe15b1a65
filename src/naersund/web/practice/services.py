"""The review workflow of the catalogue of good practice: the one writer of entries.

A municipality's editor saves drafts and submits them; a national administrator sends an
entry back for changes (with a note) or publishes it. Every save and every step is a new
:class:`~.models.EntryVersion` (who, when, which action, which fields changed, the fields).
Who may call what is asked by the views (``accounts.access``); the steps themselves refuse
an entry in the wrong state, with a Danish message."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from naersund.practice import VERSIONED_FIELDS, changed_fields
from naersund.refdata import region_of
from naersund.web.practice.models import Entry, EntryVersion, Status

EDITABLE = (Status.DRAFT, Status.CHANGES)


class WorkflowError(Exception):
    """A step that the entry's state does not allow; the message is for the user."""


def snapshot(entry: Entry) -> dict[str, Any]:
    """The versioned fields of ``entry`` as JSON-ready values."""
    out: dict[str, Any] = {}
    for key in VERSIONED_FIELDS:
        value = getattr(entry, key)
        out[key] = value.isoformat() if isinstance(value, dt.date) else value
    return out


def _record(entry: Entry, user: Any, action: str, note: str = "") -> EntryVersion:
    last = entry.versions.order_by("-number").first()
    new = snapshot(entry)
    number = (entry.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return EntryVersion.objects.create(
        entry=entry,
        number=number,
        action=action,
        changed=changed_fields(last.snapshot if last else None, new),
        snapshot=new,
        note=note,
        saved_by=user if getattr(user, "is_authenticated", False) else None,
    )


def record(entry: Entry, user: Any, action: str) -> EntryVersion:
    """A version of ``entry`` for a step outside its fields (a document added or removed)."""
    return _record(entry, user, action)


def save_draft(entry: Entry, user: Any) -> Entry:
    """Save a new or changed entry as it stands (its KKR follows its municipality)."""
    if entry.pk is not None and entry.status not in EDITABLE:
        raise WorkflowError(
            f"»{entry.title}« er {entry.get_status_display().lower()} og kan ikke rettes nu."
        )
    entry.region_code = region_of()[entry.kommunekode]
    created = entry.pk is None
    with transaction.atomic():
        entry.save()
        _record(entry, user, "Oprettet" if created else "Rettet")
    return entry


def _step(
    entry: Entry, user: Any, allowed: tuple[str, ...], to: str, action: str, note: str = ""
) -> Entry:
    with transaction.atomic():
        current = Entry.objects.select_for_update().get(pk=entry.pk)
        if current.status not in allowed:
            raise WorkflowError(
                f"»{current.title}« er {current.get_status_display().lower()}: "
                f"den kan ikke {action.lower()} nu."
            )
        current.status = to
        current.review_note = note if to == Status.CHANGES else ""
        if to == Status.PUBLISHED:
            current.published_at = timezone.now()
        current.save()
        _record(current, user, action, note)
    return current


def submit(entry: Entry, user: Any) -> Entry:
    """The municipality sends its draft to review."""
    return _step(entry, user, EDITABLE, Status.SUBMITTED, "Indsendes")


def request_changes(entry: Entry, user: Any, note: str) -> Entry:
    """The reviewer sends a submitted entry back, saying what to change."""
    if not note.strip():
        raise WorkflowError("Skriv, hvad der skal rettes, før indslaget sendes tilbage.")
    return _step(entry, user, (Status.SUBMITTED,), Status.CHANGES, "Sendes tilbage", note.strip())


def publish(entry: Entry, user: Any) -> Entry:
    """The reviewer publishes a submitted entry: every logged-in user sees it from now on."""
    return _step(entry, user, (Status.SUBMITTED,), Status.PUBLISHED, "Offentliggøres")
