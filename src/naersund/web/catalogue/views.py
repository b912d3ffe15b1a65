"""The catalogue pages: readable by every logged-in user (see ``accounts.access``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from naersund.web.accounts.access import can_manage_region, can_view_catalogue
from naersund.web.catalogue import central
from naersund.web.catalogue import models as db
from naersund.web.catalogue.store import current_version
from naersund.web.practice.search import published_by_initiative


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


def _attach_good_practice(kkr: db.Kkr) -> None:
    """Each initiative's published good-practice entries, as ``ini.good_practice`` (the
    prefetched initiatives are the ones the template iterates)."""
    by_slug = published_by_initiative()
    for goal in kkr.goals.all():
        for ini in goal.initiatives.all():
            ini.good_practice = by_slug.get(ini.slug, [])  # type: ignore[attr-defined]
    for plan in kkr.action_plans.all():
        for ini in plan.initiatives.all():
            ini.good_practice = by_slug.get(ini.slug, [])  # type: ignore[attr-defined]


@login_required
def kkr_detail(request: HttpRequest, region_code: int) -> HttpResponse:
    version = _version_for(request)
    rows = _kkr_rows(version, region_code) if version else []
    if not rows:
        raise Http404("Ukendt KKR")
    names = {d.id: f"{d.name_da} ({d.status})" for d in central.choosable()}
    _attach_good_practice(rows[0])
    ctx = {
        "version": version,
        "kkr": rows[0],
        "central_names": [names.get(i, i) for i in rows[0].central_indicators],
        "can_manage": can_manage_region(request.user, region_code),
    }
    return render(request, "catalogue/kkr.html", ctx)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def central_indicators(request: HttpRequest, region_code: int) -> HttpResponse:
    """The KKR's 3-6 central indicators in their order: its secretariat and national
    administrators choose them; a choice is saved as a new catalogue version."""
    if not can_manage_region(request.user, region_code):
        raise PermissionDenied
    version = current_version()
    rows = _kkr_rows(version, region_code) if version else []
    if not rows:
        raise Http404("Ukendt KKR")
    kkr = rows[0]
    errors: list[str] = []
    chosen = list(kkr.central_indicators)
    if request.method == "POST":
        chosen, errors = central.read_choice(request.POST)
        if not errors:
            central.save_choice(region_code, chosen, request.user)
            return redirect("catalogue:kkr", region_code=region_code)
    ctx = {
        "kkr": kkr,
        "version": version,
        "indicators": central.choosable(),
        "slots": [
            (i, chosen[i - 1] if i <= len(chosen) else "") for i in range(1, central.SLOTS + 1)
        ],
        "errors": errors,
    }
    return render(request, "catalogue/central.html", ctx, status=400 if errors else 200)
