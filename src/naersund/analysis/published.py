"""A published release of results as the library sees it (no Django): the table and where it
came from. The web app builds these from its database (``naersund.web.dashboard.releases``);
report builders and analyses take them as input."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class PublishedResults:
    """One release.

    ``results``: the suppressed results with the columns of README "Results" (``indicator,
    level, area_code, year, numerator, denominator, value, lower_ci, upper_ci, std_value,
    std_lower_ci, std_upper_ci, comparison, suppressed, note``); suppressed rows have NaN counts
    and values. Treat it as read-only (it is shared between callers).
    ``definitions`` maps indicator id to its definition version. ``synthetic`` is true when the
    release was made from synthetic data: everything shown from it must say SYNTETISKE DATA.
    """

    release_id: int
    created_at: dt.datetime
    data_period: tuple[dt.date, dt.date]
    data_cut: dt.date
    code_version: str
    definitions: dict[str, int]
    synthetic: bool
    source_file: str
    results: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.results["year"].unique())

    def rows(self, indicator: str, year: int | None = None) -> pd.DataFrame:
        """The rows of one indicator (and year), every level."""
        r = self.results
        mask = r["indicator"] == indicator
        if year is not None:
            mask &= r["year"] == year
        return r[mask]
