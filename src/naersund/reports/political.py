"""Politisk niveau: the goals, headline indicators with traffic lights and one sentence each,
and the survey status of the skal-initiatives (2-4 pages)."""

from __future__ import annotations

import math
from typing import Any

from naersund.analysis.published import Figure
from naersund.catalogue import Initiative, Kkr
from naersund.indicators.model import IndicatorDefinition
from naersund.reports import common as c
from naersund.reports import economy, figures
from naersund.reports.model import Area, Column, Headline, ReportInput, Section, Table
from naersund.reports.narrative import (
    Observation,
    TargetStatus,
    indicator_sentence,
    traffic_light,
)
from naersund.survey.aggregate import (
    NO_ANSWER,
    NO_ANSWER_LABEL,
    RoundAnswers,
    kkr_area,
    sentence,
    status_counts,
)
from naersund.survey.aggregate import Area as SurveyArea
from naersund.survey.questions import STATUS_LABELS, STATUS_VALUES


def goals_section(data: ReportInput, area: Area) -> Section:
    try:
        kkr = data.catalogue.kkr_by_code(area.region_code)
    except KeyError:
        kkr = None
    return goals_of(data, [kkr] if kkr is not None else [], "KKR'ens")


def goals_of(data: ReportInput, sections: list[Kkr], whose: str) -> Section:
    """ "Målene": the goals of the catalogue sections (a KKR's, a sundhedsråd's), or that
    ``whose`` ("KKR'ens") own goals are not registered yet; then the national goals."""
    s = Section("Målene")
    for kkr in sections:
        if kkr.goals:
            s.lists.append(
                (
                    f"{kkr.name_da} har vedtaget disse politiske mål:",
                    [
                        f"Mål {g.number}: {g.title_da}" if g.number else g.title_da
                        for g in kkr.goals
                    ],
                )
            )
    if not s.lists:
        s.paragraphs.append(
            f"{whose} egne mål er endnu ikke registreret i målkataloget; rapporten følger de "
            "fælles nationale mål."
        )
    s.lists.append(
        (
            "De nationale mål (økonomiaftalen for 2014), som indikatorerne følger:",
            [n.title_da for n in data.catalogue.national_goals],
        )
    )
    return s


def target_text(f: Figure) -> str:
    if f.target is None:
        return "Intet mål fastsat"
    return f"{f.target.status.capitalize()} (mål {f.target.target.target_year})"


def target_status(f: Figure) -> TargetStatus | None:
    t = f.target
    if t is None:
        return None
    return TargetStatus(
        target_year=t.target.target_year,
        target_value=math.nan if t.target_value is None else t.target_value,
        status=t.status,
        scope=t.scope,
    )


def headlines(
    data: ReportInput,
    area: Area,
    year: int,
    order: list[IndicatorDefinition] | None = None,
) -> list[Headline]:
    """A headline per indicator, in ``order`` (default: the area's KKR's central indicators
    first, :func:`common.central_first`; an area of another level passes its own order)."""
    out = []
    min_count = int(data.meta.get("suppression_min_count", 5))
    for d in c.central_first(data, area.region_code) if order is None else order:
        f = c.figure(data, d.id, area.level, area.code, year)
        obs = Observation(f.value, f.verdict, f.suppressed, f.measure) if f.present else None
        colour, light_text = traffic_light(f.verdict if f.present else "", f.suppressed)
        text = indicator_sentence(area.name, d, year, obs, target_status(f), min_count)
        if f.too_few_to_standardise:
            text = (
                f"{area.name} havde under 10 tilfælde af {d.name_da.lower()} i {year}, for få "
                "til et aldersstandardiseret tal; kommunen sammenlignes derfor ikke med landet."
            )
        out.append(
            Headline(
                indicator=d.id,
                name=c.name_with_status(d),
                unit=c.unit_of(d),
                value=f.value,
                lower_ci=f.lower,
                upper_ci=f.upper,
                national=f.denmark,
                measure=f.measure,
                comparison=f.verdict,
                light=colour,
                light_text=light_text,
                target_text=target_text(f),
                sentence=text,
                suppressed=f.suppressed,
                provenance=f.provenance_da,
            )
        )
    return out


