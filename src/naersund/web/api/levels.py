"""The API's area levels (issue 14): which levels a release has, the checked ``level`` and
``parent_level`` parameters, and each figure's parent on a chosen level, from
:meth:`naersund.analysis.PublishedResults.figure` (the one figure every page shows)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions

from naersund.analysis.area_view import release_level_notes
from naersund.analysis.published import PublishedResults
from naersund.refdata import areas
from naersund.web.dashboard.models import Release


def release_levels(release: Release) -> list[str]:
    """Every shipped level and the user groups the release's metadata declare."""
    declared = release.meta.get("levels")
    groups = [str(k) for k in declared] if isinstance(declared, dict) else []
    return list(dict.fromkeys([*areas.level_ids(), *groups]))


def checked_level(value: str, levels: list[str], field: str) -> str:
    """``value`` when it is one of ``levels``; a 400 naming the field and the levels otherwise."""
    if value not in levels:
        raise exceptions.ValidationError(
            {field: f"'{value}' skal være et af områdeniveauerne {', '.join(levels)}."}
        )
    return value


def level_notes(pub: PublishedResults, levels: set[str]) -> list[dict[str, Any]]:
    """The notes of the areas' levels among ``levels`` (the sundhedsråd's unverified
    membership, the years before a level existed), as the pages and downloads say them."""
    return [
        {"level": n.level, "name": n.name, "verified": n.verified, "notes": list(n.notes)}
        for n in release_level_notes(pub, sorted(levels))
    ]


def add_parents(pub: PublishedResults, rows: list[dict[str, Any]], parent_level: str) -> None:
    """Give each row's ``figure`` the area's parent on ``parent_level``: ``parent_level``,
    ``parent_code`` (None where the area's municipalities lie in more than one area of that
    level) and ``parent_value`` (the parent's value in the same measure; None when masked)."""
    for row in rows:
        if row.get("figure") is None:
            continue
        f = pub.figure(
            str(row["indicator"]),
            str(row["level"]),
            int(row["area_code"]),
            int(row["year"]),
            parent_level=parent_level,
        )
        row["figure"] = {
            **row["figure"],
            "parent_level": f.parent_level,
            "parent_code": f.parent_code,
            "parent_value": f.parent,
        }
