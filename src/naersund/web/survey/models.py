"""Status rounds: the questions of a round, each municipality's response, its answers and the
history of every change.

Tables and what they hold (write only through :mod:`naersund.web.survey.services`, which
checks values, versions and the round's dates, and writes a :class:`Change` for each change):

- :class:`Round`: "Opfølgning 2014", open from ``opens_on`` to ``closes_on`` (both included).
  ``published_at``/``published_by``: when and by whom a national administrator published the
  closed round's per-municipality answers to every logged-in user (None: not published, the
  default; see ``naersund.web.accounts.access.can_view_answers``).
- :class:`Question`: one per round × qid. The qid is stable across rounds (``status.<initiative>``,
  ``startaar.<initiative>``, ``pilot.<initiative>``, ``fri.<name>``); kinds and the JSON
  encoding of values are documented in :mod:`naersund.survey.questions`. A question keeps its
  own copy of the text and the initiative's id (``initiative_slug``) rather than a foreign key,
  so that answers survive a catalogue version being replaced; :meth:`Question.initiative` finds
  the catalogue row. ``kommunekode`` set: a follow-up question asked of that one municipality
  only (:mod:`naersund.survey.followup`); ``Question.objects`` (and ``round.questions``) leave
  those out, so that no page listing a round's questions shows one municipality's follow-up
  to others; ``Question.every`` has them all (``services.questions_for`` asks it).
- :class:`Response`: one per round × kommunekode, made at the first save. No row = not started.
  ``state`` is ``draft`` or ``submitted``. ``version`` counts changes to the tilbagemelding and
  the state (optimistic locking of those); it starts at 0, the version a form shows for a
  municipality that has not started.
- :class:`Answer`: one per response × question, ``value`` JSON (``None`` = cleared); ``version``
  starts at 1 and grows by one at every change (optimistic locking: a save names the version it
  saw; 0 = "no answer yet").
- :class:`Change`: every change: who, when, what (``field`` = ``answer`` with its question,
  ``tilbagemelding`` or ``state``), old and new value (JSON, as stored), and where it came from
  (``source`` = ``web``, ``import`` or ``api``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from naersund.survey.questions import KIND_LABELS, Choice, QuestionSpec
from naersund.web.accounts.models import REGION_CHOICES
from naersund.web.catalogue.models import CatalogueVersion

if TYPE_CHECKING:
    from naersund.web.catalogue.models import Initiative


class Round(models.Model):
    slug = models.SlugField("id", max_length=50, unique=True)
    title_da = models.CharField("titel", max_length=200)
    year = models.PositiveIntegerField("år")
    opens_on = models.DateField("åbner")
    closes_on = models.DateField("lukker")
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_rounds",
        verbose_name="forrige runde",
    )
    catalogue = models.ForeignKey(
        CatalogueVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rounds",
        verbose_name="katalogversion",
    )
    catalogue_version = models.CharField("katalogversion (nummer)", max_length=32, blank=True)
    created_at = models.DateTimeField("oprettet", auto_now_add=True)
    published_at = models.DateTimeField("offentliggjort", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="offentliggjort af",
    )

    class Meta:
        verbose_name = "statusrunde"
        verbose_name_plural = "statusrunder"
        ordering = ["-year", "-opens_on", "slug"]
        constraints = [
            models.CheckConstraint(
                name="round_closes_after_it_opens",
                condition=models.Q(closes_on__gte=models.F("opens_on")),
            )
        ]

    def __str__(self) -> str:
        return self.title_da

    def is_open(self, today: dt.date | None = None) -> bool:
        """Open for answers: ``today`` (default: today in Danish time) within the dates."""
        day = today or timezone.localdate()
        return self.opens_on <= day <= self.closes_on

    def phase(self, today: dt.date | None = None) -> str:
        """``kommende``, ``aaben`` or ``lukket``."""
        day = today or timezone.localdate()
        if day < self.opens_on:
            return "kommende"
        return "aaben" if day <= self.closes_on else "lukket"

    def phase_da(self, today: dt.date | None = None) -> str:
        return {"kommende": "Ikke åbnet endnu", "aaben": "Åben", "lukket": "Lukket"}[
            self.phase(today)
        ]


class QuestionKind(models.TextChoices):
    STATUS = "status", KIND_LABELS["status"]
    YEAR = "year", KIND_LABELS["year"]
    PILOT = "pilot", KIND_LABELS["pilot"]
    YESNO = "yesno", KIND_LABELS["yesno"]
    CHOICE = "choice", KIND_LABELS["choice"]
    MULTICHOICE = "multichoice", KIND_LABELS["multichoice"]
    NUMBER = "number", KIND_LABELS["number"]
    TEXT = "text", KIND_LABELS["text"]
    KRONER = "kroner", KIND_LABELS["kroner"]


class SharedQuestions(models.Manager["Question"]):
    """The questions asked of more than one municipality (no follow-up questions)."""

    def get_queryset(self) -> models.QuerySet[Question]:
        return super().get_queryset().filter(kommunekode__isnull=True)


class Question(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="questions")
    qid = models.CharField("spørgsmåls-id", max_length=120)
    kind = models.CharField("type", max_length=16, choices=QuestionKind.choices)
    text_da = models.TextField("spørgsmål")
    help_da = models.TextField("hjælpetekst", blank=True)
    choices = models.JSONField("svarmuligheder", default=list, blank=True)  # [{value, label_da}]
    initiative_slug = models.CharField("indsats (id)", max_length=100, blank=True)
    initiative_kind = models.CharField("skal/kan", max_length=4, blank=True)
    owner_region_code = models.PositiveIntegerField(
        "indsatsens KKR", null=True, blank=True, choices=REGION_CHOICES
    )
    region_code = models.PositiveIntegerField(
        "stilles kun til KKR", null=True, blank=True, choices=REGION_CHOICES
    )
    section_da = models.CharField("afsnit", max_length=400, blank=True)
    minimum = models.FloatField("mindste tal", null=True, blank=True)
    position = models.PositiveIntegerField("rækkefølge", default=0)
    kommunekode = models.PositiveIntegerField("stilles kun til kommune", null=True, blank=True)

    objects = SharedQuestions()
    every = models.Manager()

    class Meta:
        base_manager_name = "every"
        verbose_name = "spørgsmål"
        verbose_name_plural = "spørgsmål"
        ordering = ["round", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "qid"], name="one_question_per_qid")
        ]

    def __str__(self) -> str:
        return f"{self.qid}: {self.text_da[:60]}"

    def spec(self) -> QuestionSpec:
        """The question as the library's data (for checking, parsing and formatting values)."""
        return QuestionSpec(
            qid=self.qid,
            kind=self.kind,  # type: ignore[arg-type]
            text_da=self.text_da,
            help_da=self.help_da,
            choices=tuple(Choice(c["value"], c["label_da"]) for c in self.choices),
            initiative_id=self.initiative_slug or None,
            initiative_kind=self.initiative_kind or None,
            owner_region_code=self.owner_region_code,
            region_code=self.region_code,
            section_da=self.section_da,
            position=self.position,
            minimum=self.minimum,
            kommunekode=self.kommunekode,
        )

    @classmethod
    def from_spec(cls, round: Round, spec: QuestionSpec) -> Question:
        return cls(
            round=round,
            qid=spec.qid,
            kind=spec.kind,
            text_da=spec.text_da,
            help_da=spec.help_da,
            choices=[{"value": c.value, "label_da": c.label_da} for c in spec.choices],
            initiative_slug=spec.initiative_id or "",
            initiative_kind=spec.initiative_kind or "",
            owner_region_code=spec.owner_region_code,
            region_code=spec.region_code,
            section_da=spec.section_da,
            minimum=spec.minimum,
            position=spec.position,
            kommunekode=spec.kommunekode,
        )

    def applies_to(self, kommunekode: int) -> bool:
        return self.spec().applies_to(kommunekode)

    def initiative(self) -> Initiative | None:
        """The initiative's row in the round's catalogue version (None for free questions or
        when that version is gone)."""
        from naersund.web.catalogue.models import Initiative

        if not self.initiative_slug or self.round.catalogue_id is None:
            return None
        q = models.Q(goal__kkr__catalogue_id=self.round.catalogue_id) | models.Q(
            action_plan__kkr__catalogue_id=self.round.catalogue_id
        )
        return Initiative.objects.filter(q, slug=self.initiative_slug).first()


