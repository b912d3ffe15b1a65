"""Virker indsatserne? The effects of the catalogue's initiatives on their goals' indicators:
a list and a page per initiative x indicator. Thin: access, parameters, then the presenter."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from naersund.analysis.effects import INTERVAL_DA
from naersund.analysis.initiative_effects import Estimated
from naersund.charts import Chart
from naersund.charts.effects import effect_chart
from naersund.errors import NaersundError
from naersund.web.accounts.access import can_view_dashboard
from naersund.web.dashboard import context as ctx
from naersund.web.dashboard import releases
from naersund.web.dashboard.effects_present import DEFAULT_SORT, SORTS, effect_rows, effects_csv
from naersund.web.dashboard.present import cached_fragment, chart_view
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


def _content(
    request: HttpRequest, made: Effects, page: tuple[object, ...], build: Callable[[], str]
) -> SafeString:
    """The page's content built once per effects (release, round, method, catalogue, answers),
    page and chosen round, for a logged-in user (every user who may see the page sees the
    same estimates), as the other pages' content (:func:`cached_fragment`)."""
    logged_in = bool(getattr(request.user, "is_authenticated", False))
    key = ("effekter", *made.key, *page, request.GET.get("runde") or "", logged_in)
    return cached_fragment(key, build)


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
        "sort": sort,
        "sorts": [("indsats", "Indsats"), ("indikator", "Indikator"), ("effekt", "Effekt")],
    }

    def table() -> str:
        rows = effect_rows(made.estimated, sort)
        return render_to_string("dashboard/_effects_table.html", {"rows": rows}, request)

    context["table"] = _content(request, made, ("liste", sort), table)
    return render(request, "dashboard/effects.html", context)


@login_required
def effekt(request: HttpRequest, initiative: str, indicator: str) -> HttpResponse:
    made, problem = _effects(request)
    if made is None:
        return render(request, "dashboard/effects.html", {"title": TITLE, "problem": problem})
    est = made.find(initiative, indicator)
    if est is None:
        raise Http404("Ukendt indsats eller indikator")
    if est.effect.has_estimate and request.GET.get("csv") == "forloeb":
        response = HttpResponse(_chart(est).csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="effekt-forloeb.csv"'
        return response

    def body() -> str:
        chart = None
        if est.effect.has_estimate:
            q = QueryDict(mutable=True)
            if request.GET.get("runde"):
                q["runde"] = request.GET["runde"]
            q["csv"] = "forloeb"
            chart = chart_view("forloeb", _chart(est), f"{request.path}?{q.urlencode()}")
        context = {"est": est, "chart": chart, "interval_method": INTERVAL_DA}
        return render_to_string("dashboard/_effect_body.html", context, request)

    context = {
        "title": TITLE,
        "effects": made,
        "est": est,
        "body": _content(request, made, ("par", initiative, indicator), body),
    }
    return render(request, "dashboard/effect.html", context)


def _chart(est: Estimated) -> Chart:
    info = ctx.infos().get(est.indicator)
    return effect_chart(est, info.unit_da if info else "")
