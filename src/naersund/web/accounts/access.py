"""Who may do what: the one place every view and the admin ask.

Logged-in users read the whole catalogue (it is public inside the platform). Editing a
municipality's status is for that municipality's editors and national administrators;
managing a KKR (its rounds and follow-up) for that KKR's secretariat and national administrators.

Survey results: the aggregated shares (nationally and per KKR) are for every logged-in user;
per-municipality answers of a whole KKR (Bilag 1, the pilot overview, the tilbagemeldinger and
their downloads) only for national administrators and that KKR's secretariat. A municipality
editor sees its own answers in its questionnaire, never another municipality's.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from naersund.refdata import KKR_NAMES, region_of
from naersund.web.accounts.models import Membership, Role


def role_of(user: Any) -> Membership | None:
    """The user's membership, or None for anonymous and inactive users, users without one and
    demo users outside demo mode (they cannot log in then either: this is the second lock)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        membership: Membership = user.membership
    except Membership.DoesNotExist:
        return None
    if membership.is_demo and not settings.DEMO:
        return None
    return membership


def is_national_admin(user: Any) -> bool:
    m = role_of(user)
    return m is not None and m.role == Role.NATIONAL_ADMIN


def can_view_catalogue(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_view_dashboard(user: Any) -> bool:
    """The indicator dashboard shows published, small-number-suppressed results only, for
    every municipality: open to every logged-in, active user, like the catalogue."""
    return can_view_catalogue(user)


def can_use_admin(user: Any) -> bool:
    """The Django admin (catalogue and users) is for national administrators only."""
    return is_national_admin(user)


def can_view_municipality(user: Any, kommunekode: int) -> bool:
    return can_view_catalogue(user) and kommunekode in region_of()


def can_edit_municipality(user: Any, kommunekode: int) -> bool:
    m = role_of(user)
    if m is None or kommunekode not in region_of():
        return False
    if m.role == Role.NATIONAL_ADMIN:
        return True
    return m.role == Role.MUNICIPALITY_EDITOR and m.kommunekode == kommunekode


def can_manage_region(user: Any, region_code: int) -> bool:
    m = role_of(user)
    if m is None:
        return False
    if m.role == Role.NATIONAL_ADMIN:
        return True
    return m.role == Role.KKR_SECRETARY and m.region_code == region_code


def can_view_response(user: Any, kommunekode: int) -> bool:
    """A municipality's survey answers: its editors and national administrators, and the
    secretariat of its KKR (reading). Other editors and readers do not see them."""
    if can_edit_municipality(user, kommunekode):
        return True
    region = region_of().get(kommunekode)
    return region is not None and can_manage_region(user, region)


def managed_regions(user: Any) -> list[int]:
    """The KKR (region codes) whose survey follow-up and import the user manages."""
    m = role_of(user)
    if m is None:
        return []
    if m.role == Role.NATIONAL_ADMIN:
        return sorted(KKR_NAMES)
    if m.role == Role.KKR_SECRETARY and m.region_code is not None:
        return [m.region_code]
    return []


def can_view_survey_results(user: Any) -> bool:
    """Aggregated survey results (shares of municipalities per status): every logged-in user."""
    return can_view_catalogue(user)


def can_view_kkr_answers(user: Any, region_code: int) -> bool:
    """Every municipality's answers in one KKR (Bilag 1, pilots, tilbagemeldinger): national
    administrators and that KKR's secretariat. Editors and readers do not: the table shows
    other municipalities' answers."""
    return region_code in KKR_NAMES and can_manage_region(user, region_code)
