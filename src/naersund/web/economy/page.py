"""The page "Økonomi" as a plain context object: the chosen year, kind (budget/regnskab) and
area, the seeds' sentences, tables for Denmark, the KKR and the municipalities, the chart and the
provenance. Every number comes from :func:`naersund.web.economy.reader.economy_figures`."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from naersund.charts.economy import spending_chart
from naersund.economy.figures import EconomyFigure, EconomyFigures
from naersund.economy.tables import COLUMNS, row_values, spending_series
from naersund.refdata import KKR_NAMES, municipalities
from naersund.web.dashboard.present import ChartView, cell, chart_view
from naersund.web.economy.reader import available_kinds, economy_figures

KIND_LABELS = {"budget": "Budget (BUDK32)", "regnskab": "Regnskab (REGK31)"}


@dataclass
class TableView:
    title: str
    headers: list[str]
    rows: list[list[str]]
    highlight: int | None = None  # index of the row of the chosen area


@dataclass
class EconomyPage:
    kind: str
    kinds: list[tuple[str, str]]
    year: int | None = None
    years: list[int] = field(default_factory=list)
    area_name: str = ""
    kommunekode: int | None = None
    region_code: int | None = None
    sentences: list[str] = field(default_factory=list)
    tables: list[TableView] = field(default_factory=list)
    chart: ChartView | None = None
    provenance: str = ""
    synthetic: bool = False
    municipality_choices: list[tuple[int, str]] = field(default_factory=list)
    empty: bool = True


def _table(title: str, figures: list[EconomyFigure], highlight: int | None = None) -> TableView:
    rows = []
    for f in figures:
        values = row_values(f)
        rows.append(
            [
                cell(v, d) if d is not None else str(v)
                for v, (_h, d) in zip(values, COLUMNS, strict=True)
            ]
        )
    return TableView(title, [h for h, _ in COLUMNS], rows, highlight)


def economy_page(kind: str, year: int | None, kommunekode: int | None) -> EconomyPage:
    """The page's context; ``year`` None is the last year, ``kommunekode`` None is Denmark."""
    kinds = available_kinds()
    page = EconomyPage(kind=kind, kinds=[(k, KIND_LABELS[k]) for k in kinds])
    figures: EconomyFigures | None = economy_figures(kind) if kind in kinds else None
    if figures is None:
        return page
    m = municipalities()
    page.municipality_choices = sorted(
        zip(m["kommunekode"].astype(int).tolist(), m["name"].tolist(), strict=True),
        key=lambda x: x[1],
    )
    page.empty = False
    page.years = figures.years
    page.year = year if year in figures.years else figures.years[-1]
    y = page.year
    page.synthetic = figures.provenance.synthetic
    page.provenance = figures.provenance.line(y)
    region = None
    if kommunekode is not None:
        region = int(m.loc[m["kommunekode"] == kommunekode, "region_code"].iloc[0])
    page.kommunekode, page.region_code = kommunekode, region
    areas: list[tuple[str, int]] = [("land", 0)]
    if region is not None and kommunekode is not None:
        areas = [("kommune", kommunekode), ("kkr", region), ("land", 0)]
    for level, code in areas:
        text = figures.sentence(level, code, y)  # type: ignore[arg-type]
        if text:
            page.sentences.append(text)
    chosen = [figures.figure(level, code, y) for level, code in areas]  # type: ignore[arg-type]
    page.area_name = chosen[0].name if chosen[0] else "Hele landet"
    page.tables.append(_table(f"{page.area_name}, {KKR_NAMES.get(region or 0, 'KKR')} og Danmark {y}"
                              if region else f"Danmark {y}", [f for f in chosen if f]))  # fmt: skip
    kkrs = [figures.figure("kkr", code, y) for code in sorted(KKR_NAMES)]
    page.tables.append(_table(f"De fem KKR {y}", [f for f in kkrs if f]))
    munis = [f for code in sorted(KKR_NAMES) for f in figures.municipalities_of(code, y)]
    munis.sort(key=lambda f: f.name)
    chosen_row = next((i for i, f in enumerate(munis) if f.code == kommunekode), None)
    page.tables.append(_table(f"Kommunerne {y}", munis, chosen_row))
    series = spending_series(figures, kommunekode, region)
    title = f"Sundhedsudgifter ekskl. KMF pr. indbygger ({KIND_LABELS[kind].split()[0].lower()})"
    query = f"?tal={kind}" + (f"&kommune={kommunekode}" if kommunekode else "")
    page.chart = chart_view(
        "oekonomi", spending_chart(series, title), reverse("economy:chart_csv") + query
    )
    return page


def chart_csv(kind: str, kommunekode: int | None) -> str | None:
    """The chart's numbers as CSV (the page's "Hent tallene som CSV")."""
    figures = economy_figures(kind) if kind in available_kinds() else None
    if figures is None:
        return None
    region = None
    if kommunekode is not None:
        m = municipalities()
        region = int(m.loc[m["kommunekode"] == kommunekode, "region_code"].iloc[0])
    return spending_chart(spending_series(figures, kommunekode, region), "Økonomi").csv()
