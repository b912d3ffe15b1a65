"""`naersund publish`: results into the app database, all or nothing, releases and their diff."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from dashboard_data import changed_copy, results_for

from naersund.analysis import read_results_file
from naersund.engine.outputs import areas_path
from naersund.errors import InputError, NaersundError
from naersund.web.dashboard import releases
from naersund.web.dashboard.models import Release, ResultRow
from run_outputs import reseal

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


def _copy(results_file: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "r.csv"
    shutil.copy(results_file, dest)
    shutil.copy(
        results_file.with_name(results_file.name + ".meta.json"), dest.with_name("r.csv.meta.json")
    )
    shutil.copy(areas_path(results_file), areas_path(dest))
    return dest


def test_publish_stores_every_row_as_the_current_release(results_file: Path) -> None:
    release = releases.publish(results_file)
    assert release.is_current and release.synthetic
    expected = read_results_file(results_file).results
    assert release.row_count == len(expected) == ResultRow.objects.filter(release=release).count()
    meta = json.loads(results_file.with_name(results_file.name + ".meta.json").read_text())
    assert release.code_version == meta["code_version"]
    assert str(release.data_cut) == meta["data_cut"]
    assert release.definitions == {k: v["version"] for k, v in meta["definitions"].items()}

    got = releases.load_release().results
    key = ["indicator", "level", "area_code", "year"]
    a = got.sort_values(key).reset_index(drop=True)
    b = expected.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_suppressed_cells_are_stored_without_values(results_file: Path) -> None:
    releases.publish(results_file)
    hidden = ResultRow.objects.filter(suppressed=True)
    assert hidden.exists()
    assert not hidden.filter(value__isnull=False).exists()
    assert not hidden.filter(std_value__isnull=False).exists()
    assert not hidden.filter(lower_ci__isnull=False).exists()


def test_republishing_makes_a_new_current_release_and_keeps_the_old_one(
    results_file: Path, tmp_path: Path
) -> None:
    first = releases.publish(results_file)
    changed = changed_copy(results_file, tmp_path)
    second = releases.publish(changed)
    first.refresh_from_db()
    assert second.is_current and not first.is_current
    assert Release.objects.filter(is_current=True).count() == 1
    assert (
        releases.load_release(first.pk).results.shape
        == releases.load_release(second.pk).results.shape
    )
    diff = releases.diff_releases(first.pk, second.pk)
    assert diff[["level", "change", "fields"]].values.tolist() == [["land", "ændret", "std_value"]]
    lines = releases.diff_lines(first.pk, second.pk)
    assert (
        lines[0]
        == f"Fra udgivelse {first.pk} til {second.pk}: 1 ændrede, 0 nye og 0 fjernede celler."
    )


def test_a_refused_file_leaves_the_current_release_as_it_was(
    results_file: Path, tmp_path: Path
) -> None:
    first = releases.publish(results_file)
    bad = _copy(results_file, tmp_path)
    df = pd.read_csv(bad, keep_default_na=False, dtype=str)
    row = df.index[(df["level"] == "kommune") & (df["suppressed"] == "False")][0]
    df.loc[row, "numerator"] = "3"
    df.to_csv(bad, index=False)
    reseal(bad)
    with pytest.raises(InputError) as e:
        releases.publish(bad)
    assert f"{bad}, række {row + 2}, felt numerator: er ikke diskretioneret" in str(e.value)
    assert list(Release.objects.values_list("pk", flat=True)) == [first.pk]
    assert ResultRow.objects.count() == first.row_count


def test_a_failure_while_storing_rolls_everything_back(
    results_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = releases.publish(results_file)

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(ResultRow.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        releases.publish(results_file)
    assert list(Release.objects.values_list("pk", "is_current")) == [(first.pk, True)]


def test_load_release_without_any_release_says_so_in_danish() -> None:
    with pytest.raises(releases.NoRelease, match="Der er ikke offentliggjort nogen resultater"):
        releases.load_release()
    with pytest.raises(NaersundError, match="Udgivelse 999 findes ikke"):
        releases.load_release(999)


def test_the_cli_publishes_lists_and_diffs(
    results_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from naersund import cli

    monkeypatch.setattr("naersund.web.manage.setup", lambda: None)
    runner = CliRunner()
    r1 = runner.invoke(cli.cli, ["publish", str(results_file)])
    assert r1.exit_code == 0, r1.output
    assert "Første udgivelse: intet at sammenligne med." in r1.output
    assert "SYNTETISKE" in r1.output
    r2 = runner.invoke(cli.cli, ["publish", str(results_file)])
    assert "0 ændrede, 0 nye og 0 fjernede celler" in r2.output
    listing = runner.invoke(cli.cli, ["publish", "--list"])
    assert listing.output.count("Udgivelse ") == 2 and "(gældende)" in listing.output
    usage = runner.invoke(cli.cli, ["publish"])
    assert usage.exit_code == 2 and "Angiv en resultatfil" in usage.output


def test_results_are_numbers_not_text(results_file: Path) -> None:
    releases.publish(results_file)
    r = releases.load_release().results
    assert r["value"].dtype == np.float64 and r["year"].dtype == np.int64


def test_a_disease_cohort_is_a_protected_count_when_publishing(
    results_file: Path, tmp_path: Path
) -> None:
    # A disease rate's denominator counts persons in the registry, like a numerator: a small
    # visible one is refused (the rate rows relabelled as a disease rate, one cohort of 3 without admissions).
    bad = _copy(results_file, tmp_path)
    meta_path = bad.with_name("r.csv.meta.json")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["definitions"]["akutte_indlaeggelser_kol"] = meta["definitions"].pop(
        "akutte_korttidsindlaeggelser"
    ) | {"name_da": "Akutte indlæggelser for KOL blandt borgere med KOL (18+)"}
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    df = pd.read_csv(bad, keep_default_na=False, dtype=str)
    df["indicator"] = df["indicator"].replace(
        "akutte_korttidsindlaeggelser", "akutte_indlaeggelser_kol"
    )
    row = df.index[
        (df["indicator"] == "akutte_indlaeggelser_kol")
        & (df["level"] == "kommune")
        & (df["suppressed"] == "False")
    ]
    df.loc[row[0], ["numerator", "denominator"]] = ["0", "3"]
    df.to_csv(bad, index=False)
    reseal(bad)
    with pytest.raises(InputError) as e:
        releases.publish(bad)
    assert f"{bad}, række {row[0] + 2}, felt denominator: er ikke diskretioneret" in str(e.value)
