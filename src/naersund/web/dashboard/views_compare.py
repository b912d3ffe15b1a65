"""Sammenlign and Udvikling with ``?gruppe=`` (issue 14): a municipality beside its comparable
municipalities, the other municipalities of its sundhedsråd / KKR / region, or a user-defined
group. Thin: access, parameters, then :mod:`naersund.analysis.group_compare`; every number is
:meth:`PublishedResults.figure`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from naersund import charts
from naersund.analysis import group_compare as gc
from naersund.analysis.profiles import IndicatorInfo, municipality_names
from naersund.analysis.published import CRUDE, Measure, PublishedResults
from naersund.web.dashboard import context as ctx
from naersund.web.dashboard.models import Release
from naersund.web.dashboard.views import (
    Params,
    _chart,
    _filters,
    _no_release,
    _own_kommune,
    _page,
    _params,
    _release,
)

#: What a ``?gruppe=`` can be: a level id, a user group's id or "sammenlignelige" (anything
#: else, e.g. a NUL byte, which PostgreSQL refuses, names no group and is not looked up).
_KEY = re.compile(r"[a-z][a-z0-9_]{0,29}")
DEFAULT_KOMMUNE = 101


def user_groups() -> list[gc.UserGroup]:
    """The user-defined groups of the app database."""
    from naersund.web.areas.models import MunicipalityGroup

    return [
        gc.UserGroup(g.slug, g.name_da, tuple(sorted(g.codes())))
        for g in MunicipalityGroup.objects.all()
    ]


def compare_context(
    pub: PublishedResults, p: Params, groups: list[gc.UserGroup], chosen: str
) -> dict[str, Any]:
    """The "Sammenlign med" form's choices (also on the pages without a group)."""
    return {"group_choices": gc.choices(pub, groups), "chosen_group": chosen}


@dataclass(frozen=True)
class _GroupPage:
    """A group page's request, read: the release, the parameters, the user-defined groups,
    the group chosen, the indicator and the municipality."""

    release: Release
    pub: PublishedResults
    p: Params
    groups: list[gc.UserGroup]
    group: gc.Group
    info: IndicatorInfo
    kommunekode: int
    name: str

    def context(
        self, request: HttpRequest, chart_key: str, chart: charts.Chart, **show: bool
    ) -> dict[str, Any]:
        """What both group pages show around their own figures: the indicator, the
        municipality and the group, the page's chart (``chart_key``, its numbers as CSV too),
        the "Sammenlign med" form and the filters (``show``: more of them)."""
        return {
            "info": self.info,
            "name": self.name,
            "group": self.group,
            chart_key: _chart(request, chart_key, chart),
            "page": request.path,
            "csv_charts": {chart_key: chart},
            **compare_context(self.pub, self.p, self.groups, self.group.key),
            **_filters(self.pub, self.p, indicator=True, kommune=True, **show),
        }


def _setup(request: HttpRequest, title: str) -> _GroupPage | HttpResponse:
    """The group page asked for, or the page saying there is no release (or no such group)."""
    release, pub = _release(request)
    if release is None or pub is None:
        return _no_release(request, title)
    p = _params(request, pub)
    kommunekode = p.kommunekode or _own_kommune(request.user) or DEFAULT_KOMMUNE
    p = Params(p.year, p.standardised, p.region_code, p.indicator, kommunekode)
    groups = user_groups()
    key = request.GET.get("gruppe") or ""
    group = gc.resolve(pub, kommunekode, key, p.year, groups) if _KEY.fullmatch(key) else None
    if group is None:
        return _unknown(request, release, pub, p, groups, title)
    info = ctx.infos()[p.indicator or ""]
    name = municipality_names()[kommunekode]
    return _GroupPage(release, pub, p, groups, group, info, kommunekode, name)


def _unknown(
    request: HttpRequest,
    release: Release,
    pub: PublishedResults,
    p: Params,
    groups: list[gc.UserGroup],
    title: str,
) -> HttpResponse:
    """The page with its Danish message for a ``?gruppe=`` that names no group (404)."""
    key = request.GET.get("gruppe") or ""
    shown = key if key.isprintable() and len(key) <= 40 else "…"
    name = municipality_names()[p.kommunekode or DEFAULT_KOMMUNE]
    message = (
        f"Der er ingen gruppe '{shown}' at sammenligne {name} med i denne udgivelse. "
        "Vælg en gruppe i listen „Sammenlign med“."
    )
    content = render_to_string(
        "dashboard/sammenlign_gruppe.html",
        {
            "error": message,
            "release": release,
            "page": request.path,
            **compare_context(pub, p, groups, ""),
            **_filters(pub, p, indicator=True, kommune=True),
        },
    )
    return render(
        request,
        "dashboard/page.html",
        {"title": title, "release": release, "content": content},
        status=404,
    )


