"""The catalogue of good practice in the API (read-only): ``/api/practice/`` lists the entries
the caller may read (published ones for every logged-in user; drafts and entries under review
for the municipality, its KKR's and sundhedsråd's secretariats and national administrators),
with the page's filters; ``/api/practice/<id>/`` is one entry, a 404 for those who may not
read it. Access is the pages' own (:func:`naersund.web.practice.search.entry_for_user`,
``access.can_view_practice``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from naersund.web.api import permissions as perm
from naersund.web.api.serializers import ErrorSerializer
from naersund.web.practice.attachments import attachments_of
from naersund.web.practice.models import Entry
from naersund.web.practice.page import entry_page
from naersund.web.practice.search import entry_for_user, read_filters, visible_entries

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class AttachmentSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(help_text="Filnavnet, som det blev lagt op")
    size = serializers.IntegerField(help_text="Størrelse i bytes")
    url = serializers.CharField(help_text="Hent dokumentet (PDF) med samme adgang som indslaget")


class PracticeEntrySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField(help_text="kladde, indsendt, rettes eller offentliggjort")
    status_da = serializers.CharField()
    kommunekode = serializers.IntegerField(help_text="Kommunen, der ejer indslaget")
    partners = serializers.ListField(
        child=serializers.IntegerField(), help_text="Andre kommuner (tværkommunalt)"
    )
    municipalities_da = serializers.CharField()
    region_code = serializers.IntegerField(help_text="KKR (regionskode)")
    kkr_da = serializers.CharField()
    initiatives = serializers.ListField(
        child=serializers.CharField(), help_text="Indsatsernes id i målkataloget"
    )
    indicators = serializers.ListField(child=serializers.CharField(), help_text="Indikator-id")
    target_group = serializers.CharField()
    target_group_da = serializers.CharField()
    what = serializers.CharField()
    organisation = serializers.CharField(allow_blank=True)
    staff = serializers.CharField(allow_blank=True)
    cost_per_year = serializers.IntegerField(allow_null=True, help_text="Hele kroner pr. år")
    results = serializers.CharField(allow_blank=True)
    evidence = serializers.CharField(allow_blank=True)
    evidence_da = serializers.CharField(allow_blank=True)
    contact = serializers.CharField(allow_blank=True)
    links = serializers.ListField(child=serializers.CharField())
    started_on = serializers.DateField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    is_demo = serializers.BooleanField(help_text="Et demoeksempel uden faktiske resultater")
    attachments = AttachmentSerializer(many=True)
    url = serializers.CharField(help_text="Indslagets side")


def entry_data(entry: Entry) -> dict[str, Any]:
    page = entry_page(entry, with_history=False)
    return {
        "id": entry.pk,
        "title": entry.title,
        "status": entry.status,
        "status_da": entry.get_status_display(),
        "kommunekode": entry.kommunekode,
        "partners": list(entry.partners),
        "municipalities_da": page.municipalities,
        "region_code": entry.region_code,
        "kkr_da": page.kkr,
        "initiatives": list(entry.initiatives),
        "indicators": list(entry.indicators),
        "target_group": entry.target_group,
        "target_group_da": entry.get_target_group_display(),
        "what": entry.what,
        "organisation": entry.organisation,
        "staff": entry.staff,
        "cost_per_year": entry.cost_per_year,
        "results": entry.results,
        "evidence": entry.evidence,
        "evidence_da": entry.get_evidence_display() if entry.evidence else "",
        "contact": entry.contact,
        "links": page.links,
        "started_on": entry.started_on,
        "published_at": entry.published_at,
        "is_demo": entry.is_demo,
        "attachments": [
            {"name": a.name, "size": a.size, "url": a.url} for a in attachments_of(entry)
        ],
        "url": reverse("practice:entry", args=[entry.pk]),
    }


FILTERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Fritekstsøgning (dansk på PostgreSQL)"),
    OpenApiParameter("indsats", OpenApiTypes.STR, description="En indsats' id i målkataloget"),
    OpenApiParameter("indikator", OpenApiTypes.STR, description="En indikators id"),
    OpenApiParameter("kkr", OpenApiTypes.INT, description="KKR'ens regionskode, fx 1084"),
    OpenApiParameter("maalgruppe", OpenApiTypes.STR, description="Målgruppe, fx akut"),
    OpenApiParameter("evidens", OpenApiTypes.STR, description="Evidensniveau, fx beskrevet"),
]


class PracticeListView(APIView):
    permission_classes = [perm.CanViewCatalogue]

    @extend_schema(
        summary="God praksis: indslagene",
        description="Offentliggjorte indslag for alle; kladder og indslag under gennemsyn kun "
        "for kommunen, dens KKR- og sundhedsrådssekretariater og nationale administratorer. "
        "Samme filtre som /god-praksis/.",
        parameters=FILTERS,
        responses={200: PracticeEntrySerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        found = visible_entries(request.user, read_filters(request.query_params))
        return Response([entry_data(e) for e in found])


class PracticeDetailView(APIView):
    permission_classes = [perm.CanViewCatalogue]

    @extend_schema(
        summary="God praksis: ét indslag",
        description="404, når indslaget ikke findes, eller når det er en kladde, som kalderen "
        "ikke må se.",
        responses={200: PracticeEntrySerializer, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        entry = entry_for_user(request.user, pk)
        if entry is None:
            raise exceptions.NotFound()
        return Response(entry_data(entry))
