"""The indicator dashboard (Danish): Kommuneprofil, Sammenlign kommuner, Udvikling, Overblik
and the indicator definitions; Områdeoverblik is in :mod:`.views_area`, the releases with their
diff in :mod:`.views_release`.

Views are thin: access (every logged-in user, and everyone when the results are public:
``access.can_view_public_results``; a municipality's
own survey answers only where ``access.can_view_answers`` allows), parameters, then
the library (:mod:`naersund.analysis.profiles`, :mod:`naersund.charts`) and a template. A page's
content is cached per release and parameters (:mod:`.present`); ``?csv=<chart>`` on any page
gives that chart's numbers as CSV.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from naersund import charts
from naersund.analysis import PublishedResults, funnel_data
from naersund.analysis.profiles import (
    comparison_table,
    members_of,
    municipality_names,
    municipality_region,
    profile,
    targets_for,
    trend_table,
)
from naersund.analysis.trend import glide_path
from naersund.charts.trend import monthly_chart
from naersund.engine.monthly import area_series
from naersund.indicators import load_definitions
from naersund.indicators.docs import definition_page
from naersund.refdata import KKR_NAMES
from naersund.web.accounts.access import can_view_public_results, role_of
from naersund.web.accounts.decorators import login_required_unless_public
from naersund.web.dashboard import context as ctx
from naersund.web.dashboard import kommune_present, loop, releases
from naersund.web.dashboard import overblik as overblik_page
from naersund.web.dashboard.models import Release
from naersund.web.dashboard.present import ChartView, cached_fragment, chart_view
from naersund.web.dashboard.views_release import XLSX
from naersund.web.params import query_int
from naersund.web.practice.others import others_do, practice_stamp

STD, CRUDE = "standardiseret", "raa"


@dataclass(frozen=True)
class Params:
    """The filters of a page, validated against the release."""

    year: int
    standardised: bool
    region_code: int | None
    indicator: str | None
    kommunekode: int | None

    def key(self) -> tuple[Any, ...]:
        return (self.year, self.standardised, self.region_code, self.indicator, self.kommunekode)


def _int(request: HttpRequest, name: str) -> int | None:
    """A filter's integer: a number that names nothing falls back to the default (see
    ``_params``), text that is no number (``?aar=abc``, ``?kkr=²``) is a 400."""
    return query_int(request.GET, name, max_digits=4)


def _params(request: HttpRequest, pub: PublishedResults, **fixed: Any) -> Params:
    q = request.GET
    years = pub.years
    year = _int(request, "aar")
    region = fixed.get("region_code", _int(request, "kkr"))
    indicator = fixed.get("indicator", q.get("indikator"))
    infos = ctx.infos()
    if indicator not in infos:  # the first the release has, not one it lacks (all "–")
        indicator = next((i for i in infos if not pub.rows(i).empty), next(iter(infos)))
    kommune = fixed.get("kommunekode", _int(request, "kommune"))
    if kommune is not None and kommune not in municipality_names():
        kommune = None
    return Params(
        year=year if year in years else years[-1],
        standardised=q.get("maal") != CRUDE,
        region_code=region if region in KKR_NAMES else None,
        indicator=indicator,
        kommunekode=kommune,
    )


def _release(request: HttpRequest) -> tuple[Release | None, PublishedResults | None]:
    if not can_view_public_results(request.user):
        raise PermissionDenied
    release = releases.current_release()
    if release is None:
        return None, None
    return release, releases.results_of(release)


def _no_release(request: HttpRequest, title: str) -> HttpResponse:
    return render(request, "dashboard/no_release.html", {"title": title})


def _page(
    request: HttpRequest,
    template: str,
    title: str,
    release: Release,
    key: tuple[Any, ...],
    build: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """Render the page frame around the cached content; ``?csv=<chart>`` returns a chart's
    numbers instead."""
    catalogue_key = ctx.catalogue_state()[1]
    full_key = (template, release.pk, release.created_at, catalogue_key, *key)
    wanted = request.GET.get("csv")
    if wanted:
        data = build()
        chart = data.get("csv_charts", {}).get(wanted)
        if chart is None:
            raise Http404("Ukendt diagram")
        response = HttpResponse(chart.csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{wanted}.csv"'
        return response

    def content() -> str:
        data = build()
        data.pop("csv_charts", None)
        return render_to_string(template, {**data, "release": release})

    return render(
        request,
        "dashboard/page.html",
        {"title": title, "release": release, "content": cached_fragment(full_key, content)},
    )


def _csv_url(request: HttpRequest, key: str) -> str:
    q = request.GET.copy()
    q["csv"] = key
    return f"{request.path}?{q.urlencode()}"


def _chart(request: HttpRequest, key: str, chart: charts.Chart) -> ChartView:
    return chart_view(key, chart, _csv_url(request, key))


def _filters(pub: PublishedResults, p: Params, **show: bool) -> dict[str, Any]:
    infos = ctx.infos()
    return {
        "years": pub.years,
        "p": p,
        "indicators": [(i.id, i.name_da) for i in infos.values()],
        "kkrs": sorted(KKR_NAMES.items()),
        "municipalities": sorted(municipality_names().items(), key=lambda kv: kv[1]),
        "show": show,
        "std": STD,
        "crude": CRUDE,
    }


# --- pages -------------------------------------------------------------------------------------


@login_required_unless_public
def index(request: HttpRequest) -> HttpResponse:
    release, _ = _release(request)
    names = municipality_names()
    regions = municipality_region()
    groups = [
        (name, [(k, names[k]) for k in members_of(code)])
        for code, name in sorted(KKR_NAMES.items())
    ]
    return render(
        request,
        "dashboard/index.html",
        {
            "release": release,
            "groups": groups,
            "kkrs": sorted(KKR_NAMES.items()),
            "indicators": list(ctx.infos().values()),
            "n_municipalities": len(regions),
            "own_kommune": _own_kommune(request.user),
        },
    )


def _own_kommune(user: object) -> int | None:
    """A municipality editor's own municipality, preselected in the Kommuneprofil menu."""
    membership = role_of(user)
    return membership.kommunekode if membership is not None else None


