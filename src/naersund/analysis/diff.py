"""What changed between two releases of published results."""

from __future__ import annotations

import numpy as np
import pandas as pd

KEY = ["indicator", "level", "area_code", "year"]
COMPARED = ["numerator", "denominator", "value", "std_value", "comparison", "suppressed"]
ADDED, REMOVED, CHANGED = "ny", "fjernet", "ændret"


def diff_results(old: pd.DataFrame, new: pd.DataFrame, tolerance: float = 1e-9) -> pd.DataFrame:
    """Rows that are new, removed or changed from ``old`` to ``new`` (both with the results
    columns), keyed by indicator × level × area × year.

    Returns ``indicator, level, area_code, year, change`` (``ny``/``fjernet``/``ændret``),
    ``fields`` (the changed columns, comma-separated) and ``old_value, new_value,
    old_std_value, new_std_value``; sorted by key. Numbers differing by at most ``tolerance``
    (relative) are equal; NaN equals NaN (a suppressed cell that stays suppressed is unchanged).
    """
    a = old[KEY + COMPARED].set_index(KEY)
    b = new[KEY + COMPARED].set_index(KEY)
    joined = a.merge(
        b, left_index=True, right_index=True, how="outer", suffixes=("_old", "_new")
    ).sort_index()
    in_old = joined.index.isin(a.index)
    in_new = joined.index.isin(b.index)
    changed_fields: list[list[str]] = [[] for _ in range(len(joined))]
    for col in COMPARED:
        x, y = joined[f"{col}_old"], joined[f"{col}_new"]
        if col in ("comparison", "suppressed"):
            differs = (x.astype(str) != y.astype(str)).to_numpy()
        else:
            xf, yf = x.to_numpy(np.float64), y.to_numpy(np.float64)
            both_nan = np.isnan(xf) & np.isnan(yf)
            with np.errstate(invalid="ignore"):
                close = np.isclose(xf, yf, rtol=tolerance, atol=0.0)
            differs = ~(both_nan | close)
        for i in np.flatnonzero(differs & in_old & in_new):
            changed_fields[i].append(col)
    change = np.where(~in_old, ADDED, np.where(~in_new, REMOVED, CHANGED))
    keep = ~in_old | ~in_new | np.array([bool(f) for f in changed_fields], dtype=bool)
    out = joined.reset_index()
    out["change"] = change
    out["fields"] = [", ".join(f) for f in changed_fields]
    out = out.rename(
        columns={
            "value_old": "old_value",
            "value_new": "new_value",
            "std_value_old": "old_std_value",
            "std_value_new": "new_std_value",
        }
    )
    cols = [*KEY, "change", "fields", "old_value", "new_value", "old_std_value", "new_std_value"]
    out = out.loc[keep, cols].reset_index(drop=True)
    return out.astype({"area_code": "int64", "year": "int64"})
