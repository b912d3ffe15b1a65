"""Initiative effects are estimated when a release is published and stored: the page, the API
and `naersund effects` read the stored rows and give the same numbers; a pair of release and
round nobody stored is estimated once at its first read and stored; a closed round whose
answers change is estimated again; an estimator failure is a note, never a failed publish."""

from __future__ import annotations

import datetime as dt
import io
import math
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from dashboard_data import results_for
from web_personas import Personas

from naersund import cli
from naersund.analysis.initiative_effects import EFFECT_COLUMNS, effects_table, linked_pairs
from naersund.catalogue import Initiative, load_catalogue
from naersund.refdata import municipalities

pytestmark = pytest.mark.django_db

NUMBERS = ["estimate", "lower_ci", "upper_ci", "relative_estimate", "pretrend_p"]


def _hovedstaden_initiative() -> Initiative:
    return next(i for i, _ in linked_pairs(load_catalogue()) if i.id.startswith("hovedstaden_"))


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


def _answer_round(personas: Personas, slug: str, started_every: int) -> str:
    """A round of 2014, closed, in which every ``started_every``-th municipality of Hovedstaden
    did not start the first initiative and the others started it in 2014."""
    from naersund.web.survey.models import QuestionKind, Round
    from naersund.web.survey.services import create_round, questions_for, save_answers, submit

    today = dt.date.today()
    rnd = create_round(
        slug=slug, title_da=f"Runde {slug}", year=2014,
        opens_on=today - dt.timedelta(days=30), closes_on=today + dt.timedelta(days=5),
    )  # fmt: skip
    initiative = _hovedstaden_initiative().id
    m = municipalities()
    for i, k in enumerate(int(k) for k in m.loc[m["region_code"] == 1084, "kommunekode"]):
        values: dict[str, object] = {
            q.qid: "planlagt" for q in questions_for(rnd, k) if q.kind == QuestionKind.STATUS
        }
        if i % started_every:
            values[f"status.{initiative}"] = "implementeret"
            values[f"startaar.{initiative}"] = 2014
        save_answers(rnd, k, personas.admin, values)
        submit(rnd, k, personas.admin)
    Round.objects.filter(pk=rnd.pk).update(closes_on=today - dt.timedelta(days=1))
    return initiative


def _stored_table() -> pd.DataFrame:
    from naersund.web.dashboard.models import EffectEstimate

    rows = EffectEstimate.objects.order_by("position").values(
        "initiative", "indicator", "note", *NUMBERS, "n_started", "n_not_started"
    )
    return pd.DataFrame(list(rows)).astype({c: "float64" for c in NUMBERS})


def test_publish_stores_every_estimate_and_page_api_and_command_read_them(
    personas: Personas, results_file: Path, tmp_path: Path
) -> None:
    from naersund.web.dashboard.models import EffectSet
    from naersund.web.effectsdata import effects_for

    initiative = _answer_round(personas, "effekt", 3)
    published = CliRunner().invoke(cli.cli, ["publish", str(results_file)])
    assert published.exit_code == 0, published.output
    n = len(linked_pairs(load_catalogue()))
    (made,) = EffectSet.objects.all()
    assert made.round.slug == "effekt" and made.estimates.count() == n
    stored = _stored_table()
    with_estimate = int((stored["note"] == "").sum())
    assert 0 < with_estimate < n
    assert (
        f"Effekter (startår fra Runde effekt): {with_estimate} af {n} indsatser x indikatorer "
        f"med et skøn, {n - with_estimate} med en note; beregnet på"
    ) in published.output
    answered = stored[stored["initiative"] == initiative]
    assert (answered["note"] == "").any() and (answered["n_started"] > 0).all()

    # the page's CSV, the API and the command's file: the stored numbers, read (not estimated)
    assert effects_for().computed is False
    page = personas.client("aalborg").get("/indikatorer/effekter/?format=csv").content.decode()
    api = personas.client("aalborg").get("/api/effects/").json()
    # a round id no round can have (a NUL byte, which PostgreSQL refuses) is no round, not a 500
    bad = personas.client("aalborg").get("/api/effects/", {"runde": "y\x00]"})
    assert bad.status_code == 404 and bad.json()["kode"]
    bad_page = personas.client("aalborg").get("/indikatorer/effekter/", {"runde": "y\x00]"})
    assert bad_page.status_code == 200 and "Der er ingen statusrunde" in bad_page.content.decode()
    out = tmp_path / "effekter.csv"
    command = CliRunner().invoke(
        cli.cli, ["effects", "--release", str(made.release_id), "--out", str(out)]
    )
    assert command.exit_code == 0, command.output
    shown = {
        "page": pd.read_csv(io.StringIO(page)),
        "api": pd.DataFrame(api["effects"])[EFFECT_COLUMNS],
        "command": pd.read_csv(out),
    }
    for where, table in shown.items():
        table = table.fillna({"note": "", "sentence": ""})
        assert list(table[["initiative", "indicator"]].itertuples(index=False, name=None)) == list(
            stored[["initiative", "indicator"]].itertuples(index=False, name=None)
        ), where
        for column in NUMBERS:
            for got, want in zip(table[column].astype("float64"), stored[column], strict=True):
                assert (math.isnan(got) and math.isnan(want)) or got == pytest.approx(
                    want, rel=1e-12
                ), (where, column)
        assert list(table["note"]) == list(stored["note"]), where
    assert EffectSet.objects.count() == 1  # nobody estimated again


