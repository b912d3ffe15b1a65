"""View decorators that ask :mod:`.access`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from naersund.web.accounts.access import results_are_public

View = Callable[..., HttpResponseBase]


def login_required_unless_public(view: View) -> View:
    """``login_required``, except when the published results are public
    (``NAERSUND_PUBLIC_RESULTS``, :func:`.access.results_are_public`): then an anonymous
    visitor reaches the view, which still asks :mod:`.access` what it may show. Only for
    read-only pages of published results; the setting is read at each request."""
    guarded = login_required(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if results_are_public():
            return view(request, *args, **kwargs)
        return guarded(request, *args, **kwargs)

    return wrapper


def refuse(request: HttpRequest) -> HttpResponseBase:
    """What a public view answers a visitor it may not serve: an anonymous visitor is sent to
    the login page (logging in may open it), a logged-in user gets 403."""
    if not getattr(request.user, "is_authenticated", False):
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied
