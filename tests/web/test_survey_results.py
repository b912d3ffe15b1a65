"""The results pages, Bilag 1, the pilots and the downloads, with answers written through the
survey services; and the demo data loaded by ``load_demo_survey``."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import load_workbook
from web_personas import AALBORG, ALBERTSLUND, HOVEDSTADEN, Personas

from naersund.survey.questions import questions_from_catalogue
from naersund.web.catalogue.store import catalogue_from_db, current_version
from naersund.web.survey import services
from naersund.web.survey.models import Answer, Change, Response, Round

HJEMME = "status.hovedstaden_opfoelgende_hjemmebesoeg"
TELEMEDICIN = "pilot.hovedstaden_telemedicin"
BALLERUP, BROENDBY, HERLEV = 151, 153, 163
EVIL = '=HYPERLINK("http://evil.example/";"Klik")'


def _all_statuses(status: str) -> dict[str, Any]:
    version = current_version()
    assert version is not None
    specs = questions_from_catalogue(catalogue_from_db(version), national=True)
    return {s.qid: status for s in specs if s.kind == "status"}


def _answer(rnd: Round, code: int, user: Any, values: dict[str, Any], text: str = "") -> None:
    services.save_answers(rnd, code, user, values, tilbagemelding=text)
    services.submit(rnd, code, user)


@pytest.fixture
def rnd(personas: Personas) -> Round:
    """An open national round (every municipality asked every KKR's initiatives, as KL's
    2013-2014 follow-up): Albertslund and Ballerup have submitted, Brøndby has a draft."""
    today = timezone.localdate()
    r = services.create_round(
        slug="opfoelgning-test",
        title_da="Opfølgning (test)",
        year=2014,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=1),
        national=True,
    )
    admin = personas.admin
    everything = _all_statuses("planlagt")
    _answer(
        r,
        ALBERTSLUND,
        personas.albertslund,
        everything
        | {
            HJEMME: "implementeret",
            TELEMEDICIN: {"pilot": "sammen", "med": [BALLERUP]},
            "fri.bemaerkninger": "@SUM(1+1)*cmd|' /C calc'!A0",
            "fri.antal-akutpladser": 12,
        },
        EVIL,
    )
    _answer(
        r,
        BALLERUP,
        admin,
        everything
        | {HJEMME: "under_implementering", TELEMEDICIN: {"pilot": "sammen", "med": [ALBERTSLUND]}},
        "Vi prioriterer opfølgende hjemmebesøg.",
    )
    services.save_answers(r, BROENDBY, admin, {HJEMME: "implementeret"})  # a draft
    return r


def test_everyone_logged_in_sees_the_results_as_the_papers_write_them(
    rnd: Round, personas: Personas
) -> None:
    for persona in ("reader", "aalborg"):
        page = personas.client(persona).get(f"/status/{rnd.slug}/resultater/").content.decode()
        # 1 of the 2 submitted (Brøndby's draft does not count)
        assert "50 pct. af kommunerne har indført opfølgende hjemmebesøg (svar fra 2 af 98" in page
        assert "Bilag 1" not in page  # no link to what the persona may not open


def test_a_kkr_page_writes_the_count_form(rnd: Round, personas: Personas) -> None:
    page = personas.client("kkr_hovedstaden").get(
        f"/status/{rnd.slug}/resultater/?kkr={HOVEDSTADEN}"
    )
    text = page.content.decode()
    assert "1 ud af 2 kommuner i KKR Hovedstaden har indført opfølgende hjemmebesøg." in text
    assert f"/status/{rnd.slug}/bilag1/{HOVEDSTADEN}/" in text


def test_the_kkr_secretary_sees_each_municipalitys_status_in_bilag_1(
    rnd: Round, personas: Personas
) -> None:
    page = personas.client("kkr_hovedstaden").get(f"/status/{rnd.slug}/bilag1/{HOVEDSTADEN}/")
    text = page.content.decode()
    row = text[text.index('<th scope="row">Albertslund</th>') :]
    row = row[: row.index("</tr>")]
    # colour (class), symbol and text, the status in full for screen readers
    assert 'class="st-implementeret"' in row
    assert "● Impl." in row and "Implementeret" in row
    brondby = text[text.index('<th scope="row">Brøndby</th>') :]
    assert "Ikke indsendt" in brondby[: brondby.index("</tr>")]  # a draft is not shown
    assert "Skal-indsatser" in text and "Kan-opgaver" in text
    assert "&#x27;" not in text.split("Tilbagemeldinger")[0]  # nothing escaped on the page
    assert "=HYPERLINK(&quot;http://evil.example/&quot;" in text  # shown as text, escaped HTML


def test_editors_and_readers_cannot_open_bilag_1_or_the_pilots(
    rnd: Round, personas: Personas
) -> None:
    for persona in ("albertslund", "aalborg", "reader"):
        client = personas.client(persona)
        assert client.get(f"/status/{rnd.slug}/bilag1/{HOVEDSTADEN}/").status_code == 403
        assert client.get(f"/status/{rnd.slug}/bilag1/{HOVEDSTADEN}.csv").status_code == 403
        assert client.get(f"/status/{rnd.slug}/piloter/{HOVEDSTADEN}/").status_code == 403


def test_the_pilot_overview_names_the_partners(rnd: Round, personas: Personas) -> None:
    text = (
        personas.client("admin").get(f"/status/{rnd.slug}/piloter/{HOVEDSTADEN}/").content.decode()
    )
    section = text[text.index("Telemedicinske løsninger") :]
    section = section[: section.index("</section>")]
    assert '<th scope="row">Albertslund</th><td>Sammen med Ballerup</td>' in section
    assert '<th scope="row">Ballerup</th><td>Sammen med Albertslund</td>' in section


def test_the_bilag_1_csv_escapes_a_malicious_tilbagemelding(rnd: Round, personas: Personas) -> None:
    response = personas.client("kkr_hovedstaden").get(
        f"/status/{rnd.slug}/bilag1/{HOVEDSTADEN}.csv"
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header = rows[1]
    albertslund = next(r for r in rows if r[0] == "Albertslund")
    assert albertslund[header.index("Tilbagemelding")] == "'" + EVIL
    assert albertslund[header.index("Skal: Opfølgende hjemmebesøg")] == "Implementeret"
    assert albertslund[header.index("Kommunekode")] == str(ALBERTSLUND)


def test_the_bilag_1_workbook_keeps_numbers_and_never_holds_a_formula(
    rnd: Round, personas: Personas
) -> None:
    response = personas.client("admin").get(f"/status/{rnd.slug}/bilag1/{HOVEDSTADEN}.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames[-3:] == ["Pilotkommuner", "Øvrige svar", "Tilbagemeldinger"]
    other = wb["Øvrige svar"]
    header = [c.value for c in other[2]]
    row = next(
        [c.value for c in r] for r in other.iter_rows(min_row=3) if r[0].value == "Albertslund"
    )
    assert row[header.index("Øvrige bemærkninger til statusrunden")] == (
        "'@SUM(1+1)*cmd|' /C calc'!A0"  # a text answer a spreadsheet would run, escaped
    )
    assert row[header.index("Hvor mange akutpladser har kommunen?")] == 12  # a number
    texts = wb["Tilbagemeldinger"]
    rows = [[c.value for c in row] for row in texts.iter_rows(min_row=3)]
    assert [ALBERTSLUND, "Albertslund", "'" + EVIL] in rows
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def test_the_results_workbook_has_numbers_as_numbers(rnd: Round, personas: Personas) -> None:
    response = personas.client("reader").get(f"/status/{rnd.slug}/resultater.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Status pr. indsats", "Udgangspunkt", "Øvrige spørgsmål"]
    ws = wb["Status pr. indsats"]
    header = [c.value for c in ws[3]]
    row = next(
        [c.value for c in r]
        for r in ws.iter_rows(min_row=4)
        if r[2].value == "opfølgende hjemmebesøg" and r[4].value == "Implementeret"
    )
    assert row[header.index("Antal kommuner")] == 1
    assert row[header.index("Kommuner der har svaret")] == 2
    assert row[header.index("Andel (pct.)")] == 50
    csv_response = personas.client("reader").get(f"/status/{rnd.slug}/resultater.csv")
    assert (
        "50 pct. af kommunerne har indført opfølgende hjemmebesøg"
        in csv_response.content.decode("utf-8-sig")
    )


def test_a_round_counts_only_the_municipalities_it_asked(personas: Personas) -> None:
    today = timezone.localdate()
    r = services.create_round(
        slug="regional-test",
        title_da="Regional (test)",
        year=2014,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=1),
    )
    asked = {q.qid for q in services.questions_for(r, ALBERTSLUND) if q.kind == "status"}
    _answer(r, ALBERTSLUND, personas.albertslund, dict.fromkeys(asked, "implementeret"))
    nord = {q.qid for q in services.questions_for(r, AALBORG) if q.kind == "status"}
    _answer(r, AALBORG, personas.aalborg, dict.fromkeys(nord, "planlagt"))
    page = personas.client("reader").get(f"/status/{r.slug}/resultater/").content.decode()
    # Albertslund is the one of the asked (Hovedstaden's) that has answered; Aalborg not asked
    assert (
        "100 pct. af de adspurgte kommuner har indført opfølgende hjemmebesøg "
        "(svar fra 1 af 29 kommuner)." in page
    )
    page = personas.client("reader").get(f"/status/{r.slug}/resultater/?kkr=1081").content
    assert "Spørgsmålet er ikke stillet til kommunerne i KKR Nordjylland." in page.decode()


def test_an_unknown_kkr_or_format_is_not_found(rnd: Round, personas: Personas) -> None:
    client = personas.client("admin")
    assert client.get(f"/status/{rnd.slug}/resultater/?kkr=9999").status_code == 404
    # text that is no number is a 400 naming kkr (test_security_parameters.py)
    assert client.get(f"/status/{rnd.slug}/resultater/?kkr=abc").status_code == 400
    assert client.get(f"/status/{rnd.slug}/bilag1/{HOVEDSTADEN}.pdf").status_code == 404
    assert client.get(f"/status/findes-ikke/bilag1/{HOVEDSTADEN}/").status_code == 404
    assert client.get(f"/status/{rnd.slug}/piloter/{AALBORG}/").status_code == 404


def test_the_demo_loads_once_with_history_and_reproduces_the_papers_baselines(
    personas: Personas,
) -> None:
    out = io.StringIO()
    call_command("load_demo_survey", stdout=out)
    assert "98 kommuner" in out.getvalue()
    first = Round.objects.get(slug="status-2013")
    second = Round.objects.get(slug="opfoelgning-2014")
    assert second.previous == first
    open_round = Round.objects.get(slug="opfoelgning-aaben")  # for the demo users to answer
    assert open_round.is_open() and open_round.previous == second
    assert not open_round.responses.exists()
    assert Response.objects.filter(round=first, state="submitted").count() == 98
    assert Response.objects.filter(round=second, state="submitted").count() == 98
    answers = Answer.objects.filter(response__round=first).count()
    # every answer has its history row (written through the services)
    assert Change.objects.filter(response__round=first, field="answer").count() == answers
    assert Change.objects.filter(source="import").exists()

    again = io.StringIO()
    call_command("load_demo_survey", stdout=again)  # idempotent
    assert again.getvalue().strip() == "Demo-svarene er allerede indlæst; intet er ændret."
    assert Answer.objects.filter(response__round=first).count() == answers

    page = personas.client("reader").get("/status/status-2013/resultater/").content.decode()
    assert "68 pct. af kommunerne har indført opfølgende hjemmebesøg." in page
    # the baseline table: the paper's figure beside the round's, equal for 2013
    from naersund.survey.aggregate import baseline_figures
    from naersund.web.survey.views_results import round_answers

    version = current_version()
    assert version is not None
    figures = baseline_figures(catalogue_from_db(version), round_answers(first))
    assert len(figures) == 20
    assert [f.baseline.id for f in figures if not f.matches()] == []
    hjerte = next(f for f in figures if f.baseline.id == "hovedstaden_hjerte_kar_planer")
    assert hjerte.measured_text == "25 ud af 29"


def test_a_partly_loaded_demo_is_refused_unless_replaced(personas: Personas) -> None:
    services.create_round(
        slug="status-2013",
        title_da="Status 2013 (udgangspunkt)",
        year=2013,
        opens_on=dt.date(2013, 9, 1),
        closes_on=dt.date(2013, 10, 31),
    )
    with pytest.raises(CommandError) as exc:
        call_command("load_demo_survey")
    assert str(exc.value) == (
        "Demo-runderne findes, men er ikke fuldstændige (status-2013). Brug --replace for at "
        "slette dem og indlæse demo-svarene igen."
    )
    call_command("load_demo_survey", replace=True, stdout=io.StringIO())
    assert Response.objects.filter(round__slug="status-2013", state="submitted").count() == 98


def test_choosing_a_kkr_gives_that_kkrs_baselines_measured_among_its_municipalities(
    personas: Personas,
) -> None:
    import re

    call_command("load_demo_survey", stdout=io.StringIO())
    client = personas.client("reader")
    text = "96 pct. af kommunerne har indført hverdagsrehabilitering i ældreplejen"

    def row(url: str) -> str:
        html = client.get(url).content.decode()
        found = re.search(rf"{re.escape(text)}.*?</tr>", html, re.S)
        assert found is not None, url
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0)))

    national = row("/status/status-2013/resultater/")
    kkr = row(f"/status/status-2013/resultater/?kkr={HOVEDSTADEN}")
    totals = [int(re.search(r"\((\d+) af (\d+)\)", r).group(2)) for r in (national, kkr)]  # type: ignore[union-attr]
    assert totals[0] > 29 >= totals[1] > 0  # Denmark's municipalities, then KKR Hovedstaden's
    assert "(KKR Hovedstaden)" in kkr
    # another KKR's page has none of KKR Hovedstaden's baselines
    other = client.get("/status/status-2013/resultater/?kkr=1081").content.decode()
    assert text not in other
