"""The inputs of the initiative-effects table from the app: a release's results, a status
round's answers (default: the latest closed round of the release's last year), the catalogue and
the indicators' names. The table itself is :func:`naersund.analysis.initiative_effects.effects_table`,
the same for the command line, the page and the packs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from naersund.analysis.initiative_effects import effects_table
from naersund.errors import InputError
from naersund.reports.load import release_definitions
from naersund.web.dashboard import context as ctx
from naersund.web.dashboard import releases
from naersund.web.reportdata import current_catalogue, pack_round
from naersund.web.survey.views_results import round_answers


@dataclass(frozen=True)
class EffectsTable:
    """The table and what it was made from (every figure names its release and round)."""

    table: pd.DataFrame
    release: str
    round: str


def effects_for(
    release_id: int | None = None,
    round_slug: str | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> EffectsTable:
    """The effects table of a release (default: the current one) and a round. Raises
    :class:`InputError` in Danish when the round does not exist or there is none."""
    published = releases.load_release(release_id)
    results = published.results
    last_year = int(results["year"].max())
    rnd = pack_round(last_year, round_slug)
    if round_slug and (rnd is None or rnd.slug != round_slug):
        raise InputError(f"Der er ingen statusrunde '{round_slug}'.")
    if rnd is None:
        raise InputError(
            "Der er ingen lukket statusrunde at tage startårene fra; vælg en med --round."
        )
    answers = round_answers(rnd).answers
    indicators = {
        d.id: (d.name_da[:1].lower() + d.name_da[1:], d.multiplier)
        for d in release_definitions(results)
    }
    table = effects_table(results, answers, current_catalogue(), indicators, progress)
    label = f"nr. {published.release_id} af {published.created_at:%d.%m.%Y}"
    return EffectsTable(table=table, release=label, round=ctx.round_label(rnd))
