"""Entries of the catalogue of good practice and every saved version of each. Written only
by :mod:`.services` (the workflow); who may read or change what is ``accounts.access``.

Initiatives and indicators are referred to by their catalogue ids (``Initiative.slug``,
indicator definition ids), as JSON lists: the goal catalogue is replaced by new versions,
and an entry must survive that. The catalogue holds a few hundred entries at most, so the
filters on these lists run in Python (:mod:`.search`)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from naersund.practice import EVIDENCE_LEVELS, TARGET_GROUPS
from naersund.refdata import KKR_NAMES


class Status(models.TextChoices):
    DRAFT = "kladde", "Kladde"
    SUBMITTED = "indsendt", "Indsendt til gennemsyn"
    CHANGES = "rettes", "Sendt tilbage til rettelse"
    PUBLISHED = "offentliggjort", "Offentliggjort"


class Entry(models.Model):
    title = models.CharField("titel", max_length=300)
    kommunekode = models.PositiveSmallIntegerField("kommune")  # the municipality that owns it
    partners = models.JSONField("andre kommuner", default=list, blank=True)  # kommunekoder
    region_code = models.PositiveIntegerField("KKR", choices=sorted(KKR_NAMES.items()))  # its KKR
    initiatives = models.JSONField("indsatser", default=list, blank=True)  # Initiative.slug
    indicators = models.JSONField("indikatorer", default=list, blank=True)  # definition ids
    target_group = models.CharField("målgruppe", max_length=20, choices=list(TARGET_GROUPS.items()))
    what = models.TextField("hvad gøres, og hvordan er det organiseret")
    organisation = models.TextField("organisering", blank=True)
    staff = models.TextField("personale og kompetencer", blank=True)
    cost_per_year = models.PositiveIntegerField("udgift (kr. pr. år)", null=True, blank=True)
    results = models.TextField("resultater", blank=True)
    evidence = models.CharField(
        "evidensniveau", max_length=20, choices=list(EVIDENCE_LEVELS.items()), blank=True
    )
    contact = models.TextField("kontakt", blank=True)
    links = models.TextField("links", blank=True)  # one URL a line
    started_on = models.DateField("startet", null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    review_note = models.TextField("bemærkning fra gennemsynet", blank=True)
    is_demo = models.BooleanField("demoeksempel", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = "god praksis"
        verbose_name_plural = "god praksis"
        indexes = [models.Index(fields=["status"], name="practice_entry_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


class EntryVersion(models.Model):
    """One saved state of an entry: who, when, which action, what changed, and the fields."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    action = models.CharField(max_length=100)  # "Oprettet", "Indsendt", "Offentliggjort", ...
    changed = models.JSONField(default=list)  # Danish labels of the changed fields
    snapshot = models.JSONField()
    note = models.TextField(blank=True)
    saved_at = models.DateTimeField(auto_now_add=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["entry", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="practice_version_number")
        ]


def _attachment_path(instance: Attachment, filename: str) -> str:
    # a name of our own: the uploader's file name is kept in ``name``, never used as a path
    return f"god-praksis/{instance.entry_id}/{uuid.uuid4().hex}.pdf"


class Attachment(models.Model):
    """A PDF attached to an entry, stored through Django's storage (``MEDIA_ROOT``, not served
    by itself: downloaded through the entry's access check). Written only by
    :mod:`.attachments`."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    name = models.CharField("filnavn", max_length=200)
    size = models.PositiveIntegerField("størrelse (bytes)")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["entry", "uploaded_at", "pk"]
        verbose_name = "dokument"
        verbose_name_plural = "dokumenter"

    def __str__(self) -> str:
        return self.name
