"""The published catalogue as a booklet: PDF ("Katalog over god praksis") and XLSX, for every
logged-in user (only published entries go in). Thin: access, the reader (:mod:`.booklet`),
the library's renderer (:mod:`naersund.reports.booklet`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from naersund.reports import booklet as render
from naersund.web.accounts.access import can_view_catalogue
from naersund.web.practice.booklet import published_booklet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def booklet_pdf(request: HttpRequest) -> HttpResponse:
    if not can_view_catalogue(request.user):
        raise PermissionDenied
    return _download(render.pdf(published_booklet()), "application/pdf", "god-praksis.pdf")


@login_required
def booklet_xlsx(request: HttpRequest) -> HttpResponse:
    if not can_view_catalogue(request.user):
        raise PermissionDenied
    return _download(render.xlsx(published_booklet()), XLSX, "god-praksis.xlsx")
