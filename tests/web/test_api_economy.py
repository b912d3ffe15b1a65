"""The economy API: the figures of the page Økonomi (the seeds' sentence, every number equal to
the one function the page reads) and a round's money aggregates (equal to the page's XLSX, a
municipality's amount absent for those who may not see it), bad parameters in Danish."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from test_survey_money_pages import SECRET, answered  # noqa: F401  (the fixture)
from web_personas import EVERYONE, HOVEDSTADEN, Personas

from naersund.economy.synth import generate_economy
from naersund.economy.tables import row_values
from naersund.web.economy import services
from naersund.web.economy.reader import economy_figures
from naersund.web.survey.models import Round

SENTENCE_2014 = (
    "Kommunerne budgetterer i 2014 med et løft på 311 mio. kr. på sundhedsområdet, "
    "svarende til en vækst på 4,1 pct. (ekskl. KMF)."
)
ALBERTSLUND_READERS = {"admin", "kkr_hovedstaden", "albertslund", "sr_amager_vestegnen"}


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return generate_economy(tmp_path_factory.mktemp("oekonomi-api"))


@pytest.fixture
def imported(db: None, demo_files: dict[str, Path]) -> None:
    for table, path in demo_files.items():
        services.import_accounts(path.read_bytes(), path.name, table=table, synthetic=True)


def _json(client: Any, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.content[:300]
    return response.json()


def test_the_figures_are_the_page_s(personas: Personas, imported: None) -> None:
    client = personas.client("reader")
    body = _json(client, "/api/economy/?year=2014&level=land")
    assert body["synthetic"] is True and body["table"] == "BUDK32" and body["count"] == 1
    land = body["figures"][0]
    assert land["sentence"] == SENTENCE_2014
    assert land["provenance"].startswith("SYNTETISKE DATA. Kilde: Danmarks Statistik, BUDK32")
    page = client.get("/oekonomi/?aar=2014").content.decode()
    assert SENTENCE_2014 in page
    figures = economy_figures("budget")
    assert figures is not None
    for level, code in (("land", 0), ("kkr", HOVEDSTADEN), ("kommune", 165)):
        f = figures.figure(level, code, 2014)  # type: ignore[arg-type]
        assert f is not None
        api = _json(client, f"/api/economy/?year=2014&level={level}&code={code}")["figures"][0]
        for key in ("health", "growth", "growth_pct", "per_citizen", "per_citizen_65",
                    "kmf_per_citizen", "expected_lift", "lift_gap"):  # fmt: skip
            assert api[key] == pytest.approx(getattr(f, key)), (level, key)
        # the page's row (mio. kr.) is the same figure
        values = row_values(f)
        assert values[1] == pytest.approx(api["health"] / 1000)
        assert values[4] == pytest.approx(api["per_citizen"])
    every = _json(client, "/api/economy/?kind=regnskab")
    assert every["count"] == len(figures.years) * (98 + 5 + 1)


def test_bad_parameters_are_refused_in_danish(personas: Personas, imported: None) -> None:
    client = personas.client("reader")
    for query, field, message in (
        ("kind=prognose", "kind", "Brug budget eller regnskab."),
        ("level=amt", "level", "Brug kommune, kkr eller land."),
    ):
        body = _json(client, f"/api/economy/?{query}", 400)
        assert body["fejl"] == "Forespørgslen kunne ikke bruges; se fejl_pr_felt."
        assert body["fejl_pr_felt"] == {field: message}
    assert list(_json(client, "/api/economy/?year=tyve", 400)["fejl_pr_felt"]) == ["year"]
    assert personas.client("anonymous").get("/api/economy/").status_code == 401


def _sheet_rows(client: Any, rnd: Round) -> list[tuple[Any, ...]]:
    response = client.get(f"/status/{rnd.slug}/oekonomi.xlsx?kkr={HOVEDSTADEN}")
    wb = load_workbook(io.BytesIO(response.content))
    return list(wb["Kr. pr. indsats"].iter_rows(values_only=True))


def test_the_money_aggregates_are_the_page_s_and_follow_access(
    personas: Personas,
    answered: Round,  # noqa: F811
) -> None:
    for name in EVERYONE[1:]:
        client = personas.client(name)
        body = _json(client, f"/api/rounds/{answered.slug}/money/?area={HOVEDSTADEN}")
        assert body["area_name"] == "KKR Hovedstaden" and body["year"] == 2014
        rehab = next(t for t in body["themes"] if t["key"] == "rehabilitering")
        if name in ALBERTSLUND_READERS:
            assert rehab["kroner"] == SECRET and not rehab["hidden"], name
        else:
            assert rehab["kroner"] is None and rehab["hidden"], name
            assert str(SECRET) not in str(body), name
        rows = _sheet_rows(client, answered)
        header = next(i for i, r in enumerate(rows) if r and r[0] == "Indsats")
        sheet = {r[0]: r for r in rows[header + 1 :]}
        for i in body["initiatives"]:
            r = sheet[i["label_da"]]
            assert (r[2], r[4], r[5], r[6], r[7]) == (
                i["kroner"],
                i["with_amount"],
                i["ved_ikke"],
                i["not_answered"],
                i["asked"],
            ), name
    hjem = next(
        i
        for i in _json(personas.client("reader"), f"/api/rounds/{answered.slug}/money/")[
            "initiatives"
        ]
        if i["key"] == "hovedstaden_opfoelgende_hjemmebesoeg"
    )
    assert (hjem["kroner"], hjem["with_amount"], hjem["ved_ikke"]) == (600_000, 3, 1)
    assert (
        personas.client("anonymous").get(f"/api/rounds/{answered.slug}/money/").status_code == 401
    )
