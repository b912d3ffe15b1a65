"""A municipality compared with a group of municipalities (issue 14): its comparable
municipalities (:mod:`naersund.analysis.neighbours`), the other municipalities of its area on a
published level (its sundhedsråd, KKR or region), or a user-defined group.

The group's members are shown with their own published figures; the group's own figure is the
published one where the group is an area of a published level. Otherwise naersund adds the
members' published counts up into one crude rate, marked as its own computation, and only when
no member's cell is suppressed (a pooled figure from masked cells could reveal them) and the
page shows crude values (a standardised rate cannot be added up from the counts). Every number
is :meth:`PublishedResults.figure`, so the page, the director pack and the API agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from naersund.analysis import area_view
from naersund.analysis.neighbours import K, comparable_municipalities
from naersund.analysis.profiles import municipality_names
from naersund.analysis.published import CRUDE, Figure, Measure, PublishedResults
from naersund.engine.results import crude_estimate
from naersund.indicators.model import IndicatorDefinition
from naersund.refdata import NATIONAL_CODE, areas
from naersund.refdata.groups import COMPARABLE

POOLED_NOTE = "beregnet af naersund ud fra kommunernes tal"
#: How each published level's group is offered ("the municipalities of the same ...").
LEVEL_LABELS = {
    "sundhedsraad": "Kommunerne i samme sundhedsråd",
    "kkr": "Kommunerne i samme KKR",
    "region2027": "Kommunerne i samme region (fra 2027)",
    "region": "Kommunerne i samme region (til 2026)",
}

KIND_DA = {
    "sundhedsraad": "sundhedsråd",
    "kkr": "KKR",
    "region2027": "region fra 2027",
    "region": "region til 2026",
}


@dataclass(frozen=True)
class UserGroup:
    """A user-defined group as the web app stores it."""

    slug: str
    name_da: str
    members: tuple[int, ...]


@dataclass(frozen=True)
class Group:
    """The group a municipality is compared with."""

    key: str  # the ``?gruppe=`` value
    name: str  # "Sundhedsråd Amager og Vestegnen", "Vestegnens samarbejde", ...
    kind_da: str  # what kind of group, in running text
    members: tuple[int, ...]  # every municipality of the group, by kommunekode
    level: str | None  # the published level whose area the group is (its figure published)
    code: int | None


@dataclass(frozen=True)
class Pooled:
    """The group's crude rate added up by naersund from its members' published counts."""

    value: float
    lower: float
    upper: float
    numerator: float
    denominator: float
    note_da: str = POOLED_NOTE


@dataclass(frozen=True)
class GroupFigures:
    """One indicator × year: the municipality, the group's other members (by name), the
    group's own figure (published, else pooled, else none with the reason) and Denmark."""

    group: Group
    own: Figure
    members: tuple[tuple[int, Figure], ...]
    aggregate: Figure | None  # published: the group is an area of a released level
    pooled: Pooled | None
    aggregate_note_da: str
    denmark: Figure


def choices(pub: PublishedResults, user_groups: Sequence[UserGroup]) -> list[tuple[str, str]]:
    """The "Sammenlign med" choices: the comparable municipalities, the release's partition
    levels (the municipality's own area on each) and the user-defined groups."""
    out = [(COMPARABLE, f"Sammenlignelige kommuner (de {K} nærmeste)")]
    released = {lv for lv, _, _ in area_view.level_choices(pub)}
    out += [(lv, label) for lv, label in LEVEL_LABELS.items() if lv in released]
    out += [(g.slug, f"Gruppe: {g.name_da}") for g in user_groups]
    return out


def resolve(
    pub: PublishedResults, kommunekode: int, key: str, year: int, user_groups: Sequence[UserGroup]
) -> Group | None:
    """The group ``key`` for the municipality, or None when there is no such group (an unknown
    id, or a level on which the release has no area of the municipality)."""
    if key == COMPARABLE:
        neighbours = tuple(comparable_municipalities(year)[kommunekode])
        name = f"Sammenlignelige kommuner til {municipality_names()[kommunekode]}"
        return Group(key, name, f"de {K} mest lignende kommuner", neighbours, None, None)
    if key in LEVEL_LABELS:
        code = pub.membership.get(key, {}).get(int(kommunekode))
        info = None if code is None else area_view.area_info(pub, key, code)
        if info is None:
            return None
        return Group(key, info.name, KIND_DA[key], info.members, key, info.code)
    for g in user_groups:
        if g.slug == key:
            published = key in pub.membership and bool(pub.members(key, areas.GROUP_AREA_CODE))
            code = areas.GROUP_AREA_CODE if published else None
            level = key if published else None
            return Group(key, g.name_da, "brugerdefineret gruppe", g.members, level, code)
    return None


