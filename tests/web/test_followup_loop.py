"""Closing the loop (issue 12): the KKR secretariat creates a round on the web, keeps one
follow-up proposal of the latest release and drops another; only the kept question exists,
asked of its municipality only; its editor answers it with the rest of the questionnaire; the
answer is on the Kommuneprofil, the KKR overview ("1 af 1 besvaret") and in the director
pack; and nobody else sees the question or the answer."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from dashboard_data import results_for
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader
from web_personas import ALBERTSLUND, AMAGER_VESTEGNEN, HOVEDSTADEN, Personas

from naersund.analysis.followup import Proposal, proposals
from naersund.refdata import region_of, scopes
from naersund.survey.followup import choice_qid, text_qid
from naersund.survey.questions import municipality_name
from naersund.web.accounts.models import Membership
from naersund.web.catalogue.store import current_version
from naersund.web.dashboard import context as ctx
from naersund.web.dashboard import releases
from naersund.web.survey import services
from naersund.web.survey.models import Question, Round

ANSWER = "Vi udvider akutteamet med en aftenvagt fra 2015."
SLUG = "opfoelgning-2015"


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


@pytest.fixture
def release(db: None, results_file: Path) -> releases.PublishedResults:
    releases.publish(results_file)
    return releases.load_release()


def _hovedstaden_proposals(pub: releases.PublishedResults) -> tuple[Proposal, Proposal]:
    """A proposal with initiatives as options for a municipality of KKR Hovedstaden other than
    Albertslund (whose editor is the "other municipality"), and another one to drop."""
    catalogue = ctx.catalogue_state()[0]
    assert catalogue is not None
    found = [
        p
        for p in proposals(pub, catalogue, pub.years[-1])
        if region_of()[p.kommunekode] == HOVEDSTADEN
    ]
    kept = next(p for p in found if p.initiatives and p.kommunekode != ALBERTSLUND)
    dropped = next(p for p in found if p != kept)
    return kept, dropped


def _key(p: Proposal) -> str:
    return f"{p.kommunekode}-{p.indicator}"


def _editor(kommunekode: int) -> Client:
    user = User.objects.create_user(f"redaktoer-{kommunekode}")
    Membership.objects.create(user=user, role="municipality_editor", kommunekode=kommunekode)
    client = Client()
    client.force_login(user)
    return client


def _create(client: Client, release_id: int | None, keep: list[str]) -> Any:
    today = timezone.localdate()
    version = current_version()
    assert version is not None
    return client.post(
        "/status/ny/",
        {
            "title_da": "Opfølgning 2015",
            "slug": SLUG,
            "year": "2015",
            "opens_on": (today - dt.timedelta(days=1)).isoformat(),
            "closes_on": (today + dt.timedelta(days=30)).isoformat(),
            "catalogue": str(version.pk),
            "previous": "",
            "udgivelse": "" if release_id is None else str(release_id),
            "behold": keep,
        },
    )


def _hidden(html: str) -> dict[str, Any]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def _answer(client: Client, kept: Proposal) -> None:
    """The editor fills the whole questionnaire through the page and submits it."""
    rnd = Round.objects.get(slug=SLUG)
    url = f"/status/{SLUG}/kommune/{kept.kommunekode}/"
    html = client.get(url).content.decode()
    assert "Hvad gør kommunen for at forbedre" in html
    data: dict[str, Any] = _hidden(html) | {"action": "indsend"}
    for q in services.questions_for(rnd, kept.kommunekode):
        if q.kind == "status":
            data[q.qid] = "implementeret"
    data[choice_qid(kept.kommunekode, kept.indicator)] = [kept.initiatives[0]]
    data[text_qid(kept.kommunekode, kept.indicator)] = ANSWER
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = services.response_of(rnd, kept.kommunekode)
    assert stored is not None and stored.is_submitted


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _pdf(client: Client, kommunekode: int) -> str:
    url = (
        f"/rapporter/?hent=1&omraade=kommune-{kommunekode}&niveau=direktoer&aar=2014"
        f"&runde={SLUG}&format=pdf"
    )
    response = client.get(url)
    assert response.status_code == 200
    pages = PdfReader(io.BytesIO(response.content)).pages
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pages))


def test_the_kept_proposal_becomes_a_question_for_its_municipality_and_its_answer_is_shown(
    personas: Personas, release: releases.PublishedResults
) -> None:
    kept, dropped = _hovedstaden_proposals(release)
    secretariat = personas.client("kkr_hovedstaden")

    # the page shows the proposals of the KKR's municipalities, every one kept by default
    page = secretariat.get("/status/ny/").content.decode()
    boxes = re.findall(r'name="behold" value="([^"]+)" id="[^"]+" checked', page)
    assert _key(kept) in boxes and _key(dropped) in boxes
    assert all(region_of()[int(b.split("-")[0])] == HOVEDSTADEN for b in boxes)

    # kept one, dropped the other
    response = _create(secretariat, release.release_id, [_key(kept)])
    assert response.status_code == 302
    rnd = Round.objects.get(slug=SLUG)
    followups = list(Question.every.filter(round=rnd, kommunekode__isnull=False))
    assert {q.qid for q in followups} == {
        choice_qid(kept.kommunekode, kept.indicator),
        text_qid(kept.kommunekode, kept.indicator),
    }
    assert {q.kommunekode for q in followups} == {kept.kommunekode}
    choice = next(q for q in followups if q.kind == "multichoice")
    assert [c["value"] for c in choice.choices] == list(kept.initiatives)
    assert not Question.every.filter(round=rnd, qid__contains=f"{dropped.kommunekode}-").filter(
        qid__endswith=dropped.indicator
    )
    # the rest of the round is the usual one
    assert rnd.questions.filter(qid__startswith="status.").exists()

    editor = _editor(kept.kommunekode)
    _answer(editor, kept)

    # the profile, next to the indicator (naming the round)
    profile = f"/indikatorer/kommune/{kept.kommunekode}/?runde={SLUG}"
    html = editor.get(profile).content.decode()
    in_table = re.search(rf'definition/{kept.indicator}/".*?</tr>', html, re.S)
    assert in_table is not None
    assert "Kommunens opfølgning: besvaret: 1 indsats og fritekst" in _text(in_table.group(0))
    row = re.search(rf'data-followup="{kept.indicator}">.*?</div>', html, re.S)
    assert row is not None
    shown = _text(row.group(0))
    assert ANSWER in shown and "Opfølgning 2015" in shown
    initiative = choice.choices[0]["label_da"]
    assert initiative in shown
    assert ANSWER in _text(secretariat.get(profile).content.decode())

    # the KKR overview: per municipality whether its flagged indicators got an answer
    kkr = _text(
        secretariat.get(f"/indikatorer/omraade/kkr/{HOVEDSTADEN}/?runde={SLUG}").content.decode()
    )
    name = municipality_name(kept.kommunekode)
    assert re.search(rf"{name} .*? 1 af 1 besvaret", kkr)

    # the director pack, next to the indicator, naming the round
    pdf = _pdf(editor, kept.kommunekode)
    assert "Opfølgning på indikatorerne" in pdf
    assert ANSWER[:30] in pdf and "Opfølgning 2015" in pdf and "1 af 1 besvaret" in pdf


def test_others_see_neither_the_question_nor_the_answer(
    personas: Personas, release: releases.PublishedResults
) -> None:
    """Another municipality's editor (same KKR and another KKR), another KKR's secretariat and
    a reader: no question and no answer on any page, in the API or in the director pack (the
    pack, slow to render, for one user of the same KKR and one of another)."""
    kept, _ = _hovedstaden_proposals(release)
    assert _create(personas.client("admin"), release.release_id, [_key(kept)]).status_code == 302
    _answer(_editor(kept.kommunekode), kept)
    qid = choice_qid(kept.kommunekode, kept.indicator)
    for who in ("albertslund", "aalborg", "kkr_nordjylland", "reader"):
        client = personas.client(who)
        # the municipality's questionnaire is not theirs
        assert client.get(f"/status/{SLUG}/kommune/{kept.kommunekode}/").status_code == 403, who
        # their own questionnaire, the round's results and the API's question lists
        own = {"albertslund": ALBERTSLUND, "aalborg": 851}.get(who)
        if own is not None:
            html = client.get(f"/status/{SLUG}/kommune/{own}/").content.decode()
            assert "Hvad gør kommunen for at forbedre" not in html and qid not in html, who
        results = client.get(f"/status/{SLUG}/resultater/").content.decode()
        assert "Hvad gør kommunen for at forbedre" not in results, who
        for url in (
            f"/api/rounds/{SLUG}/questions/",
            f"/api/rounds/{SLUG}/questions/?kommune={kept.kommunekode}",
        ):
            listed = client.get(url).content.decode()
            assert qid not in listed and "Hvad gør kommunen for at forbedre" not in listed, who
        # the profile and the KKR overview: no answer, no count
        profile = client.get(f"/indikatorer/kommune/{kept.kommunekode}/?runde={SLUG}")
        assert profile.status_code == 200
        page = profile.content.decode()
        assert ANSWER not in page and "Kommunens opfølgning" not in page, who
        kkr = client.get(f"/indikatorer/omraade/kkr/{HOVEDSTADEN}/?runde={SLUG}").content.decode()
        assert "af 1 besvaret" not in kkr and "Opfølgning på flagede indikatorer" not in kkr, who
        if who in ("albertslund", "kkr_nordjylland"):
            pdf = _pdf(client, kept.kommunekode)
            assert ANSWER[:30] not in pdf and "Opfølgning på indikatorerne" not in pdf, who


def test_only_those_who_manage_a_kkr_may_create_a_round(
    personas: Personas, release: releases.PublishedResults
) -> None:
    for who in ("albertslund", "reader"):
        assert personas.client(who).get("/status/ny/").status_code == 403
    assert personas.client("anonymous").get("/status/ny/").status_code == 302
    page = personas.client("kkr_nordjylland").get("/status/ny/").content.decode()
    boxes = re.findall(r'name="behold" value="(\d+)-', page)
    assert all(region_of()[int(b)] == 1081 for b in boxes)
    assert not Round.objects.filter(slug=SLUG).exists()


def test_the_round_form_has_the_design_systems_fields_and_names_a_bad_field(
    personas: Personas,
) -> None:
    client = personas.client("kkr_hovedstaden")
    page = client.get("/status/ny/").content.decode()
    assert 'name="title_da" maxlength="200" class="form-input input-width-l"' in page
    assert re.search(r'name="year" value="\d{4}" min="2000" max="2100" class="form-input i', page)
    assert re.search(r'<select name="catalogue" class="form-select input-width-xl"', page)
    # a checkbox comes before its label, DKFDS's way
    assert re.search(
        r'<div class="form-group-checkbox"><input type="checkbox" name="money" '
        r'class="form-checkbox"[^>]*><label class="form-label" for="id_money">',
        page,
    )
    for described in re.findall(r'aria-describedby="([^"]+)"', page):
        assert f'id="{described}"' in page, described
    bad = client.post("/status/ny/", {"title_da": "", "slug": "x y", "year": "1800"})
    html = bad.content.decode()
    group = html.split('for="id_year"')[0].rsplit("<div", 1)[1] + html.split('for="id_year"')[1]
    assert group.startswith(' class="form-group form-error">')
    assert '<span class="form-error-message">Fejl: ' in group.split("</div>")[0]
    assert not Round.objects.filter(title_da="").exists()


def test_without_a_release_the_round_is_made_without_follow_up_questions(
    personas: Personas,
) -> None:
    client = personas.client("kkr_hovedstaden")
    assert "Der er ingen udgivelse" in client.get("/status/ny/").content.decode()
    response = _create(client, None, [])
    assert response.status_code == 302
    rnd = Round.objects.get(slug=SLUG)
    assert rnd.questions.exists()
    assert not Question.every.filter(round=rnd, kommunekode__isnull=False).exists()


def test_a_new_release_since_the_page_was_opened_is_refused_and_saves_nothing(
    personas: Personas, release: releases.PublishedResults
) -> None:
    kept, _ = _hovedstaden_proposals(release)
    response = _create(personas.client("kkr_hovedstaden"), release.release_id + 1, [_key(kept)])
    assert response.status_code == 400
    assert "Der er kommet en ny udgivelse" in response.content.decode()
    assert not Round.objects.filter(slug=SLUG).exists()


def test_a_bad_form_says_what_is_wrong_in_danish_and_saves_nothing(
    personas: Personas, release: releases.PublishedResults
) -> None:
    client = personas.client("kkr_hovedstaden")
    today = timezone.localdate()
    version = current_version()
    assert version is not None
    response = client.post(
        "/status/ny/",
        {
            "title_da": "Opfølgning 2015",
            "slug": "Ikke et id!",
            "year": "2015",
            "opens_on": today.isoformat(),
            "closes_on": (today - dt.timedelta(days=1)).isoformat(),
            "catalogue": str(version.pk),
            "udgivelse": str(release.release_id),
        },
    )
    assert response.status_code == 400
    text = _text(response.content.decode())
    assert "Runden skal lukke samme dag eller efter, den åbner." in text
    assert "Id:" in text
    assert not Round.objects.exists()


def test_a_sundhedsraad_secretariat_sees_the_proposals_of_its_own_municipalities_only(
    personas: Personas, release: releases.PublishedResults
) -> None:
    """A secretariat scoped to a sundhedsråd (issue 14) gets the proposals of exactly its
    municipalities; KKR Hovedstaden's page shows proposals of others too."""
    catalogue = ctx.catalogue_state()[0]
    assert catalogue is not None
    every = {_key(p): p.kommunekode for p in proposals(release, catalogue, release.years[-1])}
    own = scopes.members(AMAGER_VESTEGNEN)

    def shown(persona: str) -> set[str]:
        html = personas.client(persona).get("/status/ny/").content.decode()
        return set(re.findall(r'id="behold-([0-9]+-[a-z0-9_]+)"', html))

    mine = shown("sr_amager_vestegnen")
    assert mine == {k for k, kode in every.items() if kode in own}
    assert mine, "the synthetic release flags none of the sundhedsråd's municipalities"
    assert shown("kkr_hovedstaden") - mine  # KKR Hovedstaden's other municipalities
