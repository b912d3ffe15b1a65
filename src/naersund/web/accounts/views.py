"""The login page: Django's, with the throttle's message and status."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpResponse

from naersund.web.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if form.throttle_message:
            response.status_code = 429  # Too Many Requests
        return response
