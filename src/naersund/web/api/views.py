"""The JSON API's views: access check (``permissions``), call the survey services or read the
published results, shape the JSON (``serializers``). Errors become Danish JSON in ``errors``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

import pandas as pd
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from naersund.analysis.initiative_effects import effects_table
from naersund.analysis.results_file import RESULTS_FILE_COLUMNS
from naersund.catalogue import Catalogue
from naersund.errors import NaersundError
from naersund.refdata import areas as area_levels
from naersund.refdata import region_of
from naersund.survey.answer_values import format_value
from naersund.survey.questions import municipality_name
from naersund.web.accounts import access
from naersund.web.api import levels as api_levels
from naersund.web.api import permissions as perm
from naersund.web.api.serializers import (
    EffectsSerializer,
    ErrorSerializer,
    QuestionSerializer,
    ReleaseRowsPageSerializer,
    ReleaseSerializer,
    ResponseSerializer,
    ResponseWriteSerializer,
    ResultsSerializer,
    RoundSerializer,
)
from naersund.web.catalogue.store import catalogue_data, current_version
from naersund.web.dashboard import releases
from naersund.web.dashboard.downloads import release_table_of
from naersund.web.dashboard.models import Release, ResultRow
from naersund.web.effectsdata import effects_for
from naersund.web.params import query_int
from naersund.web.survey import services
from naersund.web.survey.models import Answer, Question, ResponseState, Round
from naersund.web.survey.models import Response as SurveyResponse

ERRORS = {
    400: ErrorSerializer,
    401: ErrorSerializer,
    403: ErrorSerializer,
    404: ErrorSerializer,
    409: ErrorSerializer,
}
STATE_DA = {"not_started": "Ikke påbegyndt", **dict(ResponseState.choices)}


class _View(APIView):
    permission_classes = [perm.CanViewCatalogue]


def _round(slug: str) -> Round:
    rnd = Round.objects.filter(slug=slug).select_related("previous").first()
    if rnd is None:
        raise exceptions.NotFound()
    return rnd


def _municipality(kommunekode: int) -> int:
    if kommunekode not in region_of():
        raise exceptions.NotFound()
    return kommunekode


def _answer_data(question: Question, answer: Answer) -> dict[str, Any]:
    return {
        "value": answer.value,
        "value_da": format_value(question.spec(), answer.value),
        "version": answer.version,
        "updated_at": answer.updated_at,
        "updated_by": services.user_name(answer.updated_by) if answer.updated_by else None,
    }


def _response_data(
    rnd: Round, kommunekode: int, response: SurveyResponse | None, names: bool = True
) -> dict[str, Any]:
    """The response as JSON; ``names=False`` (a published round read by someone outside the
    municipality) leaves out who wrote and submitted it."""
    answers: dict[str, Any] = {}
    if response is not None:
        for a in response.answers.all():
            answers[a.question.qid] = _answer_data(a.question, a)
            if not names:
                answers[a.question.qid]["updated_by"] = None
    state = response.state if response is not None else "not_started"
    return {
        "round": rnd.slug,
        "kommunekode": kommunekode,
        "municipality": municipality_name(kommunekode),
        "state": state,
        "state_da": STATE_DA[state],
        "version": response.version if response is not None else 0,
        "tilbagemelding": response.tilbagemelding if response is not None else "",
        "submitted_at": response.submitted_at if response is not None else None,
        "submitted_by": services.user_name(response.submitted_by)
        if names and response is not None and response.submitted_by
        else None,
        "updated_at": response.updated_at if response is not None else None,
        "answers": answers,
    }


def _responses(rnd: Round) -> Any:
    return rnd.responses.select_related("submitted_by").prefetch_related(
        Prefetch("answers", queryset=Answer.objects.select_related("question", "updated_by"))
    )


# --- catalogue --------------------------------------------------------------------------------


class CatalogueView(_View):
    @extend_schema(
        summary="Det gældende målkatalog",
        description="Nationale mål, fokusområder og for hver KKR mål, indsatser (skal/kan), "
        "udgangspunkter og måltal — som katalogets YAML.",
        responses={200: Catalogue, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        version = current_version()
        if version is None:
            raise exceptions.NotFound()
        return Response(catalogue_data(version))


# --- rounds and questions ---------------------------------------------------------------------


class RoundListView(_View):
    @extend_schema(summary="Statusrunder", responses={200: RoundSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        rounds = Round.objects.select_related("previous")
        return Response(RoundSerializer(rounds, many=True).data)


class RoundDetailView(_View):
    @extend_schema(summary="En statusrunde", responses={200: RoundSerializer, **ERRORS})
    def get(self, request: Request, slug: str) -> Response:
        return Response(RoundSerializer(_round(slug)).data)


class QuestionListView(_View):
    @extend_schema(
        summary="Rundens spørgsmål",
        parameters=[
            OpenApiParameter(
                "kommune",
                OpenApiTypes.INT,
                description="Kun de spørgsmål, denne kommune stilles (kommunekode).",
            )
        ],
        responses={200: QuestionSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, slug: str) -> Response:
        rnd = _round(slug)
        kommune = query_int(request.query_params, "kommune", max_digits=3)
        if kommune is None:
            questions = list(rnd.questions.all())
        else:
            if kommune not in region_of():
                raise exceptions.ValidationError({"kommune": f"Ukendt kommunekode '{kommune}'."})
            # its own follow-up questions only for those who may read its answers
            private = access.can_view_response(request.user, kommune)
            questions = services.questions_for(rnd, kommune, private=private)
        return Response(QuestionSerializer(questions, many=True).data)


# --- answers ----------------------------------------------------------------------------------


class ResponseListView(_View):
    @extend_schema(
        summary="Besvarelser, du må læse",
        description="Kommunens redaktører ser deres egen kommune, KKR-sekretariatet sin KKR's "
        "kommuner, nationale administratorer alle; kommuner uden besvarelse er med som "
        "'not_started'. Er runden offentliggjort, ser alle de indsendte besvarelser (uden "
        "navne på, hvem der skrev dem).",
        responses={200: ResponseSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, slug: str) -> Response:
        rnd = _round(slug)
        codes = perm.readable_municipalities(request.user, rnd)
        found = {r.kommunekode: r for r in _responses(rnd).filter(kommunekode__in=codes)}
        data = []
        for k in codes:
            if perm.can_read_answers(request.user, k):
                data.append(_response_data(rnd, k, found.get(k)))
            elif k in found and found[k].is_submitted:  # published: submitted only
                data.append(_response_data(rnd, k, found[k], names=False))
        return Response(ResponseSerializer(data, many=True).data)  # type: ignore[arg-type]


def _get_response_for_user(request: Request, rnd: Round, kommunekode: int) -> dict[str, Any]:
    """The municipality's response in ``rnd`` as the user may read it; 403 otherwise."""
    _municipality(kommunekode)
    response = _responses(rnd).filter(kommunekode=kommunekode).first()
    if perm.can_read_answers(request.user, kommunekode):
        return _response_data(rnd, kommunekode, response)
    if (
        perm.can_read_published_answers(request.user, kommunekode, rnd)
        and response is not None
        and response.is_submitted
    ):
        return _response_data(rnd, kommunekode, response, names=False)
    raise exceptions.PermissionDenied()


