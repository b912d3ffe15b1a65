"""What a report pack is made of: the input (a published release, the catalogue, survey
status) and the assembled pack (sections of sentences, tables and charts) that the renderers
turn into HTML, PDF or XLSX.

The input holds only published numbers: results that have passed small-number suppression
(``suppressed`` rows carry no counts or values) and, for the professional level, drill-down
tables suppressed the same way (:mod:`naersund.reports.drilldown`). Nothing here sees a person.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from naersund.analysis.breakdowns import BREAKDOWN_COLUMNS
from naersund.analysis.initiative_effects import Estimated
from naersund.analysis.published import PublishedResults
from naersund.catalogue import Catalogue
from naersund.charts import Chart
from naersund.economy.figures import EconomyFigures
from naersund.indicators.model import IndicatorDefinition
from naersund.refdata import official_name
from naersund.survey.aggregate import RoundAnswers
from naersund.survey.followup import FollowupAnswer

Level = Literal["politisk", "direktoer", "fagligt"]
LEVELS: tuple[Level, ...] = ("politisk", "direktoer", "fagligt")
LEVEL_NAMES: dict[str, str] = {
    "politisk": "Politisk niveau",
    "direktoer": "Direktørniveau",
    "fagligt": "Fagligt niveau",
}
AreaLevel = Literal["kommune", "region"]

DRILLDOWN_COLUMNS = BREAKDOWN_COLUMNS  # the drill-down is the breakdowns' table


@dataclass(frozen=True)
class Area:
    """A municipality (``kommune``, by kommunekode) or a KKR (``region``, by region code)."""

    level: AreaLevel
    code: int
    name: str
    region_code: int

    @property
    def title(self) -> str:
        """The official name ("Københavns Kommune", "Bornholms Regionskommune", "KKR
        Hovedstaden")."""
        return official_name(self.code) if self.level == "kommune" else self.name


@dataclass(frozen=True)
class PackEffects:
    """The release's initiative effects with the start years of the pack's round (``round``:
    its label), as the page and the API show them (:mod:`naersund.reports.effects`)."""

    estimated: list[Estimated]
    round: str


@dataclass(frozen=True)
class ReportInput:
    """Everything a pack is built from.

    ``published``: the release (:class:`naersund.analysis.published.PublishedResults`); every
    figure a pack shows comes from its :meth:`~PublishedResults.figure` (the headline measure,
    its interval, verdict, Denmark, KKR and target), never from the rows directly.
    ``results`` and ``meta`` are its rows and metadata (``synthetic``,
    ``population_estimated_years``, ``indicator_notes``, ``suppression_min_count``,
    ``data_cut``, ``code_version``, ``definitions`` ...).
    ``survey``: the submitted answers of the latest status round
    (:class:`naersund.survey.aggregate.RoundAnswers`), or None when there is none; shares per
    KKR are computed from all of it, but a municipality's own answers (its status table, its
    row of Bilag 1) appear only for municipalities in ``survey_visible`` (None: every one; the
    web passes those the user may see in that round, ``access.answers_visible_to``).
    ``drilldown``: suppressed drill-down rows (``DRILLDOWN_COLUMNS``) or None.
    ``economy``: the budgets' figures (:class:`naersund.economy.figures.EconomyFigures`, the
    same the page "Økonomi" shows) or None when none are imported.
    ``effects``: the initiative effects of the release with the round's start years, or None.
    ``followup``: the municipalities' answers to their follow-up questions in the round,
    (kommunekode, indicator) -> :class:`naersund.survey.followup.FollowupAnswer`, only those
    the reader may see (the web reads them with its one reader, as the Kommuneprofil does).
    ``data_quality``: the release's data-quality rows where they are kept apart from its
    metadata (the web's ``ReleaseQuality``), and ``stays_without_specialty`` beside them; None:
    read them from ``meta`` (a results file).
    """

    published: PublishedResults
    definitions: list[IndicatorDefinition]
    catalogue: Catalogue
    release: str = ""
    survey: RoundAnswers | None = None
    survey_visible: frozenset[int] | None = None
    drilldown: pd.DataFrame | None = None
    economy: EconomyFigures | None = None
    effects: PackEffects | None = None
    followup: Mapping[tuple[int, str], FollowupAnswer] = field(default_factory=dict)
    data_quality: list[dict[str, Any]] | None = None
    stays_without_specialty: list[dict[str, Any]] | None = None

    @property
    def results(self) -> pd.DataFrame:
        return self.published.results

    @property
    def meta(self) -> dict[str, Any]:
        return {**self.published.meta, "synthetic": self.published.synthetic}

    @property
    def synthetic(self) -> bool:
        return self.published.synthetic

    @property
    def rejected_rows(self) -> int | None:
        """Input rows ``naersund ingest`` left out (``--rejects``), when the data came
        through ingest; None when the release does not say."""
        n = self.meta.get("rejected_rows")
        return int(n) if isinstance(n, int | float) else None

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
    # Shorter text for print (e.g. "Impl." for "Implementeret"); XLSX keeps the full text.
    short: dict[str, str] | None = field(default=None, hash=False, compare=False)
    # A cell's colour by its text (e.g. a status): value -> a mark id of ``MARKS``; print and
    # XLSX colour the cell, and the text (with its symbol) says the same without colour.
    marks: dict[str, str] | None = field(default=None, hash=False, compare=False)


# Cell colours, light enough for black text (WCAG AA), used in print and XLSX alike.
MARKS: dict[str, str] = {
    "good": "CDE8C6",  # implemented
    "progress": "FCE8B2",  # under implementation
    "planned": "D6E4F5",  # planned
    "none": "F6D2CE",  # not started
    "blank": "EEEEEE",  # not answered
}


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
class Headline:
    """One headline indicator on the political page."""

    indicator: str
    name: str
    unit: str
    value: float | None
    lower_ci: float | None
    upper_ci: float | None
    national: float | None
    measure: str  # "aldersstandardiseret" / "rå": value, interval, Denmark and verdict share it
    comparison: str  # better / similar / worse / not_compared
    light: str  # the comparison colour (the dashboard's), always shown with light_text
    light_text: str
    target_text: str
    sentence: str
    suppressed: bool
    provenance: str = ""  # release, definition version and data period


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    lists: list[tuple[str, list[str]]] = field(default_factory=list)  # (lead-in, items)
    # the lists' lead-ins are headings (h3), each list kept under its own heading
    headed_lists: bool = False
    headlines: list[Headline] = field(default_factory=list)
    blocks: list[Chart | Table] = field(default_factory=list)  # in print order
    page_break: bool = False
    small_charts: bool = False  # charts a little smaller
    landscape: bool = False  # printed on landscape pages (wide tables)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def charts(self) -> list[Chart]:
        return [b for b in self.blocks if isinstance(b, Chart)]


@dataclass
class Pack:
    level: Level
    area: Area
    year: int
    synthetic: bool
    release: str
    sections: list[Section]
    footnotes: list[str] = field(default_factory=list)
    with_municipalities: bool = False  # a KKR pack with a section per municipality

    @property
    def title(self) -> str:
        whole = " med kommunesider" if self.with_municipalities else ""
        return f"{LEVEL_NAMES[self.level]} · {self.area.title}{whole} · {self.year}"

    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]
