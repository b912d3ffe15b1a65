"""The director-style pack for an area of any level (issue 14): ``naersund report --omraade
sundhedsraad:2712`` (or ``region2027:1086``), the web's /rapporter/ form alike.

What the KKR's director pack has, with the KKR pack's builders: who the area is (its
municipalities, and what must be said beside its figures: computed as the sum of its
municipalities for the years before it existed, a membership not verified against an official
list), the area's goals where the catalogue attaches a section to it
(:func:`naersund.analysis.area_view.catalogue_sections`, the Områdeoverblik's), the
municipalities compared with the area and Denmark for each indicator (a chart per indicator,
:func:`naersund.reports.figures.members_chart`), the area's development over time
(:func:`naersund.reports.figures.trend_chart`), and Bilag 1 for its municipalities
(:func:`naersund.reports.director.bilag1_of`: the initiatives of the area's own section and of
its municipalities' KKR) when a status round exists. Every number is
:meth:`PublishedResults.figure` (the same as on the Områdeoverblik and in the API).
"""

from __future__ import annotations

from typing import Any

from naersund.analysis import area_view
from naersund.catalogue import Kkr
from naersund.errors import NaersundError
from naersund.refdata import NATIONAL_CODE, areas, region_of
from naersund.reports import common as c
from naersund.reports import director, figures, political
from naersund.reports.model import Area, Column, Level, Pack, ReportInput, Section, Table

#: levels a pack is made for with ``--kommune`` / ``--kkr`` instead
OWN_OPTIONS = {"kommune": "--kommune KODE", "land": "ingen (landet er med i alle pakker)"}


def parse_area(data: ReportInput, spec: str) -> tuple[Area, area_view.AreaInfo]:
    """``level:code`` (``sundhedsraad:2712``) as the pack's area, or a Danish error naming the
    levels or the codes that exist."""
    level, sep, code_text = spec.strip().partition(":")
    known = [lv for lv, _, _ in area_view.level_choices(data.published)]
    if not sep or not code_text.strip().isdigit():
        raise NaersundError(
            f"--omraade '{spec}' skal være NIVEAU:KODE, fx sundhedsraad:2712 "
            f"(niveauer i udgivelsen: {', '.join(known)})"
        )
    if level in OWN_OPTIONS:
        raise NaersundError(f"--omraade {level}: brug {OWN_OPTIONS[level]}")
    if level not in known:
        raise NaersundError(
            f"--omraade: niveauet '{level}' er ikke i udgivelsen (niveauer: {', '.join(known)})"
        )
    info = area_view.area_info(data.published, level, int(code_text))
    if info is None:
        codes = sorted(area_view.area_names(data.published, level))
        raise NaersundError(
            f"--omraade: {level} har intet område {int(code_text)} (koder: "
            f"{', '.join(str(k) for k in codes)})"
        )
    region = data.published.parent_code(level, info.code, "region")
    return Area(level, info.code, info.name, region or 0), info  # type: ignore[arg-type]


def _about(data: ReportInput, info: area_view.AreaInfo) -> Section:
    s = Section(f"Om {info.name}")
    names = area_view.member_names(info)
    s.paragraphs.append(
        f"{info.name} ({info.level_name.lower()}) består af {len(names)} kommuner: "
        f"{', '.join(names)}."
    )
    for note in info.notes:
        if note == areas.UNVERIFIED_NOTE:
            s.paragraphs.append(
                f"Sammensætningen er {note}: den bygger på en sekundær kilde (se docs/areas.md)."
            )
        else:
            s.paragraphs.append(f"{note[0].upper()}{note[1:]}.")
    return s


