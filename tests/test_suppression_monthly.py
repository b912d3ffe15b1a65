"""The monthly file beside the yearly results (issue 14): no masked count, yearly (any level) or
monthly, can be recovered from everything a release publishes.

The checker here is independent of the code under test: it works in the lifted space
``R^(n×12)`` (municipality × month counts), where a published yearly cell is its membership
vector repeated in every month and a published monthly cell is its vector in its own month, and
asks with plain numpy rank tests whether a masked cell's vector lies in the span of the
published ones. (The code under test works in ``R^n`` with intersections of spans.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from threadpoolctl import threadpool_limits

from naersund.analysis.monthly_file import read_monthly_file
from naersund.analysis.publishable import read_publishable
from naersund.analysis.results_levels import membership_from_areas
from naersund.cli import cli
from naersund.engine.compute import ComputeOptions
from naersund.engine.monthly import compute_monthly, suppress_monthly
from naersund.engine.outputs import areas_path, monthly_path
from naersund.errors import InputError
from naersund.suppression_levels import suppress_levels
from naersund.suppression_monthly import YearlyRelease

Levels = dict[str, dict[int, int]]
MONTHS = range(1, 13)

# -- the independent checker -------------------------------------------------------------------


def _vector(
    levels: Mapping[str, Mapping[int, int]], level: str, code: int, order: list[int]
) -> np.ndarray:
    return np.array([levels[level].get(k) == code for k in order], dtype=float)


def _lifted(
    yearly: pd.DataFrame, monthly: pd.DataFrame, levels: Mapping[str, Mapping[int, int]]
) -> tuple[np.ndarray, np.ndarray, list[tuple[object, ...]]]:
    """(published vectors, masked vectors, masked labels) of one count column's cells in the
    lifted space; rows of ``yearly``/``monthly`` carry ``level, area_code, (month,) count``
    with NaN for a masked count."""
    order = sorted(levels["kommune"])
    n = len(order)
    published, masked, labels = [], [], []
    for r in yearly.itertuples():
        x = np.tile(_vector(levels, r.level, r.area_code, order), 12)
        if np.isnan(r.count):
            masked.append(x)
            labels.append(("år", r.level, r.area_code))
        else:
            published.append(x)
    for r in monthly.itertuples():
        x = np.zeros(12 * n)
        x[(r.month - 1) * n : r.month * n] = _vector(levels, r.level, r.area_code, order)
        if np.isnan(r.count):
            masked.append(x)
            labels.append(("måned", r.level, r.area_code, r.month))
        else:
            published.append(x)
    empty = np.zeros((0, 12 * n))
    return (
        np.array(published) if published else empty,
        np.array(masked) if masked else empty,
        labels,
    )


def recoverable(
    yearly: pd.DataFrame,
    monthly: pd.DataFrame,
    levels: Mapping[str, Mapping[int, int]],
    exact: bool = True,
) -> list[tuple[object, ...]]:
    """The masked cells whose lifted vector lies in the span of the published ones. ``exact``:
    one ``matrix_rank`` per masked cell (rank(P + v) = rank(P)); else the same test by the
    residual of each masked vector on an orthonormal basis of P (for national sizes)."""
    with threadpool_limits(limits=1, user_api="blas"):  # small matrices: one thread is faster
        return _recoverable(*_lifted(yearly, monthly, levels), exact)


def _recoverable(
    published: np.ndarray, masked: np.ndarray, labels: list[tuple[object, ...]], exact: bool
) -> list[tuple[object, ...]]:
    if len(masked) == 0:
        return []
    rank = int(np.linalg.matrix_rank(published)) if len(published) else 0
    if exact:
        return [
            label
            for v, label in zip(masked, labels, strict=True)
            if np.linalg.matrix_rank(np.vstack([published, v])) == rank
        ]
    basis = np.linalg.svd(published, full_matrices=False)[2][:rank]
    residual = masked - (masked @ basis.T) @ basis
    found = np.linalg.norm(residual, axis=1) < 1e-6
    return [label for label, f in zip(labels, found, strict=True) if f]


def _count_frames(
    yearly: pd.DataFrame, monthly: pd.DataFrame, column: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    y = yearly[["level", "area_code", column]].rename(columns={column: "count"})
    m = monthly[["level", "area_code", "month", column]].rename(columns={column: "count"})
    return y, m


# -- small worlds ------------------------------------------------------------------------------


def _tables(
    levels: Levels, counts: Mapping[tuple[int, int], int]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Unsuppressed yearly rows (every level of ``levels``) and monthly rows (kommune, region,
    land) of one indicator × year from counts per municipality × month."""
    munis = sorted(levels["kommune"])
    year = {k: sum(counts.get((k, m), 0) for m in MONTHS) for k in munis}
    rows = []
    for level, area_of in levels.items():
        sums: dict[int, int] = {}
        for k, a in area_of.items():
            sums[a] = sums.get(a, 0) + year[k]
        rows += [(level, a, float(c)) for a, c in sorted(sums.items())]
    yearly = pd.DataFrame(rows, columns=["level", "area_code", "numerator"])
    yearly = yearly.assign(indicator="x", year=2014, denominator=1000.0, value=0.0)
    mrows = []
    for m in MONTHS:
        for level in ("kommune", "region", "land"):
            msums: dict[int, int] = {}
            for k, a in levels[level].items():
                msums[a] = msums.get(a, 0) + counts.get((k, m), 0)
            mrows += [(level, a, m, float(c)) for a, c in sorted(msums.items())]
    monthly = pd.DataFrame(mrows, columns=["level", "area_code", "month", "numerator"])
    monthly = monthly.assign(
        indicator="x",
        year=2014,
        denominator=1000.0,
        value=1.0,
        lower_ci=0.0,
        upper_ci=1.0,
        unit="u",
        suppressed=False,
    )
    return yearly, monthly