@login_required_unless_public
def kommune_redirect(request: HttpRequest) -> HttpResponse:
    if not can_view_public_results(request.user):
        raise PermissionDenied
    code = _int(request, "kommune")
    if code not in municipality_names():
        raise Http404("Ukendt kommune")
    q = request.GET.copy()
    q.pop("kommune", None)
    url = reverse("dashboard:kommune", args=[code])
    return redirect(f"{url}?{q.urlencode()}" if q else url)


@login_required_unless_public
def kommune(request: HttpRequest, kommunekode: int) -> HttpResponse:
    if kommunekode not in municipality_names():
        if not can_view_public_results(request.user):
            raise PermissionDenied
        raise Http404("Ukendt kommune")
    release, pub = _release(request)
    name = municipality_names()[kommunekode]
    if release is None or pub is None:
        return _no_release(request, f"Kommuneprofil: {name}")
    p = _params(request, pub, kommunekode=kommunekode)
    region = municipality_region()[kommunekode]
    survey_key = (ctx.survey_stamp(), practice_stamp())  # and "Andre kommuner gør sådan"
    answers_key = ctx.answers_key(request.user, [kommunekode])
    rnd = ctx.chosen_round(request.GET.get("runde"))

    def build() -> dict[str, Any]:
        catalogue = ctx.catalogue_state()[0]
        rows = profile(pub, kommunekode, p.year, ctx.infos(), p.standardised, catalogue)
        # the municipality's own answers in one round, only where the user may see them
        status = ctx.initiative_status([kommunekode], request.user, rnd)[kommunekode]
        initiatives = {
            r.info.id: [
                (i, *status.get(i.id, ("ikke besvaret", ""))) if status is not None else (i, "", "")
                for i in r.initiatives
            ]
            for r in rows
        }
        summaries = {
            ind: kommune_present.status_summary([s for _, s, _ in items])
            if status is not None
            else kommune_present.count_only(len(items))
            for ind, items in initiatives.items()
        }
        spine_frame = kommune_present.spine_frame(rows)
        spine = charts.spine_chart(
            spine_frame, name, KKR_NAMES[region], f"{name} {p.year} sammenlignet med alle kommuner"
        )
        return {
            "name": name,
            "kommunekode": kommunekode,
            "region_code": region,
            "region_name": KKR_NAMES[region],
            "rows": rows,
            "initiatives": initiatives,
            "summaries": summaries,
            "answers_visible": status is not None,
            "spine": _chart(request, "spine", spine),
            "any_std": any(r.measure.standardised for r in rows),
            "any_crude": any(not r.measure.standardised for r in rows),
            "csv_charts": {"spine": spine},
            **loop.profile_extras(pub, rnd, kommunekode, p.year, rows, request.user),
            "others_do": others_do(kommunekode, request.user),
            **_round_context(rnd),
            **_filters(pub, p),
        }

    return _page(
        request,
        "dashboard/kommune.html",
        f"Kommuneprofil: {name}",
        release,
        ("kommune", *p.key(), str(survey_key), answers_key, _round_key(rnd), _logged_in(request)),
        build,
    )


