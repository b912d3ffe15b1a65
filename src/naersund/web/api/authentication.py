"""The API's token login: DRF's, with the same rule for demo users as the password login."""

from __future__ import annotations

from typing import Any

from rest_framework import authentication, exceptions

from naersund.web.accounts.demo import demo_login_allowed


class TokenAuthentication(authentication.TokenAuthentication):
    """A token of a demo user works only in demo mode (a token needs no password, so the
    password backend's refusal does not reach it)."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if not demo_login_allowed(user):
            raise exceptions.AuthenticationFailed()
        return user, token
