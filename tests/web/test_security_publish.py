"""Issue 17, items 3 and 8, on the publishing side: ``naersund publish`` takes the threshold of
small-number suppression from the deployment, not from the file; it refuses values, intervals
and verdicts that do not belong to their counts; and it refuses files of two runs of
``naersund compute`` put side by side. A refused file leaves nothing a reader can see."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from dashboard_data import results_for
from web_personas import Personas

from naersund import stats
from naersund.cli_data import monthly_values
from naersund.engine.compute import ComputeOptions, compute
from naersund.engine.outputs import areas_path, meta_path, monthly_path, write_results
from naersund.errors import InputError
from naersund.refdata import region_of
from naersund.suppression import SuppressionRule
from naersund.web.dashboard import releases
from naersund.web.dashboard.models import MonthlyRow, Release, ResultRow
from run_outputs import edit_csv, read_meta, write_meta

pytestmark = pytest.mark.django_db

STANDARDISED = "forebyggelige_indlaeggelser_65"


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def unmasked(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``naersund compute --min-count 1``: nothing suppressed."""
    options = ComputeOptions(suppression=SuppressionRule(1))
    out = tmp_path_factory.mktemp("min-count-1") / "results.csv"
    return write_results(compute(synthetic_dir, options), out)


def _copy(results: Path, dest: Path) -> Path:
    """The run of ``results`` (results, meta file, monthly values and areas if any) in ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for f in (results, meta_path(results), monthly_path(results), areas_path(results)):
        if f.exists():
            shutil.copy(f, dest / f.name)
    return dest / results.name


def _rows(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _num(column: pd.Series) -> pd.Series:
    return pd.to_numeric(column, errors="coerce")


def _refused(path: Path) -> str:
    with pytest.raises(InputError) as exc:
        releases.publish(path)
    return str(exc.value)


def _api(personas: Personas, query: str) -> dict[str, Any]:
    """What a reader gets from the API's results (all of it: the filters keep it to a page)."""
    response = personas.client("reader").get(f"/api/results/?{query}")
    assert response.status_code == 200
    body: dict[str, Any] = json.loads(response.content.decode())
    assert body["count"] == len(body["results"])
    return body


def _api_rows(personas: Personas, query: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = _api(personas, query)["results"]
    return rows


# --- the deployment's threshold ----------------------------------------------------------------


def test_a_file_computed_with_min_count_1_is_refused_and_nothing_reaches_a_reader(
    results_file: Path, unmasked: Path, personas: Personas
) -> None:
    rows = _rows(unmasked)
    small = rows[_num(rows["numerator"]).between(1, 4)]
    assert len(small) > 0 and not (rows["suppressed"] == "True").any()
    current = releases.publish(results_file)
    assert _refused(unmasked) == (
        f"{unmasked}.meta.json: filen er diskretioneret med mindste antal 1, men udgivelsen "
        "kræver mindst 5 (indstillingen NAERSUND_MIN_COUNT); kør `naersund compute "
        "--min-count 5` igen"
    )
    assert list(Release.objects.values_list("pk", "is_current")) == [(current.pk, True)]
    # what a reader gets is the suppressed release: none of the small counts or their values
    cell = small.iloc[0]
    served = _api_rows(
        personas, f"indicator={cell['indicator']}&level={cell['level']}&year={cell['year']}"
    )
    assert served and all(r["numerator"] is None or r["numerator"] >= 5 for r in served)
    same = small[(small["indicator"] == cell["indicator"]) & (small["year"] == cell["year"])]
    hidden_values = {float(v) for v in same.loc[same["level"] == cell["level"], "value"]}
    assert not hidden_values & {r["value"] for r in served}


def test_the_threshold_in_the_meta_file_cannot_be_edited_up(unmasked: Path, tmp_path: Path) -> None:
    path = _copy(unmasked, tmp_path)
    meta = read_meta(path)
    meta["suppression_min_count"] = 5
    write_meta(path, meta)
    rows = _rows(path)
    first_small = int(rows.index[_num(rows["numerator"]).between(1, 4)][0])
    r = rows.iloc[first_small]
    message = _refused(path)
    assert (
        f"{path}, række {first_small + 2}, felt numerator: er ikke diskretioneret: "
        f"{r['indicator']} {r['level']} {r['area_code']} {r['year']} skulle være skjult ved "
        "mindste antal 5" in message
    )
    assert not Release.objects.exists() and not ResultRow.objects.exists()


def test_the_threshold_is_the_deployments_setting(
    results_file: Path, synthetic_dir: Path, tmp_path: Path, settings: Any
) -> None:
    settings.NAERSUND_MIN_COUNT = 6
    assert "mindste antal 5, men udgivelsen kræver mindst 6" in _refused(results_file)
    # claiming 6 in the meta file is not enough: publish suppresses again with it
    claimed = _copy(results_file, tmp_path / "claimed")
    meta = read_meta(claimed)
    meta["suppression_min_count"] = 6
    write_meta(claimed, meta)
    assert "skulle være skjult ved mindste antal 6" in _refused(claimed)
    options = ComputeOptions(suppression=SuppressionRule(6))
    six = write_results(compute(synthetic_dir, options), tmp_path / "six" / "results.csv")
    release = releases.publish(six)
    assert release.meta["suppression_min_count"] == 6
    assert not ResultRow.objects.filter(numerator__gte=1, numerator__lt=6).exists()


def _settings_min_count(value: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NAERSUND_MIN_COUNT"}
    # a varied key of 50+ characters, as production settings require
    env |= {"NAERSUND_SECRET_KEY": "a-test-secret-key-that-is-long-enough-0123456789-abcdefghij"}
    if value is not None:
        env["NAERSUND_MIN_COUNT"] = value
    code = "from naersund.web import settings; print(settings.NAERSUND_MIN_COUNT)"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (None, "5"),
        ("7", "7"),
        ("fem", "NAERSUND_MIN_COUNT skal være et helt tal (er 'fem')"),
        ("4.5", "NAERSUND_MIN_COUNT skal være et helt tal (er '4.5')"),
        ("3", "NAERSUND_MIN_COUNT skal være mindst 5 (er 3): antal fra 1 til 4 må aldrig "),
    ],
)
def test_the_setting_is_a_whole_number_of_at_least_5(value: str | None, says: str) -> None:
    done = _settings_min_count(value)
    if says.isdigit():
        assert done.returncode == 0 and done.stdout.strip() == says
    else:
        assert done.returncode != 0 and says in done.stderr