class ResponseState(models.TextChoices):
    DRAFT = "draft", "Kladde"
    SUBMITTED = "submitted", "Indsendt"


class Response(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    kommunekode = models.PositiveIntegerField("kommunekode")
    state = models.CharField(
        "tilstand", max_length=16, choices=ResponseState.choices, default=ResponseState.DRAFT
    )
    submitted_at = models.DateTimeField("indsendt", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="indsendt af",
    )
    tilbagemelding = models.TextField("tilbagemelding", blank=True)
    version = models.PositiveIntegerField("version", default=0)
    created_at = models.DateTimeField("oprettet", auto_now_add=True)
    updated_at = models.DateTimeField("ændret", default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ændret af",
    )

    class Meta:
        verbose_name = "besvarelse"
        verbose_name_plural = "besvarelser"
        ordering = ["round", "kommunekode"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "kommunekode"], name="one_response_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} – {self.kommunekode}"

    @property
    def is_submitted(self) -> bool:
        return self.state == ResponseState.SUBMITTED


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField("svar", null=True, blank=True)
    version = models.PositiveIntegerField("version", default=1)
    updated_at = models.DateTimeField("ændret", default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ændret af",
    )

    class Meta:
        verbose_name = "svar"
        verbose_name_plural = "svar"
        ordering = ["response", "question__position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.response} – {self.question.qid}"


class ChangeField(models.TextChoices):
    ANSWER = "answer", "Svar"
    TILBAGEMELDING = "tilbagemelding", "Tilbagemelding"
    STATE = "state", "Tilstand"


class ChangeSource(models.TextChoices):
    WEB = "web", "Webskema"
    IMPORT = "import", "Import"
    API = "api", "API"


class Change(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField("ændret", max_length=16, choices=ChangeField.choices)
    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name="spørgsmål",
    )
    old_value = models.JSONField("før", null=True, blank=True)
    new_value = models.JSONField("efter", null=True, blank=True)
    changed_at = models.DateTimeField("tidspunkt", default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="af",
    )
    source = models.CharField(
        "kilde", max_length=8, choices=ChangeSource.choices, default=ChangeSource.WEB
    )

    class Meta:
        verbose_name = "ændring"
        verbose_name_plural = "ændringer"
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="answer_change_names_question",
                condition=~models.Q(field="answer") | models.Q(question__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.response}: {self.get_field_display()} {self.changed_at:%Y-%m-%d %H:%M}"

    def describe(self) -> dict[str, Any]:
        """What changed, in Danish: ``{"what": ..., "old": ..., "new": ...}``."""
        from naersund.survey.answer_values import format_value

        if self.field == ChangeField.ANSWER and self.question is not None:
            spec = self.question.spec()
            return {
                "what": spec.text_da,
                "old": format_value(spec, self.old_value),
                "new": format_value(spec, self.new_value),
            }
        if self.field == ChangeField.STATE:
            labels: dict[Any, str] = dict(ResponseState.choices)
            labels[None] = "Ikke påbegyndt"
            return {
                "what": "Tilstand",
                "old": labels.get(self.old_value, str(self.old_value)),
                "new": labels.get(self.new_value, str(self.new_value)),
            }
        return {
            "what": "Tilbagemelding",
            "old": self.old_value or "(tom)",
            "new": self.new_value or "(tom)",
        }
