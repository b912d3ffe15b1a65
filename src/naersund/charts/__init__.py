"""Charts as Vega-Lite specs built in Python, for the web dashboard and the printed reports.

Contract (used by the dashboard and by the report packs, so screen and paper match):

* Every builder returns a :class:`Chart`: ``spec`` (a Vega-Lite v5 dict, JSON-serialisable,
  data inlined), ``table`` (the chart's numbers as a DataFrame with Danish column headers, in
  the order to show them), ``title`` and ``description`` (a Danish sentence for screen readers
  and ``alt`` text). ``chart.svg()`` renders the spec with vl-convert (cached by spec);
  ``chart.csv()`` gives the table as CSV for Danish spreadsheets (``;`` separated, decimal
  comma, UTF-8 with BOM).
* Builders take plain DataFrames / values (see each docstring); they never read files or
  databases. Colours are colour-blind safe (:data:`COMPARISON_COLOURS`: blue = better,
  orange = worse, grey = similar, white = not compared) and every colour has a text or shape
  as well; labels and numbers are Danish (decimal comma, ``config.locale``).
* The screen (``web/dashboard/static/dashboard/dashboard.js``) may adapt a spec to its box: a
  chart's fixed width becomes the box's width, except for charts with one row per item
  (``height: {"step": ...}``), which are scaled down; in a box narrower than 600 px their
  legend goes below them, and a spec with ``usermeta: {"narrow": "labels-above"}`` (the
  spine) is drawn at the box's width with each row's name above its bar. Print renders the
  spec as built.

Builders, a module per chart family: :func:`spine_chart` (:mod:`.spine`, a municipality
against the range of all municipalities), :func:`ci_bars` (:mod:`.bars`, sorted bars with 95 %
intervals), :func:`funnel_plot` (:mod:`.funnel`, 95 % and 99.8 % limits), :func:`choropleth`
(:mod:`.municipal_map`, the shipped boundaries, simplified), :func:`trend_chart` (:mod:`.trend`,
values per year with intervals and a target glide path; ``monthly_chart`` per month).
"""

from __future__ import annotations

from naersund.charts.bars import ci_bars
from naersund.charts.base import (
    COMPARISON_COLOURS,
    COMPARISON_ORDER,
    COMPARISON_SHAPES,
    DANISH_LOCALE,
    PALETTE,
    Chart,
)
from naersund.charts.funnel import funnel_plot
from naersund.charts.municipal_map import choropleth
from naersund.charts.spine import spine_chart
from naersund.charts.trend import trend_chart

__all__ = [
    "COMPARISON_COLOURS",
    "COMPARISON_ORDER",
    "COMPARISON_SHAPES",
    "DANISH_LOCALE",
    "PALETTE",
    "Chart",
    "choropleth",
    "ci_bars",
    "funnel_plot",
    "spine_chart",
    "trend_chart",
]
