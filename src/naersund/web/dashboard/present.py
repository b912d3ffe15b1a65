"""Turning library results into what the templates show, and the per-release page cache.

Pages are built from a release that never changes, the catalogue version and the survey's
latest change, so each page's content is rendered once per (release, catalogue, survey state,
page, parameters) and kept in this process (:func:`cached_fragment`); a request then only
renders the frame around it (user name, CSRF token).
"""

from __future__ import annotations

import json
import math
import numbers
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.utils.safestring import SafeString, mark_safe

from naersund import fmt
from naersund.charts import Chart

MAX_BYTES = 150 * 1024 * 1024  # a compare page with its map is about 300 kB
_fragments: OrderedDict[tuple[Any, ...], str] = OrderedDict()
_size = 0
_lock = threading.Lock()


def cached_fragment(key: tuple[Any, ...], build: Callable[[], str]) -> SafeString:
    """The HTML for ``key``, built once; the least recently used entries are dropped when the
    cache holds more than ``MAX_BYTES`` of text."""
    global _size
    with _lock:
        hit = _fragments.get(key)
        if hit is not None:
            _fragments.move_to_end(key)
            return mark_safe(hit)
    html = build()
    with _lock:
        if key not in _fragments:
            _fragments[key] = html
            _size += len(html)
        while _size > MAX_BYTES and len(_fragments) > 1:
            _, dropped = _fragments.popitem(last=False)
            _size -= len(dropped)
    return mark_safe(html)


def clear_cache() -> None:
    global _size
    with _lock:
        _fragments.clear()
        _size = 0


def cell(value: Any, decimals: int = 1) -> str:
    """A table cell's text: Danish numbers, ``–`` for missing."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, numbers.Integral):
        text = fmt.integer(value)
        return text if abs(int(value)) >= 10000 else text.replace(".", "")  # "1234", "12.345"
    if isinstance(value, float):
        if math.isnan(value):
            return "–"
        if value.is_integer() and abs(value) >= 100:
            return fmt.number(value, 0)
        return fmt.number(value, decimals)
    return str(value)


@dataclass(frozen=True)
class ChartView:
    """A chart as a template shows it: the spec (as JSON safe inside ``<script>``), its
    caption, and its numbers as a table with a CSV link."""

    key: str
    title: str
    description: str
    spec_json: str
    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    csv_url: str
    empty: bool = False  # no number to draw (e.g. every value suppressed or not computed)

    @property
    def numeric_idx(self) -> list[int]:
        """Indexes of the numeric columns (right-aligned)."""
        return [i for i, n in enumerate(self.numeric) if n]


def chart_view(key: str, chart: Chart, csv_url: str) -> ChartView:
    spec = json.dumps(chart.spec, ensure_ascii=False, separators=(",", ":"))
    # Inside <script type="application/json"> only "</" could end the element early.
    spec = spec.replace("</", "<\\/")
    table = chart.table
    numeric = [pd.api.types.is_numeric_dtype(table[c]) for c in table.columns]
    rows = [[cell(v) for v in rec] for rec in table.astype(object).itertuples(index=False)]
    return ChartView(
        key=key,
        title=chart.title,
        description=chart.description,
        spec_json=spec,
        headers=[str(c) for c in table.columns],
        rows=rows,
        numeric=numeric,
        csv_url=csv_url,
        empty=_nothing_to_draw(table),
    )


def _nothing_to_draw(table: pd.DataFrame) -> bool:
    """No numeric cell of the chart's table has a value, so Vega would draw empty axes (and warn
    about an infinite extent): the page says so instead. Year and month columns do not count."""
    values = [
        c
        for c in table.columns
        if pd.api.types.is_numeric_dtype(table[c]) and str(c).lower() not in ("år", "year", "måned")
    ]
    return table.empty or (bool(values) and not table[values].notna().any().any())
