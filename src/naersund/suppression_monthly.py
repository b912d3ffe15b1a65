"""The monthly file beside the yearly results (issue 14): no masked *yearly* count may be
recovered from the yearly cells and the monthly cells published together.

What a reader knows
===================

Per indicator × year × count column (the numerator; a proportion's denominator too) every
count is a sum of municipality × month counts ``x`` in ``R^(n×12)`` (``n`` municipalities). A
published yearly cell with membership vector ``y`` (0/1 over the municipalities, any level:
kommune, region, region2027, kkr, sundhedsråd, land, a user group) is the functional ``y``
repeated in every month; a published monthly cell of month ``m`` with vector ``w`` (kommune,
region, land) is ``w`` in month ``m`` and zero elsewhere. With ``Y`` the published yearly
vectors and ``M_m`` the published monthly vectors of month ``m``, a masked yearly cell ``v``
(``v`` repeated in every month) is determined exactly when

    v ∈ span(Y) + ∩_m span(M_m)

Proof: ``lift(v) = Σ a_y lift(y) + Σ_m (u_m in month m)`` with ``u_m ∈ span(M_m)`` holds iff,
month by month, ``v - Σ a_y y = u_m``; so ``u = v - Σ a_y y`` is one vector in every
``span(M_m)``, i.e. in their intersection; conversely ``v = y' + u`` with ``u`` in the
intersection is ``lift(y') + (u, ..., u)``. The intersection is computed through orthogonal
complements, ``∩_m S_m = (Σ_m S_m^⊥)^⊥``, by singular value decompositions of at most
104 × 98 matrices (:func:`exposed_yearly`).

The monthly cells themselves are protected by :func:`naersund.engine.monthly.protect` under a
stronger assumption: that the reader knows *every* municipality's yearly count (the months of
an area add up to it). Every published yearly vector is a sum of municipality vectors, so what
the reader really knows is contained in what that assumption grants: a monthly cell safe under
it is safe here.

How a determined yearly cell is protected
=========================================

Only monthly cells are masked; the yearly file stays as published. For a determined masked
yearly cell ``v``, ``z`` = the projection of ``v`` on the orthogonal complement of ``span(Y)``
is a change of the municipalities' yearly counts that keeps every published yearly count and
changes ``v`` (``z·v = |z|² > 0``; ``z = 0`` would mean the yearly table gives ``v`` away by
itself, which its own suppression rules out: :class:`YearlyLeak`). Put that change into one
month ``m``: it keeps month ``m``'s published cells when every published cell ``w`` of month
``m`` with ``w·z ≠ 0`` is masked (:func:`forced_masks`; the month where that masks the fewest
and smallest counts, cheapest first as in the other suppression code). Then ``z`` is
orthogonal to ``Y`` and to ``span(M_m)`` ⊇ the intersection, and ``z·v ≠ 0``: ``v`` is no
longer determined. The forced cells join the monthly masks as extra primaries and the monthly
protection runs again; masks only grow (every earlier mask stays a primary), and each round
masks at least one more cell, so the loop ends (:func:`naersund.engine.monthly.protect_release`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from naersund.errors import InputError
from naersund.refdata import NATIONAL_CODE

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
#: level id -> kommunekode -> area code (a user group maps only its members)
Membership = Mapping[str, Mapping[int, int]]
COUNT_COLUMNS = ("numerator", "denominator")
_TOL = 1e-9
_RESIDUAL = 1e-6


class YearlyLeak(InputError, ValueError):
    """A masked yearly count that the yearly cells give away by themselves (the yearly
    results were not suppressed by naersund, or have been edited)."""


@dataclass(frozen=True)
class YearlyRelease:
    """The yearly results published beside the monthly file (the same run's ``results``, as
    suppressed: ``indicator, level, area_code, year, numerator, denominator, suppressed``) and
    the membership the yearly suppression used (``<results>.areas.csv``)."""

    results: pd.DataFrame
    membership: Membership


@dataclass(frozen=True)
class YearlyCells:
    """One indicator × year × column of the yearly results: the published vectors and the
    masked ones with their ``(level, area_code)``."""

    published: FloatArray
    masked: FloatArray
    labels: list[tuple[str, int]]


def vector(membership: Membership, level: str, code: int, order: Sequence[int]) -> FloatArray:
    """The membership vector of ``level`` ``code`` over the municipalities ``order``."""
    if level not in membership:
        raise ValueError(f"no membership for level {level!r}")
    area_of = membership[level]
    return np.array([area_of.get(k) == code for k in order], dtype=float)


def yearly_cells(
    yearly: YearlyRelease, order: Sequence[int], protected_denominator: Mapping[str, bool]
) -> dict[tuple[str, int, str], YearlyCells]:
    """``(indicator, year, column) -> YearlyCells`` for every table with a masked cell (a count
    that is NaN in a suppressed row). Counts without a mask need no check."""
    t = yearly.results
    cache: dict[tuple[str, int], FloatArray] = {}

    def vec(level: str, code: int) -> FloatArray:
        if (level, code) not in cache:
            cache[(level, code)] = vector(yearly.membership, level, code, order)
        return cache[(level, code)]

    out: dict[tuple[str, int, str], YearlyCells] = {}
    suppressed = t["suppressed"].fillna(False).to_numpy(bool)
    for (ind, _year), rows in t.groupby(["indicator", "year"], sort=True):
        for column in COUNT_COLUMNS:
            if column == "denominator" and not protected_denominator.get(str(ind), False):
                continue
            counts = rows[column].to_numpy(float, na_value=np.nan)
            masked = np.isnan(counts) & suppressed[t.index.get_indexer(rows.index)]
            if not masked.any():
                continue
            levels, codes = rows["level"].astype(str).tolist(), rows["area_code"].astype(int)
            keys = list(zip(levels, codes.tolist(), strict=True))
            pub = [vec(*k) for k, m, c in zip(keys, masked, counts, strict=True) if not m]
            out[(str(ind), int(rows["year"].iloc[0]), column)] = YearlyCells(
                published=np.vstack(pub) if pub else np.zeros((0, len(order))),
                masked=np.vstack([vec(*k) for k, m in zip(keys, masked, strict=True) if m]),
                labels=[k for k, m in zip(keys, masked, strict=True) if m],
            )
    return out


def monthly_vectors(
    level: Sequence[Any], area: Sequence[Any], region_of: Mapping[int, int], order: Sequence[int]
) -> FloatArray:
    """Each monthly row's membership vector (``kommune``, ``region`` of ``region_of``,
    ``land``) over the municipalities ``order``."""
    membership: dict[str, Mapping[int, int]] = {
        "kommune": {k: k for k in order},
        "region": region_of,
        "land": dict.fromkeys(order, NATIONAL_CODE),
    }
    row_of: dict[tuple[str, int], int] = {}
    which = [
        row_of.setdefault((str(lv), int(code)), len(row_of))
        for lv, code in zip(level, area, strict=True)
    ]
    if not which:
        return np.zeros((0, len(order)))
    distinct = np.vstack([vector(membership, *key, order) for key in row_of])
    return distinct[np.asarray(which)]


def _basis(a: FloatArray, n: int) -> FloatArray:
    """Orthonormal rows spanning the row space of ``a`` (``n`` columns)."""
    if len(a) == 0:
        return np.zeros((0, n))
    _, s, vt = np.linalg.svd(a, full_matrices=False)
    r = int((s > _TOL * max(1.0, float(s[0]))).sum())
    return vt[:r]


def _complement_of_rows(a: FloatArray, n: int) -> FloatArray:
    """Orthonormal rows spanning the orthogonal complement of the row space of ``a``."""
    if len(a) == 0:
        return np.eye(n)
    if len(a) >= n and _has_every_unit_vector(a):
        return np.zeros((0, n))  # every municipality published by itself: all of R^n
    # with at least n rows the reduced decomposition's vt is already n × n (and it skips the
    # rows × rows U of the full one: most of the time for the stacked complements)
    _, s, vt = np.linalg.svd(a, full_matrices=len(a) < n)
    r = int((s > _TOL * max(1.0, float(s[0]))).sum()) if len(s) else 0
    return vt[r:]


def _complement_of_month(a: FloatArray, n: int) -> FloatArray:
    """:func:`_complement_of_rows` of one month's published rows, cheaply: a row with one
    non-zero entry (a municipality published by itself) sets that coordinate to zero in the
    complement, so only the other rows (regions, the country) over the other coordinates (the
    month's masked municipalities, a few) need a decomposition (issue 14: speed)."""
    if len(a) == 0:
        return np.eye(n)
    nonzero = a != 0
    single = nonzero.sum(axis=1) == 1
    free = np.flatnonzero(~nonzero[single].any(axis=0))
    out = np.zeros((0, n))
    if len(free):
        sums = a[~single][:, free]
        null = _complement_of_rows(sums[sums.any(axis=1)], len(free))
        out = np.zeros((len(null), n))
        out[:, free] = null
    return out


def _has_every_unit_vector(a: FloatArray) -> bool:
    units = a[a.sum(axis=1) == 1]
    return bool(len(units) and units.any(axis=0).all())


def _residual(targets: FloatArray, basis: FloatArray) -> FloatArray:
    return targets - (targets @ basis.T) @ basis


def exposed_yearly(
    cells: YearlyCells, vectors: FloatArray, month: npt.NDArray[Any], hidden: BoolArray
) -> BoolArray:
    """Which masked yearly cells of ``cells`` the published yearly cells and the monthly cells
    (``vectors``, their ``month``, masked where ``hidden``) determine: ``v ∈ span(Y) +
    ∩_m span(M_m)`` (module docstring)."""
    # A municipality published by itself in all twelve months is in every span(M_m), so in
    # their intersection: the question reduces to the other municipalities' coordinates
    # (each span(M_m) is that municipality's axis ⊕ its projection), a much smaller problem.
    unit = ~hidden & (vectors.sum(axis=1) == 1)
    always = np.ones(vectors.shape[1], dtype=bool)
    for m in range(1, 13):
        always &= vectors[unit & (month == m)].any(axis=0)
    rest = ~always
    n = int(rest.sum())
    if n == 0:
        return np.ones(len(cells.masked), dtype=bool)
    v = vectors[:, rest]
    # (a month without a published cell has span {0}: then so has the intersection)
    complements = [_complement_of_month(v[(month == m) & ~hidden], n) for m in range(1, 13)]
    common = _complement_of_rows(np.vstack(complements), n)
    known = _basis(np.vstack([cells.published[:, rest], common]), n)
    residual = _residual(cells.masked[:, rest], known)
    return np.asarray(np.linalg.norm(residual, axis=1) < _RESIDUAL)


def forced_masks(
    cells: YearlyCells,
    target: int,
    vectors: FloatArray,
    month: npt.NDArray[Any],
    values: FloatArray,
    hidden: BoolArray,
) -> list[int]:
    """The monthly cells to mask so that masked yearly cell ``target`` is no longer determined:
    in the cheapest month, every published cell that sees ``z`` (the part of the target's
    vector that no published yearly cell sees; module docstring)."""
    n = vectors.shape[1]
    v = cells.masked[target]
    z = _residual(v[None, :], _basis(cells.published, n))[0]
    if float(z @ v) < _RESIDUAL:
        level, code = cells.labels[target]
        raise YearlyLeak(
            f"{level} {code} er skjult i de årlige resultater, men de offentliggjorte årlige "
            "tal giver den; kør `naersund compute` igen"
        )
    sees = np.abs(vectors @ z) > _RESIDUAL
    best: tuple[tuple[int, float, float], list[int]] | None = None
    for m in np.unique(month):
        need = np.flatnonzero((month == m) & sees & ~hidden)
        if not np.isfinite(values[need]).all():
            continue  # a cell without a count is known to the reader: not this month
        cost = (len(need), float(values[need].sum()), float(m))
        if best is None or cost < best[0]:
            best = (cost, need.tolist())
    if best is None or not best[1]:
        level, code = cells.labels[target]
        raise YearlyLeak(
            f"{level} {code} er skjult i de årlige resultater, men månedstallene giver den, og "
            "ingen måned har tal nok, der kan skjules"
        )
    return best[1]


def revealed_yearly(
    monthly: pd.DataFrame,
    yearly: YearlyRelease,
    region_of: Mapping[int, int],
    protected_denominator: Mapping[str, bool],
) -> list[tuple[str, int, str, str, int]]:
    """``(indicator, year, column, level, area_code)`` of every masked yearly count that the
    yearly results and a monthly table (masked counts NaN) together give away."""
    order = sorted(int(k) for k in region_of)
    tables = yearly_cells(yearly, order, protected_denominator)
    out = []
    for (ind, _year), rows in monthly.groupby(["indicator", "year"], sort=True):
        vectors = monthly_vectors(
            rows["level"].tolist(), rows["area_code"].tolist(), region_of, order
        )
        month = rows["month"].to_numpy(np.int64)
        for column in COUNT_COLUMNS:
            cells = tables.get((str(ind), int(rows["year"].iloc[0]), column))
            if cells is None:
                continue
            hidden = rows[column].isna().to_numpy(bool)
            found = exposed_yearly(cells, vectors, month, hidden)
            out += [
                (str(ind), int(rows["year"].iloc[0]), column, *cells.labels[j])
                for j in np.flatnonzero(found)
            ]
    return out
