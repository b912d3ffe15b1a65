"""The front page ``/``: an overview for the logged-in user (their municipality, KKR or
Denmark; the latest figures; the open round and what is missing; the latest release), and a
redirect to the login page for an anonymous visitor.

The figures are checked against the published rows directly (the standardised value where
the indicator is standardised), and against the Kommuneprofil, which shows the same figure
through the same owner (``PublishedResults.figure``)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from dashboard_data import results_for
from django.test import Client
from django.utils import timezone
from web_personas import AALBORG, ALBERTSLUND, HOVEDSTADEN, Personas

from naersund.analysis.profiles import members_of, municipality_names
from naersund.survey.questions import STATUS_LABELS
from naersund.web.dashboard import releases
from naersund.web.dashboard.front import area_of, front_page
from naersund.web.dashboard.present import cell
from naersund.web.survey import services
from naersund.web.survey.models import Round


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


@pytest.fixture
def release(results_file: Path) -> releases.PublishedResults:
    releases.publish(results_file)
    return releases.load_release()


@pytest.fixture
def open_round(db: None) -> Round:
    today = timezone.localdate()
    return services.create_round(
        slug="forside",
        title_da="Opfølgning (forsidetest)",
        year=today.year,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=20),
    )


def _text(client: Client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _cards(html: str) -> dict[str, str]:
    """indicator id -> the text of its card."""
    out = {}
    for m in re.finditer(r'data-indicator="([^"]+)">(.*?)</li>', html, re.S):
        out[m.group(1)] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(2)))
    return out


def _expected(pub: releases.PublishedResults, level: str, code: int, ind: str) -> pd.Series:
    r = pub.results
    rows = r[(r["indicator"] == ind) & (r["level"] == level) & (r["area_code"] == code)]
    return rows.sort_values("year").iloc[-1]


def test_an_anonymous_visitor_is_sent_to_the_login_page(db: None) -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/?next=/")


def test_it_shows_a_municipal_editor_their_municipality(
    personas: Personas, release: releases.PublishedResults, open_round: Round
) -> None:
    client = personas.client("albertslund")
    html = client.get("/").content.decode()
    text = _text(client)
    assert "Overblik for Albertslund" in text
    cards = _cards(html)
    assert cards, "no figures on the front page"
    standardised = 0
    for ind, card in cards.items():
        row = _expected(release, "kommune", ALBERTSLUND, ind)
        has_std = release.results.loc[release.results["indicator"] == ind, "std_value"].notna()
        column = "std_value" if has_std.any() else "value"
        standardised += column == "std_value"
        if row["suppressed"]:
            assert "Skjult" in card
        elif pd.notna(row[column]):
            assert cell(float(row[column])) in card, ind
        assert f"Udgivelse {release.release_id}" in card
        assert f"definition {ind} v{release.definitions[ind]}" in card
        assert str(int(row["year"])) in card
    assert standardised > 0
    # the round: nothing answered yet, every status question it is asked is missing
    status = [q for q in services.questions_for(open_round, ALBERTSLUND) if q.kind == "status"]
    asked = len(services.questions_for(open_round, ALBERTSLUND))
    assert "Ikke påbegyndt" in text
    assert f"0 af {asked} spørgsmål besvaret" in text
    assert f"mangler svar på {len(status)} statusspørgsmål" in text
    assert f"/status/{open_round.slug}/kommune/{ALBERTSLUND}/" in html
    assert "Aalborg" not in text


def test_what_is_missing_shrinks_as_the_municipality_answers(
    personas: Personas, release: releases.PublishedResults, open_round: Round
) -> None:
    status = [q for q in services.questions_for(open_round, ALBERTSLUND) if q.kind == "status"]
    value = next(iter(STATUS_LABELS))
    services.save_answers(
        open_round, ALBERTSLUND, personas.albertslund, {q.qid: value for q in status[:3]}
    )
    text = _text(personas.client("albertslund"))
    assert "Kladde" in text
    assert f"mangler svar på {len(status) - 3} statusspørgsmål" in text
    assert status[0].text_da not in text  # answered: no longer listed as missing
    assert status[3].text_da in text


def test_the_front_page_and_the_kommuneprofil_show_the_same_figure(
    personas: Personas, release: releases.PublishedResults
) -> None:
    client = personas.client("albertslund")
    cards = _cards(client.get("/").content.decode())
    year = max(release.years)
    profile = client.get(f"/indikatorer/kommune/{ALBERTSLUND}/?aar={year}").content.decode()
    compared = 0
    for ind, card in cards.items():
        f = release.figure(ind, "kommune", ALBERTSLUND, year)
        if f.value is None or f.year != year:
            continue
        value = cell(f.value)
        assert value in card
        assert re.search(rf'{re.escape(ind)}/".*?{re.escape(value)}', profile, re.S), ind
        compared += 1
    assert compared > 0


def test_it_shows_a_kkr_secretariat_their_kkr_and_who_has_not_submitted(
    personas: Personas, release: releases.PublishedResults, open_round: Round
) -> None:
    client = personas.client("kkr_hovedstaden")
    html = client.get("/").content.decode()
    text = _text(client)
    assert "Overblik for KKR Hovedstaden" in text
    members = members_of(HOVEDSTADEN)
    assert f"0 af {len(members)} kommuner i KKR Hovedstaden" in text
    assert "Albertslund" in text  # not submitted, listed
    assert municipality_names()[AALBORG] not in text  # another KKR's municipality
    cards = _cards(html)
    for ind, card in cards.items():
        row = _expected(release, "region", HOVEDSTADEN, ind)
        has_std = release.results.loc[release.results["indicator"] == ind, "std_value"].notna()
        value = row["std_value"] if has_std.any() else row["value"]
        if not row["suppressed"] and pd.notna(value):
            assert cell(float(value)) in card, ind
    assert cards


def test_it_shows_an_administrator_denmark_and_every_municipality(
    personas: Personas, release: releases.PublishedResults, open_round: Round
) -> None:
    text = _text(personas.client("admin"))
    assert "Overblik for Danmark" in text
    assert f"har 0 af {len(municipality_names())} kommuner indsendt" in text
    assert "Aalborg" in text and "Albertslund" in text
    assert f"Udgivelse {release.release_id}" in text


def test_a_reader_sees_denmark_and_no_municipalitys_answers(
    personas: Personas, release: releases.PublishedResults, open_round: Round
) -> None:
    text = _text(personas.client("reader"))
    assert "Overblik for Danmark" in text
    assert "Du besvarer ikke statusrunder" in text
    assert "Ikke indsendt" not in text
    assert "Albertslund" not in text and "spørgsmål besvaret" not in text


def test_an_editor_of_another_municipality_does_not_see_albertslunds_round(
    personas: Personas, release: releases.PublishedResults, open_round: Round
) -> None:
    page = front_page(personas.aalborg)
    assert page.area is not None and page.area.code == AALBORG
    assert page.round_status is not None and page.round_status.own
    assert f"/kommune/{AALBORG}/" in page.round_status.answer_url
    text = _text(personas.client("aalborg"))
    assert "Albertslund" not in text


def test_without_a_release_or_a_round_it_says_so(personas: Personas, db: None) -> None:
    text = _text(personas.client("albertslund"))
    assert "Der er ikke offentliggjort nogen resultater endnu" in text
    assert "Ingen statusrunde er åben lige nu" in text


def test_the_area_follows_the_role(personas: Personas) -> None:
    got = {
        name: (a.level, a.code) if (a := area_of(getattr(personas, name))) else None
        for name in ("admin", "kkr_hovedstaden", "albertslund", "reader")
    }
    assert got == {
        "admin": ("land", 0),
        "kkr_hovedstaden": ("region", HOVEDSTADEN),
        "albertslund": ("kommune", ALBERTSLUND),
        "reader": ("land", 0),
    }


def test_every_alert_carries_the_icon_of_its_kind(
    personas: Personas, release: releases.PublishedResults, open_round: Round
) -> None:
    """DKFDS's alerts keep room at the left for an icon (error, warning, info, check); without
    it they showed an empty band. The front page has three kinds: the synthetic data's warning,
    the round's state (info while questions are missing) and a login error on the login page."""
    icons = {"error": "error", "warning": "warning", "info": "info", "success": "check"}

    def kinds_and_icons(html: str) -> list[tuple[str, str]]:
        found = re.findall(
            r'<div class="alert alert-(\w+)[^"]*"[^>]*>\s*<svg class="icon-svg alert-icon"'
            r'[^>]*><use href="[^"#]*#([\w-]+)"',
            html,
        )
        assert len(found) == html.count('class="alert alert-'), "an alert without its icon"
        return found

    html = personas.client("albertslund").get("/").content.decode()
    found = kinds_and_icons(html)
    assert {kind for kind, _ in found} >= {"warning", "info"}
    login = Client().post("/log-ind/", {"username": "albertslund", "password": "forkert"})
    found += kinds_and_icons(login.content.decode())
    assert "error" in {kind for kind, _ in found}
    assert all(icons[kind] == icon for kind, icon in found)
