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

The political and the professional pack for such an area (``--level politisk|fagligt``) follow
the same catalogue sections (:func:`sections_of`): the area's own section where the catalogue
attaches one, and the KKR of its municipalities (each for the municipalities in it), and say
which. Central indicators lead where the area's own section chose them, else where all its
municipalities lie in one KKR that chose them (the pack says it uses that KKR's); otherwise the
indicators stand in the definitions' order, and the pack says so. The professional pack's
breakdowns (diagnosis group, age band, sex, month) are suppressed per municipality and cannot be
summed to the area without revealing hidden cells: the pack says so and points to the
municipalities' packs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from naersund.analysis import area_view
from naersund.catalogue import Kkr
from naersund.errors import NaersundError
from naersund.indicators.model import IndicatorDefinition
from naersund.refdata import NATIONAL_CODE, areas, region_of
from naersund.reports import common as c
from naersund.reports import director, figures, loop, political, professional
from naersund.reports.effects import effects_sections
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


@dataclass(frozen=True)
class AreaSections:
    """The catalogue sections an area's packs follow: ``own``, those attached to the area
    (:func:`area_view.catalogue_sections`); ``parts``, each section with the municipalities it
    is followed for (the own sections with all of them, then each municipality's KKR with the
    area's municipalities in it)."""

    own: list[Kkr]
    parts: list[tuple[Kkr, list[Area]]]


def sections_of(data: ReportInput, info: area_view.AreaInfo) -> AreaSections:
    own = area_view.catalogue_sections(data.catalogue, info)
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
    return AreaSections(own, parts)


def central_of(
    data: ReportInput, info: area_view.AreaInfo, sections: AreaSections
) -> tuple[list[IndicatorDefinition], str]:
    """The area's indicators in the order its packs show them, and the sentence that says
    whose central indicators lead (or that none do)."""
    present = c.indicators_in(data)
    chosen = next((k for k in sections.own if k.central_indicators), None)
    borrowed = False
    kkrs = [(k, m) for k, m in sections.parts if k not in sections.own]
    if chosen is None and len(kkrs) == 1 and len(kkrs[0][1]) == len(info.members):
        chosen, borrowed = kkrs[0][0] if kkrs[0][0].central_indicators else None, True
    by_id = {d.id: d for d in present}
    central = [] if chosen is None else [i for i in chosen.central_indicators if i in by_id]
    if chosen is None or not central:
        return present, (
            f"{info.name} har ingen centrale indikatorer i målkataloget"
            + (", og dens kommuner hører til flere KKR" if len(kkrs) > 1 else "")
            + "; indikatorerne står i definitionernes rækkefølge."
        )
    text = (
        f"{chosen.name_da}s {len(central)} centrale indikatorer står først, i den rækkefølge "
        f"{chosen.name_da} har valgt dem i målkataloget; de øvrige indikatorer følger efter."
    )
    if borrowed:
        text += (
            f" {info.name} har ikke selv valgt centrale indikatorer; alle dens kommuner hører "
            f"til {chosen.name_da}."
        )
    return [by_id[i] for i in central] + [d for d in present if d.id not in central], text


def _followed(info: area_view.AreaInfo, sections: AreaSections) -> str:
    """Which catalogue sections the pack follows, in a sentence."""
    if not sections.parts:
        return (
            f"Målkataloget har intet afsnit for {info.name} eller kommunernes KKR; rapporten "
            "følger de fælles nationale mål."
        )
    names = [
        k.name_da if k in sections.own else f"{k.name_da} ({len(m)} af kommunerne)"
        for k, m in sections.parts
    ]
    whose = "områdets eget afsnit" if sections.own else "kommunernes KKR"
    return (
        f"Mål og indsatser følger målkatalogets afsnit for {', '.join(names)} ({whose}"
        + (
            " og kommunernes KKR"
            if sections.own and len(sections.parts) > len(sections.own)
            else ""
        )
        + ")."
    )


def _political(
    data: ReportInput, area: Area, info: area_view.AreaInfo, sections: AreaSections, year: int
) -> list[Section]:
    """The political pack's content for the area: its goals, its headlines with targets (in
    :func:`central_of`'s order), its development, the survey coverage among its
    municipalities."""
    order, central_text = central_of(data, info, sections)
    items = political.headlines(data, area, year, order)
    key = Section(f"Nøgletal {year}", headlines=items)
    key.paragraphs.append(central_text)
    if data.economy is not None:
        key.paragraphs.append(
            "Økonomien (sundhedsudgifterne) vises i kommunernes og KKR's rapporter, ikke for "
            f"{info.name}."
        )
    key.blocks.append(political.headline_table(items, year))
    trend = Section("Udviklingen", small_charts=True)
    trend.blocks += [ch for d in order if (ch := figures.trend_chart(data, area, d, year))]
    goals = political.goals_of(data, sections.own, f"{info.name}s")
    goals.paragraphs.append(_followed(info, sections))
    survey = political.parts_survey_section(data, sections.parts, info.name, info.code)
    return [_about(data, info), goals, key, trend, survey]


def _professional(
    data: ReportInput, area: Area, info: area_view.AreaInfo, sections: AreaSections, year: int
) -> list[Section]:
    """The professional pack's content for the area: its figures year by year, its
    municipalities' smoothed values, the breakdowns' note, the effects of the initiatives it
    follows (where it follows one section), definitions and data quality."""
    smoothed = loop.smoothed_section(data, area, year, _members(info))
    drill = Section("Opdeling")
    drill.paragraphs.append(
        "Opdelingen på diagnosegruppe, aldersgruppe, køn og måned findes kun pr. kommune: den "
        "diskretioneres for hver kommune for sig, og de skjulte celler kan ikke lægges sammen "
        f"til et tal for {info.name} uden at afsløre dem. Den står i kommunernes faglige "
        "rapporter (naersund report --kommune KODE --level fagligt)."
    )
    if len(sections.parts) == 1:
        kkr = sections.parts[0][0]
        # the effects are the section's initiatives' (effects.kkr_estimates reads them by code)
        effects = effects_sections(
            data, Area("region", kkr.region_code, kkr.name_da, kkr.region_code), detailed=True
        )
    else:
        effects = [
            Section(
                "Effekt af indsatserne",
                paragraphs=[
                    f"{info.name} følger "
                    + (
                        "flere afsnit af målkataloget"
                        if sections.parts
                        else "intet afsnit af målkataloget"
                    )
                    + "; effekten af indsatserne står i KKR'ernes faglige rapporter "
                    "(naersund report --kkr KODE --level fagligt)."
                ],
            )
        ]
    by_source = professional.source_quality_section(data)
    return [
        _about(data, info),
        professional.details_section(data, area, year),
        *([smoothed] if smoothed is not None else []),
        drill,
        *effects,
        professional.definitions_section(data),
        professional.quality_section(data, area, year),
        *([by_source] if by_source is not None else []),
    ]


def build_area_pack(
    data: ReportInput, level: Level, spec: str, year: int, footnotes: list[str]
) -> Pack:
    """The pack at ``level`` for the area ``spec`` (``level:code``) in ``year``."""
    area, info = parse_area(data, spec)
    if year not in data.published.years:
        years = data.published.years
        raise NaersundError(f"året {year} findes ikke i udgivelsen (år: {years[0]}-{years[-1]})")
    sections_followed = sections_of(data, info)
    if level == "politisk":
        sections = _political(data, area, info, sections_followed, year)
    elif level == "fagligt":
        sections = _professional(data, area, info, sections_followed, year)
    else:
        sections = [
            _about(data, info),
            political.goals_of(data, sections_followed.own, f"{info.name}s"),
            _comparison(data, info, year),
            _trend(data, area, info, year),
            _bilag1(data, info, sections_followed),
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


def _bilag1(data: ReportInput, info: area_view.AreaInfo, sections: AreaSections) -> Section:
    """Bilag 1 for the area's municipalities: the initiatives of the area's own sections, then
    of each of its municipalities' KKR (what a round asks them), when a round exists."""
    if data.survey is None:
        s = Section("Bilag 1: Kommunefordelte data (indsatser)", page_break=True)
        s.paragraphs.append(
            f"Der er endnu ingen statusrunde med svar, så der er intet Bilag 1 for {info.name}."
        )
        return s
    return director.bilag1_of(data, sections.parts)
