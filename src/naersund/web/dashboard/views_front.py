"""The front page ``/``: an overview for the logged-in user (see :mod:`.front`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from naersund.web.dashboard.front import front_page


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/front.html", {"page": front_page(request.user)})
