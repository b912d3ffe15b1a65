"""Sammenlign kommuner with a published (synthetic) release: the user's own municipality is
highlighted in bars, funnel and map unless they choose otherwise, and the map says what it
draws (a KKR zoomed to, or the country with Bornholm in an inset)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from dashboard_data import results_for
from web_personas import HOVEDSTADEN, NORDJYLLAND, Personas

from naersund.analysis.profiles import members_of
from naersund.web.dashboard import releases
from naersund.web.dashboard.models import Release

pytestmark = pytest.mark.django_db
URL = "/indikatorer/sammenlign/?indikator=faerdigbehandlingsdage"


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


@pytest.fixture
def release(results_file: Path) -> Release:
    return releases.publish(results_file)


def _specs(html: str) -> dict[str, Any]:
    found = re.findall(
        r'<script type="application/json" id="spec-(\w+)">(.*?)</script>', html, re.S
    )
    return {key: json.loads(body.replace("<\\/", "</")) for key, body in found}


def test_the_editors_own_municipality_is_highlighted_everywhere(
    release: Release, personas: Personas
) -> None:
    # an indicator common enough that Albertslund's 2% synthetic value is not suppressed
    common = "/indikatorer/sammenlign/?indikator=akutte_korttidsindlaeggelser"
    specs = _specs(personas.client("albertslund").get(common).content.decode())
    bars = specs["bars"]["layer"][0]
    chosen = [r["name"] for r in specs["bars"]["data"]["values"] if r["valgt"]]
    assert chosen == ["Albertslund"]
    assert "Albertslund" in json.dumps(bars["encoding"]["y"]["axis"], ensure_ascii=False)
    label = specs["funnel"]["layer"][2]["data"]["values"]
    assert [r["name"] for r in label] == ["Albertslund"]
    feats = specs["map"]["data"]["values"]["features"]
    assert [f["properties"]["name"] for f in feats if f["properties"]["valgt"]] == ["Albertslund"]


def test_a_reader_has_no_own_municipality_and_an_editor_can_choose_none(
    release: Release, personas: Personas
) -> None:
    for who, query in (("reader", ""), ("albertslund", "&kommune=")):
        specs = _specs(personas.client(who).get(URL + query).content.decode())
        feats = specs["map"]["data"]["values"]["features"]
        assert not any(f["properties"]["valgt"] for f in feats), who


def test_the_map_says_what_it_draws(release: Release, personas: Personas) -> None:
    client = personas.client("reader")
    country = _specs(client.get(URL).content.decode())["map"]
    assert "alle 98 kommuner; Bornholm er flyttet op i rammen" in country["description"]
    kkr = _specs(client.get(f"{URL}&kkr={NORDJYLLAND}").content.decode())["map"]
    n = len(members_of(NORDJYLLAND))
    assert kkr["description"].startswith(f"Kort over de {n} kommuner i KKR Nordjylland:")
    assert len(kkr["data"]["values"]["features"]) == n and len(kkr["layer"]) == 1
    capital = _specs(client.get(f"{URL}&kkr={HOVEDSTADEN}").content.decode())["map"]
    n = len(members_of(HOVEDSTADEN))
    assert capital["description"].startswith(
        f"Kort over de {n} kommuner i KKR Hovedstaden; Bornholm er flyttet op i rammen"
    )
