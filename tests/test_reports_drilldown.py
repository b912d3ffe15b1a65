"""Drill-down tables for the professional level: computed from registry data, suppressed
before they reach a pack (hand-made cases for the rule, then the real thing)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from naersund.reports import area_of, build_pack, render
from naersund.reports.drilldown import MONTHS, suppress_breakdown, with_drilldown
from naersund.reports.load import from_results_file
from naersund.reports.model import ReportInput

ALBERTSLUND = 165


@pytest.mark.parametrize(
    ("counts", "total_hidden", "masked"),
    [
        ([10, 3, 8], False, [False, True, True]),  # 3 alone would be total - 18: mask 8 too
        ([10, 3, 2], False, [False, True, True]),  # two masked hide each other
        ([0, 3, 9, 12], False, [False, True, True, False]),  # a zero partner would reveal 3
        ([0, 3], False, [True, True]),  # only a zero is left: it must go
        ([5, 6, 0], False, [False, False, False]),
        ([50, 60], True, [True, True]),  # the published total is hidden: so is every part
    ],
)
def test_the_suppression_rule_of_a_breakdown(
    counts: list[int], total_hidden: bool, masked: list[bool]
) -> None:
    assert suppress_breakdown(counts, 5, total_hidden) == masked


@cache
def _results(synthetic_dir: Path, out: Path) -> Path:
    from naersund.engine.compute import compute
    from naersund.engine.outputs import write_results

    return write_results(compute(synthetic_dir), out / "results.csv")


@pytest.fixture(scope="module")
def data(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> ReportInput:
    base = from_results_file(_results(synthetic_dir, tmp_path_factory.mktemp("drill")))
    return with_drilldown(base, synthetic_dir, 2014, kommune=ALBERTSLUND)


def test_every_breakdown_is_complete_and_adds_up_to_the_published_count(data: ReportInput) -> None:
    dd = data.drilldown
    assert dd is not None and set(dd["kommunekode"]) == {ALBERTSLUND}
    r = data.results
    for (ind, dim), part in dd.groupby(["indicator", "dimension"]):
        published = r[
            (r["indicator"] == ind)
            & (r["level"] == "kommune")
            & (r["area_code"] == ALBERTSLUND)
            & (r["year"] == 2014)
        ].iloc[0]
        if dim == "maaned":
            assert part.sort_values("sort")["category"].tolist() == MONTHS
        if dim == "koen":
            assert sorted(part["category"]) == ["Kvinder", "Mænd"]
        if not part["suppressed"].any():
            assert part["numerator"].sum() == published["numerator"]


def test_no_small_count_is_ever_visible_and_no_mask_stands_alone(data: ReportInput) -> None:
    dd = data.drilldown
    assert dd is not None
    visible = dd[~dd["suppressed"]]
    for col in ("numerator", "denominator"):
        small = visible[col].notna() & (visible[col] > 0) & (visible[col] < 5)
        assert not small.any(), visible[small]
    hidden = dd[dd["suppressed"]]
    assert hidden[["numerator", "denominator", "value"]].isna().all().all()
    per_table = dd.groupby(["indicator", "dimension"])["suppressed"].sum()
    assert not (per_table == 1).any()
    assert dd["suppressed"].any()  # the 2 % sample has small cells to hide


def test_the_professional_pack_prints_the_breakdowns_without_hidden_numbers(
    data: ReportInput,
) -> None:
    pack = build_pack(data, "fagligt", area_of("kommune", ALBERTSLUND), 2014)
    tables = [t for t in pack.tables() if t.title.endswith(", 2014") and "efter" in t.title]
    assert {t.title.split(" efter ")[1] for t in tables} >= {
        "aldersgruppe, 2014",
        "køn, 2014",
        "måned, 2014",
        "diagnosegruppe, 2014",
    }
    dd = data.drilldown
    assert dd is not None
    for t in tables:
        for row in t.rows:
            cell = dd[dd["category"] == row[0]]
            if cell["suppressed"].all():
                assert row[1:] == [None] * (len(row) - 1)
    html = render(pack, "html").decode()
    assert "Opdeling" in html and "efter måned" in html


def test_without_registry_data_the_pack_says_where_breakdowns_come_from(data: ReportInput) -> None:
    plain = replace(data, drilldown=None)
    html = render(build_pack(plain, "fagligt", area_of("kommune", ALBERTSLUND), 2014), "html")
    # said for a reader (the reports no longer name commands): where it comes from, whom to ask
    text = html.decode()
    assert "Opdelingen beregnes fra registerdata" in text
    assert "bed den, der laver rapporterne, om en rapport med opdeling" in text


def test_an_unknown_data_directory_is_one_message(data: ReportInput, tmp_path: Path) -> None:
    from naersund.errors import InputError

    with pytest.raises(InputError, match="data directory not found"):
        with_drilldown(data, tmp_path / "ingen", 2014, kommune=ALBERTSLUND)


def test_suppressed_rows_of_the_published_table_hide_the_whole_breakdown(
    data: ReportInput, synthetic_dir: Path
) -> None:
    r = data.results.copy()
    mask = (r["level"] == "kommune") & (r["area_code"] == ALBERTSLUND) & (r["year"] == 2014)
    mask &= r["indicator"] == "akutte_korttidsindlaeggelser"
    r.loc[mask, "suppressed"] = True
    hidden = replace(data, published=replace(data.published, results=r), drilldown=None)
    dd = with_drilldown(hidden, synthetic_dir, 2014, kommune=ALBERTSLUND).drilldown
    assert dd is not None
    part = dd[dd["indicator"] == "akutte_korttidsindlaeggelser"]
    assert len(part) > 0 and part["suppressed"].all()
    assert isinstance(part, pd.DataFrame)
