"""User-defined groups of municipalities (a tværkommunalt samarbejde, a network of similar
municipalities) as a national administrator defines them in the web app, checked and turned
into an area level of level id ``gruppe``-style: each group a level of its own with one area
(:data:`~naersund.refdata.areas.GROUP_AREA_CODE`), not a partition, exactly as
:func:`naersund.refdata.areas.load_groups` makes them from a CSV.

Reference data, the bottom layer: imports only :mod:`naersund.refdata.areas`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from naersund.refdata.areas import (
    GROUP_AREA_CODE,
    Area,
    AreaLevel,
    LevelVersion,
    area_levels,
)
from naersund.refdata.areas import (
    _municipality_names as municipality_names,
)

#: The level id every user-defined group is shown under where levels are listed.
GROUP_LEVEL = "gruppe"
#: The comparable municipalities' id where pages offer groups to compare with (``?gruppe=``).
COMPARABLE = "sammenlignelige"
MIN_MEMBERS = 2
_SLUG = re.compile(r"^[a-z][a-z0-9_]{0,29}$")


def group_problems(group_id: str, name_da: str, members: Iterable[int | str]) -> dict[str, str]:
    """What is wrong with a group (field -> Danish message; empty when it can be saved): an id
    of a-z, 0-9 and _ that is no shipped level's, a name, at least two known municipalities,
    each once."""
    problems: dict[str, str] = {}
    if not _SLUG.match(group_id or ""):
        problems["slug"] = (
            f"'{group_id}' skal være små bogstaver a-z, tal og _ (højst 30 tegn) og begynde med "
            "et bogstav, fx vestegnen"
        )
    elif group_id in area_levels() or group_id in (GROUP_LEVEL, COMPARABLE):
        problems["slug"] = f"'{group_id}' er allerede et niveau i naersund; vælg et andet id"
    if not (name_da or "").strip():
        problems["name_da"] = "Gruppen skal have et navn."
    names = municipality_names()
    codes: list[int] = []
    for raw in members:
        text = str(raw).strip()
        if not text.isascii() or not text.isdigit() or int(text) not in names:
            problems["members"] = f"'{text}' er ikke en kommunekode for en af de 98 kommuner."
            return problems
        codes.append(int(text))
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        problems["members"] = f"Kommune {repeated[0]} {names[repeated[0]]} står to gange."
    elif len(codes) < MIN_MEMBERS:
        problems["members"] = (
            f"En gruppe skal have mindst {MIN_MEMBERS} kommuner (har {len(codes)})."
        )
    return problems


def group_level(group_id: str, name_da: str, members: Iterable[int]) -> AreaLevel:
    """The group as an area level with one area (code :data:`GROUP_AREA_CODE`)."""
    area = Area(group_id, GROUP_AREA_CODE, name_da, tuple(sorted(int(k) for k in members)))
    version = LevelVersion("", None, None, "brugerdefineret gruppe (naersund)", True, (area,))
    return AreaLevel(group_id, name_da, "Brugerdefineret gruppe af kommuner.", False, (version,))
