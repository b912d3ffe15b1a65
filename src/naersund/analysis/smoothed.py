"""Smoothed values of a release: every municipality's rate of every indicator and year shrunk
towards its KKR's rate (:func:`naersund.analysis.smoothing.smoothed_rates`, Marshall 1991),
from the release's published counts.

The one function pages and packs ask is :func:`smoothed_value`; the table behind it is
computed once per release (:attr:`PublishedResults.smoothed`, cached with the release).

What it is and is not:

- it smooths the indicator's **headline** value (:meth:`PublishedResults.measure`), so that it
  stands next to the published value on the same scale: a crude rate from ``numerator /
  denominator`` (× the definition's multiplier); an age-standardised rate from the numerator
  and the *equivalent population* ``numerator × multiplier / standardised rate``
  (:func:`naersund.stats.dsr_equivalent_populations`, the population for which the
  standardised rate would be the crude rate, as the funnels place standardised rates), so the
  Poisson variance the model uses is that of the standardised rate's events;
- the prior is the KKR: the group's rate is pooled from the published counts of its
  municipalities in that year. Suppressed cells have no published counts: they neither get a
  smoothed value nor count for their KKR's rate (so a KKR's pooled rate can differ slightly
  from its published value);
- the verdict "bedre/som/dårligere end landet" never comes from here: it stays the published
  comparison of the unsmoothed interval (:meth:`PublishedResults.figure`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from naersund import fmt
from naersund.analysis.smoothing import EXPLANATION_DA
from naersund.refdata import KKR_NAMES, region_of
from naersund.stats import dsr_equivalent_populations

if TYPE_CHECKING:
    from naersund.analysis.published import PublishedResults

STANDARDISED = "aldersstandardiseret"  # naersund.analysis.published.STANDARDISED

LABEL_DA = "Udjævnet værdi (empirisk Bayes)"
COLUMNS = ["indicator", "kommunekode", "year", "region_code", "measure", "rate", "group_rate",
           "weight", "smoothed"]  # fmt: skip


def explanation_da(group: str = "KKR'en") -> str:
    """The sentence that says what shrinkage does and where the verdict comes from."""
    return EXPLANATION_DA.format(group=group)


def _multipliers(indicators: list[str]) -> dict[str, float]:
    from naersund.indicators import load_definitions

    known = {d.id: float(d.multiplier) for d in load_definitions()}
    return {i: known.get(i, 1.0) for i in indicators}


def smoothed_table(published: PublishedResults) -> pd.DataFrame:
    """Every published municipality cell with counts, smoothed within its KKR and year, on
    the indicator's headline measure: the columns of :data:`COLUMNS` (``rate`` is the
    headline value the smoothing starts from, in the indicator's unit)."""
    results = published.results
    r = results[(results["level"] == "kommune") & ~results["suppressed"].astype(bool)]
    r = r[r["numerator"].notna() & r["denominator"].notna() & (r["denominator"] > 0)]
    if r.empty:
        return pd.DataFrame(columns=COLUMNS)
    regions = pd.Series(region_of())
    parts = []
    multipliers = _multipliers(sorted(set(r["indicator"])))
    for indicator, rows in r.groupby("indicator", sort=True):
        mult = multipliers[str(indicator)]
        if published.measure(str(indicator)) == STANDARDISED:
            # no equivalent population without events: such a cell gets no smoothed value
            rows = rows[rows["std_value"].notna() & (rows["std_value"] > 0)]
            rows = rows[rows["numerator"] > 0]
            exposure = dsr_equivalent_populations(
                rows["numerator"].to_numpy(np.float64),
                rows["std_value"].to_numpy(np.float64),
                mult,
            )
            rows = rows.assign(denominator=exposure)
        parts.append(
            pd.DataFrame(
                {
                    "indicator": str(indicator),
                    "kommunekode": rows["area_code"].astype(int).to_numpy(),
                    "year": rows["year"].astype(int).to_numpy(),
                    "numerator": rows["numerator"].astype(float).to_numpy(),
                    "denominator": rows["denominator"].astype(float).to_numpy(),
                    "multiplier": mult,
                    "measure": published.measure(str(indicator)),
                }
            )
        )
    df = pd.concat(parts, ignore_index=True)
    df["region_code"] = df["kommunekode"].map(regions)
    df = df[df["region_code"].notna()].astype({"region_code": int})
    out = marshall(df, ["indicator", "year", "region_code"])
    return out[COLUMNS].reset_index(drop=True)


def marshall(df: pd.DataFrame, groups: list[str]) -> pd.DataFrame:
    """:func:`naersund.analysis.smoothing.shrink` for every group of ``df`` at once
    (``numerator, denominator, multiplier`` per row; the same formulas, vectorised: the
    page's first request of a release computes every cell): ``df`` with ``rate, group_rate,
    weight, smoothed`` added."""
    o, n = df["numerator"], df["denominator"]
    g = df.groupby(groups, sort=False)
    total_o = g["numerator"].transform("sum")
    total_n = g["denominator"].transform("sum")
    count = g["numerator"].transform("size")
    m = total_o / total_n
    r = o / n
    s2 = (n * (r - m) ** 2).groupby([df[c] for c in groups], sort=False).transform("sum")
    s2 = s2 / total_n
    a = (s2 - m / (total_n / count)).clip(lower=0.0)
    c = pd.Series(np.where(a > 0, a / (a + m / n), 0.0), index=df.index)
    mult = df["multiplier"]
    return df.assign(
        rate=r * mult, group_rate=m * mult, weight=c, smoothed=(m + c * (r - m)) * mult
    )


@dataclass(frozen=True)
class SmoothedValue:
    """One municipality's smoothed value: ``value`` (the crude rate pulled towards
    ``group_rate``, the KKR's pooled rate, with weight ``weight`` on its own ``rate``)."""

    indicator: str
    kommunekode: int
    year: int
    value: float
    rate: float
    group_rate: float
    weight: float
    group_name: str
    release_id: int
    measure: str  # the headline measure: "aldersstandardiseret" or "rå"

    label_da = LABEL_DA

    @property
    def explanation_da(self) -> str:
        return explanation_da(self.group_name)

    @property
    def detail_da(self) -> str:
        """ "12,3 trukket mod KKR Hovedstadens 10,1 (vægt på kommunens egen værdi 0,35)"."""
        return (
            f"{fmt.number(self.rate)} trukket mod {self.group_name}s {fmt.number(self.group_rate)} "
            f"(vægt på kommunens egen værdi {fmt.number(self.weight, 2)})"
        )


def smoothed_value(
    published: PublishedResults, indicator: str, kommunekode: int, year: int
) -> SmoothedValue | None:
    """The municipality's smoothed value of ``indicator`` in ``year`` (None where the cell is
    suppressed, missing or has no counts)."""
    found = published.smoothed_index.get((indicator, int(kommunekode), int(year)))
    if found is None:
        return None
    row = published.smoothed.iloc[found]
    region = int(row["region_code"])
    return SmoothedValue(
        indicator=indicator,
        kommunekode=int(kommunekode),
        year=int(year),
        value=float(row["smoothed"]),
        rate=float(row["rate"]),
        group_rate=float(row["group_rate"]),
        weight=float(row["weight"]),
        group_name=KKR_NAMES.get(region, str(region)),
        release_id=published.release_id,
        measure=str(row["measure"]),
    )
