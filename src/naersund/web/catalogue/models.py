"""The catalogue's tables: one row per element of ``naersund.catalogue.model``, in the order
of the YAML (``position``), under the catalogue version it came from.

Ids of the YAML are kept as ``slug`` (Django's ``id`` is the row's key). References to national
goals, focus areas and indicators, and lists of Danish sentences, are kept as JSON lists: they
are read with the element and never queried on their own.
"""

from __future__ import annotations

from django.db import models

from naersund.web.accounts.models import REGION_CHOICES


class CatalogueVersion(models.Model):
    version = models.CharField("version", max_length=32, unique=True)
    title_da = models.CharField("titel", max_length=300)
    loaded_at = models.DateTimeField("indlæst", auto_now=True)
    source = models.CharField("indlæst fra", max_length=500, blank=True)
    is_current = models.BooleanField("gældende", default=False)

    class Meta:
        verbose_name = "katalogversion"
        verbose_name_plural = "katalogversioner"
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"{self.title_da} (version {self.version})"


class _Ordered(models.Model):
    position = models.PositiveIntegerField("rækkefølge", default=0)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]


class NationalGoal(_Ordered):
    catalogue = models.ForeignKey(
        CatalogueVersion, on_delete=models.CASCADE, related_name="national_goals"
    )
    slug = models.SlugField("id", max_length=100)
    title_da = models.CharField("titel", max_length=300)
    description_da = models.TextField("beskrivelse", blank=True)
    indicators = models.JSONField("indikatorer", default=list, blank=True)
    source = models.TextField("kilde")

    class Meta(_Ordered.Meta):
        verbose_name = "nationalt mål"
        verbose_name_plural = "nationale mål"

    def __str__(self) -> str:
        return self.title_da


class FocusArea(_Ordered):
    catalogue = models.ForeignKey(
        CatalogueVersion, on_delete=models.CASCADE, related_name="focus_areas"
    )
    slug = models.SlugField("id", max_length=100)
    title_da = models.CharField("titel", max_length=300)
    source = models.TextField("kilde")

    class Meta(_Ordered.Meta):
        verbose_name = "fokusområde"
        verbose_name_plural = "fokusområder"

    def __str__(self) -> str:
        return self.title_da


class Kkr(_Ordered):
    """A section of the catalogue: a KKR's goals, or another area's (``level``: a sundhedsråd's
    goals in its sundhedsplan); ``region_code`` is the area's code on that level."""

    catalogue = models.ForeignKey(CatalogueVersion, on_delete=models.CASCADE, related_name="kkr")
    level = models.CharField("niveau", max_length=30, default="kkr")
    region_code = models.PositiveIntegerField("område", choices=REGION_CHOICES)
    name_da = models.CharField("navn", max_length=200)
    source = models.TextField("kilde", blank=True)
    vision_da = models.TextField("vision", blank=True)
    aims_da = models.JSONField("formål", default=list, blank=True)
    national_goals = models.JSONField("nationale mål", default=list, blank=True)
    central_indicators = models.JSONField("centrale indikatorer", default=list, blank=True)

    class Meta(_Ordered.Meta):
        verbose_name = "KKR"
        verbose_name_plural = "KKR"
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "region_code"], name="one_kkr_per_region")
        ]

    def __str__(self) -> str:
        return self.name_da


class Goal(_Ordered):
    kkr = models.ForeignKey(Kkr, on_delete=models.CASCADE, related_name="goals")
    slug = models.SlugField("id", max_length=100)
    number = models.PositiveIntegerField("nummer", null=True, blank=True)
    title_da = models.CharField("titel", max_length=300)
    description_da = models.TextField("beskrivelse", blank=True)
    focus_areas = models.JSONField("fokusområder", default=list, blank=True)
    national_goals = models.JSONField("nationale mål", default=list, blank=True)
    indicators = models.JSONField("indikatorer", default=list, blank=True)

    class Meta(_Ordered.Meta):
        verbose_name = "KKR-mål"
        verbose_name_plural = "KKR-mål"

    def __str__(self) -> str:
        return self.title_da


