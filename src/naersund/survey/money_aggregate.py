"""What the money answers of a round add up to, per area (Denmark, a KKR, any scope area):
kr. and share per initiative and per theme, with how many municipalities gave an amount,
answered "ved ikke" or left the question open, beside each initiative's status coverage.

The one function :func:`money_aggregates` computes it; the page "Økonomi i statusrunden", its
XLSX and the API all read its result, so they show the same numbers.

Counting (like the status shares of :mod:`naersund.survey.aggregate`): over the area's
municipalities that have **submitted** and were asked the question; a submitted response that
leaves the question open counts as "ikke besvaret". The kr. of a row are the sum of the amounts
given (0 kr. is an amount); "ved ikke" adds nothing.

**Small groups.** A sum of few municipalities' amounts tells each of them the others': a
municipality that knows its own amount and sees the sum of two knows the other's. So a row's
kr. (and its share) are shown only when at least :data:`MIN_AMOUNTS` municipalities gave an
amount, unless the reader may see every one of those municipalities' own answers anyway
(``visible``: a KKR secretariat in its KKR, a national administrator everywhere; see
``naersund.web.accounts.access.answers_visible_to``). The counts (answered, "ved ikke", open) are
always shown, as the status shares are. Totals and shares are taken over the rows shown, so
that a hidden row cannot be found by subtracting the shown ones from the total.

**Differencing between areas.** A reader chooses between several areas (Denmark, the five KKR,
a secretariat's own sundhedsråd: ``others``). Denmark's sum minus the other four KKRs' gives a
hidden KKR's; a KKR's sum minus the reader's own sundhedsråd in it gives the rest of the KKR.
So an area's row is also hidden when an area inside it among ``others`` has too few amounts,
or when the rest of the area outside it has (complementary suppression, as for the published
indicators: the larger area gives way, the smaller keeps its figure).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from naersund.catalogue import Catalogue, iter_initiatives
from naersund.survey.aggregate import Area, RoundAnswers, Share, initiative_phrase, status_counts
from naersund.survey.kroner import VED_IKKE
from naersund.survey.money import THEME_LABELS, THEMES, money_qid, theme_qid
from naersund.survey.questions import scope_members

MIN_AMOUNTS = 3


@dataclass(frozen=True)
class MoneyRow:
    """One initiative's or one theme's money answers in one area."""

    key: str  # the initiative's id or the theme
    label_da: str
    asked: int  # submitted municipalities of the area that were asked
    with_amount: int  # gave an amount in kr. (0 included)
    ved_ikke: int
    kroner: int | None  # the sum, None when hidden (too few amounts) or nobody gave one
    hidden: bool  # too few amounts to show the sum to this reader
    share_pct: float | None = None  # of the shown rows' total kr., in pct.

    @property
    def not_answered(self) -> int:
        return self.asked - self.with_amount - self.ved_ikke


@dataclass(frozen=True)
class InitiativeMoney:
    """An initiative's money row beside its status coverage (implemented, under way)."""

    initiative_id: str
    title_da: str
    kind: str | None  # skal, kan
    money: MoneyRow
    implemented: Share
    under_way: Share  # under implementering
    effects: tuple[str, ...] = ()  # stored effect estimates as text (added by the web layer)


@dataclass(frozen=True)
class MoneyAggregates:
    """Everything one area's money answers add up to in one round."""

    round_key: str
    round_title_da: str
    year: int
    area: Area
    submitted: int  # the area's municipalities that have submitted the round
    initiatives: list[InitiativeMoney] = field(default_factory=list)
    themes: list[MoneyRow] = field(default_factory=list)
    min_amounts: int = MIN_AMOUNTS
    effects_source: str = ""  # where the effect estimates come from (release, round)

    @property
    def initiatives_kroner(self) -> int:
        """Kr. of the initiative rows shown."""
        return sum(i.money.kroner or 0 for i in self.initiatives)

    @property
    def themes_kroner(self) -> int:
        return sum(t.kroner or 0 for t in self.themes)

    @property
    def has_money_questions(self) -> bool:
        return bool(self.initiatives or self.themes)


