"""Data quality per source, month and region (``quality.csv``), computed by hand on tiny data."""

from __future__ import annotations

import calendar
import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from naersund.registry import quality
from naersund.registry.ingest import ingest

HEAD = "person_id,kommunekode,sex,birth_date,start,end,acute,primary_diagnosis,specialty,hospital"
ROWS = [
    # Hovedstaden (101): acute, intern medicin; planned without a specialty
    "P1,101,M,1940-01-01,2019-01-05 08:00,2019-01-06 08:00,true,DJ189,intern medicin,H",
    "P2,101,F,1950-01-01,2019-01-10 08:00,2019-01-10 12:00,false,DI10,,H",
    # Midtjylland (751): acute
    "P3,751,M,1945-01-01,2019-01-20 08:00,2019-01-21 08:00,true,DJ44,geriatri,A",
    # February: no diagnosis (rejected), an unknown municipality (rejected), a planned contact
    "P4,101,F,1930-01-01,2019-02-03 08:00,2019-02-04 08:00,true,,geriatri,H",
    "P5,999,M,1930-01-01,2019-02-04 08:00,2019-02-04 10:00,true,DJ189,geriatri,H",
    "P6,751,F,1960-01-01,2019-02-05 08:00,2019-02-06 08:00,false,DS720,kardiologi,A",
]
# source, month, region_code, region, contacts, acute, acute_share, without_diagnosis,
# without_diagnosis_share (of the rows read), without_specialty, without_specialty_share,
# rejected; by hand from ROWS
EXPECTED = [
    ["canonical", "2019-01", "0", "Hele landet", "3", "2", "0.6667", "0", "0.0", "1", "0.3333", "0"],
    ["canonical", "2019-02", "0", "Hele landet", "1", "0", "0.0", "1", "0.3333", "0", "0.0", "2"],
    ["canonical", "2019-01", "1082", "Region Midtjylland", "1", "1", "1.0", "0", "0.0", "0", "0.0", "0"],
    ["canonical", "2019-02", "1082", "Region Midtjylland", "1", "0", "0.0", "0", "0.0", "0", "0.0", "0"],
    ["canonical", "2019-01", "1084", "Region Hovedstaden", "2", "1", "0.5", "0", "0.0", "1", "0.5", "0"],
    ["canonical", "2019-02", "1084", "Region Hovedstaden", "0", "0", "", "1", "1.0", "0", "", "1"],
]  # fmt: skip


def test_quality_csv_holds_the_counts_and_shares_computed_by_hand(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "contacts.csv").write_text("\n".join([HEAD, *ROWS]) + "\n", encoding="utf-8")
    ingest(src, tmp_path / "data", rejects=tmp_path / "rejects.csv")
    text = (tmp_path / "data" / "quality.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == quality.COLUMNS
    assert [r[:12] for r in rows[1:]] == EXPECTED
    # weekend: P1 starts on Saturday 5 January, P3 on Sunday 20 January
    assert [r[12] for r in rows[1:]] == ["2", "0", "1", "0", "1", "0"]
    # two months per series: too short to judge (no expected value, no flag)
    assert all(r[13:] == ["", ""] for r in rows[1:])


def _months(first: str, n: int) -> list[str]:
    return [p.strftime("%Y-%m") for p in pd.period_range(first, periods=n, freq="M")]


def _days(m: str) -> int:
    return calendar.monthrange(int(m[:4]), int(m[5:7]))[1]


def test_a_month_far_from_its_year_is_flagged_and_its_expected_count_is_the_median() -> None:
    months = _months("2018-01", 24)
    per_day = {m: 100 for m in months} | {"2018-07": 70}
    series = pd.Series([per_day[m] * _days(m) for m in months])
    expected, flags = quality.flag_months(series, months)
    # 70 a day against a median of 100 with MAD 0: the Poisson floor sqrt(100 * 31) / 31 = 1.80
    # a day, and 30 > 3.5 * 1.80
    assert [m for m, f in zip(months, flags, strict=True) if f] == ["2018-07"]
    assert flags[6] == quality.OUTLIER
    assert expected[6] == 100 * 31
    assert expected[1] == 100 * 28  # February: the median per day times its 28 days


def test_a_break_is_flagged_once_at_its_first_month() -> None:
    months = _months("2018-01", 24)
    series = pd.Series([(100 if m < "2019-01" else 80) * _days(m) for m in months])
    _, flags = quality.flag_months(series, months)
    # each month agrees with the majority of its own 13-month window, so no month is an
    # outlier; the means of the 6 months before and after differ most at January 2019
    assert {m: f for m, f in zip(months, flags, strict=True) if f} == {"2019-01": quality.SHIFT}


def test_small_numbers_are_not_flagged_for_chance_variation() -> None:
    months = _months("2018-01", 24)
    counts = [2] * 24
    counts[6] = 5  # 5 against a median of 2: within sqrt(2) * 3.5 of it
    _, flags = quality.flag_months(pd.Series(counts), months)
    assert not any(flags)


def test_a_release_carries_no_count_below_the_minimum() -> None:
    text = (
        ",".join(quality.COLUMNS)
        + "\nLPR3,2019-02,1084,Region Hovedstaden,3,1,0.3333,0,0.0,2,0.6667,0,1,,\n"
        + "LPR3,2019-02,0,Hele landet,900,300,0.3333,6,0.0066,0,0.0,1,200,880.0,niveauskift\n"
    )
    rows = quality.for_release(text, min_count=5)
    assert rows is not None
    small, national = rows
    assert small["contacts"] is None and small["acute"] is None
    assert small["acute_share"] is None and small["without_specialty_share"] is None
    assert small["without_diagnosis"] == 0  # zero is never hidden
    assert national["contacts"] == 900 and national["rejected"] is None
    assert small["weekend"] is None and national["weekend"] == 200
    assert national["flag"] == "niveauskift" and small["flag"] == ""


def test_a_dip_every_july_is_a_season_not_a_flag_but_one_deeper_july_is() -> None:
    months = _months("2015-01", 48)
    per_day = {m: (80 if m.endswith("-07") else 100) for m in months} | {"2017-07": 50}
    series = pd.Series([per_day[m] * _days(m) for m in months])
    expected, flags = quality.flag_months(series, months)
    # the usual July is 0.8 of its year: expected 80 a day, not flagged; 2017's 50 is
    assert {m: f for m, f in zip(months, flags, strict=True) if f} == {"2017-07": quality.OUTLIER}
    assert expected[months.index("2016-07")] == 80 * 31


def test_a_month_with_five_weekends_is_weighed_by_its_weekdays() -> None:
    """Half the contacts a day at weekends: a month's expected count follows its weekdays."""
    months = _months("2018-01", 24)
    per_day = []
    for m in months:
        days = pd.date_range(f"{m}-01", periods=_days(m))
        per_day.append(
            (int((days.day_of_week < 5).sum()) * 100, int((days.day_of_week >= 5).sum()) * 50)
        )
    contacts = pd.Series([a + b for a, b in per_day])
    weekend = pd.Series([b for _, b in per_day])
    expected, flags = quality.flag_months(contacts, months, weekend)
    assert not any(flags)
    # September 2018 has 20 weekdays and 10 weekend days: 20 x 100 + 10 x 50
    assert expected[months.index("2018-09")] == pytest.approx(2500)
