"""Økonomi: the import (upload page and `naersund economy import`, all or nothing, each refused
for everyone but national administrators), and the page /oekonomi/ with the seeds' sentences,
the provenance and the SYNTETISKE DATA marking, for every persona."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from web_personas import Personas

from naersund import cli
from naersund.economy.synth import generate_economy
from naersund.errors import InputError
from naersund.web.economy import services
from naersund.web.economy.models import DistributionKey, EconomyAmount, EconomyImport

pytestmark = pytest.mark.django_db

SENTENCE_2014 = (
    "Kommunerne budgetterer i 2014 med et løft på 311 mio. kr. på sundhedsområdet, "
    "svarende til en vækst på 4,1 pct. (ekskl. KMF)."
)


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return generate_economy(tmp_path_factory.mktemp("oekonomi"))


@pytest.fixture
def imported(demo_files: dict[str, Path]) -> None:
    for table, path in demo_files.items():
        services.import_accounts(path.read_bytes(), path.name, table=table, synthetic=True)


def test_the_page_says_the_seeds_sentence_with_its_provenance(
    personas: Personas, imported: None
) -> None:
    html = personas.client("reader").get("/oekonomi/?aar=2014").content.decode()
    assert SENTENCE_2014 in html
    assert "SYNTETISKE DATA" in html
    assert "Danmarks Statistik, BUDK32 (budget), fil BUDK32-syntetiske-data.csv" in html
    assert "år 2014" in html and "funktionsliste v1" in html
    own = personas.client("albertslund").get("/oekonomi/?aar=2014").content.decode()
    assert "Albertslund Kommune budgetterer i 2014" in own
    assert "Kommunerne i KKR Hovedstaden budgetterer i 2014" in own
    accounts = personas.client("reader").get("/oekonomi/?tal=regnskab&aar=2014").content
    assert "REGK31 (regnskab)" in accounts.decode()
    assert "havde i regnskabet for 2014" in accounts.decode()


def test_bad_parameters_are_refused_with_a_message(personas: Personas, imported: None) -> None:
    client = personas.client("reader")
    assert client.get("/oekonomi/?aar=abc").status_code == 400
    assert client.get("/oekonomi/?kommune=999").status_code == 404
    # a year without data shows the last one
    assert "Økonomi: Hele landet 2016" in client.get("/oekonomi/?aar=2030").content.decode()


def test_anonymous_visitors_see_nothing(personas: Personas, imported: None) -> None:
    response = personas.client("anonymous").get("/oekonomi/?aar=2014")
    assert response.status_code == 302
    assert "budgetterer" not in response.content.decode()


def test_without_an_import_the_page_says_so(personas: Personas) -> None:
    html = personas.client("albertslund").get("/oekonomi/").content.decode()
    assert "Der er ikke indlæst budgetter eller regnskaber endnu." in html
    assert "Indlæs en fil" not in html


@pytest.mark.parametrize("who", ["albertslund", "kkr_hovedstaden", "reader", "aalborg"])
def test_only_national_administrators_may_upload(
    personas: Personas, demo_files: dict[str, Path], who: str
) -> None:
    client = personas.client(who)
    get = client.get("/oekonomi/indlaes/")
    assert get.status_code == 403 and "Kontrollér og indlæs" not in get.content.decode()
    path = demo_files["BUDK32"]
    post = client.post(
        "/oekonomi/indlaes/",
        {"what": "accounts", "file": SimpleUploadedFile(path.name, path.read_bytes())},
    )
    assert post.status_code == 403
    assert EconomyImport.objects.count() == 0 and EconomyAmount.objects.count() == 0
    assert "Indlæs budgetter" not in client.get("/oekonomi/").content.decode()


def test_an_administrator_uploads_a_file_and_a_bad_one_stores_nothing(
    personas: Personas, demo_files: dict[str, Path]
) -> None:
    client = personas.client("admin")
    path = demo_files["BUDK32"]
    text = path.read_bytes().decode("utf-8-sig")
    bad = text.replace("Albertslund;", "Albertslunde;", 1).encode("utf-8")
    row = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("Albertslund;"))
    refused = client.post(
        "/oekonomi/indlaes/", {"what": "accounts", "file": SimpleUploadedFile("BUDK32.csv", bad)}
    )
    assert refused.status_code == 400
    assert (
        escape(
            f"BUDK32.csv, række {row}, felt 'OMRÅDE': 'Albertslunde' er hverken en af de 98 "
            "kommuner, en region eller Hele landet"
        )
        in refused.content.decode()
    )
    assert EconomyImport.objects.count() == 0 and EconomyAmount.objects.count() == 0
    ok = client.post(
        "/oekonomi/indlaes/",
        {
            "what": "accounts",
            "file": SimpleUploadedFile("data.csv", path.read_bytes()),
            "table": "BUDK32",
        },
        follow=True,
    )
    assert (
        "data.csv: budget (BUDK32) 2012-2016 indlæst, 3430 beløb for 98 kommuner."
        in ok.content.decode()
    )
    assert EconomyAmount.objects.count() == 3430
    assert EconomyImport.objects.get().imported_by == personas.admin
    # real data are not marked synthetic
    page = client.get("/oekonomi/?aar=2014").content.decode()
    assert "SYNTETISKE DATA" not in page and SENTENCE_2014 in page


def test_an_imported_key_replaces_the_population_share(personas: Personas, imported: None) -> None:
    client = personas.client("admin")
    lines = ["kommunekode;andel"] + [f"{k};{1 / 98:.10f}".replace(".", ",") for k in _codes()]
    client.post(
        "/oekonomi/indlaes/",
        {"what": "key", "file": SimpleUploadedFile("nogle.csv", "\n".join(lines).encode())},
    )
    assert DistributionKey.objects.count() == 1
    html = client.get("/oekonomi/?aar=2014").content.decode()
    assert "Fordelingsnøgle: nogle.csv indlæst" in html
    bad = client.post(
        "/oekonomi/indlaes/",
        {"what": "key", "file": SimpleUploadedFile("nogle.csv", lines[0].encode() + b"\n101;2")},
    )
    assert (
        bad.status_code == 400
        and "nogle.csv: 97 kommuner mangler (147, 151, 153, 155, 157 …)" in bad.content.decode()
    )
    assert DistributionKey.objects.count() == 1
    box = bad.content.decode().split('class="alert alert-error"')[1].split("</div></div>")[0]
    assert 'data-module="error-summary"' in box  # DKFDS focuses it when the page opens
    assert "Filen er ikke indlæst – intet er gemt" in box and "97 kommuner mangler" in box


def test_an_upload_without_a_file_names_the_field(personas: Personas) -> None:
    response = personas.client("admin").post("/oekonomi/indlaes/", {"what": "key"})
    assert response.status_code == 400
    html = response.content.decode()
    # DKFDS's field error: the group marked, the message under the label and its hint
    group = html.split('<div class="form-group form-error">')[1].split("</div>")[0]
    assert 'for="nogle">Fordelingsnøgle (CSV med kommunekode;andel)</label>' in group
    assert (
        '<span class="form-error-message" id="nogle-fejl">Fejl: Dette felt er påkrævet.</span>'
        in group
    )
    # the field names its error to a screen reader, as the survey import's does
    assert 'aria-describedby="nogle-hint nogle-fejl"' in group
    assert '<select name="table" class="form-select input-width-l" id="id_table">' in html
    # and the summary at the top, as on every other form: its link leads into this field
    box = html.split('class="alert alert-error"')[1].split("</div></div>")[0]
    assert 'data-module="error-summary"' in box
    assert (
        '<a href="#nogle">Fordelingsnøgle (CSV med kommunekode;andel): Dette felt er påkrævet.</a>'
        in box
    )
    assert html.count('id="nogle"') == 1
    assert DistributionKey.objects.count() == 0


def _codes() -> list[int]:
    from naersund.refdata import municipalities

    return [int(k) for k in municipalities()["kommunekode"]]


def test_the_cli_imports_all_or_nothing(demo_files: dict[str, Path], tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli.cli, ["economy", "import", str(demo_files["REGK31"]), "--syntetisk"])
    assert result.exit_code == 0, result.output
    assert "REGK31-syntetiske-data.csv: regnskab (REGK31) 2012-2016 indlæst" in result.output
    assert EconomyImport.objects.get().synthetic
    bad = tmp_path / "REGK31.csv"
    bad.write_bytes(demo_files["REGK31"].read_bytes().replace(b";2014;", b";2014K1;", 1))
    failed = runner.invoke(cli.cli, ["economy", "import", str(bad)])
    assert isinstance(failed.exception, InputError)
    assert "REGK31.csv, række" in str(failed.exception)
    assert "felt 'TID': '2014K1' er ikke et år (fx 2014)" in str(failed.exception)
    assert EconomyImport.objects.count() == 1


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from dashboard_data import results_for

    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


def test_page_and_packs_show_the_same_figures(
    personas: Personas, imported: None, results_file: Path
) -> None:
    """The political pack's sentence and figure and the director pack's row of the
    municipality are the page's: one function (``reader.economy_figures``) gives them all."""
    from naersund import fmt
    from naersund.reports import build_pack, render
    from naersund.reports.model import Area
    from naersund.web.dashboard import releases
    from naersund.web.reportdata import report_input

    releases.publish(results_file)
    data = report_input(2014)
    area = Area("kommune", 165, "Albertslund", 1084)
    page = personas.client("albertslund").get("/oekonomi/?aar=2014").content.decode()
    sentence = (
        "Albertslund Kommune budgetterer i 2014 med et løft på 1,3 mio. kr. på sundhedsområdet, "
        "svarende til en vækst på 3,0 pct. (ekskl. KMF)."
    )
    assert sentence in page
    political = build_pack(data, "politisk", area, 2014)
    money = next(s for s in political.sections if s.title == "Økonomi 2014")
    assert money.paragraphs[0] == sentence
    assert sentence in render(political, "html").decode()
    chart = money.charts[0]
    assert list(chart.table.columns) == ["År", "Albertslund", "KKR Hovedstaden", "Hele landet"]
    page_rows = re.findall(
        r"<tr><td class=\"num\">(\d{4})</td><td class=\"num\">([\d.,]+)</td>", page
    )
    assert len(page_rows) == 5
    for year, value in page_rows:
        own_value = chart.table.loc[chart.table["År"] == int(year), "Albertslund"].iloc[0]
        assert fmt.number(own_value, 1) == value
    director = build_pack(data, "direktoer", area, 2014)
    table = next(t for t in director.tables() if t.sheet == "Økonomi")
    own = next(r for r in table.rows if r[0] == "Albertslund")
    row = re.search(r"<tr class=\"highlight\"><th scope=\"row\">Albertslund</th>(.*?)</tr>", page)
    assert row is not None
    cells = re.findall(r"<td class=\"num\">([^<]*)</td>", row.group(1))
    # løft (mio. kr.), vækst (pct.), kr. pr. indbygger: the same numbers, as each prints them
    assert cells[1] == fmt.number(own[2], 1)
    assert cells[2] == fmt.number(own[3], 1)
    assert cells[3] == fmt.number(own[4], 0)
