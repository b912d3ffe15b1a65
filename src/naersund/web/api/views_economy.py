"""The economy's read-only API: the economic figures (the page Økonomi's numbers, from
:func:`naersund.web.economy.reader.economy_figures`) and a round's money aggregates (the page
Økonomi i statusrunden's, from :func:`naersund.web.survey.round_money.money_for`), with the same
access as those pages: every logged-in user; a small group's kr. only for those who may see
those municipalities' answers."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from naersund.economy.figures import AreaLevel, EconomyFigure
from naersund.survey.money_aggregate import MoneyAggregates, MoneyRow
from naersund.survey.money_export import notes
from naersund.web.accounts import access
from naersund.web.api import permissions as perm
from naersund.web.api.serializers_economy import EconomySerializer, MoneySerializer
from naersund.web.api.views import ERRORS, _round
from naersund.web.economy.reader import KINDS, economy_figures
from naersund.web.params import query_int
from naersund.web.survey.result_areas import chosen_area
from naersund.web.survey.round_money import is_synthetic, money_for

LEVELS = ("kommune", "kkr", "land")


def _figure_data(f: EconomyFigure, sentence: str | None, source: str) -> dict[str, Any]:
    data = {k: getattr(f, k) for k in (
        "level", "code", "name", "year", "health", "kmf", "kmf_status", "growth", "growth_pct",
        "adjusted", "per_citizen", "per_citizen_65", "kmf_per_citizen", "expected_lift",
        "lift_gap",
    )}  # fmt: skip
    return data | {"sentence": sentence or "", "provenance": source}


class EconomyView(APIView):
    permission_classes = [perm.CanViewDashboard]

    @extend_schema(
        summary="Økonomi: sundhedsudgifter, løft og KMF pr. kommune, KKR og landet",
        description="Tallene fra siden Økonomi: sundhedsudgifter ekskl. KMF, løftet i kr. og "
        "pct., kr. pr. indbygger og pr. indbygger 65+, KMF pr. indbygger (år uden KMF er "
        "'ikke relevant', aldrig 0) og den forventede andel af ØA-løftet mod væksten.",
        parameters=[
            OpenApiParameter(
                "kind", OpenApiTypes.STR, enum=list(KINDS), description="Standard budget"
            ),
            OpenApiParameter("year", OpenApiTypes.INT, description="Kun dette år"),
            OpenApiParameter("level", OpenApiTypes.STR, enum=list(LEVELS)),
            OpenApiParameter("code", OpenApiTypes.INT, description="Kommunekode/regionskode"),
        ],
        responses={200: EconomySerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        kind = params.get("kind") or "budget"
        level = params.get("level") or None
        if kind not in KINDS:
            raise exceptions.ValidationError({"kind": "Brug budget eller regnskab."})
        if level is not None and level not in LEVELS:
            raise exceptions.ValidationError({"level": "Brug kommune, kkr eller land."})
        year = query_int(params, "year", max_digits=4)
        code = query_int(params, "code", max_digits=4)
        figures = economy_figures(kind)
        if figures is None:
            raise exceptions.NotFound("Der er ikke indlæst budgetter eller regnskaber.")
        frame = figures.frame
        keep = frame["year"].isin([year] if year is not None else figures.years)
        if level is not None:
            keep &= frame["level"] == level
        if code is not None:
            keep &= frame["code"] == code
        rows = []
        chosen = frame.loc[keep]
        wanted: list[tuple[AreaLevel, int, int]] = list(
            zip(
                chosen["level"].tolist(),
                chosen["code"].tolist(),
                chosen["year"].tolist(),
                strict=True,
            )
        )
        for level_, code_, year_ in wanted:
            f = figures.figure(level_, int(code_), int(year_))
            if f is not None:
                sentence = figures.sentence(f.level, f.code, f.year)
                rows.append(_figure_data(f, sentence, figures.provenance.line(f.year)))
        body = {
            "kind": kind,
            "table": figures.provenance.table,
            "synthetic": figures.provenance.synthetic,
            "years": figures.years,
            "count": len(rows),
            "figures": rows,
        }
        return Response(EconomySerializer(body).data)


def _row(r: MoneyRow) -> dict[str, Any]:
    return {
        "key": r.key,
        "label_da": r.label_da,
        "kroner": r.kroner,
        "share_pct": r.share_pct,
        "with_amount": r.with_amount,
        "ved_ikke": r.ved_ikke,
        "not_answered": r.not_answered,
        "asked": r.asked,
        "hidden": r.hidden,
    }


def money_data(money: MoneyAggregates, synthetic: bool) -> dict[str, Any]:
    """The aggregates as the API's JSON (:class:`MoneySerializer`)."""
    return {
        "round": money.round_key,
        "round_title_da": money.round_title_da,
        "year": money.year,
        "area_code": money.area.code,
        "area_name": money.area.name_da,
        "submitted": money.submitted,
        "min_amounts": money.min_amounts,
        "synthetic": synthetic,
        "notes": notes(money, synthetic),
        "initiatives": [
            _row(i.money)
            | {
                "kind": i.kind,
                "title_da": i.title_da,
                "implemented_count": i.implemented.count,
                "implemented_pct": i.implemented.pct,
                "under_way_count": i.under_way.count,
                "effects": list(i.effects),
            }
            for i in money.initiatives
        ],
        "themes": [_row(t) for t in money.themes],
    }


class RoundMoneyView(APIView):
    permission_classes = [perm.CanViewCatalogue]

    @extend_schema(
        summary="Hvad bruges pengene til? En rundes økonomisvar samlet",
        description="Kr. og andel pr. indsats og pr. tema, antal med beløb / ved ikke / ikke "
        "besvaret, indsatsens andel implementeret og gemte effektskøn, for landet eller et "
        "område (``area``: KKR- eller sundhedsrådskode). Summer af færre end ``min_amounts`` "
        "beløb er skjulte for den, der ikke må se de kommuners egne svar, og det samme er en "
        "sum, der trukket fra et andet valgbart områdes ville afsløre færre beløb.",
        parameters=[OpenApiParameter("area", OpenApiTypes.INT, description="Områdets kode")],
        responses={200: MoneySerializer, **ERRORS},
    )
    def get(self, request: Request, slug: str) -> Response:
        rnd = _round(slug)
        if not access.can_view_round_results(request.user, rnd):
            raise exceptions.PermissionDenied()
        # the areas the results page lets this user choose (Denmark, the five KKR, a
        # secretariat's own area; every level for national administrators), so that the API
        # gives no sum that the page's differencing rule keeps back
        area = chosen_area(request.user, query_int(request.query_params, "area", max_digits=4))
        if area is None:
            raise exceptions.NotFound()
        body = money_data(money_for(request.user, rnd, area), is_synthetic(rnd))
        return Response(MoneySerializer(body).data)
