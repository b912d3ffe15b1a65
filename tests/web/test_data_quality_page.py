"""The data-quality page of a release and the professional pack's section on it: a synthetic
series spliced from LPR2 (2017-2018) and LPR3 (2019-2020), with 30 % of June 2019's LPR3
contacts taken out, so that the month is flagged."""

from __future__ import annotations

import io
import re
from html import unescape
from pathlib import Path

import pytest
from django.test import Client
from pypdf import PdfReader
from web_personas import ALBERTSLUND, EVERYONE, Personas

from naersund.registry import quality
from naersund.reports import build_pack, render
from naersund.reports.common import area_of
from naersund.reports.load import from_results_file
from naersund.reports.model import Column
from naersund.reports.rendering import cell_text
from naersund.web.dashboard import releases
from naersund.web.dashboard.models import Release, ReleaseQuality

BROKEN_MONTH = "2019-06"


def _thin_out(kontakter: Path, month: str) -> None:
    """Leave out 3 of every 10 rows of ``kontakter.csv`` that start in ``month``."""
    lines = kontakter.read_text(encoding="utf-8").splitlines()
    kept, seen = [lines[0]], 0
    for line in lines[1:]:
        if line.split(";")[3].startswith(month):
            seen += 1
            if seen % 10 in (1, 4, 7):
                continue
        kept.append(line)
    kontakter.write_text("\n".join(kept) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def results_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from naersund.engine.compute import compute
    from naersund.engine.outputs import write_results
    from naersund.registry.ingest import ingest
    from naersund.registry.lpr2 import Lpr2Options
    from naersund.registry.synth import generate

    tmp = tmp_path_factory.mktemp("quality")
    years, scale, seed = [2017, 2018, 2019, 2020], 0.01, 7
    generate(tmp / "lpr2", years, scale=scale, seed=seed, fmt="lpr2", write_years=years[:2])
    generate(tmp / "lpr3", years, scale=scale, seed=seed, fmt="lpr3", write_years=years[2:])
    _thin_out(tmp / "lpr3" / "kontakter.csv", BROKEN_MONTH)
    # synth writes planned outpatient visits as LPR2 C_PATTYPE 2 rows; LPR3 has them as contacts
    outpatient = Lpr2Options(include_outpatient=True)
    ingest(tmp / "lpr2", tmp / "data", fmt="lpr2", lpr2_options=outpatient)
    ingest(tmp / "lpr3", tmp / "data", fmt="lpr3", append=True)
    return write_results(compute(tmp / "data"), tmp / "results.csv")


@pytest.fixture
def release(results_file: Path) -> Release:
    releases.publish(results_file)
    current = releases.current_release()
    assert current is not None
    return current


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _page(client: Client, release: Release) -> str:
    response = client.get(f"/indikatorer/udgivelser/{release.pk}/datakvalitet/")
    assert response.status_code == 200
    return _text(response.content.decode())


def _formatted(columns: list[tuple[str, str]], row: list[object]) -> list[str]:
    """The row's cells as printed, whitespace as the page's and the PDF's text has it (the
    no-break space before "%" is a space there)."""
    return [
        re.sub(r"\s", " ", cell_text(v, Column(label, kind)))  # type: ignore[arg-type]
        for v, (label, kind) in zip(row, columns, strict=True)
    ]


def test_the_page_shows_the_sources_the_switch_and_the_flagged_month(
    personas: Personas, release: Release
) -> None:
    page = _page(personas.client("reader"), release)
    assert f"Datakvalitet, udgivelse {release.pk}" in page
    # the rows live in their own table, not in the release's metadata (read on every query)
    assert "data_quality" not in release.meta
    assert ReleaseQuality.objects.filter(release=release).count() == 1
    view = quality.view(release.quality_rows())
    assert view.summary.startswith("Kilder: LPR2 2017-01 – 2018-12, LPR3 2019-01 – 2020-12;")
    assert view.summary in page
    assert "Kildeskift: 2019-01: LPR2 → LPR3." in page
    national = {r["month"]: r for r in view.national}
    assert national[BROKEN_MONTH]["flag"] == quality.OUTLIER
    assert not any(r["flag"] == quality.SHIFT for r in view.flagged)
    # the thinned month holds about 70 % of the contacts its year expects
    june = national[BROKEN_MONTH]
    assert 0.6 < june["contacts"] / june["expected"] < 0.8
    for row in quality.flagged_rows(view) + quality.national_rows(view):
        columns = quality.FLAGGED_COLUMNS if len(row) == 6 else quality.NATIONAL_COLUMNS
        assert " ".join(_formatted(columns, row)) in page
    # the acute short stays without a specialty on their first contact, per year and source
    stays = ReleaseQuality.rows_of(release.pk, "stays_without_specialty")
    assert [(r["year"], r["source"]) for r in stays] == [
        (2017, "LPR2"), (2018, "LPR2"), (2019, "LPR3"), (2020, "LPR3"),
    ]  # fmt: skip
    assert "Akutte korttidsophold uden speciale på første kontakt, hele landet" in page
    for row in quality.stays_rows(stays):
        assert " ".join(_formatted(quality.STAYS_COLUMNS, row)) in page


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_page_is_for_logged_in_users_as_every_release_page(
    personas: Personas, release: Release, persona: str
) -> None:
    response = personas.client(persona).get(f"/indikatorer/udgivelser/{release.pk}/datakvalitet/")
    text = response.content.decode()
    if persona == "anonymous":
        assert response.status_code == 302 and "/log-ind/" in response["Location"]
        assert "Kildeskift" not in text and BROKEN_MONTH not in text
    else:
        assert response.status_code == 200 and "Kildeskift" in text


def test_an_unknown_release_is_not_found(personas: Personas, release: Release) -> None:
    response = personas.client("reader").get(
        f"/indikatorer/udgivelser/{release.pk + 1}/datakvalitet/"
    )
    assert response.status_code == 404
    assert "Kildeskift" not in response.content.decode()


def test_the_release_and_indicator_pages_link_to_it(personas: Personas, release: Release) -> None:
    client = personas.client("reader")
    link = f'href="/indikatorer/udgivelser/{release.pk}/datakvalitet/"'
    assert link in client.get("/indikatorer/udgivelser/").content.decode()
    assert link in client.get(f"/indikatorer/udgivelser/{release.pk}/").content.decode()
    assert link in client.get(f"/indikatorer/kommune/{ALBERTSLUND}/").content.decode()


def test_the_professional_pack_prints_the_same_figures(
    personas: Personas, release: Release, results_file: Path
) -> None:
    data = from_results_file(results_file)
    pack = build_pack(data, "fagligt", area_of("kommune", ALBERTSLUND), 2020)
    pdf = PdfReader(io.BytesIO(render(pack, "pdf")))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))
    assert "Datakvalitet pr. kilde og måned" in text
    assert "Kildeskift: 2019-01: LPR2 → LPR3." in text
    view = quality.view(data.meta["data_quality"])
    page = _page(personas.client("reader"), release)
    flagged = [
        r for r in quality.flagged_rows(view) if r[1] == BROKEN_MONTH and r[0] == "Hele landet"
    ]
    assert len(flagged) == 1
    shown = " ".join(_formatted(quality.FLAGGED_COLUMNS, flagged[0]))
    # the same row, the same figures, on the page and in the pack
    assert shown in page
    assert shown in text


