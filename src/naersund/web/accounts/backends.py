"""How a user name and password become a logged-in user (``AUTHENTICATION_BACKENDS``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from naersund.web.accounts.demo import demo_login_allowed


class NaersundBackend(ModelBackend):
    """Django's model backend, but a demo user (public password) may log in only in demo mode.

    ``user_can_authenticate`` is asked both at the password check and for every request of an
    existing session (``get_user``), so a session opened in demo mode ends when the server
    runs without it.
    """

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and demo_login_allowed(user)
