"""The login forms (the site's and the admin's): they say when a throttled login may try
again (the refusal itself is the backend's, see ``backends.NaersundBackend``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from naersund.web.accounts import throttle


class ThrottleMessageMixin(forms.Form):
    request: Any
    throttle_message: str | None = None

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        address = throttle.client_address(self.request)
        lock = throttle.lock_for(username, address)
        if lock is None:
            try:
                return super().clean() or self.cleaned_data
            except forms.ValidationError:
                lock = throttle.lock_for(username, address)  # this failure may have locked it
                if lock is None:
                    raise
        self.throttle_message = lock.message()
        raise forms.ValidationError(self.throttle_message, code="throttled")


class LoginForm(ThrottleMessageMixin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottleMessageMixin, AdminAuthenticationForm):
    pass
