"""The figures behind the dashboard pages (and usable by reports): a municipality's profile,
a comparison of municipalities, a trend, a KKR at a glance.

Everything takes a :class:`PublishedResults` and returns plain values or DataFrames. The
measure is standardised where comparisons are made and standardised values exist, crude
otherwise, decided once per indicator by :meth:`PublishedResults.measure`; each result says which.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from naersund.analysis.benchmark import (
    MeasureChoice,
    compare,
    comparison_label,
    recent_trend,
    spine_rows,
)
from naersund.analysis.published import (
    CRUDE,
    STANDARDISED,
    Figure,
    Measure,
    PublishedResults,
)
from naersund.analysis.published import targets_for as published_targets
from naersund.catalogue import Catalogue, Initiative, Target
from naersund.catalogue.progress import Direction, Status
from naersund.indicators.model import IndicatorDefinition
from naersund.refdata import KKR_NAMES, municipalities

SIZE_LABELS = {
    "readmission_proportion": "Indeksindlæggelser",
}


@dataclass(frozen=True)
class IndicatorInfo:
    """What a page needs to know about an indicator (from its definition)."""

    id: str
    name_da: str
    unit_da: str
    direction: Direction
    kind: str
    multiplier: float
    description_da: str = ""
    status: str = "gældende"  # the definition's status ("under omdefinering" is shown)

    @property
    def direction_da(self) -> str:
        return "lavere er bedre" if self.direction == "lower_is_better" else "højere er bedre"

    @property
    def size_label(self) -> str:
        return SIZE_LABELS.get(self.kind, "Borgere (befolkningsgrundlag)")


def indicator_infos(definitions: Iterable[IndicatorDefinition]) -> dict[str, IndicatorInfo]:
    return {
        d.id: IndicatorInfo(
            d.id,
            d.name_da,
            d.unit_da,
            d.direction,
            d.kind,
            d.multiplier,
            d.description_da,
            d.status,
        )
        for d in definitions
    }


@cache
def municipality_names() -> dict[int, str]:
    m = municipalities()
    return dict(zip(m["kommunekode"].astype(int), m["name"].astype(str), strict=True))


@cache
def municipality_region() -> dict[int, int]:
    m = municipalities()
    return dict(zip(m["kommunekode"].astype(int), m["region_code"].astype(int), strict=True))


def members_of(region_code: int) -> list[int]:
    """The KKR's municipalities, by name."""
    names = municipality_names()
    codes = [k for k, r in municipality_region().items() if r == region_code]
    return sorted(codes, key=lambda k: names[k])


def measure_of(pub: PublishedResults, indicator: str, standardised: bool = True) -> MeasureChoice:
    """The page's measure for an indicator: the release's headline measure
    (:meth:`PublishedResults.measure`), or crude when the user asks for crude values."""
    return MeasureChoice(standardised=standardised and pub.measure(indicator) == STANDARDISED)


def with_measure(rows: pd.DataFrame, info: IndicatorInfo, measure: MeasureChoice) -> pd.DataFrame:
    """``rows`` of one indicator (every level; years as given) with ``value_m, lower_m,
    upper_m`` for the chosen measure, ``comparison_m`` redone for it and ``name``."""
    out = rows.copy()
    out["value_m"] = out[measure.value]
    out["lower_m"] = out[measure.lower]
    out["upper_m"] = out[measure.upper]
    out["comparison_m"] = compare(out, measure, info.direction)
    names = municipality_names()
    out["name"] = [
        "Danmark"
        if lvl == "land"
        else KKR_NAMES.get(int(c), str(c))
        if lvl == "region"
        else names.get(int(c), str(c))
        for lvl, c in zip(out["level"], out["area_code"], strict=True)
    ]
    return out


@dataclass
class TargetState:
    target: Target
    status: Status
    year: int | None
    scope_da: str


@dataclass
class ProfileRow:
    """One indicator on a municipality's profile."""

    info: IndicatorInfo
    measure: MeasureChoice
    year: int
    value: float
    lower: float
    upper: float
    region_value: float
    national_value: float
    comparison: str
    suppressed: bool
    trend: str
    spine: dict[str, float]
    targets: list[TargetState] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    figure: Figure | None = None  # where the numbers come from (release, definition, period)

    @property
    def comparison_da(self) -> str:
        return comparison_label(self.comparison)


def targets_for(catalogue: Catalogue | None, indicator: str, kommunekode: int) -> list[Target]:
    """Targets of the municipality's KKR goals for ``indicator``: its own (scope kommune)
    first, then the KKR's (scope kkr) (:func:`naersund.analysis.published.targets_for`)."""
    return published_targets(catalogue, indicator, "kommune", kommunekode)


