"""The initiative effects of a release and a status round, for the command line, the page
"Virker indsatserne?", the API and the packs: one computation
(:func:`naersund.analysis.initiative_effects.estimate_all`), kept per release, round and state
of the round's answers, so that a page never estimates while a user waits twice."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Max

from naersund.analysis.initiative_effects import Estimated, estimate_all
from naersund.errors import InputError
from naersund.reports.load import release_definitions
from naersund.web.dashboard import context as ctx
from naersund.web.dashboard import releases
from naersund.web.reportdata import current_catalogue, pack_round
from naersund.web.survey.models import Response, ResponseState, Round
from naersund.web.survey.views_results import round_answers

KEEP = 8  # (release, round) pairs kept in memory
_lock = threading.Lock()
_kept: OrderedDict[tuple[object, ...], Effects] = OrderedDict()


@dataclass(frozen=True)
class Effects:
    """The estimates and what they were made from (every figure names its release and round)."""

    estimated: list[Estimated]
    release: str
    release_id: int
    round: str
    round_slug: str

    def find(self, initiative: str, indicator: str) -> Estimated | None:
        return next(
            (
                e
                for e in self.estimated
                if (e.initiative.id, e.indicator) == (initiative, indicator)
            ),
            None,
        )


def choose_round(year: int, round_slug: str | None) -> Round:
    """The chosen round, else the latest closed round of ``year``; a Danish
    :class:`InputError` when there is none."""
    rnd = pack_round(year, round_slug)
    if round_slug and (rnd is None or rnd.slug != round_slug):
        raise InputError(f"Der er ingen statusrunde '{round_slug}'.")
    if rnd is None:
        raise InputError("Der er ingen lukket statusrunde at tage startårene fra.")
    return rnd


def _answers_state(rnd: Round) -> tuple[object, ...]:
    state = Response.objects.filter(round=rnd, state=ResponseState.SUBMITTED).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    return (state["n"], state["last"])


def effects_for(
    release_id: int | None = None,
    round_slug: str | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> Effects:
    """The effects of a release (default: the current one) with the start years of a round
    (default: the latest closed round of the release's last year)."""
    published = releases.load_release(release_id)
    results = published.results
    rnd = choose_round(int(results["year"].max()), round_slug)
    key = (published.release_id, rnd.pk, *_answers_state(rnd))
    with _lock:
        hit = _kept.get(key)
        if hit is not None:
            _kept.move_to_end(key)
            return hit
    indicators = {
        d.id: (d.name_da[:1].lower() + d.name_da[1:], d.multiplier)
        for d in release_definitions(results)
    }
    answers = round_answers(rnd).answers
    made = Effects(
        estimated=estimate_all(results, answers, current_catalogue(), indicators, progress),
        release=f"nr. {published.release_id} af {published.created_at:%d.%m.%Y}",
        release_id=published.release_id,
        round=ctx.round_label(rnd),
        round_slug=rnd.slug,
    )
    with _lock:
        _kept[key] = made
        while len(_kept) > KEEP:
            _kept.popitem(last=False)
    return made
