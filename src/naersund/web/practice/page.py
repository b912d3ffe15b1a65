"""What the pages of the catalogue of good practice show: the names behind an entry's ids
(initiatives of the current goal catalogue, indicator definitions, municipalities), the
choices of the filters and the form, and one entry laid out for its page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from naersund import fmt
from naersund.analysis.profiles import municipality_names
from naersund.indicators import load_definitions
from naersund.practice import EVIDENCE_LEVELS, TARGET_GROUPS
from naersund.refdata import KKR_NAMES
from naersund.web.catalogue import models as cat
from naersund.web.catalogue.store import current_version
from naersund.web.practice.models import Entry, EntryVersion


def initiative_names() -> dict[str, str]:
    """The current goal catalogue's initiatives: slug -> "title (KKR)", in catalogue order."""
    version = current_version()
    if version is None:
        return {}
    rows = (
        cat.Initiative.objects.filter(
            Q(goal__kkr__catalogue=version) | Q(action_plan__kkr__catalogue=version)
        )
        .select_related("goal__kkr", "action_plan__kkr")
        .order_by("pk")
    )
    out: dict[str, str] = {}
    for ini in rows:
        parent = ini.goal if ini.goal is not None else ini.action_plan
        kkr = parent.kkr.name_da if parent is not None else ""
        out[ini.slug] = f"{ini.title_da} ({kkr})" if kkr else ini.title_da
    return out


def indicator_names() -> dict[str, str]:
    return {d.id: d.name_da for d in load_definitions()}


def filter_choices() -> dict[str, list[tuple[Any, str]]]:
    return {
        "initiatives": list(initiative_names().items()),
        "indicators": sorted(indicator_names().items(), key=lambda kv: kv[1]),
        "kkr": sorted(KKR_NAMES.items()),
        "target_groups": list(TARGET_GROUPS.items()),
        "evidence": list(EVIDENCE_LEVELS.items()),
    }


def municipalities_of(entry: Entry) -> str:
    """ "Albertslund" or "Albertslund, Ballerup og Herlev (tværkommunalt)"."""
    names = municipality_names()
    all_ = [names.get(k, str(k)) for k in [entry.kommunekode, *entry.partners]]
    if len(all_) == 1:
        return all_[0]
    return f"{', '.join(all_[:-1])} og {all_[-1]} (tværkommunalt)"


def kroner(value: int | None) -> str:
    """``1.250.000 kr.`` (Danish thousands separator), or "Ikke oplyst"."""
    if value is None:
        return "Ikke oplyst"
    return fmt.kroner(value)


@dataclass(frozen=True)
class EntryPage:
    entry: Entry
    municipalities: str
    kkr: str
    initiatives: list[tuple[str, str]]  # (slug, name); an id the catalogue no longer has: itself
    indicators: list[tuple[str, str]]
    cost: str
    links: list[str]
    versions: list[EntryVersion]  # empty for users who may only see the published state


def entry_page(entry: Entry, with_history: bool) -> EntryPage:
    inis = initiative_names()
    inds = indicator_names()
    return EntryPage(
        entry=entry,
        municipalities=municipalities_of(entry),
        kkr=KKR_NAMES.get(entry.region_code, str(entry.region_code)),
        initiatives=[(s, inis.get(s, s)) for s in entry.initiatives],
        indicators=[(i, inds.get(i, i)) for i in entry.indicators],
        cost=kroner(entry.cost_per_year),
        links=[line.strip() for line in entry.links.splitlines() if line.strip()],
        versions=list(entry.versions.select_related("saved_by")) if with_history else [],
    )