@cache
def _definitions() -> dict[str, IndicatorDefinition]:
    from naersund.indicators import load_definitions

    return {d.id: d for d in load_definitions()}


def pooled(figures: Sequence[Figure], definition: IndicatorDefinition) -> Pooled | None:
    """The members' published counts added up into one crude value and interval by the rule
    of the published crude values (:func:`naersund.engine.results.crude_estimate`), or None
    when a member's cell is suppressed, missing or without counts."""
    if not figures or any(f.suppressed or not f.present for f in figures):
        return None
    nums = [f.numerator for f in figures]
    dens = [f.denominator for f in figures]
    if any(n is None for n in nums) or any(d is None for d in dens):
        return None
    num = sum(n for n in nums if n is not None)
    den = sum(d for d in dens if d is not None)
    if den <= 0:
        return None
    est = crude_estimate(definition, [num], [den])
    return Pooled(float(est.value[0]), float(est.lower_ci[0]), float(est.upper_ci[0]), num, den)


def _published_note(group: Group, year: int) -> str:
    """A published area's figure: how it is made, that ``year`` precedes the area as an
    organisation, and that its membership is not verified (the sundhedsråd), as the
    Områdeoverblik and the packs say it."""
    parts = [areas.SUM_NOTE]
    lv = areas.area_levels().get(group.level or "")
    if lv is not None and lv.exists_from is not None and year < lv.exists_from.year:
        parts.append(f"findes som organisation fra {lv.exists_from.year}")
    if lv is not None and not lv.verified:
        parts.append(f"sammensætningen er {areas.UNVERIFIED_NOTE}")
    return f"{group.name}: udgivet tal ({'; '.join(parts)})"


def _aggregate_note(
    group: Group, figures: Sequence[Figure], crude: bool, done: bool, year: int
) -> str:
    if group.level is not None:
        return _published_note(group, year)
    if done:
        return f"{group.name} samlet: rå rate, {POOLED_NOTE}"
    hidden = sum(1 for f in figures if f.suppressed or not f.present)
    if hidden:
        return (
            f"Intet samlet tal for {group.name}: {hidden} af kommunernes tal er skjult eller "
            "mangler (få tilfælde), og et samlet tal kunne afsløre dem. Tabellen viser "
            "kommunernes egne udgivne tal."
        )
    if not crude:
        return (
            f"Intet samlet tal for {group.name}: gruppen er ikke et udgivet område, og en "
            "aldersstandardiseret værdi kan ikke lægges sammen af kommunernes tal. Tabellen "
            "viser kommunernes egne udgivne tal; vælg rå tal for gruppens samlede rå rate."
        )
    return f"Intet samlet tal for {group.name}: kommunernes tal kan ikke lægges sammen."


def group_figures(
    pub: PublishedResults,
    group: Group,
    kommunekode: int,
    indicator: str,
    year: int,
    measure: Measure | None = None,
) -> GroupFigures:
    """The municipality and its group on one indicator and year (``measure="rå"``: crude
    values, as everywhere)."""
    names = municipality_names()
    own = pub.figure(indicator, "kommune", kommunekode, year, measure=measure)
    others = sorted((k for k in group.members if k != kommunekode), key=lambda k: names[k])
    members = tuple((k, pub.figure(indicator, "kommune", k, year, measure=measure)) for k in others)
    of_group = [
        own if k == kommunekode else pub.figure(indicator, "kommune", k, year, measure=measure)
        for k in group.members
    ]
    aggregate = None
    if group.level is not None and group.code is not None:
        aggregate = pub.figure(indicator, group.level, group.code, year, measure=measure)
    crude = measure == CRUDE or pub.measure(indicator) == CRUDE
    done = None
    if aggregate is None and crude:
        done = pooled(of_group, _definitions()[indicator])
    note = _aggregate_note(group, of_group, crude, done is not None, year)
    denmark = pub.figure(indicator, "land", NATIONAL_CODE, year, measure=measure)
    return GroupFigures(group, own, members, aggregate, done, note, denmark)


def group_series(
    pub: PublishedResults,
    group: Group,
    kommunekode: int,
    indicator: str,
    measure: Measure | None = None,
) -> list[GroupFigures]:
    """:func:`group_figures` for every year of the release."""
    return [group_figures(pub, group, kommunekode, indicator, y, measure) for y in pub.years]


def user_groups_from(rows: Mapping[str, tuple[str, Sequence[int]]]) -> list[UserGroup]:
    """:class:`UserGroup` from ``slug -> (name, members)``."""
    return [UserGroup(s, n, tuple(sorted(int(k) for k in m))) for s, (n, m) in rows.items()]
