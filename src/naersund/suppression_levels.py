"""Small-number suppression when more levels than kommune → region → land are published.

Publishing several partitions at once (the 2027 regions, the KKR, the sundhedsråd, user
groups) opens differencing attacks that one hierarchy does not have: Region Østdanmark minus
Region Hovedstaden gives Region Sjælland; a sundhedsråd minus its other municipalities gives the
masked one. This module keeps every release exactly as safe as today's hierarchy:

1. The rows of today's hierarchy (``kommune``, ``region``, ``land``) are suppressed as today
   (:func:`naersund.suppression.suppress`, primary and complementary). Without ``region``,
   the first published partition (e.g. ``sundhedsraad`` alone) takes its place.
2. A cell of any other level (an *extra* cell) is published only when its count is
   *already determined by the published cells of the hierarchy*: its municipalities are a
   disjoint union of published (visible) region and municipality cells, or, with the country's
   cell published, the municipalities *outside* it are. Otherwise it is masked. It is also
   masked when it is small by itself (the primary rule), even if determined.

Why this is enough: every published extra count is a sum (or the country minus a sum) of
published hierarchy counts, so it tells a reader nothing the hierarchy's cells do not already
tell. The information in the release is the information of the suppressed hierarchy, for which
:mod:`naersund.suppression` proves that no masked count is determined (and that every primary
masked count could be one lower). Masked extra cells hide nothing the reader needs: masking a
cell never reveals another. The monthly file is built for the hierarchy only, so nothing about
it changes either.

The price: an extra area is masked whenever one of its municipalities is, even where a
complementary pattern across the overlapping partitions could have published it (issue 14's
"differencing attacks" section asks for that; it is not done here).

Protected denominators (proportions) get the same treatment in their own table, as in
:mod:`naersund.suppression`.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet

import numpy as np
import pandas as pd

from naersund.suppression import (
    DERIVED_COLUMNS,
    NATIONAL_CODE,
    NOT_COMPARED,
    SuppressionRule,
    suppress,
)

#: Today's hierarchy, suppressed by :func:`naersund.suppression.suppress`.
HIERARCHY = ("kommune", "region", "land")
DEFAULT_RULE = SuppressionRule()


def middle_level(levels: Mapping[str, Mapping[int, int]], present: set[str]) -> str | None:
    """The partition between municipalities and Denmark that is suppressed as today's regions:
    ``region`` when it is published, else the first published level that is a partition of
    all the municipalities (e.g. ``sundhedsraad`` published alone), else none."""
    if "region" in present:
        return "region"
    everyone = set(levels.get("kommune", {}))
    for level, area_of in levels.items():
        if level in present and level not in HIERARCHY and set(area_of) == everyone:
            return level
    return None


def suppress_levels(
    results: pd.DataFrame,
    levels: Mapping[str, Mapping[int, int]],
    count_denominator: Mapping[str, bool],
    rule: SuppressionRule = DEFAULT_RULE,
) -> pd.DataFrame:
    """Suppress ``results`` whose rows may lie on any of ``levels`` (level id -> kommunekode ->
    area code, ``kommune`` and ``land`` included; a user group maps only its members). Returns
    a copy with the index and columns of :func:`naersund.suppression.suppress`; see the module
    docstring for the rule. The hierarchy's middle level is :func:`middle_level`."""
    present = {str(v) for v in results["level"].unique()}
    unknown = present - set(levels)
    if unknown:
        raise ValueError(f"no membership for level(s) {sorted(unknown)}")
    middle = middle_level(levels, present)
    tree_levels = {"kommune", "land", *([middle] if middle else [])}
    in_tree = results["level"].isin(tree_levels).to_numpy(bool)
    region_of = levels[middle] if middle else dict.fromkeys(levels["kommune"], 0)
    as_tree = (
        results[in_tree].replace({"level": {middle: "region"}}) if middle else results[in_tree]
    )
    tree = suppress(as_tree, region_of, count_denominator, rule)
    if middle:
        tree["level"] = results.loc[in_tree, "level"]
    if in_tree.all():
        return tree
    rest = results[~in_tree].copy()
    rest["numerator"] = rest["numerator"].astype(float)
    rest["denominator"] = rest["denominator"].astype(float)
    masked = np.zeros(len(rest), dtype=bool)
    protected = rest["indicator"].map(dict(count_denominator)).fillna(False).to_numpy(bool)
    members = {level: _members(area_of) for level, area_of in levels.items()}
    regions = _members(region_of) if middle else {}
    everyone = frozenset(levels["kommune"])
    by_key = rest.groupby(["indicator", "year"], sort=False).indices
    tree_groups = tree.groupby(["indicator", "year"], sort=False).indices
    level_of = rest["level"].astype(str).to_numpy()
    code_of = rest["area_code"].to_numpy(np.int64)
    values = {c: rest[c].to_numpy(float) for c in ("numerator", "denominator")}
    # the hierarchy's cells as (kommune | region | land, code); the middle level is "region"
    tree_names = (tree["level"].replace({middle: "region"}) if middle else tree["level"]).tolist()
    tree_cells = list(zip(tree_names, tree["area_code"].astype(int).tolist(), strict=True))
    tree_values = {c: tree[c].to_numpy(float) for c in ("numerator", "denominator")}
    none = np.array([], dtype=np.int64)
    for key, found in by_key.items():
        rows = np.asarray(found, dtype=np.int64)
        at = np.asarray(tree_groups.get(key, none), dtype=np.int64)
        columns = ["numerator", "denominator"] if protected[rows[0]] else ["numerator"]
        for column in columns:
            finite = np.isfinite(tree_values[column][at])
            shown = {tree_cells[j] for j, ok in zip(at, finite, strict=True) if ok}
            value = values[column][rows]
            masked[rows] |= ~np.isfinite(value) | rule.is_small(value)
            for i in rows[~masked[rows]]:
                area = members[level_of[i]].get(int(code_of[i]), frozenset())
                if not _determined(area, everyone, regions, shown):
                    masked[i] = True
    rest.loc[masked, "numerator"] = np.nan
    rest.loc[masked & protected, "denominator"] = np.nan
    for column in DERIVED_COLUMNS:
        if column in rest.columns:
            rest[column] = rest[column].where(~masked)
    if "comparison" in rest.columns:
        land = tree[(tree["level"] == "land") & tree["suppressed"].to_numpy(bool)]
        land_masked = set(zip(land["indicator"], land["year"], strict=True))
        blank = masked | np.array(
            [(i, y) in land_masked for i, y in zip(rest["indicator"], rest["year"], strict=True)],
            dtype=bool,
        )
        rest["comparison"] = rest["comparison"].where(~blank, NOT_COMPARED)
    before = rest["suppressed"].fillna(False).to_numpy(bool) if "suppressed" in rest else masked
    rest["suppressed"] = before | masked
    out = pd.concat([tree, rest[tree.columns]])
    return out.loc[results.index]


def _members(area_of: Mapping[int, int]) -> dict[int, frozenset[int]]:
    out: dict[int, set[int]] = {}
    for k, a in area_of.items():
        out.setdefault(int(a), set()).add(int(k))
    return {a: frozenset(ks) for a, ks in out.items()}


def _covered(
    area: frozenset[int],
    regions: Mapping[int, frozenset[int]],
    shown: AbstractSet[tuple[str, int]],
) -> bool:
    """Whether ``area`` is a disjoint union of published middle-level and municipality cells
    (``shown``: the published hierarchy cells, the middle level called ``region``)."""
    left = set(area)
    for code, ms in regions.items():
        if ms <= left and ("region", code) in shown:
            left -= ms
    return all(("kommune", k) in shown for k in left)


def _determined(
    area: frozenset[int],
    everyone: frozenset[int],
    regions: Mapping[int, frozenset[int]],
    shown: AbstractSet[tuple[str, int]],
) -> bool:
    if not area:
        return False
    if _covered(area, regions, shown):
        return True
    return ("land", NATIONAL_CODE) in shown and _covered(everyone - area, regions, shown)
