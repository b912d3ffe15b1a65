"""`naersund effects`: the initiative-effects table from the current release and a status
round, as CSV and XLSX, the same table the library makes from the same inputs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from dashboard_data import results_for

from naersund import cli
from naersund.analysis.initiative_effects import EFFECT_COLUMNS, effects_table, linked_pairs
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
def closed_round(results_file: Path) -> str:
    from django.contrib.auth.models import User

    from naersund.web.survey.models import QuestionKind, Round
    from naersund.web.survey.services import create_round, questions_for, save_answers, submit

    releases.publish(results_file)
    admin = User.objects.create_superuser("effekt-admin", "a@example.dk", "x" * 20)
    today = dt.date.today()
    rnd = create_round(
        slug="effekt", title_da="Effektrunden", year=2014,
        opens_on=today - dt.timedelta(days=30), closes_on=today + dt.timedelta(days=5),
    )  # fmt: skip
    initiative = _hovedstaden_initiative()
    m = municipalities()
    hovedstaden = [int(k) for k in m.loc[m["region_code"] == 1084, "kommunekode"]]
    for i, k in enumerate(hovedstaden):
        start = [2013, 2014, None][i % 3]
        values: dict[str, object] = {
            q.qid: "planlagt" for q in questions_for(rnd, k) if q.kind == QuestionKind.STATUS
        }
        values[f"status.{initiative.id}"] = "implementeret" if start else "ikke_paabegyndt"
        if start:
            values[f"startaar.{initiative.id}"] = start
        save_answers(rnd, k, admin, values)
        submit(rnd, k, admin)
    Round.objects.filter(pk=rnd.pk).update(closes_on=today - dt.timedelta(days=1))
    return "effekt"


def test_the_command_writes_the_table_the_library_makes(closed_round: str, tmp_path: Path) -> None:
    from naersund.web.effectsdata import effects_for

    out = tmp_path / "effekter.xlsx"
    result = CliRunner().invoke(cli.cli, ["effects", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Skrevet: {out}" in result.output
    book = openpyxl.load_workbook(out)
    shown = pd.read_excel(out, sheet_name="Effekter")
    assert list(shown.columns) == EFFECT_COLUMNS
    assert len(shown) == len(linked_pairs(load_catalogue()))
    made = effects_for()
    expected = effects_table(made.estimated)
    pd.testing.assert_series_equal(shown["note"].fillna(""), expected["note"], check_names=False)
    pd.testing.assert_frame_equal(
        shown[["initiative", "indicator", "n_started", "n_not_started"]],
        expected[["initiative", "indicator", "n_started", "n_not_started"]],
        check_dtype=False,
    )
    about = {r[0]: r[1] for r in book["Forklaring"].iter_rows(values_only=True)}
    assert about["Statusrunde (startår)"] == "Effektrunden" == made.round
    assert about["Udgivelse"] == made.release
    first = shown[shown["initiative"] == _hovedstaden_initiative().id].iloc[0]
    used = ["n_started", "n_not_started", "n_left_out", "n_incomplete"]
    assert first[used].sum() == 29  # every municipality of Hovedstaden answered

    csv = tmp_path / "effekter.csv"
    assert CliRunner().invoke(cli.cli, ["effects", "--out", str(csv)]).exit_code == 0
    assert list(pd.read_csv(csv).columns) == EFFECT_COLUMNS


def test_a_missing_round_or_a_bad_file_name_is_said_in_danish(
    closed_round: str, tmp_path: Path
) -> None:
    from naersund.errors import NaersundError

    bad = CliRunner().invoke(
        cli.cli, ["effects", "--round", "findes-ikke", "--out", str(tmp_path / "x.csv")]
    )
    assert isinstance(bad.exception, NaersundError)
    assert str(bad.exception) == "Der er ingen statusrunde 'findes-ikke'."
    txt = CliRunner().invoke(cli.cli, ["effects", "--out", str(tmp_path / "x.txt")])
    assert str(txt.exception) == "x.txt: filen skal ende på .csv eller .xlsx."
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "x.txt").exists()
