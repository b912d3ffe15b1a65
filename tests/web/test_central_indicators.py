"""A KKR's central indicators: its secretariat (or an administrator) chooses 3-6 in the
catalogue, as a new catalogue version; the political pack then leads with them in that order."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from dashboard_data import results_for
from web_personas import ALBERTSLUND, HOVEDSTADEN, Personas

from naersund.web.catalogue import models as db
from naersund.web.catalogue.store import catalogue_from_db, current_version
from naersund.web.dashboard import releases

pytestmark = pytest.mark.django_db

URL = f"/katalog/kkr/{HOVEDSTADEN}/centrale-indikatorer/"
CHOICE = ["genindlaeggelser_30d_65", "faerdigbehandlingsdage", "forebyggelige_indlaeggelser_65"]


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


def _choose(personas: Personas, persona: str, ids: list[str]) -> object:
    form = {f"plads{i + 1}": v for i, v in enumerate(ids)}
    return personas.client(persona).post(URL, form)


def test_the_secretariat_chooses_them_as_a_new_catalogue_version(personas: Personas) -> None:
    before = current_version()
    assert before is not None
    response = _choose(personas, "kkr_hovedstaden", CHOICE)
    assert response.status_code == 302
    after = current_version()
    assert after is not None and after.version != before.version
    assert db.CatalogueVersion.objects.filter(pk=before.pk).exists()  # the old one stays
    assert "valgt af kkr_hovedstaden" in after.source
    catalogue = catalogue_from_db(after)
    assert catalogue.kkr_by_code(HOVEDSTADEN).central_indicators == CHOICE
    assert catalogue.kkr_by_code(1081).central_indicators == []
    page = personas.client("reader").get(f"/katalog/kkr/{HOVEDSTADEN}/").content.decode()
    first = page.index("Akutte genindlæggelser inden for 30 dage blandt ældre (65+) (gældende)")
    assert first < page.index("Færdigbehandlingsdage (gældende)")
    assert "Vælg de centrale indikatorer" not in page  # a reader cannot choose


def test_others_may_not_choose(personas: Personas) -> None:
    for persona in ("reader", "albertslund", "kkr_nordjylland"):
        response = _choose(personas, persona, CHOICE)
        assert response.status_code == 403
        assert "Gem de centrale indikatorer" not in response.content.decode()
    version = current_version()
    assert version is not None
    assert catalogue_from_db(version).kkr_by_code(HOVEDSTADEN).central_indicators == []
    assert _choose(personas, "admin", CHOICE).status_code == 302


def test_a_bad_choice_is_refused_in_danish(personas: Personas) -> None:
    response = _choose(personas, "kkr_hovedstaden", CHOICE[:2])
    assert response.status_code == 400
    assert "Vælg mellem 3 og 6 centrale indikatorer (valgt: 2)." in response.content.decode()
    response = _choose(personas, "kkr_hovedstaden", [CHOICE[0], CHOICE[0], "x"])
    page = response.content.decode()
    assert "Plads 2: indikatoren er allerede valgt på en tidligere plads." in page
    assert "Plads 3: ukendt indikator." in page


def test_the_political_pack_leads_with_them_in_the_chosen_order(
    personas: Personas, results_file: Path
) -> None:
    releases.publish(results_file)
    _choose(personas, "kkr_hovedstaden", CHOICE)
    url = f"/rapporter/?hent=1&omraade=kommune-{ALBERTSLUND}&niveau=politisk&aar=2014&format="
    book = openpyxl.load_workbook(io.BytesIO(personas.client("reader").get(url + "xlsx").content))
    rows = [r[0] for r in book["Nøgletal"].iter_rows(values_only=True) if r[0]]
    names = rows[rows.index("Indikator") + 1 :]
    assert names[:3] == [
        "Akutte genindlæggelser inden for 30 dage blandt ældre (65+) (gældende)",
        "Færdigbehandlingsdage (gældende)",
        "Forebyggelige indlæggelser blandt ældre (65+) (gældende)",
    ]
    html = personas.client("reader").get(url + "html").content.decode()
    assert "KKR Hovedstadens 3 centrale indikatorer står først" in html
    # another KKR's municipality keeps the usual order
    other = personas.client("reader").get(url.replace(str(ALBERTSLUND), "851") + "xlsx")
    rows = [
        r[0]
        for r in openpyxl.load_workbook(io.BytesIO(other.content))["Nøgletal"].iter_rows(
            values_only=True
        )
        if r[0]
    ]
    assert rows[rows.index("Indikator") + 1].startswith("Akutte medicinske korttidsindlæggelser")


def _pack_ids(content: bytes) -> list[str]:
    """The indicator ids of the political pack's key table, in its order."""
    from naersund.indicators import load_definitions

    by_name = {f"{d.name_da} ({d.status})": d.id for d in load_definitions()}
    book = openpyxl.load_workbook(io.BytesIO(content))
    rows = [r[0] for r in book["Nøgletal"].iter_rows(values_only=True) if r[0]]
    return [by_name[n] for n in rows[rows.index("Indikator") + 1 :] if n in by_name]


def _front_ids(html: str) -> list[str]:
    return re.findall(r'<li class="figure-card" data-indicator="([^"]+)"', html)


def _kkr_columns(html: str) -> list[str]:
    return re.findall(r'<th scope="col" class="num" data-indicator="([^"]+)"', html)


def test_the_front_page_the_omraadeoverblik_and_the_political_pack_share_one_order(
    personas: Personas, results_file: Path
) -> None:
    releases.publish(results_file)
    _choose(personas, "kkr_hovedstaden", CHOICE)
    pack = _pack_ids(
        personas.client("kkr_hovedstaden")
        .get(f"/rapporter/?hent=1&omraade=kkr-{HOVEDSTADEN}&niveau=politisk&aar=2014&format=xlsx")
        .content
    )
    kkr_front = personas.client("kkr_hovedstaden").get("/").content.decode()
    editor_front = personas.client("albertslund").get("/").content.decode()
    overblik = (
        personas.client("reader").get(f"/indikatorer/omraade/kkr/{HOVEDSTADEN}/").content.decode()
    )
    orders = {
        "pack": pack,
        "front (KKR)": _front_ids(kkr_front),
        "front (Albertslund)": _front_ids(editor_front),
        "Områdeoverblik": _kkr_columns(overblik),
    }
    common = set.intersection(*(set(o) for o in orders.values()))
    assert len(common) > len(CHOICE)  # the others follow, and there are some
    for where, order in orders.items():
        assert order[:3] == CHOICE, where
        assert [i for i in order if i in common] == [i for i in pack if i in common], where
    # marked, with the framework paper's sentence, on both pages
    for html in (kkr_front, editor_front, overblik):
        assert "Centrale indikatorer" in html
        assert "Der udvælges 3-6 centrale indikatorer til opfølgning" in html
    assert overblik.count('class="badge badge-info central-tag"') == len(CHOICE)
    # a KKR that has chosen none (Nordjylland), and Denmark, keep the definitions' order
    aalborg = _front_ids(personas.client("aalborg").get("/").content.decode())
    reader = _front_ids(personas.client("reader").get("/").content.decode())
    assert aalborg == [i for i in reader if i in aalborg]
    assert aalborg[:3] != CHOICE
    assert "Centrale indikatorer" not in personas.client("reader").get("/").content.decode()
