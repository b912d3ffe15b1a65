""" "Andre kommuner gør sådan" on the Kommuneprofil (issue 13): other municipalities' published
entries for the initiatives the municipality has not implemented by its latest closed round,
with links; only for users who may see that municipality's answers (the entries' titles
absent for everyone else); a newly published entry shows at once (the cached page's key)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dashboard_data import results_for
from web_personas import AALBORG, ALBERTSLUND, Personas

from naersund.web.dashboard import releases
from naersund.web.practice import services
from naersund.web.practice.models import Entry
from naersund.web.survey.models import QuestionKind, Round
from naersund.web.survey.services import create_round, questions_for, save_answers, submit

pytestmark = pytest.mark.django_db
PROFILE = f"/indikatorer/kommune/{ALBERTSLUND}/"


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


def _entry(title: str, kommune: int, initiative: str, publish: bool = True) -> Entry:
    entry = Entry(
        title=title, kommunekode=kommune, target_group="akut", what="Tekst",
        initiatives=[initiative],
    )  # fmt: skip
    services.save_draft(entry, None)
    return services.publish(services.submit(entry, None), None) if publish else entry


def _closed_round(personas: Personas) -> tuple[str, str]:
    """A closed round of 2014 in which Albertslund planned its first initiative and
    implemented every other one."""
    today = dt.date.today()
    rnd = create_round(
        slug="status-2014", title_da="Status 2014", year=2014,
        opens_on=today - dt.timedelta(days=30), closes_on=today + dt.timedelta(days=5),
    )  # fmt: skip
    status = [q for q in questions_for(rnd, ALBERTSLUND) if q.kind == QuestionKind.STATUS]
    planned, implemented = status[0].initiative_slug, status[1].initiative_slug
    values: dict[str, object] = {q.qid: "implementeret" for q in status}
    values[f"status.{planned}"] = "planlagt"
    save_answers(rnd, ALBERTSLUND, personas.admin, values)
    submit(rnd, ALBERTSLUND, personas.admin)
    Round.objects.filter(pk=rnd.pk).update(closes_on=today - dt.timedelta(days=1))
    return planned, implemented


def test_the_profile_shows_other_municipalities_entries_for_what_it_has_not_implemented(
    personas: Personas, results_file: Path
) -> None:
    releases.publish(results_file)
    planned, implemented = _closed_round(personas)
    shown = _entry("Aalborgs akutteam", AALBORG, planned)
    _entry("Aalborg har det implementerede", AALBORG, implemented)
    _entry("Albertslunds egen praksis", ALBERTSLUND, planned)
    _entry("Aalborgs kladde", AALBORG, planned, publish=False)

    for who in ("albertslund", "kkr_hovedstaden", "admin", "sr_amager_vestegnen"):
        page = personas.client(who).get(PROFILE).content.decode()
        assert "Andre kommuner gør sådan" in page, who
        assert f'href="/god-praksis/{shown.pk}/"' in page and "Aalborgs akutteam" in page
        assert "(Albertslund: planlagt)" in page
        assert f"?indsats={planned}" in page
        for absent in ("Aalborg har det implementerede", "Albertslunds egen", "Aalborgs kladde"):
            assert absent not in page, (who, absent)

    # the round is not published: its answers, and so the block, are not for the others
    for who in ("aalborg", "reader", "kkr_nordjylland"):
        page = personas.client(who).get(PROFILE).content.decode()
        assert "Kommuneprofil" in page
        assert "Andre kommuner gør sådan" not in page and "Aalborgs akutteam" not in page

    # a newly published entry is on the (cached) page at once
    later = _entry("Aalborgs nye indslag", AALBORG, planned)
    page = personas.client("albertslund").get(PROFILE).content.decode()
    assert f'href="/god-praksis/{later.pk}/"' in page


def test_without_entries_the_block_says_so_and_links_the_catalogue(
    personas: Personas, results_file: Path
) -> None:
    releases.publish(results_file)
    _closed_round(personas)
    page = personas.client("albertslund").get(PROFILE).content.decode()
    assert "Der er ingen offentliggjorte indslag fra andre kommuner" in page
    assert 'href="/god-praksis/"' in page
