"""Small-number suppression (diskretionering) of published results.

The rule
========

DOMAIN.md ("Small numbers"): published tables of personal data must not reveal individuals.
Health publications commonly mask counts below 5, but the exact Sundhedsdatastyrelsen rule is
*unverified*, so the threshold is a setting: ``SuppressionRule.min_count`` (CLI
``naersund compute --min-count``, engine ``ComputeOptions.suppression``, recorded in the
results' metadata as ``suppression_min_count``). A protected count ``c`` is *small* when
``0 < c < min_count``; the default ``min_count=5`` masks 1–4. ``min_count=3`` gives Statistics
Denmark's "fewer than three" (masks 1–2); ``min_count=1`` switches suppression off. Zero is never
masked for being small: a zero reveals no individual. What the web app publishes is bounded by
the deployment, not the file: ``naersund publish`` refuses results suppressed with less than
the setting ``NAERSUND_MIN_COUNT`` (at least the default 5) and suppresses them again to check.

Which counts are protected
--------------------------

* ``numerator`` always (events, persons or days from registry data).
* ``denominator`` only where ``count_denominator[indicator]`` is true: proportions whose
  denominator is itself a registry count (e.g. index admissions of a readmission share). The
  denominator of a rate is a public population figure and is never masked.

Numerators and protected denominators are two separate tables; each gets its own pattern.

Primary suppression
-------------------

Every protected count that is small is masked.

Complementary suppression
-------------------------

Counts are additive within an indicator × year: a region's count is the sum of its
municipalities' counts, the country's (``land``, area code 0) the sum of the regions'. Each such
sum is an *equation* ``total = member_1 + ... + member_k``. An equation with exactly one masked
cell (a member, or the total) gives that cell away as total minus the others, so until no
equation has exactly one masked cell (a fixed point, over both levels at once):

1. mask one more *member* of that equation: the visible member with the smallest count,
   preferring non-zero counts (a zero partner would tell the reader that the masked cells sum to
   the masked cell's own value, i.e. bound it from above by its true value; a zero is chosen only
   when every other visible member is zero, which consistent sums with zero rows left out or shown
   do not produce); ties go to the lowest area code. A region is only
   eligible as a partner if its own equation has some other published member that can absorb the
   mask (otherwise masking it would not hide it).
2. if no member can be masked, mask the total instead (that moves the problem one level up).
3. if the total cannot be masked either (it is NaN or already masked, and no member is left),
   the masked cell cannot be protected: :class:`SuppressionError` names the indicator, year,
   field, the cell and the sum. This happens only with missing (NaN) counts, which the reader
   is assumed to know (below), or sums that do not add up.

Every round masks at least one more cell or stops, so the loop ends after at most one round per
cell; the result does not depend on the row order.

Why this is enough: the equations form a tree (land → regions → municipalities). When no
equation has exactly one masked cell, every masked cell ``x`` has a perturbation that keeps all
published numbers and all equations: lower ``x`` and its masked ancestors by one, raise one masked
sibling (there is one where a parent is published) and one masked descendant of it down to a
municipality. So no masked count is determined by the published numbers and the sums, and every
primary-masked count ``c`` (1 ≤ c < min_count) could just as well be ``c - 1``: all cells lowered
are ``x`` or its ancestors, which are at least ``c``; non-negativity does not pin it. (A reader
may still learn an *upper* bound when only zeros were available as partners; that is the price of
not masking more than necessary.)

What is assumed published
-------------------------

Exactly the returned table and nothing else derived from the same counts:

* the rows of the table; for every indicator × year the levels that occur in it. Where a level
  is entirely absent (e.g. an indicator published for regions and the country only), its cells
  are unknown to the reader and the equations skip it (``land = sum of municipalities`` when
  regions are absent). A *single* row missing from a level that is present (e.g. a municipality
  without events that an aggregation left out), or a count that is NaN, is treated as known to
  the reader (it may be a revealing zero): it never hides anything;
* no count ``denominator - numerator`` (e.g. "not readmitted"): so when a proportion's numerator
  is masked its denominator stays visible unless the denominator table masks it itself;
* no other table (another indicator, other age groups, sums over years, earlier releases) with
  the same counts. Two indicators sharing a numerator are suppressed independently here; the
  caller must not publish both if that matters;
* ``std_value`` and its interval in a visible row are derived from age × sex strata that are
  not published.

Masked rows (``suppressed`` true: the numerator and/or a protected denominator masked) get NaN in
every value derived from the counts (``value``, ``lower_ci``, ``upper_ci``, ``std_value``,
``std_lower_ci``, ``std_upper_ci``) and ``comparison`` (if present) ``"not_compared"``; when the
country row of an indicator × year is masked, every ``comparison`` of that indicator × year is
``"not_compared"`` too (they compare with the country's interval). Nothing else changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from naersund.errors import InputError

LEVELS = ("kommune", "region", "land")
NATIONAL_CODE = 0
KEY_COLUMNS = ("indicator", "level", "area_code", "year")
COUNT_COLUMNS = ("numerator", "denominator")
DERIVED_COLUMNS = ("value", "lower_ci", "upper_ci", "std_value", "std_lower_ci", "std_upper_ci")
NOT_COMPARED = "not_compared"

_KOMMUNE, _REGION, _LAND = 0, 1, 2

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.integer[Any]]
FloatArray = npt.NDArray[np.float64]


class SuppressionError(InputError, ValueError):
    """A small count that no further masking can protect (missing counts or sums that do not add
    up); the message names the indicator, year, field, cell and sum."""


class _Unprotectable(Exception):
    """Raised by :func:`_protect`: ``row`` (of the rows it was given) is the only masked cell of
    a sum with nothing left to mask; ``region`` is that sum's region, None for the country."""

    def __init__(self, row: int, region: int | None) -> None:
        super().__init__(row, region)
        self.row = row
        self.region = region


