"""Closing the loop: where a release marks a municipality "dårligere end landet" or "ikke på
sporet" for an indicator, the next status round proposes a follow-up question for that
municipality: "Hvad gør kommunen for at forbedre <indikator>?", with the initiatives its KKR's
goals link to the indicator as options and a free text.

The proposals come from the one owner of figures (:meth:`PublishedResults.figure`), so the
verdict and target status are those every page and pack shows for the same cell.
"""

from __future__ import annotations

from dataclasses import dataclass

from naersund.analysis.published import PublishedResults
from naersund.catalogue.model import Catalogue, iter_initiatives
from naersund.catalogue.progress import OFF_TRACK
from naersund.refdata import region_of
from naersund.survey.followup import choice_qid

WORSE = "dårligere end landet"


@dataclass(frozen=True)
class Proposal:
    """A follow-up question proposed for one municipality and indicator, and why."""

    kommunekode: int
    indicator: str
    year: int
    reasons: tuple[str, ...]
    initiatives: tuple[str, ...]  # the initiatives the KKR's goals link to the indicator

    @property
    def qid(self) -> str:
        """The qid of its multichoice question (:mod:`naersund.survey.followup`)."""
        return choice_qid(self.kommunekode, self.indicator)


def linked_initiatives(catalogue: Catalogue, region_code: int, indicator: str) -> tuple[str, ...]:
    """The initiatives of a KKR's goals that follow ``indicator``, in catalogue order."""
    out: list[str] = []
    for kkr, goal, initiative in iter_initiatives(catalogue):
        linked = indicator in getattr(goal, "indicators", [])
        if kkr.region_code == region_code and linked and initiative.id not in out:
            out.append(initiative.id)
    return tuple(out)


def proposals(published: PublishedResults, catalogue: Catalogue, year: int) -> list[Proposal]:
    """Every municipality x indicator whose ``year`` figure is worse than Denmark's or whose
    target is not on track, sorted by municipality and indicator."""
    regions = region_of()
    indicators = sorted(set(published.results["indicator"]))
    out: list[Proposal] = []
    for kommunekode in sorted(regions):
        for indicator in indicators:
            fig = published.figure(indicator, "kommune", kommunekode, year, catalogue)
            reasons = []
            if fig.verdict == "worse":
                reasons.append(WORSE)
            if fig.target_status == OFF_TRACK:
                reasons.append(OFF_TRACK)
            if reasons:
                initiatives = linked_initiatives(catalogue, regions[kommunekode], indicator)
                out.append(Proposal(kommunekode, indicator, year, tuple(reasons), initiatives))
    return out
