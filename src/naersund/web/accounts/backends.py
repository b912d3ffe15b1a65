"""How a user name and password become a logged-in user (``AUTHENTICATION_BACKENDS``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from naersund.web.accounts import throttle
from naersund.web.accounts.demo import demo_login_allowed


class NaersundBackend(ModelBackend):
    """Django's model backend, plus two rules.

    A demo user (public password) may log in only in demo mode. ``user_can_authenticate`` is
    asked both at the password check and for every request of an existing session
    (``get_user``), so a session opened in demo mode ends when the server runs without it.

    Wrong passwords are throttled (``naersund.web.accounts.throttle``): while the user name or
    the address is locked every password is refused, the right one too. This is the one door
    every password login goes through (the login page, the admin's, anything that calls
    ``authenticate``); the login forms ask the throttle first only to say when to try again.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        name = username if username is not None else throttle.credentials_username(kwargs)
        if name is None or password is None:
            return None
        address = throttle.client_address(request)
        if throttle.lock_for(name, address) is not None:
            raise PermissionDenied  # stops authenticate(): no other backend is asked
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            throttle.record_failure(name, address)
        else:
            throttle.clear_account(name)
        return user

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and demo_login_allowed(user)
