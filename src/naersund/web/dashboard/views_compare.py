"""Sammenlign and Udvikling with ``?gruppe=`` (issue 14): a municipality beside its comparable
municipalities, the other municipalities of its sundhedsråd / KKR / region, or a user-defined
group. Thin: access, parameters, then :mod:`naersund.analysis.group_compare`; every number is
:meth:`PublishedResults.figure`."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from naersund import charts
from naersund.analysis import group_compare as gc
from naersund.analysis.profiles import municipality_names
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


def _setup(
    request: HttpRequest, title: str
) -> tuple[Release, PublishedResults, Params, list[gc.UserGroup], gc.Group | None] | HttpResponse:
    release, pub = _release(request)
    if release is None or pub is None:
        return _no_release(request, title)
    p = _params(request, pub)
    kommunekode = p.kommunekode or _own_kommune(request.user) or DEFAULT_KOMMUNE
    p = Params(p.year, p.standardised, p.region_code, p.indicator, kommunekode)
    groups = user_groups()
    key = request.GET.get("gruppe") or ""
    group = gc.resolve(pub, kommunekode, key, p.year, groups) if _KEY.fullmatch(key) else None
    return release, pub, p, groups, group


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
    title = "Sammenlign med en gruppe"
    setup = _setup(request, title)
    if isinstance(setup, HttpResponse):
        return setup
    release, pub, p, groups, group = setup
    if group is None:
        return _unknown(request, release, pub, p, groups, title)
    info = ctx.infos()[p.indicator or ""]
    kommunekode = p.kommunekode or DEFAULT_KOMMUNE
    name = municipality_names()[kommunekode]

    def build() -> dict[str, Any]:
        figs = gc.group_figures(pub, group, kommunekode, info.id, p.year, _measure(p))
        names = municipality_names()
        rows = [(kommunekode, figs.own), *figs.members]
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
        chart_title = f"{info.name_da}, {p.year}: {name} og {group.name}"
        nat = figs.denmark.value if figs.denmark.value is not None else float("nan")
        bars = charts.ci_bars(table, nat, info.unit_da, chart_title, kommunekode)
        return {
            "info": info,
            "name": name,
            "group": group,
            "figs": figs,
            "names": names,
            "bars": _chart(request, "bars", bars),
            "page": request.path,
            "csv_charts": {"bars": bars},
            **compare_context(pub, p, groups, group.key),
            **_filters(pub, p, indicator=True, kommune=True),
        }

    return _page(
        request,
        "dashboard/sammenlign_gruppe.html",
        f"Sammenlign {name} med {group.name}: {info.name_da}",
        release,
        ("sammenlign-gruppe", group, *p.key()),
        build,
    )


def udvikling_gruppe(request: HttpRequest) -> HttpResponse:
    """Udvikling of ``?kommune=`` beside ``?gruppe=``: the municipality, the group's own figure
    and Denmark year by year, and every member's values in a table."""
    title = "Udvikling med en gruppe"
    setup = _setup(request, title)
    if isinstance(setup, HttpResponse):
        return setup
    release, pub, p, groups, group = setup
    if group is None:
        return _unknown(request, release, pub, p, groups, title)
    info = ctx.infos()[p.indicator or ""]
    kommunekode = p.kommunekode or DEFAULT_KOMMUNE
    name = municipality_names()[kommunekode]

    def build() -> dict[str, Any]:
        years = gc.group_series(pub, group, kommunekode, info.id, _measure(p))
        names = municipality_names()
        lines: list[tuple[int, str, float | None, float | None, float | None]] = []
        for y in years:
            lines.append((y.own.year, name, y.own.value, y.own.lower, y.own.upper))
            agg = y.aggregate
            if agg is not None:
                lines.append((agg.year, group.name, agg.value, agg.lower, agg.upper))
            elif y.pooled is not None:
                pooled_name = f"{group.name} (beregnet af naersund)"
                lines.append(
                    (y.own.year, pooled_name, y.pooled.value, y.pooled.lower, y.pooled.upper)
                )
            d = y.denmark
            lines.append((d.year, "Danmark", d.value, d.lower, d.upper))
        frame = pd.DataFrame(
            lines, columns=["year", "area", "value", "lower", "upper"], dtype=object
        )
        frame = frame.astype({"year": int, "value": float, "lower": float, "upper": float})
        chart = charts.trend_chart(frame, info.unit_da, f"{info.name_da}: {name} og {group.name}")
        member_codes = [k for k, _ in years[0].members] if years else []
        table = [(k, names[k], [dict(y.members)[k] for y in years]) for k in member_codes]
        return {
            "info": info,
            "name": name,
            "group": group,
            "series": years,
            "members_table": table,
            "trend": _chart(request, "trend", chart),
            "page": request.path,
            "csv_charts": {"trend": chart},
            **compare_context(pub, p, groups, group.key),
            **_filters(pub, p, indicator=True, kommune=True, no_year=True),
        }

    return _page(
        request,
        "dashboard/udvikling_gruppe.html",
        f"Udvikling: {name} og {group.name}, {info.name_da}",
        release,
        ("udvikling-gruppe", group, *p.key()),
        build,
    )
