"""Benchmarking one municipality against Denmark, its KKR and all municipalities.

The measure: standardised values (``std_value`` with its interval) where comparisons are made
and they exist, crude otherwise (:func:`choose_measure`). A comparison with Denmark is by
overlap of the 95 % intervals, as ``naersund compute`` does (README "Results"), redone for the
chosen measure so that the crude view does not show the standardised verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from naersund.analysis.trend import TREND_TEXT, trend_direction
from naersund.refdata import KKR_NAMES, NATIONAL_CODE, areas, municipalities, region_of

COMPARISON_TEXT = {
    "better": "Bedre end landet",
    "similar": "Som landet",
    "worse": "Dårligere end landet",
    "not_compared": "Ikke sammenlignet",
}


@dataclass(frozen=True)
class MeasureChoice:
    """Which columns to show: ``value, lower, upper`` names and a Danish label."""

    standardised: bool

    @property
    def value(self) -> str:
        return "std_value" if self.standardised else "value"

    @property
    def lower(self) -> str:
        return "std_lower_ci" if self.standardised else "lower_ci"

    @property
    def upper(self) -> str:
        return "std_upper_ci" if self.standardised else "upper_ci"

    @property
    def label_da(self) -> str:
        return "aldersstandardiseret" if self.standardised else "rå"


def choose_measure(rows: pd.DataFrame, standardised: bool = True) -> MeasureChoice:
    """Standardised when asked for and the indicator has standardised values (some indicators,
    e.g. færdigbehandlingsdage, have none), crude otherwise."""
    return MeasureChoice(standardised=bool(standardised and rows["std_value"].notna().any()))


def comparison_label(comparison: str) -> str:
    """The Danish text for a comparison verdict (never show the colour alone)."""
    return COMPARISON_TEXT.get(comparison, COMPARISON_TEXT["not_compared"])


def area_name(level: str, area_code: int) -> str:
    """Danish name of an area: the municipality, ``KKR <region>``, ``Danmark``, or the area's
    name on any other level of :mod:`naersund.refdata.areas` (``Sundhedsråd Fyn``)."""
    if level == "land" or area_code == NATIONAL_CODE:
        return "Danmark"
    if level == "region":
        return KKR_NAMES.get(int(area_code), str(area_code))
    if level != "kommune":
        other = areas.area_levels().get(level)
        names_of = other.latest.names() if other is not None else {}
        return names_of.get(int(area_code), str(area_code))
    names = dict(zip(municipalities()["kommunekode"], municipalities()["name"], strict=True))
    return str(names.get(int(area_code), area_code))


def compare(rows: pd.DataFrame, measure: MeasureChoice, direction: str) -> pd.Series:
    """better / similar / worse / not_compared than Denmark for each row of one indicator
    (rows of every level and year, Denmark included), by overlap of the chosen intervals."""
    lo, hi = measure.lower, measure.upper
    nat = rows[rows["level"] == "land"].set_index("year")
    nat_lo = rows["year"].map(nat[lo])
    nat_hi = rows["year"].map(nat[hi])
    below = rows[hi] < nat_lo
    above = rows[lo] > nat_hi
    good_low = direction == "lower_is_better"
    verdict = np.where(
        below,
        "better" if good_low else "worse",
        np.where(above, "worse" if good_low else "better", "similar"),
    )
    missing = rows[lo].isna() | rows[hi].isna() | nat_lo.isna() | (rows["level"] == "land")
    return pd.Series(np.where(missing, "not_compared", verdict), index=rows.index)


def spine_rows(
    rows: pd.DataFrame, kommunekode: int, measure: MeasureChoice, direction: str
) -> dict[str, float]:
    """Spine-chart figures for one indicator × year: the municipality's value, Denmark's and
    its KKR's, and the spread of all municipalities (min, 25th, 50th, 75th percentile, max).

    As in Fingertips' spine charts, ``pos_*`` place each figure on a 0-1 scale with Denmark in
    the middle (0.5) and the municipality farthest from Denmark at an end; the better end is on
    the right (1), whatever the indicator's direction. Missing figures are NaN.
    """
    col = measure.value
    kom = rows.loc[rows["level"] == "kommune", col].dropna()
    values = kom.to_numpy(np.float64)
    nat = rows.loc[rows["level"] == "land", col]
    national = float(nat.iloc[0]) if len(nat) else np.nan
    own = rows.loc[(rows["level"] == "kommune") & (rows["area_code"] == kommunekode)]
    region_code = region_of().get(int(kommunekode), -1)
    reg = rows.loc[(rows["level"] == "region") & (rows["area_code"] == region_code), col]
    out = {
        "value": float(own[col].iloc[0]) if len(own) else np.nan,
        "national": national,
        "region": float(reg.iloc[0]) if len(reg) else np.nan,
        "min": np.nan,
        "q25": np.nan,
        "median": np.nan,
        "q75": np.nan,
        "max": np.nan,
        "n": float(len(values)),
    }
    if len(values):
        out |= {
            "min": float(values.min()),
            "q25": float(np.percentile(values, 25)),
            "median": float(np.percentile(values, 50)),
            "q75": float(np.percentile(values, 75)),
            "max": float(values.max()),
        }
    spread = np.nanmax(np.abs(np.array([out["min"], out["max"]]) - national))
    sign = -1.0 if direction == "lower_is_better" else 1.0
    for key in ("value", "national", "region", "min", "q25", "median", "q75", "max"):
        if not np.isfinite(spread) or spread == 0 or np.isnan(out[key]):
            out[f"pos_{key}"] = 0.5 if key == "national" else np.nan
        else:
            out[f"pos_{key}"] = 0.5 + sign * (out[key] - national) / (2 * spread)
    return out


def recent_trend(
    years: list[int], values: list[float], lower: list[float], upper: list[float], direction: str
) -> str:
    """A short Danish phrase for the recent trend of :func:`naersund.analysis.trend.trend_direction`
    (at most the last five years with a value): ``stigende``/``faldende`` when the last value's
    95 % interval does not overlap the first's of that span (a change beyond chance,
    conservatively), ``uændret`` otherwise, with ``(bedre)``/``(dårligere)`` by the indicator's
    direction; ``for få år`` with fewer than 3."""
    good_low = direction == "lower_is_better"
    verdict = trend_direction(
        years,
        list(values),
        list(lower),
        list(upper),
        "lower_is_better" if good_low else "higher_is_better",
    )
    if verdict in ("better", "worse"):
        fell = (verdict == "better") == good_low
        return f"{'faldende' if fell else 'stigende'} ({TREND_TEXT[verdict]})"
    return TREND_TEXT[verdict]
