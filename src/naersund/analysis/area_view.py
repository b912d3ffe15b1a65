"""An area of any level as pages, packs and the API present it (issue 14): its name, its
municipalities, what must be said beside its figures, and its overview table.

The membership comes from the release (:attr:`PublishedResults.membership`: its areas file,
else the shipped registry), the level's facts from :mod:`naersund.refdata.areas`. Every number
comes from :meth:`PublishedResults.figure`, so the Områdeoverblik, the API and the packs show the
same figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from naersund.analysis.published import CRUDE, Figure, Measure, PublishedResults
from naersund.catalogue import Catalogue, Kkr
from naersund.refdata import NATIONAL_CODE, areas, municipalities

#: The Danish name of each level in running text ("Sundhedsråd Fyn er et sundhedsråd").
DENMARK = "Danmark"


@dataclass(frozen=True)
class AreaInfo:
    """One area of a level in a release."""

    level: str
    code: int
    name: str
    level_name: str
    members: tuple[int, ...]  # kommunekode, by municipality name
    notes: tuple[str, ...]  # what every page and pack says beside the area's figures
    verified: bool
    # the level the area's own figures are published on, where it is not ``level``: a KKR in a
    # release computed before the KKR level existed is its region (same code, same members)
    results_level: str = ""

    @property
    def figures_level(self) -> str:
        return self.results_level or self.level

    @property
    def note_da(self) -> str:
        """The notes as one Danish sentence (empty for a municipality)."""
        return "; ".join(self.notes)


def _names() -> dict[int, str]:
    m = municipalities()
    return dict(zip(m["kommunekode"].astype(int), m["name"].astype(str), strict=True))


def area_names(pub: PublishedResults, level: str) -> dict[int, str]:
    """area code -> name on ``level`` (the release's areas file, else the registry)."""
    if level == "kommune":
        return _names()
    if level == "land":
        return {NATIONAL_CODE: DENMARK}
    if pub.areas is not None:
        rows = pub.areas[pub.areas["level"] == level]
        if len(rows):
            return dict(
                zip(rows["area_code"].astype(int), rows["area_name"].astype(str), strict=False)
            )
    lv = areas.area_levels().get(level)
    return {} if lv is None else lv.latest.names()


def history_note(level: str, name: str, years: Sequence[int]) -> str | None:
    """ "Region Østdanmark 2012-2026, beregnet som summen af kommunerne" where the release has
    years before the level existed as an organisation; None otherwise."""
    lv = areas.area_levels().get(level)
    start = None if lv is None else lv.exists_from
    if start is None or not years or min(years) >= start.year:
        return None
    last = min(max(years), start.year - 1)
    span = f"{min(years)}-{last}" if last > min(years) else str(last)
    return f"{name} {span}, {areas.SUM_NOTE} (findes som organisation fra {start.year})"


def area_info(pub: PublishedResults, level: str, code: int) -> AreaInfo | None:
    """The area ``code`` of ``level`` in the release, or None when the release has no such
    area."""
    names = area_names(pub, level)
    if level not in pub.membership or int(code) not in names:
        return None
    lv = areas.area_levels().get(level)
    name = names[int(code)]
    by_name = _names()
    members = tuple(sorted(pub.members(level, code), key=lambda k: by_name.get(k, str(k))))
    notes: list[str] = []
    history = history_note(level, name, pub.years)
    if history:
        notes.append(history)
    elif level != "kommune":
        notes.append(areas.SUM_NOTE)
    verified = lv is None or lv.verified
    if not verified:
        notes.append(areas.UNVERIFIED_NOTE)
    declared = (pub.meta.get("levels") or {}).get(level) or {}
    level_name = lv.name_da if lv is not None else "Brugerdefineret gruppe"
    if lv is None and isinstance(declared, dict) and declared.get("name_da"):
        level_name = f"Brugerdefineret gruppe ({declared['name_da']})"
    return AreaInfo(level, int(code), name, level_name, members, tuple(notes), verified)


def find_area(pub: PublishedResults, level: str, code: int) -> AreaInfo | None:
    """:func:`area_info`, and a KKR also in a release that has no ``kkr`` level but the five
    regions (``region``, as every release before issue 14): the KKR is its region, with the
    KKR's name."""
    found = area_info(pub, level, code)
    if found is not None or level != "kkr" or "kkr" in pub.membership:
        return found
    kkr = areas.area_levels().get("kkr")
    region = area_info(pub, "region", code)
    if kkr is None or region is None or int(code) not in kkr.latest.names():
        return None
    name = kkr.latest.names()[int(code)]
    notes = tuple(n.replace(region.name, name) for n in region.notes)
    return replace(
        region, level="kkr", name=name, level_name=kkr.name_da, notes=notes, results_level="region"
    )


def catalogue_sections(catalogue: Catalogue | None, area: AreaInfo) -> list[Kkr]:
    """The catalogue sections attached to the area (its goals, initiatives and central
    indicators): those of its own level and code first, then any other section whose
    municipalities are exactly the area's (KKR Nordjylland's on the 2027 Region Nordjylland)."""
    if catalogue is None or not area.members:
        return []
    members = frozenset(area.members)
    same = [k for k in catalogue.kkr if k.members == members]
    return sorted(same, key=lambda k: (k.level != area.level, k.region_code != area.code))


def level_choices(pub: PublishedResults) -> list[tuple[str, str, list[tuple[int, str]]]]:
    """The release's levels above the municipality, each with its areas by name:
    ``(level, level name, [(code, name), ...])``."""
    known = areas.area_levels()
    present = [str(v) for v in dict.fromkeys(pub.results["level"].tolist())]
    order = [lv for lv in known if lv in present] + [lv for lv in present if lv not in known]
    out = []
    for level in order:
        if level in ("kommune", "land"):
            continue
        names = area_names(pub, level)
        name = known[level].name_da if level in known else level
        out.append((level, name, sorted(names.items(), key=lambda kv: kv[1])))
    return out


@dataclass(frozen=True)
class OverviewRow:
    level: str
    code: int
    name: str
    figures: tuple[Figure, ...]  # one per indicator, in the order asked


def overview_rows(
    pub: PublishedResults,
    area: AreaInfo,
    indicators: Sequence[str],
    year: int,
    standardised: bool = True,
    catalogue: Catalogue | None = None,
) -> list[OverviewRow]:
    """The Områdeoverblik's table: one row per municipality of the area (by name), then the
    area and Denmark; each cell :meth:`PublishedResults.figure` of the indicator (crude values
    where ``standardised`` is false; a municipality's cells with its target status when a
    ``catalogue`` is given)."""
    measure = None if standardised else CRUDE
    names = _names()
    cells: list[tuple[str, int, str]] = [("kommune", k, names[k]) for k in area.members]
    if area.level != "kommune":
        cells.append((area.figures_level, area.code, area.name))
    cells.append(("land", NATIONAL_CODE, DENMARK))
    return [
        OverviewRow(
            level,
            code,
            name,
            tuple(
                pub.figure(i, level, code, year, catalogue if level == "kommune" else None, measure)
                for i in indicators
            ),
        )
        for level, code, name in cells
    ]


def member_names(area: AreaInfo, names: Mapping[int, str] | None = None) -> list[str]:
    """The area's municipalities by name."""
    names = names if names is not None else _names()
    return [names[k] for k in area.members]


def level_table(
    pub: PublishedResults, level: str, indicator: str, year: int, standardised: bool = True
) -> tuple[list[tuple[int, str, tuple[int, ...]]], list[Figure]]:
    """Every area of ``level`` (``(code, name, members)`` by name) and its
    :meth:`PublishedResults.figure` for Sammenlign at that level."""
    measure = None if standardised else CRUDE
    names = area_names(pub, level)
    listed = sorted(names.items(), key=lambda kv: kv[1])
    found = [(code, name, tuple(pub.members(level, code))) for code, name in listed]
    return found, [pub.figure(indicator, level, code, year, measure=measure) for code, *_ in found]


def level_notes(pub: PublishedResults, level: str) -> list[str]:
    """What a page comparing the areas of ``level`` says beside them: how they are made, since
    when the level exists as an organisation, and whether its membership is verified."""
    lv = areas.area_levels().get(level)
    if lv is None:
        return [f"Brugerdefineret gruppe, {areas.SUM_NOTE}"]
    notes = []
    start, years = lv.exists_from, pub.years
    if start is not None and years and min(years) < start.year:
        last = min(max(years), start.year - 1)
        notes.append(
            f"{lv.name_da} findes som organisation fra {start.year}; tallene for "
            f"{min(years)}-{last} er {areas.SUM_NOTE}"
        )
    else:
        notes.append(f"Tallene er {areas.SUM_NOTE}")
    if not lv.verified:
        notes.append(f"Sammensætningen er {areas.UNVERIFIED_NOTE}")
    return notes


def trend_series(
    pub: PublishedResults,
    area: AreaInfo,
    indicator: str,
    parent_level: str | None = None,
    measure: Measure | None = None,
) -> pd.DataFrame:
    """``year, area, value, lower, upper`` for the area, its parent on ``parent_level`` (when it
    has one) and Denmark, every year of the release (:meth:`PublishedResults.series`)."""
    places = [(area.level, area.code, area.name)]
    if parent_level is not None:
        parent = pub.parent_code(area.level, area.code, parent_level)
        if parent is not None:
            places.append((parent_level, parent, area_names(pub, parent_level)[parent]))
    places.append(("land", NATIONAL_CODE, DENMARK))
    rows = [
        (f.year, name, f.value, f.lower, f.upper)
        for level, code, name in places
        for f in pub.series(indicator, level, code, measure=measure)
    ]
    frame = pd.DataFrame(rows, columns=["year", "area", "value", "lower", "upper"], dtype=object)
    return frame.astype({"year": int, "value": float, "lower": float, "upper": float})


@dataclass(frozen=True)
class LevelNote:
    """What the downloads and the API say about one level of a release (the notes of
    :func:`level_notes`, as Sammenlign says them beside the level's areas)."""

    level: str
    name: str
    verified: bool
    notes: tuple[str, ...]


def release_level_notes(
    pub: PublishedResults, levels: Sequence[str] | None = None
) -> list[LevelNote]:
    """:func:`level_notes` for every level of the release above the municipality but Denmark
    (or those of ``levels`` the release has), in the registry's order."""
    known = areas.area_levels()
    wanted = [lv for lv, _, _ in level_choices(pub) if levels is None or lv in levels]
    out = []
    for level in wanted:
        lv = known.get(level)
        declared = (pub.meta.get("levels") or {}).get(level)
        group_name = declared.get("name_da") if isinstance(declared, dict) else None
        name = lv.name_da if lv is not None else str(group_name or level)
        verified = lv is None or lv.verified
        out.append(LevelNote(level, name, verified, tuple(level_notes(pub, level))))
    return out
