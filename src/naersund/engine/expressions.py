"""Indicator counts over stays as Ibis expressions, built on table schemas and not on a live
connection, so the same expressions run on DuckDB and on Spark: which stays a definition
selects, readmissions, the one wide aggregate of every stay indicator (:func:`stay_aggregates`)
and its split per indicator (:func:`narrow`), and days ready for discharge (:func:`days_rate`).

The stays themselves are built by :func:`naersund.engine.stays.build_stays`.

Every expression returns aggregates only: counts by municipality, year, age band and sex.
Person-level rows never leave the engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import ibis
import ibis.expr.types as ir

from naersund.engine.contact_tests import all_of, flag_name
from naersund.engine.stays import stay_time_unit, threshold
from naersund.errors import DefinitionError
from naersund.indicators.model import Followup, IndicatorDefinition, StayRules

AGE_BAND_WIDTH = 5
TOP_BAND = 85  # 85+ is the oldest band in the population data

# Columns of the aggregate every indicator expression returns.
AGG_KEYS = ("kommunekode", "year", "age_lower", "sex")


def _flag(stays: ir.Table, kind: str, d: IndicatorDefinition) -> ir.BooleanValue:
    name = flag_name(kind, d)
    if name not in stays.columns:
        raise DefinitionError(f"{d.id}: the stays were built without this definition")
    return stays[name]


def _time(s: ir.Table, what: str) -> ir.IntegerValue:
    """The stays' ``start``, ``end`` or ``duration`` as an integer in their time unit."""
    return s[f"{what}_{stay_time_unit(s)}"]


def selected(s: ir.Table, d: IndicatorDefinition) -> ir.BooleanValue:
    """Whether a stay is selected: first-contact tests, then duration and death."""
    sel = d.selection
    assert sel is not None
    conds = [_flag(s, "sel", d)]
    unit, duration = stay_time_unit(s), _time(s, "duration")
    if sel.min_hours is not None:
        conds.append(duration >= threshold(sel.min_hours, unit, up=True))
    if sel.max_hours is not None:
        conds.append(duration < threshold(sel.max_hours, unit, up=True))
    if sel.exclude_died:
        conds.append(~s.died)
    return all_of(conds)


def _check_followup(d: IndicatorDefinition, f: Followup, rules: StayRules | None) -> None:
    merge_gap = (rules or StayRules()).merge_gap_hours
    if f.window_hours_gt >= merge_gap:
        raise DefinitionError(
            f"{d.id}: followup.window_hours_gt ({f.window_hours_gt:g}) must be below the "
            f"stay merge gap ({merge_gap:g} h); the engine cannot express a later start"
        )


def _qualifies(s: ir.Table, d: IndicatorDefinition, f: Followup) -> ir.BooleanValue:
    """Whether a stay counts as a readmission for ``d``."""
    q = _flag(s, "fu", d)
    if f.min_hours is not None:
        q = q & (_time(s, "duration") >= threshold(f.min_hours, stay_time_unit(s), up=True))
    return q


def _person(s: ir.Table) -> str:
    return "person_key" if "person_key" in s.columns else "person_id"


def _with_readmissions(
    s: ir.Table, definitions: Sequence[IndicatorDefinition], rules: StayRules | None
) -> ir.Table:
    """Per readmission definition, the start of the first qualifying stay after each stay (a
    window over each person's stays: one more sort).

    Stays of a person never overlap and start more than ``merge_gap_hours`` apart, so every
    later stay starts after this one ends; taking the first qualifying one and checking it
    against the window is exact as long as the window opens before ``merge_gap_hours``.
    """
    start = _time(s, "start")
    after = ibis.window(group_by=_person(s), order_by=[start], rows=(1, None))
    nexts = {}
    for d in definitions:
        f = d.followup
        if f is None:
            continue
        _check_followup(d, f, rules)
        nexts[f"next__{d.id}"] = ibis.ifelse(_qualifies(s, d, f), start, None).min().over(after)
    return s.mutate(**nexts) if nexts else s


def _readmitted(s: ir.Table, f: Followup, d: IndicatorDefinition) -> ir.BooleanValue:
    gap = s[f"next__{d.id}"] - _time(s, "end")
    unit = stay_time_unit(s)
    return (
        gap.notnull()
        & (gap > threshold(f.window_hours_gt, unit, up=False))
        & (gap <= threshold(f.window_hours_le, unit, up=False))
    )


