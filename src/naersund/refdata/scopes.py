"""Scopes: the areas a role, a catalogue section or a status round can belong to.

A *scope* is one area of a partition level above the municipality: a KKR (1081-1085), a
sundhedsråd (2701-2717) or a region of 2027 (1081-1083 and Region Østdanmark 1086). A KKR
secretariat, a sundhedsråd secretariat and a region's secretariat all read the answers of their
area's municipalities; the catalogue attaches goals and initiatives to such an area; a round
asks a municipality its own areas' initiatives.

Area codes are unique across the scope levels as far as it matters: where two scope levels
share a code (KKR Nordjylland and the 2027 Region Nordjylland are both 1081), the two areas have
the same municipalities, so a code alone (as in a URL or a question's ``region_code``) names one
set of municipalities. :func:`find` resolves a code by looking in :data:`SCOPE_LEVELS` in order;
``tests/test_scopes.py`` proves the uniqueness for the shipped levels.

Reference data, the bottom layer: imports only :mod:`naersund.refdata.areas`.
"""

from __future__ import annotations

from functools import cache

from naersund.refdata.areas import UNVERIFIED_NOTE, Area, AreaLevel, area_levels

#: The levels a scope can be on, in the order a bare code is looked up (KKR first, so that the
#: KKR codes keep their KKR names).
SCOPE_LEVELS: tuple[str, ...] = ("kkr", "sundhedsraad", "region2027")
#: The level of a scope when none is named (every scope before issue 14 was a KKR).
DEFAULT_LEVEL = "kkr"


class ScopeError(ValueError):
    """An unknown level or area code; the message is Danish."""


def scope_levels() -> list[AreaLevel]:
    levels = area_levels()
    return [levels[i] for i in SCOPE_LEVELS if i in levels]


@cache
def _by_code() -> dict[int, Area]:
    out: dict[int, Area] = {}
    for level in scope_levels():
        for a in level.latest.areas:
            out.setdefault(a.code, a)
    return out


def level_name(level: str) -> str:
    """The level's Danish name (``Sundhedsråd``), or the id for an unknown level."""
    lv = area_levels().get(level)
    return lv.name_da if lv is not None else level


def get(level: str, code: int) -> Area:
    """The area ``code`` of scope level ``level``; :class:`ScopeError` if there is none."""
    if level not in SCOPE_LEVELS or level not in area_levels():
        known = ", ".join(SCOPE_LEVELS)
        raise ScopeError(f"ukendt niveau '{level}' for et område (kendte niveauer: {known})")
    for a in area_levels()[level].latest.areas:
        if a.code == code:
            return a
    codes = ", ".join(str(a.code) for a in area_levels()[level].latest.areas)
    raise ScopeError(f"{level_name(level)} har intet område med koden {code} (koderne er {codes})")


def find(code: int) -> Area | None:
    """The scope area with this code (the first of :data:`SCOPE_LEVELS` that has it), or None."""
    return _by_code().get(code)


def is_scope(code: int) -> bool:
    return code in _by_code()


def members(code: int) -> frozenset[int]:
    """The kommunekoder of the scope area ``code`` (empty for an unknown code)."""
    a = find(code)
    return frozenset(a.members) if a is not None else frozenset()


def name(code: int, default: str | None = None) -> str:
    """The Danish name of the scope area ``code`` ("KKR Hovedstaden", "Sundhedsråd Fyn")."""
    a = find(code)
    if a is not None:
        return a.name
    return default if default is not None else str(code)


def unverified_note(code: int) -> str | None:
    """``"ikke verificeret mod officiel liste"`` when the scope area ``code`` belongs to a level
    whose membership comes from an unverified source (the sundhedsråd); None otherwise."""
    a = find(code)
    if a is None or get_level(a.level).verified:
        return None
    return UNVERIFIED_NOTE


def codes_of(level: str) -> list[int]:
    """The area codes of one scope level, in code order."""
    return [a.code for a in get_level(level).latest.areas]


def get_level(level: str) -> AreaLevel:
    if level not in SCOPE_LEVELS or level not in area_levels():
        known = ", ".join(SCOPE_LEVELS)
        raise ScopeError(f"ukendt niveau '{level}' for et område (kendte niveauer: {known})")
    return area_levels()[level]


def areas_containing(kommunekode: int) -> list[Area]:
    """The scope areas (one per scope level) the municipality belongs to."""
    return [a for level in scope_levels() for a in level.latest.areas if kommunekode in a.members]


def choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Grouped choices for a form (level name, [(code, area name)]), each code once."""
    seen: set[int] = set()
    out: list[tuple[str, list[tuple[int, str]]]] = []
    for level in scope_levels():
        group = [(a.code, a.name) for a in level.latest.areas if a.code not in seen]
        seen.update(c for c, _ in group)
        if group:
            out.append((level.name_da, group))
    return out
