"""The report download page: packs from the published release for each persona, with the
survey answers each may read, and Danish messages for bad choices."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from dashboard_data import results_for
from pypdf import PdfReader
from web_personas import ALBERTSLUND, HOVEDSTADEN, Personas

from naersund import fmt
from naersund.web.dashboard import releases

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


@pytest.fixture
def release(results_file: Path) -> releases.PublishedResults:
    releases.publish(results_file)
    return releases.load_release()


def _url(area: str, level: str, form: str, year: int = 2014) -> str:
    return f"/rapporter/?hent=1&omraade={area}&niveau={level}&aar={year}&format={form}"


def test_the_page_offers_every_area_level_and_format(personas: Personas, release: object) -> None:
    page = personas.client("reader").get("/rapporter/").content.decode()
    assert 'value="kommune-165"' in page and 'value="kkr-1084"' in page
    for level in ("politisk", "direktoer", "fagligt"):
        assert f'value="{level}"' in page
    for form in ("pdf", "xlsx", "html"):
        assert f'value="{form}"' in page
    assert '<label class="form-label" for="omraade">Område</label>' in page


def test_a_reader_downloads_the_political_pdf_with_the_published_numbers(
    personas: Personas, release: releases.PublishedResults
) -> None:
    response = personas.client("reader").get(_url(f"kommune-{ALBERTSLUND}", "politisk", "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="politisk_0165_albertslund_2014.pdf"'
    )
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    r = release.results
    mine = r[(r["level"] == "kommune") & (r["area_code"] == ALBERTSLUND) & (r["year"] == 2014)]
    for row in mine.to_dict("records"):
        value = _headline(r, row)
        if not row["suppressed"] and value is not None:
            assert fmt.number(value) in text
    assert "SYNTETISKE DATA" in text


def _headline(results: pd.DataFrame, row: dict[str, object]) -> float | None:
    """The one figure: standardised where the indicator is standardised, else crude."""
    std = results.loc[results["indicator"] == row["indicator"], "std_value"].notna().any()
    value = row["std_value" if std else "value"]
    return None if pd.isna(value) else float(value)  # type: ignore[arg-type]


def test_bilag_1_is_for_the_kkr_secretariat_not_for_readers(
    personas: Personas, release: object
) -> None:
    url = _url(f"kkr-{HOVEDSTADEN}", "direktoer", "xlsx")
    secretary = personas.client("kkr_hovedstaden").get(url)
    reader = personas.client("reader").get(url)
    assert secretary.status_code == reader.status_code == 200
    sheets = lambda r: openpyxl.load_workbook(io.BytesIO(r.content)).sheetnames  # noqa: E731
    assert "Bilag 1" in sheets(secretary)
    assert "Bilag 1" not in sheets(reader)
    assert "Indsatsdækning" in sheets(reader)


def test_a_municipality_sees_its_own_status_but_not_anothers(
    personas: Personas, release: object
) -> None:
    own = personas.client("albertslund").get(_url(f"kommune-{ALBERTSLUND}", "politisk", "xlsx"))
    other = personas.client("aalborg").get(_url(f"kommune-{ALBERTSLUND}", "politisk", "xlsx"))
    assert "Indsatser" in openpyxl.load_workbook(io.BytesIO(own.content)).sheetnames
    assert "Indsatser" not in openpyxl.load_workbook(io.BytesIO(other.content)).sheetnames


def test_html_is_shown_in_the_browser(personas: Personas, release: object) -> None:
    response = personas.client("reader").get(_url(f"kkr-{HOVEDSTADEN}", "fagligt", "html"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"].startswith("inline;")
    assert "Fagligt niveau · KKR Hovedstaden · 2014" in response.content.decode()


def test_bad_choices_are_named_in_danish(personas: Personas, release: object) -> None:
    response = personas.client("reader").get(
        "/rapporter/?hent=1&omraade=kommune-7&niveau=minister&aar=1999&format=doc"
    )
    assert response.status_code == 400
    page = response.content.decode()
    for message in (
        "Vælg en kommune, en KKR eller et andet område.",
        "Vælg et niveau: politisk, direktør eller fagligt.",
        "Vælg et format: PDF, Excel eller HTML.",
        "Vælg et år mellem 2013 og 2014.",
    ):
        assert message in page


def test_without_a_release_the_page_says_so(personas: Personas) -> None:
    page = personas.client("reader").get("/rapporter/").content.decode()
    assert "Der er ikke offentliggjort nogen resultater endnu" in page


# --- naersund report (the command reads the same release) -----------------------------------


def test_the_command_writes_a_pack_from_the_current_release(
    release: releases.PublishedResults, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from naersund import cli

    out = tmp_path / "albertslund.xlsx"
    result = CliRunner().invoke(
        cli.cli,
        ["report", "--level", "politisk", "--kommune", "165", "--year", "2014", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert f"Skrevet: {out}" in result.output
    wb = openpyxl.load_workbook(out)
    rows = [r for r in wb["Nøgletal"].iter_rows(values_only=True) if r[0]]
    r = release.results
    mine = r[(r["level"] == "kommune") & (r["area_code"] == ALBERTSLUND) & (r["year"] == 2014)]
    shown = {row[0]: (row[2], row[3]) for row in rows[2:]}
    names = {
        # each with its definition's status beside it
        "akutte_korttidsindlaeggelser": "Akutte medicinske korttidsindlæggelser (under omdefinering)",
        "faerdigbehandlingsdage": "Færdigbehandlingsdage (gældende)",
    }
    for ind, name in names.items():
        row = mine[mine["indicator"] == ind].iloc[0].to_dict()
        value = None if row["suppressed"] else _headline(r, row)
        want = None if value is None else pytest.approx(value, rel=1e-14)
        std = r.loc[r["indicator"] == ind, "std_value"].notna().any()
        assert shown[name] == ("aldersstandardiseret" if std else "rå", want)


def test_the_command_writes_one_kkr_document_or_a_file_per_area(
    release: object, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from naersund import cli

    base = ["report", "--level", "fagligt", "--kkr", "1081", "--year", "2013", "--alle-kommuner"]
    one = CliRunner().invoke(cli.cli, [*base, "--out", str(tmp_path / "nord.html")])
    assert one.exit_code == 0, one.output
    html = (tmp_path / "nord.html").read_text(encoding="utf-8")
    assert "Fagligt niveau · KKR Nordjylland med kommunesider · 2013" in html
    assert "Aalborg Kommune: detaljerede tal" in html
    many = CliRunner().invoke(
        cli.cli,
        [
            *base,
            "--separate-filer",
            "--jobs",
            "1",
            "--format",
            "xlsx",
            "--out",
            str(tmp_path / "d"),
        ],
    )
    assert many.exit_code == 0, many.output
    assert len(list((tmp_path / "d").glob("fagligt_*_2013.xlsx"))) == 1 + 11


def test_the_command_names_a_bad_choice(release: object, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from naersund import cli

    result = CliRunner().invoke(
        cli.cli,
        ["report", "--level", "politisk", "--year", "2014", "--out", str(tmp_path / "x.pdf")],
    )
    assert result.exit_code != 0
    assert "vælg enten --kommune KODE, --kkr KODE eller --omraade NIVEAU:KODE" in str(
        result.exception
    )


def test_a_pack_uses_the_latest_closed_round_and_an_open_one_only_when_chosen(
    personas: Personas, release: object
) -> None:
    import datetime as dt

    from django.contrib.auth.models import User

    from naersund.web.survey.models import QuestionKind, Round
    from naersund.web.survey.services import create_round, questions_for, save_answers, submit

    today = dt.date.today()
    admin = User.objects.get(username="admin")

    def answered(slug: str, title: str, closes: dt.date, status: str) -> None:
        rnd = create_round(
            slug=slug, title_da=title, year=2014,
            opens_on=today - dt.timedelta(days=30), closes_on=today + dt.timedelta(days=5),
        )  # fmt: skip
        values = {
            q.qid: status for q in questions_for(rnd, ALBERTSLUND) if q.kind == QuestionKind.STATUS
        }
        save_answers(rnd, ALBERTSLUND, admin, values)
        submit(rnd, ALBERTSLUND, admin)
        Round.objects.filter(pk=rnd.pk).update(closes_on=closes)  # answered while open

    answered("lukket", "Lukket runde", today - dt.timedelta(days=1), "planlagt")
    answered("aaben", "Åben runde", today + dt.timedelta(days=5), "implementeret")
    client = personas.client("admin")

    def status_sheet(extra: str = "") -> str:
        url = _url(f"kommune-{ALBERTSLUND}", "politisk", "xlsx") + extra
        book = openpyxl.load_workbook(io.BytesIO(client.get(url).content))
        return " ".join(str(c) for r in book["Indsatser"].iter_rows(values_only=True) for c in r)

    default = status_sheet()
    assert "(statusrunde: Lukket runde)" in default and "Planlagt" in default
    assert "Implementeret" not in default and "Åben runde" not in default
    chosen = status_sheet("&runde=aaben")
    assert "(statusrunde: Åben runde, foreløbig (runden er åben))" in chosen
    assert "Implementeret" in chosen and "Planlagt" not in chosen
