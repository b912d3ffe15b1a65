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
    # an area level id of naersund.refdata.areas (up to 30 characters, e.g. "sundhedsraad")
    level = models.CharField(max_length=30)
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
    # an area level id of naersund.refdata.areas (up to 30 characters, e.g. "sundhedsraad")
    level = models.CharField(max_length=30)
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


class EffectSet(models.Model):
    """The initiative effects of a release with the start years of a status round, estimated
    once (at publish time, or at the first read of a pair nobody stored) and read by the page
    "Virker indsatserne?", the API, ``naersund effects`` and the packs.

    ``answers_state`` names what the estimates were made from besides the release and the
    round: the catalogue version and the round's submitted answers (how many, the last change).
    When a closed round's answers change after all (an import into a closed round), the state
    no longer matches and the set is estimated again and replaced."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="effect_sets")
    round = models.ForeignKey("survey.Round", on_delete=models.CASCADE, related_name="+")
    answers_state = models.CharField("svarenes tilstand", max_length=200)
    computed_at = models.DateTimeField("beregnet", auto_now_add=True)
    seconds = models.FloatField("beregningstid (s)", default=0.0)

    class Meta:
        verbose_name = "effektberegning"
        verbose_name_plural = "effektberegninger"
        constraints = [
            models.UniqueConstraint(fields=["release", "round"], name="one_effect_set_per_round")
        ]


class EffectEstimate(models.Model):
    """One initiative x indicator of an :class:`EffectSet`: the numbers of
    :class:`naersund.analysis.effects.Effect` (None where the effect has NaN), the event study
    and group-time effects as JSON lists, and the note where there is no estimate."""

    effect_set = models.ForeignKey(EffectSet, on_delete=models.CASCADE, related_name="estimates")
    position = models.PositiveIntegerField()  # the catalogue's order
    initiative = models.CharField(max_length=100)
    indicator = models.CharField(max_length=100)
    indicator_name = models.CharField(max_length=300)
    estimate = models.FloatField(null=True)
    lower_ci = models.FloatField(null=True)
    upper_ci = models.FloatField(null=True)
    relative_estimate = models.FloatField(null=True)
    relative_lower_ci = models.FloatField(null=True)
    relative_upper_ci = models.FloatField(null=True)
    pretrend_p = models.FloatField(null=True)
    n_started = models.PositiveIntegerField(default=0)
    n_not_started = models.PositiveIntegerField(default=0)
    n_left_out = models.PositiveIntegerField(default=0)
    n_incomplete = models.PositiveIntegerField(default=0)
    first_year = models.PositiveIntegerField(null=True)
    last_year = models.PositiveIntegerField(null=True)
    event_study = models.JSONField(default=list)  # [[event time, estimate, lower, upper], ...]
    group_time = models.JSONField(default=list)  # [[group, year, estimate, std. error], ...]
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["effect_set", "initiative", "indicator"], name="one_estimate_per_pair"
            )
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
