"""Where the chart builders were imported from before they were split by chart family
(:mod:`~naersund.charts.spine`, :mod:`~naersund.charts.bars`, :mod:`~naersund.charts.funnel`,
:mod:`~naersund.charts.municipal_map`, :mod:`~naersund.charts.trend`); new code imports them
from :mod:`naersund.charts` or their own module."""

from __future__ import annotations

from naersund.charts.bars import ci_bars
from naersund.charts.funnel import funnel_plot
from naersund.charts.municipal_map import BORNHOLM, INSET_GAP, INSET_PAD, choropleth
from naersund.charts.spine import spine_chart
from naersund.charts.trend import SUPPRESSED_TEXT, monthly_chart, trend_chart

__all__ = [
    "BORNHOLM",
    "INSET_GAP",
    "INSET_PAD",
    "SUPPRESSED_TEXT",
    "choropleth",
    "ci_bars",
    "funnel_plot",
    "monthly_chart",
    "spine_chart",
    "trend_chart",
]
