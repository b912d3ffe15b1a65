"""The areas a user may choose on a round's results page (issue 14): every user Denmark and the
five KKR (as before); national administrators also every other partition level's areas (the
sundhedsråd, the regions of 2027); a secretariat also its own area (a sundhedsråd's). The
shares are counted for the chosen area's municipalities by :mod:`naersund.survey.aggregate`.

Codes are unique across the scope levels as far as it matters (:mod:`naersund.refdata.scopes`:
a 2027 region with a KKR's code has that KKR's municipalities), so the page's ``?kkr=<code>``
names one set of municipalities whatever its level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from naersund.refdata import KKR_NAMES, scopes
from naersund.survey import aggregate as agg
from naersund.web.accounts import access
from naersund.web.accounts.models import Role


@dataclass(frozen=True)
class AreaGroup:
    """One ``<optgroup>`` of the area selector."""

    label_da: str
    areas: list[agg.Area]


def area_groups(user: Any) -> list[AreaGroup]:
    """The areas ``user`` may choose, grouped by level (Denmark first, each code once)."""
    groups = [
        AreaGroup("Hele landet", [agg.national_area()]),
        AreaGroup("KKR", [agg.kkr_area(code) for code in sorted(KKR_NAMES)]),
    ]
    seen = set(KKR_NAMES)
    m = access.role_of(user)
    if m is not None and m.role == Role.NATIONAL_ADMIN:
        for level_name, found in scopes.choices():
            more = [agg.kkr_area(code) for code, _ in found if code not in seen]
            seen.update(a.code for a in more)
            if more:
                groups.append(AreaGroup(level_name, sorted(more, key=lambda a: a.name_da)))
    own = m.scope_area() if m is not None else None
    if own is not None and own.code not in seen:
        groups.append(AreaGroup(scopes.level_name(own.level), [agg.kkr_area(own.code)]))
    return groups


def chosen_area(user: Any, code: int | None) -> agg.Area | None:
    """The area ``code`` if ``user`` may choose it (Denmark for None), else None."""
    if code is None:
        return agg.national_area()
    for group in area_groups(user):
        for area in group.areas:
            if area.code == code and not area.is_national:
                return area
    return None
