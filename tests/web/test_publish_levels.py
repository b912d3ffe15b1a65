"""``naersund publish`` and the area levels: the areas file goes with the release; levels beyond
kommune → region → land are refused with a message saying why (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from dashboard_data import results_for

from naersund.engine.compute import ComputeOptions, areas_path, compute, write_results
from naersund.errors import InputError
from naersund.web.dashboard import releases
from naersund.web.dashboard.models import Release, ResultRow

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


def test_publish_stores_the_areas_file_with_the_release(results_file: Path) -> None:
    release = releases.publish(results_file)
    release.refresh_from_db()
    stored = pd.DataFrame(release.meta["areas"]["rows"], columns=release.meta["areas"]["columns"])
    written = pd.read_csv(areas_path(results_file), dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(stored, written)
    assert set(stored["level"]) == {"kommune", "region", "land"}
    assert len(stored) == 3 * 98


def test_publish_refuses_levels_that_overlap_the_hierarchy(
    synthetic_dir: Path, tmp_path: Path
) -> None:
    options = ComputeOptions(
        indicators=["forebyggelige_indlaeggelser_65"],
        levels=["kommune", "region", "region2027", "sundhedsraad", "land"],
    )
    path = write_results(compute(synthetic_dir, options), tmp_path / "levels.csv")
    with pytest.raises(InputError) as exc:
        releases.publish(path)
    assert str(exc.value) == (
        f"{path}: niveau(erne) region2027, sundhedsraad kan ikke offentliggøres endnu. Områder, "
        "der overlapper kommune → region → land (fx Region Østdanmark, der dækker Region "
        "Hovedstaden og Region Sjælland, eller et sundhedsråd), åbner for at regne et skjult tal "
        "ud som forskellen mellem to offentliggjorte områder; kontrollen af diskretioneringen "
        "før offentliggørelse og webappens sider kender endnu kun kommune, region og land. "
        "Beregn med `naersund compute --levels kommune,region,land` for at offentliggøre"
    )
    assert not Release.objects.filter(source_file=str(path.resolve())).exists()
    assert not ResultRow.objects.filter(level__in=["region2027", "sundhedsraad"]).exists()


def test_publish_refuses_an_areas_file_from_another_run(results_file: Path, tmp_path: Path) -> None:
    import shutil

    dest = tmp_path / "r.csv"
    shutil.copy(results_file, dest)
    shutil.copy(
        results_file.with_name(results_file.name + ".meta.json"), tmp_path / "r.csv.meta.json"
    )
    areas = pd.read_csv(areas_path(results_file), dtype=str, keep_default_na=False)
    areas.loc[0, "area_name"] = "Andet navn"
    areas.to_csv(areas_path(dest), index=False)
    with pytest.raises(InputError) as exc:
        releases.publish(dest)
    assert str(exc.value).startswith(f"{areas_path(dest)}: områdefilen er ikke fra samme kørsel")
