"""Who may do what: the one place every view and the admin ask.

Logged-in users read the whole catalogue (it is public inside the platform). Editing a
municipality's status is for that municipality's editors and national administrators;
managing a KKR (its rounds and follow-up) for that KKR's secretariat and national administrators.

A secretariat's area can be any area of a scope level (:mod:`naersund.refdata.scopes`): a KKR,
a sundhedsråd or a 2027 region; "KKR" below stands for any of them. Area codes (the
``region_code`` of URLs, questions and the catalogue) name one set of municipalities across
the scope levels, so a sundhedsråd secretariat (2701-2717) reads its municipalities' answers,
round overviews and Bilag 1 exactly as a KKR secretariat (1081-1085) does.

Survey results: the aggregated shares (nationally and per KKR, "68 pct. af kommunerne") are
for every logged-in user. A municipality's own answers (statuses, start years, pilots, free
answers, tilbagemelding, and counts of them such as "11 af 13 skal-indsatser") are for its
editors, its KKR's secretariat and national administrators, on every page, download, report
pack and API answer: ask :func:`can_view_answers` (one municipality) or
:func:`answers_visible_to` (all of them). Per-municipality answers of a whole KKR (Bilag 1, the
pilot overview, the tilbagemeldinger and their downloads) are for national administrators and
that KKR's secretariat (:func:`can_view_kkr_answers`).

With the deployment setting ``NAERSUND_PUBLIC_RESULTS=1`` (``settings.PUBLIC_RESULTS``, off by
default) the published results are open to everyone without logging in, read-only
(:func:`can_view_public_results`): the indicator pages, the definitions, the releases and the
aggregated results of closed rounds (:func:`can_view_round_results`). Never a municipality's
own answers: publishing a round opens them to every *logged-in* user, not to the public.

The one exception is deliberate: a national administrator may publish a closed round
("offentliggør runden", :func:`can_publish_round`); then the submitted answers of *that* round
(never drafts, never another round's) are visible to every logged-in user. A round covers the
municipalities of every KKR (each answering its own KKR's initiatives), so a KKR secretariat
cannot publish one: it would publish other KKRs' municipalities too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings

from naersund.refdata import KKR_NAMES, region_of, scopes
from naersund.web.accounts.models import Membership, Role

if TYPE_CHECKING:
    from naersund.web.survey.models import Round


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


def results_are_public() -> bool:
    """``NAERSUND_PUBLIC_RESULTS``: the published results are open to everyone (read at each
    request, so that tests can switch it with ``override_settings``)."""
    return bool(getattr(settings, "PUBLIC_RESULTS", False))


def can_view_public_results(user: Any) -> bool:
    """The published indicator pages (Kommuneprofil, Sammenlign, Udvikling, Overblik,
    Områdeoverblik), the definitions, the releases with their downloads and data quality, and
    the result endpoints of the API: every logged-in user, and everyone when the results are
    public (:func:`results_are_public`). Small-number suppression is the same for all: the
    pages only ever hold suppressed, published rows."""
    return can_view_dashboard(user) or results_are_public()


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
    """Whether the user manages the area ``region_code`` (a KKR, a sundhedsråd, a 2027
    region): national administrators every area, a secretariat its own."""
    m = role_of(user)
    if m is None or not scopes.is_scope(region_code):
        return False
    if m.role == Role.NATIONAL_ADMIN:
        return True
    area = m.scope_area()
    return area is not None and scopes.members(area.code) == scopes.members(region_code)


def can_view_response(user: Any, kommunekode: int) -> bool:
    """A municipality's survey answers in every round, drafts and history included: its editors
    and national administrators, and the secretariat of its KKR (reading). Other editors and
    readers do not see them (except a published round's, :func:`can_view_answers`)."""
    if can_edit_municipality(user, kommunekode):
        return True
    m = role_of(user)
    area = m.scope_area() if m is not None else None
    return area is not None and kommunekode in area.members


def managed_regions(user: Any) -> list[int]:
    """The areas (codes) whose survey follow-up and import the user manages: the five KKR for
    national administrators (who may also ask for any other area, :func:`can_manage_region`),
    a secretariat's own area."""
    m = role_of(user)
    if m is None:
        return []
    if m.role == Role.NATIONAL_ADMIN:
        return sorted(KKR_NAMES)
    area = m.scope_area()
    return [area.code] if area is not None else []


def can_view_survey_results(user: Any) -> bool:
    """Aggregated survey results (shares of municipalities per status): every logged-in user,
    and everyone when the results are public (then only closed rounds,
    :func:`can_view_round_results`)."""
    return can_view_catalogue(user) or results_are_public()


def can_view_round_results(user: Any, rnd: Round) -> bool:
    """One round's aggregated results: every logged-in user in every round; the public (with
    :func:`results_are_public`) only once the round has closed, when no answer can change."""
    if can_view_catalogue(user):
        return True
    return results_are_public() and rnd.phase() == "lukket"


def is_published(rnd: Round | None) -> bool:
    """Whether a national administrator has published the round (``Round.published_at``) and
    it is closed: a round whose dates are moved so that it opens again is not public until it
    closes, so answers that can still change are never shown."""
    return rnd is not None and rnd.published_at is not None and rnd.phase() == "lukket"


def can_view_answers(user: Any, kommunekode: int, rnd: Round | None) -> bool:
    """May ``user`` see municipality ``kommunekode``'s own submitted answers in round ``rnd``?

    Yes for its editors, its KKR's secretariat and national administrators
    (:func:`can_view_response`); for every other logged-in user only when ``rnd`` is
    published. ``rnd`` None means "in whichever round": only the first group."""
    if can_view_response(user, kommunekode):
        return True
    return is_published(rnd) and can_view_municipality(user, kommunekode)


def answers_visible_to(user: Any, rnd: Round | None) -> frozenset[int]:
    """The kommunekoder whose own submitted answers in ``rnd`` the user may see
    (:func:`can_view_answers` for every municipality)."""
    return frozenset(k for k in region_of() if can_view_answers(user, k, rnd))


def can_view_kkr_answers(user: Any, region_code: int, rnd: Round | None = None) -> bool:
    """Every municipality's answers in one KKR (Bilag 1, pilots, tilbagemeldinger): national
    administrators and that KKR's secretariat, and every logged-in user when ``rnd`` is
    published. Editors and readers otherwise do not: the table shows other municipalities'
    answers."""
    if not scopes.is_scope(region_code):
        return False
    return can_manage_region(user, region_code) or (is_published(rnd) and can_view_catalogue(user))


def can_publish_round(user: Any) -> bool:
    """Publishing a round's per-municipality answers (or withdrawing that): national
    administrators only, since a round covers every KKR's municipalities."""
    return is_national_admin(user)


def can_view_practice(user: Any, kommunekode: int, published: bool) -> bool:
    """An entry of the catalogue of good practice: published ones for every logged-in user;
    drafts (and entries under review) for the owning municipality's editors, its KKR's
    secretariat and national administrators (:func:`can_view_response`)."""
    if published:
        return can_view_catalogue(user)
    return can_view_response(user, kommunekode)


def can_edit_practice(user: Any, kommunekode: int) -> bool:
    """Drafting and submitting an entry for a municipality: its editors (and national
    administrators, who review)."""
    return can_edit_municipality(user, kommunekode)


def can_review_practice(user: Any) -> bool:
    """Asking for changes to or publishing an entry: national administrators (KL)."""
    return is_national_admin(user)
