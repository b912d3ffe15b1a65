"""Virker indsatserne? The effects of the catalogue's initiatives on their goals' indicators:
a list and a page per initiative x indicator. Thin: access, parameters, then the presenter."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from naersund.analysis.effects import INTERVAL_DA
from naersund.charts.effects import effect_chart
from naersund.errors import NaersundError
from naersund.web.accounts.access import can_view_dashboard
from naersund.web.dashboard import context as ctx
from naersund.web.dashboard import releases
from naersund.web.dashboard.effects_present import DEFAULT_SORT, SORTS, effect_rows, effects_csv
from naersund.web.dashboard.present import chart_view
from naersund.web.effectsdata import Effects, effects_for

TITLE = "Virker indsatserne?"


def _effects(request: HttpRequest) -> tuple[Effects | None, str]:
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    if releases.current_release() is None:
        return None, "Der er ingen udgivelse endnu."
    slug = request.GET.get("runde") or None
    try:
        return effects_for(round_slug=slug), ""
    except NaersundError as exc:
        return None, str(exc)


@login_required
def effekter(request: HttpRequest) -> HttpResponse:
    made, problem = _effects(request)
    if made is None:
        return render(request, "dashboard/effects.html", {"title": TITLE, "problem": problem})
    if request.GET.get("format") == "csv":
        response = HttpResponse(effects_csv(made.estimated), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="effekter.csv"'
        return response
    sort = request.GET.get("sort") or DEFAULT_SORT
    if sort not in SORTS:
        sort = DEFAULT_SORT
    context = {
        "title": TITLE,
        "effects": made,
        "rows": effect_rows(made.estimated, sort),
        "sort": sort,
        "sorts": [("indsats", "Indsats"), ("indikator", "Indikator"), ("effekt", "Effekt")],
    }
    return render(request, "dashboard/effects.html", context)


@login_required
def effekt(request: HttpRequest, initiative: str, indicator: str) -> HttpResponse:
    made, problem = _effects(request)
    if made is None:
        return render(request, "dashboard/effects.html", {"title": TITLE, "problem": problem})
    est = made.find(initiative, indicator)
    if est is None:
        raise Http404("Ukendt indsats eller indikator")
    chart = None
    if est.effect.has_estimate:
        info = ctx.infos().get(indicator)
        built = effect_chart(est, info.unit_da if info else "")
        if request.GET.get("csv") == "forloeb":
            response = HttpResponse(built.csv(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="effekt-forloeb.csv"'
            return response
        q = request.GET.copy()
        q["csv"] = "forloeb"
        chart = chart_view("forloeb", built, f"{request.path}?{q.urlencode()}")
    context = {
        "title": TITLE,
        "effects": made,
        "est": est,
        "chart": chart,
        "interval_method": INTERVAL_DA,
    }
    return render(request, "dashboard/effect.html", context)