def initiatives_for(
    catalogue: Catalogue | None, indicator: str, region_code: int
) -> list[Initiative]:
    """The initiatives of the KKR's goals that name ``indicator`` (and of its action plans whose
    national goals name it)."""
    if catalogue is None:
        return []
    national = {n.id for n in catalogue.national_goals if indicator in n.indicators}
    out: list[Initiative] = []
    for kkr in catalogue.kkr:
        if kkr.region_code != region_code:
            continue
        for goal in kkr.goals:
            if indicator in goal.indicators:
                out.extend(goal.initiatives)
        for plan in kkr.action_plans:
            if national & set(plan.national_goals):
                out.extend(plan.initiatives)
    unique: dict[str, Initiative] = {}
    for i in out:
        unique.setdefault(i.id, i)
    return list(unique.values())


def profile(
    pub: PublishedResults,
    kommunekode: int,
    year: int,
    infos: dict[str, IndicatorInfo],
    standardised: bool = True,
    catalogue: Catalogue | None = None,
) -> list[ProfileRow]:
    """Every indicator of the release for one municipality and year, in ``infos`` order:
    the figures of :meth:`PublishedResults.figure` (the headline measure; crude when the
    user asks for crude values with ``standardised=False``)."""
    region = municipality_region()[kommunekode]
    asked: Measure | None = None if standardised else CRUDE
    out = []
    for ind, info in infos.items():
        rows = pub.rows(ind)
        if rows.empty:
            continue
        f = pub.figure(ind, "kommune", kommunekode, year, catalogue, asked)
        measure = MeasureChoice(standardised=f.standardised)
        series = pub.series_frame(ind, "kommune", kommunekode, asked)
        series = series[series["year"] <= year]
        trend = recent_trend(
            series["year"].tolist(),
            series["value"].tolist(),
            series["lower"].tolist(),
            series["upper"].tolist(),
            info.direction,
        )
        targets = []
        for t in targets_for(catalogue, ind, kommunekode):
            tf = pub.target_figure(t, ind, "kommune", kommunekode, year, asked)
            scope = "kommunens eget mål" if t.scope == "kommune" else KKR_NAMES[region] + "s mål"
            targets.append(TargetState(t, tf.status, year, scope))
        out.append(
            ProfileRow(
                info=info,
                measure=measure,
                year=year,
                value=np.nan if f.value is None else f.value,
                lower=np.nan if f.lower is None else f.lower,
                upper=np.nan if f.upper is None else f.upper,
                region_value=np.nan if f.kkr is None else f.kkr,
                national_value=np.nan if f.denmark is None else f.denmark,
                comparison=f.verdict,
                suppressed=f.suppressed or not f.present,
                trend=trend,
                spine=spine_rows(rows[rows["year"] == year], kommunekode, measure, info.direction),
                targets=targets,
                initiatives=initiatives_for(catalogue, ind, region),
                figure=f,
            )
        )
    return out


def comparison_table(
    pub: PublishedResults,
    info: IndicatorInfo,
    year: int,
    standardised: bool = True,
    region_code: int | None = None,
) -> tuple[pd.DataFrame, pd.Series, MeasureChoice]:
    """The municipalities (of a KKR, or all) for one indicator × year with the chosen measure:
    ``area_code, name, value, lower, upper, comparison, numerator, denominator, suppressed,
    std_value`` plus the raw columns; and Denmark's row and the measure."""
    rows = pub.rows(info.id)
    measure = measure_of(pub, info.id, standardised)
    m = with_measure(rows[rows["year"] == year], info, measure)
    nat = m[m["level"] == "land"]
    kom = m[m["level"] == "kommune"]
    if region_code is not None:
        kom = kom[kom["area_code"].isin(members_of(region_code))]
    table = kom.assign(
        value=kom["value_m"],
        lower=kom["lower_m"],
        upper=kom["upper_m"],
        comparison=kom["comparison_m"],
    ).sort_values("name")
    national = nat.iloc[0] if len(nat) else pd.Series(dtype=object)
    return table.reset_index(drop=True), national, measure


def trend_table(
    pub: PublishedResults, info: IndicatorInfo, kommunekode: int, standardised: bool = True
) -> tuple[pd.DataFrame, MeasureChoice]:
    """``year, area, level, value, lower, upper, suppressed`` for the municipality, its KKR
    and Denmark, every year of the release (area order: municipality, KKR, Denmark)."""
    rows = pub.rows(info.id)
    measure = measure_of(pub, info.id, standardised)
    region = municipality_region()[kommunekode]
    m = with_measure(rows, info, measure)
    parts = [
        m[(m["level"] == "kommune") & (m["area_code"] == kommunekode)],
        m[(m["level"] == "region") & (m["area_code"] == region)],
        m[m["level"] == "land"],
    ]
    out = pd.concat(parts).assign(
        area=lambda d: d["name"],
        value=lambda d: d["value_m"],
        lower=lambda d: d["lower_m"],
        upper=lambda d: d["upper_m"],
    )
    cols = ["year", "area", "level", "value", "lower", "upper", "suppressed", "comparison_m"]
    return out[cols].reset_index(drop=True), measure
