"""The Overblik page's presenter: its parameters (validated against the release), the table
(:func:`naersund.analysis.overview.overview`, the one builder for the page, its CSV and its
XLSX) and what the template needs besides (sort links, filter choices).

Parameters (Danish, as users read them in the address): ``aar``; ``kkr`` (a KKR's code, or
``alle``; a KKR secretariat starts on its own KKR, a sundhedsråd's or 2027 region's on its
municipalities, everyone else on the whole country);
``sammenlign`` (``land``, or the municipality's own area on a level the release has: ``kkr``,
``sundhedsraad``, ``region2027``; anything else is compared with Denmark and says so in Danish);
``sort`` (an indicator id or ``kommune``) and ``orden``
(``stigende``/``faldende``); ``hent`` (``csv``/``xlsx``) downloads the shown table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from naersund.analysis.overview import (
    NAME_SORT,
    REFERENCE_TEXT,
    Overview,
    Reference,
    overview,
    reference_choices,
    reference_level,
)
from naersund.analysis.profiles import IndicatorInfo, members_of, municipality_names
from naersund.analysis.published import PublishedResults
from naersund.refdata import KKR_NAMES
from naersund.web.accounts.access import role_of
from naersund.web.accounts.models import Role
from naersund.web.params import query_int

ALL = "alle"
ASCENDING, DESCENDING = "stigende", "faldende"
DOWNLOADS = ("csv", "xlsx")
CHOSEN = "kommuner"  # repeated: the municipalities of a chosen group


@dataclass(frozen=True)
class OverblikParams:
    year: int
    region_code: int | None
    reference: Reference
    sort: str
    descending: bool
    own_kommune: int | None
    chosen: frozenset[int] = frozenset()
    notice: str = ""  # why the comparison asked for is not the one shown

    def key(self) -> tuple[Any, ...]:
        return (
            self.year,
            self.region_code,
            self.reference,
            self.sort,
            self.descending,
            self.own_kommune,
            tuple(sorted(self.chosen)),
            self.notice,
        )


def own_region(user: Any) -> int | None:
    """The KKR a KKR secretariat works for (its Overblik starts there)."""
    m = role_of(user)
    if m is not None and m.role == Role.KKR_SECRETARY and m.region_code in KKR_NAMES:
        return int(m.region_code)
    return None


def own_area_members(user: Any) -> frozenset[int]:
    """The municipalities of a secretariat's area that is not a KKR (a sundhedsråd, a 2027
    region): its Overblik starts on them, as a KKR secretariat's starts on its KKR."""
    m = role_of(user)
    if m is None or m.role != Role.KKR_SECRETARY or m.region_code in KKR_NAMES:
        return frozenset()
    area = m.scope_area()
    return frozenset() if area is None else frozenset(int(k) for k in area.members)


def params(q: QueryDict, pub: PublishedResults, user: Any) -> OverblikParams:
    """The page's parameters: a value that names nothing falls back to the default, text that
    is no number where a number belongs is a 400 (``query_int``)."""
    year = query_int(q, "aar", max_digits=4)
    raw_kkr = q.get("kkr")
    if raw_kkr == ALL:
        region: int | None = None
    elif raw_kkr in (None, ""):
        region = own_region(user)
    else:
        region = query_int(q, "kkr", max_digits=4)
        region = region if region in KKR_NAMES else None
    reference, notice = _reference(q.get("sammenlign") or "land", pub)
    m = role_of(user)
    names = municipality_names()
    chosen = frozenset(
        code
        for n in range(len(q.getlist(CHOSEN)))
        if (code := _nth_int(q, n)) is not None and code in names
    )
    if not chosen and raw_kkr in (None, ""):
        chosen = own_area_members(user)
    return OverblikParams(
        year=year if year in pub.years else pub.years[-1],
        region_code=region,
        reference=reference,
        sort=q.get("sort") or NAME_SORT,
        descending=q.get("orden") == DESCENDING,
        own_kommune=None if m is None or m.kommunekode is None else int(m.kommunekode),
        chosen=chosen,
        notice=notice,
    )


def _reference(asked: str, pub: PublishedResults) -> tuple[Reference, str]:
    """The comparison asked for, or Denmark with a Danish notice when Overblik has no such
    comparison or the release no figures for its level."""
    if reference_level(pub, asked) is not None:
        return asked, ""
    if asked in REFERENCE_TEXT:
        return "land", (
            f"Udgivelsen har ingen tal for {REFERENCE_TEXT[asked]}, så tabellen er "
            "sammenlignet med landet."
        )
    shown = asked if len(asked) <= 40 else asked[:40] + "…"
    choices = ", ".join(f"»{label}«" for _, label in reference_choices(pub))
    return "land", (
        f"»Sammenlign med« kender ikke værdien »{shown}« (parameteren sammenlign); vælg "
        f"{choices}. Tabellen er sammenlignet med landet."
    )


def _nth_int(q: QueryDict, n: int) -> int | None:
    """The ``n``-th ``kommuner`` value as a number (text that is no number is a 400)."""
    return query_int({CHOSEN: q.getlist(CHOSEN)[n]}, CHOSEN, max_digits=4)


def table(pub: PublishedResults, infos: dict[str, IndicatorInfo], p: OverblikParams) -> Overview:
    return overview(pub, infos, p.year, p.reference, p.region_code, p.sort, p.descending, p.chosen)


def _query(p: OverblikParams, **change: str) -> str:
    q = QueryDict(mutable=True)
    q["aar"] = str(p.year)
    q["kkr"] = str(p.region_code) if p.region_code else ALL
    q["sammenlign"] = p.reference
    q["sort"] = p.sort
    q["orden"] = DESCENDING if p.descending else ASCENDING
    q.setlist(CHOSEN, [str(k) for k in sorted(p.chosen)])
    for k, v in change.items():
        q[k] = v
    return "?" + q.urlencode()


@dataclass(frozen=True)
class SortLink:
    label: str
    url: str
    state: str  # "ascending" / "descending" / "none" (aria-sort)


def sort_link(p: OverblikParams, key: str, label: str) -> SortLink:
    """The heading's link: sorts by the column (ascending first), or flips the order when the
    table is sorted by it already."""
    if p.sort == key:
        flip = ASCENDING if p.descending else DESCENDING
        return SortLink(label, _query(p, sort=key, orden=flip), DESCENDING_STATE[p.descending])
    return SortLink(label, _query(p, sort=key, orden=ASCENDING), "none")


DESCENDING_STATE = {True: "descending", False: "ascending"}


def context(
    ov: Overview, p: OverblikParams, years: list[int], pub: PublishedResults
) -> dict[str, Any]:
    """What ``dashboard/overblik.html`` shows."""
    from naersund.web.areas.present import group_links  # it imports this module

    names = municipality_names()
    return {
        "ov": ov,
        "p": p,
        "years": years,
        "kkrs": sorted(KKR_NAMES.items()),
        "all": ALL,
        "name_sort": sort_link(p, NAME_SORT, "Kommune"),
        "columns": [(c, sort_link(p, c.indicator, c.name_da)) for c in ov.columns],
        "csv_url": _query(p, hent="csv"),
        "xlsx_url": _query(p, hent="xlsx"),
        "area": KKR_NAMES[p.region_code] if p.region_code else "hele landet",
        "choices": [
            (name, [(k, names[k], k in p.chosen) for k in members_of(code)])
            for code, name in sorted(KKR_NAMES.items())
        ],
        "chosen_param": CHOSEN,
        "references": reference_choices(pub),
        # the user-defined groups as choices of the group to compare with (issue 14)
        "groups": group_links(p),
    }