def test_a_release_without_data_quality_says_so_and_is_not_linked(personas: Personas) -> None:
    import datetime as dt

    day = dt.date(2016, 12, 31)
    bare = Release.objects.create(
        data_period_start=day, data_period_end=day, data_cut=day, code_version="0", row_count=0
    )
    client = personas.client("reader")
    page = _page(client, bare)
    assert "Udgivelsen har ingen opgørelse af datakvaliteten" in page
    assert "Kildeskift" not in page and "Markerede måneder" not in page
    link = f'href="/indikatorer/udgivelser/{bare.pk}/datakvalitet/"'
    assert link not in client.get("/indikatorer/udgivelser/").content.decode()
    assert link not in client.get(f"/indikatorer/udgivelser/{bare.pk}/").content.decode()


def test_the_web_pack_reads_the_rows_from_their_table(
    personas: Personas, release: Release, results_file: Path
) -> None:
    from naersund.web.reportdata import report_input

    data = report_input(2020, release.pk)
    assert "data_quality" not in data.meta
    assert data.data_quality == release.quality_rows()
    pack = build_pack(data, "fagligt", area_of("kommune", ALBERTSLUND), 2020)
    pdf = PdfReader(io.BytesIO(render(pack, "pdf")))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))
    assert "Datakvalitet pr. kilde og måned" in text
    assert "Kildeskift: 2019-01: LPR2 → LPR3." in text
    assert "Akutte korttidsophold uden speciale på første kontakt" in text
    # the same rows as the results file carries (the CLI's pack reads them from there)
    carried = from_results_file(results_file).meta
    assert data.data_quality == carried["data_quality"]
    assert data.stays_without_specialty == carried["stays_without_specialty"]


def test_the_migration_moves_rows_out_of_an_older_releases_metadata(personas: Personas) -> None:
    import datetime as dt
    import importlib

    from django.apps import apps

    migration = importlib.import_module("naersund.web.dashboard.migrations.0006_release_quality")
    day = dt.date(2020, 12, 31)
    rows = [{"source": "LPR3", "month": "2020-01", "region_code": 0, "flag": ""}]
    old = Release.objects.create(
        data_period_start=day, data_period_end=day, data_cut=day, code_version="0",
        meta={"data_quality": rows, "data_cut": "2020-12-31"},
    )  # fmt: skip
    migration.move_out_of_meta(apps, None)
    old.refresh_from_db()
    assert old.meta == {"data_cut": "2020-12-31"}
    assert old.quality_rows() == rows and old.has_quality
    migration.move_back_into_meta(apps, None)
    old.refresh_from_db()
    assert old.meta["data_quality"] == rows
