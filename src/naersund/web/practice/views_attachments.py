"""Documents attached to an entry: downloaded by those who may read the entry (a 404 for
everyone else, as the entry itself), added and removed by those who may edit it while it is a
draft or sent back. Thin: access, then :mod:`.attachments`."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from naersund.web.accounts.access import can_edit_practice
from naersund.web.practice import attachments
from naersund.web.practice.models import Entry
from naersund.web.practice.search import entry_for_user
from naersund.web.practice.services import WorkflowError


def _entry(request: HttpRequest, pk: int) -> Entry:
    entry = entry_for_user(request.user, pk)
    if entry is None:
        raise Http404("Ukendt indslag")
    return entry


@login_required
def download(request: HttpRequest, pk: int, attachment: int) -> FileResponse:
    entry = _entry(request, pk)
    found = entry.attachments.filter(pk=attachment).first()
    if found is None or not found.file.name or not found.file.storage.exists(found.file.name):
        raise Http404("Ukendt dokument")
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.name,
        content_type="application/pdf",
    )


def _too_large(request: HttpRequest) -> bool:
    """By the Content-Length, before Django reads the body (as the survey import does)."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not (length.isascii() and length.isdigit()):
        return False
    return int(length) > settings.NAERSUND_PRACTICE_ATTACHMENT_BYTES + 64 * 1024


@login_required
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    if not can_edit_practice(request.user, entry.kommunekode):
        raise PermissionDenied
    limit = settings.NAERSUND_PRACTICE_ATTACHMENT_BYTES // (1024 * 1024)
    try:
        if _too_large(request):
            raise attachments.AttachmentError(
                f"{attachments.FIELD}: filen er for stor; den må højst fylde {limit} MB."
            )
        added = attachments.add(entry, request.FILES.get("dokument"), request.user)
    except (attachments.AttachmentError, WorkflowError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"»{added.name}« er lagt ved indslaget.")
    return redirect("practice:entry", pk=entry.pk)


@login_required
@require_POST
def remove(request: HttpRequest, pk: int, attachment: int) -> HttpResponse:
    entry = _entry(request, pk)
    if not can_edit_practice(request.user, entry.kommunekode):
        raise PermissionDenied
    try:
        name = attachments.remove(entry, attachment, request.user)
    except (attachments.AttachmentError, WorkflowError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"»{name}« er fjernet fra indslaget.")
    return redirect("practice:entry", pk=entry.pk)
