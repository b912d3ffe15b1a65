"""The dashboard pages with a published (synthetic) release: the numbers shown are the
published ones, standardised by default and said so, suppressed cells stay hidden, every chart
has its table and CSV, targets and initiative status appear where they exist."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from dashboard_data import changed_copy, results_for
from django.test import Client
from web_personas import ALBERTSLUND, HOVEDSTADEN, Personas

from naersund import fmt
from naersund.analysis import choose_measure
from naersund.analysis.profiles import members_of, municipality_names
from naersund.analysis.trend import target_status
from naersund.catalogue import Target
from naersund.web.dashboard import releases
from naersund.web.dashboard.models import Release

pytestmark = pytest.mark.django_db
IND = "forebyggelige_indlaeggelser_65"


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


@pytest.fixture
def release(results_file: Path) -> Release:
    return releases.publish(results_file)


@pytest.fixture
def reader(personas: Personas) -> Client:
    return personas.client("reader")


def _row(release: Release, level: str, code: int, year: int, ind: str = IND) -> pd.Series:
    r = releases.load_release(release.pk).results
    hit = r[
        (r["indicator"] == ind)
        & (r["level"] == level)
        & (r["area_code"] == code)
        & (r["year"] == year)
    ]
    return hit.iloc[0]


def _text(response: object) -> str:
    html = response.content.decode()  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _csv(client: Client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def test_the_profile_shows_the_published_standardised_values(
    release: Release, reader: Client
) -> None:
    year = max(releases.load_release(release.pk).years)
    own = _row(release, "kommune", ALBERTSLUND, year)
    nat = _row(release, "land", 0, year)
    page = _text(reader.get(f"/indikatorer/kommune/{ALBERTSLUND}/"))
    assert "SYNTETISKE DATA" in page
    assert "aldersstandardiseret (alder og køn" in page
    assert "Kommuneprofil: Albertslund" in page
    if not own["suppressed"]:
        assert fmt.number(own["std_value"]) in page
    assert fmt.number(nat["std_value"]) in page
    # every indicator of the release has a row
    for name in (
        "Forebyggelige indlæggelser",
        "Færdigbehandlingsdage",
        "Akutte medicinske korttidsindlæggelser",
    ):
        assert name in page


def test_the_crude_view_shows_crude_values_and_says_so(release: Release, reader: Client) -> None:
    year = min(releases.load_release(release.pk).years)
    nat = _row(release, "land", 0, year)
    page = _text(reader.get(f"/indikatorer/kommune/{ALBERTSLUND}/?maal=raa&aar={year}"))
    assert "Værdierne er rå" in page
    assert fmt.number(nat["value"]) in page
    assert fmt.number(nat["std_value"]) not in page or nat["std_value"] == nat["value"]


def test_suppressed_cells_show_no_number(release: Release, reader: Client) -> None:
    r = releases.load_release(release.pk).results
    hidden = r[(r["level"] == "kommune") & r["suppressed"]].iloc[0]
    page = _text(reader.get(f"/indikatorer/kommune/{hidden['area_code']}/?aar={hidden['year']}"))
    assert "Skjult (få tilfælde)" in page


def test_the_spine_csv_has_every_indicator_with_the_shown_numbers(
    release: Release, reader: Client
) -> None:
    year = max(releases.load_release(release.pk).years)
    rows = _csv(reader, f"/indikatorer/kommune/{ALBERTSLUND}/?csv=spine")
    assert len(rows) == releases.load_release(release.pk).results["indicator"].nunique()
    by_name = {r["Indikator"]: r for r in rows}
    nat = _row(release, "land", 0, year)
    got = by_name["Forebyggelige indlæggelser blandt ældre (65+)"]["Danmark"]
    assert float(got.replace(",", ".")) == pytest.approx(nat["std_value"])


def test_compare_lists_the_kkr_municipalities_with_published_values(
    release: Release, reader: Client
) -> None:
    year = max(releases.load_release(release.pk).years)
    url = f"/indikatorer/sammenlign/?indikator={IND}&kkr={HOVEDSTADEN}&aar={year}"
    page = _text(reader.get(url))
    assert "Sammenlign kommuner" in page and "Tragtdiagram" in page and "Kort" in page
    assert "aldersstandardiseret (alder og køn" in page
    rows = _csv(reader, url + "&csv=bars")
    assert len(rows) == len(members_of(HOVEDSTADEN)) == 29
    results = releases.load_release(release.pk).results
    std = results[
        (results["indicator"] == IND) & (results["year"] == year) & (results["level"] == "kommune")
    ]
    measure = choose_measure(std)
    published = dict(
        zip(std["area_code"].map(municipality_names()), std[measure.value], strict=True)
    )
    shown = 0
    for r in rows:
        value = r[f"Værdi ({'pr. 1.000 borgere på 65 år og derover'})"]
        if value:
            assert float(value.replace(",", ".")) == pytest.approx(
                published[r["Område"]], rel=1e-12
            )
            shown += 1
        else:
            assert pd.isna(published[r["Område"]])  # suppressed or no standardised value
    assert shown > 0
    assert {r["Kommune"] for r in _csv(reader, url + "&csv=map")} == {r["Område"] for r in rows}
    funnel = _csv(reader, url + "&csv=funnel")
    assert funnel and all(r["Placering i tragten"] for r in funnel)


def test_compare_for_the_whole_country_has_98_municipalities(
    release: Release, reader: Client
) -> None:
    rows = _csv(reader, f"/indikatorer/sammenlign/?indikator={IND}&csv=bars")
    assert len(rows) == 98


def test_an_unknown_chart_csv_is_not_found(release: Release, reader: Client) -> None:
    assert reader.get(f"/indikatorer/kommune/{ALBERTSLUND}/?csv=nothing").status_code == 404


def test_the_trend_has_every_year_for_the_three_areas(release: Release, reader: Client) -> None:
    rows = _csv(reader, f"/indikatorer/udvikling/?indikator={IND}&kommune={ALBERTSLUND}&csv=trend")
    years = releases.load_release(release.pk).years
    assert [int(r["År"]) for r in rows] == years
    assert set(rows[0]) == {"År", "Albertslund", "KKR Hovedstaden", "Danmark"}
    page = _text(reader.get(f"/indikatorer/udvikling/?indikator={IND}&kommune={ALBERTSLUND}"))
    assert "Der er intet måltal for denne indikator i kataloget" in page


def test_a_target_gives_a_glide_path_and_a_status(release: Release, reader: Client) -> None:
    from naersund.web.catalogue import models as db

    years = releases.load_release(release.pk).years
    goal = db.Goal.objects.get(slug="hovedstaden_genindlaeggelser")
    db.Target.objects.create(
        goal=goal,
        indicator=IND,
        baseline_year=years[0],
        target_year=years[0] + 3,
        relative_change_pct=-10,
        scope="kkr",
        source="test",
    )
    trend = _csv(reader, f"/indikatorer/udvikling/?indikator={IND}&kommune={ALBERTSLUND}&csv=trend")
    assert "Glidebane (mål)" in trend[0]
    assert len(trend) == len(years) + 2  # the glide path runs on to the target year
    # the profile's status is the library's verdict on the same numbers
    r = releases.load_release(release.pk).results
    own = r[(r["indicator"] == IND) & (r["level"] == "kommune") & (r["area_code"] == ALBERTSLUND)]
    measure = choose_measure(r[r["indicator"] == IND])
    t = Target(
        indicator=IND,
        baseline_year=years[0],
        target_year=years[0] + 3,
        relative_change_pct=-10,
        source="x",
    )
    status, _ = target_status(
        t, own, "lower_is_better", measure.value, measure.lower, measure.upper
    )
    page = _text(reader.get(f"/indikatorer/kommune/{ALBERTSLUND}/"))
    assert (
        f"{status.capitalize()} ( KKR Hovedstadens mål" in page
        or f"{status.capitalize()} (KKR Hovedstadens mål" in page
    )


def _submit_status(kommunekode: int, implemented: str) -> None:
    from django.contrib.auth.models import User

    from naersund.web.survey.models import QuestionKind
    from naersund.web.survey.services import create_round, questions_for, save_answers, submit

    today = dt.date.today()
    rnd = create_round(
        slug="dash-runde", title_da="Statusrunde (test)", year=today.year,
        opens_on=today - dt.timedelta(days=1), closes_on=today + dt.timedelta(days=1),
    )  # fmt: skip
    user = User.objects.get(username="admin")
    values = {}
    for q in questions_for(rnd, kommunekode):
        if q.kind == QuestionKind.STATUS:
            values[q.qid] = "implementeret" if q.initiative_slug == implemented else "planlagt"
    save_answers(rnd, kommunekode, user, values)
    submit(rnd, kommunekode, user)


def test_initiative_status_from_the_survey_appears_next_to_the_indicator(
    release: Release, personas: Personas
) -> None:
    editor = personas.client("albertslund")
    before = _text(editor.get(f"/indikatorer/kommune/{ALBERTSLUND}/"))
    assert "7 indsatser: 7 ikke besvaret" in before
    _submit_status(ALBERTSLUND, "hovedstaden_opfoelgende_hjemmebesoeg")
    # the round is open: by default the page uses the latest closed round (there is none)
    default = _text(editor.get(f"/indikatorer/kommune/{ALBERTSLUND}/"))
    assert "7 indsatser: 7 ikke besvaret" in default
    assert "foreløbig" not in default.split("Vælg en anden statusrunde")[0]
    # chosen, the open round's answers appear, marked as preliminary
    after = _text(editor.get(f"/indikatorer/kommune/{ALBERTSLUND}/?runde=dash-runde"))
    assert "7 indsatser: 1 implementeret, 6 planlagt" in after
    assert "Statusrunde (test), foreløbig (runden er åben)" in after
    kkr_url = f"/indikatorer/omraade/kkr/{HOVEDSTADEN}/?runde=dash-runde"
    kkr = _text(personas.client("kkr_hovedstaden").get(kkr_url))
    assert "1 af " in kkr and "foreløbig (runden er åben)" in kkr
    # a reader sees which initiatives there are, not Albertslund's answers
    # (test_security_answers_access checks every role)
    other_url = f"/indikatorer/kommune/{ALBERTSLUND}/?runde=dash-runde"
    other = _text(personas.client("reader").get(other_url))
    assert "7 indsatser" in other and "7 indsatser: " not in other
    assert "implementeret" not in other.split("Indsatser knyttet til indikatorerne")[1]


def test_the_kkr_omraadeoverblik_has_every_municipality_and_the_goals(
    release: Release, reader: Client
) -> None:
    page = reader.get(f"/indikatorer/omraade/kkr/{HOVEDSTADEN}/").content.decode()
    for code in members_of(HOVEDSTADEN):
        assert f'href="/indikatorer/kommune/{code}/' in page
    assert "Forebyggelse af (gen)indlæggelser" in page
    assert "aldersstandardiseret" in page


def test_releases_and_their_diff(
    release: Release, reader: Client, results_file: Path, tmp_path: Path
) -> None:
    changed = changed_copy(results_file, tmp_path)
    second = releases.publish(changed)
    listing = _text(reader.get("/indikatorer/udgivelser/"))
    assert f"{second.pk} (gældende)" in listing and "SYNTETISKE DATA" in listing
    diff = _text(reader.get(f"/indikatorer/udgivelser/{release.pk}/{second.pk}/"))
    assert "1 ændrede, 0 nye og 0 fjernede celler" in diff
    assert "Danmark" in diff
    # pages now read the new release
    assert f"Udgivelse {second.pk}," in _text(reader.get(f"/indikatorer/kommune/{ALBERTSLUND}/"))


def test_without_a_release_the_pages_say_how_to_publish(reader: Client) -> None:
    for url in (
        "/indikatorer/",
        f"/indikatorer/kommune/{ALBERTSLUND}/",
        "/indikatorer/sammenlign/",
    ):
        assert "naersund publish" in _text(reader.get(url))


def test_bad_filter_values_fall_back_to_defaults(release: Release, reader: Client) -> None:
    # numbers that name nothing; text that is no number is a 400 (test_security_parameters.py)
    response = reader.get(
        "/indikatorer/sammenlign/?indikator=findes_ikke&aar=1900&kkr=42&kommune=7"
    )
    assert response.status_code == 200
    assert "Akutte medicinske korttidsindlæggelser" in _text(response)


def test_the_browser_draws_with_the_vega_lite_version_that_renders_print() -> None:
    from naersund.charts.base import VL_VERSION
    from naersund.web.dashboard.vendor import TARGET

    header = TARGET.read_text(encoding="utf-8")[:400]
    assert f"Vega-Lite {VL_VERSION} " in header


def test_the_page_cache_keeps_to_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    from naersund.web.dashboard import present

    present.clear_cache()
    monkeypatch.setattr(present, "MAX_BYTES", 10)
    built = []
    for key in ("a", "b", "a"):
        present.cached_fragment((key,), lambda k=key: built.append(k) or k * 6)
    assert built == ["a", "b", "a"]  # "a" was dropped to make room for "b"
    assert present.cached_fragment(("a",), lambda: "new") == "aaaaaa"  # "a" is cached again
    present.clear_cache()


def test_the_front_page_preselects_an_editors_own_municipality(
    release: Release, personas: Personas
) -> None:
    page = personas.client("albertslund").get("/indikatorer/").content.decode()
    assert f'<option value="{ALBERTSLUND}" selected>' in page
    other = personas.client("reader").get("/indikatorer/").content.decode()
    assert " selected>" not in other


def test_long_ids_may_wrap_at_their_underscores_and_stay_escaped() -> None:
    from naersund.web.dashboard.templatetags.dashboard import break_at_underscores

    assert break_at_underscores("genindlaeggelser_30d_65") == "genindlaeggelser_<wbr>30d_<wbr>65"
    assert break_at_underscores("<b>_x") == "&lt;b&gt;_<wbr>x"
