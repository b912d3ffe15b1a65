"""Stays that a specialty list leaves out because their first contact has no specialty.

``akutte_korttidsindlaeggelser`` counts an acute short stay only when its first contact is on a
medical specialty, and "a contact without a specialty is not medical" (issue 16): such stays are
left out of the indicator, and the data-quality notes say how many there were, per source and
year, so that an analyst sees when missing specialties (more common in one source than in
another) move the indicator.

For each stay definition that selects by specialty (``include_specialties``), a variant with the
same selection but only stays whose first contact has no specialty (the engine reads a missing
specialty as ``""``) is counted in the same pass as the indicators (:func:`variants`), and
:func:`counts` sums it per year, with the source(s) of that year from the release's quality rows.
Counts from 1 to ``min_count - 1`` are hidden, as every published figure is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from naersund.engine import expressions as ex
from naersund.indicators.model import IndicatorDefinition

SUFFIX = "__uden_speciale"  # the variant's id: the definition's id and this


def variants(definitions: Sequence[IndicatorDefinition]) -> list[IndicatorDefinition]:
    """For each stay definition with ``include_specialties``: the same stays, but only those
    whose first contact has no specialty (and no follow-up: only the stays are counted)."""
    out = []
    for d in definitions:
        sel = d.selection
        if sel is None or d.cohort is not None or not sel.include_specialties:
            continue
        only_empty = sel.model_copy(update={"include_specialties": [""]})
        out.append(
            d.model_copy(update={"id": d.id + SUFFIX, "selection": only_empty, "followup": None})
        )
    return out


def counts(
    wide: pd.DataFrame,
    found: Sequence[IndicatorDefinition],
    quality_rows: Sequence[dict[str, Any]],
    years: Sequence[int],
    min_count: int,
) -> list[dict[str, Any]]:
    """Rows ``{indicator, year, source, stays}``: per definition of :func:`variants` (named by
    the indicator it belongs to) and year, the stays without a specialty on their first contact
    in the whole country; ``source`` is the source(s) of the year's contacts (``LPR2``, ``LPR3``,
    or ``LPR2 + LPR3``) as the quality rows give them; ``stays`` None when under ``min_count``."""
    by_year: dict[str, set[str]] = {}
    for r in quality_rows:
        by_year.setdefault(str(r["month"])[:4], set()).add(str(r["source"]))
    out = []
    for v in found:
        agg = ex.narrow(wide, v)
        per_year = agg.groupby("year")["numerator"].sum() if len(agg) else pd.Series(dtype=float)
        for year in years:
            n = int(per_year.get(year, 0))
            out.append(
                {
                    "indicator": v.id.removesuffix(SUFFIX),
                    "year": int(year),
                    "source": " + ".join(sorted(by_year.get(str(year), set()))) or "–",
                    "stays": None if 0 < n < min_count else n,
                }
            )
    return out