# --- values, intervals and verdicts against their counts -------------------------------------


def _visible_row(rows: pd.DataFrame, indicator: str, at_least: float = 10) -> int:
    ok = (
        (rows["indicator"] == indicator)
        & (rows["level"] == "kommune")
        & (rows["suppressed"] == "False")
        & (_num(rows["numerator"]) >= at_least)
    )
    return int(rows.index[ok][0])


@pytest.mark.parametrize(("field", "forged"), [("value", "12345.6"), ("upper_ci", "99999")])
def test_a_number_that_does_not_belong_to_its_count_is_refused(
    results_file: Path, tmp_path: Path, field: str, forged: str
) -> None:
    path = _copy(results_file, tmp_path)
    rows = _rows(path)
    i = _visible_row(rows, "akutte_korttidsindlaeggelser", at_least=5)
    r = rows.iloc[i]
    edit_csv(path, lambda df: df.__setitem__(field, df[field].where(df.index != i, forged)), path)
    x, n = float(r["numerator"]), float(r["denominator"])
    expected = float(r[field])
    assert _refused(path) == (
        "resultatfilen kan ikke offentliggøres:\n"
        f"{path}, række {i + 2}, felt {field}: {forged} passer ikke med tælleren {x:.10g} og "
        f"nævneren {n:.10g} (forventet {expected:.6g})"
    )
    assert not Release.objects.exists()


@pytest.mark.parametrize(
    ("forged", "says"),
    [
        ("-3", "-3 er negativ (et antal kan ikke være under 0)"),
        ("7.5", "7.5 er ikke et helt tal (et antal)"),
    ],
)
def test_a_bad_count_gets_a_danish_message_not_a_traceback(
    results_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    forged: str,
    says: str,
) -> None:
    from naersund import cli

    path = _copy(results_file, tmp_path)
    i = _visible_row(_rows(path), "akutte_korttidsindlaeggelser")
    edit_csv(
        path,
        lambda df: df.__setitem__("numerator", df["numerator"].where(df.index != i, forged)),
        path,
    )
    monkeypatch.setattr("naersund.web.manage.setup", lambda: None)
    monkeypatch.setattr(sys, "argv", ["naersund", "publish", str(path)])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert f"{path}, række {i + 2}, felt numerator: {says}" in err
    assert "Uventet fejl" not in err and "Traceback" not in err


def _set(path: Path, i: int, values: dict[str, str]) -> None:
    def change(df: pd.DataFrame) -> None:
        for column, v in values.items():
            df.loc[i, column] = v

    edit_csv(path, change, path)


