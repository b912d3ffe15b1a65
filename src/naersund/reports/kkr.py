"""The KKR pack with a page (or a few) for each of its municipalities: one document for the
KKR's meeting, instead of one file per municipality (``naersund report --kkr CODE
--alle-kommuner``). The KKR's own sections come first; then, per municipality (alphabetical),
what its own pack at the same level shows about it, without repeating the KKR-wide
comparisons."""

from __future__ import annotations

from typing import Any

import pandas as pd

from naersund import charts, refdata
from naersund.analysis.benchmark import MeasureChoice, spine_rows
from naersund.reports import common as c
from naersund.reports import political, professional
from naersund.reports.model import Area, Column, Level, ReportInput, Section, Table


def spine(data: ReportInput, area: Area, year: int) -> charts.Chart | None:
    """The municipality against the range of all municipalities, every indicator (the
    headline measure of each)."""
    rows = []
    for d in c.indicators_in(data):
        sel = data.published.rows(d.id, year)
        own = c.figure(data, d.id, "kommune", area.code, year)
        if not own.present or sel.empty:
            continue
        measure = MeasureChoice(standardised=own.standardised)
        figures = spine_rows(sel, area.code, measure, d.direction)
        unit = f"{c.unit_of(d)}, {own.measure}"
        rows.append({"indicator": d.name_da, "unit": unit, "comparison": own.verdict, **figures})
    if not rows:
        return None
    kkr = refdata.KKR_NAMES[area.region_code]
    return charts.spine_chart(
        pd.DataFrame(rows), area.name, kkr, f"{area.name} sammenlignet med alle kommuner, {year}"
    )


def key_table(data: ReportInput, area: Area, year: int) -> Table:
    """Every indicator: the years' values up to ``year``, the comparison and the target."""
    years = sorted(int(y) for y in data.results["year"].unique() if int(y) <= year)
    rows: list[list[Any]] = []
    for d in c.indicators_in(data):
        by_year = {f.year: f for f in data.published.series(d.id, "kommune", area.code, year)}
        values = [by_year[y].value if y in by_year else None for y in years]
        f = c.figure(data, d.id, "kommune", area.code, year)
        if not f.present:
            compared = "Ingen data"
        elif f.suppressed:
            compared = "Diskretioneret"
        else:
            compared = c.COMPARISON_TEXT.get(f.verdict, "Ikke sammenlignet")
        target = (
            "Intet mål"
            if f.target is None
            else f"{f.target.status.capitalize()} (mål {f.target.target.target_year})"
        )
        rows.append(
            [f"{c.name_with_status(d)}: {c.unit_of(d)}, {f.measure}", *values, compared, target]
        )
    return Table(
        sheet="Nøgletal",
        title=f"{area.title}: nøgletal {years[0]}-{years[-1]}",
        columns=[
            Column("Indikator"),
            *(Column(str(y), "number") for y in years),
            Column(f"Sammenlignet med landet {year}"),
            Column("Mål"),
        ],
        rows=rows,
    )


def municipality_sections(data: ReportInput, level: Level, area: Area, year: int) -> list[Section]:
    if level == "politisk":
        s = Section(area.title, page_break=True, headlines=political.headlines(data, area, year))
        status = political.survey_section(data, area)
        s.blocks += status.blocks
        sections = [s]
    elif level == "direktoer":
        s = Section(area.title, page_break=True)
        chart = spine(data, area, year)
        if chart is not None:
            s.blocks.append(chart)
        s.blocks.append(key_table(data, area, year))
        s.blocks += political.survey_section(data, area).blocks
        sections = [s]
    else:
        details = professional.details_section(data, area, year)
        details.title = f"{area.title}: detaljerede tal"
        details.page_break = True
        drill = professional.drilldown_section(data, area, year)
        drill.title = f"{area.title}: opdeling"
        drill.page_break = False
        sections = [details, drill]
    for s in sections:
        for t in s.tables:
            t.sheet = f"{area.name} {t.sheet}"
    return sections