class ActionPlan(_Ordered):
    kkr = models.ForeignKey(Kkr, on_delete=models.CASCADE, related_name="action_plans")
    slug = models.SlugField("id", max_length=100)
    title_da = models.CharField("titel", max_length=300)
    description_da = models.TextField("beskrivelse", blank=True)
    purposes_da = models.JSONField("formål", default=list, blank=True)
    initiatives_total = models.PositiveIntegerField("antal indsatser i alt", null=True, blank=True)
    national_goals = models.JSONField("nationale mål", default=list, blank=True)
    source = models.TextField("kilde")

    class Meta(_Ordered.Meta):
        verbose_name = "handlingsplan"
        verbose_name_plural = "handlingsplaner"

    def __str__(self) -> str:
        return self.title_da


class Kind(models.TextChoices):
    SKAL = "skal", "Skal"
    KAN = "kan", "Kan"


class Initiative(_Ordered):
    """A skal- or kan-initiative of a KKR goal or of an action plan (exactly one of the two)."""

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="initiatives"
    )
    action_plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, null=True, blank=True, related_name="initiatives"
    )
    slug = models.SlugField("id", max_length=100)
    kind = models.CharField("skal/kan", max_length=4, choices=Kind.choices, blank=True)
    title_da = models.CharField("titel", max_length=300)
    short_da = models.CharField(
        "kort navn",
        max_length=200,
        blank=True,
        help_text="Til sætninger som »68 pct. af kommunerne har indført opfølgende hjemmebesøg«.",
    )
    description_da = models.TextField("beskrivelse", blank=True)
    deadline_year = models.PositiveIntegerField("frist (år)", null=True, blank=True)
    deadline_da = models.CharField("frist", max_length=200, blank=True)
    pilot = models.BooleanField("pilotkommuner", default=False)
    cross_municipal = models.BooleanField("tværkommunal", default=False)

    class Meta(_Ordered.Meta):
        verbose_name = "indsats"
        verbose_name_plural = "indsatser"
        constraints = [
            models.CheckConstraint(
                name="initiative_has_one_parent",
                condition=models.Q(goal__isnull=False, action_plan__isnull=True)
                | models.Q(goal__isnull=True, action_plan__isnull=False),
            ),
            models.CheckConstraint(
                name="pilot_only_for_kan", condition=models.Q(pilot=False) | models.Q(kind="kan")
            ),
        ]

    def __str__(self) -> str:
        return self.title_da


class Baseline(_Ordered):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="baselines")
    slug = models.SlugField("id", max_length=100)
    text_da = models.TextField("tekst")
    unit = models.CharField(
        "enhed", max_length=8, choices=[("pct", "pct."), ("antal", "antal")], default="pct"
    )
    value = models.FloatField("værdi")
    value_max = models.FloatField("højeste værdi", null=True, blank=True)
    of = models.PositiveIntegerField("ud af", null=True, blank=True)
    year = models.PositiveIntegerField("år")
    source = models.TextField("kilde")
    # How a status round measures the same figure (see naersund.catalogue.model.Baseline).
    survey_question = models.CharField("måles ved spørgsmål", max_length=100, blank=True)
    survey_answers = models.JSONField("svar der tæller", default=list, blank=True)
    survey_region = models.PositiveIntegerField(
        "kun i KKR", null=True, blank=True, choices=REGION_CHOICES
    )

    class Meta(_Ordered.Meta):
        verbose_name = "udgangspunkt"
        verbose_name_plural = "udgangspunkter"

    def __str__(self) -> str:
        return self.text_da


class Target(_Ordered):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField("indikator", max_length=100)
    baseline_year = models.PositiveIntegerField("basisår")
    target_year = models.PositiveIntegerField("målår")
    target_value = models.FloatField("målværdi", null=True, blank=True)
    relative_change_pct = models.FloatField("ændring i pct.", null=True, blank=True)
    scope = models.CharField(
        "gælder", max_length=8, choices=[("kkr", "KKR"), ("kommune", "kommune")], default="kkr"
    )
    kommunekode = models.PositiveIntegerField("kommunekode", null=True, blank=True)
    source = models.TextField("kilde")

    class Meta(_Ordered.Meta):
        verbose_name = "måltal"
        verbose_name_plural = "måltal"

    def __str__(self) -> str:
        return f"{self.indicator} {self.baseline_year}–{self.target_year}"
