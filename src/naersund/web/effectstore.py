"""The initiative effects of a release and a status round as stored rows
(:class:`~naersund.web.dashboard.models.EffectSet` and its
:class:`~naersund.web.dashboard.models.EffectEstimate`): written once, read back as the same
:class:`~naersund.analysis.initiative_effects.Estimated` objects the estimator made, so that
the page, the API, the command line and the packs keep using one table function
(:func:`naersund.analysis.initiative_effects.effects_table`) whether the numbers were just
estimated or read.

Why a table and not a file beside the release: a release is immutable and has no round, but
its estimates depend on the round whose start years they use (and on that round's answers),
so they are keyed by (release, round); rows in the app database go where the release goes
(both databases, the backups, the cascade when a release is deleted) and need no file store.
"""

from __future__ import annotations

import math
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max

from naersund.analysis.effects import METHOD_VERSION, Effect, EventPoint, GroupTime
from naersund.analysis.initiative_effects import Estimated, linked_pairs
from naersund.catalogue.model import Catalogue
from naersund.web.catalogue.store import current_version
from naersund.web.dashboard.models import EffectEstimate, EffectSet, Release
from naersund.web.survey.models import Response, ResponseState, Round

NUMBERS = (
    "estimate",
    "lower_ci",
    "upper_ci",
    "relative_estimate",
    "relative_lower_ci",
    "relative_upper_ci",
    "pretrend_p",
)
COUNTS = ("n_started", "n_not_started", "n_left_out", "n_incomplete")


def answers_state(rnd: Round) -> str:
    """What the estimates of ``rnd`` depend on besides the release: the estimation method's
    version (estimates stored by an older one are made again), the catalogue version in force
    (and when it was loaded) and the round's submitted answers (how many, the last change).
    Cheap: two small queries."""
    version = current_version()
    catalogue = "katalog: medfølgende" if version is None else (
        f"katalog: {version.version} {version.loaded_at.isoformat()}"
    )  # fmt: skip
    state = Response.objects.filter(round=rnd, state=ResponseState.SUBMITTED).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    last = state["last"].isoformat() if state["last"] is not None else "-"
    return f"metode {METHOD_VERSION}; {catalogue}; svar: {state['n']} {last}"


def _none(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def _nan(x: Any) -> float:
    return math.nan if x is None else float(x)


def save(
    release: Release, rnd: Round, state: str, estimated: list[Estimated], seconds: float
) -> bool:
    """Store the estimates of ``release`` x ``rnd`` (replacing a set made from other answers)
    in one transaction. False when another process stored the same set first (its rows stay)."""
    try:
        with transaction.atomic():
            EffectSet.objects.filter(release=release, round=rnd).delete()
            made = EffectSet.objects.create(
                release=release, round=rnd, answers_state=state, seconds=seconds
            )
            EffectEstimate.objects.bulk_create([_row(made, i, e) for i, e in enumerate(estimated)])
    except IntegrityError:
        return False
    return True


def _row(made: EffectSet, position: int, est: Estimated) -> EffectEstimate:
    e = est.effect
    first, last = e.years if e.years is not None else (None, None)
    return EffectEstimate(
        effect_set=made,
        position=position,
        initiative=est.initiative.id,
        indicator=est.indicator,
        indicator_name=est.indicator_name,
        **{k: _none(getattr(e, k)) for k in NUMBERS},
        **{k: int(getattr(e, k)) for k in COUNTS},
        first_year=first,
        last_year=last,
        # JSON has no NaN (PostgreSQL refuses it): a missing bound is null
        event_study=[
            [p.event_time, _none(p.estimate), _none(p.lower_ci), _none(p.upper_ci)]
            for p in e.event_study
        ],
        group_time=[[g.group, g.year, _none(g.estimate), _none(g.std_error)] for g in e.group_time],
        note=e.note,
    )


def load(release: Release, rnd: Round, state: str, catalogue: Catalogue) -> list[Estimated] | None:
    """The stored estimates of ``release`` x ``rnd``, or None when none are stored, they were
    made from other answers or another catalogue (``state``), or their pairs are no longer
    the catalogue's."""
    made = EffectSet.objects.filter(release=release, round=rnd, answers_state=state).first()
    if made is None:
        return None
    pairs = linked_pairs(catalogue)
    rows = list(made.estimates.order_by("position"))
    if [(r.initiative, r.indicator) for r in rows] != [(i.id, ind) for i, ind in pairs]:
        return None
    return [
        Estimated(initiative, r.indicator, r.indicator_name, _effect(r))
        for (initiative, _), r in zip(pairs, rows, strict=True)
    ]


def _effect(r: EffectEstimate) -> Effect:
    years = None
    if r.first_year is not None and r.last_year is not None:
        years = (int(r.first_year), int(r.last_year))
    return Effect(
        estimate=_nan(r.estimate),
        lower_ci=_nan(r.lower_ci),
        upper_ci=_nan(r.upper_ci),
        relative_estimate=_nan(r.relative_estimate),
        relative_lower_ci=_nan(r.relative_lower_ci),
        relative_upper_ci=_nan(r.relative_upper_ci),
        pretrend_p=_nan(r.pretrend_p),
        n_started=int(r.n_started),
        n_not_started=int(r.n_not_started),
        n_left_out=int(r.n_left_out),
        n_incomplete=int(r.n_incomplete),
        years=years,
        event_study=[
            EventPoint(int(t), _nan(a), _nan(lo), _nan(hi)) for t, a, lo, hi in r.event_study
        ],
        group_time=[GroupTime(int(g), int(t), _nan(a), _nan(s)) for g, t, a, s in r.group_time],
        note=r.note,
    )