def _logged_in(request: HttpRequest) -> bool:
    """Part of a cached page's key: a published round's answers are shown to logged-in users
    only (``access.can_view_answers``), so a page built for a reader is never served to an
    anonymous visitor of the public pages."""
    return bool(getattr(request.user, "is_authenticated", False))


def _round_key(rnd: Any) -> str:
    return "" if rnd is None else f"{rnd.pk}:{rnd.is_open()}"


def _round_context(rnd: Any) -> dict[str, Any]:
    """Which status round the page's survey figures come from, and the rounds to choose."""
    return {
        "round": rnd,
        "round_label": None if rnd is None else ctx.round_label(rnd),
        "round_choices": ctx.round_choices(),
    }


@login_required_unless_public
def sammenlign(request: HttpRequest) -> HttpResponse:
    release, pub = _release(request)
    if release is None or pub is None:
        return _no_release(request, "Sammenlign kommuner")
    p = _params(request, pub)
    if "kommune" not in request.GET:
        # the user's own municipality is highlighted unless they choose another (or none)
        p = Params(p.year, p.standardised, p.region_code, p.indicator, _own_kommune(request.user))
    info = ctx.infos()[p.indicator or ""]

    def build() -> dict[str, Any]:
        table, national, measure = comparison_table(
            pub, info, p.year, p.standardised, p.region_code
        )
        area = KKR_NAMES[p.region_code] if p.region_code else "hele landet"
        title = f"{info.name_da}, {p.year}, {area}"
        nat_value = float(national[measure.value]) if len(national) else float("nan")
        bars = charts.ci_bars(table, nat_value, info.unit_da, title, p.kommunekode)
        bars = loop.bars_with_smoothed(pub, bars, table, info, p.year, measure.label_da)
        kom = pub.rows(info.id, p.year)
        kom = kom[kom["level"] == "kommune"]
        if p.region_code:
            kom = kom[kom["area_code"].isin(members_of(p.region_code))]
        funnel = (
            funnel_data(kom, national, info.kind, info.multiplier, p.standardised)
            if len(national)
            else None
        )
        size_label = info.size_label + (
            " (ækvivalent befolkning)" if funnel and funnel.standardised else ""
        )
        funnel_chart = (
            charts.funnel_plot(
                funnel,
                municipality_names(),
                info.unit_da,
                size_label,
                title,
                p.kommunekode,
            )
            if funnel is not None
            else None
        )
        codes = members_of(p.region_code) if p.region_code else None
        map_chart = charts.choropleth(
            table, info.unit_da, title, codes, p.kommunekode, KKR_NAMES.get(p.region_code or 0)
        )
        csv = {"bars": bars, "map": map_chart}
        if funnel_chart is not None:
            csv["funnel"] = funnel_chart
        return {
            "info": info,
            "measure": measure,
            "area": area,
            "national_value": nat_value,
            "bars": _chart(request, "bars", bars),
            "funnel": _chart(request, "funnel", funnel_chart) if funnel_chart else None,
            "funnel_standardised": bool(funnel and funnel.standardised),
            "map": _chart(request, "map", map_chart),
            "n_hidden": int(table["value"].isna().sum()),
            "smoothed_note": loop.smoothed_note(p.region_code, bars),
            "csv_charts": csv,
            **_filters(pub, p, kkr=True, indicator=True, highlight=True),
        }

    return _page(
        request,
        "dashboard/sammenlign.html",
        f"Sammenlign kommuner: {info.name_da}",
        release,
        ("sammenlign", *p.key()),
        build,
    )