def test_a_round_nobody_stored_is_estimated_once_then_read(
    personas: Personas, results_file: Path
) -> None:
    from naersund.web import effectsdata
    from naersund.web.dashboard import releases
    from naersund.web.dashboard.models import EffectSet

    release = releases.publish(results_file)  # no round yet: nothing to store
    assert effectsdata.effects_at_publish(release.pk) == [
        "Effekter: ingen lukket statusrunde at tage startårene fra endnu; de beregnes, når en "
        "runde er lukket."
    ]
    assert not EffectSet.objects.exists()
    _answer_round(personas, "senere", 2)
    first = effectsdata.effects_for()
    assert first.computed is True
    made = EffectSet.objects.get()
    effectsdata._kept.clear()  # as another process would: nothing in memory, read the rows
    second = effectsdata.effects_for()
    assert second.computed is False
    assert EffectSet.objects.get().pk == made.pk and EffectSet.objects.count() == 1
    pd.testing.assert_frame_equal(effects_table(first.estimated), effects_table(second.estimated))
    for a, b in zip(first.estimated, second.estimated, strict=True):
        assert a.effect.event_study == b.effect.event_study
        assert a.effect.group_time == b.effect.group_time
    assert effectsdata.store_pending() is False  # the worker finds nothing to do


def _start_where_not_started(personas: Personas, initiative: str) -> None:
    """In the closed round "effekt" of :func:`_answer_round`, Hovedstaden's first municipality
    (which had not started ``initiative``) answers again: implemented, started in 2014."""
    from naersund.web.survey.models import Round
    from naersund.web.survey.services import reopen, save_answers, submit

    rnd = Round.objects.get(slug="effekt")
    m = municipalities()
    first = int(m.loc[m["region_code"] == 1084, "kommunekode"].iloc[0])  # had not started
    reopen(rnd, first, personas.admin, allow_closed=True)
    save_answers(
        rnd, first, personas.admin,
        {f"status.{initiative}": "implementeret", f"startaar.{initiative}": 2014},
        allow_closed=True,
    )  # fmt: skip
    submit(rnd, first, personas.admin, allow_closed=True)


def test_answers_changed_in_a_closed_round_are_estimated_again(
    personas: Personas, results_file: Path
) -> None:
    from naersund.web import effectsdata
    from naersund.web.dashboard import releases
    from naersund.web.dashboard.models import EffectSet

    initiative = _answer_round(personas, "effekt", 3)
    releases.publish(results_file)
    assert effectsdata.store_pending() is True  # the worker's look: the closed round estimated
    before = effectsdata.effects_for().find(initiative, _first_indicator(initiative))
    assert before is not None
    _start_where_not_started(personas, initiative)
    after = effectsdata.effects_for()
    assert after.computed is True
    changed = after.find(initiative, _first_indicator(initiative))
    assert changed is not None
    assert changed.effect.n_started == before.effect.n_started + 1
    assert EffectSet.objects.count() == 1  # replaced, not added


def _first_indicator(initiative: str) -> str:
    return next(ind for i, ind in linked_pairs(load_catalogue()) if i.id == initiative)


def test_an_estimator_failure_is_a_note_and_publishing_goes_on(
    personas: Personas, results_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import moderndid
    import numpy as np

    from naersund.web.dashboard.models import EffectEstimate, Release

    def fails(*args: object, **kwargs: object) -> None:
        raise np.linalg.LinAlgError("Singular matrix")

    monkeypatch.setattr(moderndid, "att_gt", fails)  # the library, not our code, fails
    _answer_round(personas, "effekt", 3)
    published = CliRunner().invoke(cli.cli, ["publish", str(results_file)])
    assert published.exit_code == 0, published.output
    assert Release.objects.filter(is_current=True).exists()
    notes = set(EffectEstimate.objects.values_list("note", flat=True))
    assert "Estimatoren kunne ikke give et tal for disse data." in notes
    assert "0 af" in published.output


def test_the_pages_show_the_estimates_made_again_after_answers_change(
    personas: Personas, results_file: Path
) -> None:
    """The pages' content is kept per stored estimates (:func:`cached_fragment`): a change of
    the answers makes new estimates and new pages, never the old page again."""
    from naersund.web.dashboard import releases

    initiative = _answer_round(personas, "effekt", 3)
    releases.publish(results_file)
    indicator = _first_indicator(initiative)
    client = personas.client("albertslund")
    pair = f"/indikatorer/effekter/{initiative}/{indicator}/"

    def started() -> tuple[str, str]:
        page = client.get(pair).content.decode()
        listed = client.get("/indikatorer/effekter/?sort=indsats").content.decode()
        n = page.split("Kommuner, der startede i perioden</dt><dd>")[1].split("<")[0]
        row = listed.split(f'href="{pair}"')[1].split("</tr>")[0]
        assert "t-fordelingens kritiske værdi" in page  # how the interval is computed
        return n, row.split('<td class="num">')[-1].split("<")[0]

    n_before, groups_before = started()
    assert started() == (n_before, groups_before)  # the kept page
    _start_where_not_started(personas, initiative)
    n_after, groups_after = started()
    assert int(n_after) == int(n_before) + 1
    assert groups_after == f"{int(n_after)} / {int(groups_before.split(' / ')[1]) - 1}"