def headline_table(items: list[Headline], year: int) -> Table:
    rows: list[list[Any]] = [
        [
            h.name,
            h.unit,
            h.measure,
            h.value,
            h.lower_ci,
            h.upper_ci,
            h.national,
            h.light_text,
            h.target_text,
        ]
        for h in items
    ]
    return Table(
        sheet="Nøgletal",
        title=f"Nøgletal {year}",
        columns=[
            Column("Indikator"),
            Column("Enhed"),
            Column("Opgørelse"),
            Column("Værdi", "number"),
            Column("Nedre 95 %", "number"),
            Column("Øvre 95 %", "number"),
            Column("Hele landet", "number"),
            Column("Sammenlignet med landet"),
            Column("Målstatus"),
        ],
        rows=rows,
        notes=[
            "Værdi, interval, hele landet og sammenligningen er det samme tal: "
            "aldersstandardiseret (alder og køn), hvor indikatoren standardiseres, ellers rå "
            "(se kolonnen med opgørelsen). Sammenligningen med landet bygger på overlap af 95 %-intervallerne.",
        ],
    )


def survey_section(data: ReportInput, area: Area) -> Section:
    try:
        kkr = data.catalogue.kkr_by_code(area.region_code)
    except KeyError:
        return Section("Skal-indsatser", paragraphs=["KKR'en har ingen indsatser i målkataloget."])
    initiatives, are_skal = c.skal_initiatives(kkr)
    s = Section("Skal-indsatser" if are_skal else "Indsatser")
    if data.survey is None:
        s.paragraphs.append(
            "Der er endnu ingen statusrunde med svar; status vises som ikke besvaret."
        )
    if not are_skal:
        s.paragraphs.append(
            f"Målkataloget skelner ikke mellem skal- og kan-indsatser for {kkr.name_da}; "
            "alle indsatser vises."
        )
    if area.level == "kommune" and not c.may_show_answers(data, area.code):
        s.paragraphs.append(
            f"{area.title}s egne svar vises kun for kommunen selv, dens KKR-sekretariat og "
            "nationale administratorer, og for alle, når statusrunden er offentliggjort. "
            "Udbredelsen i KKR'en:"
        )
        s.blocks.append(coverage_table(data, area.region_code, initiatives))
    elif area.level == "kommune":
        rows: list[list[Any]] = [
            [
                c.name_of(i),
                str(i.deadline_year or "") or None,
                c.survey_status(data, area.code, i.id),
            ]
            for i in initiatives
        ]
        s.blocks.append(
            Table(
                sheet="Indsatser",
                title=f"Status for {area.title}{c.round_text(data)}",
                columns=[Column("Indsats"), Column("Frist (år)"), Column("Status")],
                rows=rows,
            )
        )
    elif data.survey is not None:
        # For the council, in the papers' own words: "25 ud af 29 kommuner i KKR Hovedstaden
        # har indført opfølgende hjemmebesøg." (the director's pack has the table).
        region = kkr_area(area.region_code)
        s.lists.append(
            (
                f"Sådan står det til i {region.name_da}{c.round_text(data)}:",
                implemented_sentences(data.survey, initiatives, region),
            )
        )
    return s


def implemented_sentences(
    survey: RoundAnswers, initiatives: list[Initiative], area: SurveyArea
) -> list[str]:
    """One council sentence per initiative on how many of ``area``'s municipalities have
    implemented it ("25 ud af 29 kommuner i KKR Hovedstaden har indført ...")."""
    return [
        sentence(
            status_counts(survey, i.id, area).share("implementeret"),
            "implementeret",
            i,
            area,
            count_form=True,
        )
        for i in initiatives
    ]


