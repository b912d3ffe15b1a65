"""The monthly file's sums as a system solved per component of masked cells
(:mod:`naersund.monthly_sums`, issue 14's speed step): the same answers as one decomposition of
the whole system, however often it is asked (its answers are kept per component)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from naersund.engine.monthly import _equations
from naersund.monthly_sums import SumSystem, coefficients
from naersund.suppression_monthly import _complement_of_month, _complement_of_rows

REGIONS = {1: 10, 2: 10, 3: 20, 4: 20, 5: 20, 6: 30}


def _cells() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(level, area, month) of a monthly table: six municipalities, three regions, land."""
    keys = [("kommune", k) for k in REGIONS] + [("region", r) for r in (10, 20, 30)]
    keys.append(("land", 0))
    rows = [(lv, a, m) for m in range(1, 13) for lv, a in keys]
    level, area, month = zip(*rows, strict=True)
    return np.array(level, dtype=object), np.array(area), np.array(month)


def _whole_system(hidden: np.ndarray, equations: list[tuple[list[int], bool]]) -> np.ndarray:
    """The plain test: cell i is determined when adding the unit vector e_i to the system's
    rows over the hidden cells does not raise the rank."""
    cells = np.flatnonzero(hidden)
    out = np.zeros(len(hidden), dtype=bool)
    a = coefficients(equations, len(hidden))[:, cells]
    rank = np.linalg.matrix_rank(a)
    for j, c in enumerate(cells):
        unit = np.zeros(len(cells))
        unit[j] = 1.0
        out[c] = np.linalg.matrix_rank(np.vstack([a, unit])) == rank
    return out


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.lists(st.integers(0, 119), max_size=14), min_size=1, max_size=4))
def test_components_give_the_whole_systems_answer(masks: list[list[int]]) -> None:
    level, area, month = _cells()
    equations = _equations(level, area, month, REGIONS)
    system = SumSystem(equations, len(level))
    hidden = np.zeros(len(level), dtype=bool)
    for more in masks:  # masks only grow, as in the protection loop (answers are kept)
        hidden[more] = True
        np.testing.assert_array_equal(system.determined(hidden), _whole_system(hidden, equations))


def test_a_lone_masked_month_is_determined_and_a_rectangle_is_not() -> None:
    level, area, month = _cells()
    system = SumSystem(_equations(level, area, month, REGIONS), len(level))

    def at(k: int, m: int) -> int:
        return int(np.flatnonzero((level == "kommune") & (area == k) & (month == m))[0])

    hidden = np.zeros(len(level), dtype=bool)
    hidden[at(1, 3)] = True
    assert system.determined(hidden)[at(1, 3)]
    hidden[[at(1, 4), at(2, 3), at(2, 4)]] = True
    assert not system.determined(hidden).any()


@pytest.mark.parametrize("seed", range(5))
def test_a_months_complement_is_the_plain_one(seed: int) -> None:
    """The shortcut for one month's published rows (municipalities by themselves fix their
    coordinate) spans the same space as the complement by one decomposition."""
    rng = np.random.default_rng(seed)
    n = 12
    region = rng.integers(0, 3, n)
    rows = [np.eye(n)[k] for k in range(n)] + [(region == r).astype(float) for r in range(3)]
    rows.append(np.ones(n))
    published = np.array(rows)[rng.random(len(rows)) < 0.6]
    fast, plain = _complement_of_month(published, n), _complement_of_rows(published, n)
    assert fast.shape == plain.shape
    np.testing.assert_allclose(fast.T @ fast, plain.T @ plain, atol=1e-9)  # same projection
