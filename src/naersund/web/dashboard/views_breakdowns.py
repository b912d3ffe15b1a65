"""The breakdown page of an indicator for a municipality ("Opdeling"): the release's
breakdowns by diagnosis group, age band, sex and month, each a table with a bar chart.

Thin: access (every user who may see the dashboard), the release, then
:func:`naersund.web.dashboard.breakdowns.page_context`; ``?csv=<dimension>`` gives one
breakdown's numbers as CSV."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from naersund.analysis.profiles import municipality_names
from naersund.charts.breakdown import breakdown_chart
from naersund.indicators import IndicatorDefinition, load_definitions
from naersund.web.accounts.access import can_view_public_results
from naersund.web.accounts.decorators import login_required_unless_public
from naersund.web.dashboard import breakdowns, releases
from naersund.web.dashboard.present import cached_fragment
from naersund.web.params import query_int


@cache
def _definitions() -> dict[str, IndicatorDefinition]:
    """The shipped definitions by id (the dashboard's own, as ``context.infos``)."""
    return {d.id: d for d in load_definitions()}


@login_required_unless_public
def opdeling(request: HttpRequest, kommunekode: int, indicator: str) -> HttpResponse:
    if not can_view_public_results(request.user):
        raise PermissionDenied
    names = municipality_names()
    definition = _definitions().get(indicator)
    if kommunekode not in names or definition is None:
        raise Http404("Ukendt kommune eller indikator")
    name = names[kommunekode]
    title = f"Opdeling: {definition.name_da}, {name}"
    release = releases.current_release()
    if release is None:
        return render(request, "dashboard/no_release.html", {"title": title})
    pub = releases.results_of(release)
    year = query_int(request.GET, "aar", max_digits=4)

    def build() -> dict[str, Any]:
        return breakdowns.page_context(
            release, pub, definition, kommunekode, name, year, f"{request.path}?csv="
        )

    wanted = request.GET.get("csv")
    if wanted:
        view = next((v for v in build()["views"] if v.breakdown.dimension == wanted), None)
        if view is None:
            raise Http404("Ukendt opdeling")
        chart = breakdown_chart(view.breakdown, view.title)
        response = HttpResponse(chart.csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="opdeling-{wanted}.csv"'
        return response

    def content() -> str:
        return render_to_string(
            "dashboard/opdeling.html",
            {
                **build(),
                "title": title,
                "release": release,
                "definition": definition,
                "name": name,
                "kommunekode": kommunekode,
            },
        )

    return render(
        request,
        "dashboard/page.html",
        {
            "title": title,
            "release": release,
            # built once per release, municipality, indicator and year (releases never change)
            "content": cached_fragment(
                ("opdeling", release.pk, release.created_at, kommunekode, indicator, year),
                content,
            ),
        },
    )
