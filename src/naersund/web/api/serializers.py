"""The API's JSON shapes (they also make the OpenAPI schema). Field names are English, values
and texts as stored (Danish)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from naersund.parsing import IntegerError, parse_int
from naersund.web.survey.models import Question, Round

MAX_VERSION = 2**31 - 1


class StrictIntegerField(serializers.IntegerField):
    """An integer sent as a JSON number or as ASCII digits (:func:`naersund.parsing.parse_int`);
    DRF's own field reads the text "١٢" (Arabic-Indic digits) as 12."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, str):
            try:
                data = parse_int(data, field=self.field_name or "", max_digits=10)
            except IntegerError:
                self.fail("invalid")
        return super().to_internal_value(data)


class RoundSerializer(serializers.ModelSerializer[Round]):
    previous: serializers.SlugRelatedField[Round] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    phase = serializers.SerializerMethodField(help_text="kommende, aaben eller lukket")
    phase_da = serializers.SerializerMethodField()

    class Meta:
        model = Round
        fields = [
            "slug",
            "title_da",
            "year",
            "opens_on",
            "closes_on",
            "phase",
            "phase_da",
            "previous",
            "catalogue_version",
            "published_at",
        ]
        extra_kwargs = {
            "published_at": {
                "help_text": "Hvornår runden blev offentliggjort (null: kun kommunen selv, dens "
                "KKR-sekretariat og nationale administratorer ser kommunens svar)."
            }
        }

    def get_phase(self, obj: Round) -> str:
        return obj.phase()

    def get_phase_da(self, obj: Round) -> str:
        return obj.phase_da()


class QuestionSerializer(serializers.ModelSerializer[Question]):
    class Meta:
        model = Question
        fields = [
            "qid",
            "kind",
            "text_da",
            "help_da",
            "choices",
            "initiative_slug",
            "initiative_kind",
            "owner_region_code",
            "region_code",
            "section_da",
            "minimum",
            "position",
        ]


class AnswerSerializer(serializers.Serializer[dict[str, Any]]):
    value = serializers.JSONField(allow_null=True, help_text="Se naersund.survey.questions.")
    value_da = serializers.CharField(help_text="Svaret, som en person læser det.")
    version = serializers.IntegerField(help_text="Send den med, når svaret rettes.")
    updated_at = serializers.DateTimeField()
    updated_by = serializers.CharField(allow_null=True)


class ResponseSerializer(serializers.Serializer[dict[str, Any]]):
    round = serializers.CharField()
    kommunekode = serializers.IntegerField()
    municipality = serializers.CharField()
    state = serializers.ChoiceField(choices=["not_started", "draft", "submitted"])
    state_da = serializers.CharField()
    version = serializers.IntegerField(
        help_text="Besvarelsens version (0 = ikke påbegyndt); send den med som "
        "response_version, når tilbagemeldingen rettes."
    )
    tilbagemelding = serializers.CharField(allow_blank=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    submitted_by = serializers.CharField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)
    answers = serializers.DictField(child=AnswerSerializer(), help_text="qid -> svar")


class ResponseWriteSerializer(serializers.Serializer[dict[str, Any]]):
    answers = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        required=False,
        default=dict,
        help_text="qid -> værdi (null rydder svaret).",
    )
    versions = serializers.DictField(
        child=StrictIntegerField(min_value=0, max_value=MAX_VERSION),
        required=False,
        default=dict,
        help_text="qid -> den version af svaret, du så (0 = intet svar endnu). Påkrævet for "
        "hvert svar, du sender, så ingen overskriver en andens ændring uden at vide det.",
    )
    tilbagemelding = serializers.CharField(required=False, allow_blank=True, trim_whitespace=True)
    response_version = StrictIntegerField(
        required=False,
        min_value=0,
        max_value=MAX_VERSION,
        help_text="Besvarelsens version, du så; påkrævet sammen med tilbagemelding.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        missing = sorted(set(attrs["answers"]) - set(attrs["versions"]))
        if missing:
            raise serializers.ValidationError(
                {
                    "versions": "Angiv den version, du så, for hvert svar (0 = intet svar "
                    f"endnu). Mangler for: {', '.join(missing)}."
                }
            )
        if "tilbagemelding" in attrs and "response_version" not in attrs:
            raise serializers.ValidationError(
                {"response_version": "Angiv besvarelsens version sammen med tilbagemeldingen."}
            )
        if not attrs["answers"] and "tilbagemelding" not in attrs:
            raise serializers.ValidationError(
                {"answers": "Intet at gemme: send svar og/eller en tilbagemelding."}
            )
        return attrs


class FigureSerializer(serializers.Serializer[dict[str, Any]]):
    measure = serializers.CharField(help_text="aldersstandardiseret eller rå")
    value = serializers.FloatField(allow_null=True, help_text="Overskriftstallet (som på siderne)")
    lower_ci = serializers.FloatField(allow_null=True)
    upper_ci = serializers.FloatField(allow_null=True)
    verdict = serializers.CharField(help_text="better, similar, worse eller not_compared")
    denmark = serializers.FloatField(allow_null=True)
    kkr = serializers.FloatField(allow_null=True)
    definition_version = serializers.IntegerField(allow_null=True)
    parent_level = serializers.CharField(
        required=False, help_text="Med parent_level: det overordnede niveau"
    )
    parent_code = serializers.IntegerField(
        required=False, allow_null=True, help_text="Det overordnede områdes kode"
    )
    parent_value = serializers.FloatField(
        required=False, allow_null=True, help_text="Det overordnede områdes tal (samme mål)"
    )


class ResultSerializer(serializers.Serializer[dict[str, Any]]):
    indicator = serializers.CharField()
    level = serializers.CharField(
        help_text="områdeniveau: kommune, region, region2027, kkr, sundhedsraad, land"
    )
    area_code = serializers.IntegerField(help_text="0 for land, ellers områdets kode på niveauet")
    year = serializers.IntegerField()
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    lower_ci = serializers.FloatField(allow_null=True)
    upper_ci = serializers.FloatField(allow_null=True)
    std_value = serializers.FloatField(allow_null=True)
    std_lower_ci = serializers.FloatField(allow_null=True)
    std_upper_ci = serializers.FloatField(allow_null=True)
    comparison = serializers.CharField()
    suppressed = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True)
    figure = FigureSerializer(
        allow_null=True,
        help_text="Tallet, som alle sider, rapporter og filer viser: det aldersstandardiserede, "
        "hvor indikatoren standardiseres, ellers det rå, med interval og sammenligning.",
    )


class ReleaseSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    data_period_start = serializers.DateField()
    data_period_end = serializers.DateField()
    data_cut = serializers.DateField()
    code_version = serializers.CharField()
    definitions = serializers.DictField(child=serializers.CharField())
    synthetic = serializers.BooleanField()


class LevelNoteSerializer(serializers.Serializer[dict[str, Any]]):
    level = serializers.CharField(help_text="områdeniveauet, fx sundhedsraad")
    name = serializers.CharField(help_text="niveauets navn")
    verified = serializers.BooleanField(
        help_text="false: medlemskabet bygger på en sekundær kilde og er ikke verificeret mod "
        "officiel liste (sundhedsrådene)"
    )
    notes = serializers.ListField(
        child=serializers.CharField(),
        help_text="det, siderne siger ved niveauets tal: beregnet som summen af kommunerne, "
        "siden hvornår niveauet findes som organisation, om sammensætningen er verificeret",
    )


class ResultsSerializer(serializers.Serializer[dict[str, Any]]):
    release = ReleaseSerializer()
    count = serializers.IntegerField()
    results = ResultSerializer(many=True)
    levels = LevelNoteSerializer(
        many=True, help_text="hvert niveau over kommunen i svarets rækker (undtagen land)"
    )


class ErrorSerializer(serializers.Serializer[dict[str, Any]]):
    fejl = serializers.CharField(help_text="Fejlen på dansk.")
    kode = serializers.CharField()
    fejl_pr_felt = serializers.DictField(required=False)
    konflikter = serializers.DictField(child=serializers.CharField(), required=False)


class EventPointSerializer(serializers.Serializer[dict[str, Any]]):
    event_time = serializers.IntegerField(help_text="År fra start (0 = startåret)")
    estimate = serializers.FloatField()
    lower_ci = serializers.FloatField()
    upper_ci = serializers.FloatField()


class EffectSerializer(serializers.Serializer[dict[str, Any]]):
    initiative = serializers.CharField(help_text="Indsatsens id i målkataloget")
    indicator = serializers.CharField()
    estimate = serializers.FloatField(allow_null=True, help_text="I indikatorens enhed")
    lower_ci = serializers.FloatField(allow_null=True)
    upper_ci = serializers.FloatField(allow_null=True)
    relative_estimate = serializers.FloatField(allow_null=True, help_text="Andel, fx -0.10")
    relative_lower_ci = serializers.FloatField(allow_null=True)
    relative_upper_ci = serializers.FloatField(allow_null=True)
    n_started = serializers.IntegerField()
    n_not_started = serializers.IntegerField()
    n_left_out = serializers.IntegerField()
    n_incomplete = serializers.IntegerField()
    pretrend_p = serializers.FloatField(allow_null=True)
    first_year = serializers.IntegerField(allow_null=True)
    last_year = serializers.IntegerField(allow_null=True)
    note = serializers.CharField(allow_blank=True, help_text="Hvorfor der ikke er et skøn")
    sentence = serializers.CharField()
    event_study = EventPointSerializer(many=True)


class EffectsSerializer(serializers.Serializer[dict[str, Any]]):
    release = serializers.CharField()
    round = serializers.CharField()
    count = serializers.IntegerField()
    effects = EffectSerializer(many=True)


class ReleaseRowSerializer(serializers.Serializer[dict[str, Any]]):
    """One row of the whole release (the data dictionary: ``release_export.DICTIONARY``)."""

    release_id = serializers.IntegerField()
    indicator = serializers.CharField()
    indicator_name = serializers.CharField()
    definition_version = serializers.IntegerField(allow_null=True)
    level = serializers.CharField(help_text="land, region eller kommune")
    area_code = serializers.IntegerField()
    area_name = serializers.CharField()
    year = serializers.IntegerField()
    measure = serializers.CharField(help_text="aldersstandardiseret eller rå")
    value = serializers.FloatField(allow_null=True, help_text="Overskriftstallet")
    lower_ci = serializers.FloatField(allow_null=True)
    upper_ci = serializers.FloatField(allow_null=True)
    verdict = serializers.CharField(help_text="better, similar, worse eller not_compared")
    denmark = serializers.FloatField(allow_null=True)
    kkr = serializers.FloatField(allow_null=True)
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    crude_value = serializers.FloatField(allow_null=True)
    crude_lower_ci = serializers.FloatField(allow_null=True)
    crude_upper_ci = serializers.FloatField(allow_null=True)
    std_value = serializers.FloatField(allow_null=True)
    std_lower_ci = serializers.FloatField(allow_null=True)
    std_upper_ci = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True)


class ReleaseRowsPageSerializer(serializers.Serializer[dict[str, Any]]):
    count = serializers.IntegerField(help_text="Rækker i hele udgivelsen")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    release = ReleaseSerializer()
    results = ReleaseRowSerializer(many=True)
