"""A release's breakdowns: stored at publication (:func:`store`), read back once per release
(:func:`breakdowns_of`), and assembled for the indicator's breakdown page of a municipality
(:func:`page_context`).

The cells are those ``naersund compute --breakdowns`` wrote and ``naersund publish`` checked
(:mod:`naersund.analysis.breakdown_file`); nothing is recomputed per request. The page and the
professional pack read them through the same function,
:func:`naersund.analysis.breakdowns.breakdowns_for`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from naersund import charts, fmt
from naersund.analysis.breakdowns import BREAKDOWN_COLUMNS, Breakdown, breakdowns_for
from naersund.analysis.published import PublishedResults
from naersund.charts.breakdown import breakdown_chart
from naersund.indicators import IndicatorDefinition
from naersund.web.dashboard.models import BreakdownRow, Release
from naersund.web.dashboard.present import ChartView, chart_view

NUMBERS = ["sort", "numerator", "denominator", "value"]
_cache: dict[tuple[int, Any], pd.DataFrame | None] = {}
_lock = threading.Lock()


def _none(v: float) -> float | None:
    return None if np.isnan(v) else float(v)


def store(release: Release, table: pd.DataFrame) -> None:
    """Store the checked breakdowns of ``release`` (inside publish's transaction)."""
    BreakdownRow.objects.bulk_create(
        [
            BreakdownRow(
                release=release,
                indicator=r["indicator"],
                kommunekode=int(r["kommunekode"]),
                year=int(r["year"]),
                dimension=r["dimension"],
                category=r["category"],
                sort=float(r["sort"]),
                numerator=_none(r["numerator"]),
                denominator=_none(r["denominator"]),
                value=_none(r["value"]),
                suppressed=bool(r["suppressed"]),
            )
            for r in table[list(BREAKDOWN_COLUMNS)].to_dict("records")
        ],
        batch_size=2000,
    )


def breakdowns_of(release: Release) -> pd.DataFrame | None:
    """The release's breakdowns (``BREAKDOWN_COLUMNS``; numbers float with NaN), or None when
    it was published without them; cached per release (releases never change)."""
    key = (release.pk, release.created_at)
    if key in _cache:
        return _cache[key]
    rows = list(
        release.breakdown_rows.order_by(
            "indicator", "kommunekode", "year", "dimension", "sort"
        ).values_list(*BREAKDOWN_COLUMNS)
    )
    frame = None
    if rows:
        frame = pd.DataFrame.from_records(rows, columns=list(BREAKDOWN_COLUMNS))
        frame[NUMBERS] = frame[NUMBERS].astype(np.float64)
        frame = frame.astype({"kommunekode": "int64", "year": "int64", "suppressed": bool})
    with _lock:
        _cache[key] = frame
    return frame


@dataclass(frozen=True)
class BreakdownView:
    """One breakdown as the page shows it: its heading, a bar chart, and the table rows
    (category, then the numbers as Danish text, "skjult" for a masked cell)."""

    breakdown: Breakdown
    title: str
    chart: ChartView
    headers: list[str]
    rows: list[tuple[list[str], bool]]


def _view(b: Breakdown, d: IndicatorDefinition, name: str, csv_url: str) -> BreakdownView:
    title = f"{d.name_da} efter {b.label_da}, {name} {b.year}"
    chart: charts.Chart = breakdown_chart(b, title)
    decimals = [0, 0, 1] if b.proportion else [0, 1]
    rows = [
        (
            [
                c.category,
                *(
                    "skjult" if c.suppressed else fmt.number(n, k)
                    for n, k in zip(b.numbers(c), decimals, strict=True)
                ),
            ],
            c.suppressed,
        )
        for c in b.cells
    ]
    return BreakdownView(
        breakdown=b,
        title=title,
        chart=chart_view(f"opdeling-{b.dimension}", chart, f"{csv_url}{b.dimension}"),
        headers=b.headers_da(),
        rows=rows,
    )


def page_context(
    release: Release,
    pub: PublishedResults,
    definition: IndicatorDefinition,
    kommunekode: int,
    name: str,
    year: int | None,
    csv_url: str,
) -> dict[str, Any]:
    """What the breakdown page shows for ``definition`` in the municipality: the release's
    breakdowns of ``year`` (default: the latest year it has), with the years to choose from."""
    table = breakdowns_of(release)
    years = (
        []
        if table is None
        else sorted(
            {
                int(y)
                for y in table.loc[
                    (table["kommunekode"] == kommunekode) & (table["indicator"] == definition.id),
                    "year",
                ]
            }
        )
    )
    chosen = year if year in years else (years[-1] if years else None)
    views = (
        [
            _view(b, definition, name, csv_url)
            for b in breakdowns_for(table, definition, kommunekode, chosen)
        ]
        if chosen is not None
        else []
    )
    return {
        "has_breakdowns": table is not None,
        "years": years,
        "year": chosen,
        "views": views,
        "masked": sum(v.breakdown.masked for v in views),
        "cells": sum(len(v.breakdown.cells) for v in views),
        "definition_version": pub.definitions.get(definition.id),
        "min_count": int(pub.meta.get("suppression_min_count", 5)),
    }
