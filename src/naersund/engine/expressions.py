"""Indicator definitions turned into Ibis expressions, built on table schemas and not on a live
connection, so the same expressions run on DuckDB and on Spark.

Every expression returns aggregates only: counts by municipality, year, age band and sex.
Person-level rows never leave the engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from naersund.errors import DefinitionError
from naersund.indicators.model import Followup, IndicatorDefinition, StayRules, StaySelection

HOUR = 3600
AGE_BAND_WIDTH = 5
TOP_BAND = 85  # 85+ is the oldest band in the population data

# Columns of the aggregate every indicator expression returns.
AGG_KEYS = ("kommunekode", "year", "age_lower", "sex")


def build_stays(contacts: ir.Table, rules: StayRules) -> ir.Table:
    """Join contacts into stays (sygehusophold).

    Contacts of one person belong to the same stay when they overlap or the gap from the latest
    end so far to the next start is at most ``merge_gap_hours``. A stay runs from its first
    contact's start to the latest end of its contacts. Its acute flag, primary diagnosis,
    specialty, hospital, municipality, sex and birth date come from its first contact (the
    earliest start; ties broken by the longest contact, then acute before planned, then the
    lowest diagnosis code, so the result never depends on row order); it counts as died when
    any of its contacts ends in death.
    """
    c = contacts.mutate(
        start_s=contacts.start.epoch_seconds().cast("int64"),
        end_s=contacts.end.epoch_seconds().cast("int64"),
    )
    order = [
        ibis._.start_s,
        ibis._.end_s.desc(),
        ibis._.acute.desc(),
        ibis._.primary_diagnosis,
        ibis._.kommunekode,
        ibis._.specialty,
        ibis._.hospital,
    ]
    before = ibis.window(group_by="person_id", order_by=order, rows=(None, -1))
    c = c.mutate(prev_end=c.end_s.max().over(before))
    gap = int(rules.merge_gap_hours * HOUR)
    c = c.mutate(
        new_stay=ibis.ifelse(c.prev_end.isnull() | (c.start_s - c.prev_end > gap), 1, 0)
    )
    upto = ibis.window(group_by="person_id", order_by=order, rows=(None, 0))
    c = c.mutate(stay_no=c.new_stay.sum().over(upto))

    first = c.filter(c.new_stay == 1).select(
        "person_id",
        "stay_no",
        "kommunekode",
        "sex",
        "birth_date",
        "start",
        "start_s",
        "acute",
        "primary_diagnosis",
        "specialty",
        "hospital",
    )
    whole = c.group_by(["person_id", "stay_no"]).agg(
        end=c.end.max(),
        end_s=c.end_s.max(),
        died=c.died.fill_null(False).cast("int8").max() == 1,
    )
    s = first.join(whole, ["person_id", "stay_no"])
    birth_md = s.birth_date.month() * 100 + s.birth_date.day()
    start_md = s.start.month() * 100 + s.start.day()
    age = (
        s.start.year()
        - s.birth_date.year()
        - ibis.ifelse(start_md < birth_md, 1, 0)
    )
    return s.mutate(
        age=age.cast("int32"),
        duration_s=s.end_s - s.start_s,
        specialty=s.specialty.fill_null("").lower(),
    ).drop("stay_no")


def _prefix_match(code: ir.StringValue, prefixes: Sequence[str]) -> ir.BooleanValue:
    """True when ``code`` starts with one of ``prefixes`` (one IN-list per prefix length)."""
    by_len: dict[int, list[str]] = {}
    for p in prefixes:
        by_len.setdefault(len(p), []).append(p)
    tests = [code.substr(0, n).isin(sorted(ps)) for n, ps in sorted(by_len.items())]
    out: ir.BooleanValue = ibis.literal(False)
    for t in tests:
        out = out | t
    return out


def _stay_filter(
    s: ir.Table,
    acute: bool | None,
    min_hours: float | None,
    exclude_diagnoses: Sequence[str],
    exclude_specialties: Sequence[str],
) -> list[ir.BooleanValue]:
    conds: list[ir.BooleanValue] = []
    if acute is not None:
        conds.append(s.acute == acute)
    if min_hours is not None:
        conds.append(s.duration_s >= int(min_hours * HOUR))
    if exclude_diagnoses:
        conds.append(~_prefix_match(s.primary_diagnosis, exclude_diagnoses))
    if exclude_specialties:
        conds.append(~s.specialty.isin([x.lower() for x in exclude_specialties]))
    return conds


def _selection(s: ir.Table, sel: StaySelection) -> list[ir.BooleanValue]:
    conds = _stay_filter(s, sel.acute, sel.min_hours, sel.exclude_diagnoses, sel.exclude_specialties)
    if sel.max_hours is not None:
        conds.append(s.duration_s < int(sel.max_hours * HOUR))
    if sel.min_age is not None:
        conds.append(s.age >= sel.min_age)
    if sel.max_age is not None:
        conds.append(s.age <= sel.max_age)
    if sel.diagnosis_groups:
        prefixes = [c for g in sel.diagnosis_groups.values() for c in g.codes]
        conds.append(_prefix_match(s.primary_diagnosis, prefixes))
    if sel.include_specialties:
        conds.append(s.specialty.isin([x.lower() for x in sel.include_specialties]))
    if sel.exclude_died:
        conds.append(~s.died)
    return conds


def _keys(s: ir.Table, year_of: str) -> ir.Table:
    ts = s.start if year_of == "start" else s.end
    band = (s.age // AGE_BAND_WIDTH) * AGE_BAND_WIDTH
    return s.mutate(
        year=ts.year().cast("int32"),
        age_lower=ibis.least(band, TOP_BAND).cast("int32"),
    )


def stay_rate(stays: ir.Table, d: IndicatorDefinition) -> ir.Table:
    """Count the selected stays by municipality, year, age band and sex."""
    assert d.selection is not None
    conds = _selection(stays, d.selection)
    s = stays.filter(conds) if conds else stays
    s = _keys(s, d.selection.year_of)
    return s.group_by(list(AGG_KEYS)).agg(numerator=s.count())


def _followup_condition(s: ir.Table, f: Followup) -> ir.BooleanValue:
    conds = _stay_filter(s, f.acute, f.min_hours, f.exclude_diagnoses, f.exclude_specialties)
    out: ir.BooleanValue = ibis.literal(True)
    for c in conds:
        out = out & c
    return out


def readmission_proportion(stays: ir.Table, d: IndicatorDefinition, rules: StayRules) -> ir.Table:
    """Index stays and how many of them are followed by a qualifying stay in the window.

    Stays of a person never overlap and start more than ``merge_gap_hours`` apart, so the
    first qualifying stay after an index stay starts after its end; checking that first one
    against the window is exact as long as the window opens before ``merge_gap_hours``.
    """
    assert d.selection is not None and d.followup is not None
    f = d.followup
    if f.window_hours_gt >= rules.merge_gap_hours:
        raise DefinitionError(
            f"{d.id}: followup.window_hours_gt ({f.window_hours_gt:g}) must be below the stay "
            f"merge gap ({rules.merge_gap_hours:g} h); the engine cannot express a later start"
        )
    after = ibis.window(group_by=stays.person_id, order_by=[stays.start_s], rows=(1, None))
    q = _followup_condition(stays, f)
    s = stays.mutate(next_start=ibis.ifelse(q, stays.start_s, None).min().over(after))
    gap = s.next_start - s.end_s
    s = s.mutate(
        readmitted=ibis.ifelse(
            gap.notnull() & (gap > int(f.window_hours_gt * HOUR)) & (gap <= int(f.window_hours_le * HOUR)),
            1,
            0,
        )
    )
    conds = _selection(s, d.selection)
    s = _keys(s.filter(conds) if conds else s, d.selection.year_of)
    return s.group_by(list(AGG_KEYS)).agg(numerator=s.readmitted.sum(), denominator=s.count())


def days_rate(ready: ir.Table, years: Sequence[int]) -> ir.Table:
    """Days ready for discharge, each counted in the calendar year it falls in.

    A period counts the days from ``ready_date`` up to (not including) ``discharge_date``.
    """
    epoch = dt.date(1970, 1, 1)
    y = ibis.memtable(
        {
            "year": list(years),
            "y0": [(dt.date(yr, 1, 1) - epoch).days for yr in years],
            "y1": [(dt.date(yr + 1, 1, 1) - epoch).days for yr in years],
        },
        schema={"year": "int32", "y0": "int64", "y1": "int64"},
    )
    r = ready.mutate(a=ready.ready_date.epoch_days(), b=ready.discharge_date.epoch_days())
    j = r.cross_join(y)
    days = ibis.least(j.b, j.y1) - ibis.greatest(j.a, j.y0)
    j = j.mutate(days=days).filter(days > 0)
    return (
        j.group_by(["kommunekode", "year"])
        .agg(numerator=j.days.sum())
        .mutate(age_lower=ibis.null("int32"), sex=ibis.null("string"))
        .select(*AGG_KEYS, "numerator")
    )