def _row(
    answers: RoundAnswers,
    qid: str,
    key: str,
    label: str,
    area: Area,
    visible: frozenset[int],
    min_amounts: int,
    others: Sequence[Area] = (),
) -> MoneyRow:
    codes = answers.submitted_in(area, qid)
    amounts: dict[int, int] = {}
    unknown = 0
    for code in codes:
        value = answers.value(code, qid)
        if value == VED_IKKE:
            unknown += 1
        elif isinstance(value, int) and not isinstance(value, bool):
            amounts[code] = value
    hidden = _too_few(amounts, visible, min_amounts) or any(
        _gives_away(amounts, area, other, visible, min_amounts) for other in others
    )
    total = None if hidden or not amounts else sum(amounts.values())
    return MoneyRow(key, label, len(codes), len(amounts), unknown, total, hidden)


def _too_few(amounts: Mapping[int, int], visible: frozenset[int], min_amounts: int) -> bool:
    """Fewer than ``min_amounts`` amounts (but some), not all of them the reader's to see."""
    return bool(amounts) and len(amounts) < min_amounts and not set(amounts) <= visible


def _gives_away(
    amounts: Mapping[int, int],
    area: Area,
    other: Area,
    visible: frozenset[int],
    min_amounts: int,
) -> bool:
    """Showing ``area``'s sum beside ``other``'s (an area strictly inside it) would give a
    small group's sum away: ``other``'s own, or the rest of ``area`` outside it."""
    if not other.members < area.members:
        return False
    inside = {c: v for c, v in amounts.items() if c in other.members}
    outside = {c: v for c, v in amounts.items() if c not in other.members}
    return _too_few(inside, visible, min_amounts) or _too_few(outside, visible, min_amounts)


def _with_shares(rows: list[MoneyRow]) -> list[MoneyRow]:
    total = sum(r.kroner or 0 for r in rows)
    if total <= 0:
        return rows
    return [r if r.kroner is None else _replace_share(r, 100.0 * r.kroner / total) for r in rows]


def _replace_share(row: MoneyRow, share: float) -> MoneyRow:
    return MoneyRow(
        row.key,
        row.label_da,
        row.asked,
        row.with_amount,
        row.ved_ikke,
        row.kroner,
        row.hidden,
        share,
    )


def money_aggregates(
    catalogue: Catalogue,
    answers: RoundAnswers,
    asked_qids: Iterable[str],
    area: Area,
    visible: Iterable[int] = (),
    min_amounts: int = MIN_AMOUNTS,
    effects: Mapping[str, Sequence[str]] | None = None,
    effects_source: str = "",
    others: Sequence[Area] = (),
) -> MoneyAggregates:
    """The money answers of ``answers`` in ``area``: a row per initiative the round asks about
    with a money question (``asked_qids``: the round's qids), in catalogue order, and a row per
    theme; ``visible``: the municipalities whose own answers the reader may see (module
    docstring); ``effects``: initiative id -> stored effect estimates as text, shown beside
    (``effects_source``: which release and round they come from); ``others``: the other areas
    the reader may choose, against which differencing is checked (module docstring)."""
    qids = set(asked_qids)
    seen: set[str] = set()
    rows: list[tuple[str, str, str | None, MoneyRow]] = []
    shown_to = frozenset(visible)
    listed = list(iter_initiatives(catalogue))
    if not area.is_national:  # the area's own catalogue sections first, as on the results page
        listed.sort(key=lambda t: not (area.members & scope_members(t[0].region_code)))
    for _, _, ini in listed:
        qid = money_qid(ini.id)
        if qid not in qids or ini.id in seen:
            continue
        seen.add(ini.id)
        phrase = initiative_phrase(ini)
        label = phrase[:1].upper() + phrase[1:]
        rows.append(
            (ini.id, ini.title_da, ini.kind, _row(answers, qid, ini.id, label, area, shown_to,
                                                  min_amounts, others))
        )  # fmt: skip
    money_rows = _with_shares([r for *_, r in rows])
    initiatives = []
    for (ini_id, title, kind, _), money in zip(rows, money_rows, strict=True):
        counts = status_counts(answers, ini_id, area)
        initiatives.append(
            InitiativeMoney(
                ini_id,
                title,
                kind,
                money,
                counts.share("implementeret"),
                counts.share("under_implementering"),
                tuple((effects or {}).get(ini_id, ())),
            )
        )
    themes = [
        _row(answers, theme_qid(t), t, THEME_LABELS[t], area, shown_to, min_amounts, others)
        for t, _ in THEMES
        if theme_qid(t) in qids
    ]
    return MoneyAggregates(
        answers.key,
        answers.title_da,
        answers.year,
        area,
        len(answers.submitted_in(area)),
        initiatives,
        _with_shares(themes),
        min_amounts,
        effects_source,
    )
