"""Effect estimates beside good-practice entries (issue 13): where naersund has stored the
effects of the current release with the start years of its default round (the latest closed
round of the release's last year, as the page "Virker indsatserne?" uses), an entry shows the
rows of its linked initiatives, presented by the effects page's own function
(:func:`naersund.web.dashboard.effects_present.effect_rows`), so both say the same.

Only stored estimates are read (:func:`naersund.web.effectstore.load`): an entry's page never
starts an estimation; the estimates are stored when a release is published or a round closes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from naersund.web import effectstore
from naersund.web.dashboard import context as ctx
from naersund.web.dashboard import releases
from naersund.web.dashboard.effects_present import EffectRow, effect_rows
from naersund.web.practice.models import Entry
from naersund.web.reportdata import current_catalogue


@dataclass(frozen=True)
class EntryEffect:
    """One initiative x indicator beside an entry: the effects page's row and where it is from."""

    row: EffectRow
    source: str  # release, definition version and round

    @property
    def sentence(self) -> str:
        """The effects page's sentence and interval, or its note where there is no estimate."""
        r = self.row
        if r.note:
            return r.note
        return (
            f"{r.sentence} Effekt {r.estimate} (95 %-interval {r.interval}); "
            f"i procent {r.relative} ({r.relative_interval})."
        )


@dataclass(frozen=True)
class EntryEffects:
    """The stored estimates by initiative id (empty when there are none)."""

    by_initiative: dict[str, list[EntryEffect]] = field(default_factory=dict)
    synthetic: bool = False

    def for_entry(self, entry: Entry) -> list[EntryEffect]:
        return self.for_initiatives(entry.initiatives)

    def for_initiatives(self, initiatives: Sequence[str]) -> list[EntryEffect]:
        return [e for slug in initiatives for e in self.by_initiative.get(slug, [])]


def effects_by_initiative() -> EntryEffects:
    """The stored estimates of the current release and its default round, or none."""
    release = releases.current_release()
    if release is None:
        return EntryEffects()
    published = releases.results_of(release)
    if published.results.empty:
        return EntryEffects()
    rnd = ctx.latest_closed_round(int(published.results["year"].max()))
    if rnd is None:
        return EntryEffects()
    estimated = effectstore.load(release, rnd, effectstore.answers_state(rnd), current_catalogue())
    if not estimated:
        return EntryEffects()
    made = f"nr. {published.release_id} af {published.created_at:%d.%m.%Y}"
    round_label = ctx.round_label(rnd)
    out: dict[str, list[EntryEffect]] = {}
    for row in effect_rows(estimated, "indikator"):
        version = published.definitions.get(row.indicator)
        definition = f"definition {row.indicator}" + (f" v{version}" if version else "")
        source = f"Udgivelse {made}, {definition}, startår fra statusrunden {round_label}"
        out.setdefault(row.initiative, []).append(EntryEffect(row, source))
    return EntryEffects(out, synthetic=published.synthetic)
