"""A definition's tests on single contacts, as Ibis boolean expressions: the diagnosis prefix
tests, the first-contact tests of a selection or follow-up (``sel__<id>``, ``fu__<id>``) and the
distinct last- and any-contact exclusions (:class:`ScopedTest`).

:func:`naersund.engine.stays.build_stays` evaluates these on the contacts before its sorts;
the disease cohorts (``engine/cohort.py``) use :func:`prefix_match` for their code lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from naersund.indicators.model import (
    ContactScope,
    Followup,
    IndicatorDefinition,
    StaySelection,
)


def flag_name(kind: str, d: IndicatorDefinition) -> str:
    return f"{kind}__{d.id}"


def _diagnosis_test(
    code: ir.StringValue, include: Sequence[str], exclude: Sequence[str]
) -> ir.BooleanValue:
    conds = []
    if include:
        conds.append(prefix_match(code, include))
    if exclude:
        conds.append(~prefix_match(code, exclude))
    return all_of(conds)


def _first_exclusions(x: StaySelection | Followup) -> tuple[list[str], list[str]]:
    """The diagnosis prefixes and specialties that exclude a stay by its first contact."""
    first = x.scoped("first")
    return [p for e in first for p in e.diagnoses], [p for e in first for p in e.specialties]


def code_flags(
    code: ir.StringValue, definitions: Sequence[IndicatorDefinition]
) -> dict[str, ir.BooleanValue]:
    """Per definition, the first-contact tests on the diagnosis code."""
    flags: dict[str, ir.BooleanValue] = {}
    for d in definitions:
        if d.selection is not None:
            sel = d.selection
            prefixes = [x for g in sel.diagnosis_groups.values() for x in g.codes]
            flags[flag_name("sel", d)] = _diagnosis_test(code, prefixes, _first_exclusions(sel)[0])
        if d.followup is not None:
            flags[flag_name("fu", d)] = _diagnosis_test(code, [], _first_exclusions(d.followup)[0])
    return flags


def attribute_flags(
    c: ir.Table, definitions: Sequence[IndicatorDefinition]
) -> dict[str, ir.BooleanValue]:
    """Per definition, the first-contact tests on everything but the diagnosis code."""
    flags: dict[str, ir.BooleanValue] = {}
    for d in definitions:
        if d.selection is not None:
            flags[flag_name("sel", d)] = all_of(_selection(c, d.selection))
        if d.followup is not None:
            f = d.followup
            excluded = _first_exclusions(f)[1]
            flags[flag_name("fu", d)] = all_of(_attribute_filter(c, f.acute, excluded))
    return flags


@dataclass(frozen=True)
class ScopedTest:
    """An exclusion on the last contact of a stay or on any of its contacts: true for a contact
    with one of the diagnosis prefixes or specialties. Definitions that share a test share its
    flag."""

    scope: ContactScope
    diagnoses: tuple[str, ...]
    specialties: tuple[str, ...]


def scoped_of(x: StaySelection | Followup | None) -> list[ScopedTest]:
    if x is None:
        return []
    return [
        ScopedTest(
            scope, tuple(sorted(e.diagnoses)), tuple(sorted(s.lower() for s in e.specialties))
        )
        for scope in ("last", "any")
        for e in x.scoped(scope)
    ]


def scoped_tests(definitions: Sequence[IndicatorDefinition]) -> dict[ScopedTest, str]:
    """Every distinct last- or any-contact exclusion of ``definitions``, with its flag's name."""
    names: dict[ScopedTest, str] = {}
    for d in definitions:
        for t in (*scoped_of(d.selection), *scoped_of(d.followup)):
            names.setdefault(t, f"x{t.scope}__{len(names)}")
    return names


def all_of(conds: Sequence[ir.BooleanValue]) -> ir.BooleanValue:
    out: ir.BooleanValue = ibis.literal(True)
    for c in conds:
        out = out & c
    return out


def prefix_match(code: ir.StringValue, prefixes: Sequence[str]) -> ir.BooleanValue:
    """True when ``code`` starts with one of ``prefixes`` (one IN-list per prefix length)."""
    by_len: dict[int, list[str]] = {}
    for p in prefixes:
        by_len.setdefault(len(p), []).append(p)
    tests = [code.substr(0, n).isin(sorted(ps)) for n, ps in sorted(by_len.items())]
    out: ir.BooleanValue = ibis.literal(False)
    for t in tests:
        out = out | t
    return out


def _attribute_filter(
    c: ir.Table, acute: bool | None, exclude_specialties: Sequence[str]
) -> list[ir.BooleanValue]:
    """Tests on a contact's acute flag and specialty."""
    conds: list[ir.BooleanValue] = []
    if acute is not None:
        conds.append(c.acute == acute)
    if exclude_specialties:
        conds.append(~c.specialty.isin([x.lower() for x in exclude_specialties]))
    return conds


def _selection(c: ir.Table, sel: StaySelection) -> list[ir.BooleanValue]:
    """The selection's tests on first-contact attributes other than the diagnosis."""
    conds = _attribute_filter(c, sel.acute, _first_exclusions(sel)[1])
    if sel.min_age is not None:
        conds.append(c.age >= sel.min_age)
    if sel.max_age is not None:
        conds.append(c.age <= sel.max_age)
    if sel.include_specialties:
        conds.append(c.specialty.isin([x.lower() for x in sel.include_specialties]))
    return conds
