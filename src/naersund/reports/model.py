"""What a report pack is made of: the input (a published release, the catalogue, survey
status) and the assembled pack (sections of sentences, tables and charts) that the renderers
turn into HTML, PDF or XLSX.

The input holds only published numbers: results that have passed small-number suppression
(``suppressed`` rows carry no counts or values) and, for the professional level, drill-down
tables suppressed the same way (:mod:`naersund.reports.drilldown`). Nothing here sees a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from naersund.catalogue import Catalogue
from naersund.indicators.model import IndicatorDefinition

Level = Literal["politisk", "direktoer", "fagligt"]
LEVELS: tuple[Level, ...] = ("politisk", "direktoer", "fagligt")
LEVEL_NAMES: dict[str, str] = {
    "politisk": "Politisk niveau",
    "direktoer": "Direktørniveau",
    "fagligt": "Fagligt niveau",
}
AreaLevel = Literal["kommune", "region"]

# Survey statuses that count as "in place" for coverage. The survey's own labels are passed
# through as they are; ``in_place`` in the survey frame decides coverage.
SURVEY_COLUMNS = ("kommunekode", "initiative_id", "status", "in_place")
DRILLDOWN_COLUMNS = (
    "indicator",
    "kommunekode",
    "year",
    "dimension",
    "category",
    "sort",
    "numerator",
    "denominator",
    "value",
    "suppressed",
)


@dataclass(frozen=True)
class Area:
    """A municipality (``kommune``, by kommunekode) or a KKR (``region``, by region code)."""

    level: AreaLevel
    code: int
    name: str
    region_code: int

    @property
    def title(self) -> str:
        return f"{self.name} Kommune" if self.level == "kommune" else self.name


@dataclass(frozen=True)
class ReportInput:
    """Everything a pack is built from.

    ``results``: the release's rows (``naersund.engine.results.RESULT_COLUMNS``, optionally
    ``note``) for every level, area and year. ``meta``: the release's metadata as written by
    ``naersund compute`` (``synthetic``, ``population_estimated_years``, ``indicator_notes``,
    ``suppression_min_count``, ``data_cut``, ``code_version``, ``definitions`` ...).
    ``survey``: one row per municipality × initiative with ``SURVEY_COLUMNS`` (``status`` is
    the Danish label shown, ``in_place`` True/False/None), or None when there is no round.
    ``drilldown``: suppressed drill-down rows (``DRILLDOWN_COLUMNS``) or None.
    """

    results: pd.DataFrame
    meta: dict[str, Any]
    definitions: list[IndicatorDefinition]
    catalogue: Catalogue
    release: str = ""
    survey: pd.DataFrame | None = None
    survey_round: str | None = None
    drilldown: pd.DataFrame | None = None
    rejected_rows: int | None = None

    @property
    def synthetic(self) -> bool:
        return bool(self.meta.get("synthetic"))

    def definition(self, indicator: str) -> IndicatorDefinition:
        for d in self.definitions:
            if d.id == indicator:
                return d
        raise KeyError(indicator)


CellKind = Literal["text", "number", "integer", "percent"]


@dataclass(frozen=True)
class Column:
    label: str
    kind: CellKind = "text"
    decimals: int = 1


@dataclass
class Table:
    """A table as numbers: the renderers format for print and keep numbers in XLSX.
    ``None`` is an empty cell (suppressed or missing)."""

    sheet: str  # XLSX sheet name (<= 31 characters, unique within a pack)
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)
    highlight_rows: set[int] = field(default_factory=set)
    landscape: bool = False


@dataclass
class Chart:
    """A Vega-Lite spec with a Danish text alternative; rendered to SVG for print."""

    title: str
    spec: dict[str, Any]
    description: str


@dataclass
class Headline:
    """One headline indicator on the political page."""

    indicator: str
    name: str
    unit: str
    value: float | None
    lower_ci: float | None
    upper_ci: float | None
    national: float | None
    comparison: str  # better / similar / worse / not_compared
    light: str  # green / yellow / red / grey
    light_text: str
    target_text: str
    sentence: str
    suppressed: bool


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    lists: list[tuple[str, list[str]]] = field(default_factory=list)  # (lead-in, items)
    headlines: list[Headline] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    page_break: bool = False


@dataclass
class Pack:
    level: Level
    area: Area
    year: int
    synthetic: bool
    release: str
    sections: list[Section]
    footnotes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{LEVEL_NAMES[self.level]} · {self.area.title} · {self.year}"

    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]
