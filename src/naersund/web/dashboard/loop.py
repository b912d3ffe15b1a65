"""What the Kommuneprofil and the KKR overview add for issue 12 ("closing the loop" and
"small municipalities, honestly"): the municipality's follow-up answers next to the
indicators, per municipality how many of its follow-up questions got an answer, and the
smoothed values next to the published ones. Plain context for the templates; the views only
merge it in."""

from __future__ import annotations

from typing import Any

import pandas as pd

from naersund.analysis.profiles import IndicatorInfo, ProfileRow, municipality_region
from naersund.analysis.published import PublishedResults
from naersund.analysis.smoothed import LABEL_DA, explanation_da, smoothed_value
from naersund.charts.base import Chart
from naersund.charts.smoothed import with_smoothed
from naersund.refdata import KKR_NAMES
from naersund.survey.followup import coverage
from naersund.web.survey.followup_answers import followup_answers
from naersund.web.survey.models import Round


def profile_extras(
    pub: PublishedResults,
    rnd: Round | None,
    kommunekode: int,
    year: int,
    rows: list[ProfileRow],
    user: Any,
) -> dict[str, Any]:
    """The profile's follow-up answers (indicator -> answer, only those the user may see) and
    smoothed values (indicator -> :class:`~naersund.analysis.smoothed.SmoothedValue`)."""
    answers = followup_answers(rnd, [kommunekode], user)
    indicators = [r.info.id for r in rows]
    smoothed = {ind: s for ind in indicators if (s := smoothed_value(pub, ind, kommunekode, year))}
    region_code = municipality_region()[kommunekode]
    return {
        "followup": {ind: a for (k, ind), a in answers.items() if k == kommunekode},
        "smoothed": smoothed,
        "smoothed_label": LABEL_DA,
        "smoothed_note": explanation_da(KKR_NAMES.get(region_code, "KKR'en")),
    }


def bars_with_smoothed(
    pub: PublishedResults,
    bars: Chart,
    table: pd.DataFrame,
    info: IndicatorInfo,
    year: int,
    measure_label: str,
) -> Chart:
    """Sammenlign's bars with each shown municipality's smoothed value (only where the page
    shows the indicator's headline measure, the scale the smoothed values are on)."""
    if measure_label != pub.measure(info.id):
        return bars
    values = {
        str(name): s.value
        for code, name in zip(table["area_code"], table["name"], strict=True)
        if (s := smoothed_value(pub, info.id, int(code), year)) is not None
    }
    return with_smoothed(bars, values, info.unit_da)


def smoothed_note(region_code: int | None, chart: Chart) -> str:
    """The sentence under a chart with smoothed values ("" for a chart without them)."""
    if LABEL_DA not in chart.table.columns:
        return ""
    group = KKR_NAMES.get(region_code or 0, "KKR'en")
    ticks = "De hvide ruder i søjlediagrammet viser den udjævnede værdi; farven er vurderingen."
    return f"{explanation_da(group if region_code else 'hver kommunes KKR')} {ticks}"


def kkr_extras(rnd: Round | None, members: list[int], user: Any) -> dict[str, Any]:
    """Per municipality whose answers the user may see: "3 af 4 besvaret" for its follow-up
    questions in the round (none where it was asked none)."""
    found = coverage(followup_answers(rnd, members, user).values())
    return {"followup_coverage": {k: c.text_da for k, c in found.items()}}