class ResponseDetailView(_View):
    @extend_schema(
        summary="En kommunes besvarelse",
        description="For kommunens redaktører, dens KKR-sekretariat og nationale "
        "administratorer; i en offentliggjort runde for alle, når besvarelsen er indsendt.",
        responses={200: ResponseSerializer, **ERRORS},
    )
    def get(self, request: Request, slug: str, kommunekode: int) -> Response:
        rnd = _round(slug)
        data = _get_response_for_user(request, rnd, kommunekode)
        return Response(ResponseSerializer(data).data)

    @extend_schema(
        summary="Gem svar (og tilbagemelding)",
        description="Kun de sendte svar ændres. Hvert svar skal have den version, du så "
        "(``versions``); har en anden gemt siden, afvises det hele med 409 og en dansk "
        "besked om hvem og hvornår. Afvises også (409), når runden er lukket eller "
        "besvarelsen indsendt (genåbn den først).",
        request=ResponseWriteSerializer,
        responses={200: ResponseSerializer, **ERRORS},
    )
    def patch(self, request: Request, slug: str, kommunekode: int) -> Response:
        rnd = _round(slug)
        _municipality(kommunekode)
        if not perm.can_write_answers(request.user, kommunekode):
            raise exceptions.PermissionDenied()
        body = ResponseWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.save_answers(
            rnd,
            kommunekode,
            request.user,
            data["answers"],
            data["versions"],
            tilbagemelding=data.get("tilbagemelding"),
            response_version=data.get("response_version"),
            source="api",
        )
        response = _responses(rnd).filter(kommunekode=kommunekode).first()
        return Response(ResponseSerializer(_response_data(rnd, kommunekode, response)).data)


class _StateView(_View):
    transition = staticmethod(services.submit)

    def post(self, request: Request, slug: str, kommunekode: int) -> Response:
        rnd = _round(slug)
        _municipality(kommunekode)
        if not perm.can_write_answers(request.user, kommunekode):
            raise exceptions.PermissionDenied()
        type(self).transition(rnd, kommunekode, request.user, source="api")
        response = _responses(rnd).filter(kommunekode=kommunekode).first()
        return Response(ResponseSerializer(_response_data(rnd, kommunekode, response)).data)


