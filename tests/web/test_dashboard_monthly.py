"""Monthly values: published with the release when ``<results>.monthly.csv`` is beside the
results file (checked, all or nothing), and shown on Udvikling as "Måned for måned"."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from dashboard_data import monthly_for, results_for
from web_personas import Personas

from naersund.analysis.profiles import municipality_names
from naersund.engine.compute import compute
from naersund.engine.outputs import monthly_path, write_results
from naersund.errors import InputError
from naersund.refdata import KKR_NAMES, region_of
from naersund.web.dashboard import releases
from naersund.web.dashboard.models import MonthlyRow, Release
from run_outputs import reseal

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


@pytest.fixture(scope="session")
def monthly_dir(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared registry's results and monthly values, written as one run in a folder of
    their own."""
    d = tmp_path_factory.mktemp("monthly")
    write_results(compute(synthetic_dir), d / "results.csv", monthly_for(synthetic_dir))
    return d


def _copy(monthly_dir: Path, tmp_path: Path) -> Path:
    for f in monthly_dir.iterdir():
        shutil.copy(f, tmp_path / f.name)
    return tmp_path / "results.csv"


def test_publish_without_a_monthly_file_has_no_monthly_values(results_file: Path) -> None:
    assert not monthly_path(results_file).exists()
    release = releases.publish(results_file)
    assert releases.monthly_of(release) is None
    assert not MonthlyRow.objects.exists()


def test_publish_stores_the_monthly_values_with_the_release(monthly_dir: Path) -> None:
    release = releases.publish(monthly_dir / "results.csv")
    got = releases.monthly_of(release)
    assert got is not None
    expected = pd.read_csv(monthly_dir / "results.monthly.csv", keep_default_na=True)
    assert len(got) == len(expected) == MonthlyRow.objects.filter(release=release).count()
    key = ["indicator", "level", "area_code", "year", "month"]
    a = got.sort_values(key).reset_index(drop=True)
    b = expected.sort_values(key).reset_index(drop=True)
    assert np.allclose(a["value"], b["value"], equal_nan=True)
    assert (a["suppressed"] == b["suppressed"]).all() and a["suppressed"].any()
    assert not MonthlyRow.objects.filter(suppressed=True, value__isnull=False).exists()
    assert set(got["note"]) == {"SYNTETISKE DATA"}


def test_an_unsuppressed_small_month_refuses_the_whole_release(
    monthly_dir: Path, tmp_path: Path
) -> None:
    first = releases.publish(monthly_dir / "results.csv")
    path = _copy(monthly_dir, tmp_path)
    m = pd.read_csv(path.with_name("results.monthly.csv"), dtype=str, keep_default_na=False)
    i = int(np.flatnonzero(m["suppressed"] == "True")[0])
    m.loc[i, ["numerator", "value", "lower_ci", "upper_ci", "suppressed"]] = [
        "3",
        "0.1",
        "0.0",
        "0.3",
        "False",
    ]
    m.to_csv(path.with_name("results.monthly.csv"), index=False)
    reseal(path)
    with pytest.raises(InputError) as e:
        releases.publish(path)
    assert f"results.monthly.csv, række {i + 2}, felt numerator" in str(e.value)
    assert list(Release.objects.values_list("pk", "is_current")) == [(first.pk, True)]
    assert MonthlyRow.objects.filter(release=first).exists()


def test_a_month_the_sums_give_away_is_refused(monthly_dir: Path, tmp_path: Path) -> None:
    """Unmasking one of exactly two masked months of a municipality gives the other away
    (the months add up to the published year)."""
    path = _copy(monthly_dir, tmp_path)
    m = pd.read_csv(path.with_name("results.monthly.csv"), dtype=str, keep_default_na=False)
    hidden = m[(m["suppressed"] == "True") & (m["level"] == "kommune")]
    pairs = hidden.groupby(["indicator", "area_code", "year"]).filter(lambda g: len(g) == 2)
    i = int(pairs.index[0])
    m.loc[i, ["numerator", "value", "lower_ci", "upper_ci", "suppressed"]] = [
        "9",
        "0.1",
        "0.0",
        "0.3",
        "False",
    ]
    m.to_csv(path.with_name("results.monthly.csv"), index=False)
    reseal(path)
    with pytest.raises(InputError) as e:
        releases.publish(path)
    assert "kan regnes ud af summerne" in str(e.value)
    assert not Release.objects.exists()


def test_a_broken_field_is_named(monthly_dir: Path, tmp_path: Path) -> None:
    path = _copy(monthly_dir, tmp_path)
    m = pd.read_csv(path.with_name("results.monthly.csv"), dtype=str, keep_default_na=False)
    m.loc[4, "month"] = "13"
    m.to_csv(path.with_name("results.monthly.csv"), index=False)
    reseal(path)
    with pytest.raises(InputError) as e:
        releases.publish(path)
    assert "række 6, felt month: 13 skal være fra 1 til 12" in str(e.value)


# --- the Udvikling page ------------------------------------------------------------------------

IND = "genindlaeggelser_30d_65"


def _text(response: object) -> str:
    html = response.content.decode()  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_page_says_yearly_only_without_monthly_values(
    results_file: Path, personas: Personas
) -> None:
    releases.publish(results_file)
    page = _text(personas.client("reader").get(f"/indikatorer/udvikling/?indikator={IND}"))
    assert "månedstal er ikke en del af de offentliggjorte resultater" in page
    assert "Måned for måned" not in page


def test_the_page_shows_month_by_month_with_gaps_marked(
    monthly_dir: Path, personas: Personas
) -> None:
    release = releases.publish(monthly_dir / "results.csv")
    monthly = releases.monthly_of(release)
    assert monthly is not None
    m = monthly[monthly["indicator"] == IND]
    hidden = m[(m["level"] == "kommune") & m["suppressed"]].iloc[0]
    code = int(hidden["area_code"])
    name = municipality_names()[code]
    url = f"/indikatorer/udvikling/?indikator={IND}&kommune={code}"
    reader = personas.client("reader")
    page = _text(reader.get(url))
    assert "Måned for måned" in page and "pct. af indlæggelser" in page
    assert "månedstal er ikke en del" not in page
    response = reader.get(url + "&csv=monthly")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8")[1:]), delimiter=";"))
    assert set(rows[0]) == {"Måned", name, KKR_NAMES[region_of()[code]], "Danmark"}
    assert [r["Måned"] for r in rows] == [
        f"{y}-{mm:02d}" for y in (2013, 2014) for mm in range(1, 13)
    ]
    by_month = {r["Måned"]: r for r in rows}
    label = f"{int(hidden['year'])}-{int(hidden['month']):02d}"
    assert by_month[label][name] == "skjult"
    land = m[(m["level"] == "land") & (m["year"] == 2014) & (m["month"] == 3)].iloc[0]
    shown = float(by_month["2014-03"]["Danmark"].replace(",", "."))
    assert shown == pytest.approx(land["value"])
    # every masked month of the municipality is "skjult", every other one a number
    own = m[(m["level"] == "kommune") & (m["area_code"] == code)]
    skjult = {r["Måned"] for r in rows if r[name] == "skjult"}
    masked = own[own["suppressed"]]
    assert skjult == {
        f"{y}-{mm:02d}" for y, mm in zip(masked["year"], masked["month"], strict=True)
    }
