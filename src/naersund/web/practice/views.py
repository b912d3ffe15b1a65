"""God praksis: the catalogue for every logged-in user, drafts for the municipality, its KKR's
secretariat and national administrators. Thin: access (``accounts.access``), then the finder
(:mod:`.search`), the presenter (:mod:`.page`) or the workflow (:mod:`.services`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from naersund.refdata import region_of
from naersund.web.accounts.access import (
    can_edit_practice,
    can_review_practice,
    can_view_catalogue,
    can_view_dashboard,
    can_view_practice,
    is_national_admin,
    role_of,
)
from naersund.web.accounts.models import Role
from naersund.web.practice import services
from naersund.web.practice.attachments import attachments_of
from naersund.web.practice.effects import effects_by_initiative
from naersund.web.practice.forms import EntryForm
from naersund.web.practice.models import Entry
from naersund.web.practice.page import entry_page, filter_choices, municipalities_of
from naersund.web.practice.search import (
    entry_for_user,
    find_published,
    find_unpublished,
    read_filters,
)


def _draftable(user: Any) -> list[int]:
    """The municipalities the user may draft entries for."""
    if is_national_admin(user):
        return sorted(region_of())
    m = role_of(user)
    if m is not None and m.role == Role.MUNICIPALITY_EDITOR and m.kommunekode is not None:
        return [m.kommunekode] if can_edit_practice(user, m.kommunekode) else []
    return []


def _entry_for(request: HttpRequest, pk: int) -> Entry:
    """The entry, or 404 for users who may not see it (a draft's existence is not told)."""
    entry = entry_for_user(request.user, pk)
    if entry is None:
        raise Http404("Ukendt indslag")
    return entry


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    if not can_view_catalogue(request.user):
        raise PermissionDenied
    filters = read_filters(request.GET)
    found = find_published(filters)
    unpublished = find_unpublished(request.user, filters)
    context = {
        "title": "God praksis",
        "filters": filters,
        "choices": filter_choices(),
        "found": [(e, municipalities_of(e)) for e in found],
        "unpublished": [(e, municipalities_of(e)) for e in unpublished],
        "can_draft": bool(_draftable(request.user)),
    }
    return render(request, "practice/list.html", context)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_for(request, pk)
    # the history (drafts, review notes) is for those who may see the entry unpublished
    with_history = can_view_practice(request.user, entry.kommunekode, published=False)
    context = {
        "title": entry.title,
        "page": entry_page(entry, with_history),
        "can_edit": entry.status in services.EDITABLE
        and can_edit_practice(request.user, entry.kommunekode),
        "can_review": entry.status == "indsendt" and can_review_practice(request.user),
        "attachments": attachments_of(entry),
        "effects": effects_by_initiative().for_entry(entry)
        if can_view_dashboard(request.user)
        else [],
        "attachment_limit_mb": settings.NAERSUND_PRACTICE_ATTACHMENT_BYTES // (1024 * 1024),
    }
    return render(request, "practice/entry.html", context)


def _form_page(
    request: HttpRequest, form: EntryForm, entry: Entry | None, status: int
) -> HttpResponse:
    title = f"Ret »{entry.title}«" if entry is not None else "Nyt indslag om god praksis"
    context = {"title": title, "form": form, "entry": entry}
    return render(request, "practice/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    allowed = _draftable(request.user)
    if not allowed:
        raise PermissionDenied
    if request.method != "POST":
        form = EntryForm(municipalities=allowed, initial={"kommunekode": allowed[0]})
        return _form_page(request, form, None, 200)
    form = EntryForm(request.POST, municipalities=allowed)
    if not form.is_valid():
        return _form_page(request, form, None, 400)
    entry = services.save_draft(form.save(commit=False), request.user)
    messages.success(request, f"»{entry.title}« er gemt som kladde.")
    return redirect("practice:entry", pk=entry.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_for(request, pk)
    if not can_edit_practice(request.user, entry.kommunekode):
        raise PermissionDenied
    if entry.status not in services.EDITABLE:
        messages.error(
            request, f"»{entry.title}« er {entry.get_status_display().lower()} og kan ikke rettes."
        )
        return redirect("practice:entry", pk=entry.pk)
    allowed = _draftable(request.user)
    if request.method != "POST":
        return _form_page(request, EntryForm(instance=entry, municipalities=allowed), entry, 200)
    form = EntryForm(request.POST, instance=entry, municipalities=allowed)
    if not form.is_valid():
        return _form_page(request, form, entry, 400)
    try:
        services.save_draft(form.save(commit=False), request.user)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Rettelserne til »{entry.title}« er gemt.")
    return redirect("practice:entry", pk=entry.pk)


@login_required
@require_POST
def step(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit (the municipality), send back or publish (a national administrator)."""
    entry = _entry_for(request, pk)
    action = request.POST.get("handling", "")
    try:
        if action == "indsend" and can_edit_practice(request.user, entry.kommunekode):
            services.submit(entry, request.user)
            messages.success(request, f"»{entry.title}« er sendt til gennemsyn hos KL.")
        elif action == "tilbage" and can_review_practice(request.user):
            services.request_changes(entry, request.user, request.POST.get("bemaerkning", ""))
            messages.success(request, f"»{entry.title}« er sendt tilbage til kommunen.")
        elif action == "offentliggoer" and can_review_practice(request.user):
            services.publish(entry, request.user)
            messages.success(request, f"»{entry.title}« er offentliggjort i kataloget.")
        else:
            raise PermissionDenied
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("practice:entry", pk=entry.pk)