def test_a_standardised_interval_that_no_count_gives_is_refused(
    results_file: Path, tmp_path: Path
) -> None:
    rows = _rows(results_file)
    i = _visible_row(rows, STANDARDISED)
    r = rows.iloc[i]
    o, v = float(r["numerator"]), float(r["std_value"])
    lo, hi = float(r["std_lower_ci"]), float(r["std_upper_ci"])

    forged_upper = _copy(results_file, tmp_path / "upper")
    _set(forged_upper, i, {"std_upper_ci": "99999"})
    limits = stats.byar(o)
    upper = v + (v - lo) / (o - float(limits.lower_ci)) * (float(limits.upper_ci) - o)
    assert upper == pytest.approx(hi)
    assert (
        f"række {i + 2}, felt std_upper_ci: 99999 passer ikke med std_value {v:.10g}, "
        f"std_lower_ci {lo:.10g} og tælleren {o:.10g} (Dobsons interval: forventet {upper:.6g})"
    ) in _refused(forged_upper)

    # both limits moved apart alike (a Dobson interval for a far larger variance than the
    # count allows: k = 2 DSR / sqrt(O) > DSR / sqrt(O))
    wide = _copy(results_file, tmp_path / "wide")
    k = 2 * v / math.sqrt(o)
    new_lo = v - k * (o - float(limits.lower_ci))
    new_hi = v + k * (float(limits.upper_ci) - o)
    _set(wide, i, {"std_lower_ci": repr(new_lo), "std_upper_ci": repr(new_hi)})
    assert f"række {i + 2}, felt std_lower_ci: {new_lo:.10g} passer ikke med std_value" in (
        _refused(wide)
    )

    few = rows[
        (rows["indicator"] == STANDARDISED)
        & (rows["suppressed"] == "False")
        & _num(rows["numerator"]).between(5, 9)
    ]
    if few.empty:  # pragma: no cover - the shared registry has such rows
        pytest.fail("no visible row with 5-9 events")
    j = int(few.index[0])
    invented = _copy(results_file, tmp_path / "invented")
    _set(invented, j, {"std_value": "12.5", "std_lower_ci": "1.0", "std_upper_ci": "30.0"})
    assert (
        f"række {j + 2}, felt std_value: skal være tomt: under 10 hændelser (tælleren er "
        f"{float(few.iloc[0]['numerator']):.10g}) giver ingen standardiseret værdi"
    ) in _refused(invented)
    assert not Release.objects.exists()


def test_a_verdict_that_the_intervals_do_not_give_is_refused(
    results_file: Path, tmp_path: Path
) -> None:
    path = _copy(results_file, tmp_path)
    rows = _rows(path)
    i = int(rows.index[(rows["comparison"] == "similar") & (rows["level"] == "kommune")][0])
    _set(path, i, {"comparison": "better"})
    assert (
        f"{path}, række {i + 2}, felt comparison: 'better' passer ikke med intervallerne "
        "(forventet 'similar')"
    ) in _refused(path)


def test_a_total_that_is_not_the_sum_of_its_parts_is_refused(
    results_file: Path, tmp_path: Path
) -> None:
    """Suppression protects sums (region = its municipalities, Denmark = the regions); a total
    that does not add up is refused whatever its value says."""
    path = _copy(results_file, tmp_path)
    rows = _rows(path)
    ind = "akutte_korttidsindlaeggelser"
    ours = (rows["indicator"] == ind) & (rows["year"] == "2014")
    land = int(rows.index[ours & (rows["level"] == "land")][0])
    parts = ours & (rows["level"] == "region")
    assert parts.sum() == 5 and (rows.loc[parts, "suppressed"] == "False").all()
    true_sum = _num(rows.loc[parts, "numerator"]).sum()
    assert float(rows.loc[land, "numerator"]) == true_sum
    _set(path, land, {"numerator": repr(float(true_sum + 10))})
    assert (
        f"{path}, række {land + 2}, felt numerator: {true_sum + 10:.10g} er ikke summen af "
        f"regionerne ({true_sum:.10g})"
    ) in _refused(path)
    # where some parts are hidden, the total cannot be less than the parts shown
    hidden = rows[ours & (rows["level"] == "kommune") & (rows["suppressed"] == "True")]
    region_code = int(region_of()[int(hidden.iloc[0]["area_code"])])
    region = int(rows.index[ours & (rows["area_code"] == str(region_code))][0])
    members = ours & (rows["level"] == "kommune")
    members &= rows["area_code"].astype(int).map(region_of()) == region_code
    shown = _num(rows.loc[members, "numerator"]).sum()  # NaN (hidden) left out
    low = _copy(results_file, tmp_path / "low")
    _set(low, region, {"numerator": repr(float(shown - 1))})
    assert (
        f"{low}, række {region + 2}, felt numerator: {shown - 1:.10g} er mindre end summen af "
        f"de viste kommuner ({shown:.10g})"
    ) in _refused(low)