@extend_schema(
    summary="Indsend besvarelsen",
    description="Alle statusspørgsmål skal være besvaret.",
    request=None,
    responses={200: ResponseSerializer, **ERRORS},
)
class SubmitView(_StateView):
    transition = staticmethod(services.submit)


@extend_schema(
    summary="Genåbn en indsendt besvarelse",
    request=None,
    responses={200: ResponseSerializer, **ERRORS},
)
class ReopenView(_StateView):
    transition = staticmethod(services.reopen)


# --- indicator results ------------------------------------------------------------------------

RESULT_FIELDS = RESULTS_FILE_COLUMNS


def _release_data(release: Release) -> dict[str, Any]:
    return {
        "id": release.pk,
        "created_at": release.created_at,
        "data_period_start": release.data_period_start,
        "data_period_end": release.data_period_end,
        "data_cut": release.data_cut,
        "code_version": release.code_version,
        "definitions": {str(k): str(v) for k, v in release.definitions.items()},
        "synthetic": release.synthetic,
    }


def _figures(release: Release) -> dict[tuple[str, str, int, int], dict[str, Any]]:
    """The one figure of every cell of the release (:attr:`PublishedResults.figures`): the
    headline measure, its interval, verdict, Denmark and KKR, as every page shows them."""
    pub = releases.results_of(release)
    out: dict[tuple[str, str, int, int], dict[str, Any]] = {}
    for r in pub.figures.to_dict("records"):
        key = (str(r["indicator"]), str(r["level"]), int(r["area_code"]), int(r["year"]))
        out[key] = {
            "measure": r["measure"],
            "value": _float(r["value"]),
            "lower_ci": _float(r["lower"]),
            "upper_ci": _float(r["upper"]),
            "verdict": r["verdict"],
            "denmark": _float(r["denmark"]),
            "kkr": _float(r["kkr"]),
            "definition_version": pub.definitions.get(str(r["indicator"])),
        }
    return out


def _float(x: Any) -> float | None:
    return None if x is None or x != x else float(x)


class _DashboardView(APIView):
    permission_classes = [perm.CanViewDashboard]


class _PublicResultsView(APIView):
    """Published (suppressed) indicator results: open to everyone when the web's result pages
    are (``NAERSUND_PUBLIC_RESULTS``), since they are the same rows."""

    permission_classes = [perm.CanViewPublicResults]


