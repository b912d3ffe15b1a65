"""Smoothed values for small municipalities: empirical Bayes shrinkage of a rate towards the
rate of a larger area (the KKR or Denmark).

Læsø, Fanø, Samsø and Ærø have a few hundred citizens aged 65+; their rates jump from year to
year because a handful of admissions more or less is a large share. Shrinkage pulls each
municipality's rate towards the rate of the group it belongs to, the more the less the
municipality's own count says: a large municipality keeps (almost) its own rate, a small one
moves towards the group's.

Method: Marshall's moment estimator of the Poisson-gamma model (R. J. Marshall, "Mapping
disease and mortality rates using empirical Bayes estimators", Applied Statistics 40 (1991)
283-294, eq. 5-7; the model of Clayton & Kaldor, Biometrics 43 (1987) 671-681). For the
municipalities ``i`` of a group with counts ``O_i`` and populations ``n_i``:

- ``r_i = O_i / n_i``, the group's rate ``m = sum O_i / sum n_i``;
- the between-municipality variance ``A = s2 - m / n_bar`` with
  ``s2 = sum n_i (r_i - m)^2 / sum n_i`` and ``n_bar`` the mean population (0 if negative:
  then the differences are no larger than chance, and every municipality gets ``m``);
- the weight of the municipality's own rate ``C_i = A / (A + m / n_i)``;
- the smoothed rate ``m + C_i (r_i - m)``.

The verdict "bedre/som/dårligere end landet" is never taken from a smoothed value: it comes
from the unsmoothed interval, as everywhere else.
"""

from __future__ import annotations

import pandas as pd

EXPLANATION_DA = (
    "Udjævnet værdi: kommunens rate trukket mod {group}s rate, jo mere jo færre borgere "
    "kommunen har (empirisk Bayes, Marshall 1991). Små kommuners tal svinger meget fra år til "
    "år; den udjævnede værdi viser niveauet, som tallene tyder på, når man tager højde for "
    "tilfældigheden. Vurderingen bedre/som/dårligere end landet bygger altid på den "
    "ikke-udjævnede værdi."
)


def shrink(numerator: pd.Series, denominator: pd.Series, multiplier: float = 1.0) -> pd.DataFrame:
    """Smoothed rates for one group (one year, one indicator): a frame with the index of the
    inputs and the columns ``rate`` (``numerator / denominator * multiplier``), ``group_rate``,
    ``weight`` (``C_i``, 0 to 1) and ``smoothed``. Rows with a missing or non-positive
    denominator get NaN and do not count for the group."""
    o = numerator.astype(float)
    n = denominator.astype(float)
    ok = o.notna() & n.notna() & (n > 0)
    out = pd.DataFrame(index=numerator.index, columns=["rate", "group_rate", "weight", "smoothed"])
    out = out.astype(float)
    if not ok.any():
        return out
    oo, nn = o[ok], n[ok]
    r = oo / nn
    m = float(oo.sum() / nn.sum())
    s2 = float((nn * (r - m) ** 2).sum() / nn.sum())
    a = max(s2 - m / float(nn.mean()), 0.0)
    c = a / (a + m / nn) if a > 0 else pd.Series(0.0, index=nn.index)
    out.loc[ok, "rate"] = r * multiplier
    out.loc[ok, "group_rate"] = m * multiplier
    out.loc[ok, "weight"] = c
    out.loc[ok, "smoothed"] = (m + c * (r - m)) * multiplier
    return out


def smoothed_rates(
    rows: pd.DataFrame, group: pd.Series | None = None, multiplier: float = 1.0
) -> pd.DataFrame:
    """Smoothed rates for municipality rows (``kommunekode, year, numerator, denominator``),
    each year shrunk within its group (``group``: kommunekode -> group code, e.g. the KKR;
    None: all municipalities, i.e. towards Denmark). Returns ``rows`` with the columns of
    :func:`shrink` added."""
    df = rows.copy()
    df["_group"] = 0 if group is None else df["kommunekode"].map(group)
    parts = [
        shrink(g["numerator"], g["denominator"], multiplier)
        for _, g in df.groupby(["year", "_group"], sort=False)
    ]
    added = (
        pd.concat(parts)
        if parts
        else pd.DataFrame(columns=["rate", "group_rate", "weight", "smoothed"])
    )
    return df.drop(columns="_group").join(added)
