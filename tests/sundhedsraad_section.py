"""A catalogue section for Sundhedsråd Amager og Vestegnen (one goal, one skal-initiative), for
the tests of goals, rounds, pages and packs at the sundhedsråd level (issue 14)."""

from __future__ import annotations

from naersund.catalogue import Goal, Initiative, Kkr

AMAGER_VESTEGNEN = 2712
GOAL = "Færre genindlæggelser af ældre"
INITIATIVE_ID = "sr_amager_hjemmebesoeg"
INITIATIVE = "Fælles opfølgende hjemmebesøg efter udskrivning"


def amager_vestegnen_section() -> Kkr:
    return Kkr(
        level="sundhedsraad",
        region_code=AMAGER_VESTEGNEN,
        name_da="Sundhedsråd Amager og Vestegnen",
        goals=[
            Goal(
                id="sr_amager_maal",
                title_da=GOAL,
                initiatives=[Initiative(id=INITIATIVE_ID, kind="skal", title_da=INITIATIVE)],
            )
        ],
    )
