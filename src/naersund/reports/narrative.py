"""One plain Danish sentence per headline indicator, written from the numbers.

Example: "Albertslund havde 58,0 forebyggelige indlæggelser pr. 1.000 ældre (65+) i 2014,
signifikant færre end landsgennemsnittet; målet for 2016 er inden for rækkevidde."

* the number is the published (crude) value of the area and year;
* significance comes from the result's ``comparison`` column (95 % intervals against
  Denmark's, standardised where the indicator is standardised): ``better`` / ``worse`` are
  "signifikant", ``similar`` is "på niveau med";
* whether "better" means fewer or more comes from the indicator's ``direction``;
* the target clause comes from :func:`naersund.catalogue.progress.on_track` (via
  :meth:`naersund.analysis.published.PublishedResults.target_figure`);
* a suppressed cell gives a sentence without any number.
"""

from __future__ import annotations

from dataclasses import dataclass

from naersund import fmt
from naersund.catalogue.progress import OFF_TRACK, ON_TRACK
from naersund.charts.base import COMPARISON_COLOURS, COMPARISON_LABELS
from naersund.indicators.model import IndicatorDefinition

# How each shipped indicator reads in a sentence; {value} is formatted, {area} and {year} as is.
# Indicators not listed fall back to their name and unit.
TEMPLATES: dict[str, str] = {
    "forebyggelige_indlaeggelser_65": (
        "{area} havde {value} forebyggelige indlæggelser pr. 1.000 ældre (65+) i {year}"
    ),
    "akutte_korttidsindlaeggelser": (
        "{area} havde {value} akutte korttidsindlæggelser pr. 1.000 borgere i {year}"
    ),
    "faerdigbehandlingsdage": "{area} havde {value} færdigbehandlingsdage pr. 1.000 borgere i {year}",
    "genindlaeggelser_30d_65": (
        "I {area} blev {value} % af de ældres (65+) indlæggelser fulgt af en akut "
        "genindlæggelse inden for 30 dage i {year}"
    ),
}


@dataclass(frozen=True)
class Observation:
    """The published numbers of one area, indicator and year (None where suppressed)."""

    value: float | None
    comparison: str  # better / similar / worse / not_compared
    suppressed: bool = False
    measure: str = ""  # "aldersstandardiseret" / "rå", named after the value when given


@dataclass(frozen=True)
class TargetStatus:
    """A target and the area's status against its glide path (``progress.on_track``)."""

    target_year: int
    target_value: float
    status: str  # "på sporet" / "ikke på sporet" / "ukendt"
    scope: str  # "kommune" (the municipality's own) or "kkr"


def _lead(area: str, d: IndicatorDefinition, year: int, value: float) -> str:
    text = fmt.number(value, 1)
    template = TEMPLATES.get(d.id)
    if template is None:
        unit = "%" if d.is_proportion else d.unit_da
        return f"{area} havde {text} {unit} ({d.name_da.lower()}) i {year}"
    return template.format(area=area, value=text, year=year)


def comparison_phrase(d: IndicatorDefinition, comparison: str) -> str | None:
    """ "signifikant færre end landsgennemsnittet" etc.; None when not compared."""
    if comparison == "similar":
        return "på niveau med landsgennemsnittet (ingen signifikant forskel)"
    if comparison not in ("better", "worse"):
        return None
    lower = (comparison == "better") == (d.direction == "lower_is_better")
    word = ("lavere" if lower else "højere") if d.is_proportion else "færre" if lower else "flere"
    return f"signifikant {word} end landsgennemsnittet"


def target_phrase(target: TargetStatus | None) -> str | None:
    if target is None:
        return None
    whose = "målet" if target.scope == "kommune" else "KKR's mål"
    if target.status == ON_TRACK:
        return f"{whose} for {target.target_year} er inden for rækkevidde"
    if target.status == OFF_TRACK:
        return f"{whose} for {target.target_year} er ikke inden for rækkevidde med den nuværende udvikling"
    return f"det kan endnu ikke vurderes, om {whose} for {target.target_year} nås"


def indicator_sentence(
    area: str,
    d: IndicatorDefinition,
    year: int,
    obs: Observation | None,
    target: TargetStatus | None = None,
    min_count: int = 5,
) -> str:
    """The sentence for one headline indicator (see the module docstring)."""
    if obs is None:
        return f"Der er ikke offentliggjort et tal for {d.name_da.lower()} for {area} i {year}."
    if obs.suppressed or fmt.missing(obs.value):
        return (
            f"Tallet for {d.name_da.lower()} for {area} i {year} vises ikke af hensyn til "
            f"diskretionering (færre end {min_count} tilfælde, eller det kunne afsløre et "
            "skjult tal)."
        )
    assert obs.value is not None
    text = _lead(area, d, year, obs.value)
    if obs.measure:
        text += f" ({obs.measure})"
    compared = comparison_phrase(d, obs.comparison)
    if compared:
        text += f", {compared}"
    aim = target_phrase(target)
    if aim:
        text += f"; {aim}"
    return text + "."


# The dashboard's colours and words for the comparison (colour-blind safe; never colour alone),
# so that paper and screen say the same.
LIGHTS: dict[str, tuple[str, str]] = {
    key: (COMPARISON_COLOURS[key], COMPARISON_LABELS[key])
    for key in ("better", "similar", "worse", "not_compared")
}
SUPPRESSED_LIGHT = ("#FFFFFF", "Diskretioneret")


def traffic_light(comparison: str, suppressed: bool = False) -> tuple[str, str]:
    """(colour, Danish text) for the comparison with Denmark; never colour alone."""
    if suppressed:
        return SUPPRESSED_LIGHT
    return LIGHTS.get(comparison, LIGHTS["not_compared"])
