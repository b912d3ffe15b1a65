"""Security: a municipality's own survey answers (statuses, pilots, free answers, the
tilbagemelding, counts such as "13 af 13" skal-indsatser) reach only its editors, its KKR's
and its sundhedsråd's secretariats and national administrators — on every dashboard page, survey page, download,
report pack and API answer — until a national administrator publishes the (closed) round;
then that round's submitted answers, and no other round's, reach every logged-in user.

Each check reads the content (page text, XLSX cells, PDF text, JSON) and asserts that the
answer is absent for those who may not see it and present for those who may."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from dashboard_data import results_for
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader
from web_personas import AALBORG, ALBERTSLUND, EVERYONE, HOVEDSTADEN, NORDJYLLAND, Personas

from naersund.survey.questions import questions_from_catalogue
from naersund.web.accounts import access
from naersund.web.catalogue.store import catalogue_from_db, current_version
from naersund.web.dashboard import releases
from naersund.web.survey import services
from naersund.web.survey.models import Round

pytestmark = pytest.mark.django_db

ROUND_TITLE = "Opfølgning (sikkerhedstest)"
OTHER_TITLE = "Opfølgning (senere runde)"
SECRET = {
    ALBERTSLUND: "Albertslunds fortrolige tilbagemelding",
    AALBORG: "Aalborgs fortrolige tilbagemelding",
}
# each municipality answers every status question the same way, so its label is a marker
LABEL = {ALBERTSLUND: "Implementeret", AALBORG: "Under implementering"}
VALUE = {ALBERTSLUND: "implementeret", AALBORG: "under_implementering"}
NAME = {ALBERTSLUND: "Albertslund", AALBORG: "Aalborg"}
# who may see each municipality's answers while the round is not published
OWN_PEOPLE = {
    # and its sundhedsråd's secretariat (Amager og Vestegnen, issue 14)
    ALBERTSLUND: {"admin", "kkr_hovedstaden", "albertslund", "sr_amager_vestegnen"},
    AALBORG: {"admin", "kkr_nordjylland", "aalborg"},
}
KKR_PEOPLE = {HOVEDSTADEN: {"admin", "kkr_hovedstaden"}, NORDJYLLAND: {"admin", "kkr_nordjylland"}}
USERS = EVERYONE[1:]
N_SKAL_HOVEDSTADEN = 13  # the shipped catalogue's skal-initiatives of KKR Hovedstaden
TELEMEDICIN = "pilot.hovedstaden_telemedicin"


def may_see(persona: str, kommunekode: int, published: bool) -> bool:
    return persona != "anonymous" and (published or persona in OWN_PEOPLE[kommunekode])


def may_see_kkr(persona: str, region_code: int, published: bool) -> bool:
    return persona != "anonymous" and (published or persona in KKR_PEOPLE[region_code])


def _status_answers(kommunekode: int) -> list[str]:
    """The status questions the municipality is asked (its own KKR's initiatives)."""
    version = current_version()
    assert version is not None
    return [
        s.qid
        for s in questions_from_catalogue(catalogue_from_db(version))
        if s.kind == "status" and s.applies_to(kommunekode)
    ]


def _closed_round(personas: Personas, slug: str = "sikkerhed", title: str = ROUND_TITLE) -> Round:
    """A closed 2014 round: Albertslund and Aalborg have submitted (all "implementeret" and all
    "under implementering", each with its own tilbagemelding); Ballerup has only a draft."""
    today = timezone.localdate()
    rnd = services.create_round(
        slug=slug,
        title_da=title,
        year=2014,
        opens_on=today - dt.timedelta(days=30),
        closes_on=today - dt.timedelta(days=1),
    )
    for code in (ALBERTSLUND, AALBORG):
        values: dict[str, Any] = {qid: VALUE[code] for qid in _status_answers(code)}
        if code == ALBERTSLUND:
            values[TELEMEDICIN] = {"pilot": "alene"}
        services.save_answers(
            rnd, code, personas.admin, values, tilbagemelding=SECRET[code], allow_closed=True
        )
        services.submit(rnd, code, personas.admin, allow_closed=True)
    services.save_answers(
        rnd, 151, personas.admin, {_status_answers(151)[0]: "planlagt"}, allow_closed=True
    )
    return rnd


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


@pytest.fixture
def release(results_file: Path) -> None:
    releases.publish(results_file)


@pytest.fixture(params=[False, True], ids=["not_published", "published"])
def published(request: pytest.FixtureRequest, personas: Personas, release: None) -> bool:
    """The round made, and published by the administrator or not."""
    rnd = _closed_round(personas)
    if request.param:
        services.publish_round(rnd, personas.admin)
    return bool(request.param)


def _text(response: Any) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _without_user_line(response: Any) -> str:
    """The response without the header's line naming the logged-in user, which for a
    municipality's user names the municipality ("albertslund (Kommunal redaktør,
    Albertslund)") on every page, the refusal too."""
    return re.sub(r'<p class="user-line">[^<]*</p>', "", response.content.decode())


def _xlsx_text(content: bytes) -> dict[str, str]:
    """Sheet name -> every cell's text, joined."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {
        ws.title: " ".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c)
        for ws in book.worksheets
    }


def _pdf_text(content: bytes) -> str:
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text)


def _refused(response: Any, persona: str) -> None:
    """Not shown: the login page for anonymous, 403 for the logged-in."""
    assert response.status_code == (302 if persona == "anonymous" else 403)


# --- the dashboard ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_kommuneprofil_shows_a_municipalitys_statuses_only_to_those_who_may_see_them(
    personas: Personas, published: bool, persona: str
) -> None:
    client = personas.client(persona)
    for code in (ALBERTSLUND, AALBORG):
        response = client.get(f"/indikatorer/kommune/{code}/")
        if persona == "anonymous":
            assert response.status_code == 302
            continue
        page = _text(response)
        assert f"Kommuneprofil: {NAME[code]}" in page
        shown = f"{LABEL[code]} ({ROUND_TITLE})"
        if may_see(persona, code, published):
            assert shown in page
            assert f"Status for {NAME[code]}" in page
        else:
            # the round is named (rounds are listed for everyone), its answers are not
            assert shown not in page
            assert LABEL[code] not in page
            assert f"Status for {NAME[code]}" not in page
            assert f"{NAME[code]}s egne svar vises kun for kommunen selv" in page


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_kkr_omraadeoverblik_counts_skal_indsatser_per_municipality_only_for_those_who_may(
    personas: Personas, published: bool, persona: str
) -> None:
    response = personas.client(persona).get(f"/indikatorer/omraade/kkr/{HOVEDSTADEN}/")
    if persona == "anonymous":
        assert response.status_code == 302
        return
    html = response.content.decode()
    row = re.search(r'href="/indikatorer/kommune/165/[^"]*">Albertslund</a>.*?</tr>', html, re.S)
    assert row is not None
    done = f"{N_SKAL_HOVEDSTADEN} af {N_SKAL_HOVEDSTADEN}"
    if may_see(persona, ALBERTSLUND, published):
        assert "Skal-indsatser implementeret" in html
        assert done in row.group(0)
    else:
        # nobody else in KKR Hovedstaden has submitted, so this persona sees no count at all
        assert done not in html
        assert "Skal-indsatser implementeret" not in html
        assert re.search(r"\d+ af 13", html) is None
    if persona == "albertslund" and not published:  # its own row, not its neighbours'
        ballerup = re.search(
            r'href="/indikatorer/kommune/151/[^"]*">Ballerup</a>.*?</tr>', html, re.S
        )
        assert ballerup is not None and "ikke offentlig" in ballerup.group(0)


def test_a_page_built_for_an_editor_is_never_served_from_the_cache_to_a_reader(
    personas: Personas, release: None
) -> None:
    _closed_round(personas)
    url = f"/indikatorer/kommune/{ALBERTSLUND}/"
    shown = f"{LABEL[ALBERTSLUND]} ({ROUND_TITLE})"
    assert shown in _text(personas.client("albertslund").get(url))
    assert shown not in _text(personas.client("reader").get(url))
    kkr = f"/indikatorer/omraade/kkr/{HOVEDSTADEN}/"
    assert "13 af 13" in personas.client("kkr_hovedstaden").get(kkr).content.decode()
    assert "13 af 13" not in personas.client("reader").get(kkr).content.decode()


# --- the survey pages and downloads -----------------------------------------------------------


@pytest.mark.parametrize("persona", EVERYONE)
def test_bilag_1_pilots_and_their_downloads_follow_the_rule(
    personas: Personas, published: bool, persona: str
) -> None:
    client = personas.client(persona)
    for region, code in ((HOVEDSTADEN, ALBERTSLUND), (NORDJYLLAND, AALBORG)):
        page = client.get(f"/status/sikkerhed/bilag1/{region}/")
        xlsx = client.get(f"/status/sikkerhed/bilag1/{region}.xlsx")
        csv = client.get(f"/status/sikkerhed/bilag1/{region}.csv")
        if may_see_kkr(persona, region, published):
            assert SECRET[code] in _text(page)
            assert LABEL[code] in _text(page)
            assert SECRET[code] in _xlsx_text(xlsx.content)["Tilbagemeldinger"]
            assert SECRET[code] in csv.content.decode("utf-8-sig")
        else:
            for response in (page, xlsx, csv):
                _refused(response, persona)
                assert SECRET[code].encode() not in response.content
    pilots = client.get(f"/status/sikkerhed/piloter/{HOVEDSTADEN}/")
    if may_see_kkr(persona, HOVEDSTADEN, published):
        assert "Albertslund" in _text(pilots)
    else:
        _refused(pilots, persona)
        assert "Albertslund" not in _without_user_line(pilots)


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_results_page_shows_shares_to_everyone_and_no_municipalitys_answers(
    personas: Personas, published: bool, persona: str
) -> None:
    client = personas.client(persona)
    for url in (
        "/status/sikkerhed/resultater/",
        f"/status/sikkerhed/resultater/?kkr={HOVEDSTADEN}",
        "/status/sikkerhed/resultater.xlsx",
        f"/status/sikkerhed/resultater.csv?kkr={NORDJYLLAND}",
    ):
        response = client.get(url)
        if persona == "anonymous":
            assert response.status_code == 302
            continue
        assert response.status_code == 200
        for code in (ALBERTSLUND, AALBORG):
            assert SECRET[code].encode() not in response.content
    if persona != "anonymous":
        page = _text(client.get("/status/sikkerhed/resultater/"))
        assert "svar fra 2 af 98" in page  # the aggregate, for everyone
        assert ("Runden er offentliggjort den" in page) == published
        links = {r: f"Bilag 1: KKR {n}" in page for r, n in ((1084, "Hovedstaden"),)}
        assert links[HOVEDSTADEN] == may_see_kkr(persona, HOVEDSTADEN, published)


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_questionnaire_and_history_stay_with_the_municipality_even_when_published(
    personas: Personas, published: bool, persona: str
) -> None:
    client = personas.client(persona)
    for code in (ALBERTSLUND, AALBORG):
        for tail in ("", "historik/"):
            response = client.get(f"/status/sikkerhed/kommune/{code}/{tail}")
            if persona in OWN_PEOPLE[code]:
                assert response.status_code == 200
                if not tail:
                    assert SECRET[code] in response.content.decode()
            else:
                _refused(response, persona)
                assert SECRET[code].encode() not in response.content


# --- report packs -------------------------------------------------------------------------------


def _pack(client: Client, area: str, level: str, form: str) -> Any:
    return client.get(f"/rapporter/?hent=1&omraade={area}&niveau={level}&aar=2014&format={form}")


@pytest.mark.parametrize("persona", EVERYONE)
def test_report_packs_hold_a_municipalitys_answers_only_for_those_who_may_see_them(
    personas: Personas, published: bool, persona: str
) -> None:
    client = personas.client(persona)
    for code in (ALBERTSLUND, AALBORG):
        response = _pack(client, f"kommune-{code}", "politisk", "xlsx")
        if persona == "anonymous":
            assert response.status_code == 302
            continue
        sheets = _xlsx_text(response.content)
        everything = " ".join(sheets.values())
        if may_see(persona, code, published):
            assert LABEL[code] in sheets["Indsatser"]
        else:
            assert "Indsatser" not in sheets
            assert f"Status for {NAME[code]} Kommune" not in everything
    director = _pack(client, f"kkr-{HOVEDSTADEN}", "direktoer", "xlsx")
    if persona == "anonymous":
        assert director.status_code == 302
        return
    sheets = _xlsx_text(director.content)
    if may_see_kkr(persona, HOVEDSTADEN, published):
        assert "Albertslund" in sheets["Bilag 1"] and LABEL[ALBERTSLUND] in sheets["Bilag 1"]
    else:
        assert "Bilag 1" not in sheets
        assert "Status pr. kommune" not in " ".join(sheets.values())
    assert "Indsatsdækning" in sheets  # the KKR's shares, for everyone


@pytest.mark.parametrize("persona", ["reader", "aalborg", "kkr_nordjylland", "albertslund"])
def test_the_pdf_pack_reads_the_same(personas: Personas, published: bool, persona: str) -> None:
    text = _pdf_text(
        _pack(personas.client(persona), f"kommune-{ALBERTSLUND}", "politisk", "pdf").content
    )
    assert "Albertslund" in text
    assert ("Status for Albertslund Kommune" in text) == may_see(persona, ALBERTSLUND, published)


# --- the API ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_api_answers_follow_the_rule(personas: Personas, published: bool, persona: str) -> None:
    client = personas.client(persona)
    listing = client.get("/api/rounds/sikkerhed/answers/")
    for code in (ALBERTSLUND, AALBORG):
        response = client.get(f"/api/rounds/sikkerhed/answers/{code}/")
        if persona == "anonymous":
            assert response.status_code == 401
            assert SECRET[code].encode() not in response.content
            continue
        if may_see(persona, code, published):
            body = json.loads(response.content)
            assert body["tilbagemelding"] == SECRET[code]
            assert body["answers"][_status_answers(code)[0]]["value"] == VALUE[code]
            own = persona in OWN_PEOPLE[code]
            assert (body["submitted_by"] is not None) == own  # no names for the public
        else:
            assert response.status_code == 403
            assert SECRET[code].encode() not in response.content
        assert (SECRET[code].encode() in listing.content) == may_see(persona, code, published)
    if persona != "anonymous":
        listed = {r["kommunekode"]: r["state"] for r in json.loads(listing.content)}
        if published and persona not in OWN_PEOPLE[ALBERTSLUND] | OWN_PEOPLE[AALBORG]:
            assert listed == {ALBERTSLUND: "submitted", AALBORG: "submitted"}  # no drafts
        if not published and persona == "reader":
            assert listed == {}
        round_json = json.loads(client.get("/api/rounds/sikkerhed/").content)
        assert (round_json["published_at"] is not None) == published


# --- publishing a round -------------------------------------------------------------------------


def _publish(client: Client, action: str, slug: str = "sikkerhed") -> Any:
    return client.post(f"/status/{slug}/offentliggoer/", {"handling": action})


def test_an_administrator_publishes_a_closed_round_and_can_withdraw_it(
    personas: Personas, release: None
) -> None:
    _closed_round(personas)
    reader = personas.client("reader")
    bilag = f"/status/sikkerhed/bilag1/{HOVEDSTADEN}/"
    profile = f"/indikatorer/kommune/{ALBERTSLUND}/"
    assert reader.get(bilag).status_code == 403
    assert f"({ROUND_TITLE})" not in _text(reader.get(profile))
    admin = personas.client("admin")
    page = _text(admin.get("/status/sikkerhed/resultater/"))
    assert "Runden er ikke offentliggjort" in page and "Offentliggør runden" in page

    response = _publish(admin, "offentliggoer")
    assert response.status_code == 302
    rnd = Round.objects.get(slug="sikkerhed")
    assert rnd.published_at is not None and rnd.published_by == personas.admin
    page = _text(admin.get(response["Location"]))
    assert "Runden »Opfølgning (sikkerhedstest)« er offentliggjort" in page
    day = timezone.localtime(rnd.published_at).day
    assert f"Runden er offentliggjort den {day}. " in page
    assert "alle brugere kan se kommunernes svar" in page
    assert "Runden er offentliggjort den" in _text(reader.get("/status/sikkerhed/resultater/"))
    assert SECRET[ALBERTSLUND] in _text(reader.get(bilag))
    assert f"Implementeret ({ROUND_TITLE})" in _text(reader.get(profile))

    response = _publish(admin, "tilbagekald")
    assert response.status_code == 302
    assert Round.objects.get(slug="sikkerhed").published_at is None
    assert "Offentliggørelsen af »Opfølgning (sikkerhedstest)« er trukket tilbage" in _text(
        admin.get(response["Location"])
    )
    assert reader.get(bilag).status_code == 403
    assert f"({ROUND_TITLE})" not in _text(reader.get(profile))  # not the cached page


@pytest.mark.parametrize("persona", ["kkr_hovedstaden", "kkr_nordjylland", "albertslund", "reader"])
def test_only_a_national_administrator_may_publish(personas: Personas, persona: str) -> None:
    _closed_round(personas)
    client = personas.client(persona)
    assert "Offentliggør runden" not in _text(client.get("/status/sikkerhed/resultater/"))
    assert _publish(client, "offentliggoer").status_code == 403
    assert Round.objects.get(slug="sikkerhed").published_at is None
    services.publish_round(Round.objects.get(slug="sikkerhed"), personas.admin)
    assert _publish(client, "tilbagekald").status_code == 403
    assert Round.objects.get(slug="sikkerhed").published_at is not None


def test_anonymous_users_are_sent_to_log_in_and_nothing_is_published(personas: Personas) -> None:
    _closed_round(personas)
    response = _publish(personas.client("anonymous"), "offentliggoer")
    assert response.status_code == 302 and response["Location"].startswith("/log-ind/")
    assert Round.objects.get(slug="sikkerhed").published_at is None


def test_publishing_needs_the_csrf_token(personas: Personas) -> None:
    _closed_round(personas)
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.admin)
    assert _publish(client, "offentliggoer").status_code == 403
    assert Round.objects.get(slug="sikkerhed").published_at is None
    form = client.get("/status/sikkerhed/resultater/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token is not None
    response = client.post(
        "/status/sikkerhed/offentliggoer/",
        {"handling": "offentliggoer", "csrfmiddlewaretoken": token.group(1)},
    )
    assert response.status_code == 302
    assert Round.objects.get(slug="sikkerhed").published_at is not None


def test_an_open_round_cannot_be_published(personas: Personas) -> None:
    today = timezone.localdate()
    services.create_round(
        slug="aaben",
        title_da="Åben runde",
        year=today.year,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=1),
    )
    admin = personas.client("admin")
    response = _publish(admin, "offentliggoer", slug="aaben")
    page = _text(admin.get(response["Location"]))
    closes = (today + dt.timedelta(days=1)).strftime("%d.%m.%Y")
    assert (
        f"Runden »Åben runde« kan først offentliggøres, når den er lukket (den lukker {closes})."
        in page
    )
    assert Round.objects.get(slug="aaben").published_at is None
    assert "Runden kan først offentliggøres, når den er lukket." in _text(
        admin.get("/status/aaben/resultater/")
    )


def test_an_unknown_action_is_refused_in_danish(personas: Personas) -> None:
    _closed_round(personas)
    admin = personas.client("admin")
    response = _publish(admin, "slet")
    assert "Vælg at offentliggøre runden eller at trække den tilbage." in _text(
        admin.get(response["Location"])
    )
    assert Round.objects.get(slug="sikkerhed").published_at is None


def test_publishing_one_round_shows_that_rounds_submitted_answers_and_no_other_rounds(
    personas: Personas, release: None
) -> None:
    first = _closed_round(personas)
    services.publish_round(first, personas.admin)
    today = timezone.localdate()
    later = services.create_round(
        slug="senere",
        title_da=OTHER_TITLE,
        year=2014,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=10),
    )
    services.save_answers(
        later,
        ALBERTSLUND,
        personas.albertslund,
        dict.fromkeys(_status_answers(ALBERTSLUND), "ikke_paabegyndt"),
        tilbagemelding="Ny",
    )
    services.submit(later, ALBERTSLUND, personas.albertslund)
    services.save_answers(
        later,
        AALBORG,
        personas.aalborg,
        dict.fromkeys(_status_answers(AALBORG), "ikke_paabegyndt"),
        tilbagemelding="Kladde",
    )

    reader = personas.client("reader")
    profile = _text(reader.get(f"/indikatorer/kommune/{ALBERTSLUND}/"))
    assert f"Implementeret ({ROUND_TITLE})" in profile  # the published round's answer
    assert f"({OTHER_TITLE}" not in profile and "Ikke påbegyndt" not in profile
    chosen = _text(reader.get(f"/indikatorer/kommune/{ALBERTSLUND}/?runde=senere"))
    assert "Ikke påbegyndt" not in chosen and "Implementeret (" not in chosen
    # its editor sees the latest closed round by default, the open one when chosen
    editor = personas.client("albertslund")
    default = _text(editor.get(f"/indikatorer/kommune/{ALBERTSLUND}/"))
    assert f"Implementeret ({ROUND_TITLE})" in default and "Ikke påbegyndt" not in default
    own = _text(editor.get(f"/indikatorer/kommune/{ALBERTSLUND}/?runde=senere"))
    assert f"Ikke påbegyndt ({OTHER_TITLE}, foreløbig (runden er åben))" in own
    assert reader.get(f"/status/senere/bilag1/{HOVEDSTADEN}/").status_code == 403
    assert reader.get(f"/api/rounds/senere/answers/{ALBERTSLUND}/").status_code == 403
    assert json.loads(reader.get("/api/rounds/senere/answers/").content) == []
    # the report pack for 2014 reads the latest closed round of 2014 (the published one),
    # the later open one only when chosen (and then not for a reader)
    sheets = _xlsx_text(_pack(reader, f"kommune-{ALBERTSLUND}", "politisk", "xlsx").content)
    assert "Indsatser" in sheets and ROUND_TITLE in sheets["Indsatser"]
    chosen_pack = reader.get(
        f"/rapporter/?hent=1&omraade=kommune-{ALBERTSLUND}&niveau=politisk&aar=2014"
        "&format=xlsx&runde=senere"
    )
    assert "Indsatser" not in _xlsx_text(chosen_pack.content)


def test_a_published_round_whose_dates_open_it_again_is_not_public(personas: Personas) -> None:
    rnd = services.publish_round(_closed_round(personas), personas.admin)
    assert access.can_view_answers(personas.reader, ALBERTSLUND, rnd)
    today = timezone.localdate()
    Round.objects.filter(pk=rnd.pk).update(closes_on=today + dt.timedelta(days=1))
    rnd.refresh_from_db()
    assert not access.is_published(rnd)
    assert not access.can_view_answers(personas.reader, ALBERTSLUND, rnd)
    assert (
        personas.client("reader").get(f"/status/sikkerhed/bilag1/{HOVEDSTADEN}/").status_code == 403
    )
    page = _text(personas.client("reader").get("/status/sikkerhed/resultater/"))
    assert "men er åbnet igen" in page


def test_the_one_helper_answers_for_every_role(personas: Personas) -> None:
    rnd = _closed_round(personas)
    for published in (False, True):
        if published:
            services.publish_round(rnd, personas.admin)
            rnd.refresh_from_db()
        for persona in USERS:
            user = getattr(personas, persona)
            for code in (ALBERTSLUND, AALBORG):
                assert access.can_view_answers(user, code, rnd) == may_see(persona, code, published)
            for region in (HOVEDSTADEN, NORDJYLLAND):
                assert access.can_view_kkr_answers(user, region, rnd) == may_see_kkr(
                    persona, region, published
                )
            # without a round: only the municipality's own people, published or not
            assert access.can_view_answers(user, ALBERTSLUND, None) == (
                persona in OWN_PEOPLE[ALBERTSLUND]
            )
    from django.contrib.auth.models import AnonymousUser

    assert not access.can_view_answers(AnonymousUser(), ALBERTSLUND, rnd)
    assert access.answers_visible_to(AnonymousUser(), rnd) == frozenset()
