"""Headers on every answer of the site: the Content-Security-Policy, and ``Cache-Control:
no-store`` on everything a logged-in user (session or API token) gets, since those pages and
API answers carry survey answers and personal data that no browser or proxy cache may keep.

Django 5.2 has no CSP support of its own (it comes in 6.0), and one fixed policy needs no
library: no page has inline script or style (``tests/web/test_security_headers.py`` checks
every template), Vega is vendored and drawn without ``eval`` (``ast: true``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers, patch_cache_control

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if _personal(request):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
            patch_cache_control(response, private=True)
        return response


def _personal(request: HttpRequest) -> bool:
    """A logged-in user's answer. The API's token login happens in the view, and DRF then sets
    the user on the request too; the Authorization header alone already says it is personal."""
    user = getattr(request, "user", None)
    return bool(getattr(user, "is_authenticated", False)) or "HTTP_AUTHORIZATION" in request.META