def readmitted_stays(
    s: ir.Table, d: IndicatorDefinition, chosen: ir.BooleanValue, rules: StayRules | None
) -> ir.Table:
    """The chosen stays of readmission definition ``d`` followed by a qualifying stay in the
    window: a semi-join with the qualifying stays of the same person (no sort).

    Every later stay of a person starts more than ``merge_gap_hours`` after this one ends, so a
    later qualifying stay in the window exists exactly when the first later qualifying stay is
    in it (as long as the window opens before ``merge_gap_hours``): the same count as
    :func:`_with_readmissions`.
    """
    f = d.followup
    assert f is not None
    _check_followup(d, f, rules)
    pk = _person(s)
    unit = stay_time_unit(s)
    later = s.filter(_qualifies(s, d, f)).select(r_person=s[pk], r_start=_time(s, "start"))
    index = s.filter(chosen)
    gap = later.r_start - _time(index, "end")
    return index.semi_join(
        later,
        [
            index[pk] == later.r_person,
            later.r_start > _time(index, "start"),
            gap > threshold(f.window_hours_gt, unit, up=False),
            gap <= threshold(f.window_hours_le, unit, up=False),
        ],
    )


READMISSION_METHODS = ("join", "window")


def stay_aggregates(
    stays: ir.Table,
    definitions: Sequence[IndicatorDefinition],
    rules: StayRules | None = None,
    readmissions: str = "join",
) -> ir.Table:
    """Every stay-based indicator over the stays, as one query.

    Grouped by ``kommunekode, year_start, year_end, age_lower, sex`` with ``n__<id>`` (and
    ``d__<id>`` for proportions) per definition; split per indicator with :func:`narrow`.

    Readmissions are found by a semi-join of each person's stays (``"join"``: the stays are
    read three times, which DuckDB does from one materialised copy) or by a window over them
    (``"window"``: one more sort, but the stays are computed once on engines that would
    recompute a shared subquery, such as Spark). Both give the same counts.
    """
    if readmissions not in READMISSION_METHODS:
        raise ValueError(f"readmissions must be one of {READMISSION_METHODS}")
    defs = [d for d in definitions if d.selection is not None]
    window = readmissions == "window"
    s = _with_readmissions(stays, defs, rules) if window else stays
    band = (s.age // AGE_BAND_WIDTH) * AGE_BAND_WIDTH
    s = s.mutate(
        year_start=s.start.year().cast("int32"),
        year_end=s.end.year().cast("int32"),
        age_lower=ibis.least(band, TOP_BAND).cast("int32"),
    )
    group = ["kommunekode", "year_start", "year_end", "age_lower", "sex"]
    sums: dict[str, ir.Value] = {}
    hits: dict[str, ir.Table] = {}
    for d in defs:
        chosen = selected(s, d)
        if d.followup is None:
            sums[f"n__{d.id}"] = chosen.cast("int64").sum()
            continue
        sums[f"d__{d.id}"] = chosen.cast("int64").sum()
        if window:
            sums[f"n__{d.id}"] = (chosen & _readmitted(s, d.followup, d)).cast("int64").sum()
        else:
            hits[f"n__{d.id}"] = readmitted_stays(s, d, chosen, rules)
    wide = s.group_by(group).agg(**sums)
    if not hits:
        return wide
    # The counts of readmitted stays join the other sums as extra rows of one more group-by.
    zero = ibis.literal(0, "int64")
    names = [n for d in defs for n in (f"d__{d.id}", f"n__{d.id}") if n in sums or n in hits]
    parts = [wide.select(*group, **{k: wide[k] if k in sums else zero for k in names})]
    for name, h in hits.items():
        counted = h.group_by(group).agg(**{name: h.count().cast("int64")})
        parts.append(
            counted.select(*group, **{k: counted[k] if k == name else zero for k in names})
        )
    both = ibis.union(*parts, distinct=False)
    return both.group_by(group).agg(**{k: both[k].sum() for k in names})


def narrow(wide: Any, d: IndicatorDefinition) -> Any:
    """One indicator's aggregate (``AGG_KEYS``, numerator[, denominator]) from the wide one.

    Works on an Ibis table or a pandas DataFrame (the executed wide aggregate).
    """
    assert d.selection is not None
    year = "year_start" if d.selection.year_of == "start" else "year_end"
    cols = {"numerator": f"n__{d.id}"}
    if d.followup is not None:
        cols["denominator"] = f"d__{d.id}"
    if isinstance(wide, ir.Table):
        t = wide.mutate(year=wide[year], **{k: wide[v] for k, v in cols.items()})
        t = t.group_by(list(AGG_KEYS)).agg(**{k: t[k].sum() for k in cols})
        return t.filter(t.denominator > 0 if "denominator" in cols else t.numerator > 0)
    df = wide.rename(columns={year: "year", **{v: k for k, v in cols.items()}})
    df = df.groupby(list(AGG_KEYS), as_index=False)[list(cols)].sum()
    keep = df["denominator"] > 0 if "denominator" in cols else df["numerator"] > 0
    return df[keep].reset_index(drop=True)


def stay_rate(stays: ir.Table, d: IndicatorDefinition) -> ir.Table:
    """Count the selected stays by municipality, year, age band and sex."""
    return narrow(stay_aggregates(stays, [d]), d)


def readmission_proportion(stays: ir.Table, d: IndicatorDefinition, rules: StayRules) -> ir.Table:
    """Index stays and how many of them are followed by a qualifying stay in the window."""
    return narrow(stay_aggregates(stays, [d], rules), d)


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