def _measure(p: Params) -> Measure | None:
    return None if p.standardised else CRUDE


def sammenlign_gruppe(request: HttpRequest) -> HttpResponse:
    """Sammenlign ``?kommune=`` with ``?gruppe=``: the group's members with their figures, the
    group's own figure (published, else pooled and marked, else none with the reason) and
    Denmark."""
    page = _setup(request, "Sammenlign med en gruppe")
    if isinstance(page, HttpResponse):
        return page

    def build() -> dict[str, Any]:
        figs = gc.group_figures(
            page.pub, page.group, page.kommunekode, page.info.id, page.p.year, _measure(page.p)
        )
        names = municipality_names()
        rows = [(page.kommunekode, figs.own), *figs.members]
        table = pd.DataFrame(
            {
                "area_code": [k for k, _ in rows],
                "name": [names[k] for k, _ in rows],
                "value": [f.value for _, f in rows],
                "lower": [f.lower for _, f in rows],
                "upper": [f.upper for _, f in rows],
                "comparison": [f.verdict for _, f in rows],
            },
            dtype=object,
        ).astype({"value": float, "lower": float, "upper": float})
        chart_title = f"{page.info.name_da}, {page.p.year}: {page.name} og {page.group.name}"
        nat = figs.denmark.value if figs.denmark.value is not None else float("nan")
        bars = charts.ci_bars(table, nat, page.info.unit_da, chart_title, page.kommunekode)
        return {"figs": figs, "names": names, **page.context(request, "bars", bars)}

    return _page(
        request,
        "dashboard/sammenlign_gruppe.html",
        f"Sammenlign {page.name} med {page.group.name}: {page.info.name_da}",
        page.release,
        ("sammenlign-gruppe", page.group, *page.p.key()),
        build,
    )


def udvikling_gruppe(request: HttpRequest) -> HttpResponse:
    """Udvikling of ``?kommune=`` beside ``?gruppe=``: the municipality, the group's own figure
    and Denmark year by year, and every member's values in a table."""
    page = _setup(request, "Udvikling med en gruppe")
    if isinstance(page, HttpResponse):
        return page

    def build() -> dict[str, Any]:
        years = gc.group_series(
            page.pub, page.group, page.kommunekode, page.info.id, _measure(page.p)
        )
        names = municipality_names()
        lines: list[tuple[int, str, float | None, float | None, float | None]] = []
        for y in years:
            lines.append((y.own.year, page.name, y.own.value, y.own.lower, y.own.upper))
            agg = y.aggregate
            if agg is not None:
                lines.append((agg.year, page.group.name, agg.value, agg.lower, agg.upper))
            elif y.pooled is not None:
                pooled_name = f"{page.group.name} (beregnet af naersund)"
                lines.append(
                    (y.own.year, pooled_name, y.pooled.value, y.pooled.lower, y.pooled.upper)
                )
            d = y.denmark
            lines.append((d.year, "Danmark", d.value, d.lower, d.upper))
        frame = pd.DataFrame(
            lines, columns=["year", "area", "value", "lower", "upper"], dtype=object
        )
        frame = frame.astype({"year": int, "value": float, "lower": float, "upper": float})
        chart = charts.trend_chart(
            frame, page.info.unit_da, f"{page.info.name_da}: {page.name} og {page.group.name}"
        )
        member_codes = [k for k, _ in years[0].members] if years else []
        table = [(k, names[k], [dict(y.members)[k] for y in years]) for k in member_codes]
        return {
            "series": years,
            "members_table": table,
            **page.context(request, "trend", chart, no_year=True),
        }

    return _page(
        request,
        "dashboard/udvikling_gruppe.html",
        f"Udvikling: {page.name} og {page.group.name}, {page.info.name_da}",
        page.release,
        ("udvikling-gruppe", page.group, *page.p.key()),
        build,
    )
