"""Published indicator results: one ``Release`` per ``naersund publish``, its rows beside it.

Only suppressed results are stored (a suppressed cell has no counts and no values), so the app
database never holds a number small-number suppression would hide. Releases are never changed
after publication; exactly one is current, and earlier ones stay readable for the diff.
"""

from __future__ import annotations

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


class BreakdownRow(models.Model):
    """A cell of a release's breakdowns (``naersund compute --breakdowns``): an indicator's
    events of one municipality and year in one category of a dimension (diagnosis group, age
    band, sex, month), suppressed like the yearly rows: a masked cell has no numbers."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="breakdown_rows")
    indicator = models.CharField(max_length=100)
    kommunekode = models.PositiveIntegerField()
    year = models.PositiveIntegerField()
    dimension = models.CharField(max_length=20)
    category = models.CharField(max_length=200)
    sort = models.FloatField()
    numerator = models.FloatField(null=True)
    denominator = models.FloatField(null=True)
    value = models.FloatField(null=True)
    suppressed = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["release", "kommunekode"], name="breakdown_by_kommune")]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "indicator", "kommunekode", "year", "dimension", "category"],
                name="one_breakdown_row_per_cell",
            ),
            models.CheckConstraint(
                name="suppressed_breakdown_cells_are_empty",
                condition=models.Q(suppressed=False)
                | models.Q(numerator__isnull=True, denominator__isnull=True, value__isnull=True),
            ),
        ]
