"""What every dashboard page needs besides the release: indicator definitions, the catalogue,
the survey's initiative status as the user may see it, and the stamps that say when any of
them last changed and what the user may see (pages are cached by them)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from django.db.models import Max
from django.utils import timezone

from naersund.analysis.profiles import IndicatorInfo, indicator_infos
from naersund.catalogue import Catalogue
from naersund.indicators import load_definitions
from naersund.survey.questions import STATUS_LABELS
from naersund.web.accounts import access
from naersund.web.catalogue import models as db
from naersund.web.catalogue.store import catalogue_from_db, current_version
from naersund.web.survey.models import Answer, Response, ResponseState, Round

_catalogues: dict[tuple[Any, ...], Catalogue] = {}


@cache
def infos() -> dict[str, IndicatorInfo]:
    """The shipped indicator definitions, in file order."""
    return indicator_infos(load_definitions())


def catalogue_state() -> tuple[Catalogue | None, tuple[Any, ...]]:
    """The current catalogue and a stamp that changes when it does: its version and load
    time, and its targets (which administrators edit in the admin without a new load)."""
    version = current_version()
    if version is None:
        return None, ("no-catalogue",)
    targets = tuple(
        db.Target.objects.filter(goal__kkr__catalogue=version)
        .order_by("pk")
        .values_list(
            "pk",
            "indicator",
            "baseline_year",
            "target_year",
            "target_value",
            "relative_change_pct",
            "scope",
            "kommunekode",
        )
    )
    key = (version.pk, version.loaded_at, hash(targets))
    if key not in _catalogues:
        _catalogues.clear()  # only the current one is needed
        _catalogues[key] = catalogue_from_db(version)
    return _catalogues[key], key


def published_rounds() -> list[Round]:
    """The rounds whose answers are public to every logged-in user right now
    (``access.is_published``: published and closed)."""
    return [r for r in Round.objects.filter(published_at__isnull=False) if access.is_published(r)]


def survey_stamp() -> Any:
    """Changes whenever any response changes or a round is published or withdrawn (so cached
    pages show the latest status)."""
    stamp = Response.objects.aggregate(last=Max("updated_at"), n=Max("pk"))
    return (stamp["last"], stamp["n"], tuple(r.pk for r in published_rounds()))


def answers_key(user: Any, kommunekoder: list[int]) -> tuple[int, ...]:
    """What of the municipalities' answers the user may see beyond the published rounds (the
    municipalities it sees in every round): part of a cached page's key, so that a page built
    for an editor is never served to a reader."""
    return tuple(k for k in kommunekoder if access.can_view_answers(user, k, None))


PRELIMINARY = "foreløbig (runden er åben)"


def latest_closed_round(year: int | None = None, today: dt.date | None = None) -> Round | None:
    """The status round pages and packs use by default: the latest round that has closed
    (of ``year`` or before, when given); None when none has closed."""
    day = today or timezone.localdate()
    rounds = Round.objects.filter(closes_on__lt=day)
    if year is not None:
        rounds = rounds.filter(year__lte=year)
    return rounds.order_by("-closes_on", "-year", "-created_at").first()


def chosen_round(slug: str | None, year: int | None = None) -> Round | None:
    """The round a page shows: the one the user chose (``?runde=<slug>``, an open round
    included), else :func:`latest_closed_round`."""
    if slug:
        rnd = Round.objects.filter(slug=slug).first()
        if rnd is not None:
            return rnd
    return latest_closed_round(year)


def round_label(rnd: Round) -> str:
    """The round's title, marked "foreløbig (runden er åben)" while it is open."""
    return f"{rnd.title_da}, {PRELIMINARY}" if rnd.is_open() else rnd.title_da


def round_choices() -> list[Round]:
    """The rounds a user can choose between (not those that have not opened yet)."""
    today = timezone.localdate()
    return list(Round.objects.filter(opens_on__lte=today).order_by("-closes_on", "-year"))


def initiative_status(
    kommunekoder: list[int], user: Any, rnd: Round | None
) -> dict[int, dict[str, tuple[str, str]] | None]:
    """Per municipality: initiative id -> (Danish status label, round label), from the
    municipality's submitted answers in ``rnd`` (one round for every municipality, never a
    mix), where ``user`` may see them (``access.can_view_answers``); None for a municipality
    whose answers in ``rnd`` the user may not see. The round label says "foreløbig (runden er
    åben)" while ``rnd`` is open."""
    own = set(answers_key(user, kommunekoder))  # "ikke besvaret" for them even before a round
    if rnd is None:
        return {k: {} if k in own else None for k in kommunekoder}
    visible = {k for k in kommunekoder if access.can_view_answers(user, k, rnd)}
    rows = (
        Answer.objects.filter(
            response__round=rnd,
            response__kommunekode__in=sorted(visible),
            response__state=ResponseState.SUBMITTED,
            question__qid__startswith="status.",
        )
        .order_by("pk")
        .values_list("response__kommunekode", "question__initiative_slug", "value")
    )
    label = round_label(rnd)
    out: dict[int, dict[str, tuple[str, str]] | None] = {
        k: {} if k in visible else None for k in kommunekoder
    }
    for kommune, slug, value in rows:
        found = out[int(kommune)]
        if found is not None and value in STATUS_LABELS and slug:
            found[str(slug)] = (STATUS_LABELS[value], label)
    return out
