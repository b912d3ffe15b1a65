"""Documents attached to good-practice entries: the one writer (add, remove) and the reader.

A document is a PDF (:func:`naersund.practice.pdf_problem` checks its bytes, not only its name)
of at most ``NAERSUND_PRACTICE_ATTACHMENT_BYTES``, stored through Django's storage under a name
of our own; adding or removing one is a version of the entry (who, when, which file). Nothing
half-written: a file whose row is not saved is deleted again, and a removed row's file is
deleted only once the removal is committed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse

from naersund import fmt
from naersund.practice import pdf_problem
from naersund.web.practice.models import Attachment, Entry
from naersund.web.practice.services import EDITABLE, WorkflowError, record

FIELD = "Dokument (PDF)"


class AttachmentError(Exception):
    """A document that cannot be kept; the message is for the user and names the field."""


@dataclass(frozen=True)
class AttachmentView:
    pk: int
    name: str
    size: int
    size_da: str  # "1,2 MB" / "35 kB"
    url: str


def _size_da(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{fmt.number(size / (1024 * 1024), 1)} MB"
    return f"{max(1, round(size / 1024))} kB"


def attachments_of(entry: Entry) -> list[AttachmentView]:
    return [
        AttachmentView(
            a.pk,
            a.name,
            a.size,
            _size_da(a.size),
            reverse("practice:attachment", args=[entry.pk, a.pk]),
        )
        for a in entry.attachments.all()
    ]


def _clean_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(ch for ch in base if ch.isprintable()).strip()
    return kept[:200] or "dokument.pdf"


def _check(upload: UploadedFile) -> str:
    name = _clean_name(upload.name or "")
    size = upload.size or 0
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(max(0, size - 1024))
    tail = upload.read(1024)
    upload.seek(0)
    problem = pdf_problem(name, head, tail, size, settings.NAERSUND_PRACTICE_ATTACHMENT_BYTES)
    if problem is not None:
        raise AttachmentError(f"{FIELD}: {problem}")
    return name


def _editable(entry: Entry) -> None:
    if entry.status not in EDITABLE:
        raise WorkflowError(
            f"»{entry.title}« er {entry.get_status_display().lower()}: dokumenterne kan ikke "
            "ændres nu."
        )


def add(entry: Entry, upload: UploadedFile | None, user: Any) -> Attachment:
    """Attach ``upload`` to ``entry`` (a draft or an entry sent back for changes)."""
    if upload is None:
        limit = settings.NAERSUND_PRACTICE_ATTACHMENT_BYTES // (1024 * 1024)
        raise AttachmentError(f"{FIELD}: vælg en PDF-fil på højst {limit} MB.")
    _editable(entry)
    name = _check(upload)
    attachment = Attachment(
        entry=entry,
        name=name,
        size=upload.size or 0,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    attachment.file.save(name, upload, save=False)
    try:
        with transaction.atomic():
            attachment.save()
            record(entry, user, f"Dokument tilføjet: {name}")
    except BaseException:
        attachment.file.delete(save=False)
        raise
    return attachment


def remove(entry: Entry, pk: int, user: Any) -> str:
    """Remove the attachment ``pk`` of ``entry``; its file goes once that is committed."""
    _editable(entry)
    attachment = entry.attachments.filter(pk=pk).first()
    if attachment is None:
        raise AttachmentError(f"{FIELD}: dokumentet findes ikke (længere).")
    storage, stored = attachment.file.storage, attachment.file.name or ""
    with transaction.atomic():
        attachment.delete()
        record(entry, user, f"Dokument fjernet: {attachment.name}")
        if stored:
            transaction.on_commit(lambda: storage.delete(stored))
    return attachment.name
