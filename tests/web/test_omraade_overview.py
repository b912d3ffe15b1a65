"""The Områdeoverblik as the one overview page of any level (issue 14): what the KKR-overblik
showed (goals, central indicators, skal-status, follow-up answers) wherever the area has it,
a plain sentence where it has not, and a municipality's answers only for those who may read
them (``access.can_view_answers``)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from test_area_scopes import sr_round  # noqa: F401  (the fixture: a sundhedsråd's round)
from web_personas import ALBERTSLUND, AMAGER_VESTEGNEN, GENTOFTE, NORDJYLLAND, Personas

from naersund.refdata import scopes
from naersund.web.accounts.management.commands.create_demo_users import (
    DEMO_PASSWORD,
    DEMO_USERS,
)
from naersund.web.dashboard import releases

pytestmark = pytest.mark.django_db
GOAL = "Færre genindlæggelser af ældre"  # the sundhedsråd's goal (test_area_scopes)
SKAL_HEADING = "Skal-indsatser implementeret"
NO_GOALS = "har ingen mål, indsatser eller centrale indikatorer i målkataloget"
# Albertslund's skal-initiatives: KKR Hovedstaden's 13 and the sundhedsråd's one; it has
# implemented the sundhedsråd's (test_area_scopes.sr_round)
DONE = "1 af 14"
N_SKAL_HOVEDSTADEN = 13  # KKR Hovedstaden's skal-initiatives in the shipped catalogue
KOBENHAVNS_OMEGN_NORD = 2714  # Gentofte's sundhedsråd


def _row(html: str, code: int) -> str:
    found = re.search(rf'<tr[^>]*data-level="kommune" data-area="{code}">(.*?)</tr>', html, re.S)
    assert found is not None, f"no row for {code}"
    return found.group(1)


def _page(personas: Personas, who: str, level: str, code: int, **q: str) -> str:
    response = personas.client(who).get(reverse("dashboard:omraade", args=[level, code]), q)
    assert response.status_code == 200, who
    return response.content.decode()


@pytest.mark.usefixtures("sr_round")
def test_a_sundhedsraad_shows_its_goals_and_its_skal_status_to_its_secretariat(
    levels_file: Path, personas: Personas
) -> None:
    releases.publish(levels_file)
    html = _page(
        personas, "sr_amager_vestegnen", "sundhedsraad", AMAGER_VESTEGNEN, runde="sr-runde"
    )
    assert GOAL in html and NO_GOALS not in html
    assert SKAL_HEADING in html
    assert DONE in _row(html, ALBERTSLUND)
    assert "ikke besvaret" in _row(html, 183)  # Ishøj, a member that has not answered
    assert 'data-area="157"' not in html  # Gentofte belongs to another sundhedsråd
    # no central indicators chosen: said plainly
    assert "har ikke valgt centrale indikatorer" in html


@pytest.mark.usefixtures("sr_round")
@pytest.mark.parametrize("who", ["reader", "aalborg", "kkr_nordjylland", "anonymous"])
def test_others_see_the_goals_but_no_municipalitys_answers(
    levels_file: Path, personas: Personas, who: str
) -> None:
    releases.publish(levels_file)
    url = reverse("dashboard:omraade", args=["sundhedsraad", AMAGER_VESTEGNEN])
    response = personas.client(who).get(url, {"runde": "sr-runde"})
    if who == "anonymous":
        assert response.status_code == 302
        assert GOAL not in response.content.decode()
        return
    html = response.content.decode()
    assert GOAL in html
    assert SKAL_HEADING not in html and DONE not in html
    assert "Hver kommunes status for indsatserne vises kun for kommunen selv" in html


@pytest.mark.usefixtures("sr_round")
def test_a_kkr_secretariat_reads_its_own_municipality_in_a_sundhedsraad(
    levels_file: Path, personas: Personas
) -> None:
    """KKR Hovedstaden's secretariat reads Albertslund's answers (its KKR's municipality), on
    the sundhedsråd's page too, and not as a reader would."""
    releases.publish(levels_file)
    html = _page(personas, "kkr_hovedstaden", "sundhedsraad", AMAGER_VESTEGNEN, runde="sr-runde")
    assert DONE in _row(html, ALBERTSLUND)


def test_an_area_without_goals_says_so(levels_file: Path, personas: Personas) -> None:
    releases.publish(levels_file)
    other = 2711  # a sundhedsråd the catalogue has no section for
    html = _page(personas, "reader", "sundhedsraad", other)
    assert NO_GOALS in html
    assert "<h2>Mål</h2>" not in html and "Centrale indikatorer" not in html
    assert "Der er ingen lukket statusrunde endnu" in html


def test_a_2027_region_with_a_kkrs_municipalities_shows_that_kkrs_goals(
    levels_file: Path, personas: Personas
) -> None:
    releases.publish(levels_file)
    kkr = _page(personas, "reader", "kkr", NORDJYLLAND)
    region = _page(personas, "reader", "region2027", NORDJYLLAND)
    goals = re.findall(r'<h3 id="goal-([\w-]+)">', kkr)
    assert goals and re.findall(r'<h3 id="goal-([\w-]+)">', region) == goals
    assert '<a href="/katalog/kkr/1081/">KKR Nordjylland</a>' in region
    # Region Østdanmark is no catalogue section's area
    assert NO_GOALS in _page(personas, "reader", "region2027", 1086)


def _submitted_round(admin: User) -> str:
    """An open round in which Albertslund (Amager og Vestegnen) and Gentofte (Københavns Omegn
    Nord) have each implemented every skal-initiative of KKR Hovedstaden; its slug."""
    from naersund.web.survey.models import QuestionKind
    from naersund.web.survey.services import create_round, questions_for, save_answers, submit

    today = dt.date.today()
    rnd = create_round(
        slug="demo-runde", title_da="Statusrunde (demo)", year=today.year,
        opens_on=today - dt.timedelta(days=1), closes_on=today + dt.timedelta(days=1),
    )  # fmt: skip
    for code in (ALBERTSLUND, GENTOFTE):
        values = {
            q.qid: "implementeret"
            for q in questions_for(rnd, code)
            if q.kind == QuestionKind.STATUS
        }
        save_answers(rnd, code, admin, values)
        submit(rnd, code, admin)
    return rnd.slug


@override_settings(DEMO=True)
@pytest.mark.usefixtures("personas")
def test_the_demo_sundhedsraad_secretariat_reads_its_own_sundhedsraad_only(
    levels_file: Path,
) -> None:
    """``naersund demo``'s ``sundhedsraad`` user logs in with the demo password and reads its
    sundhedsråd's municipalities and their answers, and not another sundhedsråd's answers."""
    User.objects.filter(username__in=DEMO_USERS).delete()
    call_command("create_demo_users", stdout=io.StringIO())
    releases.publish(levels_file)
    slug = _submitted_round(User.objects.get(username="admin"))  # the demo's admin
    client = Client()
    client.post("/log-ind/", {"username": "sundhedsraad", "password": DEMO_PASSWORD})
    assert client.session["_auth_user_id"] == str(User.objects.get(username="sundhedsraad").pk)
    front = client.get("/").content.decode()
    own_url = reverse("dashboard:omraade", args=["sundhedsraad", AMAGER_VESTEGNEN])
    assert f'href="{own_url}"' in front
    own = client.get(own_url, {"runde": slug}).content.decode()
    assert "<h1>Områdeoverblik: Sundhedsråd Amager og Vestegnen</h1>" in own
    listed = {int(k) for k in re.findall(r'data-level="kommune" data-area="(\d+)"', own)}
    assert listed == set(scopes.members(AMAGER_VESTEGNEN))
    assert f"{N_SKAL_HOVEDSTADEN} af {N_SKAL_HOVEDSTADEN}" in _row(own, ALBERTSLUND)
    other_url = reverse("dashboard:omraade", args=["sundhedsraad", KOBENHAVNS_OMEGN_NORD])
    other = client.get(other_url, {"runde": slug}).content.decode()
    assert "<h1>Områdeoverblik: Sundhedsråd Københavns Omegn Nord</h1>" in other
    assert 'data-area="157"' in other  # Gentofte's figures are public results ...
    assert f"{N_SKAL_HOVEDSTADEN} af {N_SKAL_HOVEDSTADEN}" not in other  # ... its answers not
    assert SKAL_HEADING not in other
