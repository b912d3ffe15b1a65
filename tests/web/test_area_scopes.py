"""Issue 14: a secretariat scoped to any level's area (a sundhedsråd), and a status round whose
catalogue sections are sundhedsråd: its municipalities are asked its initiatives (plus the
questions every municipality is asked), read by its secretariat as a KKR's are by the KKR's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from web_personas import AALBORG, ALBERTSLUND, AMAGER_VESTEGNEN, GENTOFTE, Personas

from naersund.refdata import scopes
from naersund.survey.questions import FREE_QUESTIONS
from naersund.web.accounts import access
from naersund.web.accounts.models import Membership
from naersund.web.catalogue.store import catalogue_from_db, current_version, save_catalogue
from naersund.web.survey import services
from naersund.web.survey.models import Round
from sundhedsraad_section import amager_vestegnen_section

ISHOEJ = 183  # Amager og Vestegnen
SR_STATUS = "status.sr_amager_hjemmebesoeg"
FREE = {q.qid for q in FREE_QUESTIONS}


def _with_sundhedsraad_section() -> None:
    """The current catalogue plus a section for Sundhedsråd Amager og Vestegnen (a new version,
    so nothing is dropped)."""
    version = current_version()
    assert version is not None
    cat = catalogue_from_db(version)
    section = amager_vestegnen_section()
    bumped = cat.model_copy(update={"version": "99", "kkr": [*cat.kkr, section]})
    save_catalogue(bumped, source="test")


def _open_round(slug: str, **kwargs: Any) -> Round:
    today = timezone.localdate()
    return services.create_round(
        slug=slug,
        title_da="Sundhedsrådsrunde (test)",
        year=today.year,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=1),
        **kwargs,
    )


@pytest.fixture
def sr_round(personas: Personas) -> Round:
    """A round of the sundhedsråd level: Albertslund has submitted, Gentofte (another
    sundhedsråd) has answered its free questions."""
    _with_sundhedsraad_section()
    rnd = _open_round("sr-runde", level="sundhedsraad")
    services.save_answers(
        rnd, ALBERTSLUND, personas.albertslund, {SR_STATUS: "implementeret"}, tilbagemelding="ok"
    )
    services.submit(rnd, ALBERTSLUND, personas.albertslund)
    services.save_answers(
        rnd,
        GENTOFTE,
        personas.admin,
        {"fri.akutpladser": rnd.questions.get(qid="fri.akutpladser").choices[0]["value"]},
    )
    return rnd


def test_only_the_sundhedsraads_municipalities_get_its_initiatives(sr_round: Round) -> None:
    asked = {
        code: {q.qid for q in services.questions_for(sr_round, code)}
        for code in (ALBERTSLUND, ISHOEJ, GENTOFTE, AALBORG)
    }
    members = scopes.members(AMAGER_VESTEGNEN)
    for code, qids in asked.items():
        assert qids >= FREE  # the questions every municipality is asked
        assert (SR_STATUS in qids) == (code in members)
    # a round of the sundhedsråd level asks no KKR's initiatives
    assert not any(q.startswith("status.hovedstaden_") for q in asked[ALBERTSLUND])
    question = sr_round.questions.get(qid=SR_STATUS)
    assert (question.owner_region_code, question.region_code) == (AMAGER_VESTEGNEN,) * 2


def test_a_round_of_every_level_asks_a_municipality_its_kkrs_and_its_sundhedsraads(
    personas: Personas,
) -> None:
    _with_sundhedsraad_section()
    rnd = _open_round("alle-niveauer")
    albertslund = {q.qid for q in services.questions_for(rnd, ALBERTSLUND)}
    gentofte = {q.qid for q in services.questions_for(rnd, GENTOFTE)}
    assert SR_STATUS in albertslund and "status.hovedstaden_opfoelgende_hjemmebesoeg" in albertslund
    assert SR_STATUS not in gentofte and "status.hovedstaden_opfoelgende_hjemmebesoeg" in gentofte


def test_the_sundhedsraad_secretariat_reads_its_municipalities_only(
    personas: Personas, sr_round: Round
) -> None:
    sr = personas.sr_amager_vestegnen
    assert access.answers_visible_to(sr, sr_round) == scopes.members(AMAGER_VESTEGNEN)
    assert access.managed_regions(sr) == [AMAGER_VESTEGNEN]
    assert access.can_manage_region(sr, AMAGER_VESTEGNEN)
    assert not access.can_manage_region(sr, 1084)  # the whole KKR Hovedstaden
    assert not access.can_edit_municipality(sr, ALBERTSLUND)  # reads, does not answer
    # the KKR's secretariat does not manage the sundhedsråd (other municipalities' answers)
    assert not access.can_manage_region(personas.kkr_hovedstaden, AMAGER_VESTEGNEN)


def test_the_sundhedsraad_round_overview_lists_its_municipalities_and_no_other(
    personas: Personas, sr_round: Round
) -> None:
    page = personas.client("sr_amager_vestegnen").get(f"/status/{sr_round.slug}/overblik/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Sundhedsråd Amager og Vestegnen" in html
    for name in ("Albertslund", "Ishøj", "Dragør", "Tårnby"):
        assert name in html
    for name in ("Gentofte", "København", "Aalborg", "KKR Hovedstaden"):
        assert name not in html


def test_bilag1_of_the_sundhedsraad_shows_its_initiatives_and_municipalities(
    personas: Personas, sr_round: Round
) -> None:
    page = personas.client("sr_amager_vestegnen").get(
        f"/status/{sr_round.slug}/bilag1/{AMAGER_VESTEGNEN}/"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Fælles opfølgende hjemmebesøg efter udskrivning" in html
    assert "Albertslund" in html and "Vallensbæk" in html
    assert "Gentofte" not in html and "Aalborg" not in html
    csv_text = (
        personas.client("sr_amager_vestegnen")
        .get(f"/status/{sr_round.slug}/bilag1/{AMAGER_VESTEGNEN}.csv")
        .content.decode("utf-8-sig")
    )
    assert "Albertslund" in csv_text and "Gentofte" not in csv_text


def test_the_sundhedsraad_secretariat_cannot_open_a_municipality_outside_it(
    personas: Personas, sr_round: Round
) -> None:
    client = personas.client("sr_amager_vestegnen")
    outside = client.get(f"/status/{sr_round.slug}/kommune/{GENTOFTE}/")
    assert outside.status_code == 403
    assert "Gentofte" not in outside.content.decode()
    inside = client.get(f"/status/{sr_round.slug}/kommune/{ALBERTSLUND}/")
    assert inside.status_code == 200
    assert "Fælles opfølgende hjemmebesøg efter udskrivning" in inside.content.decode()
    kkr = client.get(f"/status/{sr_round.slug}/bilag1/1084/")
    assert kkr.status_code == 403 and "Gentofte" not in kkr.content.decode()


def test_the_import_template_lists_the_sundhedsraads_municipalities(
    personas: Personas, sr_round: Round
) -> None:
    text = (
        personas.client("sr_amager_vestegnen")
        .get(f"/status/{sr_round.slug}/import/skabelon.csv")
        .content.decode("utf-8-sig")
    )
    codes = {int(line.split(";")[0]) for line in text.splitlines()[1:]}
    assert codes == scopes.members(AMAGER_VESTEGNEN)


def test_roles_from_before_keep_their_kkr_scope(personas: Personas) -> None:
    membership = Membership.objects.get(user=personas.kkr_hovedstaden)
    assert (membership.area_level, membership.region_code) == ("kkr", 1084)
    assert access.can_view_response(personas.kkr_hovedstaden, GENTOFTE)


def test_set_role_gives_a_sundhedsraad_scope_and_refuses_a_wrong_code(personas: Personas) -> None:
    from django.contrib.auth.models import User
    from django.core.management.base import CommandError

    User.objects.create_user("sr_fyn")
    call_command("set_role", "sr_fyn", "kkr_secretary", "--niveau", "sundhedsraad", "--kkr", "2708")
    m = Membership.objects.get(user__username="sr_fyn")
    assert (m.area_level, m.region_code) == ("sundhedsraad", 2708)
    with pytest.raises(CommandError, match="Sundhedsråd har intet område med koden 1084"):
        call_command(
            "set_role", "sr_fyn", "kkr_secretary", "--niveau", "sundhedsraad", "--kkr", "1084"
        )


def test_the_catalogue_shows_a_sundhedsraads_goals_on_its_own_page(personas: Personas) -> None:
    """Issue 14: goals attached to a sundhedsråd (its sundhedsplan) are read in the catalogue
    like a KKR's: listed in the overview, on their own page, and not in a KKR's."""
    from sundhedsraad_section import GOAL

    _with_sundhedsraad_section()
    client = personas.client("reader")
    overview = client.get("/katalog/").content.decode()
    assert "Sundhedsråd Amager og Vestegnen" in overview
    page = client.get(f"/katalog/kkr/{AMAGER_VESTEGNEN}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sundhedsråd Amager og Vestegnen" in html and GOAL in html
    assert GOAL not in client.get("/katalog/kkr/1084/").content.decode()


def test_the_sundhedsraads_results_and_bilag1_say_its_membership_is_unverified(
    personas: Personas, sr_round: Round
) -> None:
    """Issue 14: wherever sundhedsraad-2027.csv's membership is used, it is marked."""
    client = personas.client("sr_amager_vestegnen")
    note = "Sundhedsråd Amager og Vestegnens sammensætning er ikke verificeret mod officiel liste."
    results = client.get(f"/status/{sr_round.slug}/resultater/", {"kkr": AMAGER_VESTEGNEN})
    assert results.status_code == 200 and note in results.content.decode()
    bilag1 = client.get(f"/status/{sr_round.slug}/bilag1/{AMAGER_VESTEGNEN}/")
    assert bilag1.status_code == 200 and note in bilag1.content.decode()
    admin = personas.client("admin")
    kkr = admin.get(f"/status/{sr_round.slug}/resultater/", {"kkr": 1084}).content.decode()
    assert "ikke verificeret" not in kkr
    assert (
        "ikke verificeret"
        not in admin.get(f"/status/{sr_round.slug}/bilag1/1084/").content.decode()
    )


