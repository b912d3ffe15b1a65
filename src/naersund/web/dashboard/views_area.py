"""Områdeoverblik: any area of any published level (a sundhedsråd, Region Østdanmark, a KKR,
a user group) with its municipalities' figures on one page (issue 14). Thin: access, parameters,
then :mod:`naersund.analysis.area_view`; every number is :meth:`PublishedResults.figure`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from naersund.analysis import area_view
from naersund.web.accounts.access import can_view_dashboard
from naersund.web.dashboard import context as ctx
from naersund.web.dashboard.views import _filters, _no_release, _page, _params, _release


@login_required
def omraade(request: HttpRequest, level: str, code: int) -> HttpResponse:
    release, pub = _release(request)
    if release is None or pub is None:
        return _no_release(request, "Områdeoverblik")
    area = area_view.area_info(pub, level, code)
    if area is None or level == "land":
        raise Http404("Ukendt område")
    p = _params(request, pub)

    def build() -> dict[str, Any]:
        infos = ctx.infos()
        cols = [i for i in infos.values() if not pub.rows(i.id).empty]
        rows = area_view.overview_rows(pub, area, [i.id for i in cols], p.year, p.standardised)
        return {
            "area": area,
            "cols": cols,
            "rows": rows,
            "member_names": area_view.member_names(area),
            "levels": area_view.level_choices(pub),
            "is_kkr": level in ("kkr", "region"),
            **_filters(pub, p),
        }

    return _page(
        request,
        "dashboard/omraade.html",
        f"Områdeoverblik: {area.name}",
        release,
        ("omraade", level, code, *p.key()),
        build,
    )


@login_required
def omraade_valg(request: HttpRequest) -> HttpResponse:
    """The chooser's form (``?omraade=<level>:<code>``) goes to the area's page."""
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    level, _, code = (request.GET.get("omraade") or "").partition(":")
    if not level or not code.isdigit() or len(code) > 6:
        raise Http404("Ukendt område")
    q = request.GET.copy()
    q.pop("omraade", None)
    url = reverse("dashboard:omraade", args=[level, int(code)])
    return redirect(f"{url}?{q.urlencode()}" if q else url)
