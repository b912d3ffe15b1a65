"""The releases: their list, the changes from one release to another (every changed cell, any
level), and one release's page and its downloads: the whole release as CSV, XLSX (with a data
dictionary sheet) or Parquet, and the data dictionary as CSV beside them
(:mod:`naersund.analysis.release_export` builds them; suppressed cells stay suppressed), and the
areas file published with it (which municipalities make up each area, as compute wrote it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from naersund.analysis import release_export as export
from naersund.analysis.area_view import release_level_notes
from naersund.analysis.benchmark import area_name
from naersund.analysis.breakdowns import download_frame
from naersund.analysis.published import PublishedResults
from naersund.web.accounts.access import can_view_public_results
from naersund.web.accounts.decorators import login_required_unless_public
from naersund.web.dashboard import context as ctx
from naersund.web.dashboard import releases
from naersund.web.dashboard.breakdowns import breakdowns_of
from naersund.web.dashboard.downloads import release_table as _table
from naersund.web.dashboard.models import Release
from naersund.web.pagination import paginate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _areas_csv(pub: PublishedResults) -> str:
    """The release's areas file as ``naersund compute`` wrote it (comma-separated UTF-8, so
    that it reads back with the same columns as ``<results>.areas.csv``)."""
    if pub.areas is None:
        raise Http404("Udgivelsen har ingen områdefil (offentliggjort før områdeniveauerne)")
    return str(pub.areas.to_csv(index=False, lineterminator="\n"))


def _get_release_for_user(request: HttpRequest, release_id: int) -> Release:
    if not can_view_public_results(request.user):
        raise PermissionDenied
    release = Release.objects.filter(pk=release_id).first()
    if release is None:
        raise Http404("Ukendt udgivelse")
    return release


def _breakdowns(pub: PublishedResults) -> pd.DataFrame | None:
    """The release's breakdowns as downloaded (None: published without them)."""
    table = breakdowns_of(Release.objects.get(pk=pub.release_id))
    return None if table is None else download_frame(table)


def _breakdowns_csv(pub: PublishedResults) -> str:
    frame = _breakdowns(pub)
    if frame is None:
        raise Http404("Udgivelsen har ingen opdeling")
    return export.to_csv(frame)


# format -> (file ending, content type, build)
FORMATS: dict[str, tuple[str, str, Callable[[PublishedResults], str | bytes]]] = {
    "csv": ("csv", "text/csv; charset=utf-8", lambda pub: export.to_csv(_table(pub))),
    "xlsx": ("xlsx", XLSX, lambda pub: export.to_xlsx(_table(pub), pub, _breakdowns(pub))),
    "opdeling": ("csv", "text/csv; charset=utf-8", _breakdowns_csv),
    "parquet": (
        "parquet",
        "application/vnd.apache.parquet",
        lambda pub: export.to_parquet(_table(pub), pub),
    ),
    "ordbog": (
        "csv",
        "text/csv; charset=utf-8",
        lambda pub: export.to_csv(export.dictionary_frame()),
    ),
    "omraader": ("csv", "text/csv; charset=utf-8", _areas_csv),
}


@login_required_unless_public
def udgivelser(request: HttpRequest) -> HttpResponse:
    if not can_view_public_results(request.user):
        raise PermissionDenied
    pages = paginate(request, Release.objects.all(), "Sider i listen over udgivelser")
    pairs = {r.pk: releases.previous_release(r) for r in pages.rows}
    return render(
        request,
        "dashboard/udgivelser.html",
        {"releases": pages.rows, "previous": pairs, "pages": pages},
    )


class _Records:
    """A frame's rows as dicts, made only for the slice a page shows (a diff of two whole
    releases can have every cell)."""

    def __init__(self, frame: Any) -> None:
        self.frame = frame

    def __len__(self) -> int:
        return len(self.frame)

    def __getitem__(self, part: slice) -> list[dict[str, Any]]:
        return list(self.frame.iloc[part].to_dict("records"))


@login_required_unless_public
def diff(request: HttpRequest, old: int, new: int) -> HttpResponse:
    if not can_view_public_results(request.user):
        raise PermissionDenied
    try:
        table = releases.diff_releases(old, new)
    except releases.NoRelease:
        raise Http404("Ukendt udgivelse") from None
    infos = ctx.infos()
    pages = paginate(
        request, _Records(table), f"Sider i ændringerne fra udgivelse {old} til {new}", 50
    )
    rows = [
        {
            **r,
            "indicator_name": infos[r["indicator"]].name_da
            if r["indicator"] in infos
            else r["indicator"],
            "area": area_name(str(r["level"]), int(r["area_code"])),  # any level
        }
        for r in pages.rows
    ]
    return render(
        request,
        "dashboard/diff.html",
        {
            "old": old,
            "new": new,
            "rows": rows,
            "pages": pages,
            "summary": releases.diff_summary(table),
            "total": len(table),
        },
    )


@login_required_unless_public
def udgivelse(request: HttpRequest, release_id: int) -> HttpResponse:
    release = _get_release_for_user(request, release_id)
    return render(
        request,
        "dashboard/udgivelse.html",
        {
            "r": release,
            "columns": export.DICTIONARY.items(),
            "previous": releases.previous_release(release),
            "has_breakdowns": release.breakdown_rows.exists(),
            # what each level above the municipality is (the XLSX's "Om udgivelsen" alike)
            "level_notes": release_level_notes(releases.results_of(release)),
        },
    )


@login_required_unless_public
def hent(request: HttpRequest, release_id: int, fmt: str) -> HttpResponse:
    release = _get_release_for_user(request, release_id)
    if fmt not in FORMATS:
        raise Http404("Ukendt format")
    ending, content_type, build = FORMATS[fmt]
    body = build(releases.results_of(release))
    response = HttpResponse(body, content_type=content_type)
    name = {"ordbog": "dataordbog", "omraader": "omraader", "opdeling": "opdeling"}.get(
        fmt, "resultater"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="naersund-udgivelse-{release.pk}-{name}.{ending}"'
    )
    return response
