"""What every dashboard page needs besides the release: indicator definitions, the catalogue,
the survey's initiative status as the user may see it, and the stamps that say when any of
them last changed and what the user may see (pages are cached by them)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db.models import Max

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


def initiative_status(
    kommunekoder: list[int], user: Any
) -> dict[int, dict[str, tuple[str, str]] | None]:
    """Per municipality: initiative id -> (Danish status label, round title), from the latest
    round in which the municipality submitted an answer to that initiative's status question
    and whose answers ``user`` may see (``access.can_view_answers``); None for a municipality
    whose answers the user may see in no round."""
    rounds = {r.pk: r for r in Round.objects.all()}
    visible = {
        k: {pk for pk, rnd in rounds.items() if access.can_view_answers(user, k, rnd)}
        for k in kommunekoder
    }
    rows = (
        Answer.objects.filter(
            response__kommunekode__in=[k for k, pks in visible.items() if pks],
            response__state=ResponseState.SUBMITTED,
            question__qid__startswith="status.",
        )
        .order_by("response__round__year", "response__round__created_at", "pk")
        .values_list(
            "response__kommunekode",
            "response__round_id",
            "question__initiative_slug",
            "value",
            "response__round__title_da",
        )
    )
    own = set(answers_key(user, kommunekoder))  # "ikke besvaret" for them even before a round
    out: dict[int, dict[str, tuple[str, str]] | None] = {
        k: {} if visible[k] or k in own else None for k in kommunekoder
    }
    for kommune, round_id, slug, value, round_title in rows:
        found = out[int(kommune)]
        if found is None or round_id not in visible[int(kommune)]:
            continue  # a round whose answers the user may not see
        if value in STATUS_LABELS and slug:
            found[str(slug)] = (STATUS_LABELS[value], str(round_title))
    return out
