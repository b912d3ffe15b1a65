"""The Overblik table (naersund.analysis.overview) and the trend rule behind its arrows
(naersund.analysis.trend.trend_directions), on hand-made releases with hand-computed
answers."""

from __future__ import annotations

import csv
import io
import math

import pandas as pd
import pytest
from openpyxl import load_workbook

from naersund.analysis import PublishedResults, recent_trend
from naersund.analysis.overview import compare_intervals, overview
from naersund.analysis.profiles import IndicatorInfo, members_of
from naersund.analysis.trend import trend_direction, trend_directions

HOVEDSTADEN = 1084
ALBERTSLUND, BALLERUP, KOEBENHAVN = 165, 151, 101

# --- the trend rule: one test per arrow, intervals chosen so the answer is plain -------------

YEARS = [2010, 2011, 2012, 2013, 2014]


def test_a_falling_rate_whose_intervals_part_is_better_when_lower_is_better() -> None:
    # first year 48-52, last 40-44: 44 < 48, a fall beyond chance
    got = trend_direction(
        YEARS, [50, 49, 47, 45, 42], [48, 47, 45, 43, 40], [52, 51, 49, 47, 44], "lower_is_better"
    )
    assert got == "better"
    assert (
        recent_trend(
            YEARS,
            [50, 49, 47, 45, 42],
            [48, 47, 45, 43, 40],
            [52, 51, 49, 47, 44],
            "lower_is_better",
        )
        == "faldende (bedre)"
    )


def test_a_rising_rate_whose_intervals_part_is_worse_when_lower_is_better() -> None:
    # first 48-52, last 55-60: 55 > 52
    got = trend_direction(
        YEARS, [50, 51, 53, 55, 57], [48, 49, 51, 53, 55], [52, 53, 55, 57, 60], "lower_is_better"
    )
    assert got == "worse"


def test_a_rise_is_better_when_higher_is_better() -> None:
    got = trend_direction(
        YEARS, [50, 51, 53, 55, 57], [48, 49, 51, 53, 55], [52, 53, 55, 57, 60], "higher_is_better"
    )
    assert got == "better"
    fall = trend_direction(
        YEARS, [50, 49, 47, 45, 42], [48, 47, 45, 43, 40], [52, 51, 49, 47, 44], "higher_is_better"
    )
    assert fall == "worse"


def test_overlapping_intervals_are_unchanged_however_far_the_values_move() -> None:
    # first 48-52, last 51-58: they share 51-52
    got = trend_direction(
        YEARS, [50, 60, 40, 52, 54], [48, 58, 38, 50, 51], [52, 62, 42, 54, 58], "lower_is_better"
    )
    assert got == "unchanged"


def test_only_the_latest_five_years_with_a_value_count() -> None:
    # 2008 (10-12) would part from 2014 (41-45), but 2010 (40-44) is the first of the five
    years = [2008, 2009, *YEARS]
    values = [11, 30, 42, 43, 42, 41, 43]
    lower = [10, 28, 40, 41, 40, 39, 41]
    upper = [12, 32, 44, 45, 44, 43, 45]
    assert trend_direction(years, values, lower, upper, "lower_is_better") == "unchanged"
    # a suppressed year (no value) is skipped: the five are then 2009 and 2010-2012, 2014
    values[5] = None  # type: ignore[call-overload]
    lower[5] = upper[5] = None  # type: ignore[call-overload]
    # 2009: 28-32 against 2014: 41-45 -> rose beyond chance
    assert trend_direction(years, values, lower, upper, "lower_is_better") == "worse"


def test_fewer_than_three_years_have_no_trend() -> None:
    assert trend_direction([2013, 2014], [50, 10], [49, 9], [51, 11], "lower_is_better") == (
        "too_few"
    )
    assert trend_direction([], [], [], [], "lower_is_better") == "too_few"


def test_a_missing_interval_gives_an_unknown_trend() -> None:
    got = trend_direction(
        [2012, 2013, 2014], [50, 45, 40], [48, 43, None], [52, 47, None], "lower_is_better"
    )
    assert got == "unknown"


def test_the_frame_rule_judges_each_area_and_indicator_on_its_own() -> None:
    frame = pd.DataFrame(
        {
            "indicator": ["a"] * 6,
            "area_code": [1, 1, 1, 2, 2, 2],
            "year": [2012, 2013, 2014] * 2,
            "value": [10, 11, 20, 10, 11, 12],
            "lower": [9, 10, 19, 9, 10, 11],
            "upper": [11, 12, 21, 11, 12, 13],
        }
    )
    got = trend_directions(frame, {"a": "lower_is_better"}).set_index("area_code")
    assert got.loc[1, "trend"] == "worse"
    assert got.loc[2, "trend"] == "unchanged"
    assert (got.loc[1, "first_year"], got.loc[1, "last_year"]) == (2012, 2014)


