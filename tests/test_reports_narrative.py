"""The narrative sentences follow the numbers: significance, direction, target status and
suppression, in hand-made cases."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from naersund.analysis.published import PublishedResults
from naersund.catalogue import load_catalogue
from naersund.catalogue.model import Catalogue, Target
from naersund.indicators import load_definitions
from naersund.indicators.model import IndicatorDefinition
from naersund.reports.narrative import (
    Observation,
    TargetStatus,
    indicator_sentence,
    traffic_light,
)

DEFS = {d.id: d for d in load_definitions()}
PREVENTABLE = DEFS["forebyggelige_indlaeggelser_65"]
READMISSIONS = DEFS["genindlaeggelser_30d_65"]


def _higher_is_better(d: IndicatorDefinition) -> IndicatorDefinition:
    return d.model_copy(update={"direction": "higher_is_better"})


def test_the_example_sentence_of_the_issue() -> None:
    target = TargetStatus(target_year=2016, target_value=55.0, status="på sporet", scope="kommune")
    text = indicator_sentence("Albertslund", PREVENTABLE, 2014, Observation(58.0, "better"), target)
    assert text == (
        "Albertslund havde 58,0 forebyggelige indlæggelser pr. 1.000 ældre (65+) i 2014, "
        "signifikant færre end landsgennemsnittet; målet for 2016 er inden for rækkevidde."
    )


@pytest.mark.parametrize(
    ("comparison", "direction", "phrase"),
    [
        ("better", "lower_is_better", "signifikant færre end landsgennemsnittet"),
        ("worse", "lower_is_better", "signifikant flere end landsgennemsnittet"),
        ("better", "higher_is_better", "signifikant flere end landsgennemsnittet"),
        ("worse", "higher_is_better", "signifikant færre end landsgennemsnittet"),
        (
            "similar",
            "lower_is_better",
            "på niveau med landsgennemsnittet (ingen signifikant forskel)",
        ),
    ],
)
def test_the_comparison_follows_significance_and_direction(
    comparison: str, direction: str, phrase: str
) -> None:
    d = PREVENTABLE if direction == "lower_is_better" else _higher_is_better(PREVENTABLE)
    text = indicator_sentence("Aalborg", d, 2015, Observation(71.26, comparison))
    assert text == (
        f"Aalborg havde 71,3 forebyggelige indlæggelser pr. 1.000 ældre (65+) i 2015, {phrase}."
    )


def test_a_proportion_is_lower_or_higher_not_fewer_or_more() -> None:
    better = indicator_sentence("Herlev", READMISSIONS, 2014, Observation(11.04, "better"))
    worse = indicator_sentence("Herlev", READMISSIONS, 2014, Observation(19.5, "worse"))
    assert better == (
        "I Herlev blev 11,0 % af de ældres (65+) indlæggelser fulgt af en akut genindlæggelse "
        "inden for 30 dage i 2014, signifikant lavere end landsgennemsnittet."
    )
    assert worse.endswith("signifikant højere end landsgennemsnittet.")


def test_without_a_comparison_the_sentence_claims_none() -> None:
    text = indicator_sentence("Læsø", PREVENTABLE, 2014, Observation(80.0, "not_compared"))
    assert text == "Læsø havde 80,0 forebyggelige indlæggelser pr. 1.000 ældre (65+) i 2014."
    assert "signifikant" not in text


@pytest.mark.parametrize(
    ("status", "clause"),
    [
        ("på sporet", "målet for 2016 er inden for rækkevidde"),
        (
            "ikke på sporet",
            "målet for 2016 er ikke inden for rækkevidde med den nuværende udvikling",
        ),
        ("ukendt", "det kan endnu ikke vurderes, om målet for 2016 nås"),
    ],
)
def test_the_target_clause_follows_the_status(status: str, clause: str) -> None:
    target = TargetStatus(2016, 60.0, status, "kommune")
    text = indicator_sentence(
        "Albertslund", PREVENTABLE, 2014, Observation(58.0, "similar"), target
    )
    assert text.endswith(f"; {clause}.")


def test_a_kkr_target_is_named_as_the_kkrs() -> None:
    target = TargetStatus(2016, 60.0, "på sporet", "kkr")
    text = indicator_sentence(
        "Albertslund", PREVENTABLE, 2014, Observation(58.0, "similar"), target
    )
    assert text.endswith("; KKR's mål for 2016 er inden for rækkevidde.")


def test_a_suppressed_cell_gives_a_sentence_without_a_number() -> None:
    for obs in (
        Observation(None, "not_compared", suppressed=True),
        Observation(math.nan, "better"),
    ):
        text = indicator_sentence(
            "Læsø", PREVENTABLE, 2014, obs, TargetStatus(2016, 60.0, "ukendt", "kkr")
        )
        assert not re.search(r"\d+,\d", text)
        assert "2014" in text and "diskretionering" in text and "færre end 5" in text


def test_no_published_row_says_so() -> None:
    text = indicator_sentence("Læsø", PREVENTABLE, 2014, None)
    assert text == (
        "Der er ikke offentliggjort et tal for forebyggelige indlæggelser blandt ældre (65+) "
        "for Læsø i 2014."
    )


def test_the_traffic_light_always_has_words() -> None:
    # The dashboard's colour-blind safe colours, with the words beside them.
    assert traffic_light("better") == ("#0072B2", "Bedre end landet")
    assert traffic_light("worse") == ("#D55E00", "Dårligere end landet")
    assert traffic_light("similar")[1] == "Som landet"
    assert traffic_light("not_compared") == ("#FFFFFF", "Ikke sammenlignet")
    assert traffic_light("better", suppressed=True) == ("#FFFFFF", "Diskretioneret")


# --- targets from the catalogue, judged on published rows ------------------------------------


def _catalogue_with(target: Target) -> Catalogue:
    cat = load_catalogue()
    kkr = cat.kkr_by_code(1084)
    goal = kkr.goals[1].model_copy(update={"targets": [target]})
    goals = [goal if g.id == goal.id else g for g in kkr.goals]
    kkr = kkr.model_copy(update={"goals": goals})
    return cat.model_copy(update={"kkr": [kkr if k.region_code == 1084 else k for k in cat.kkr]})


def _published(
    kommunekode: int,
    v2014: float | None,
    lo: float | None,
    hi: float | None,
    suppressed: bool = False,
) -> PublishedResults:
    """A release with the municipality's 2013 and 2014 cells: the standardised values are
    the ones given, the crude ones 20 higher (targets must be judged on the standardised)."""

    def nan(x: float | None) -> float:
        return math.nan if x is None else x

    std = [70.0, nan(v2014)]
    std_lo = [65.0, nan(lo)]
    std_hi = [75.0, nan(hi)]
    frame = pd.DataFrame(
        {
            "indicator": PREVENTABLE.id,
            "level": "kommune",
            "area_code": kommunekode,
            "year": [2013, 2014],
            "numerator": [100.0, math.nan if suppressed else 100.0],
            "denominator": [1000.0, math.nan if suppressed else 1000.0],
            "value": [x + 20 for x in std],
            "lower_ci": [x + 20 for x in std_lo],
            "upper_ci": [x + 20 for x in std_hi],
            "std_value": std,
            "std_lower_ci": std_lo,
            "std_upper_ci": std_hi,
            "comparison": "not_compared",
            "suppressed": [False, suppressed],
            "note": "",
        }
    )
    return PublishedResults.from_frame(frame, {"definitions": {PREVENTABLE.id: {"version": 1}}})


TARGET = Target(
    indicator="forebyggelige_indlaeggelser_65",
    baseline_year=2013,
    target_year=2016,
    target_value=60.0,
    scope="kommune",
    kommunekode=165,
    source="test",
)


@pytest.mark.parametrize(
    ("value", "lo", "hi", "status"),
    [
        (64.0, 60.0, 68.0, "på sporet"),  # glide 2014 = 70 - 10/3 = 66.67; lower 60 reaches it
        (69.0, 67.0, 71.0, "ikke på sporet"),  # lower 67 > 66.67
        (None, None, None, "ukendt"),  # suppressed
    ],
)
def test_target_status_comes_from_the_glide_path(
    value: float | None, lo: float | None, hi: float | None, status: str
) -> None:
    cat = _catalogue_with(TARGET)
    pub = _published(165, value, lo, hi, value is None)
    gap = pub.figure(PREVENTABLE.id, "kommune", 165, 2014, cat).target
    assert gap is not None
    assert gap.status == status
    assert gap.target.target_year == 2016 and gap.scope == "kommune"
    assert gap.gap == (None if value is None else pytest.approx(value - 60.0))


def test_a_relative_kkr_target_applies_to_its_municipalities() -> None:
    relative = Target(
        indicator="forebyggelige_indlaeggelser_65",
        baseline_year=2013,
        target_year=2016,
        relative_change_pct=-10,
        source="test",
    )
    cat = _catalogue_with(relative)
    gap = _published(147, 69.0, 67.0, 71.0).figure(PREVENTABLE.id, "kommune", 147, 2014, cat)
    assert gap.target is not None
    assert gap.target.target_value == pytest.approx(63.0)  # 70 less 10 %
    assert gap.target.scope == "kkr"
    assert gap.target.status == "på sporet"  # glide 2014 = 70 - 7/3 = 67.67 >= lower 67
    off = _published(147, 70.0, 68.0, 72.0).figure(PREVENTABLE.id, "kommune", 147, 2014, cat)
    assert off.target is not None and off.target.status == "ikke på sporet"


def test_no_target_no_status() -> None:
    pub = _published(165, 64.0, 60.0, 68.0)
    assert pub.figure(PREVENTABLE.id, "kommune", 165, 2014, load_catalogue()).target is None
