"""The initiative effects of a release and a status round, for the command line, the page
"Virker indsatserne?", the API and the packs: one computation
(:func:`naersund.analysis.initiative_effects.estimate_all`), made when a release is published
(:func:`effects_at_publish`) or when the report worker sees a round close
(:func:`store_pending`), stored (:mod:`naersund.web.effectstore`) and read from there; only a
pair of release and round nobody stored yet is estimated at its first read, and then stored,
never twice in a process (a lock; across processes, the table's unique key keeps one set)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace

from naersund.analysis import PublishedResults
from naersund.analysis.initiative_effects import Estimated, estimate_all
from naersund.errors import InputError
from naersund.reports.load import release_definitions
from naersund.web import effectstore
from naersund.web.dashboard import context as ctx
from naersund.web.dashboard import releases
from naersund.web.dashboard.models import Release
from naersund.web.reportdata import current_catalogue, pack_round
from naersund.web.survey.models import Round
from naersund.web.survey.views_results import round_answers

Progress = Callable[[str, float], None]
KEEP = 8  # (release, round) pairs kept in memory
_lock = threading.Lock()  # the memory cache
_computing = threading.Lock()  # one estimation at a time in this process
_kept: OrderedDict[tuple[object, ...], Effects] = OrderedDict()


@dataclass(frozen=True)
class Effects:
    """The estimates and what they were made from (every figure names its release and round).
    ``computed`` is True when this call estimated them (nothing was stored)."""

    estimated: list[Estimated]
    release: str
    release_id: int
    round: str
    round_slug: str
    computed: bool = False
    # what the estimates were made from (release, round, method, catalogue, answers): part of
    # the key of a page built from them
    key: tuple[object, ...] = ()

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
        shown = round_slug if round_slug.isprintable() and len(round_slug) <= 100 else "…"
        raise InputError(f"Der er ingen statusrunde '{shown}'.")
    if rnd is None:
        raise InputError("Der er ingen lukket statusrunde at tage startårene fra.")
    return rnd


def effects_for(
    release_id: int | None = None,
    round_slug: str | None = None,
    progress: Progress | None = None,
) -> Effects:
    """The effects of a release (default: the current one) with the start years of a round
    (default: the latest closed round of the release's last year)."""
    published = releases.load_release(release_id)
    rnd = choose_round(int(published.results["year"].max()), round_slug)
    return effects_of(published, rnd, progress)


def effects_of(
    published: PublishedResults, rnd: Round, progress: Progress | None = None
) -> Effects:
    """The effects of ``published`` with the start years of ``rnd``: from memory, else from the
    stored rows, else estimated now and stored."""
    state = effectstore.answers_state(rnd)
    key = (published.release_id, published.created_at, rnd.pk, rnd.created_at, state)
    with _lock:
        hit = _kept.get(key)
        if hit is not None:
            _kept.move_to_end(key)
            return hit
    release = Release.objects.get(pk=published.release_id)
    with _computing:  # a second caller waits here and then reads what the first stored
        catalogue = current_catalogue()
        estimated = effectstore.load(release, rnd, state, catalogue)
        computed = estimated is None
        if estimated is None:
            start = time.perf_counter()
            estimated = estimate_all(
                published.results, round_answers(rnd).answers, catalogue, _names(published),
                progress,
            )  # fmt: skip
            effectstore.save(release, rnd, state, estimated, time.perf_counter() - start)
    made = Effects(
        estimated=estimated,
        release=f"nr. {published.release_id} af {published.created_at:%d.%m.%Y}",
        release_id=published.release_id,
        round=ctx.round_label(rnd),
        round_slug=rnd.slug,
        computed=computed,
        key=key,
    )
    with _lock:
        _kept[key] = replace(made, computed=False)
        while len(_kept) > KEEP:
            _kept.popitem(last=False)
    return made


def _names(published: PublishedResults) -> dict[str, tuple[str, float]]:
    return {
        d.id: (d.name_da[:1].lower() + d.name_da[1:], d.multiplier)
        for d in release_definitions(published.results)
    }


def _default_round(published: PublishedResults) -> Round | None:
    return ctx.latest_closed_round(int(published.results["year"].max()))


def effects_at_publish(release_id: int, progress: Progress | None = None) -> list[str]:
    """Estimate and store the effects of a just published release with the start years of
    the latest closed round of its last year (the round the page and the API use by default);
    what ``naersund publish`` prints about it. A pair the data cannot carry gets a note, never
    an error: publishing does not fail because of an estimate."""
    published = releases.load_release(release_id)
    rnd = _default_round(published)
    if rnd is None:
        return [
            "Effekter: ingen lukket statusrunde at tage startårene fra endnu; de beregnes, når "
            "en runde er lukket."
        ]
    start = time.perf_counter()
    made = effects_of(published, rnd, progress)
    n = len(made.estimated)
    with_estimate = sum(e.effect.has_estimate for e in made.estimated)
    how = f"beregnet på {time.perf_counter() - start:.0f} s og gemt" if made.computed else "gemt"
    return [
        f"Effekter (startår fra {made.round}): {with_estimate} af {n} indsatser x indikatorer "
        f"med et skøn, {n - with_estimate} med en note; {how}."
    ]


def store_pending() -> bool:
    """Store the effects of the current release with the latest closed round, if they are not
    stored (a round has closed, or a closed round's answers changed, since the last look);
    the report worker calls this between jobs. True when it estimated."""
    release = releases.current_release()
    if release is None:
        return False
    published = releases.results_of(release)
    rnd = _default_round(published)
    if rnd is None:
        return False
    return effects_of(published, rnd).computed
