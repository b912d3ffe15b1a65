"""Importing answers through the page: all or nothing, errors naming row and column, a KKR
secretariat limited to its own municipalities, and the history marks the import."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone
from web_personas import AALBORG, ALBERTSLUND, Personas

from naersund.web.survey import services
from naersund.web.survey.models import Answer, Change, Response, Round

HJEM = "status.hovedstaden_opfoelgende_hjemmebesoeg"
URL = "/status/runde/import/"


@pytest.fixture
def rnd(db: None) -> Round:
    today = timezone.localdate()
    return services.create_round(
        slug="runde",
        title_da="Opfølgning 2014",
        year=2014,
        opens_on=today - dt.timedelta(days=3),
        closes_on=today + dt.timedelta(days=3),
    )


def full_rows(rnd: Round, codes: list[int], status: str = "Planlagt") -> str:
    """A CSV answering every status question asked of all ``codes`` with ``status`` (their
    KKR's initiatives, when they are of one KKR)."""
    qids = [
        q.qid
        for q in rnd.questions.filter(kind="status")
        if all(q.applies_to(code) for code in codes)
    ]
    lines = [";".join(["kommunekode", *qids, "tilbagemelding"])]
    for code in codes:
        lines.append(";".join([str(code), *[status] * len(qids), f"Tilbagemelding fra {code}"]))
    return "\r\n".join(lines) + "\r\n"


def upload(text: str, name: str = "svar.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def test_a_good_file_is_imported_submitted_and_recorded_as_import(
    rnd: Round, personas: Personas
) -> None:
    client = personas.client("kkr_hovedstaden")
    text = full_rows(rnd, [ALBERTSLUND, 101])
    response = client.post(URL, {"file": upload(text, encoding="cp1252"), "submit_after": "on"})
    assert response.status_code == 302 and response["Location"] == "/status/runde/overblik/"
    n_status = len([q for q in rnd.questions.filter(kind="status") if q.applies_to(ALBERTSLUND)])
    page = client.get(response["Location"]).content.decode()
    assert (
        f"svar.csv er indlæst: 2 kommuner, {2 * n_status} svar ændret, 2 besvarelser indsendt."
        in page
    )
    albertslund = services.response_of(rnd, ALBERTSLUND)
    assert albertslund is not None and albertslund.is_submitted
    assert albertslund.tilbagemelding == f"Tilbagemelding fra {ALBERTSLUND}"
    assert services.answers_of(albertslund)[HJEM].value == "planlagt"
    assert set(Change.objects.values_list("source", flat=True)) == {"import"}
    assert set(Change.objects.values_list("changed_by__username", flat=True)) == {"kkr_hovedstaden"}


def test_one_bad_cell_imports_nothing_and_names_row_and_column(
    rnd: Round, personas: Personas
) -> None:
    services.save_answers(rnd, ALBERTSLUND, personas.albertslund, {HJEM: "implementeret"})
    before = (Answer.objects.count(), Change.objects.count(), Response.objects.count())
    lines = full_rows(rnd, [ALBERTSLUND, 101, 147]).splitlines()
    cells = lines[3].split(";")
    cells[2] = "halvt færdig"
    lines[3] = ";".join(cells)
    header = lines[0].split(";")
    response = personas.client("kkr_hovedstaden").post(URL, {"file": upload("\n".join(lines))})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Filen er ikke indlæst – intet er gemt" in html
    assert (
        f"svar.csv, række 4, kolonne C ({header[2]}): Ukendt svarmulighed &#x27;halvt "
        "færdig&#x27;; brug &#x27;ikke_paabegyndt&#x27;, &#x27;planlagt&#x27;, "
        "&#x27;under_implementering&#x27; eller &#x27;implementeret&#x27;." in html
    )
    assert (Answer.objects.count(), Change.objects.count(), Response.objects.count()) == before
    assert services.answers_of(services.response_of(rnd, ALBERTSLUND))[HJEM].value == (
        "implementeret"
    )


def test_the_kkr_secretariat_cannot_import_another_kkr_s_municipality(
    rnd: Round, personas: Personas
) -> None:
    text = full_rows(rnd, [ALBERTSLUND, AALBORG])
    html = personas.client("kkr_hovedstaden").post(URL, {"file": upload(text)}).content.decode()
    assert (
        "svar.csv, række 3, kolonne A (kommunekode): Aalborg hører ikke til KKR Hovedstaden."
        in (html)
    )
    assert not Response.objects.exists()
    # the national administrator may import for both
    assert personas.client("admin").post(URL, {"file": upload(text)}).status_code == 302
    assert Response.objects.count() == 2


def test_a_row_that_cannot_be_submitted_rolls_back_the_whole_file(
    rnd: Round, personas: Personas
) -> None:
    good = full_rows(rnd, [ALBERTSLUND]).splitlines()
    text = "\r\n".join([*good, "101;" + ";" * (len(good[0].split(";")) - 2)]) + "\r\n"
    text = text.replace("\r\n101;", "\r\n101;Planlagt")  # København answers one status only
    response = personas.client("admin").post(URL, {"file": upload(text), "submit_after": "on"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "svar.csv, række 3: København: Besvarelsen kan ikke indsendes: " in html
    assert not Response.objects.exists() and not Change.objects.exists()


def test_an_import_into_a_submitted_response_keeps_it_submitted(
    rnd: Round, personas: Personas
) -> None:
    client = personas.client("kkr_hovedstaden")
    assert (
        client.post(
            URL, {"file": upload(full_rows(rnd, [ALBERTSLUND])), "submit_after": "on"}
        ).status_code
        == 302
    )
    text = f"kommunekode;{HJEM}\r\n{ALBERTSLUND};Implementeret\r\n"
    assert client.post(URL, {"file": upload(text)}).status_code == 302
    response = services.response_of(rnd, ALBERTSLUND)
    assert response is not None and response.is_submitted
    assert services.answers_of(response)[HJEM].value == "implementeret"
    states = list(
        Change.objects.filter(field="state").order_by("pk").values_list("old_value", "new_value")
    )
    assert states == [
        (None, "draft"),
        ("draft", "submitted"),
        ("submitted", "draft"),
        ("draft", "submitted"),
    ]


def test_the_template_has_the_kkr_s_columns_and_municipalities(
    rnd: Round, personas: Personas
) -> None:
    response = personas.client("kkr_hovedstaden").get(URL + "skabelon.csv")
    text = response.content.decode("utf-8-sig")
    lines = text.splitlines()
    own = rnd.questions.filter(Q(region_code=1084) | Q(region_code__isnull=True))
    assert lines[0].split(";") == [
        "kommunekode",
        "kommune",
        *own.values_list("qid", flat=True),
        "tilbagemelding",
    ]
    assert HJEM in lines[0] and "status.nordjylland_akutpladser" not in lines[0]
    assert len(lines) == 1 + 29 and lines[1].startswith("101;København;")
    everything = personas.client("admin").get(URL + "skabelon.csv").content.decode("utf-8-sig")
    assert "status.nordjylland_akutpladser" in everything.splitlines()[0]
    assert response["Content-Disposition"] == 'attachment; filename="skabelon-runde.csv"'


def test_the_import_page_documents_the_format(rnd: Round, personas: Personas) -> None:
    html = personas.client("kkr_hovedstaden").get(URL).content.decode()
    assert "for kommunerne i KKR Hovedstaden" in html
    assert "<code>kommunekode</code> (skal være med)" in html
    assert f"<code>{HJEM}</code>" in html
    assert "Højst 5 MB, 1.000 rækker, 1.000 kolonner og 100.000 celler." in html


def test_an_xlsx_file_is_imported(rnd: Round, personas: Personas) -> None:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["kommunekode", "kommune", HJEM, "fri.antal-akutpladser", "tilbagemelding"])
    sheet.append([ALBERTSLUND, "Albertslund", "Under implementering", 4, "Vi følger op."])
    out = io.BytesIO()
    book.save(out)
    file = SimpleUploadedFile("svar.xlsx", out.getvalue())
    response = personas.client("kkr_hovedstaden").post(URL, {"file": file})
    assert response.status_code == 302
    answers = services.answers_of(services.response_of(rnd, ALBERTSLUND))
    assert answers[HJEM].value == "under_implementering"
    assert answers["fri.antal-akutpladser"].value == 4
    assert services.response_of(rnd, ALBERTSLUND).state == "draft"  # type: ignore[union-attr]


def test_a_closed_round_refuses_the_import(rnd: Round, personas: Personas) -> None:
    Round.objects.filter(pk=rnd.pk).update(
        opens_on=dt.date(2014, 9, 1), closes_on=dt.date(2014, 10, 31)
    )
    text = f"kommunekode;{HJEM}\r\n{ALBERTSLUND};Planlagt\r\n"
    html = personas.client("admin").post(URL, {"file": upload(text)}).content.decode()
    assert "Runden »Opfølgning 2014« lukkede 31.10.2014; intet er gemt." in html
    assert not Response.objects.exists()


def test_a_post_without_a_file_marks_the_field_as_dkfds_does(
    rnd: Round, personas: Personas
) -> None:
    response = personas.client("kkr_hovedstaden").post(URL, {"submit_after": "on"})
    assert response.status_code == 400
    html = response.content.decode()
    group = html.split('<div class="form-group form-error">')[1].split("</div>")[0]
    assert 'class="form-label" for="id_file">Fil med svar (XLSX eller CSV)</label>' in group
    assert '<span class="form-error-message" id="fil-fejl">Fejl: Dette felt er påkrævet.' in group
    assert 'aria-describedby="fil-hint fil-fejl"' in group
    # the summary at the top, as on every other form, its link into the field
    box = html.split('class="alert alert-error"')[1].split("</div></div>")[0]
    assert 'data-module="error-summary"' in box and "intet er gemt" in box
    assert '<a href="#id_file">Fil med svar (XLSX eller CSV): Dette felt er påkrævet.</a>' in box
    # the box kept ticked, as a DKFDS checkbox beside its label
    assert (
        '<input class="form-checkbox" type="checkbox" name="submit_after" id="id_submit_after"'
        " checked>" in html
    )
