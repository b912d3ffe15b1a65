"""A report pack ordered on the web (``/rapporter/``): what was asked for, how far the worker
has come, and where the finished file lies. A job belongs to the user who ordered it; nobody
else sees or downloads it (the pack itself holds only what that user may read)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "venter", "I kø"
        RUNNING = "i_gang", "I gang"
        DONE = "faerdig", "Færdig"
        FAILED = "fejlet", "Fejlet"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_jobs"
    )
    level = models.CharField("niveau", max_length=20)
    # kommune / region (a KKR) / any other level of naersund.refdata.areas (issue 14)
    area_level = models.CharField("områdeniveau", max_length=30)
    area_code = models.PositiveIntegerField("områdekode")
    with_municipalities = models.BooleanField("med et afsnit for hver kommune", default=False)
    year = models.PositiveIntegerField("år")
    fmt = models.CharField("format", max_length=10)
    round_slug = models.CharField("statusrunde", max_length=100, blank=True)
    # the release that was current when the pack was ordered: the pack shows what the user saw
    release_id = models.PositiveIntegerField("udgivelse", null=True)
    title = models.CharField("rapport", max_length=300)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress = models.FloatField("fremdrift", default=0.0)
    message = models.CharField("trin", max_length=300, blank=True)
    error = models.TextField("fejl", blank=True)  # Danish, for the user; never a traceback
    file_name = models.CharField("filnavn", max_length=200, blank=True)
    size = models.PositiveBigIntegerField("størrelse", null=True)
    created_at = models.DateTimeField("bestilt", auto_now_add=True)
    started_at = models.DateTimeField("startet", null=True)
    heartbeat_at = models.DateTimeField("sidst set i gang", null=True)
    finished_at = models.DateTimeField("færdig", null=True)

    class Meta:
        verbose_name = "rapportjob"
        verbose_name_plural = "rapportjob"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
