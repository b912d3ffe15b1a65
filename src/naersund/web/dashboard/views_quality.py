"""The data-quality page of a release ("Datakvalitet"): per source and month, what the ingest
counted (``quality.csv``, published into its own table, ``ReleaseQuality``), so that an analyst sees a break
such as LPR2 -> LPR3 before trusting a trend. The tables are the professional pack's
(:mod:`naersund.registry.quality`), formatted as the pack prints them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from naersund.registry import quality
from naersund.reports.model import Column
from naersund.reports.rendering import cell_text
from naersund.web.accounts.access import can_view_public_results
from naersund.web.accounts.decorators import login_required_unless_public
from naersund.web.dashboard.models import Release, ReleaseQuality


def _table(columns: list[tuple[str, quality.Kind]], rows: list[list[Any]]) -> dict[str, Any]:
    cols = [Column(label, kind) for label, kind in columns]
    return {
        "columns": cols,
        "rows": [
            [(cell_text(v, col), col.kind != "text") for v, col in zip(r, cols, strict=True)]
            for r in rows
        ],
    }


def _release_for_user(request: HttpRequest, release_id: int) -> Release:
    """The release, for a user who may see the dashboard (else 403; unknown: 404)."""
    if not can_view_public_results(request.user):
        raise PermissionDenied
    release = Release.objects.filter(pk=release_id).first()
    if release is None:
        raise Http404("Ukendt udgivelse")
    return release


@login_required_unless_public
def datakvalitet(request: HttpRequest, release_id: int) -> HttpResponse:
    release = _release_for_user(request, release_id)
    rows = release.quality_rows()
    context: dict[str, Any] = {"release": release, "has_quality": bool(rows)}
    if rows:
        v = quality.view(rows)
        context |= {
            "summary": v.summary,
            "switch_note": quality.switch_note(v),
            "rule": quality.RULE_DA,
            "flagged": _table(quality.FLAGGED_COLUMNS, quality.flagged_rows(v)),
            "national": _table(quality.NATIONAL_COLUMNS, quality.national_rows(v)),
            "min_count": int(release.meta.get("suppression_min_count", 5)),
            "stays": _table(
                quality.STAYS_COLUMNS,
                quality.stays_rows(ReleaseQuality.rows_of(release.pk, "stays_without_specialty")),
            ),
            "stays_note": quality.STAYS_NOTE_DA,
        }
    return render(request, "dashboard/datakvalitet.html", context)
