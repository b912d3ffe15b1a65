"""Report packs on the web: a page to choose area, level, year and format, and the download.

Every logged-in user may download packs for every municipality and KKR (they hold published,
suppressed results, like the dashboard: ``access.can_view_dashboard``); a pack shows a
municipality's own survey answers only where the user may read them in the pack's round
(``access.can_view_answers``, via :mod:`naersund.web.reportdata`). A KKR pack with a section
per municipality is made from the command line (``naersund report --kkr CODE
--alle-kommuner``): it takes too long for a web request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from naersund import reports
from naersund.errors import NaersundError
from naersund.parsing import IntegerError, parse_int
from naersund.refdata import KKR_NAMES, municipalities
from naersund.reports.model import LEVEL_NAMES
from naersund.web.accounts.access import can_view_dashboard
from naersund.web.dashboard import releases
from naersund.web.dashboard.context import round_choices
from naersund.web.reportdata import report_input

FORMAT_NAMES = {"pdf": "PDF", "xlsx": "Excel (XLSX)", "html": "HTML"}


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def _areas() -> list[tuple[str, list[Choice]]]:
    """Per KKR: the KKR itself, then its municipalities (for an <optgroup> each)."""
    m = municipalities().sort_values("name")
    groups = []
    for code, name in sorted(KKR_NAMES.items(), key=lambda kv: kv[1]):
        members = m[m["region_code"] == code]
        choices = [Choice(f"kkr-{code}", f"{name} (hele KKR)")]
        choices += [
            Choice(f"kommune-{k}", f"{n} Kommune")
            for k, n in zip(members["kommunekode"], members["name"], strict=True)
        ]
        groups.append((name, choices))
    return groups


def _parse_area(value: str) -> reports.Area | None:
    kind, _, code = value.partition("-")
    if kind not in ("kommune", "kkr"):
        return None
    try:
        number = parse_int(code, field="omraade", min_value=0, max_digits=4)
        return reports.area_of("kommune" if kind == "kommune" else "region", number)
    except NaersundError:  # IntegerError included
        return None


def _form_page(
    request: HttpRequest, years: list[int], errors: list[str], status: int = 200
) -> HttpResponse:
    q = request.GET
    context: dict[str, Any] = {
        "areas": _areas(),
        "levels": [Choice(k, v) for k, v in LEVEL_NAMES.items()],
        "formats": [Choice(k, v) for k, v in FORMAT_NAMES.items()],
        "years": years,
        "chosen": {  # what was asked for where valid, else the defaults
            "omraade": q.get("omraade", "") if _parse_area(q.get("omraade", "")) else "",
            "niveau": q.get("niveau") if q.get("niveau") in reports.LEVELS else "politisk",
            "aar": q.get("aar") if q.get("aar") in {str(y) for y in years} else str(years[-1]),
            "format": q.get("format") if q.get("format") in reports.FORMATS else "pdf",
            "runde": q.get("runde", ""),
        },
        "rounds": round_choices(),
        "errors": errors,
    }
    return render(request, "reports/download.html", context, status=status)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The choice of pack, and the download when the form is sent (``?hent=1``)."""
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    try:
        years = releases.load_release().years
    except releases.NoRelease as exc:
        return render(request, "reports/download.html", {"no_release": str(exc)})
    if "hent" not in request.GET:
        return _form_page(request, years, [])
    q = request.GET
    errors = []
    area = _parse_area(q.get("omraade", ""))
    if area is None:
        errors.append("Vælg en kommune eller en KKR.")
    level = q.get("niveau", "")
    if level not in reports.LEVELS:
        errors.append("Vælg et niveau: politisk, direktør eller fagligt.")
    fmt = q.get("format", "")
    if fmt not in reports.FORMATS:
        errors.append("Vælg et format: PDF, Excel eller HTML.")
    try:
        year: int | None = parse_int(q.get("aar", ""), field="aar", min_value=0, max_digits=4)
    except IntegerError:
        year = None
    if year not in years:
        errors.append(f"Vælg et år mellem {years[0]} og {years[-1]}.")
    if errors or area is None or year is None:
        return _form_page(request, years, errors, status=400)
    data = report_input(year, user=request.user, round_slug=q.get("runde") or None)
    pack = reports.build_pack(data, level, area, year)  # type: ignore[arg-type]
    body = reports.render(pack, fmt)  # type: ignore[arg-type]
    response = HttpResponse(body, content_type=reports.MEDIA_TYPES[fmt])
    disposition = "inline" if fmt == "html" else "attachment"
    name = reports.file_name(pack, fmt)  # type: ignore[arg-type]
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


app_name = "reports"
urlpatterns = [path("", index, name="index")]