# --- the comparison with another area ----------------------------------------------------------


def test_intervals_are_compared_with_the_reference_by_overlap() -> None:
    lower = pd.Series([1.0, 5.0, 9.0, math.nan])
    upper = pd.Series([3.0, 7.0, 11.0, 2.0])
    ref_lo = pd.Series([4.0] * 4)
    ref_hi = pd.Series([8.0] * 4)
    got = compare_intervals(lower, upper, ref_lo, ref_hi, good_low=True).tolist()
    assert got == ["better", "similar", "worse", "not_compared"]
    got = compare_intervals(lower, upper, ref_lo, ref_hi, good_low=False).tolist()
    assert got == ["worse", "similar", "better", "not_compared"]


# --- the table ---------------------------------------------------------------------------------

COLUMNS = [
    "indicator",
    "level",
    "area_code",
    "year",
    "numerator",
    "denominator",
    "value",
    "lower_ci",
    "upper_ci",
    "std_value",
    "std_lower_ci",
    "std_upper_ci",
    "comparison",
    "suppressed",
    "note",
]
RATE = IndicatorInfo("rate", "Indlæggelser", "pr. 1.000", "lower_is_better", "rate", 1000.0)
DAYS = IndicatorInfo("days", "Dage", "dage pr. 1.000", "lower_is_better", "rate", 1000.0)


def _row(
    ind: str,
    level: str,
    code: int,
    year: int,
    v: float,
    lo: float,
    hi: float,
    std: bool,
    comparison: str = "similar",
    suppressed: bool = False,
) -> dict[str, object]:
    nan = math.nan
    num = (nan, nan) if suppressed else (10.0, 1000.0)
    crude = (nan, nan, nan) if suppressed else (v + 1, lo + 1, hi + 1)
    stdv = (nan, nan, nan) if suppressed or not std else (v, lo, hi)
    if not std and not suppressed:
        crude = (v, lo, hi)
    return dict(
        zip(
            COLUMNS,
            [ind, level, code, year, *num, *crude, *stdv, comparison, suppressed, ""],
            strict=True,
        )
    )


def _release() -> PublishedResults:
    rows = []
    for year, shift in ((2012, 0.0), (2013, 0.0), (2014, 0.0)):
        rows += [
            _row("rate", "land", 0, year, 50, 49, 51, True, "not_compared"),
            _row("rate", "region", HOVEDSTADEN, year, 40, 38, 42, True),
            _row("days", "land", 0, year, 5, 4, 6, False, "not_compared"),
            _row("days", "region", HOVEDSTADEN, year, 5, 4, 6, False),
        ]
        del shift
    # Albertslund: 2012 60 (58-62) -> 2014 45 (43-47): better than Denmark in 2014 (47 < 49)
    # and worse than its KKR (43 > 42), and its trend is better (47 < 58)
    rows += [
        _row("rate", "kommune", ALBERTSLUND, 2012, 60, 58, 62, True, "worse"),
        _row("rate", "kommune", ALBERTSLUND, 2013, 52, 50, 54, True, "worse"),
        _row("rate", "kommune", ALBERTSLUND, 2014, 45, 43, 47, True, "better"),
        _row("days", "kommune", ALBERTSLUND, 2014, 7.25, 6.5, 8, False, "worse"),
        # Ballerup: like its KKR, hidden days
        _row("rate", "kommune", BALLERUP, 2014, 40.04, 38, 41, True, "better"),
        _row("days", "kommune", BALLERUP, 2014, 0, 0, 0, False, "similar", suppressed=True),
        # København: 55 (54-56), worse than both
        _row("rate", "kommune", KOEBENHAVN, 2014, 55, 54, 56, True, "worse"),
        _row("days", "kommune", KOEBENHAVN, 2014, 3, 2, 3.5, False, "better"),
    ]
    meta = {
        "release_id": 7,
        "data_period": ["2012-01-01", "2014-12-31"],
        "definitions": {"rate": 3, "days": 1},
        "synthetic": True,
    }
    return PublishedResults.from_frame(pd.DataFrame(rows, columns=COLUMNS), meta)


INFOS = {"rate": RATE, "days": DAYS}


def _by_name(ov: object) -> dict[str, object]:
    return {r.name: r for r in ov.rows}  # type: ignore[attr-defined]


