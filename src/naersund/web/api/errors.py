"""Every error of the API as Danish JSON: ``{"fejl": "...", "kode": "..."}`` plus details.

DRF's own errors (not logged in, no access, bad JSON, wrong method) get a Danish sentence of
ours; the survey's refusals keep their Danish message and add what they name (``fejl_pr_felt``
for answers that do not fit, ``konflikter`` for answers changed by someone else). Anything
unexpected is logged and answered with a 500 that says so, never a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response

from naersund.web.params import BadParameter
from naersund.web.survey.services import (
    Conflict,
    ImportRefused,
    InvalidAnswers,
    RoundNotOpen,
    SurveyError,
    WrongState,
)

log = logging.getLogger(__name__)

NOT_LOGGED_IN = (
    "Du er ikke logget ind. Send en token (Authorization: Token ...) eller log ind i browseren."
)
MESSAGES: dict[type[exceptions.APIException], tuple[str, str]] = {
    exceptions.NotAuthenticated: ("ikke_logget_ind", NOT_LOGGED_IN),
    exceptions.AuthenticationFailed: (
        "forkert_token",
        "Login mislykkedes: tokenen er ugyldig, eller brugeren er deaktiveret.",
    ),
    exceptions.PermissionDenied: ("ingen_adgang", "Din rolle giver ikke adgang til dette."),
    exceptions.NotFound: ("findes_ikke", "Det findes ikke."),
    exceptions.MethodNotAllowed: ("metode_ikke_tilladt", "Metoden er ikke tilladt her."),
    exceptions.NotAcceptable: ("ikke_acceptabel", "API'et svarer kun med JSON."),
    exceptions.UnsupportedMediaType: (
        "forkert_indholdstype",
        "Send JSON (Content-Type: application/json).",
    ),
    exceptions.ParseError: ("ugyldig_json", "Forespørgslen er ikke gyldig JSON."),
    exceptions.Throttled: ("for_mange", "For mange forespørgsler; vent lidt og prøv igen."),
}


CSRF_MISSING = (
    "CSRF-tokenen mangler: en ændring med browserens login (sessionen) skal sende tokenen fra "
    "cookien csrftoken i headeren X-CSRFToken. Scripts logger i stedet ind med en token "
    "(Authorization: Token ...) og skal ikke sende nogen CSRF-token."
)
CSRF_REJECTED = (
    "CSRF-kontrollen afviste ændringen: {reason} Hent en side fra sitet igen, og send den nye "
    "token fra cookien csrftoken i headeren X-CSRFToken."
)
# Django's reasons (django.middleware.csrf) in Danish; the missing ones get CSRF_MISSING.
_CSRF_REASONS = {
    "CSRF token incorrect.": "tokenen passer ikke til cookien.",
    "CSRF token from the 'X-Csrftoken' HTTP header incorrect.": "tokenen passer ikke til cookien.",
    "Referer checking failed - no Referer.": "forespørgslen over https har ingen Referer.",
}


def _csrf_error(detail: str) -> Response | None:
    """DRF's session login refuses a change without a valid CSRF token with PermissionDenied
    ("CSRF Failed: <Django's reason>"); that is not a matter of the role."""
    if not detail.startswith("CSRF Failed: "):
        return None
    reason = detail.removeprefix("CSRF Failed: ")
    if reason in ("CSRF token missing.", "CSRF cookie not set."):
        return error("csrf_token_mangler", CSRF_MISSING, status.HTTP_403_FORBIDDEN)
    danish = _CSRF_REASONS.get(
        reason,
        "tokenen er ugyldig, eller ændringen kommer fra en anden side end sitet.",
    )
    return error(
        "csrf_afvist",
        CSRF_REJECTED.format(reason=danish[0].upper() + danish[1:]),
        status.HTTP_403_FORBIDDEN,
    )


def error(code: str, message: str, http_status: int, **extra: Any) -> Response:
    return Response({"fejl": message, "kode": code, **extra}, status=http_status)


def _survey_error(exc: SurveyError) -> Response:
    if isinstance(exc, Conflict):
        return error("konflikt", str(exc), status.HTTP_409_CONFLICT, konflikter=exc.conflicts)
    if isinstance(exc, InvalidAnswers):
        return error(
            "ugyldige_svar", str(exc), status.HTTP_400_BAD_REQUEST, fejl_pr_felt=exc.errors
        )
    if isinstance(exc, RoundNotOpen):
        return error("runden_er_lukket", str(exc), status.HTTP_409_CONFLICT)
    if isinstance(exc, WrongState):
        return error("forkert_tilstand", str(exc), status.HTTP_409_CONFLICT)
    if isinstance(exc, ImportRefused):
        return error("import_afvist", str(exc), status.HTTP_400_BAD_REQUEST, problemer=exc.problems)
    return error("afvist", str(exc), status.HTTP_400_BAD_REQUEST)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's ``EXCEPTION_HANDLER``: one Danish JSON shape for every error."""
    if isinstance(exc, SurveyError):
        return _survey_error(exc)
    if isinstance(exc, BadParameter):
        exc = exceptions.ValidationError({exc.field: exc.reason})
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.ValidationError):
        return error(
            "ugyldig_forespoergsel",
            "Forespørgslen kunne ikke bruges; se fejl_pr_felt.",
            status.HTTP_400_BAD_REQUEST,
            fejl_pr_felt=exc.detail,
        )
    if isinstance(exc, exceptions.PermissionDenied):
        csrf = _csrf_error(str(exc.detail))
        if csrf is not None:
            return csrf
    if isinstance(exc, exceptions.APIException):
        code, message = MESSAGES.get(type(exc), ("fejl", str(exc.detail)))
        response = error(code, message, exc.status_code)
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            response["WWW-Authenticate"] = 'Token realm="api"'
        if isinstance(exc, exceptions.MethodNotAllowed):
            response["Allow"] = ", ".join(context["view"].allowed_methods)
        return response
    log.exception("Unexpected error in the API", exc_info=exc)
    return error(
        "intern_fejl",
        "Der skete en uventet fejl på serveren. Prøv igen, og kontakt support, hvis det gentager sig.",
        status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


@csrf_exempt  # it changes nothing; a PATCH or POST without a CSRF token gets the 404 too
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any URL under /api/ that names no endpoint (instead of Django's HTML 404 page, or for a
    PATCH or POST Django's English HTML page about the missing CSRF token)."""
    code, message = MESSAGES[exceptions.NotFound]
    return JsonResponse(
        {"fejl": f"{message} Se /api/docs/ for API'ets adresser.", "kode": code},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
