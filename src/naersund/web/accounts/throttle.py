"""The login throttle: after too many wrong passwords for one user name, or from one address,
within the cool-off, every login for it is refused, the right password too, until the oldest of
those failures is a cool-off old. The login form says when to try again.

The numbers are settings: ``LOGIN_FAILURES_PER_ACCOUNT`` (5), ``LOGIN_FAILURES_PER_ADDRESS``
(30, higher, as a municipality's staff often share one address) and ``LOGIN_COOL_OFF``
(15 minutes). Failures are rows in the database (``LoginFailure``), so every process and
thread of the server counts the same ones; a successful login clears its user name's.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from naersund.web.accounts.models import LoginFailure


@dataclass(frozen=True)
class Lock:
    """Logins are refused until ``until``."""

    until: dt.datetime

    def message(self, now: dt.datetime | None = None) -> str:
        now = now or timezone.now()
        minutes = max(1, math.ceil((self.until - now).total_seconds() / 60))
        at = timezone.localtime(self.until).strftime("%H.%M")
        unit = "minut" if minutes == 1 else "minutter"
        return (
            "For mange mislykkede forsøg på at logge ind. Af hensyn til sikkerheden er login "
            f"spærret til kl. {at} (om {minutes} {unit}). Prøv igen derefter, eller kontakt en "
            "administrator, hvis du har glemt din adgangskode."
        )


def account_key(username: str) -> str:
    """User names are counted without regard to case or surrounding spaces."""
    return username.strip().casefold()[:150]


def client_address(request: HttpRequest | None) -> str | None:
    """The address the request came from. Behind the HTTPS proxy
    (``NAERSUND_BEHIND_HTTPS_PROXY=1``) that is the last address of X-Forwarded-For, the one the
    proxy itself added (the ones before it are the client's word)."""
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR") or None
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        address = last or address
    return address


def lock_for(username: str | None, address: str | None) -> Lock | None:
    """The lock on the user name or the address, whichever lasts longer, or None."""
    now = timezone.now()
    since = now - settings.LOGIN_COOL_OFF
    locks: list[dt.datetime] = []
    rules: list[tuple[Q, int]] = []
    if username:
        rules.append((Q(username=account_key(username)), settings.LOGIN_FAILURES_PER_ACCOUNT))
    if address:
        rules.append((Q(address=address), settings.LOGIN_FAILURES_PER_ADDRESS))
    for which, limit in rules:
        recent = (
            LoginFailure.objects.filter(which, at__gt=since)
            .order_by("-at")
            .values_list("at", flat=True)
        )
        window = list(recent[:limit])
        if len(window) >= limit:
            locks.append(window[-1] + settings.LOGIN_COOL_OFF)
    return Lock(max(locks)) if locks else None


def record_failure(username: str, address: str | None) -> None:
    """Counts one failure, and forgets those older than the cool-off (they count no more)."""
    now = timezone.now()
    LoginFailure.objects.filter(at__lte=now - settings.LOGIN_COOL_OFF).delete()
    LoginFailure.objects.create(username=account_key(username), address=address, at=now)


def clear_account(username: str) -> None:
    """After a successful login: the user name's failures no longer count (the address's do)."""
    LoginFailure.objects.filter(username=account_key(username)).delete()


def credentials_username(credentials: dict[str, Any]) -> str | None:
    from django.contrib.auth import get_user_model

    value = credentials.get("username", credentials.get(get_user_model().USERNAME_FIELD))
    return str(value) if value is not None else None