@dataclass(frozen=True)
class SuppressionRule:
    """How small is too small to publish.

    ``min_count``: protected counts from 1 to ``min_count - 1`` are masked (default 5: mask 1–4,
    DOMAIN.md; the official threshold is unverified, hence a setting). Zero is never masked for
    being small. ``min_count=1`` masks nothing.
    """

    min_count: int = 5

    def __post_init__(self) -> None:
        if isinstance(self.min_count, bool) or not isinstance(self.min_count, int | np.integer):
            raise TypeError(f"min_count must be an integer, got {self.min_count!r}")
        if self.min_count < 1:
            raise ValueError(f"min_count must be at least 1, got {self.min_count}")

    def is_small(self, counts: FloatArray) -> BoolArray:
        """True where a count must be masked by itself (``0 < count < min_count``)."""
        with np.errstate(invalid="ignore"):
            return (counts > 0) & (counts < self.min_count)


def suppress(
    results: pd.DataFrame,
    region_of: Mapping[int, int] | pd.Series,
    count_denominator: Mapping[str, bool] | pd.Series,
    rule: SuppressionRule = SuppressionRule(),
) -> pd.DataFrame:
    """Mask small counts and whatever would let a reader recover them (see the module docstring).

    ``results`` has at least ``indicator, level, area_code, year, numerator, denominator`` and
    usually the derived columns ``value, lower_ci, upper_ci, std_value, std_lower_ci,
    std_upper_ci`` (and ``comparison``); one row per indicator × level × area × year. Levels are
    ``kommune`` (area code = kommunekode, a key of ``region_of``), ``region`` (a region code, a
    value of ``region_of``) and ``land`` (area code 0). ``region_of`` maps kommunekode to region
    code; ``count_denominator`` maps every indicator to true when its denominator is a protected
    registry count (proportions) and false when it is a public population (rates).

    Returns a copy (same index and row order) with ``numerator``/``denominator`` as float, masked
    counts and derived values NaN, and a boolean column ``suppressed`` (an existing ``suppressed``
    column is kept where already true). Pure: reads no files, does not change ``results``.
    """
    region_pairs: Iterable[tuple[Any, Any]] = region_of.items()
    regions = {int(k): int(v) for k, v in region_pairs}
    flag_pairs: Iterable[tuple[Any, Any]] = count_denominator.items()
    protected_den = {str(k): bool(v) for k, v in flag_pairs}
    _validate(results, regions, protected_den)

    out = results.copy()
    level = out["level"].map({name: i for i, name in enumerate(LEVELS)}).to_numpy(np.int64)
    area = out["area_code"].to_numpy(np.int64)
    group = out.groupby(["indicator", "year"], sort=True).ngroup().to_numpy(np.int64)
    num = out["numerator"].to_numpy(np.float64, na_value=np.nan)
    den = out["denominator"].to_numpy(np.float64, na_value=np.nan)

    all_rows = np.arange(len(out))
    den_rows = out["indicator"].map(protected_den).to_numpy(bool)
    den_hidden = np.zeros(len(out), dtype=bool)
    try:
        column, rows = "numerator", all_rows
        num_hidden = _protect(group, level, area, num, regions, rule)
        if den_rows.any():
            column, rows = "denominator", all_rows[den_rows]
            den_hidden[den_rows] = _protect(
                group[den_rows], level[den_rows], area[den_rows], den[den_rows], regions, rule
            )
    except _Unprotectable as stuck:
        raise _unprotectable_error(out.iloc[int(rows[stuck.row])], column, stuck.region) from None
    masked = num_hidden | den_hidden

    out["numerator"] = np.where(num_hidden, np.nan, num)
    out["denominator"] = np.where(den_hidden, np.nan, den)
    for column in DERIVED_COLUMNS:
        if column in out.columns:
            out[column] = out[column].where(~masked)
    if "comparison" in out.columns:
        land_masked = np.zeros(int(group.max()) + 1 if len(group) else 0, dtype=bool)
        land_masked[group[masked & (level == _LAND)]] = True
        blank = masked | land_masked[group]
        out["comparison"] = out["comparison"].where(~blank, NOT_COMPARED)
    before = (
        out["suppressed"].fillna(False).to_numpy(bool)
        if "suppressed" in out.columns
        else np.zeros(len(out), dtype=bool)
    )
    out["suppressed"] = before | masked
    return out