def parts_survey_section(
    data: ReportInput, parts: list[tuple[Kkr, list[Area]]], area_name: str, area_code: int
) -> Section:
    """The survey coverage for an area of any level (a sundhedsråd, a 2027 region), in the
    council's words as for a KKR ("3 ud af 9 kommuner i Sundhedsråd ... har indført ..."):
    for each catalogue section the area follows (``parts``: its own section with all its
    municipalities, its municipalities' KKR with those in each), that section's
    skal-initiatives counted among those municipalities. Counts only, never a municipality's
    own answer (as the KKR's political pack)."""
    s = Section("Indsatser")
    every = {m.code for _, members in parts for m in members}
    for kkr, _ in parts:
        if not c.skal_initiatives(kkr)[0]:
            s.paragraphs.append(f"{kkr.name_da} har ingen indsatser i målkataloget.")
    parts = [(kkr, members) for kkr, members in parts if c.skal_initiatives(kkr)[0]]
    if not parts:
        s.paragraphs.append(
            f"Målkataloget har ingen indsatser for {area_name} eller kommunernes KKR."
        )
        return s
    if data.survey is None:
        s.paragraphs.append(
            "Der er endnu ingen statusrunde med svar; indsatserne står nedenfor uden status."
        )
    for kkr, members in parts:
        initiatives, are_skal = c.skal_initiatives(kkr)
        kind = "skal-indsatser" if are_skal else "indsatser"
        codes = frozenset(m.code for m in members)
        name = area_name if codes == every else f"{area_name}s del af {kkr.name_da}"
        if data.survey is None:
            s.lists.append((f"{kkr.name_da}s {kind}:", [c.name_of(i) for i in initiatives]))
            continue
        group = SurveyArea(area_code, name, codes)
        s.lists.append(
            (
                f"{kkr.name_da}s {kind}"
                + ("" if kkr.name_da == name else f" i {name}")
                + f" ({len(codes)} kommuner){c.round_text(data)}:",
                implemented_sentences(data.survey, initiatives, group),
            )
        )
    return s


def coverage_table(data: ReportInput, region_code: int, initiatives: list[Initiative]) -> Table:
    """Per initiative, how many of the KKR's municipalities that have submitted are at each
    status, and the share that has implemented it (whole percent, as KL's papers round)."""
    region = kkr_area(region_code)
    rows: list[list[Any]] = []
    for i in initiatives:
        if data.survey is None:
            rows.append([c.name_of(i), *([None] * 5), 0, None])
            continue
        counts = status_counts(data.survey, i.id, region)
        rows.append(
            [
                c.name_of(i),
                *(counts.counts.get(v, 0) for v in reversed(STATUS_VALUES)),
                counts.counts.get(NO_ANSWER, 0),
                counts.total,
                counts.share("implementeret").pct,
            ]
        )
    return Table(
        sheet="Indsatsdækning",
        title=f"Indsatsernes udbredelse i {region.name_da}{c.round_text(data)}",
        columns=[
            Column("Indsats"),
            *(Column(STATUS_LABELS[v], "integer") for v in reversed(STATUS_VALUES)),
            Column(NO_ANSWER_LABEL, "integer"),
            Column("Med svar", "integer"),
            Column("Andel impl.", "percent", 0),
        ],
        rows=rows,
        notes=[
            f"Antal kommuner pr. status blandt de {len(region.members)} kommuner i "
            f"{region.name_da}, der har indsendt svar (kolonnen med svar); andelen "
            "implementeret er andelen af dem, der har implementeret indsatsen."
        ],
    )


def build(data: ReportInput, area: Area, year: int) -> list[Section]:
    items = headlines(data, area, year)
    key = Section(f"Nøgletal {year}", headlines=items)
    central = c.central_ids(data, area.region_code)
    if central:
        kkr = data.catalogue.kkr_by_code(area.region_code)
        key.paragraphs.append(
            f"{kkr.name_da}s {len(central)} centrale indikatorer står først, i den rækkefølge "
            "KKR'en har valgt dem i målkataloget; de øvrige indikatorer følger efter."
        )
    key.blocks.append(headline_table(items, year))
    trend = Section("Udviklingen", small_charts=True)
    trend.blocks += figures.trend_charts(data, area, year)
    money = economy.political_section(data, area, year)
    return [
        goals_section(data, area),
        key,
        trend,
        *([money] if money else []),
        survey_section(data, area),
    ]
