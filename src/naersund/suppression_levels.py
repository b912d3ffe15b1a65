"""Small-number suppression when more levels than kommune → region → land are published.

Publishing several partitions at once (the 2027 regions, the KKR, the sundhedsråd, user
groups) opens differencing attacks that one hierarchy does not have: Region Østdanmark minus
Region Hovedstaden gives Region Sjælland; a sundhedsråd minus its other municipalities gives the
masked one. This module keeps every release exactly as safe as today's hierarchy:

1. The rows of today's hierarchy (``kommune``, ``region``, ``land``) are suppressed as today
   (:func:`naersund.suppression.suppress`, primary and complementary). Without ``region``,
   the first published partition (e.g. ``sundhedsraad`` alone) takes its place.
2. A cell of any other level (an *extra* cell) that is small by itself is masked (the primary
   rule).
3. Then, over all levels of each indicator × year together, complementary masks are added
   until no masked cell is determined by the published ones (its membership vector outside
   the span of the published cells' vectors): :func:`naersund.suppression_cross.protect`,
   which masks the cheapest published cell that every way of computing the masked one needs
   (usually one more small municipality, or the extra area itself).

Why this is enough: a reader knows the published counts and that every count is the sum of its
municipalities'; what that tells about a masked count is exactly whether its vector lies in the
span of the published vectors (the LP/rank check of the tests). None does. Before issue 14's
last step an extra area was masked whenever one of its municipalities was (50.6 % of the
sundhedsråd cells in ``bench/suppression.py``); now only where publishing it would give a
masked cell away. The hierarchy's own cells may get a few more masks than with the hierarchy
alone (a municipality masked as the partner of a sundhedsråd's); its proof of
:mod:`naersund.suppression` (no masked count determined, every primary count could be one
lower) is then the rank check over all levels. The monthly file (kommune, region, land per
month) is suppressed afterwards, given these yearly masks, so that no masked yearly count of
any level follows from the yearly and monthly cells together (:mod:`naersund.suppression_monthly`).

Protected denominators (proportions) get the same treatment in their own table, as in
:mod:`naersund.suppression`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd
from threadpoolctl import threadpool_limits

from naersund.suppression import (
    DERIVED_COLUMNS,
    NOT_COMPARED,
    SuppressionError,
    SuppressionRule,
    suppress,
)
from naersund.suppression_cross import Unprotectable, protect

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
    for column in ("numerator", "denominator"):
        rest[column] = rest[column].astype(float)
    out = pd.concat([tree, rest.reindex(columns=tree.columns)]).loc[results.index]
    protected = out["indicator"].map(dict(count_denominator)).fillna(False).to_numpy(bool)
    order = sorted(levels["kommune"])
    vectors = _vectors(out, levels, order)
    ranks = {lv: n for n, lv in enumerate(["kommune", *[lv for lv in levels if lv != "kommune"]])}
    level_rank: npt.NDArray[np.int64] = np.asarray(out["level"].map(ranks), dtype=np.int64)
    area = out["area_code"].to_numpy(np.int64)
    # the tables are small (130 × 98): one BLAS thread is faster than several waiting on
    # each other on a shared machine (the national bench: 7.6 CPU-s with threads, 0.2 without)
    with threadpool_limits(limits=1, user_api="blas"):
        masks = _masks(out, results, in_tree, protected, vectors, level_rank, area, rule)
    masked = masks["numerator"] | masks["denominator"]
    out["numerator"] = out["numerator"].where(~masks["numerator"])
    out["denominator"] = out["denominator"].where(~masks["denominator"])
    for column in DERIVED_COLUMNS:
        if column in out.columns:
            out[column] = out[column].where(~masked)
    if "comparison" in out.columns:
        land = out[(out["level"] == "land").to_numpy(bool) & masked]
        land_masked = set(zip(land["indicator"], land["year"], strict=True))
        blank = masked | np.array(
            [(i, y) in land_masked for i, y in zip(out["indicator"], out["year"], strict=True)],
            dtype=bool,
        )
        out["comparison"] = out["comparison"].where(~blank, NOT_COMPARED)
    before = (
        results["suppressed"].fillna(False).to_numpy(bool)
        if "suppressed" in results.columns
        else np.zeros(len(out), dtype=bool)
    )
    out["suppressed"] = before | masked
    return out


def _masks(
    out: pd.DataFrame,
    results: pd.DataFrame,
    in_tree: npt.NDArray[np.bool_],
    protected: npt.NDArray[np.bool_],
    vectors: npt.NDArray[np.float64],
    level_rank: npt.NDArray[np.int64],
    area: npt.NDArray[np.int64],
    rule: SuppressionRule,
) -> dict[str, npt.NDArray[np.bool_]]:
    """column -> masked rows: the hierarchy's masks and the extra cells' primary ones, then
    :func:`naersund.suppression_cross.protect` per indicator × year over all levels."""
    groups = out.groupby(["indicator", "year"], sort=False).indices
    masks = {}
    for column in ("numerator", "denominator"):
        given = results[column].to_numpy(float, na_value=np.nan)
        after_tree = out[column].to_numpy(float, na_value=np.nan)
        hidden = (in_tree & np.isnan(after_tree) & np.isfinite(given)) | (
            ~in_tree & rule.is_small(given)
        )
        if column == "denominator":
            hidden &= protected
        for found in groups.values():
            rows = np.asarray(found, dtype=np.int64)
            if column == "denominator" and not protected[rows[0]]:
                continue
            try:
                hidden[rows] = protect(
                    vectors[rows], given[rows], hidden[rows], level_rank[rows], area[rows]
                )
            except Unprotectable as stuck:
                raise _unprotectable(out.iloc[int(rows[stuck.row])], column) from None
        masks[column] = hidden
    return masks


def _vectors(
    out: pd.DataFrame, levels: Mapping[str, Mapping[int, int]], order: list[int]
) -> npt.NDArray[np.float64]:
    """Each row's membership vector over the municipalities ``order``."""
    cache: dict[tuple[str, int], npt.NDArray[np.float64]] = {}
    rows = []
    for level, code in zip(out["level"].astype(str), out["area_code"].astype(int), strict=True):
        key = (level, code)
        if key not in cache:
            area_of = levels[level]
            cache[key] = np.array([area_of.get(k) == code for k in order], dtype=float)
        rows.append(cache[key])
    return np.vstack(rows) if rows else np.zeros((0, len(order)))


def _unprotectable(row: pd.Series, column: str) -> SuppressionError:
    return SuppressionError(
        f"kan ikke diskretionere {row['indicator']} {row['year']}, felt {column}: "
        f"{row['level']} {row['area_code']} skal skjules, men de offentliggjorte tal giver den, "
        "og ingen af dem, den afhænger af, har et tal, der kan skjules (et tal mangler, eller "
        "summerne passer ikke); ret tallene, før de offentliggøres"
    )
