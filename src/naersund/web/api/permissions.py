"""Who may do what through the API, in terms of ``naersund.web.accounts.access`` only.

- Catalogue, rounds, questions, indicator results, the schema: every logged-in user. The
  releases and their result rows also for everyone when the web's result pages are public
  (``NAERSUND_PUBLIC_RESULTS``); effects, the catalogue, rounds and answers never.
- A municipality's answers (with who changed them and when): its own editors, its KKR's
  secretariat and national administrators; readers and other municipalities' editors are
  refused, except for the submitted answers of a published round (``access.can_view_answers``),
  shown without drafts and without the names of who wrote them.
- Writing answers, submitting and reopening: the municipality's editors and national
  administrators (``access.can_edit_municipality``), as in the web form.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from naersund.web.accounts import access
from naersund.web.survey.models import Round


class CanViewCatalogue(BasePermission):
    """Logged in and active (``access.can_view_catalogue``)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return access.can_view_catalogue(request.user)


class CanViewDashboard(BasePermission):
    """Published (suppressed) indicator results (``access.can_view_dashboard``)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return access.can_view_dashboard(request.user)


class CanViewPublicResults(BasePermission):
    """The releases and their result rows (``access.can_view_public_results``): every
    logged-in user, and everyone when the results are public; read-only views only."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return access.can_view_public_results(request.user)


def can_read_answers(user: Any, kommunekode: int) -> bool:
    """Every answer of the municipality in every round, drafts and names included."""
    return access.can_view_response(user, kommunekode)


def can_read_published_answers(user: Any, kommunekode: int, rnd: Round) -> bool:
    """The municipality's submitted answers in ``rnd`` (its own people, or a published round)."""
    return access.can_view_answers(user, kommunekode, rnd)


def can_write_answers(user: Any, kommunekode: int) -> bool:
    return access.can_edit_municipality(user, kommunekode)


def readable_municipalities(user: Any, rnd: Round) -> list[int]:
    """The kommunekoder whose answers in ``rnd`` the user may read, sorted."""
    return sorted(access.answers_visible_to(user, rnd))