def _release(
    levels: Levels, counts: Mapping[tuple[int, int], int], with_yearly: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The yearly table as the yearly code path suppresses it, and the monthly table as
    :func:`suppress_monthly` does given it (or, without ``with_yearly``, as before issue 14's
    last step: monthly cells only)."""
    yearly, monthly = _tables(levels, counts)
    published = suppress_levels(yearly, levels, {"x": False})
    given_yearly = YearlyRelease(published, levels) if with_yearly else None
    months = suppress_monthly(monthly, levels["region"], {"x": False}, None, given_yearly)
    return published, months


# The old leak, by hand: six municipalities, regions {1,2,3} and {4,5,6}, three sundhedsråd
# {1,4}, {2,5}, {3,6}. Municipality 3 has 2 events (in August and November); the others have the
# same count every month. The yearly suppression masks 3, municipality 1 as its partner in
# region 10, then municipality 6 as the partner that keeps sundhedsråd 300 (= 3 + 6) from
# giving 3 away, and 4 for sundhedsråd 100 (= 1 + 4). Every month of 4 and 6 is at least 8, so
# the monthly suppression alone shows all twelve: their sums are the masked yearly counts, and
# sundhedsråd 300 minus municipality 6 gives municipality 3's 2.
HAND_LEVELS: Levels = {
    "kommune": {k: k for k in range(1, 7)},
    "region": {1: 10, 2: 10, 3: 10, 4: 20, 5: 20, 6: 20},
    "sundhedsraad": {1: 100, 4: 100, 2: 200, 5: 200, 3: 300, 6: 300},
    "land": dict.fromkeys(range(1, 7), 0),
}
HAND_COUNTS = {
    (k, m): per for k, per in {1: 14, 2: 16, 4: 8, 5: 17, 6: 15}.items() for m in MONTHS
} | {(3, 8): 1, (3, 11): 1}


def _months_masked(monthly: pd.DataFrame, code: int) -> int:
    rows = monthly[(monthly["level"] == "kommune") & (monthly["area_code"] == code)]
    return int(rows["suppressed"].sum())


def test_the_old_monthly_masks_give_a_masked_yearly_count_away() -> None:
    """The leak this module closes, and proof that the checker can fail."""
    yearly, months = _release(HAND_LEVELS, HAND_COUNTS, with_yearly=False)
    masked = yearly[yearly["suppressed"]]
    assert sorted(masked["area_code"]) == [1, 3, 4, 6]
    assert set(masked["level"]) == {"kommune"}
    assert _months_masked(months, 6) == 0 and _months_masked(months, 4) == 0
    found = recoverable(*_count_frames(yearly, months, "numerator"), HAND_LEVELS)
    assert ("år", "kommune", 3) in found and ("år", "kommune", 6) in found


def test_a_sundhedsraad_partner_gets_at_least_two_months_masked() -> None:
    before, _ = _release(HAND_LEVELS, HAND_COUNTS, with_yearly=False)
    yearly, months = _release(HAND_LEVELS, HAND_COUNTS)
    pd.testing.assert_frame_equal(yearly, before)  # the yearly file stays as published
    for partner in (4, 6):
        assert _months_masked(months, partner) >= 2
    assert recoverable(*_count_frames(yearly, months, "numerator"), HAND_LEVELS) == []
    assert months.loc[months["suppressed"], ["numerator", "value"]].isna().all().all()
    # what the months show is the truth
    _, truth = _tables(HAND_LEVELS, HAND_COUNTS)
    shown = ~months["suppressed"]
    assert (months.loc[shown, "numerator"] == truth.loc[shown, "numerator"]).all()


def test_the_masks_of_the_hand_case_stay_as_they_are() -> None:
    """Pinned masks (issue 14: the monthly step was made faster with identical masks; a later
    speed change must not change them silently). By hand, the monthly cells alone:
    municipality 3's two 1s (August, November) and, for region 10, municipality 1 in the same
    months (the smallest visible count, 14 < 16): a rectangle. With the yearly file, which also
    masks 4 and 6 (sundhedsråd partners), two months each of 4 and 6 (January, the cheapest
    month, and August); the tests above check that this leaves nothing recoverable."""
    _, months = _release(HAND_LEVELS, HAND_COUNTS)
    masked = months[months["suppressed"]]
    cells = sorted(zip(masked["level"], masked["area_code"], masked["month"], strict=True))
    assert cells == [
        ("kommune", 1, 8),
        ("kommune", 1, 11),
        ("kommune", 3, 8),
        ("kommune", 3, 11),
        ("kommune", 4, 1),
        ("kommune", 4, 8),
        ("kommune", 6, 1),
        ("kommune", 6, 8),
    ]
    _, alone = _release(HAND_LEVELS, HAND_COUNTS, with_yearly=False)
    masked = alone[alone["suppressed"]]
    assert sorted(zip(masked["area_code"], masked["month"], strict=True)) == [
        (1, 8),
        (1, 11),
        (3, 8),
        (3, 11),
    ]


# -- random overlapping partitions -------------------------------------------------------------


@st.composite
def _worlds(draw: st.DrawFn) -> tuple[Levels, dict[tuple[int, int], int], bool]:
    """8-14 municipalities, random regions (2-3), two or three random overlapping partitions
    (sundhedsråd-like, 2-4 areas) and maybe a user group; per municipality × month counts of
    three kinds: rare (a yearly count under 5), small months, or every month large."""
    n = draw(st.integers(8, 14))
    munis = list(range(101, 101 + n))
    levels: Levels = {
        "kommune": {k: k for k in munis},
        "region": {k: 1 + draw(st.integers(0, 2)) for k in munis},
        "land": dict.fromkeys(munis, 0),
    }
    for name in ("p1", "p2", "p3")[: draw(st.integers(2, 3))]:
        levels[name] = {k: 1 + draw(st.integers(0, 3)) for k in munis}
    if draw(st.booleans()):
        group = draw(st.lists(st.sampled_from(munis), min_size=2, max_size=5, unique=True))
        levels["g"] = dict.fromkeys(group, 1)
    counts: dict[tuple[int, int], int] = {}
    for k in munis:
        kind = draw(st.sampled_from(["rare", "rare", "small", "large", "large", "large"]))
        if kind == "rare":  # a yearly count of 0-4: masked in the yearly file
            for m in draw(st.lists(st.sampled_from(list(MONTHS)), max_size=4, unique=True)):
                counts[(k, m)] = 1
        elif kind == "small":  # months 0-9, many masked
            counts |= {(k, m): draw(st.sampled_from([0, 1, 2, 3, 5, 9])) for m in MONTHS}
        else:  # every month shown by itself; the year masked only as someone's partner
            counts |= {(k, m): draw(st.sampled_from([6, 11, 20, 40])) for m in MONTHS}
    return levels, counts, draw(st.booleans())


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(_worlds())
def test_nothing_masked_is_recoverable_from_the_yearly_and_monthly_cells(
    world: tuple[Levels, dict[tuple[int, int], int], bool],
) -> None:
    levels, counts, regions_published = world
    yearly, monthly = _tables(levels, counts)
    if not regions_published:  # the yearly file without regions (p1 takes their place)
        yearly = yearly[yearly["level"] != "region"].reset_index(drop=True)
    published = suppress_levels(yearly, levels, {"x": False})
    months = suppress_monthly(
        monthly, levels["region"], {"x": False}, None, YearlyRelease(published, levels)
    )
    assert recoverable(*_count_frames(published, months, "numerator"), levels) == []
    assert not months["numerator"].between(1, 4).any()
    assert not published["numerator"].between(1, 4).any()


# -- end to end: `naersund compute --monthly` on synthetic data --------------------------------

ALL_LEVELS = "kommune,region,region2027,kkr,sundhedsraad,land"


@pytest.fixture(scope="module")
def run(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("monthly-release") / "results.csv"
    result = CliRunner().invoke(
        cli,
        [
            "compute",
            "--data",
            str(synthetic_dir),
            "--out",
            str(out),
            "--monthly",
            "--levels",
            ALL_LEVELS,
        ],
    )
    assert result.exit_code == 0, result.output
    return out


def _read_back(out: Path) -> tuple[pd.DataFrame, pd.DataFrame, Levels]:
    """The release as a reader has it: the yearly results, the monthly file and the areas."""
    yearly = pd.read_csv(out)
    monthly = pd.read_csv(monthly_path(out))
    areas = pd.read_csv(areas_path(out))
    levels = membership_from_areas(areas)
    return yearly, monthly, levels


def _leaks(yearly: pd.DataFrame, monthly: pd.DataFrame, levels: Levels) -> list[tuple[object, ...]]:
    found = []
    proportions = {"genindlaeggelser_30d_65"}
    for (ind, year), months in monthly.groupby(["indicator", "year"]):
        year_rows = yearly[(yearly["indicator"] == ind) & (yearly["year"] == year)]
        for column in ("numerator", "denominator") if ind in proportions else ("numerator",):
            y, m = _count_frames(year_rows, months, column)
            found += [(ind, year, column, *c) for c in recoverable(y, m, levels, exact=False)]
    return found


@pytest.mark.slow
def test_a_release_with_every_level_and_the_monthly_file_reveals_no_masked_count(
    run: Path,
) -> None:
    yearly, monthly, levels = _read_back(run)
    assert set(yearly["level"]) == set(ALL_LEVELS.split(","))
    assert yearly["suppressed"].any() and monthly["suppressed"].any()
    assert _leaks(yearly, monthly, levels) == []
    # and the release is publishable as it stands
    assert read_publishable(run, 5).monthly is not None


@pytest.mark.slow
def test_publish_refuses_monthly_values_that_give_a_yearly_count_away(
    run: Path, synthetic_dir: Path, tmp_path: Path
) -> None:
    """The monthly file as it was suppressed before (monthly cells only) reveals masked yearly
    counts of this release (the independent checker finds them); the publish check names
    file, indicator, year and area of each."""
    yearly, _, levels = _read_back(run)
    options = ComputeOptions(levels=ALL_LEVELS.split(","))
    old = compute_monthly(synthetic_dir, options).table.assign(note="SYNTETISKE DATA")
    leaks = _leaks(yearly, old, levels)
    assert leaks
    path = tmp_path / "results.monthly.csv"
    old.to_csv(path, index=False)
    with pytest.raises(InputError) as err:
        read_monthly_file(
            path,
            set(yearly["indicator"]),
            set(yearly["year"]),
            5,
            yearly=YearlyRelease(yearly, levels),
        )
    message = str(err.value)
    named = re.findall(
        rf"{re.escape(str(path))}: den skjulte årlige værdi \((\w+)\) for (\w+) (\d+), (\w+) (\d+)",
        message,
    )
    assert named, message
    yearly_leaks = {
        (i, int(y), c, lv, int(a)) for i, y, c, kind, lv, a, *_ in leaks if kind == "år"
    }
    assert {(i, int(y), c, lv, int(a)) for c, i, y, lv, a in named} == yearly_leaks
    assert "kør `naersund compute --monthly` igen" in message
