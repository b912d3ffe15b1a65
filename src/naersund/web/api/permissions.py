"""Who may do what through the API, in terms of ``naersund.web.accounts.access`` only.

- Catalogue, rounds, questions, indicator results, the schema: every logged-in user.
- A municipality's answers (with who changed them and when): its own editors, its KKR's
  secretariat and national administrators; readers and other municipalities' editors are refused.
- Writing answers, submitting and reopening: the municipality's editors and national
  administrators (``access.can_edit_municipality``), as in the web form.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from naersund.refdata import region_of
from naersund.web.accounts import access


class CanViewCatalogue(BasePermission):
    """Logged in and active (``access.can_view_catalogue``)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return access.can_view_catalogue(request.user)


class CanViewDashboard(BasePermission):
    """Published (suppressed) indicator results (``access.can_view_dashboard``)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return access.can_view_dashboard(request.user)


def can_read_answers(user: Any, kommunekode: int) -> bool:
    return access.can_view_response(user, kommunekode)


def can_write_answers(user: Any, kommunekode: int) -> bool:
    return access.can_edit_municipality(user, kommunekode)


def readable_municipalities(user: Any) -> list[int]:
    """The kommunekoder whose answers the user may read, sorted."""
    return sorted(k for k in region_of() if can_read_answers(user, k))
