"""The sums a reader of the monthly file knows, as one linear system per indicator × year, and
which masked cells they determine (issue 14; used by :func:`naersund.engine.monthly.protect`).

Speed (issue 14: yearly + monthly suppression of national 10 years under 2 s): the system is
built once per table as a signed coefficient matrix (equations × cells) and the question "which
masked cells are determined" is answered per connected component of the masked cells (two
masked cells are connected when an equation holds both). The matrix over the masked cells is
block diagonal by component, so a cell is determined by the whole system exactly when it is by
its component's equations; the components are small (a few masked months of an area and their
region and country), their decompositions cheap, and a component whose cells did not change
since the last round is not decomposed again (:class:`SumSystem` keeps the answers).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

BoolArray = npt.NDArray[np.bool_]
#: (cells, total known): sum of cells = total; without a known total: first = sum of the rest
Equation = tuple[Sequence[int], bool]
_RANK_TOL = 1e-9
_PINNED_TOL = 1e-10


def coefficients(equations: Sequence[Equation], n_cells: int) -> npt.NDArray[np.float64]:
    """The homogeneous system over all cells: one row per equation, ``+1`` for every cell of
    a sum with a known total; ``+1`` for the total cell and ``-1`` for its parts otherwise."""
    coef = np.zeros((len(equations), n_cells))
    for e, (members, known) in enumerate(equations):
        cells = np.asarray(members, dtype=np.int64)
        coef[e, cells] = 1.0 if known else -1.0
        if not known and len(cells):
            coef[e, cells[0]] = 1.0
    return coef


def pinned_cells(a: npt.NDArray[np.float64]) -> BoolArray:
    """Which columns of ``a`` every solution of ``a x = 0`` has zero in: the unit vector lies
    in the row space (its projection on the orthonormal rows ``vt[:rank]`` has length one).
    The reduced decomposition is much cheaper than the full one that gives the null space."""
    if len(a) == 0:
        return np.zeros(a.shape[1], dtype=bool)
    _, s, vt = np.linalg.svd(a, full_matrices=False)
    rank = int((s > _RANK_TOL * max(1.0, float(s.max()))).sum())
    return np.asarray(1.0 - (vt[:rank] ** 2).sum(axis=0) < _PINNED_TOL)


class SumSystem:
    """The equations of one table, prepared once: coefficients, which equations hold which
    cell, and the answers of :meth:`determined` per component of masked cells."""

    def __init__(self, equations: Sequence[Equation], n_cells: int) -> None:
        self.equations = equations
        self.n_cells = n_cells
        self.coef = coefficients(equations, n_cells)
        self.incidence = self.coef != 0
        self.members = [np.asarray(m, dtype=np.int64) for m, _ in equations]
        self._answers: dict[bytes, BoolArray] = {}

    def hidden_per_equation(self, hidden: BoolArray) -> npt.NDArray[np.int64]:
        """How many cells of each equation are hidden."""
        return np.asarray(self.incidence @ hidden.astype(np.int64), dtype=np.int64)

    def determined(self, hidden: BoolArray) -> BoolArray:
        """Which hidden cells the equations pin down (every solution of the homogeneous
        system over the hidden cells is zero there), component by component."""
        out = np.zeros(len(hidden), dtype=bool)
        cells = np.flatnonzero(hidden)
        if len(cells) == 0 or len(self.equations) == 0:
            return out
        sub = self.incidence[:, cells]
        rows = np.flatnonzero(sub.any(axis=1))
        if len(rows) == 0:
            return out
        # the bipartite graph equations | masked cells: its components split the system
        sub = sub[rows]
        r, c = np.nonzero(sub)
        n_rows = len(rows)
        graph = coo_matrix((np.ones(len(r)), (r, n_rows + c)), shape=(n_rows + len(cells),) * 2)
        _, label = connected_components(graph, directed=False)
        row_label, cell_label = label[:n_rows], label[n_rows:]
        for comp in np.unique(cell_label):
            mine = cells[cell_label == comp]
            key = mine.tobytes()
            if key not in self._answers:
                eqs = rows[row_label == comp]
                self._answers[key] = pinned_cells(self.coef[np.ix_(eqs, mine)])
            out[mine[self._answers[key]]] = True
        return out


def determined(hidden: BoolArray, equations: Sequence[Equation]) -> BoolArray:
    """Which hidden cells the equations pin down (:meth:`SumSystem.determined`)."""
    return SumSystem(equations, len(hidden)).determined(hidden)


def partner_options(
    system: SumSystem, e: int, hidden: BoolArray, values: npt.NDArray[Any]
) -> npt.NDArray[np.int64]:
    """The visible cells with a count of equation ``e``, in its order."""
    members = system.members[e]
    return members[~hidden[members] & np.isfinite(values[members])]
