"""Published indicator results: one ``Release`` per ``naersund publish``, its rows beside it.

Only suppressed results are stored (a suppressed cell has no counts and no values), so the app
database never holds a number small-number suppression would hide. Releases are never changed
after publication; exactly one is current, and earlier ones stay readable for the diff.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class Release(models.Model):
    created_at = models.DateTimeField("offentliggjort", auto_now_add=True)
    data_period_start = models.DateField("data fra")
    data_period_end = models.DateField("data til")
    data_cut = models.DateField("dataudtræk")
    code_version = models.CharField("programversion", max_length=50)
    definitions = models.JSONField("definitionsversioner", default=dict)
    source_file = models.CharField("kildefil", max_length=1000)
    is_current = models.BooleanField("gældende", default=False)
    synthetic = models.BooleanField("syntetiske data", default=False)
    meta = models.JSONField("metadata", default=dict)
    row_count = models.PositiveIntegerField("rækker", default=0)

    class Meta:
        verbose_name = "udgivelse"
        verbose_name_plural = "udgivelser"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="one_current_release",
            )
        ]

    def __str__(self) -> str:
        return f"Udgivelse {self.pk} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def has_quality(self) -> bool:
        """Whether the release has data-quality rows (one light query; the rows stay unread)."""
        return ReleaseQuality.objects.filter(release_id=self.pk).exists()

    def quality_rows(self) -> list[dict[str, Any]]:
        """The release's data-quality rows (:func:`naersund.registry.quality.for_release`)."""
        return ReleaseQuality.rows_of(self.pk)


class ReleaseQuality(models.Model):
    """The data-quality rows of a release (``quality.csv`` of the ingest, per source, month and
    region, small counts hidden), kept apart from ``Release.meta``: at national volume they are
    a few hundred KB, which every query of a release would otherwise read."""

    release = models.OneToOneField(Release, on_delete=models.CASCADE, related_name="quality")
    rows = models.JSONField("datakvalitet", default=list)
    # acute short stays whose first contact has no specialty, per year and source
    # (naersund.engine.specialty_gaps)
    stays_without_specialty = models.JSONField("ophold uden speciale", default=list)

    @staticmethod
    def rows_of(release_id: int, field: str = "rows") -> list[dict[str, Any]]:
        """The data-quality rows (or, with ``field``, the stays without a specialty) of release
        ``release_id`` ([] when it has none)."""
        found = ReleaseQuality.objects.filter(release_id=release_id).values_list(field, flat=True)
        return list(found.first() or [])

    class Meta:
        verbose_name = "datakvalitet for en udgivelse"
        verbose_name_plural = "datakvalitet for udgivelser"


class ResultRow(models.Model):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="rows")
    indicator = models.CharField(max_length=100)
    level = models.CharField(max_length=10)
    area_code = models.PositiveIntegerField()
    year = models.PositiveIntegerField()
    numerator = models.FloatField(null=True)
    denominator = models.FloatField(null=True)
    value = models.FloatField(null=True)
    lower_ci = models.FloatField(null=True)
    upper_ci = models.FloatField(null=True)
    std_value = models.FloatField(null=True)
    std_lower_ci = models.FloatField(null=True)
    std_upper_ci = models.FloatField(null=True)
    comparison = models.CharField(max_length=20)
    suppressed = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["release", "indicator", "level", "area_code", "year"],
                name="one_row_per_cell",
            ),
            models.CheckConstraint(
                name="suppressed_rows_are_empty",
                condition=models.Q(suppressed=False)
                | models.Q(value__isnull=True, lower_ci__isnull=True, std_value__isnull=True),
            ),
        ]


class MonthlyRow(models.Model):
    """A crude monthly value of a release (``naersund compute --monthly``), suppressed like the
    yearly rows: a suppressed month has no counts and no values."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="monthly_rows")
    indicator = models.CharField(max_length=100)
    level = models.CharField(max_length=10)
    area_code = models.PositiveIntegerField()
    year = models.PositiveIntegerField()
    month = models.PositiveSmallIntegerField()
    numerator = models.FloatField(null=True)
    denominator = models.FloatField(null=True)
    value = models.FloatField(null=True)
    lower_ci = models.FloatField(null=True)
    upper_ci = models.FloatField(null=True)
    unit = models.CharField(max_length=200, blank=True)
    suppressed = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["release", "indicator", "level", "area_code", "year", "month"],
                name="one_monthly_row_per_cell",
            ),
            models.CheckConstraint(
                name="suppressed_months_are_empty",
                condition=models.Q(suppressed=False)
                | models.Q(value__isnull=True, lower_ci__isnull=True),
            ),
        ]
