"""Breakdowns on the web: computed with the run (``naersund compute --breakdowns``), checked and
published with the release, shown on a municipality's "Opdeling" page, and the same cells in
the professional pack's XLSX."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from dashboard_data import results_for
from web_personas import ALBERTSLUND, Personas

from naersund.analysis.breakdown_file import attach_breakdowns, breakdowns_path
from naersund.analysis.breakdowns import DIMENSIONS, breakdowns_for
from naersund.errors import InputError
from naersund.indicators import load_definitions
from naersund.reports.drilldown import release_breakdowns
from naersund.web.dashboard import breakdowns, releases
from naersund.web.dashboard.models import BreakdownRow, Release
from run_outputs import read_meta, reseal

pytestmark = pytest.mark.django_db
YEAR = 2014
INDICATOR = "forebyggelige_indlaeggelser_65"


@pytest.fixture(scope="session")
def run_dir(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared registry's results with their breakdowns, one run in a folder of its own."""
    d = tmp_path_factory.mktemp("breakdowns")
    results = results_for(synthetic_dir, tmp_path_factory.getbasetemp())
    for f in results.parent.glob("results.*"):
        if f.is_file():
            shutil.copy(f, d / f.name)
    table = release_breakdowns(
        synthetic_dir, pd.read_csv(d / "results.csv"), load_definitions(), min_count=5
    )
    attach_breakdowns(d / "results.csv", table)
    return d


def _copy(run_dir: Path, tmp_path: Path) -> Path:
    for f in run_dir.iterdir():
        shutil.copy(f, tmp_path / f.name)
    return tmp_path / "results.csv"


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_publish_stores_the_breakdowns_with_the_release(run_dir: Path) -> None:
    release = releases.publish(run_dir / "results.csv")
    got = breakdowns.breakdowns_of(release)
    expected = pd.read_csv(breakdowns_path(run_dir / "results.csv"))
    assert got is not None and len(got) == len(expected)
    assert BreakdownRow.objects.filter(release=release).count() == len(expected)
    assert set(got["dimension"]) == set(DIMENSIONS)
    assert set(got["year"]) == {YEAR} and got["kommunekode"].nunique() == 98
    # suppressed like every cell: masked cells carry no numbers, none visible below 5
    assert got["suppressed"].any()
    assert got.loc[got["suppressed"], ["numerator", "denominator", "value"]].isna().all().all()
    visible = got.loc[~got["suppressed"], "numerator"]
    assert not ((visible > 0) & (visible < 5)).any()
    # complementary: no breakdown has exactly one masked cell
    per = got.groupby(["indicator", "kommunekode", "dimension"])["suppressed"].sum()
    assert not (per == 1).any()


