"""The economy endpoints' JSON shapes (they also make the OpenAPI schema): the economic figures
of :class:`naersund.economy.figures.EconomyFigure` and a round's money aggregates
(:class:`naersund.survey.money_aggregate.MoneyAggregates`). Money in 1.000 kr. for the figures
(as Danmarks Statistik publishes them), in whole kr. for the money answers (as they were asked)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class EconomyFigureSerializer(serializers.Serializer[dict[str, Any]]):
    level = serializers.CharField(help_text="kommune, kkr eller land")
    code = serializers.IntegerField(help_text="Kommunekode, regionskode (KKR) eller 0 (landet)")
    name = serializers.CharField()
    year = serializers.IntegerField()
    health = serializers.FloatField(
        allow_null=True, help_text="Sundhedsudgifter ekskl. KMF, 1.000 kr."
    )
    kmf = serializers.FloatField(allow_null=True, help_text="KMF, 1.000 kr.")
    kmf_status = serializers.CharField(
        allow_blank=True, help_text="'' (tallet vises), 'ikke relevant' (KMF er afskaffet) "
        "eller 'ikke oplyst'"
    )  # fmt: skip
    growth = serializers.FloatField(allow_null=True, help_text="Løft, 1.000 kr.")
    growth_pct = serializers.FloatField(allow_null=True, help_text="Vækst i pct.")
    adjusted = serializers.BooleanField(help_text="Væksten er målt mod et reguleret grundlag")
    per_citizen = serializers.FloatField(allow_null=True, help_text="Kr. pr. indbygger")
    per_citizen_65 = serializers.FloatField(allow_null=True, help_text="Kr. pr. indbygger 65+")
    kmf_per_citizen = serializers.FloatField(allow_null=True, help_text="KMF, kr. pr. indbygger")
    expected_lift = serializers.FloatField(
        allow_null=True, help_text="Forventet andel af ØA-løftet, 1.000 kr."
    )
    lift_gap = serializers.FloatField(
        allow_null=True, help_text="Løft minus forventet andel, 1.000 kr."
    )
    sentence = serializers.CharField(allow_blank=True, help_text="Sætningen som på siden")
    provenance = serializers.CharField(help_text="Kilde, fil, år og definitionernes versioner")


class EconomySerializer(serializers.Serializer[dict[str, Any]]):
    kind = serializers.CharField(help_text="budget (BUDK32) eller regnskab (REGK31)")
    table = serializers.CharField()
    synthetic = serializers.BooleanField(help_text="SYNTETISKE DATA")
    years = serializers.ListField(child=serializers.IntegerField())
    count = serializers.IntegerField()
    figures = EconomyFigureSerializer(many=True)


class MoneyRowSerializer(serializers.Serializer[dict[str, Any]]):
    key = serializers.CharField(help_text="Indsatsens id eller temaet")
    label_da = serializers.CharField()
    kroner = serializers.IntegerField(
        allow_null=True, help_text="Sum i kr.; null når ingen har oplyst et beløb, eller når "
        "for få har (hidden)"
    )  # fmt: skip
    share_pct = serializers.FloatField(allow_null=True, help_text="Andel af de viste beløb")
    with_amount = serializers.IntegerField(help_text="Kommuner, der har oplyst et beløb")
    ved_ikke = serializers.IntegerField()
    not_answered = serializers.IntegerField()
    asked = serializers.IntegerField(help_text="Kommuner, der er spurgt og har indsendt")
    hidden = serializers.BooleanField(help_text="Summen vises ikke: for få beløb")


class InitiativeMoneySerializer(MoneyRowSerializer):
    kind = serializers.CharField(allow_null=True, help_text="skal eller kan")
    title_da = serializers.CharField()
    implemented_count = serializers.IntegerField()
    implemented_pct = serializers.IntegerField(allow_null=True)
    under_way_count = serializers.IntegerField()
    effects = serializers.ListField(
        child=serializers.CharField(), help_text="Gemte effektskøn med udgivelse og runde"
    )


class MoneySerializer(serializers.Serializer[dict[str, Any]]):
    round = serializers.CharField()
    round_title_da = serializers.CharField()
    year = serializers.IntegerField()
    area_code = serializers.IntegerField(help_text="0 for hele landet")
    area_name = serializers.CharField()
    submitted = serializers.IntegerField()
    min_amounts = serializers.IntegerField()
    synthetic = serializers.BooleanField()
    notes = serializers.ListField(child=serializers.CharField())
    initiatives = InitiativeMoneySerializer(many=True)
    themes = MoneyRowSerializer(many=True)