def test_each_cell_is_the_published_figure_with_its_verdict_and_trend() -> None:
    pub = _release()
    ov = overview(pub, INFOS, 2014, region_code=HOVEDSTADEN)
    assert [g.name for g in ov.groups] == ["KKR Hovedstaden"]
    assert len(ov.rows) == len(members_of(HOVEDSTADEN))
    rows = _by_name(ov)
    alb = rows["Albertslund"].cells  # type: ignore[attr-defined]
    f = pub.figure("rate", "kommune", ALBERTSLUND, 2014)
    assert (alb[0].value, alb[0].verdict) == (f.value, f.verdict) == (45.0, "better")
    assert alb[0].trend == "better"
    assert alb[0].verdict_text == "Bedre end landet"
    assert (alb[1].value, alb[1].verdict, alb[1].trend) == (7.2, "worse", "too_few")
    hidden = rows["Ballerup"].cells[1]  # type: ignore[attr-defined]
    assert hidden.suppressed and hidden.value is None and hidden.value_text == "skjult"
    assert [c.measure for c in ov.columns] == ["aldersstandardiseret", "rå"]
    assert ov.columns[0].heading == "Indlæggelser (pr. 1.000, aldersstandardiseret, def. v3)"


def test_compared_with_the_kkr_the_verdicts_follow_the_kkrs_interval() -> None:
    ov = overview(_release(), INFOS, 2014, reference="kkr", region_code=HOVEDSTADEN)
    rows = _by_name(ov)
    assert rows["Albertslund"].cells[0].verdict == "worse"  # type: ignore[attr-defined]
    assert rows["Albertslund"].cells[0].verdict_text == "Dårligere end KKR"  # type: ignore
    assert rows["Ballerup"].cells[0].verdict == "similar"  # type: ignore[attr-defined]
    assert rows["København"].cells[1].verdict == "better"  # type: ignore[attr-defined]
    assert rows["Ballerup"].cells[1].verdict == "not_compared"  # type: ignore[attr-defined]


def test_sorting_by_a_column_puts_missing_values_last_both_ways() -> None:
    pub = _release()
    up = overview(pub, INFOS, 2014, region_code=HOVEDSTADEN, sort="rate")
    assert [r.name for r in up.rows][:3] == ["Ballerup", "Albertslund", "København"]
    down = overview(pub, INFOS, 2014, region_code=HOVEDSTADEN, sort="rate", descending=True)
    assert [r.name for r in down.rows][:3] == ["København", "Albertslund", "Ballerup"]
    assert down.rows[-1].cells[0].value is None
    unknown = overview(pub, INFOS, 2014, sort="no-such-column")
    assert unknown.sort == "kommune"
    assert next(g.name for g in unknown.groups) == "KKR Nordjylland"
    assert sum(len(g.rows) for g in unknown.groups) == 98


def test_the_csv_and_the_xlsx_hold_exactly_the_tables_cells() -> None:
    ov = overview(_release(), INFOS, 2014, region_code=HOVEDSTADEN, sort="rate")
    text = ov.csv()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == ov.headers()
    assert rows[1][:6] == [
        "KKR Hovedstaden",
        "Ballerup",
        "151",
        "40,0",
        "Bedre end landet",
        "for få år",
    ]
    assert rows[1][6:8] == ["", "Skjult (få tilfælde)"]
    wb = load_workbook(io.BytesIO(ov.xlsx()))
    sheet = [list(r) for r in wb["Overblik"].iter_rows(values_only=True)]
    assert sheet[0] == ov.headers()
    assert sheet[1:] == ov.records()
    assert len(sheet) - 1 == len(rows) - 1 == len(ov.rows)
    about = {r[0]: r[1] for r in wb["Om tallene"].iter_rows(values_only=True)}
    assert about["Udgivelse"] == 7
    assert "SYNTETISKE DATA" in about


@pytest.mark.parametrize("year", [2012, 2013])
def test_the_trend_never_looks_past_the_year_shown(year: int) -> None:
    ov = overview(_release(), INFOS, year, region_code=HOVEDSTADEN)
    assert _by_name(ov)["Albertslund"].cells[0].trend == "too_few"  # type: ignore[attr-defined]


def test_a_chosen_group_keeps_only_its_municipalities_under_their_kkr() -> None:
    pub = _release()
    ov = overview(pub, INFOS, 2014, chosen=frozenset({ALBERTSLUND, KOEBENHAVN, 851}))
    assert [(g.name, [r.name for r in g.rows]) for g in ov.groups] == [
        ("KKR Nordjylland", ["Aalborg"]),
        ("KKR Hovedstaden", ["Albertslund", "København"]),
    ]
    assert ov.filename("csv") == "overblik-2014-hele-landet-3-valgte-udgivelse-7.csv"
    assert len(ov.records()) == 3


