"""``naersund publish`` and the area levels (issue 14): every shipped level is published, each
aggregate checked against the run's areas file, which goes with the release and is downloadable
from it."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from dashboard_data import ALL_LEVELS, results_for
from django.urls import reverse
from web_personas import Personas

from naersund import refdata
from naersund.engine.compute import ComputeOptions, compute
from naersund.engine.outputs import areas_path, write_results
from naersund.errors import InputError
from naersund.refdata.areas import AREAS_FILE_COLUMNS
from naersund.suppression import SuppressionRule
from naersund.web.dashboard import releases
from naersund.web.dashboard.models import Release, ResultRow
from run_outputs import reseal

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


def test_publish_stores_every_level_and_oestdanmark_is_hovedstaden_plus_sjaelland(
    levels_file: Path, synthetic_dir: Path
) -> None:
    release = releases.publish(levels_file)
    stored = ResultRow.objects.filter(release=release)
    assert set(stored.values_list("level", flat=True)) == set(ALL_LEVELS)
    published = releases.results_of(release).results
    oest = published[(published["level"] == "region2027") & (published["area_code"] == 1086)]
    assert len(oest) == published["indicator"].nunique() * published["year"].nunique()
    shown = oest[~oest["suppressed"]]
    assert len(shown) >= published["indicator"].nunique()
    # the sum over all 46 municipalities of Hovedstaden and Sjælland, masked ones included,
    # from the same registry computed without suppression
    raw = compute(
        synthetic_dir,
        ComputeOptions(levels=["kommune", "land"], suppression=SuppressionRule(min_count=1)),
    ).results
    east = raw[
        (raw["level"] == "kommune") & raw["area_code"].map(refdata.region_of()).isin([1084, 1085])
    ]
    assert east["area_code"].nunique() == 46
    summed = east.groupby(["indicator", "year"])[["numerator", "denominator"]].sum()
    for r in shown.itertuples():
        assert r.numerator == summed.loc[(r.indicator, r.year), "numerator"]
        assert r.denominator == summed.loc[(r.indicator, r.year), "denominator"]


def test_the_release_areas_file_round_trips(levels_file: Path, personas: Personas) -> None:
    release = releases.publish(levels_file)
    response = personas.client("reader").get(
        reverse("dashboard:hent", args=[release.pk, "omraader"])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="naersund-udgivelse-{release.pk}-omraader.csv"'
    )
    assert response.content == areas_path(levels_file).read_bytes()
    back = pd.read_csv(io.BytesIO(response.content), dtype=str, keep_default_na=False)
    assert tuple(back.columns) == AREAS_FILE_COLUMNS
    assert set(back["level"]) == set(ALL_LEVELS)
    oest = back[(back["level"] == "region2027") & (back["area_code"] == "1086")]
    assert len(oest) == 46
    page = personas.client("reader").get(reverse("dashboard:udgivelse", args=[release.pk]))
    assert "Områdefil som CSV" in page.content.decode()


def test_the_areas_file_is_not_given_to_the_anonymous_user(
    levels_file: Path, personas: Personas
) -> None:
    release = releases.publish(levels_file)
    response = personas.client("anonymous").get(
        reverse("dashboard:hent", args=[release.pk, "omraader"])
    )
    assert response.status_code == 302
    assert b"Region \xc3\x98stdanmark" not in response.content


def test_publish_refuses_an_areas_file_that_moves_a_municipality(
    levels_file: Path, tmp_path: Path
) -> None:
    import shutil

    dest = tmp_path / "r.csv"
    shutil.copy(levels_file, dest)
    shutil.copy(
        levels_file.with_name(levels_file.name + ".meta.json"), tmp_path / "r.csv.meta.json"
    )
    table = pd.read_csv(areas_path(levels_file), dtype=str, keep_default_na=False)
    at = table.index[(table["level"] == "sundhedsraad") & (table["kommunekode"] == "165")][0]
    table.loc[at, "area_code"] = "2713"
    table.to_csv(areas_path(dest), index=False, lineterminator="\n")
    reseal(dest)
    with pytest.raises(InputError) as exc:
        releases.publish(dest)
    assert str(exc.value) == (
        "områdefilen kan ikke offentliggøres:\n"
        f"{areas_path(dest)}, række {at + 2}, felt 'area_code': kommune 165 hører til område "
        "2712 i niveauet sundhedsraad (docs/areas.md), ikke 2713"
    )
    assert not Release.objects.filter(source_file=str(dest.resolve())).exists()


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


def test_publish_refuses_a_sundhedsraad_that_is_not_the_sum_of_its_municipalities(
    levels_file: Path, tmp_path: Path
) -> None:
    import shutil

    dest = tmp_path / "r.csv"
    for suffix in ("", ".meta.json"):
        shutil.copy(levels_file.with_name(levels_file.name + suffix), tmp_path / f"r.csv{suffix}")
    shutil.copy(areas_path(levels_file), areas_path(dest))
    table = pd.read_csv(dest, dtype=str, keep_default_na=False)
    shown = table.index[(table["level"] == "sundhedsraad") & (table["suppressed"] == "False")]
    at = shown[0]
    total = float(table.loc[at, "numerator"])
    table.loc[at, "numerator"] = repr(total + 1)
    table.to_csv(dest, index=False)
    reseal(dest)
    with pytest.raises(InputError) as exc:
        releases.publish(dest)
    assert (
        f"{dest}, række {at + 2}, felt numerator: {total + 1:g} er ikke summen af områdets "
        f"kommuner ({total:g})"
    ) in str(exc.value)
    assert not Release.objects.filter(source_file=str(dest.resolve())).exists()


def test_the_release_download_names_the_areas_of_every_level(
    levels_file: Path, personas: Personas
) -> None:
    release = releases.publish(levels_file)
    response = personas.client("reader").get(reverse("dashboard:hent", args=[release.pk, "csv"]))
    table = pd.read_csv(io.StringIO(response.content.decode("utf-8-sig")), sep=";", dtype=str)
    keys = zip(table["level"], table["area_code"], strict=True)
    names = dict(zip(keys, table["area_name"], strict=True))
    assert names[("sundhedsraad", "2712")] == "Sundhedsråd Amager og Vestegnen"
    assert names[("region2027", "1086")] == "Region Østdanmark"
    assert names[("kkr", "1084")] == "KKR Hovedstaden"
    assert names[("kommune", "165")] == "Albertslund"


def test_the_api_the_release_page_and_the_xlsx_mark_the_sundhedsraad_unverified(
    levels_file: Path, personas: Personas
) -> None:
    from openpyxl import load_workbook

    release = releases.publish(levels_file)
    client = personas.client("reader")
    unverified = "Sammensætningen er ikke verificeret mod officiel liste"

    def levels(**params: object) -> list[Any]:
        response = client.get(reverse("api:results"), {"year": 2014, **params})
        assert response.status_code == 200, response.content
        return list(response.json()["levels"])

    (sr,) = levels(level="sundhedsraad", area=2712)
    assert (sr["level"], sr["name"], sr["verified"]) == ("sundhedsraad", "Sundhedsråd", False)
    assert unverified in sr["notes"]
    assert any("findes som organisation fra 2027" in n for n in sr["notes"])
    (kkr,) = levels(level="kkr", area=1084)
    assert kkr["verified"] is True and not any("verificeret" in n for n in kkr["notes"])
    assert levels(level="kommune", area=165) == []
    html = client.get(reverse("dashboard:udgivelse", args=[release.pk])).content.decode()
    assert f"<strong>{unverified}</strong>" in html
    body = client.get(reverse("dashboard:hent", args=[release.pk, "xlsx"])).content
    sheet = load_workbook(io.BytesIO(body), read_only=True)["Om udgivelsen"]
    about = {r[0]: r[1] for r in sheet.iter_rows(values_only=True)}
    assert unverified in about["Niveau sundhedsraad (Sundhedsråd)"]
    assert (
        "findes som organisation fra 2027"
        in about["Niveau region2027 (Region (fire regioner fra 2027))"]
    )
    assert "verificeret" not in about["Niveau kkr (KKR)"]


def test_a_user_group_is_published_and_shown_as_an_area(
    synthetic_dir: Path, tmp_path: Path, personas: Personas
) -> None:
    groups = tmp_path / "grupper.csv"
    members = [165, 151, 153, 183, 187]  # Albertslund, Ballerup, Brøndby, Ishøj, Vallensbæk
    groups.write_text(
        "group_id,group_name,kommunekode\n"
        + "".join(f"vestegn,Vestegnssamarbejdet,{k}\n" for k in members),
        encoding="utf-8",
    )
    options = ComputeOptions(
        indicators=["forebyggelige_indlaeggelser_65"],
        levels=["kommune", "region", "vestegn", "land"],
        groups_file=groups,
    )
    path = write_results(compute(synthetic_dir, options), tmp_path / "groups.csv")
    release = releases.publish(path)
    pub = releases.results_of(release)
    assert pub.members("vestegn", 1) == sorted(members)
    year = pub.years[-1]
    html = (
        personas.client("reader")
        .get(reverse("dashboard:omraade", args=["vestegn", 1]), {"aar": year})
        .content.decode()
    )
    assert "Områdeoverblik: Vestegnssamarbejdet" in html
    assert "Brugerdefineret gruppe (Vestegnssamarbejdet) med 5 kommuner" in html
    listed = {int(k) for k in re.findall(r'data-level="kommune" data-area="(\d+)"', html)}
    assert listed == set(members)
