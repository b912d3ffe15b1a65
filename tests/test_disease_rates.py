"""The disease rates through ``compute``: only years with the whole look-back get a value, the
others are named in the notes, ``--years`` still reads the look-back, and the cohort (a
registry count) is suppressed like a numerator.

The counting rules themselves are hand-computed cases in ``test_rules.py``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from naersund.engine.compute import ComputeOptions, compute
from naersund.engine.outputs import write_results
from naersund.errors import InputError

KOL = "akutte_indlaeggelser_kol"
T2D = "akutte_indlaeggelser_type2_diabetes"


def _contact(person: str, kommune: int, start: str, hours: float, **kw: Any) -> dict[str, Any]:
    begin = pd.Timestamp(start)
    return {
        "person_id": person,
        "kommunekode": kommune,
        "sex": "F",
        "birth_date": dt.date(1950, 6, 15),
        "start": begin,
        "end": begin + pd.Timedelta(hours=hours),
        "acute": True,
        "primary_diagnosis": "DJ44",
        "specialty": "intern medicin",
        "hospital": "A",
        "died": False,
        **kw,
    }


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Data from 1 January 2009 to 2015. 12 persons in København (101) and 2 in Frederiksberg
    (147) get KOL in 2010 (outpatient); in 2014 each of the 12 and one of the 2 is admitted
    for KOL once; one type 2 diabetes patient in 851 (Aalborg)."""
    rows = [_contact("first", 851, "2009-01-01 10:00", 2, primary_diagnosis="DE86", acute=False)]
    for i in range(14):
        kommune = 101 if i < 12 else 147
        rows.append(_contact(f"k{i}", kommune, "2010-03-01 10:00", 2, acute=False))
        if i < 13:
            rows.append(_contact(f"k{i}", kommune, "2014-03-01 10:00", 24))
    rows.append(_contact("d1", 851, "2012-05-01 10:00", 2, primary_diagnosis="DE119"))
    rows.append(_contact("last", 851, "2015-12-30 10:00", 2, primary_diagnosis="DE86"))
    folder = tmp_path_factory.mktemp("disease")
    pd.DataFrame(rows).to_parquet(folder / "contacts.parquet", index=False)
    return folder


def _row(results: pd.DataFrame, level: str, area: int, year: int) -> pd.Series:
    hit = results[
        (results["indicator"] == KOL)
        & (results["level"] == level)
        & (results["area_code"] == area)
        & (results["year"] == year)
    ]
    assert len(hit) == 1
    return hit.iloc[0]


def test_only_years_with_the_whole_look_back_get_a_value_and_the_notes_say_so(
    data: Path, tmp_path: Path
) -> None:
    got = compute(data, ComputeOptions(indicators=[KOL, T2D]))
    kol = got.results[got.results["indicator"] == KOL]
    # Look-back 2009-2013 for 2014 and 2010-2014 for 2015: the data start on 1 January 2009.
    assert sorted(kol["year"].unique()) == [2014, 2015]
    denmark = _row(got.results, "land", 0, 2014)
    assert (denmark["numerator"], denmark["denominator"]) == (13, 14)
    assert denmark["value"] == pytest.approx(13 / 14 * 1000)
    assert denmark["std_value"] == pytest.approx(13 / 14 * 1000)  # Denmark's own cohort
    # 2015: the 2014 admissions keep all 14 in the cohort (KOL in the look-back), none admitted.
    assert _row(got.results, "land", 0, 2015)["denominator"] == 14
    note = (
        "2009-2013: ingen værdi; borgere med KOL findes ud fra 5 hele års data før året, og data "
        "går ikke så langt tilbage"
    )
    assert got.meta["indicator_notes"][KOL] == note
    # The look-back notes are no follow-up notes: the last year is not "ufuldstændig".
    out = write_results(got, tmp_path / "results.csv")
    written = pd.read_csv(out)
    assert not written["note"].fillna("").str.contains("ufuldstændig").any()


def test_a_cohort_of_two_is_suppressed_like_a_numerator(data: Path) -> None:
    got = compute(data, ComputeOptions(indicators=[KOL]))
    frederiksberg = _row(got.results, "kommune", 147, 2014)
    # 1 admission among 2 persons: both counts are small and neither may be shown.
    assert bool(frederiksberg["suppressed"])
    assert pd.isna(frederiksberg["numerator"]) and pd.isna(frederiksberg["denominator"])
    assert pd.isna(frederiksberg["value"])


def test_asking_for_one_year_still_reads_its_look_back(data: Path) -> None:
    got = compute(data, ComputeOptions(indicators=[KOL], years=[2014]))
    denmark = _row(got.results, "land", 0, 2014)
    assert (denmark["numerator"], denmark["denominator"]) == (13, 14)


def test_without_a_year_of_whole_look_back_the_indicator_is_left_out(data: Path) -> None:
    preventable = "forebyggelige_indlaeggelser_65"
    got = compute(data, ComputeOptions(indicators=[KOL, preventable], years=[2012]))
    assert set(got.results["indicator"]) == {preventable}
    assert got.meta["left_out"][KOL].startswith("2012: ingen værdi; borgere med KOL")


def test_when_no_indicator_is_left_the_message_says_why(data: Path) -> None:
    with pytest.raises(InputError) as caught:
        compute(data, ComputeOptions(indicators=[KOL], years=[2012]))
    assert str(caught.value) == (
        f"{data}: ingen af de valgte indikatorer kan beregnes ({KOL}: 2012: ingen værdi; "
        "borgere med KOL findes ud fra 5 hele års data før året, og data går ikke så langt "
        "tilbage)"
    )
