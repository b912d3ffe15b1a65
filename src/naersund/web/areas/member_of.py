"""The Kommuneprofil's "Områder, kommunen hører til" (issue 14): the municipality's area on
every level of the release above it (its sundhedsråd, its 2027 region, its KKR, a user group
it belongs to), each with what must be said beside its figures (computed as the sum of its
municipalities, since when it exists as an organisation, a membership not verified against an
official list) and links to its Områdeoverblik and to Sammenlign/Udvikling with its
municipalities. The areas and notes come from :mod:`naersund.analysis.area_view`, as on the
Områdeoverblik."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict
from django.urls import reverse

from naersund.analysis import area_view
from naersund.analysis.group_compare import LEVEL_LABELS
from naersund.analysis.published import PublishedResults


@dataclass(frozen=True)
class MemberOf:
    level_name: str
    name: str
    notes: tuple[str, ...]
    overview_url: str
    compare_url: str | None  # Sammenlign with the area's municipalities (a partition level)
    trend_url: str | None


def areas_of(pub: PublishedResults, kommunekode: int, year: int) -> list[MemberOf]:
    """The municipality's areas on the release's levels, in the registry's order."""
    out = []
    for level, _, _ in area_view.level_choices(pub):
        code = pub.membership.get(level, {}).get(int(kommunekode))
        info = None if code is None else area_view.find_area(pub, level, code)
        if info is None:
            continue
        q = QueryDict(mutable=True)
        q.update({"kommune": str(kommunekode), "gruppe": level})
        compare = trend = None
        if level in LEVEL_LABELS:
            compare = f"{reverse('dashboard:sammenlign')}?{q.urlencode()}&aar={year}"
            trend = f"{reverse('dashboard:udvikling')}?{q.urlencode()}"
        overview = reverse("dashboard:omraade", args=[level, info.code]) + f"?aar={year}"
        out.append(MemberOf(info.level_name, info.name, info.notes, overview, compare, trend))
    return out
