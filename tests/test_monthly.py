"""Monthly values: hand-computed counts on a tiny registry, and the monthly suppression.

The registry (all 2014, København 101, women born 15 June 1940, so 73, acute, DE86):

* p1 #1 2014-01-31 20:00 → 02-01 10:00 (14 h): short stay (start January), preventable
  (January), readmission index stay (ends February) followed by p1 #2 nine days later;
* p1 #2 2014-02-10 08:00 → 02-11 08:00 (24 h): not short (< 24 h fails), preventable
  (February), index stay (ends February), not followed;
* p1 #3 2014-03-20 08:00 → 14:00 (6 h): short stay (March); too short for the others;
* p2 2014-03-31 22:00 → 04-01 02:00 and 04-01 05:00 → 12:00: one stay (3 h gap < 4 h merge
  gap) of 14 h: short (March), preventable (March), index stay ending in April, not followed.

So: short stays Jan 1, Mar 2; preventable Jan 1, Feb 1, Mar 1; readmissions Feb 1 of 2,
Apr 0 of 1. Days ready for discharge: 01-30 → 02-03 (Jan 30, 31; Feb 1, 2) and 02-27 → 03-02
(Feb 27, 28; Mar 1): Jan 2, Feb 4, Mar 1.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from naersund.engine.compute import ComputeOptions, compute
from naersund.engine.monthly import (
    compute_monthly,
    determined,
    suppress_monthly,
    write_monthly,
)
from naersund.engine.outputs import monthly_path
from naersund.suppression import SuppressionRule

BASE = "kommunekode,sex,birth_date,acute,primary_diagnosis,specialty,hospital,died"
CONTACTS = [
    ("p1", "2014-01-31T20:00:00", "2014-02-01T10:00:00"),
    ("p1", "2014-02-10T08:00:00", "2014-02-11T08:00:00"),
    ("p1", "2014-03-20T08:00:00", "2014-03-20T14:00:00"),
    ("p2", "2014-03-31T22:00:00", "2014-04-01T02:00:00"),
    ("p2", "2014-04-01T05:00:00", "2014-04-01T12:00:00"),
]
READY = [("p1", "2014-01-30", "2014-02-03"), ("p1", "2014-02-27", "2014-03-02")]


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("monthly") / "registry"
    d.mkdir()
    rows = [
        f"{p},101,F,1940-06-15,true,DE86,intern medicin,A,false,{a},{b}" for p, a, b in CONTACTS
    ]
    (d / "contacts.csv").write_text(
        "person_id," + BASE + ",start,end\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    ready = [f"{p},101,{a},{b}" for p, a, b in READY]
    (d / "ready_for_discharge.csv").write_text(
        "person_id,kommunekode,ready_date,discharge_date\n" + "\n".join(ready) + "\n",
        encoding="utf-8",
    )
    return d


@pytest.fixture(scope="module")
def unsuppressed(registry: Path) -> pd.DataFrame:
    options = ComputeOptions(suppression=SuppressionRule(min_count=1))
    return compute_monthly(registry, options).table


def _months(table: pd.DataFrame, indicator: str, column: str = "numerator") -> dict[int, float]:
    rows = table[
        (table["indicator"] == indicator)
        & (table["level"] == "kommune")
        & (table["area_code"] == 101)
    ]
    return {int(m): float(v) for m, v in zip(rows["month"], rows[column], strict=True) if v}


def test_hand_computed_monthly_counts(unsuppressed: pd.DataFrame) -> None:
    t = unsuppressed
    assert _months(t, "akutte_korttidsindlaeggelser") == {1: 1, 3: 2}
    assert _months(t, "forebyggelige_indlaeggelser_65") == {1: 1, 2: 1, 3: 1}
    assert _months(t, "genindlaeggelser_30d_65") == {2: 1}
    assert _months(t, "genindlaeggelser_30d_65", "denominator") == {2: 2, 4: 1}
    assert _months(t, "faerdigbehandlingsdage") == {1: 2, 2: 4, 3: 1}
    feb = t[(t["indicator"] == "genindlaeggelser_30d_65") & (t["month"] == 2)]
    assert set(feb["value"].dropna()) == {50.0}  # kommune, Region Hovedstaden and Denmark alike
    assert feb["value"].notna().sum() == 3
    assert set(t["unit"][t["indicator"] == "faerdigbehandlingsdage"]) == {
        "dage pr. 1.000 borgere pr. måned"
    }


def test_months_add_up_to_the_yearly_results(registry: Path, unsuppressed: pd.DataFrame) -> None:
    yearly = compute(registry, ComputeOptions(suppression=SuppressionRule(min_count=1))).results
    keys = ["indicator", "level", "area_code", "year"]
    summed = unsuppressed.groupby(keys, as_index=False)["numerator"].sum()
    both = yearly.merge(summed, on=keys, suffixes=("", "_months"))
    assert len(both) == len(yearly)
    assert (both["numerator"] == both["numerator_months"]).all()
    # rates: the year's population, per month; 1,000 × count / population
    rate = unsuppressed[unsuppressed["indicator"] == "forebyggelige_indlaeggelser_65"]
    pop = yearly[yearly["indicator"] == "forebyggelige_indlaeggelser_65"][
        ["level", "area_code", "denominator"]
    ]
    merged = rate.merge(pop, on=["level", "area_code"], suffixes=("", "_year"))
    assert (merged["denominator"] == merged["denominator_year"]).all()
    assert np.allclose(merged["value"], merged["numerator"] / merged["denominator"] * 1000)


def test_default_suppression_hides_the_small_counts(registry: Path, tmp_path: Path) -> None:
    result = compute_monthly(registry)
    t = result.table
    small = (t["numerator"] > 0) & (t["numerator"] < 5)
    assert not small.any()
    assert t.loc[t["suppressed"], ["value", "lower_ci", "upper_ci"]].isna().all().all()
    out = write_monthly(result, monthly_path(tmp_path / "results.csv"))
    assert out.name == "results.monthly.csv"
    back = pd.read_csv(out)
    assert len(back) == len(t) and "month" in back.columns


REGIONS = {1: 10, 2: 10, 3: 20, 4: 20, 5: 20}


def _table(counts: dict[tuple[int, int], int]) -> pd.DataFrame:
    """A monthly table for municipalities 1-5 (regions 10 and 20) from kommune counts."""
    rows = [
        {"kommune": k, "month": m, "numerator": counts.get((k, m), 10)}
        for k in REGIONS
        for m in range(1, 13)
    ]
    k = pd.DataFrame(rows)
    parts = [
        k.assign(level="kommune", area_code=k["kommune"]),
        k.assign(level="region", area_code=k["kommune"].map(REGIONS)),
        k.assign(level="land", area_code=0),
    ]
    t = pd.concat(parts).groupby(["level", "area_code", "month"], as_index=False)["numerator"].sum()
    return t.assign(
        indicator="x",
        year=2014,
        denominator=1000.0,
        value=t["numerator"] / 1000.0,
        lower_ci=0.0,
        upper_ci=1.0,
        unit="u",
        suppressed=False,
    )


def _recoverable(t: pd.DataFrame) -> list[int]:
    """Hidden rows whose count follows from the published cells and the two sum constraints
    (months → year per area; municipalities → region → Denmark per month): e_i lies in the
    row space of the constraint matrix over the hidden cells."""
    hidden = list(np.flatnonzero(t["numerator"].isna().to_numpy()))
    col = {h: j for j, h in enumerate(hidden)}
    rows = []
    t = t.reset_index(drop=True)
    for _, g in t.groupby(["level", "area_code"]):
        rows.append([1.0 if i in set(g.index) else 0.0 for i in hidden])
    for _, g in t.groupby("month"):
        at = {(lv, a): i for i, lv, a in zip(g.index, g["level"], g["area_code"], strict=True)}
        sums = [(("land", 0), [("region", 10), ("region", 20)])]
        sums += [
            (("region", r), [("kommune", k) for k in REGIONS if REGIONS[k] == r]) for r in (10, 20)
        ]
        for total, members in sums:
            row = [0.0] * len(hidden)
            for key, sign in [(total, 1.0)] + [(m, -1.0) for m in members]:
                if at[key] in col:
                    row[col[at[key]]] += sign
            rows.append(row)
    a = np.array(rows) if hidden else np.zeros((0, 0))
    rank = np.linalg.matrix_rank(a) if hidden else 0
    out = []
    for h in hidden:
        unit = np.zeros(len(hidden))
        unit[col[h]] = 1
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            out.append(int(h))
    return out


def test_hand_made_suppression_case() -> None:
    t = suppress_monthly(_table({(1, 1): 3}), REGIONS, {"x": False})
    hidden = t[t["suppressed"]]
    assert (
        (hidden["level"] == "kommune") & (hidden["area_code"] == 1) & (hidden["month"] == 1)
    ).any()
    # 3 hides, a second month of municipality 1 (the year total), municipality 2 in January
    # (the region total) and then municipality 2's second month: a rectangle of four
    assert len(hidden) == 4
    assert set(hidden["area_code"]) == {1, 2} and len(set(hidden["month"])) == 2
    assert _recoverable(t) == []
    assert hidden[["numerator", "value"]].isna().all().all()


def test_without_the_complement_the_count_is_recoverable() -> None:
    """The check itself can fail: primary masking alone gives the 3 away."""
    t = _table({(1, 1): 3})
    t.loc[(t["level"] == "kommune") & (t["area_code"] == 1) & (t["month"] == 1), "numerator"] = (
        np.nan
    )
    assert len(_recoverable(t)) == 1


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.integers(1, 5), st.integers(1, 12)), st.integers(0, 12), max_size=25
    )
)
def test_no_hidden_count_is_recoverable(counts: dict[tuple[int, int], int]) -> None:
    t = suppress_monthly(_table(counts), REGIONS, {"x": False})
    assert _recoverable(t) == []
    assert not ((t["numerator"] > 0) & (t["numerator"] < 5)).any()
    small = _table(counts)["numerator"].between(1, 4).to_numpy()
    assert t["suppressed"].to_numpy()[small].all()
    assert not determined(t["numerator"].isna().to_numpy(), []).any()


def test_compute_command_writes_the_monthly_file(registry: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from naersund.cli import cli

    out = tmp_path / "res.csv"
    result = CliRunner().invoke(
        cli, ["compute", "--data", str(registry), "--out", str(out), "--monthly"]
    )
    assert result.exit_code == 0, result.output
    monthly = pd.read_csv(tmp_path / "res.monthly.csv")
    assert set(monthly["indicator"]) == {
        "akutte_korttidsindlaeggelser",
        "forebyggelige_indlaeggelser_65",
        "genindlaeggelser_30d_65",
        "faerdigbehandlingsdage",
    }
    assert "Værdier pr. måned" in result.output


def test_the_monthly_chart_breaks_at_a_masked_month() -> None:
    from naersund.charts.builders import monthly_chart

    rows = [
        {"year": 2014, "month": m, "area": a, "value": 10.0 + m, "lower": 9.0, "upper": 12.0}
        | {"suppressed": a == "By" and m == 2}
        for a in ("By", "Danmark")
        for m in (1, 2, 3)
    ]
    series = pd.DataFrame(rows)
    series.loc[series["suppressed"], ["value", "lower", "upper"]] = np.nan
    chart = monthly_chart(series, "pr. 1.000 borgere pr. måned", "T")
    values = chart.spec["data"]["values"]
    pieces = {(v["area"], v["month"]): v["piece"] for v in values}
    assert pieces[("By", 1)] != pieces[("By", 3)]  # the line breaks at February
    assert pieces[("Danmark", 1)] == pieces[("Danmark", 3)]
    assert chart.table.columns.tolist() == ["Måned", "By", "Danmark"]
    assert chart.table["By"].tolist() == [11.0, "skjult", 13.0]
    assert "1 diskretioneret måned er et hul i kurverne" in chart.description
