"""The catalogue pages: readable by every logged-in user (see ``accounts.access``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from naersund.web.accounts.access import can_manage_region, can_view_catalogue
from naersund.web.catalogue import models as db
from naersund.web.catalogue.store import current_version


def _kkr_rows(version: db.CatalogueVersion, region_code: int | None = None) -> list[db.Kkr]:
    rows = version.kkr.prefetch_related(
        Prefetch("goals", queryset=db.Goal.objects.prefetch_related("initiatives", "baselines")),
        Prefetch("action_plans", queryset=db.ActionPlan.objects.prefetch_related("initiatives")),
    )
    if region_code is not None:
        rows = rows.filter(region_code=region_code)
    return list(rows)


def _version_for(request: HttpRequest) -> db.CatalogueVersion | None:
    if not can_view_catalogue(request.user):
        raise PermissionDenied
    return current_version()


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    version = _version_for(request)
    ctx = {
        "version": version,
        "national_goals": list(version.national_goals.all()) if version else [],
        "kkrs": _kkr_rows(version) if version else [],
    }
    return render(request, "catalogue/overview.html", ctx)


@login_required
def kkr_detail(request: HttpRequest, region_code: int) -> HttpResponse:
    version = _version_for(request)
    rows = _kkr_rows(version, region_code) if version else []
    if not rows:
        raise Http404("Ukendt KKR")
    ctx = {
        "version": version,
        "kkr": rows[0],
        "can_manage": can_manage_region(request.user, region_code),
    }
    return render(request, "catalogue/kkr.html", ctx)
