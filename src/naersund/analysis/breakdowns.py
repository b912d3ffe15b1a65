"""Breakdowns of a published indicator for one municipality and year: its events by diagnosis
group, age band, sex and month, as the professional pack and the web show them.

The rows (``BREAKDOWN_COLUMNS``) come suppressed from :mod:`naersund.reports.drilldown`
(computed with ``naersund compute --breakdowns`` and published with the release, or with
``naersund report --data``); a masked cell has no numbers and ``suppressed`` true.
:func:`breakdowns_for` is the one reader both the pack (``reports/professional.py``) and the
web page (``web/dashboard/breakdowns.py``) call, so both show the same cells.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from naersund.indicators.model import IndicatorDefinition

BREAKDOWN_COLUMNS = (
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
#: dimension id -> its Danish name (lower case, as in "efter køn")
DIMENSIONS = {
    "diagnosegruppe": "diagnosegruppe",
    "aldersgruppe": "aldersgruppe",
    "koen": "køn",
    "maaned": "måned",
}


@dataclass(frozen=True)
class BreakdownCell:
    """One category of a breakdown; the numbers are None when the cell is masked."""

    category: str
    numerator: float | None
    denominator: float | None
    value: float | None
    suppressed: bool


@dataclass(frozen=True)
class Breakdown:
    """One breakdown (indicator × municipality × year × dimension), its cells in order.

    ``proportion``: the cells are shares readmitted (``numerator`` of ``denominator`` index
    admissions, ``value`` in percent); otherwise counts with ``value`` their share of all (%).
    """

    indicator: str
    kommunekode: int
    year: int
    dimension: str
    proportion: bool
    cells: list[BreakdownCell]

    @property
    def label_da(self) -> str:
        return DIMENSIONS[self.dimension]

    @property
    def masked(self) -> int:
        return sum(c.suppressed for c in self.cells)

    def headers_da(self) -> list[str]:
        if self.proportion:
            return [
                self.label_da.capitalize(),
                "Genindlagte",
                "Indeksindlæggelser",
                "Andel genindlagt (%)",
            ]
        return [self.label_da.capitalize(), "Antal", "Andel af alle (%)"]

    def numbers(self, cell: BreakdownCell) -> list[float | None]:
        """A cell's numbers in the order of :meth:`headers_da` (after the category)."""
        if self.proportion:
            return [cell.numerator, cell.denominator, cell.value]
        return [cell.numerator, cell.value]


def _num(x: Any) -> float | None:
    if x is None:
        return None
    f = float(x)
    return None if math.isnan(f) else f


def breakdowns_for(
    table: pd.DataFrame | None,
    definition: IndicatorDefinition,
    kommunekode: int,
    year: int,
) -> list[Breakdown]:
    """The breakdowns of ``definition`` for the municipality and year in ``table``
    (``BREAKDOWN_COLUMNS``), one per dimension in the order of ``DIMENSIONS``; empty when the
    table has none."""
    if table is None or table.empty:
        return []
    sel = table[
        (table["indicator"] == definition.id)
        & (table["kommunekode"] == kommunekode)
        & (table["year"] == year)
    ]
    out = []
    for dim in DIMENSIONS:
        part = sel[sel["dimension"] == dim].sort_values("sort", kind="stable")
        if part.empty:
            continue
        cells = []
        for r in part.to_dict("records"):
            hidden = bool(r["suppressed"])
            cells.append(
                BreakdownCell(
                    category=str(r["category"]),
                    numerator=None if hidden else _num(r["numerator"]),
                    denominator=None
                    if hidden or not definition.is_proportion
                    else _num(r["denominator"]),
                    value=None if hidden else _num(r["value"]),
                    suppressed=hidden,
                )
            )
        out.append(
            Breakdown(
                indicator=definition.id,
                kommunekode=int(kommunekode),
                year=int(year),
                dimension=dim,
                proportion=definition.is_proportion,
                cells=cells,
            )
        )
    return out


def breakdown_years(table: pd.DataFrame | None, kommunekode: int) -> list[int]:
    """The years ``table`` has breakdowns for the municipality, in order."""
    if table is None or table.empty:
        return []
    return sorted({int(y) for y in table.loc[table["kommunekode"] == kommunekode, "year"]})


#: the download's columns (Danish) -> what they hold
DOWNLOAD_COLUMNS = {
    "indikator": "indikatorens id",
    "kommunekode": "kommunekoden (3 cifre)",
    "år": "året, opdelingen gælder",
    "opdeling": "diagnosegruppe, aldersgruppe, køn eller måned",
    "gruppe": "gruppen i opdelingen",
    "antal": "antal hændelser (genindlæggelser: genindlagte); tom, når cellen er skjult",
    "nævner": "indeksindlæggelser (kun genindlæggelsesandele); tom, når skjult",
    "værdi": "andel af alle (%), genindlæggelser: andel genindlagt (%); tom, når skjult",
    "skjult": "ja, når cellen er skjult (diskretioneret)",
}


def download_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The breakdowns as the release download gives them (``DOWNLOAD_COLUMNS``, in the
    breakdowns' order; a masked cell's numbers empty)."""
    t = table.sort_values(["indicator", "kommunekode", "year", "dimension", "sort"])
    return pd.DataFrame(
        {
            "indikator": t["indicator"].to_numpy(),
            "kommunekode": t["kommunekode"].astype(int).to_numpy(),
            "år": t["year"].astype(int).to_numpy(),
            "opdeling": t["dimension"].map(DIMENSIONS).to_numpy(),
            "gruppe": t["category"].to_numpy(),
            "antal": t["numerator"].to_numpy(),
            "nævner": t["denominator"].to_numpy(),
            "værdi": t["value"].round(2).to_numpy(),
            "skjult": ["ja" if s else "nej" for s in t["suppressed"]],
        }
    )