def _release_with_sundhedsraad() -> PublishedResults:
    """:func:`_release` with Sundhedsråd Amager og Vestegnen (Albertslund's) and Sundhedsråd
    Hovedstaden (København's) in 2014: Albertslund's 45 (43-47) is better than its
    sundhedsråd's 60 (58-62), where it is worse than its KKR; København's 55 (54-56) is like
    its sundhedsråd's 55 (53-57)."""
    pub = _release()
    rows = [
        _row("rate", "sundhedsraad", AMAGER_VESTEGNEN, 2014, 60, 58, 62, True),
        _row("rate", "sundhedsraad", SR_HOVEDSTADEN, 2014, 55, 53, 57, True),
    ]
    frame = pd.concat([pub.results[COLUMNS], pd.DataFrame(rows, columns=COLUMNS)])
    return PublishedResults.from_frame(frame.reset_index(drop=True), pub.meta)


AMAGER_VESTEGNEN, SR_HOVEDSTADEN = 2712, 2713


def test_compared_with_the_sundhedsraad_the_verdicts_follow_its_interval() -> None:
    pub = _release_with_sundhedsraad()
    ov = overview(pub, INFOS, 2014, reference="sundhedsraad", region_code=HOVEDSTADEN)
    rows = _by_name(ov)
    alb, kbh = rows["Albertslund"], rows["København"]
    assert alb.reference_name == "Sundhedsråd Amager og Vestegnen"  # type: ignore[attr-defined]
    assert kbh.reference_name == "Sundhedsråd Hovedstaden"  # type: ignore[attr-defined]
    assert alb.cells[0].verdict == "better"  # type: ignore[attr-defined]
    assert alb.cells[0].verdict_text == "Bedre end sundhedsrådet"  # type: ignore[attr-defined]
    assert kbh.cells[0].verdict == "similar"  # type: ignore[attr-defined]
    # no sundhedsråd figure for the days: not compared (not compared with Denmark instead)
    assert kbh.cells[1].verdict == "not_compared"  # type: ignore[attr-defined]
    assert "Sammensætningen er ikke verificeret mod officiel liste" in ov.reference_notes
    assert any("beregnet som summen af kommunerne" in n for n in ov.reference_notes)
    header = ov.headers()
    assert header[3] == "Sammenlignet med (kommunens sundhedsråd)"
    record = next(r for r in ov.records() if r[1] == "Albertslund")
    assert record[3] == "Sundhedsråd Amager og Vestegnen"
    assert record[4:6] == [45.0, "Bedre end sundhedsrådet"]
    about = [tuple(r) for r in load_workbook(io.BytesIO(ov.xlsx()))["Om tallene"].values]
    assert ("Note", "Sammensætningen er ikke verificeret mod officiel liste") in about


def test_the_kkr_and_sundhedsraad_verdicts_are_one_rule() -> None:
    """The KKR verdict is the same function's answer on the KKR's level (here the five
    regions of a release computed before the kkr level)."""
    from naersund.analysis.overview import parent_verdicts, reference_level

    pub = _release_with_sundhedsraad()
    assert reference_level(pub, "kkr") == "region"
    assert reference_level(pub, "sundhedsraad") == "sundhedsraad"
    assert reference_level(pub, "region2027") is None  # not in this release
    assert reference_level(pub, "mars") is None
    kkr = overview(pub, INFOS, 2014, reference="kkr", region_code=HOVEDSTADEN)
    f = pub.figures
    now = f[(f["level"] == "kommune") & (f["year"] == 2014)]
    direct = parent_verdicts(pub, now, "region", {"rate": "lower_is_better"})
    keys = zip(direct["indicator"], direct["area_code"], strict=True)
    by_code = dict(zip(keys, direct["verdict"], strict=True))
    for row in kkr.rows:
        assert row.reference_name == "KKR Hovedstaden"
        assert row.cells[0].verdict == by_code.get(("rate", row.kommunekode), "not_compared")


def test_a_release_without_the_level_offers_no_such_comparison() -> None:
    from naersund.analysis.overview import reference_choices

    assert [r for r, _ in reference_choices(_release())] == ["land", "kkr"]
    assert [r for r, _ in reference_choices(_release_with_sundhedsraad())] == [
        "land",
        "kkr",
        "sundhedsraad",
    ]
    with pytest.raises(ValueError):
        overview(_release(), INFOS, 2014, reference="sundhedsraad")