@login_required_unless_public
def udvikling(request: HttpRequest) -> HttpResponse:
    release, pub = _release(request)
    if release is None or pub is None:
        return _no_release(request, "Udvikling")
    p = _params(request, pub)
    kommunekode = p.kommunekode or 101
    p = Params(p.year, p.standardised, p.region_code, p.indicator, kommunekode)
    info = ctx.infos()[p.indicator or ""]
    name = municipality_names()[kommunekode]

    def build() -> dict[str, Any]:
        catalogue = ctx.catalogue_state()[0]
        series, measure = trend_table(pub, info, kommunekode, p.standardised)
        own = series[series["level"] == "kommune"].rename(
            columns={"value": measure.value, "lower": measure.lower, "upper": measure.upper}
        )
        targets = targets_for(catalogue, info.id, kommunekode)
        glide = glide_path(targets[0], own, measure.value) if targets else None
        title = (
            f"{info.name_da}: {name}, {KKR_NAMES[municipality_region()[kommunekode]]} og Danmark"
        )
        chart = charts.trend_chart(
            series[["year", "area", "value", "lower", "upper"]], info.unit_da, title, glide
        )
        monthly = releases.monthly_of(release)
        month_chart = None
        if monthly is not None and info.id in set(monthly["indicator"]):
            months = area_series(monthly, info.id, kommunekode, municipality_names())
            month_chart = monthly_chart(
                months, months_unit(monthly, info.id), f"Måned for måned: {title}"
            )
        return {
            "info": info,
            "measure": measure,
            "name": name,
            "trend": _chart(request, "trend", chart),
            "monthly": _chart(request, "monthly", month_chart) if month_chart else None,
            "monthly_unit": months_unit(monthly, info.id) if month_chart else "",
            "target": targets[0] if targets else None,
            "glide": glide,
            "csv_charts": {"trend": chart} | ({"monthly": month_chart} if month_chart else {}),
            **_filters(pub, p, indicator=True, kommune=True, no_year=True),
        }

    return _page(
        request,
        "dashboard/udvikling.html",
        f"Udvikling: {info.name_da}",
        release,
        ("udvikling", *p.key()),
        build,
    )


def months_unit(monthly: Any, indicator: str) -> str:
    """The unit text of an indicator's monthly values (e.g. "pr. 1.000 borgere pr. måned")."""
    units = monthly.loc[monthly["indicator"] == indicator, "unit"]
    return str(units.iloc[0]) if len(units) else ""


@login_required_unless_public
def kkr(request: HttpRequest, region_code: int) -> HttpResponse:
    """The KKR-overblik's old address: the Områdeoverblik of the KKR (permanently)."""
    if not can_view_public_results(request.user):
        raise PermissionDenied
    if region_code not in KKR_NAMES:
        raise Http404("Ukendt KKR")
    url = reverse("dashboard:omraade", args=["kkr", region_code])
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url, permanent=True)


@login_required_unless_public
def overblik(request: HttpRequest) -> HttpResponse:
    """Overblik: every municipality × every indicator of a year (the presenter is
    :mod:`.overblik`); ``?hent=csv|xlsx`` downloads exactly the shown table."""
    release, pub = _release(request)
    if release is None or pub is None:
        return _no_release(request, "Overblik")
    p = overblik_page.params(request.GET, pub, request.user)
    wanted = request.GET.get("hent")
    if wanted:
        if wanted not in overblik_page.DOWNLOADS:
            raise Http404("Ukendt format")
        ov = overblik_page.table(pub, ctx.infos(), p)
        if wanted == "csv":
            response = HttpResponse(ov.csv(), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(ov.xlsx(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{ov.filename(wanted)}"'
        return response

    def build() -> dict[str, Any]:
        ov = overblik_page.table(pub, ctx.infos(), p)
        return overblik_page.context(ov, p, pub.years, pub)

    return _page(
        request, "dashboard/overblik.html", "Overblik", release, ("overblik", *p.key()), build
    )


@login_required_unless_public
def definition(request: HttpRequest, indicator: str) -> HttpResponse:
    """The definitions page of one indicator: what is counted, code lists, exclusions, the
    source, whether the codes are verified, the version history, and the version the
    current release was computed with (every indicator name on the pages links here)."""
    if not can_view_public_results(request.user):
        raise PermissionDenied
    definitions = {d.id: d for d in load_definitions()}
    d = definitions.get(indicator)
    if d is None:
        raise Http404("Ukendt indikator")
    release = releases.current_release()
    in_release = None if release is None else release.definitions.get(indicator)
    return render(
        request,
        "dashboard/definition.html",
        {
            "page": definition_page(d),
            "d": d,
            "release": release,
            "release_version": in_release,
        },
    )
