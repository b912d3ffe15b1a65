"""Closing the loop: follow-up questions proposed where a release marks a municipality worse
than Denmark (or its target not on track), with the initiatives its KKR links to the
indicator."""

from __future__ import annotations

import pandas as pd

from naersund.analysis.followup import OFF_TRACK, WORSE, linked_initiatives, proposals
from naersund.analysis.published import PublishedResults
from naersund.catalogue import load_catalogue

IND = "forebyggelige_indlaeggelser_65"
ALBERTSLUND, AALBORG, KOEBENHAVN = 165, 851, 101


def _release() -> PublishedResults:
    rows = [
        # level, area, numerator, denominator, std value, lower, upper, comparison
        ("land", 0, 60_000, 1_000_000, 60.0, 59.5, 60.5, "not_compared"),
        ("kommune", ALBERTSLUND, 500, 6_000, 83.0, 76.0, 90.0, "worse"),
        ("kommune", AALBORG, 1_200, 20_000, 60.0, 57.0, 63.0, "similar"),
        ("kommune", KOEBENHAVN, 3_000, 60_000, 50.0, 48.0, 52.0, "better"),
    ]
    frame = pd.DataFrame(
        [
            {
                "indicator": IND, "level": lvl, "area_code": area, "year": 2014,
                "numerator": num, "denominator": den, "value": v, "lower_ci": lo,
                "upper_ci": hi, "std_value": v, "std_lower_ci": lo, "std_upper_ci": hi,
                "comparison": comp, "suppressed": False, "note": "",
            }
            for lvl, area, num, den, v, lo, hi, comp in rows
        ]
    )  # fmt: skip
    return PublishedResults.from_frame(frame, {"definitions": {IND: {"version": 1}}})


def test_a_municipality_worse_than_denmark_gets_a_proposal_with_its_kkrs_initiatives() -> None:
    catalogue = load_catalogue()
    got = proposals(_release(), catalogue, 2014)
    assert [(p.kommunekode, p.indicator) for p in got] == [(ALBERTSLUND, IND)]
    p = got[0]
    assert p.reasons == (WORSE,) and p.qid == f"opfoelgning.{ALBERTSLUND}-{IND}"
    assert p.initiatives == linked_initiatives(catalogue, 1084, IND)
    assert "hovedstaden_akutteams_doegnpladser" in p.initiatives
    assert all(i.startswith("hovedstaden_") for i in p.initiatives)
    assert OFF_TRACK == "ikke på sporet"


def test_no_kkr_goal_on_the_indicator_gives_no_options() -> None:
    assert linked_initiatives(load_catalogue(), 1083, IND) == ()