def test_showing_a_complementary_cell_is_refused(
    results_file: Path, unmasked: Path, tmp_path: Path
) -> None:
    """A cell masked only so that a small neighbour cannot be recovered from the sums: shown
    again (with its true numbers), it gives the small one away."""
    path = _copy(results_file, tmp_path)
    rows, full = _rows(path), _rows(unmasked)
    key = ["indicator", "level", "area_code", "year"]
    assert (rows[key] == full[key]).all().all()
    partner = (rows["suppressed"] == "True") & (_num(full["numerator"]) >= 5)
    partner &= rows["level"] == "kommune"
    i = int(rows.index[partner][0])
    _set(path, i, {c: full.loc[i, c] for c in rows.columns if c not in ("note",)})
    r = rows.iloc[i]
    assert (
        f"{path}, række {i + 2}, felt numerator: er ikke diskretioneret: {r['indicator']} "
        f"kommune {r['area_code']} {r['year']} skulle være skjult ved mindste antal 5"
    ) in _refused(path)


def test_the_computed_results_pass_every_check(results_file: Path) -> None:
    release = releases.publish(results_file)
    assert release.row_count == len(_rows(results_file))


# --- files of one run --------------------------------------------------------------------------


def test_results_and_monthly_values_of_two_runs_are_refused_and_nothing_is_served(
    synthetic_dir: Path, results_file: Path, tmp_path: Path, personas: Personas
) -> None:
    """Run B differs from run A only in its confidence level, so each file on its own is fit
    to publish and belongs to the same indicator and year as the other."""
    ind = "akutte_korttidsindlaeggelser"
    runs = {}
    for name, confidence in (("a", 0.95), ("b", 0.9)):
        options = ComputeOptions(indicators=[ind], years=[2014], confidence=confidence)
        result = compute(synthetic_dir, options)
        runs[name] = write_results(
            result, tmp_path / name / "results.csv", monthly_values(synthetic_dir, options, result)
        )
    current = releases.publish(results_file)
    shutil.copy(monthly_path(runs["b"]), monthly_path(runs["a"]))
    run_a = read_meta(runs["a"])["run_id"]
    assert _refused(runs["a"]) == (
        f"{monthly_path(runs['a'])}: månedsfilen er ikke fra samme kørsel ({run_a}) som "
        "resultatfilen (results.csv.meta.json har en anden kontrolsum); kør `naersund compute "
        "--monthly` igen"
    )
    assert list(Release.objects.values_list("pk", "is_current")) == [(current.pk, True)]
    assert not MonthlyRow.objects.exists()
    served = _api(personas, f"indicator={ind}&level=land&year=2014")
    assert served["release"]["id"] == current.pk
    # the reader gets the current release's interval, not run B's (confidence 0.9)
    stored = ResultRow.objects.get(release=current, indicator=ind, level="land", year=2014)
    b_rows = _rows(runs["b"])
    b_land = b_rows[(b_rows["level"] == "land") & (b_rows["year"] == "2014")].iloc[0]
    assert [r["lower_ci"] for r in served["results"]] == [stored.lower_ci]
    assert float(b_land["lower_ci"]) != stored.lower_ci


def test_a_month_whose_total_is_not_the_sum_of_its_parts_is_refused(
    synthetic_dir: Path, tmp_path: Path
) -> None:
    ind = "akutte_korttidsindlaeggelser"
    options = ComputeOptions(indicators=[ind], years=[2014])
    result = compute(synthetic_dir, options)
    path = write_results(
        result, tmp_path / "results.csv", monthly_values(synthetic_dir, options, result)
    )
    months = _rows(monthly_path(path))
    i = int(months.index[(months["level"] == "land") & (months["month"] == "3")][0])
    regions = months[(months["level"] == "region") & (months["month"] == "3")]
    assert (regions["suppressed"] == "False").all()
    parts = _num(regions["numerator"]).sum()
    assert float(months.loc[i, "numerator"]) == parts
    edit_csv(
        monthly_path(path),
        lambda df: df.__setitem__(
            "numerator", df["numerator"].where(df.index != i, repr(float(parts + 3)))
        ),
        path,
    )
    assert (
        f"{monthly_path(path)}, række {i + 2}, felt numerator: {parts + 3:.10g} er ikke summen "
        f"af regionerne ({parts:.10g})"
    ) in _refused(path)


def test_a_results_file_changed_after_its_run_is_refused(
    results_file: Path, tmp_path: Path
) -> None:
    path = _copy(results_file, tmp_path)
    df = _rows(path)
    df.loc[0, "note"] = "rettet i hånden"
    df.to_csv(path, index=False)
    assert "resultatfilen er ikke den, kørsel" in _refused(path)
