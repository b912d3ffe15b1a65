"""Complementary suppression across overlapping partitions (issue 14): the masks of one count
column of one indicator × year table, over cells of any level, such that no masked cell is
determined by the published ones.

Every cell's count is a sum of municipality counts: the cell is a 0/1 *membership vector* over
the municipalities. A reader who knows the published counts knows every linear combination of
their vectors; a masked cell is *determined* when its vector lies in the span of the published
cells' vectors (the rank check). Starting from the masks given (primary and the hierarchy's
complementary ones), while some masked cell is determined:

1. find the published cells that every way of computing it needs (*essential*: removing one
   of them takes the masked cell's vector out of the span). With the singular value
   decomposition ``A = U S Vᵀ`` of the published vectors, the minimum-norm coefficients ``a`` of
   the masked vector and the null space ``N = U[:, r:]`` of ``Aᵀ``, a published cell ``v`` is
   essential exactly when ``a_v ≠ 0`` and row ``v`` of ``N`` is zero (no other combination can
   stand in for it);
2. mask the cheapest essential cell (the smallest non-zero count, a zero only when nothing
   else is left, as in :mod:`naersund.suppression`; ties to the lower level index, then the
   lower area code); where no single cell is essential (two independent ways), mask the
   cheapest cell the combination uses, and look again.

Masking only removes published vectors, so a masked cell that is not determined stays so: the
loop ends, masking at most every cell. Cells without a count (NaN) are taken as known to the
reader (they may be a revealing zero) and never masked, as in :mod:`naersund.suppression`.
Pure numpy; one decomposition per round and table (a national table: 130 cells × 98
municipalities).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
_TOL = 1e-8


class Unprotectable(Exception):
    """``row`` is a masked cell that the published cells determine and no published cell can
    be masked to protect it (every cell it depends on is without a count)."""

    def __init__(self, row: int) -> None:
        super().__init__(row)
        self.row = row


def protect(
    vectors: FloatArray,
    value: FloatArray,
    hidden: BoolArray,
    level_rank: IntArray,
    area: IntArray,
) -> BoolArray:
    """The masks of one table: ``vectors`` (cells × municipalities, 0/1), the cells' counts
    (NaN: missing, known to the reader), the masks to start from, and the tie-breaks (level
    index, area code). Returns a copy of ``hidden`` with the complementary masks added."""
    hidden = hidden.copy()
    finite = np.isfinite(value)
    zero = finite & (value == 0)
    cost_value = np.where(finite, value, np.inf)
    # cheapest first: non-zero before zero, smaller count, lower level index, lower area code
    rank_of = np.empty(len(value), dtype=np.int64)
    rank_of[np.lexsort((area, level_rank, cost_value, zero))] = np.arange(len(value))
    for _ in range(len(value) + 1):
        known = np.flatnonzero(~hidden)
        masked = np.flatnonzero(hidden)
        if len(masked) == 0:
            return hidden
        a = vectors[known]
        if len(known):
            u, s, vt = np.linalg.svd(a, full_matrices=True)
            r = int((s > _TOL * max(1.0, float(s[0]) if len(s) else 1.0)).sum())
        else:
            u, s, vt, r = np.zeros((0, 0)), np.zeros(0), np.zeros((0, vectors.shape[1])), 0
        basis = vt[:r]
        targets = vectors[masked]
        residual = targets - (targets @ basis.T) @ basis
        determined = np.linalg.norm(residual, axis=1) < 1e-6
        if not determined.any():
            return hidden
        null_rows = np.linalg.norm(u[:, r:], axis=1) if r < len(known) else np.zeros(len(known))
        replaceable = null_rows > 1e-6
        # minimum-norm coefficients of every determined masked vector on the published ones
        coeffs = (targets[determined] @ basis.T / s[:r]) @ u[:, :r].T
        chosen: set[int] = set()
        for row, coef in zip(masked[determined], coeffs, strict=True):
            used = np.abs(coef) > 1e-6
            essential = known[used & ~replaceable & finite[known]]
            if chosen & set(essential.tolist()):
                continue  # a cell masked this round already takes it out of the span
            pool = essential if len(essential) else known[used & finite[known]]
            if len(pool) == 0:
                raise Unprotectable(int(row))
            pick = int(pool[np.argmin(rank_of[pool])])
            chosen.add(pick)
            if not len(essential):
                break  # two ways or more: look again after this one
        hidden[list(chosen)] = True
    return hidden