def test_a_release_without_breakdowns_has_none(
    synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    release = releases.publish(results_for(synthetic_dir, tmp_path_factory.getbasetemp()))
    assert breakdowns.breakdowns_of(release) is None


def test_the_page_shows_each_breakdown_masked_cells_as_masked_and_names_its_source(
    run_dir: Path, personas: Personas
) -> None:
    release = releases.publish(run_dir / "results.csv")
    table = breakdowns.breakdowns_of(release)
    assert table is not None
    mine = table[(table["kommunekode"] == ALBERTSLUND) & (table["indicator"] == INDICATOR)]
    response = personas.client("albertslund").get(
        f"/indikatorer/kommune/{ALBERTSLUND}/opdeling/{INDICATOR}/"
    )
    assert response.status_code == 200
    html = response.content.decode()
    text = _words(html)
    for dim, label in DIMENSIONS.items():
        if (mine["dimension"] == dim).any():
            assert f"Efter {label}" in text and f'id="opdeling-{dim}"' in html
    version = release.definitions[INDICATOR]
    assert f"Udgivelse {release.pk} · definition {INDICATOR} v{version}" in text
    assert f"opdeling af {YEAR}" in text
    # one masked row per masked cell, shown as such, and a chart per breakdown
    assert html.count('class="masked"') == int(mine["suppressed"].sum())
    assert (
        html.count('<script type="application/json" id="spec-opdeling-')
        == mine["dimension"].nunique()
    )


def test_the_page_and_the_professional_pack_show_the_same_cells(
    run_dir: Path, personas: Personas
) -> None:
    release = releases.publish(run_dir / "results.csv")
    client = personas.client("albertslund")
    url = f"/indikatorer/kommune/{ALBERTSLUND}/opdeling/{INDICATOR}/"
    page = client.get(url).content.decode()
    pack = client.get(
        f"/rapporter/?hent=1&omraade=kommune-{ALBERTSLUND}&niveau=fagligt&aar={YEAR}&format=xlsx"
    )
    assert pack.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(pack.content))
    definition = next(d for d in load_definitions() if d.id == INDICATOR)
    table = breakdowns.breakdowns_of(release)
    compared = 0
    for b in breakdowns_for(table, definition, ALBERTSLUND, YEAR):
        sheet = book[f"{b.dimension} {INDICATOR}"[:31]]
        rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0] is not None]
        header = next(i for i, r in enumerate(rows) if r[0] == b.headers_da()[0])
        body = rows[header + 1 : header + 1 + len(b.cells)]
        # the web page's table of this breakdown, cell by cell
        section = re.search(rf'id="opdeling-{b.dimension}".*?</table>', page, re.S)
        assert section is not None
        web_rows = re.findall(r"<tr[^>]*>(.*?)</tr>", section.group(0).split("<tbody>")[1], re.S)
        assert len(body) == len(web_rows) == len(b.cells)
        for xlsx_row, web_row in zip(body, web_rows, strict=True):
            web_cells = [_words(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", web_row)]
            assert xlsx_row[0] == web_cells[0]
            for x, w in zip(xlsx_row[1 : len(web_cells)], web_cells[1:], strict=True):
                if w == "skjult":
                    assert x in (None, "–", "")
                else:
                    assert x is not None
                    assert float(x) == pytest.approx(
                        float(w.replace(".", "").replace(",", ".")), abs=0.05
                    )
                    compared += 1
    assert compared > 10


def test_breakdowns_with_a_lone_masked_cell_refuse_the_whole_release(
    run_dir: Path, tmp_path: Path
) -> None:
    first = releases.publish(run_dir / "results.csv")
    path = _copy(run_dir, tmp_path)
    file = breakdowns_path(path)
    b = pd.read_csv(file, dtype=str, keep_default_na=False)
    groups = b.groupby(["indicator", "kommunekode", "dimension"])["suppressed"]
    key = next(k for k, s in groups if (s == "True").sum() == 2)
    part = b[(b["indicator"] == key[0]) & (b["kommunekode"] == key[1]) & (b["dimension"] == key[2])]
    masked = part.index[part["suppressed"] == "True"]
    # unmask the larger of the two with a plausible count: the other becomes recoverable
    i = int(masked[-1])
    b.loc[i, ["numerator", "value", "suppressed"]] = ["7", "1.0", "False"]
    b.to_csv(file, index=False)
    reseal(path)
    with pytest.raises(InputError) as err:
        releases.publish(path)
    message = str(err.value)
    row = int(masked[0]) + 2
    assert f"{file}, række {row}, felt suppressed: den eneste skjulte celle" in message
    assert Release.objects.get(is_current=True) == first
    assert not BreakdownRow.objects.exclude(release=first).exists()


def test_a_small_visible_count_is_refused_naming_file_row_and_field(
    run_dir: Path, tmp_path: Path
) -> None:
    path = _copy(run_dir, tmp_path)
    file = breakdowns_path(path)
    b = pd.read_csv(file, dtype=str, keep_default_na=False)
    i = int((b["suppressed"] == "False").to_numpy().nonzero()[0][0])
    b.loc[i, "numerator"] = "2"
    b.to_csv(file, index=False)
    reseal(path)
    with pytest.raises(InputError, match=rf"række {i + 2}, felt numerator: 2 er under grænsen 5"):
        releases.publish(path)
    assert not Release.objects.exists()


def test_a_breakdowns_file_from_another_run_is_refused(run_dir: Path, tmp_path: Path) -> None:
    path = _copy(run_dir, tmp_path)
    meta = read_meta(path)
    outputs = meta["outputs"]
    assert isinstance(outputs, dict) and "breakdowns" in outputs
    with breakdowns_path(path).open("a", encoding="utf-8") as f:
        f.write("\n")
    with pytest.raises(InputError, match="opdelingsfilen er ikke fra samme kørsel"):
        releases.publish(path)
    assert not Release.objects.exists()


def test_anonymous_and_unknown_requests_see_no_breakdown(run_dir: Path, personas: Personas) -> None:
    releases.publish(run_dir / "results.csv")
    url = f"/indikatorer/kommune/{ALBERTSLUND}/opdeling/{INDICATOR}/"
    anonymous = personas.client("anonymous").get(url)
    assert anonymous.status_code == 302 and "/log-ind/" in anonymous["Location"]
    assert b"Efter" not in anonymous.content and b"opdeling-" not in anonymous.content
    reader = personas.client("reader")
    assert reader.get(f"/indikatorer/kommune/999/opdeling/{INDICATOR}/").status_code == 404
    assert reader.get(f"/indikatorer/kommune/{ALBERTSLUND}/opdeling/nope/").status_code == 404
    csv = reader.get(url + "?csv=koen")
    assert csv.status_code == 200 and "Kvinder" in csv.content.decode("utf-8-sig")


def test_the_release_download_has_the_breakdowns_as_csv_and_as_a_sheet(
    run_dir: Path, personas: Personas
) -> None:
    release = releases.publish(run_dir / "results.csv")
    table = breakdowns.breakdowns_of(release)
    assert table is not None
    client = personas.client("reader")
    assert (
        "Opdeling som CSV" in client.get(f"/indikatorer/udgivelser/{release.pk}/").content.decode()
    )
    csv = client.get(f"/indikatorer/udgivelser/{release.pk}/hent/opdeling/")
    assert csv.status_code == 200
    got = pd.read_csv(io.StringIO(csv.content.decode("utf-8-sig")), sep=";", decimal=",")
    assert len(got) == len(table)
    assert got.loc[got["skjult"] == "ja", ["antal", "nævner", "værdi"]].isna().all().all()
    mine = got[(got["kommunekode"] == ALBERTSLUND) & (got["opdeling"] == "køn")]
    want = table[(table["kommunekode"] == ALBERTSLUND) & (table["dimension"] == "koen")]
    assert sorted(mine["antal"].dropna()) == sorted(want["numerator"].dropna())
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/indikatorer/udgivelser/{release.pk}/hent/xlsx/").content),
        read_only=True,
    )
    rows = list(book["Opdeling"].iter_rows(values_only=True))
    assert rows[0][:3] == ("indikator", "kommunekode", "år") and len(rows) == len(table) + 1


def test_a_release_without_breakdowns_offers_no_breakdown_download(
    synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory, personas: Personas
) -> None:
    release = releases.publish(results_for(synthetic_dir, tmp_path_factory.getbasetemp()))
    client = personas.client("reader")
    assert (
        "Opdeling som CSV"
        not in client.get(f"/indikatorer/udgivelser/{release.pk}/").content.decode()
    )
    assert client.get(f"/indikatorer/udgivelser/{release.pk}/hent/opdeling/").status_code == 404
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/indikatorer/udgivelser/{release.pk}/hent/xlsx/").content),
        read_only=True,
    )
    assert "Opdeling" not in book.sheetnames