def _comparison(data: ReportInput, info: area_view.AreaInfo, year: int) -> Section:
    s = Section(f"Sammenligning af kommunerne i {info.name}", page_break=True)
    s.paragraphs.append(
        "Værdier med 95 %-konfidensintervaller; sammenligningen med landet bygger på alders- og "
        "kønsstandardiserede tal, hvor indikatoren standardiseres."
    )
    members = _members(info)
    for n, d in enumerate(c.indicators_in(data)):
        chart = figures.members_chart(data, d, members, year)
        if chart is not None:
            s.blocks.append(chart)
        rows: list[list[Any]] = [
            [name, *c.value_cells(c.figure(data, d.id, "kommune", k, year))]
            for k, name in zip(info.members, area_view.member_names(info), strict=True)
        ]
        rows.append([info.name, *c.value_cells(c.figure(data, d.id, info.level, info.code, year))])
        rows.append(
            ["Hele landet", *c.value_cells(c.figure(data, d.id, "land", NATIONAL_CODE, year))]
        )
        s.blocks.append(
            Table(
                sheet=f"Sammenligning {n + 1}",
                title=f"{c.name_with_status(d)}, {year} ({c.unit_of(d)}, "
                f"{c.measure_text(data, d)}, definition v{data.published.definitions.get(d.id)})",
                columns=c.value_columns("Område"),
                rows=rows,
                highlight_rows={len(rows) - 2},
            )
        )
    return s


def _trend(data: ReportInput, area: Area, info: area_view.AreaInfo, year: int) -> Section:
    s = Section("Udvikling over tid", page_break=True)
    years = [y for y in data.published.years if y <= year]
    for n, d in enumerate(c.indicators_in(data)):
        chart = figures.trend_chart(data, area, d, year)
        if chart is not None:
            s.blocks.append(chart)
        rows: list[list[Any]] = []
        for name, level, code in [
            (info.name, info.level, info.code),
            ("Hele landet", "land", NATIONAL_CODE),
        ]:
            by_year = {f.year: f for f in data.published.series(d.id, level, code, year)}
            rows.append([name, *(by_year[y].value if y in by_year else None for y in years)])
        s.blocks.append(
            Table(
                sheet=f"Udvikling {n + 1}",
                title=f"{c.name_with_status(d)}: {c.unit_of(d)}, {c.measure_text(data, d)}, "
                f"{years[0]}-{years[-1]}",
                columns=[Column("Område"), *(Column(str(y), "number") for y in years)],
                rows=rows,
            )
        )
    return s


def build_area_pack(
    data: ReportInput, level: Level, spec: str, year: int, footnotes: list[str]
) -> Pack:
    """The pack for the area ``spec`` (``level:code``) in ``year``."""
    area, info = parse_area(data, spec)
    if year not in data.published.years:
        years = data.published.years
        raise NaersundError(f"året {year} findes ikke i udgivelsen (år: {years[0]}-{years[-1]})")
    own = area_view.catalogue_sections(data.catalogue, info)
    sections = [
        _about(data, info),
        political.goals_of(data, own, f"{info.name}s"),
        _comparison(data, info, year),
        _trend(data, area, info, year),
        _bilag1(data, info, own),
    ]
    # the area's notes also go to the notes, so that the XLSX (whose front sheet carries the
    # notes, not the sections' paragraphs) says them too
    notes = list(_about(data, info).paragraphs[1:])
    return Pack(level, area, year, data.synthetic, data.release, sections, [*notes, *footnotes])


def _members(info: area_view.AreaInfo) -> list[Area]:
    """The area's municipalities as the packs' areas, by name."""
    regions = region_of()
    return [
        Area("kommune", k, name, regions[k])
        for k, name in zip(info.members, area_view.member_names(info), strict=True)
    ]


def _bilag1(data: ReportInput, info: area_view.AreaInfo, own: list[Kkr]) -> Section:
    """Bilag 1 for the area's municipalities: the initiatives of the area's own sections, then
    of each of its municipalities' KKR (what a round asks them), when a round exists."""
    if data.survey is None:
        s = Section("Bilag 1: Kommunefordelte data (indsatser)", page_break=True)
        s.paragraphs.append(
            f"Der er endnu ingen statusrunde med svar, så der er intet Bilag 1 for {info.name}."
        )
        return s
    members = _members(info)
    parts: list[tuple[Kkr, list[Area]]] = [(k, members) for k in own]
    seen = {(k.level, k.region_code) for k in own}
    for code in sorted({m.region_code for m in members}):
        try:
            kkr = data.catalogue.kkr_by_code(code)
        except KeyError:
            continue
        if (kkr.level, kkr.region_code) not in seen:
            parts.append((kkr, [m for m in members if m.region_code == code]))
    return director.bilag1_of(data, parts)
