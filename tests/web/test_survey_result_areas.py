"""A round's results at any level (issue 14): the area selector lists Denmark and the five KKR
for everyone, every partition level's areas for national administrators and a secretariat's
own area for it; the shares are counted among the chosen area's municipalities."""

from __future__ import annotations

import re

import pytest
from test_survey_results import rnd  # noqa: F401  (the fixture: Albertslund and Ballerup submitted)
from web_personas import AMAGER_VESTEGNEN, Personas

from naersund.refdata import scopes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rnd")]
URL = "/status/opfoelgning-test/resultater/"
KOBENHAVNS_OMEGN_NORD = 2714  # Ballerup's sundhedsråd
OESTDANMARK = 1086


def _options(html: str) -> dict[str, list[int]]:
    """optgroup label -> the codes of its options."""
    select = html.split('<select class="form-select" id="kkr" name="kkr">', 1)[1].split(
        "</select>", 1
    )[0]
    return {
        label: [int(c) for c in re.findall(r'<option value="(\d+)"', body)]
        for label, body in re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    }


def test_a_national_administrator_chooses_among_every_levels_areas(personas: Personas) -> None:
    client = personas.client("admin")
    groups = _options(client.get(URL).content.decode())
    assert sorted(groups["KKR"]) == [1081, 1082, 1083, 1084, 1085]
    assert sorted(groups["Sundhedsråd"]) == scopes.codes_of("sundhedsraad")
    assert OESTDANMARK in [c for label, codes in groups.items() if "2027" in label for c in codes]
    # the shares are counted among the chosen area's municipalities: Albertslund has
    # submitted in Amager og Vestegnen (Brøndby only a draft), Ballerup in Københavns Omegn Nord
    page = client.get(URL, {"kkr": AMAGER_VESTEGNEN}).content.decode()
    assert "Sundhedsråd Amager og Vestegnen: svar fra 1 af 9 kommuner." in page
    page = client.get(URL, {"kkr": KOBENHAVNS_OMEGN_NORD}).content.decode()
    assert "Sundhedsråd Københavns Omegn Nord: svar fra 1 af 9 kommuner." in page
    page = client.get(URL, {"kkr": OESTDANMARK}).content.decode()
    assert "Region Østdanmark: svar fra 2 af 46 kommuner." in page
    csv = client.get("/status/opfoelgning-test/resultater.csv", {"kkr": AMAGER_VESTEGNEN})
    assert csv.status_code == 200
    assert "sundhedsrad-amager-og-vestegnen" in csv["Content-Disposition"]


def test_a_sundhedsraad_secretariat_chooses_its_own_area_only(personas: Personas) -> None:
    client = personas.client("sr_amager_vestegnen")
    groups = _options(client.get(URL).content.decode())
    assert groups["Sundhedsråd"] == [AMAGER_VESTEGNEN]
    page = client.get(URL, {"kkr": AMAGER_VESTEGNEN}).content.decode()
    assert "Sundhedsråd Amager og Vestegnen: svar fra 1 af 9 kommuner." in page
    other = client.get(URL, {"kkr": KOBENHAVNS_OMEGN_NORD})
    assert other.status_code == 404
    assert "Københavns Omegn Nord" not in other.content.decode()


@pytest.mark.parametrize("who", ["reader", "albertslund", "kkr_hovedstaden"])
def test_others_choose_denmark_and_the_five_kkr(personas: Personas, who: str) -> None:
    client = personas.client(who)
    groups = _options(client.get(URL).content.decode())
    assert set(groups) == {"Hele landet", "KKR"}
    for code in (AMAGER_VESTEGNEN, OESTDANMARK):
        response = client.get(URL, {"kkr": code})
        assert response.status_code == 404
        assert "svar fra" not in response.content.decode()
    assert "KKR Hovedstaden: svar fra 2 af 29 kommuner." in (
        client.get(URL, {"kkr": 1084}).content.decode()
    )
