"""Økonomi: the page for every logged-in user and the upload for national administrators.
Thin: access, parameters, then the presenter (:mod:`.page`) or the writer (:mod:`.services`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from naersund.errors import InputError
from naersund.refdata import region_of
from naersund.web.accounts.access import can_view_dashboard, is_national_admin, role_of
from naersund.web.accounts.models import Role
from naersund.web.economy import services
from naersund.web.economy.forms import AccountsForm, KeyForm
from naersund.web.economy.page import chart_csv, economy_page
from naersund.web.economy.reader import KINDS
from naersund.web.params import query_int
from naersund.web.survey.round_money import latest_money_round


def _params(request: HttpRequest) -> tuple[str, int | None, int | None]:
    """(kind, year, kommunekode) from ``?tal=&aar=&kommune=``; a municipality editor without
    ``kommune`` sees their own municipality."""
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    kind = request.GET.get("tal") or "budget"
    if kind not in KINDS:
        kind = "budget"
    year = query_int(request.GET, "aar", min_value=1900, max_value=2200, max_digits=4)
    kommune = query_int(request.GET, "kommune", max_value=999, max_digits=3)
    if "kommune" not in request.GET:
        m = role_of(request.user)
        if m is not None and m.role == Role.MUNICIPALITY_EDITOR:
            kommune = m.kommunekode
    if kommune is not None and kommune not in region_of():
        raise Http404("Ukendt kommune")
    return kind, year, kommune


@login_required
def oekonomi(request: HttpRequest) -> HttpResponse:
    kind, year, kommune = _params(request)
    page = economy_page(kind, year, kommune)
    context = {
        "page": page,
        "title": "Økonomi",
        "can_import": is_national_admin(request.user),
        "money_round": latest_money_round(),
    }
    return render(request, "economy/page.html", context)


@login_required
def chart_numbers(request: HttpRequest) -> HttpResponse:
    kind, _year, kommune = _params(request)
    text = chart_csv(kind, kommune)
    if text is None:
        raise Http404("Ingen tal")
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="oekonomi.csv"'
    return response


def _too_large(request: HttpRequest) -> bool:
    length = request.META.get("CONTENT_LENGTH") or "0"
    return (
        length.isascii() and length.isdigit() and int(length) > settings.NAERSUND_MAX_UPLOAD_BYTES
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Import a BUDK32/REGK31 export or a distribution key (national administrators)."""
    if not is_national_admin(request.user):
        raise PermissionDenied
    problem = ""
    status = 200
    accounts_form, key_form = AccountsForm(), KeyForm()
    if request.method == "POST":
        status = 400
        if _too_large(request):
            limit = settings.NAERSUND_MAX_UPLOAD_BYTES // (1024 * 1024)
            problem = f"Filen er for stor: grænsen er {limit} MB. Intet er indlæst."
            status = 413
        elif request.POST.get("what") == "key":
            key_form = KeyForm(request.POST, request.FILES)
            if key_form.is_valid():
                upload = key_form.cleaned_data["file"]
                try:
                    key = services.import_key(upload.read(), upload.name, request.user)
                except InputError as exc:
                    problem = str(exc)
                else:
                    messages.success(request, f"{key.file_name} er indlæst som fordelingsnøgle.")
                    return redirect(reverse("economy:page"))
        else:
            accounts_form = AccountsForm(request.POST, request.FILES)
            if accounts_form.is_valid():
                upload = accounts_form.cleaned_data["file"]
                table = accounts_form.cleaned_data["table"] or None
                try:
                    result = services.import_accounts(
                        upload.read(), upload.name, request.user, table
                    )
                except InputError as exc:
                    problem = str(exc)
                else:
                    for line in result.lines():
                        messages.success(request, line)
                    return redirect(reverse("economy:page"))
    context = {
        "title": "Indlæs budgetter og regnskaber",
        "accounts_form": accounts_form,
        "key_form": key_form,
        "problem": problem,
    }
    return render(request, "economy/upload.html", context, status=status)