def _unprotectable_error(row: pd.Series, column: str, region: int | None) -> SuppressionError:
    total = f"region {region}" if region is not None else f"land {NATIONAL_CODE}"
    return SuppressionError(
        f"kan ikke diskretionere {row['indicator']} {row['year']}, felt {column}: "
        f"{row['level']} {row['area_code']} skal skjules, men summen for {total} har ingen anden "
        "offentliggjort celle, der kan skjules sammen med den (et tal mangler, eller summen "
        "passer ikke med sine dele); ret tallene, før de offentliggøres"
    )


def _validate(
    results: pd.DataFrame, regions: dict[int, int], protected_den: dict[str, bool]
) -> None:
    missing = [c for c in (*KEY_COLUMNS, *COUNT_COLUMNS) if c not in results.columns]
    if missing:
        raise ValueError(f"results lack column(s): {', '.join(missing)}")
    bad_levels = set(results["level"].unique()) - set(LEVELS)
    if bad_levels:
        raise ValueError(f"unknown level(s) {sorted(map(str, bad_levels))}; expected {LEVELS}")
    unknown = set(results["indicator"].unique()) - set(protected_den)
    if unknown:
        raise ValueError(
            f"count_denominator has no entry for indicator(s): {', '.join(sorted(map(str, unknown)))}"
        )
    level = results["level"]
    codes = results["area_code"]
    wrong = (
        ((level == "kommune") & ~codes.isin(list(regions)))
        | ((level == "region") & ~codes.isin(sorted(set(regions.values()))))
        | ((level == "land") & (codes != NATIONAL_CODE))
    )
    if wrong.any():
        sample = results.loc[wrong, ["level", "area_code"]].drop_duplicates().head(5)
        raise ValueError(f"area codes that do not fit their level: {sample.to_dict('records')}")
    if results.duplicated(list(KEY_COLUMNS)).any():
        raise ValueError("results have more than one row per indicator, level, area_code, year")
    den_protected = results["indicator"].map(protected_den).astype(bool)
    negative = (results["numerator"] < 0) | (den_protected & (results["denominator"] < 0))
    if negative.any():
        raise ValueError("protected counts must not be negative")


