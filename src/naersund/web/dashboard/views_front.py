"""The front page ``/``: an overview for the logged-in user, and a public overview for an
anonymous visitor when the results are public (see :mod:`.front`); otherwise the login page."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from naersund.refdata import KKR_NAMES
from naersund.web.accounts.access import results_are_public
from naersund.web.dashboard.front import front_page, public_front_page


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return render(request, "dashboard/front.html", {"page": front_page(request.user)})
    if results_are_public():
        return render(
            request,
            "dashboard/front_public.html",
            {"page": public_front_page(), "kkrs": sorted(KKR_NAMES.items())},
        )
    return redirect_to_login(request.get_full_path())
