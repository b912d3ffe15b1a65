""" "Andre kommuner gør sådan" on the Kommuneprofil (issue 13): the published good-practice
entries of other municipalities for the initiatives this municipality has not implemented,
by its submitted status in the latest closed round.

Which initiatives a municipality has not implemented is its answer, so the block is shown only
to users who may see that answer (``access.can_view_answers``, as the profile's own status
column); an initiative without a submitted status is left out (not answering is not "not
implemented")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max

from naersund.survey.questions import STATUS_LABELS
from naersund.web.accounts import access
from naersund.web.dashboard import context as ctx
from naersund.web.practice.models import Entry, Status
from naersund.web.practice.page import initiative_names, municipalities_of
from naersund.web.survey.models import Answer, ResponseState

IMPLEMENTED = "implementeret"


@dataclass(frozen=True)
class OtherEntry:
    pk: int
    title: str
    municipalities: str
    is_demo: bool


@dataclass(frozen=True)
class NotImplemented:
    """One initiative the municipality has not implemented and the entries about it."""

    slug: str
    name: str
    status: str  # "Planlagt", ...
    entries: list[OtherEntry]


@dataclass(frozen=True)
class OthersDo:
    round_label: str
    initiatives: list[NotImplemented]  # only those with entries


def not_implemented(kommunekode: int, user: Any) -> dict[str, str] | None:
    """Initiative id -> Danish status for the municipality's submitted statuses other than
    "implementeret" in the latest closed round; None when there is no such round or the user
    may not see the municipality's answers in it."""
    rnd = ctx.latest_closed_round()
    if rnd is None or not access.can_view_answers(user, kommunekode, rnd):
        return None
    rows = Answer.objects.filter(
        response__round=rnd,
        response__kommunekode=kommunekode,
        response__state=ResponseState.SUBMITTED,
        question__qid__startswith="status.",
    ).values_list("question__initiative_slug", "value")
    return {
        str(slug): STATUS_LABELS[value]
        for slug, value in rows
        if slug and value in STATUS_LABELS and value != IMPLEMENTED
    }


def others_do(kommunekode: int, user: Any) -> OthersDo | None:
    """The block, or None when it cannot be told (see :func:`not_implemented`)."""
    statuses = not_implemented(kommunekode, user)
    if statuses is None:
        return None
    rnd = ctx.latest_closed_round()
    assert rnd is not None
    names = initiative_names()
    published = list(Entry.objects.filter(status=Status.PUBLISHED).order_by("title", "pk"))
    found: list[NotImplemented] = []
    for slug, status in statuses.items():
        entries = [
            OtherEntry(e.pk, e.title, municipalities_of(e), e.is_demo)
            for e in published
            if slug in e.initiatives
            and kommunekode != e.kommunekode
            and kommunekode not in e.partners
        ]
        if entries:
            found.append(NotImplemented(slug, names.get(slug, slug), status, entries))
    found.sort(key=lambda n: n.name)
    return OthersDo(ctx.round_label(rnd), found)


def practice_stamp() -> tuple[Any, ...]:
    """Changes whenever an entry is published or changed (part of a cached page's key)."""
    stamp = Entry.objects.filter(status=Status.PUBLISHED).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    return (stamp["n"], stamp["last"])
