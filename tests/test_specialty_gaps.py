"""Acute short stays whose first contact has no specialty (issue 16: "a contact without a
specialty is not medical (count such stays in the data-quality notes)"): compute counts them
per year and source beside the data-quality rows, and the counts equal the pandas reference's
count of the same stays."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

import reference_impl as ref
from naersund.engine.compute import compute
from naersund.engine.specialty_gaps import SUFFIX, variants
from naersund.indicators import load_definitions, load_stay_rules
from naersund.registry.ingest import ingest
from naersund.registry.synth import generate

YEARS = [2019, 2020]


def _blank_specialties(kontakter: Path) -> int:
    """Empty ``HOVEDSPECIALE_ANS`` in every third acute row (medical or not); returns how many."""
    with kontakter.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    head, body = rows[0], rows[1:]
    spec, prio = head.index("HOVEDSPECIALE_ANS"), head.index("PRIORITET")
    blanked = 0
    for i, row in enumerate(body):
        if row[prio] == "ATA1" and i % 3 == 0:
            row[spec] = ""
            blanked += 1
    with kontakter.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=";").writerows([head, *body])
    return blanked


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("gaps")
    generate(tmp / "lpr3", YEARS, scale=0.003, seed=11, fmt="lpr3")
    assert _blank_specialties(tmp / "lpr3" / "kontakter.csv") > 1000
    ingest(tmp / "lpr3", tmp / "data", fmt="lpr3")
    return tmp / "data"


def test_each_year_counts_the_stays_the_reference_counts(data: Path) -> None:
    result = compute(data)
    found = result.meta["stays_without_specialty"]
    assert [(r["indicator"], r["year"], r["source"]) for r in found] == [
        ("akutte_korttidsindlaeggelser", y, "LPR3") for y in YEARS
    ]
    # the reference: the same selection on stays whose first contact has no specialty (a
    # stand-in text for the missing one, since the reference matches no missing specialty)
    contacts = pd.concat(
        [pd.read_parquet(p) for p in sorted((data / "contacts").rglob("*.parquet"))],
        ignore_index=True,
    )
    contacts["specialty"] = contacts["specialty"].fillna("(intet)")
    (d,) = [x for x in load_definitions() if x.id == "akutte_korttidsindlaeggelser"]
    assert d.selection is not None
    only_none = d.model_copy(
        update={"selection": d.selection.model_copy(update={"include_specialties": ["(intet)"]})}
    )
    agg = ref.aggregates(contacts, None, [only_none], load_stay_rules(), YEARS)[d.id]
    expected = agg.groupby("year")["numerator"].sum()
    assert [r["stays"] for r in found] == [int(expected[y]) for y in YEARS]
    assert all(r["stays"] > 50 for r in found)
    # they are left out of the indicator itself: it counts the medical first contacts only
    assert not result.results["indicator"].str.endswith(SUFFIX).any()


def test_only_definitions_that_select_by_specialty_get_a_variant() -> None:
    made = variants(load_definitions())
    assert [v.id for v in made] == ["akutte_korttidsindlaeggelser" + SUFFIX]
    (v,) = made
    assert v.selection is not None and v.selection.include_specialties == [""]
    assert v.followup is None


def test_data_without_quality_rows_get_no_counts(tmp_path: Path) -> None:
    generate(tmp_path / "canon", [2019], scale=0.002, seed=3)
    assert "stays_without_specialty" not in compute(tmp_path / "canon").meta