def test_the_sundhedsraads_results_downloads_say_its_membership_is_unverified(
    personas: Personas, sr_round: Round
) -> None:
    """Issue 14: the CSV and the XLSX of the round's results for a sundhedsråd carry the note
    the results page shows (a note line above the table, in every sheet of the XLSX); a KKR's
    downloads do not."""
    import csv
    import io

    from openpyxl import load_workbook

    note = "Sundhedsråd Amager og Vestegnens sammensætning er ikke verificeret mod officiel liste."
    client = personas.client("sr_amager_vestegnen")
    url = f"/status/{sr_round.slug}/resultater"
    text = client.get(f"{url}.csv", {"kkr": AMAGER_VESTEGNEN}).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = next(n for n, line in enumerate(lines) if line[:2] == ["KKR-katalog", "Mål"])
    assert [note] in lines[:header]
    book = load_workbook(io.BytesIO(client.get(f"{url}.xlsx", {"kkr": AMAGER_VESTEGNEN}).content))
    assert len(book.worksheets) == 3
    for sheet in book.worksheets:
        notes = [row[0] for row in sheet.iter_rows(values_only=True, max_row=4)]
        assert note in notes, sheet.title
    admin = personas.client("admin")
    kkr_csv = admin.get(f"{url}.csv", {"kkr": 1084}).content.decode("utf-8-sig")
    assert "ikke verificeret" not in kkr_csv
    kkr_book = load_workbook(io.BytesIO(admin.get(f"{url}.xlsx", {"kkr": 1084}).content))
    assert all(
        "ikke verificeret" not in str(c)
        for s in kkr_book.worksheets
        for row in s.iter_rows(values_only=True)
        for c in row
    )
