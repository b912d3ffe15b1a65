"""Virker indsatserne? in the director and professional packs: for the KKR's initiatives and
the indicators the catalogue links to them, the overall effect in the page's words
(:func:`naersund.analysis.effects.describe`, through ``Estimated.sentence``), the groups'
sizes, the pre-trend test, the event-study chart (the page's builder,
:func:`naersund.charts.effects.effect_chart`) and, where the data cannot carry an estimate,
the note. The estimates are the release's stored ones for the pack's round
(``ReportInput.effects``), so the pack, the page and the API show the same numbers."""

from __future__ import annotations

import math
from typing import Any

from naersund import fmt, refdata
from naersund.analysis.effects import INTERVAL_DA, Effect
from naersund.analysis.initiative_effects import Estimated
from naersund.charts.effects import effect_chart
from naersund.reports.model import Area, Column, ReportInput, Section, Table

TITLE = "Virker indsatserne?"
METHOD = (
    "Kommuner, der startede en indsats i forskellige år, er sammenlignet med kommuner, der "
    "endnu ikke havde startet den (Callaway & Sant'Anna 2021: gruppe-tid-effekter samlet pr. "
    "startårgang og pr. år fra start; rater vægtet med befolkningen). "
    + INTERVAL_DA
    + " Skønnene bygger på alle kommuner, der har svaret i runden."
)
CAVEAT = (
    "Forbehold: kommunerne har selv valgt, hvornår de startede. En forskel kan derfor også "
    "skyldes det, der fik dem til at starte, eller andre indsatser, som de samme kommuner "
    "startede på samme tid. Tallene viser en sammenhæng, ikke et bevis for, at indsatsen virker."
)


def pretrend_text(effect: Effect) -> str:
    """The pre-trend test in words (the page's p-value and its warning)."""
    p = fmt.number(effect.pretrend_p, 2)
    if math.isnan(effect.pretrend_p):
        return "Test af forskel før start: ingen år før starten at teste på."
    if effect.pretrend_p < 0.05:
        return (
            f"Test af forskel før start: p = {p}. Kommunerne udviklede sig forskelligt allerede "
            "før starten; læs effekten med forsigtighed."
        )
    return f"Test af forskel før start: p = {p} (ingen tydelig forskel før starten)."


def groups_text(effect: Effect) -> str:
    """How many municipalities each group has, and how many were not used."""
    years = f" i {effect.years[0]}–{effect.years[1]}" if effect.years else ""
    return (
        f"{effect.n_started} kommuner startede{years}, {effect.n_not_started} har ikke startet; "
        f"ikke brugt: {effect.n_left_out} startede før første år med data, "
        f"{effect.n_incomplete} har ikke tal i alle år."
    )


def kkr_estimates(data: ReportInput, area: Area) -> list[Estimated]:
    """The stored estimates of the area's KKR's initiatives, in the catalogue's order."""
    if data.effects is None:
        return []
    try:
        kkr = data.catalogue.kkr_by_code(area.region_code)
    except KeyError:
        return []
    ours = {i.id for g in kkr.goals for i in g.initiatives}
    return [e for e in data.effects.estimated if e.initiative.id in ours]


def _pct(x: float) -> float | None:
    return None if math.isnan(x) else x * 100


def _num(x: float) -> float | None:
    return None if math.isnan(x) else x


def _overview(area: Area, found: list[Estimated]) -> Table:
    rows: list[list[Any]] = []
    for e in found:
        f = e.effect
        rows.append(
            [
                e.initiative.title_da,
                e.indicator_name,
                _num(f.estimate),
                _num(f.lower_ci),
                _num(f.upper_ci),
                _pct(f.relative_estimate),
                _pct(f.relative_lower_ci),
                _pct(f.relative_upper_ci),
                f.n_started,
                f.n_not_started,
                _num(f.pretrend_p),
                f.note or "–",
            ]
        )
    return Table(
        sheet="Effekter",
        title=f"Effekten af indsatserne i {refdata.KKR_NAMES[area.region_code]}",
        columns=[
            Column("Indsats"),
            Column("Indikator"),
            Column("Effekt (indikatorens enhed)", "number", 2),
            Column("Nedre grænse", "number", 2),
            Column("Øvre grænse", "number", 2),
            Column("Effekt", "percent", 0),
            Column("Nedre grænse (%)", "percent", 0),
            Column("Øvre grænse (%)", "percent", 0),
            Column("Startede", "integer"),
            Column("Ikke startet", "integer"),
            Column("Test før start (p)", "number", 2),
            Column("Note"),
        ],
        rows=rows,
        notes=[
            "Effekt = forskellen efter starten mellem kommuner, der indførte indsatsen, og det "
            "forventede ud fra kommuner, der endnu ikke havde, med 95 %-interval; i procent af "
            "det forventede niveau. Note: hvorfor der ikke er et skøn.",
            CAVEAT,
        ],
        landscape=True,
    )


def effects_sections(data: ReportInput, area: Area, detailed: bool = False) -> list[Section]:
    """An overview section and one section per initiative x indicator with an estimate (its
    sentence, groups, pre-trend test and event-study chart; ``detailed``, the professional
    pack: also the chart's numbers as a table)."""
    s = Section(TITLE, page_break=True, landscape=True)
    if data.effects is None:
        s.page_break = False
        s.landscape = False
        s.paragraphs.append(
            "Der er ingen statusrunde med startår, så effekten af indsatserne kan ikke "
            "beregnes endnu."
        )
        return [s]
    found = kkr_estimates(data, area)
    s.paragraphs.append(
        f"Effekten af indsatserne på de indikatorer, målkataloget knytter dem til. Udgivelse "
        f"{data.release}; startår fra statusrunden {data.effects.round}."
    )
    s.paragraphs.append(METHOD)
    s.paragraphs.append(CAVEAT)
    if not found:
        s.page_break = s.landscape = False
        s.paragraphs.append("KKR'ens indsatser har ingen indikatorer i målkataloget.")
        return [s]
    s.blocks.append(_overview(area, found))
    without = [e.sentence for e in found if not e.effect.has_estimate]
    if without:
        s.lists.append(("Hvor data ikke kan bære et skøn:", without))
    sections = [s]
    for e in found:
        if not e.effect.has_estimate:
            continue
        part = Section(f"{e.initiative.title_da}: {e.indicator_name}")
        part.paragraphs += [e.sentence, groups_text(e.effect), pretrend_text(e.effect)]
        chart = effect_chart(e, data.definition(e.indicator).unit_da)
        part.blocks.append(chart)
        if detailed:
            part.blocks.append(
                Table(
                    sheet=f"Forløb {e.initiative.id}"[:24] + f" {len(sections)}",
                    title=f"{chart.title}: forskel år for år fra start",
                    columns=[
                        Column("År fra start", "integer"),
                        Column("Forskel", "number", 2),
                        Column("Nedre grænse", "number", 2),
                        Column("Øvre grænse", "number", 2),
                    ],
                    rows=[
                        [p.event_time, _num(p.estimate), _num(p.lower_ci), _num(p.upper_ci)]
                        for p in e.effect.event_study
                    ],
                )
            )
        sections.append(part)
    return sections
