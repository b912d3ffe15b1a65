"""What every dashboard page needs besides the release: indicator definitions, the catalogue,
the survey's initiative status, and the stamp that says when any of them last changed."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db.models import Max

from naersund.analysis.profiles import IndicatorInfo, indicator_infos
from naersund.catalogue import Catalogue
from naersund.indicators import load_definitions
from naersund.survey.questions import STATUS_LABELS
from naersund.web.catalogue import models as db
from naersund.web.catalogue.store import catalogue_from_db, current_version
from naersund.web.survey.models import Answer, Response, ResponseState

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


def survey_stamp() -> Any:
    """Changes whenever any response changes (so cached pages show the latest status)."""
    return Response.objects.aggregate(last=Max("updated_at"), n=Max("pk"))


def initiative_status(kommunekoder: list[int]) -> dict[int, dict[str, tuple[str, str]]]:
    """Per municipality: initiative id -> (Danish status label, round title), from the latest
    round in which the municipality submitted an answer to that initiative's status question."""
    rows = (
        Answer.objects.filter(
            response__kommunekode__in=kommunekoder,
            response__state=ResponseState.SUBMITTED,
            question__qid__startswith="status.",
        )
        .order_by("response__round__year", "response__round__created_at", "pk")
        .values_list(
            "response__kommunekode",
            "question__initiative_slug",
            "value",
            "response__round__title_da",
        )
    )
    out: dict[int, dict[str, tuple[str, str]]] = {k: {} for k in kommunekoder}
    for kommune, slug, value, round_title in rows:
        if value in STATUS_LABELS and slug:
            out[int(kommune)][str(slug)] = (STATUS_LABELS[value], str(round_title))
    return out
