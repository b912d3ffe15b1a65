"""The scope areas (refdata.scopes): a bare area code names one set of municipalities across the
scope levels, so URLs, questions and catalogue sections can carry a code alone."""

from __future__ import annotations

import pytest

from naersund.refdata import scopes
from naersund.refdata.areas import area_levels


def test_a_code_shared_by_two_scope_levels_names_the_same_municipalities() -> None:
    seen: dict[int, frozenset[int]] = {}
    shared = 0
    for level in scopes.SCOPE_LEVELS:
        for area in area_levels()[level].latest.areas:
            members = frozenset(area.members)
            if area.code in seen:
                shared += 1
                assert seen[area.code] == members, (level, area.code)
            seen[area.code] = members
    assert shared == 3  # Region Nordjylland, Midtjylland, Syddanmark 2027 = their KKR


def test_a_code_resolves_to_the_kkr_first_then_the_sundhedsraad() -> None:
    assert scopes.name(1084) == "KKR Hovedstaden"
    assert scopes.name(1081) == "KKR Nordjylland"
    assert scopes.name(2712) == "Sundhedsråd Amager og Vestegnen"
    assert scopes.name(1086) == "Region Østdanmark"
    assert len(scopes.members(1086)) == 46
    assert scopes.members(9999) == frozenset() and not scopes.is_scope(9999)


def test_every_municipality_is_in_one_area_per_scope_level() -> None:
    for code in (165, 851, 400):
        assert [a.level for a in scopes.areas_containing(code)] == list(scopes.SCOPE_LEVELS)


def test_unknown_levels_and_codes_are_refused_in_danish() -> None:
    with pytest.raises(scopes.ScopeError, match=r"^ukendt niveau 'land' for et område"):
        scopes.get("land", 0)
    with pytest.raises(scopes.ScopeError, match=r"^KKR har intet område med koden 2712"):
        scopes.get("kkr", 2712)
