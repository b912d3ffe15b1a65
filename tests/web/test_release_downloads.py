"""The whole release as CSV / XLSX / Parquet with its data dictionary (the release's page), and
the API's paged endpoint for it: every row once, the figure every page shows, suppressed cells
without numbers everywhere."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from dashboard_data import results_for
from openpyxl import load_workbook
from web_personas import ALBERTSLUND, Personas

from naersund.analysis.release_export import DICTIONARY, HIDDEN_WITH_THE_CELL
from naersund.web.dashboard import releases
from naersund.web.dashboard.models import Release

pytestmark = pytest.mark.django_db
IND = "forebyggelige_indlaeggelser_65"


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


@pytest.fixture
def release(results_file: Path) -> Release:
    return releases.publish(results_file)


def _get(personas: Personas, url: str) -> bytes:
    response = personas.client("reader").get(url)
    assert response.status_code == 200, url
    return bytes(response.content)


def _key(r: dict[str, object]) -> tuple[str, str, int, int]:
    return (str(r["indicator"]), str(r["level"]), int(r["area_code"]), int(r["year"]))  # type: ignore[call-overload]


def test_the_release_page_links_every_download(release: Release, personas: Personas) -> None:
    page = _get(personas, f"/indikatorer/udgivelser/{release.pk}/").decode()
    for fmt in ("csv", "xlsx", "parquet", "ordbog"):
        assert f"/indikatorer/udgivelser/{release.pk}/hent/{fmt}/" in page
    for column in DICTIONARY:
        assert f"<code>{column}</code>" in page
    listing = _get(personas, "/indikatorer/udgivelser/").decode()
    assert f"/indikatorer/udgivelser/{release.pk}/" in listing


def test_the_csv_has_every_cell_once_with_the_published_figure(
    release: Release, personas: Personas
) -> None:
    pub = releases.load_release(release.pk)
    text = _get(personas, f"/indikatorer/udgivelser/{release.pk}/hent/csv/").decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    assert list(rows[0]) == list(DICTIONARY)
    assert len(rows) == len(pub.results) == len({_key(r) for r in rows})
    year = pub.years[-1]
    f = pub.figure(IND, "kommune", 101, year)
    row = next(r for r in rows if _key(r) == (IND, "kommune", 101, year))
    assert row["measure"] == f.measure and row["verdict"] == f.verdict
    assert row["area_name"] == "København" and row["release_id"] == str(release.pk)
    if f.value is not None:
        assert float(row["value"].replace(",", ".")) == pytest.approx(f.value)
    hidden = [r for r in rows if r["suppressed"] == "True"]
    assert hidden
    for r in hidden:
        assert all(r[c] == "" for c in HIDDEN_WITH_THE_CELL), r


def test_the_xlsx_has_the_table_and_a_data_dictionary(release: Release, personas: Personas) -> None:
    pub = releases.load_release(release.pk)
    body = _get(personas, f"/indikatorer/udgivelser/{release.pk}/hent/xlsx/")
    wb = load_workbook(io.BytesIO(body), read_only=True)
    assert wb.sheetnames == ["Resultater", "Dataordbog", "Om udgivelsen"]
    data = list(wb["Resultater"].iter_rows(values_only=True))
    header = list(data[0])
    assert header == list(DICTIONARY) and len(data) - 1 == len(pub.results)
    words = {r[0]: r[1] for r in wb["Dataordbog"].iter_rows(min_row=2, values_only=True)}
    assert words == DICTIONARY
    about = {r[0]: r[1] for r in wb["Om udgivelsen"].iter_rows(values_only=True)}
    assert about["Udgivelse"] == str(release.pk) and "SYNTETISKE DATA" in about
    hidden_col = header.index("suppressed")
    cols = [header.index(c) for c in HIDDEN_WITH_THE_CELL]
    hidden = [r for r in data[1:] if r[hidden_col] is True]
    assert hidden and all(r[i] is None for r in hidden for i in cols)


def test_the_parquet_file_keeps_suppressed_cells_empty_and_carries_the_dictionary(
    release: Release, personas: Personas
) -> None:
    pub = releases.load_release(release.pk)
    body = _get(personas, f"/indikatorer/udgivelser/{release.pk}/hent/parquet/")
    table = pq.read_table(io.BytesIO(body))
    assert table.column_names == list(DICTIONARY) and table.num_rows == len(pub.results)
    meta = table.schema.metadata
    assert json.loads(meta[b"naersund.dictionary"]) == DICTIONARY
    frame = table.to_pandas()
    hidden = frame[frame["suppressed"]]
    assert len(hidden) and hidden[HIDDEN_WITH_THE_CELL].isna().all().all()
    shown = frame[~frame["suppressed"] & (frame["level"] == "land")]
    assert shown["crude_value"].notna().all()


def test_the_dictionary_csv_explains_every_column(release: Release, personas: Personas) -> None:
    text = _get(personas, f"/indikatorer/udgivelser/{release.pk}/hent/ordbog/").decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    assert {r["kolonne"]: r["beskrivelse"] for r in rows} == DICTIONARY


def test_the_api_pages_through_the_whole_release(release: Release, personas: Personas) -> None:
    pub = releases.load_release(release.pk)
    client = personas.client("reader")
    url = f"/api/releases/{release.pk}/rows/?page_size=500"
    seen: list[dict[str, object]] = []
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == len(pub.results)
        assert body["release"]["id"] == release.pk
        assert len(body["results"]) <= 500
        seen += body["results"]
        pages += 1
        url = body["next"]
    assert pages == math.ceil(len(pub.results) / 500) and pages > 1
    assert len(seen) == len(pub.results) == len({_key(r) for r in seen})
    assert set(seen[0]) == set(DICTIONARY)
    hidden = [r for r in seen if r["suppressed"]]
    assert hidden and all(r[c] is None for r in hidden for c in HIDDEN_WITH_THE_CELL)
    year = pub.years[-1]
    f = pub.figure(IND, "kommune", ALBERTSLUND, year)
    row = next(r for r in seen if _key(r) == (IND, "kommune", ALBERTSLUND, year))
    assert (row["value"], row["verdict"], row["measure"]) == (f.value, f.verdict, f.measure)


def test_the_api_refuses_pages_that_do_not_exist_in_danish(
    release: Release, personas: Personas
) -> None:
    client = personas.client("reader")
    far = client.get(f"/api/releases/{release.pk}/rows/?page=999")
    assert far.status_code == 404 and "fejl" in far.json()
    bad = client.get(f"/api/releases/{release.pk}/rows/?page=abc")
    assert bad.status_code in (400, 404) and "fejl" in bad.json()
    assert client.get("/api/releases/999999/rows/").status_code == 404


def test_downloads_are_for_logged_in_users_only(release: Release, personas: Personas) -> None:
    anonymous = personas.client("anonymous")
    for url in (
        f"/indikatorer/udgivelser/{release.pk}/",
        f"/indikatorer/udgivelser/{release.pk}/hent/csv/",
    ):
        response = anonymous.get(url)
        assert response.status_code == 302 and b"Albertslund" not in response.content
    api = anonymous.get(f"/api/releases/{release.pk}/rows/")
    assert api.status_code == 401 and "Albertslund" not in api.content.decode()
