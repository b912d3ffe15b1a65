"""The breakdown page of an indicator for a municipality ("Opdeling"): the release's
breakdowns by diagnosis group, age band, sex and month, each a table with a bar chart.

Thin: access (every user who may see the dashboard), the release, then
:func:`naersund.web.dashboard.breakdowns.page_context`; ``?csv=<dimension>`` gives one
breakdown's numbers as CSV."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from naersund.analysis.profiles import municipality_names
from naersund.charts.breakdown import breakdown_chart
from naersund.indicators import load_definitions
from naersund.web.accounts.access import can_view_dashboard
from naersund.web.dashboard import breakdowns, releases
from naersund.web.params import query_int


@login_required
def opdeling(request: HttpRequest, kommunekode: int, indicator: str) -> HttpResponse:
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    names = municipality_names()
    definition = next((d for d in load_definitions() if d.id == indicator), None)
    if kommunekode not in names or definition is None:
        raise Http404("Ukendt kommune eller indikator")
    name = names[kommunekode]
    title = f"Opdeling: {definition.name_da}, {name}"
    release = releases.current_release()
    if release is None:
        return render(request, "dashboard/no_release.html", {"title": title})
    pub = releases.results_of(release)
    year = query_int(request.GET, "aar", max_digits=4)
    context = breakdowns.page_context(
        release, pub, definition, kommunekode, name, year, f"{request.path}?csv="
    )
    wanted = request.GET.get("csv")
    if wanted:
        view = next((v for v in context["views"] if v.breakdown.dimension == wanted), None)
        if view is None:
            raise Http404("Ukendt opdeling")
        chart = breakdown_chart(view.breakdown, view.title)
        response = HttpResponse(chart.csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="opdeling-{wanted}.csv"'
        return response
    content = render_to_string(
        "dashboard/opdeling.html",
        {
            **context,
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
        {"title": title, "release": release, "content": mark_safe(content)},
    )
