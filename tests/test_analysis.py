"""naersund.analysis: results files fit to publish, release diffs, funnels, spine figures,
trends and glide paths."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, special

from naersund import stats
from naersund.analysis import (
    choose_measure,
    diff_results,
    funnel_data,
    glide_path,
    read_results_file,
    recent_trend,
    spine_rows,
    target_status,
)
from naersund.analysis.benchmark import compare
from naersund.analysis.funnel import ABOVE_95, ABOVE_998, BELOW_95, BELOW_998, INSIDE
from naersund.catalogue import Target
from naersund.errors import InputError
from require import require_or_skip

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
META = {
    "synthetic": True,
    "code_version": "0.1.0",
    "data_period": ["2014-01-01", "2014-12-31"],
    "data_cut": "2014-12-31",
    "definitions": {"faerdigbehandlingsdage": {"version": 1, "name_da": "Indikator"}},
    "suppression_min_count": 5,
}


def _row(level: str, code: int, num: float | str, den: float, **kw: object) -> dict[str, object]:
    # a crude rate per 1,000 with its interval, as the engine computes færdigbehandlingsdage
    est = stats.rate(float(num) if num != "" else 0.0, den, 1000)
    value, lower, upper = ("", "", "") if num == "" else (est.value, est.lower_ci, est.upper_ci)
    row: dict[str, object] = {
        "indicator": "faerdigbehandlingsdage",
        "level": level,
        "area_code": code,
        "year": 2014,
        "numerator": num,
        "denominator": den,
        "value": value,
        "lower_ci": lower,
        "upper_ci": upper,
        "std_value": "",
        "std_lower_ci": "",
        "std_upper_ci": "",
        "comparison": "similar" if level != "land" else "not_compared",
        "suppressed": False,
        "note": "SYNTETISKE DATA",
    }
    row.update(kw)
    return row


def _valid_rows() -> list[dict[str, object]]:
    # Albertslund (165) and Ballerup (151) in Hovedstaden (1084); only those two municipalities
    # are published, so their region and Denmark are sums that could reveal nothing else.
    return [
        _row("kommune", 165, 40, 1000),
        _row("kommune", 151, 60, 2000),
        _row("region", 1084, 100, 3000),
        _row("land", 0, 100, 3000),
    ]


def _write(tmp_path: Path, rows: list[dict[str, object]], meta: dict[str, object] = META) -> Path:
    path = tmp_path / "results.csv"
    pd.DataFrame(rows, columns=COLUMNS).to_csv(path, index=False)
    (tmp_path / "results.csv.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return path


# --- results files --------------------------------------------------------------------------


def test_a_valid_results_file_is_read_typed(tmp_path: Path) -> None:
    checked = read_results_file(_write(tmp_path, _valid_rows()))
    assert checked.synthetic
    r = checked.results
    assert list(r.columns) == COLUMNS
    assert r["area_code"].tolist() == [165, 151, 1084, 0]
    assert r["value"].iloc[0] == pytest.approx(40.0)
    assert not r["suppressed"].any()


def test_it_refuses_a_file_without_its_meta_file(tmp_path: Path) -> None:
    path = _write(tmp_path, _valid_rows())
    (tmp_path / "results.csv.meta.json").unlink()
    with pytest.raises(InputError) as e:
        read_results_file(path)
    assert str(e.value) == (
        f"{path}.meta.json: metadatafilen mangler (den skrives af `naersund compute` ved siden "
        "af resultaterne)"
    )


def test_it_refuses_an_unsuppressed_small_count(tmp_path: Path) -> None:
    rows = _valid_rows()
    rows[0] = _row("kommune", 165, 3, 1000)
    rows[2] = _row("region", 1084, 63, 3000)
    rows[3] = _row("land", 0, 63, 3000)
    path = _write(tmp_path, rows)
    with pytest.raises(InputError) as e:
        read_results_file(path)
    assert (
        f"{path}, række 2, felt numerator: er ikke diskretioneret: faerdigbehandlingsdage kommune 165 2014 skulle "
        "være skjult ved mindste antal 5" in str(e.value)
    )
    # the complementary cell (Ballerup, the only other member) is named too
    assert f"{path}, række 3, felt numerator: er ikke diskretioneret" in str(e.value)


def test_it_refuses_a_suppressed_row_with_a_value(tmp_path: Path) -> None:
    rows = _valid_rows()
    rows[0]["suppressed"] = True
    path = _write(tmp_path, rows)
    with pytest.raises(InputError) as e:
        read_results_file(path)
    assert f"{path}, række 2, felt value: rækken er diskretioneret, men feltet har en værdi" in str(
        e.value
    )


def test_it_names_every_bad_field_at_once(tmp_path: Path) -> None:
    rows = _valid_rows()
    rows[0]["level"] = "amt"
    rows[1]["year"] = "to tusind"
    rows[3]["value"] = ""
    rows[1]["suppressed"] = "måske"
    rows[2]["lower_ci"] = "lav"
    path = _write(tmp_path, rows)
    with pytest.raises(InputError) as e:
        read_results_file(path)
    assert str(e.value).splitlines() == [
        "resultatfilen kan ikke offentliggøres:",
        f"{path}, række 2, felt level: 'amt' skal være et af niveauerne kommune, region, "
        "region2027, kkr, sundhedsraad, land",
        f"{path}, række 3, felt year: 'to tusind' er ikke et årstal",
        f"{path}, række 3, felt suppressed: 'måske' skal være True eller False",
        f"{path}, række 4, felt lower_ci: 'lav' er ikke et tal",
        f"{path}, række 5, felt value: mangler (kun diskretionerede rækker og nævner 0 må være "
        "tomme)",
    ]


def test_a_row_over_a_zero_denominator_has_no_value_and_is_accepted(tmp_path: Path) -> None:
    # A small municipality with no index admissions in a year: no proportion to give.
    empty = {c: "" for c in ("value", "lower_ci", "upper_ci")}
    rows = [*_valid_rows(), _row("kommune", 147, 0, 1, comparison="not_compared", **empty)]
    rows[-1]["denominator"] = 0
    path = _write(tmp_path, rows)
    published = read_results_file(path)
    assert len(published.results) == 5
    rows[-1]["denominator"] = 10
    with pytest.raises(InputError, match="række 6, felt value: mangler"):
        read_results_file(_write(tmp_path, rows))


def test_it_refuses_a_duplicate_cell_and_an_unknown_indicator(tmp_path: Path) -> None:
    path = _write(tmp_path, [*_valid_rows(), _row("kommune", 165, 40, 1000)])
    with pytest.raises(InputError) as e:
        read_results_file(path)
    assert (
        f"{path}, række 6, felt area_code: faerdigbehandlingsdage kommune 165 2014 står der mere end én gang"
        in str(e.value)
    )
    path = _write(tmp_path, [_row("kommune", 165, 40, 1000, indicator="andet")])
    with pytest.raises(InputError, match="felt indicator: 'andet' står ikke i metadatafilens"):
        read_results_file(path)


def test_the_demo_results_are_fit_to_publish(tmp_path: Path, synthetic_dir: Path) -> None:
    from naersund.engine.compute import compute
    from naersund.engine.outputs import write_results

    path = write_results(compute(synthetic_dir), tmp_path / "r.parquet")
    checked = read_results_file(path)
    assert checked.synthetic
    assert checked.results["suppressed"].any()  # 2 % of Denmark has small counts
    hidden = checked.results[checked.results["suppressed"]]
    assert hidden["value"].isna().all() and hidden["std_value"].isna().all()


# --- diff ---------------------------------------------------------------------------------------


def _typed(rows: list[dict[str, object]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS)
    for c in COLUMNS[4:12]:
        df[c] = pd.to_numeric(df[c].replace("", None), errors="coerce").astype(float)
    return df


def test_the_diff_names_new_removed_and_changed_cells() -> None:
    old = _typed(_valid_rows())
    new = old.copy()
    new.loc[0, "value"] = 41.0
    new.loc[1, "comparison"] = "worse"
    new = pd.concat([new.iloc[:3], _typed([_row("kommune", 101, 10, 100)])])
    d = diff_results(old, new)
    assert d[["area_code", "change", "fields"]].values.tolist() == [
        [101, "ny", ""],
        [151, "ændret", "comparison"],
        [165, "ændret", "value"],
        [0, "fjernet", ""],  # sorted by indicator, level, area, year: land after kommune
    ]
    assert d.loc[d["area_code"] == 165, ["old_value", "new_value"]].values.tolist() == [
        [40.0, 41.0]
    ]
    assert diff_results(old, old).empty


# --- funnels -----------------------------------------------------------------------------------


def _funnel_rows(values: list[float], dens: list[float], nums: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": list(range(101, 101 + len(values))),
            "value": values,
            "std_value": [np.nan] * len(values),
            "numerator": nums,
            "denominator": dens,
            "suppressed": [False] * len(values),
        }
    )


def test_proportion_funnel_limits_match_the_hand_computed_normal_limits() -> None:
    """Spiegelhalter (2005), eq. for proportions: p0 +/- z sqrt(p0 (1 - p0) / n).
    Denmark 20 %, n = 100: 95 % limits 20 +/- 1.959964 * 4 = 12.16014 / 27.83986,
    99.8 % limits 20 +/- 3.090232 * 4 = 7.63907 / 32.36093 (percent)."""
    national = pd.Series({"value": 20.0, "std_value": np.nan})
    rows = _funnel_rows([30.0, 5.0, 20.0, 35.0, 10.0], [100] * 5, [30, 5, 20, 35, 10])
    f = funnel_data(rows, national, "readmission_proportion", 100, standardised=True)
    assert not f.standardised  # proportions are always crude
    assert f.points["position"].tolist() == [ABOVE_95, BELOW_998, INSIDE, ABOVE_998, BELOW_95]
    at100 = np.interp(100, f.limits["size"], f.limits["upper_95"])
    assert abs(at100 - 27.83986) < 0.05  # the grid is interpolated here; exact below
    from naersund.stats import funnel_limits_proportion

    exact = funnel_limits_proportion(0.2, [100], 100)
    assert exact.lower_95[0] == pytest.approx(12.16014, abs=1e-5)
    assert exact.upper_95[0] == pytest.approx(27.83986, abs=1e-5)
    assert exact.lower_998[0] == pytest.approx(7.63907, abs=1e-5)
    assert exact.upper_998[0] == pytest.approx(32.36093, abs=1e-5)


def _garwood_count(mu: float, tail: float, upper: bool) -> float:
    """The continuous count whose exact (Garwood 1936) Poisson limit equals mu, from the
    chi-square form: lower limit of O is chi2(tail, 2O)/2, upper is chi2(1-tail, 2O+2)/2
    (``special.chdtri`` is the inverse of the upper tail)."""
    if upper:  # the count O whose lower limit is mu
        return float(
            optimize.brentq(lambda o: special.chdtri(2 * o, 1 - tail) / 2 - mu, 1e-9, 10 * mu)
        )
    return float(optimize.brentq(lambda o: special.chdtri(2 * o + 2, tail) / 2 - mu, 0, 10 * mu))


def test_rate_funnel_limits_match_an_independent_exact_poisson_computation() -> None:
    national = pd.Series({"value": 50.0, "std_value": np.nan})
    rows = _funnel_rows([50.0, 80.0], [2000.0, 2000.0], [100, 160])
    f = funnel_data(rows, national, "stay_rate", 1000, standardised=False)
    assert f.baseline == 50.0
    mu = 50.0 / 1000 * 2000  # 100 expected events
    upper_998 = _garwood_count(mu, 0.001, upper=True) / 2000 * 1000
    lower_95 = _garwood_count(mu, 0.025, upper=False) / 2000 * 1000
    from naersund.stats import funnel_limits_rate

    got = funnel_limits_rate(50.0, [2000.0], 1000)
    assert got.upper_998[0] == pytest.approx(upper_998, rel=1e-6)
    assert got.lower_95[0] == pytest.approx(lower_95, rel=1e-6)
    assert f.points["position"].tolist() == [INSIDE, ABOVE_998]  # 80 > ~66.3


def test_standardised_rates_sit_at_their_equivalent_population() -> None:
    national = pd.Series({"value": 30.0, "std_value": 25.0})
    rows = _funnel_rows([20.0], [1000.0], [50]).assign(std_value=[25.0])
    f = funnel_data(rows, national, "stay_rate", 1000, standardised=True)
    assert f.standardised and f.baseline == 25.0
    assert f.points["size"].tolist() == [pytest.approx(2000.0)]  # 50 * 1000 / 25


def test_suppressed_and_empty_municipalities_are_left_out_of_the_funnel() -> None:
    national = pd.Series({"value": 50.0, "std_value": np.nan})
    rows = _funnel_rows([50.0, np.nan, 0.0], [2000.0, 2000.0, 2000.0], [100, np.nan, 0])
    rows.loc[1, "suppressed"] = True
    f = funnel_data(rows, national, "stay_rate", 1000, standardised=False)
    assert f.points["area_code"].tolist() == [101]


# --- benchmarking ------------------------------------------------------------------------------


def _indicator_rows() -> pd.DataFrame:
    rows = [
        ("land", 0, 50.0, 49.0, 51.0),
        ("region", 1084, 55.0, 53.0, 57.0),
        ("kommune", 165, 70.0, 60.0, 80.0),  # Albertslund: worse (lower is better)
        ("kommune", 151, 40.0, 38.0, 42.0),  # better
        ("kommune", 101, 52.0, 48.0, 56.0),  # similar
        ("kommune", 851, 30.0, 20.0, 40.0),  # better, the best
    ]
    df = pd.DataFrame(rows, columns=["level", "area_code", "value", "lower_ci", "upper_ci"])
    df["year"] = 2014
    df[["std_value", "std_lower_ci", "std_upper_ci"]] = np.nan
    return df


def test_comparison_is_by_interval_overlap_and_direction() -> None:
    df = _indicator_rows()
    m = choose_measure(df)
    assert not m.standardised  # no standardised values: crude
    assert compare(df, m, "lower_is_better").tolist() == [
        "not_compared", "worse", "worse", "better", "similar", "better"
    ]  # fmt: skip
    assert compare(df, m, "higher_is_better").tolist()[2] == "better"


def test_spine_positions_put_denmark_in_the_middle_and_better_to_the_right() -> None:
    s = spine_rows(_indicator_rows(), 165, choose_measure(_indicator_rows()), "lower_is_better")
    assert (s["value"], s["national"], s["region"]) == (70.0, 50.0, 55.0)
    assert (s["min"], s["max"], s["median"]) == (30.0, 70.0, 46.0)
    # farthest municipality is 20 from Denmark on both sides: 70 -> 0 (worst), 30 -> 1 (best)
    assert s["pos_national"] == 0.5
    assert s["pos_value"] == pytest.approx(0.0)
    assert s["pos_min"] == pytest.approx(1.0)
    assert s["pos_region"] == pytest.approx(0.5 - 5 / 40)


def test_recent_trend_needs_three_years_and_a_change_beyond_chance() -> None:
    years = [2012, 2013, 2014, 2015]
    up = recent_trend(years, [10, 12, 14, 20], [9, 11, 13, 19], [11, 13, 15, 21], "lower_is_better")
    assert up == "stigende (dårligere)"
    flat = recent_trend(years, [10, 12, 11, 11], [8, 9, 9, 9], [12, 14, 13, 13], "lower_is_better")
    assert flat == "uændret"
    assert recent_trend([2014, 2015], [1, 2], [0, 1], [2, 3], "lower_is_better") == "for få år"
    down = recent_trend(
        years, [20, 14, 12, 10], [19, 13, 11, 9], [21, 15, 13, 11], "higher_is_better"
    )
    assert down == "faldende (dårligere)"


# --- targets -----------------------------------------------------------------------------------


def _series() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2013, 2014, 2015],
            "value": [60.0, 57.0, 58.0],
            "lower_ci": [58.0, 55.0, 56.5],
            "upper_ci": [62.0, 59.0, 59.5],
        }
    )


def test_a_relative_target_gives_a_straight_glide_path_from_the_baseline() -> None:
    t = Target(
        indicator="x", baseline_year=2013, target_year=2016, relative_change_pct=-10, source="s"
    )
    path = glide_path(t, _series())
    assert path is not None
    assert path.target_value == pytest.approx(54.0)
    assert path.points["value"].tolist() == pytest.approx([60.0, 58.0, 56.0, 54.0])


def test_target_status_judges_the_latest_year_against_the_glide_path() -> None:
    t = Target(
        indicator="x", baseline_year=2013, target_year=2016, relative_change_pct=-10, source="s"
    )
    # 2015: glide 56; lower limit 56.5 > 56, lower is better -> off track
    assert target_status(t, _series(), "lower_is_better") == ("ikke på sporet", 2015)
    easy = Target(
        indicator="x", baseline_year=2013, target_year=2016, target_value=57.0, source="s"
    )
    # 2015: glide 57.67; 56.5 <= 57.67 -> on track
    assert target_status(easy, _series(), "lower_is_better") == ("på sporet", 2015)
    later = Target(
        indicator="x", baseline_year=2010, target_year=2016, target_value=1.0, source="s"
    )
    assert target_status(later, _series(), "lower_is_better") == ("ukendt", None)


REF = Path(__file__).resolve().parents[2] / "shared" / "reference-tests" / "PHEindicatormethods"


def test_funnel_positions_match_the_phe_worked_example() -> None:
    """PHEindicatormethods' funnel test data (testdata_funnel_prop_inputs.csv, 303 areas with
    their published significance at 0.025 and 0.001, baseline = pooled proportion): every area
    lands on the same side of the same limit."""
    path = REF / "testdata_funnel_prop_inputs.csv"
    if not path.exists():
        require_or_skip("REFERENCE_DATA", f"reference data not found at {path}")
    ref = pd.read_csv(path, encoding="utf-8-sig")
    rows = pd.DataFrame(
        {
            "area_code": range(len(ref)),
            "value": ref["numerator"] / ref["denominator"] * 100,
            "std_value": np.nan,
            "numerator": ref["numerator"],
            "denominator": ref["denominator"],
            "suppressed": False,
        }
    )
    baseline = ref["numerator"].sum() / ref["denominator"].sum() * 100
    assert baseline == pytest.approx(80.642448, abs=1e-6)  # the reference's Baseline column
    national = pd.Series({"value": baseline, "std_value": np.nan})
    f = funnel_data(rows, national, "readmission_proportion", 100, standardised=False)
    expected = ref["significance"].map(
        {
            "High (0.001)": ABOVE_998,
            "High (0.025)": ABOVE_95,
            "Not significant": INSIDE,
            "Low (0.025)": BELOW_95,
            "Low (0.001)": BELOW_998,
        }
    )
    assert f.points["position"].tolist() == expected.tolist()
