"""The page "Virker indsatserne?": every initiative x linked indicator from the one effects
table, its CSV identical to the command line's, a page per estimate with the event-study chart,
and nothing for a visitor who is not logged in."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from dashboard_data import results_for
from web_personas import Personas

from naersund.analysis.initiative_effects import effects_table, linked_pairs
from naersund.catalogue import Initiative, load_catalogue
from naersund.refdata import municipalities
from naersund.web.dashboard import releases

pytestmark = pytest.mark.django_db


def _hovedstaden_initiative() -> Initiative:
    """The first initiative of KKR Hovedstaden that the catalogue links to an indicator (a
    municipality is asked its own KKR's initiatives only)."""
    return next(i for i, _ in linked_pairs(load_catalogue()) if i.id.startswith("hovedstaden_"))


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


@pytest.fixture
def answered(personas: Personas, results_file: Path) -> str:
    """The release (2013-2014) and a closed round in which two thirds of Hovedstaden's
    municipalities started the first initiative in 2014."""
    from naersund.web.survey.models import QuestionKind, Round
    from naersund.web.survey.services import create_round, questions_for, save_answers, submit

    releases.publish(results_file)
    today = dt.date.today()
    rnd = create_round(
        slug="effekt", title_da="Effektrunden", year=2014,
        opens_on=today - dt.timedelta(days=30), closes_on=today + dt.timedelta(days=5),
    )  # fmt: skip
    initiative = _hovedstaden_initiative().id
    m = municipalities()
    for i, k in enumerate(int(k) for k in m.loc[m["region_code"] == 1084, "kommunekode"]):
        values: dict[str, object] = {
            q.qid: "planlagt" for q in questions_for(rnd, k) if q.kind == QuestionKind.STATUS
        }
        if i % 3:
            values[f"status.{initiative}"] = "implementeret"
            values[f"startaar.{initiative}"] = 2014
        save_answers(rnd, k, personas.admin, values)
        submit(rnd, k, personas.admin)
    Round.objects.filter(pk=rnd.pk).update(closes_on=today - dt.timedelta(days=1))
    return initiative


def test_the_list_shows_every_pair_and_its_csv_is_the_commands_table(
    personas: Personas, answered: str
) -> None:
    from naersund.web.effectsdata import effects_for

    client = personas.client("albertslund")
    page = client.get("/indikatorer/effekter/").content.decode()
    made = effects_for()
    assert "Startår fra statusrunden: Effektrunden" in page
    assert f"({len(linked_pairs(load_catalogue()))} kombinationer)" in page
    for est in made.estimated[:5]:
        assert f"/indikatorer/effekter/{est.initiative.id}/{est.indicator}/" in page
    csv = client.get("/indikatorer/effekter/?format=csv").content.decode()
    pd.testing.assert_frame_equal(
        pd.read_csv(io.StringIO(csv)).fillna({"note": ""}),
        pd.read_csv(io.StringIO(effects_table(made.estimated).to_csv(index=False))).fillna(
            {"note": ""}
        ),
    )


def test_a_pair_shows_its_sentence_and_chart_or_why_there_is_none(
    personas: Personas, answered: str
) -> None:
    from naersund.web.effectsdata import effects_for

    client = personas.client("aalborg")
    made = effects_for()
    seen: set[bool] = set()
    for est in made.estimated:  # the answered initiative's pairs have estimates, others notes
        page = client.get(f"/indikatorer/effekter/{est.initiative.id}/{est.indicator}/")
        text = page.content.decode()
        assert est.sentence.replace("'", "&#x27;") in text
        assert ('data-chart="forloeb"' in text) == est.effect.has_estimate
        assert f"<dd>{est.effect.n_started}</dd>" in text
        seen.add(est.effect.has_estimate)
    assert seen == {True, False}
    assert any(e.effect.has_estimate for e in made.estimated if e.initiative.id == answered)


def test_an_anonymous_visitor_gets_no_estimates(personas: Personas, answered: str) -> None:
    client = personas.client("anonymous")
    for url in ["/indikatorer/effekter/", "/indikatorer/effekter/?format=csv"]:
        response = client.get(url)
        assert response.status_code == 302 and "/log-ind/" in response["Location"]
        assert (
            b"Kommuner, der indf" not in response.content and b"initiative" not in response.content
        )


def test_the_api_answers_the_same_numbers(personas: Personas, answered: str) -> None:
    from naersund.web.effectsdata import effects_for

    client = personas.client("aalborg")
    body = client.get("/api/effects/").json()
    made = effects_for()
    table = effects_table(made.estimated)
    assert body["round"] == "Effektrunden" and body["count"] == len(table)
    for got, want, est in zip(
        body["effects"], table.to_dict("records"), made.estimated, strict=True
    ):
        assert (got["initiative"], got["indicator"]) == (want["initiative"], want["indicator"])
        assert got["sentence"] == want["sentence"] and got["note"] == want["note"]
        if est.effect.has_estimate:
            assert got["estimate"] == pytest.approx(want["estimate"], rel=1e-12)
            assert len(got["event_study"]) == len(est.effect.event_study)
        else:
            assert got["estimate"] is None
    assert personas.client("anonymous").get("/api/effects/").status_code == 401