class ReleaseListView(_PublicResultsView):
    @extend_schema(
        summary="Udgivelser af indikatorresultater (nyeste først)",
        responses={200: ReleaseSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        data = [_release_data(r) for r in Release.objects.all()]
        return Response(ReleaseSerializer(data, many=True).data)  # type: ignore[arg-type]


class ResultListView(_PublicResultsView):
    @extend_schema(
        summary="Offentliggjorte indikatorresultater",
        description="Rækker fra den gældende udgivelse (eller ``release``), efter small-number-"
        "diskretionering: en diskretioneret celle har ingen tal. Filtrér med indicator, level "
        "(et områdeniveau: kommune, region, region2027, kkr, sundhedsraad, land, se "
        "docs/areas.md), area (kode) og year; med parent_level får hvert tal også værdien for "
        "områdets overordnede område på det niveau (fx kommunens sundhedsråd).",
        parameters=[
            OpenApiParameter("indicator", OpenApiTypes.STR),
            OpenApiParameter("level", OpenApiTypes.STR, enum=area_levels.level_ids()),
            OpenApiParameter("area", OpenApiTypes.INT, description="Områdets kode på niveauet."),
            OpenApiParameter("parent_level", OpenApiTypes.STR, enum=area_levels.level_ids()),
            OpenApiParameter("year", OpenApiTypes.INT),
            OpenApiParameter("release", OpenApiTypes.INT, description="Standard: den gældende."),
        ],
        responses={200: ResultsSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        release_id = query_int(request.query_params, "release")
        release = (
            Release.objects.filter(is_current=True).first()
            if release_id is None
            else Release.objects.filter(pk=release_id).first()
        )
        if release is None:
            raise exceptions.NotFound()
        rows = ResultRow.objects.filter(release=release)
        params = request.query_params
        if params.get("indicator"):
            rows = rows.filter(indicator=params["indicator"])
        levels = api_levels.release_levels(release)
        if params.get("level"):
            rows = rows.filter(level=api_levels.checked_level(params["level"], levels, "level"))
        parent_level = params.get("parent_level") or None
        if parent_level is not None:
            api_levels.checked_level(parent_level, levels, "parent_level")
        area = query_int(request.query_params, "area", max_digits=4)
        if area is not None:
            rows = rows.filter(area_code=area)
        year = query_int(request.query_params, "year", max_digits=4)
        if year is not None:
            rows = rows.filter(year=year)
        data = list(rows.order_by("indicator", "level", "area_code", "year").values(*RESULT_FIELDS))
        figures = _figures(release)
        for row in data:
            key = (row["indicator"], row["level"], int(row["area_code"]), int(row["year"]))
            row["figure"] = figures.get(key)
        if parent_level is not None:
            api_levels.add_parents(releases.results_of(release), data, parent_level)
        present = {str(row["level"]) for row in data}
        body = {
            "release": _release_data(release),
            "count": len(data),
            "results": data,
            "levels": api_levels.level_notes(releases.results_of(release), present),
        }
        return Response(ResultsSerializer(body).data)


class EffectListView(_DashboardView):
    @extend_schema(
        summary="Virker indsatserne? Effekten af hver indsats på dens måls indikatorer",
        description="Én række pr. indsats og indikator fra den gældende udgivelse og startårene "
        "i den seneste lukkede statusrunde (eller ``runde``), som siden og `naersund effects` "
        "viser dem. Hvor data ikke kan bære et skøn, er tallene tomme og ``note`` siger hvorfor.",
        parameters=[OpenApiParameter("runde", OpenApiTypes.STR, description="Rundens id.")],
        responses={200: EffectsSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        if Release.objects.filter(is_current=True).first() is None:
            raise exceptions.NotFound()
        try:
            made = effects_for(round_slug=request.query_params.get("runde") or None)
        except NaersundError as exc:
            raise exceptions.NotFound(str(exc)) from None
        rows = effects_table(made.estimated).to_dict("records")
        for row, est in zip(rows, made.estimated, strict=True):
            for k, v in row.items():
                if isinstance(v, float) and v != v:
                    row[k] = None
            row["event_study"] = [vars(p) for p in est.effect.event_study]
        body = {"release": made.release, "round": made.round, "count": len(rows), "effects": rows}
        return Response(EffectsSerializer(body).data)


class ReleaseRowsPagination(PageNumberPagination):
    """``?page=`` (from 1) with :attr:`page_size` rows; ``?page_size=`` up to 5,000."""

    page_size = 1000
    page_size_query_param = "page_size"
    max_page_size = 5000
    invalid_page_message = "Siden findes ikke."


class ReleaseRowsView(_PublicResultsView):
    """The whole release, page by page: the rows of the release download (one per indicator,
    area and year, the columns of its data dictionary, :mod:`naersund.analysis.release_export`),
    suppressed cells without numbers."""

    pagination_class = ReleaseRowsPagination

    @extend_schema(
        summary="Hele udgivelsen, side for side",
        description="Én række pr. indikator, område og år med overskriftstallet (som på "
        "siderne), tællere, rå og standardiserede tal. Diskretionerede celler har ingen tal. "
        "Sider med ``page`` (fra 1) og ``page_size`` (højst 5000, standard 1000); ``next`` "
        "peger på næste side.",
        parameters=[
            OpenApiParameter("page", OpenApiTypes.INT, description="Sidenummer, fra 1."),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="Rækker pr. side."),
        ],
        responses={200: ReleaseRowsPageSerializer, **ERRORS},
    )
    def get(self, request: Request, release_id: int) -> Response:
        release = Release.objects.filter(pk=release_id).first()
        if release is None:
            raise exceptions.NotFound()
        query_int(request.query_params, "page", min_value=1, max_digits=6)
        query_int(request.query_params, "page_size", min_value=1, max_digits=6)
        table = release_table_of(release)
        paginator = self.pagination_class()
        rows: Sequence[dict[str, Any]] = _ReleaseRows(table)
        page = paginator.paginate_queryset(rows, request, view=self)
        assert page is not None
        response = paginator.get_paginated_response(page)
        response.data["release"] = ReleaseSerializer(_release_data(release)).data
        return response


class _ReleaseRows(Sequence[dict[str, Any]]):
    """The table as a sequence of JSON-ready dicts, made only for the rows of the page asked
    for (Django's paginator slices it)."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table

    def __len__(self) -> int:
        return len(self.table)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        part = self.table.iloc[index].astype(object)
        return [
            {str(k): None if _missing(v) else v for k, v in rec.items()}
            for rec in part.to_dict("records")
        ]


def _missing(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


# --- schema -----------------------------------------------------------------------------------


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema (JSON by default; ``?format=yaml`` for YAML), for logged-in users."""

    permission_classes = [perm.CanViewCatalogue]

    def __init__(self, **kwargs: Any) -> None:
        from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer

        super().__init__(**kwargs)
        self.renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]