def _protect(
    group: IntArray,
    level: IntArray,
    area: IntArray,
    value: FloatArray,
    region_of: dict[int, int],
    rule: SuppressionRule,
) -> BoolArray:
    """Masked cells of one count column: primary, then complementary to a fixed point.

    Rows are cells; ``group`` numbers the indicator × year tables. Every cell is the total of at
    most one equation (``total_eq``) and a member of at most one (``member_eq``); -1 for none.
    """
    n = len(value)
    if n == 0:
        return np.zeros(0, dtype=bool)
    n_groups = int(group.max()) + 1
    present = np.zeros((3, n_groups), dtype=bool)
    present[level, group] = True
    has_k, has_r, has_l = present

    # Equation ids: group * slots + slot; slot 0 = the country, slot i = the i-th region.
    region_codes = sorted(set(region_of.values()))
    slot_of = {code: i + 1 for i, code in enumerate(region_codes)}
    slots = len(region_codes) + 1
    base = group * slots
    is_k, is_r, is_l = level == _KOMMUNE, level == _REGION, level == _LAND
    codes = pd.Series(area)
    region_code = np.where(is_k, codes.map(region_of).fillna(-1).to_numpy(np.int64), area)
    region_slot = np.where(
        is_k | is_r, pd.Series(region_code).map(slot_of).fillna(0).to_numpy(np.int64), 0
    )

    member_eq = np.full(n, -1, dtype=np.int64)
    total_eq = np.full(n, -1, dtype=np.int64)
    k_to_region = is_k & has_r[group]
    k_to_land = is_k & ~has_r[group] & has_l[group]
    member_eq[k_to_region] = base[k_to_region] + region_slot[k_to_region]
    member_eq[k_to_land] = base[k_to_land]
    r_to_land = is_r & has_l[group]
    member_eq[r_to_land] = base[r_to_land]
    r_total = is_r & has_k[group]
    total_eq[r_total] = base[r_total] + region_slot[r_total]
    l_total = is_l & (has_r[group] | has_k[group])
    total_eq[l_total] = base[l_total]

    n_eq = n_groups * slots
    finite = np.isfinite(value)
    is_member, is_total = member_eq >= 0, total_eq >= 0
    # A region can only hide behind its municipalities if some of them are published.
    members_present = np.bincount(member_eq[is_member & finite], minlength=n_eq)
    can_hide = ~is_total | (members_present[np.where(is_total, total_eq, 0)] > 0)
    zero = value == 0

    hidden = rule.is_small(value)
    # Each round either stops or masks at least one more of the n cells.
    for _ in range(n + 1):
        count = np.bincount(member_eq[hidden & is_member], minlength=n_eq) + np.bincount(
            total_eq[hidden & is_total], minlength=n_eq
        )
        exposed = count == 1
        if not exposed.any():
            return hidden
        visible = finite & ~hidden
        in_exposed = is_member & exposed[np.where(is_member, member_eq, 0)]
        candidates = np.flatnonzero(visible & in_exposed & can_hide)
        order = np.lexsort(
            (area[candidates], value[candidates], zero[candidates], member_eq[candidates])
        )
        candidates = candidates[order]
        fixed, first = np.unique(member_eq[candidates], return_index=True)
        hidden[candidates[first]] = True
        exposed[fixed] = False
        if exposed.any():
            totals = visible & is_total & exposed[np.where(is_total, total_eq, 0)]
            hidden[totals] = True
            exposed[total_eq[totals]] = False
        if exposed.any():
            break
    # A sum whose only masked cell has no partner left: neither a member nor the total can be
    # masked (missing counts, or a total that does not add up).
    stuck_eq = int(np.flatnonzero(exposed)[0])
    in_stuck = hidden & ((member_eq == stuck_eq) | (total_eq == stuck_eq))
    slot = stuck_eq % slots
    raise _Unprotectable(
        row=int(np.flatnonzero(in_stuck)[0]), region=region_codes[slot - 1] if slot else None
    )
