"""Områdeoverblik: any area of any published level (a sundhedsråd, Region Østdanmark, a KKR,
a user group) with its municipalities' figures on one page (issue 14). Thin: access, parameters,
then :mod:`naersund.analysis.area_view`; every number is :meth:`PublishedResults.figure`."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from naersund import charts
from naersund.analysis import area_view
from naersund.analysis.published import CRUDE, Measure
from naersund.charts.area_map import area_choropleth
from naersund.refdata import NATIONAL_CODE, areas
from naersund.web.accounts.access import can_view_public_results
from naersund.web.accounts.decorators import login_required_unless_public
from naersund.web.dashboard import area_page, views, views_compare
from naersund.web.dashboard import context as ctx
from naersund.web.dashboard.views import (
    _chart,
    _filters,
    _logged_in,
    _no_release,
    _page,
    _params,
    _release,
    _round_context,
    _round_key,
)
from naersund.web.params import query_int


def _known(level: str, code: int) -> bool:
    """Whether the registry has the area (before a release is read: the page is a 404 for an
    unknown area whether or not anything is published)."""
    lv = areas.area_levels().get(level)
    return lv is not None and level != "land" and code in lv.latest.names()


@login_required_unless_public
def omraade(request: HttpRequest, level: str, code: int) -> HttpResponse:
    """Områdeoverblik: the area's municipalities with their figures, the area's goals,
    central indicators, skal-status and follow-up answers (:mod:`.area_page`)."""
    if not can_view_public_results(request.user):
        raise PermissionDenied
    release, pub = _release(request)
    if release is None or pub is None:
        if not _known(level, code):
            raise Http404("Ukendt område")
        return _no_release(request, "Områdeoverblik")
    area = area_view.find_area(pub, level, code)
    if area is None or level == "land":
        raise Http404("Ukendt område")
    p = _params(request, pub)
    rnd = ctx.chosen_round(request.GET.get("runde"))
    survey_key = ctx.survey_stamp()
    answers_key = ctx.answers_key(request.user, list(area.members))

    def build() -> dict[str, Any]:
        page = area_page.area_context(pub, area, p.year, p.standardised, request.user, rnd)
        cols = page["cols"]
        # an indicator the release has no figures for: the map shows the first one it has,
        # and the selector and a note say so (area_page.shown_indicator)
        info, at, missing_note = area_page.shown_indicator(cols, p.indicator)
        if info is None:
            return {**page, "map": None, "missing_note": missing_note, **_filters(pub, p)}
        shown = replace(p, indicator=info.id)
        members = [r for r in page["rows"] if r.level == "kommune"]
        table = pd.DataFrame(
            {
                "area_code": [r.code for r in members],
                "name": [r.name for r in members],
                "value": [r.cells[at].figure.value for r in members],
                "comparison": [r.cells[at].figure.verdict for r in members],
            }
        ).astype({"value": float})
        title = f"{info.name_da}, {p.year}, {area.name}"
        # zoomed to the area's municipalities (Bornholm in its inset where it is among them)
        map_chart = charts.choropleth(
            table, info.unit_da, title, list(area.members), None, area.name
        )
        return {
            **page,
            "map": _chart(request, "map", map_chart),
            "map_info": info,
            "missing_note": missing_note,
            "csv_charts": {"map": map_chart},
            "levels": area_view.level_choices(pub),
            "logged_in": _logged_in(request),  # in the page's cache key
            **_round_context(rnd),
            **_filters(pub, shown, indicator=True),
        }

    key = (str(survey_key), answers_key, _round_key(rnd), _logged_in(request))
    return _page(
        request,
        "dashboard/omraade.html",
        f"Områdeoverblik: {area.name}",
        release,
        ("omraade", level, code, *p.key(), *key),
        build,
    )


@login_required_unless_public
def omraade_valg(request: HttpRequest) -> HttpResponse:
    """The chooser's form (``?omraade=<level>:<code>``) goes to the area's page."""
    if not can_view_public_results(request.user):
        raise PermissionDenied
    level, _, code = (request.GET.get("omraade") or "").partition(":")
    if not level or not code.isdigit() or len(code) > 6:
        raise Http404("Ukendt område")
    q = request.GET.copy()
    q.pop("omraade", None)
    url = reverse("dashboard:omraade", args=[level, int(code)])
    return redirect(f"{url}?{q.urlencode()}" if q else url)


@login_required_unless_public
def sammenlign(request: HttpRequest) -> HttpResponseBase:
    """Sammenlign: the municipalities (``views.sammenlign``), or with ``?niveau=<level>`` the
    areas of that level (the four regions of 2027, the sundhedsråd, ...) side by side, with
    their map dissolved from the municipalities."""
    level = request.GET.get("niveau") or "kommune"
    if request.GET.get("gruppe"):
        return views_compare.sammenlign_gruppe(request)
    if level == "kommune":
        return views.sammenlign(request)
    if not can_view_public_results(request.user):
        raise PermissionDenied
    release, pub = _release(request)
    if release is None or pub is None:
        return _no_release(request, "Sammenlign områder")
    choices = {lv: name for lv, name, _ in area_view.level_choices(pub)}
    if level not in choices:
        raise Http404("Ukendt områdeniveau")
    p = _params(request, pub)
    info = ctx.infos()[p.indicator or ""]

    def build() -> dict[str, Any]:
        found, figures = area_view.level_table(pub, level, info.id, p.year, p.standardised)
        table = pd.DataFrame(
            {
                "area_code": [c for c, _, _ in found],
                "name": [n for _, n, _ in found],
                "value": [f.value for f in figures],
                "lower": [f.lower for f in figures],
                "upper": [f.upper for f in figures],
                "comparison": [f.verdict for f in figures],
            },
            dtype=object,
        ).astype({"value": float, "lower": float, "upper": float})
        national = pub.figure(
            info.id, "land", NATIONAL_CODE, p.year, measure=None if p.standardised else "rå"
        )
        title = f"{info.name_da}, {p.year}, {choices[level]}"
        nat_value = national.value if national.value is not None else float("nan")
        bars = charts.ci_bars(table, nat_value, info.unit_da, title)
        map_chart = area_choropleth(table, found, info.unit_da, title, choices[level])
        return {
            "info": info,
            "level": level,
            "level_name": choices[level],
            "notes": area_view.level_notes(pub, level),
            "figures": list(zip(found, figures, strict=True)),
            "national": national,
            "bars": _chart(request, "bars", bars),
            "map": _chart(request, "map", map_chart),
            "n_hidden": int(table["value"].isna().sum()),
            "level_choices": choices,
            "csv_charts": {"bars": bars, "map": map_chart},
            **_filters(pub, p, indicator=True),
        }

    return _page(
        request,
        "dashboard/sammenlign_omraader.html",
        f"Sammenlign områder: {info.name_da}",
        release,
        ("sammenlign-niveau", level, *p.key()),
        build,
    )


@login_required_unless_public
def udvikling(request: HttpRequest) -> HttpResponseBase:
    """Udvikling: a municipality (``views.udvikling``), or with ``?niveau=<level>&omraade=<code>``
    an area of any level year by year beside its parent on ``?over=<level>`` (default: none)
    and Denmark."""
    level = request.GET.get("niveau") or "kommune"
    if request.GET.get("gruppe"):
        return views_compare.udvikling_gruppe(request)
    if level == "kommune":
        return views.udvikling(request)
    if not can_view_public_results(request.user):
        raise PermissionDenied
    release, pub = _release(request)
    if release is None or pub is None:
        return _no_release(request, "Udvikling")
    code = query_int(request.GET, "omraade", max_digits=6)
    area = None if code is None else area_view.area_info(pub, level, code)
    if area is None or level == "land":
        raise Http404("Ukendt område")
    over = request.GET.get("over") or None
    if over is not None and over not in {lv for lv, _, _ in area_view.level_choices(pub)}:
        raise Http404("Ukendt områdeniveau")
    p = _params(request, pub)
    info = ctx.infos()[p.indicator or ""]

    def build() -> dict[str, Any]:
        measure: Measure | None = None if p.standardised else CRUDE
        series = area_view.trend_series(pub, area, info.id, over, measure)
        title = f"{info.name_da}: {', '.join(dict.fromkeys(series['area']))}"
        chart = charts.trend_chart(series, info.unit_da, title)
        figures = pub.series(info.id, level, area.code, measure=measure)
        return {
            "info": info,
            "area": area,
            "figures": figures,
            "trend": _chart(request, "trend", chart),
            "csv_charts": {"trend": chart},
            **_filters(pub, p, indicator=True, no_year=True),
        }

    return _page(
        request,
        "dashboard/udvikling_omraade.html",
        f"Udvikling: {info.name_da}, {area.name}",
        release,
        ("udvikling-niveau", level, area.code, over, *p.key()),
        build,
    )
