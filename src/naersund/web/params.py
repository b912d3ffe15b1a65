"""Integers from URLs, query strings and forms, parsed strictly by :func:`naersund.parsing.parse_int`.

- ``<number:name>`` in a URL pattern: 1 to 9 ASCII digits (Django's ``<int:...>`` matches any
  number of digits, and a 20-digit id then overflows in the database query). Anything else
  does not match, so the page is a 404.
- :func:`query_int`: an optional integer query or form parameter; a bad one is refused with
  :class:`BadParameter`, a 400 whose Danish message names the parameter (:func:`bad_request`
  renders it; the API's exception handler turns it into its JSON).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template import loader
from django.urls import register_converter
from django.views.decorators.csrf import requires_csrf_token

from naersund.parsing import IntegerError, parse_int

MAX_URL_DIGITS = 9


class BadParameter(BadRequest):
    """A parameter that cannot be used; ``field`` and ``reason`` as in :class:`IntegerError`."""

    def __init__(self, error: IntegerError) -> None:
        self.field = error.field
        self.reason = error.reason
        super().__init__(str(error))


class NumberConverter:
    """``<number:name>``: a non-negative integer of at most 9 ASCII digits."""

    regex = f"[0-9]{{1,{MAX_URL_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return parse_int(value, field="adresse", min_value=0, max_digits=MAX_URL_DIGITS)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(NumberConverter, "number")


def query_int(
    params: Mapping[str, Any],
    name: str,
    *,
    min_value: int = 0,
    max_value: int | None = None,
    max_digits: int = MAX_URL_DIGITS,
) -> int | None:
    """``params[name]`` as an integer, ``None`` when it is missing or empty; refused with
    :class:`BadParameter` when it is anything but ASCII digits within the bounds."""
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return parse_int(
            str(raw), field=name, min_value=min_value, max_value=max_value, max_digits=max_digits
        )
    except IntegerError as exc:
        raise BadParameter(exc) from None


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler400``: the Danish page, with the reason when it is one of ours (Django's own
    400s, e.g. a bad Host header, say only that the request could not be used)."""
    message = str(exception) if isinstance(exception, BadParameter) else ""
    template = loader.get_template("400.html")
    # A bad Host header is refused before the authentication middleware has run: without
    # request.user the context processors cannot run, so the page is made without them.
    known = request if hasattr(request, "user") else None
    return HttpResponseBadRequest(template.render({"message": message}, known))
