"""Indicator definitions turned into Ibis expressions, built on table schemas and not on a live
connection, so the same expressions run on DuckDB and on Spark.

Every expression returns aggregates only: counts by municipality, year, age band and sex.
Person-level rows never leave the engine.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import ibis
import ibis.expr.types as ir

from naersund.errors import DefinitionError
from naersund.indicators.model import (
    ContactScope,
    Followup,
    IndicatorDefinition,
    StayRules,
    StaySelection,
)

HOUR = 3600
# The unit of the times inside the engine's stays: whole seconds (the fast layout, for data
# where every start and end is a whole second, as LPR's minutes are) or microseconds (exact
# for any timestamp the input format allows). See :func:`build_stays`.
TimeUnit = Literal["s", "us"]
TICKS_PER_SECOND: dict[str, int] = {"s": 1, "us": 1_000_000}
AGE_BAND_WIDTH = 5
TOP_BAND = 85  # 85+ is the oldest band in the population data

# Columns of the aggregate every indicator expression returns.
AGG_KEYS = ("kommunekode", "year", "age_lower", "sex")


def _bound(x: ir.IntegerValue, lo: int, hi: int) -> ir.IntegerValue:
    """``x`` limited to ``[lo, hi]`` (plain GREATEST/LEAST: ``clip`` compiles to nested CASEs)."""
    return ibis.greatest(ibis.least(x, hi), lo)


# Days per 400 Gregorian years. Over 1850-2060 and ages up to 150, a person's n-th birthday
# falls within 1.87 days of n * 146097 / 400 days after the birth (checked day by day in the
# tests), so away from that point the age is the quotient of the days by the mean year.
GREGORIAN_400 = 146_097
BIRTHDAY_MARGIN_DAYS = 3


def _age(birth: ir.DateValue, at: ir.TimestampValue) -> ir.IntegerValue:
    """Age in whole years on the date of ``at`` (a birthday on that date counts; born 29
    February, a year older on 1 March in other years).

    Integer arithmetic on the days between the dates where no birthday is near, which is
    most rows; the calendar (year, month and day of both dates) only within three days of a
    birthday and for ages outside 0-150, where it costs far more than the arithmetic.
    """
    birth_md = birth.month() * 100 + birth.day()
    at_md = at.month() * 100 + at.day()
    calendar = at.year() - birth.year() - ibis.ifelse(at_md < birth_md, 1, 0)
    days = at.date().delta(birth, unit="day")
    scaled = days * 400
    rest = scaled % GREGORIAN_400
    margin = BIRTHDAY_MARGIN_DAYS * 400
    clear = (days >= 0) & (days < 150 * 365) & (rest >= margin) & (rest <= GREGORIAN_400 - margin)
    return ibis.ifelse(clear, scaled // GREGORIAN_400, calendar)


def flag_name(kind: str, d: IndicatorDefinition) -> str:
    return f"{kind}__{d.id}"


def _diagnosis_test(
    code: ir.StringValue, include: Sequence[str], exclude: Sequence[str]
) -> ir.BooleanValue:
    conds = []
    if include:
        conds.append(_prefix_match(code, include))
    if exclude:
        conds.append(~_prefix_match(code, exclude))
    return _all(conds)


def _first_exclusions(x: StaySelection | Followup) -> tuple[list[str], list[str]]:
    """The diagnosis prefixes and specialties that exclude a stay by its first contact."""
    first = x.scoped("first")
    return [p for e in first for p in e.diagnoses], [p for e in first for p in e.specialties]


def _code_flags(
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


def _attribute_flags(
    c: ir.Table, definitions: Sequence[IndicatorDefinition]
) -> dict[str, ir.BooleanValue]:
    """Per definition, the first-contact tests on everything but the diagnosis code."""
    flags: dict[str, ir.BooleanValue] = {}
    for d in definitions:
        if d.selection is not None:
            flags[flag_name("sel", d)] = _all(_selection(c, d.selection))
        if d.followup is not None:
            f = d.followup
            excluded = _first_exclusions(f)[1]
            flags[flag_name("fu", d)] = _all(_attribute_filter(c, f.acute, excluded))
    return flags


@dataclass(frozen=True)
class ScopedTest:
    """An exclusion on the last contact of a stay or on any of its contacts: true for a contact
    with one of the diagnosis prefixes or specialties. Definitions that share a test share its
    flag."""

    scope: ContactScope
    diagnoses: tuple[str, ...]
    specialties: tuple[str, ...]


def _scoped(x: StaySelection | Followup | None) -> list[ScopedTest]:
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
        for t in (*_scoped(d.selection), *_scoped(d.followup)):
            names.setdefault(t, f"x{t.scope}__{len(names)}")
    return names


# Seconds from 2000-01-01: times from 1932 to 2068 fit in 31 bits, so that start, duration and
# the acute flag pack into one 63-bit sort key.
EPOCH_2000 = 946_684_800
# The tie key, high bits to low: a code's rank among the distinct codes of the data (1 =
# lowest), the municipality, the age and the sex; below them the definitions' flags and died.
CODE_BITS = 24
KOMMUNE_BITS = 10
AGE_BITS = 7
SEX_BITS = 2
TIE_BITS = CODE_BITS + KOMMUNE_BITS + AGE_BITS + SEX_BITS
MAX_KOMMUNE = (1 << KOMMUNE_BITS) - 1


def _order_keys(c: ir.Table, flags: list[str], exact: bool) -> dict[str, ir.IntegerValue]:
    """Integer sort keys that order a person's contacts: start, then the longest, then acute,
    then the tie-breakers. Integers, few of them, because the sort is the engine's main cost.

    In whole seconds (``exact`` false) the start, duration and acute flag share one key,
    ``k_when``; in microseconds (``exact``) the start is ``k_when`` and the duration and acute
    flag are ``k_len`` (a microsecond start does not fit 31 bits beside them).

    The last key also carries what the sorted rows need and nothing orders by: each flag in
    ``flags`` (bit ``i + 1``, see :func:`_bit`) and the died flag (bit 0), read back with
    integer arithmetic after the sort instead of travelling as columns of their own.
    """
    order: dict[str, ir.IntegerValue]
    if exact:
        duration = _bound(c.end_us - c.start_us, 0, LEN_MASK >> 1)
        order = {"k_when": c.start_us, "k_len": LEN_MASK - (duration * 2 + c.acute.cast("int64"))}
    else:
        duration = _bound(c.end_s - c.start_s, 0, 2**31 - 1)
        acute = c.acute.cast("int64")
        order = {"k_when": (c.start_s - EPOCH_2000) * 2**32 + (2**32 - 1 - (duration * 2 + acute))}
    tie: ir.IntegerValue = _bound(c.code_rank.fill_null(0), 0, (1 << CODE_BITS) - 1)
    for value, width in (
        (c.kommunekode, KOMMUNE_BITS),
        (c.age, AGE_BITS),
        (c.sex_n, SEX_BITS),
    ):
        tie = tie * (1 << width) + _bound(value.cast("int64"), 0, (1 << width) - 1)
    bits: ir.IntegerValue = c.died_n.cast("int64")
    for i, name in enumerate(flags):
        bits = bits + c[name].cast("int64") * (1 << (i + 1))
    if TIE_BITS + len(flags) + 1 <= 63:
        return {**order, "k_tie": tie * (1 << (len(flags) + 1)) + bits}
    return {**order, "k_tie": tie, "k_flags": bits}


def _bit(key: ir.IntegerValue, i: int) -> ir.BooleanValue:
    """Bit ``i`` of an order key (bit 0 = died, bit ``i + 1`` = the ``i``-th flag)."""
    return (key & (1 << i)) != 0


def _start_s(when: ir.IntegerValue) -> ir.IntegerValue:
    """The start (epoch seconds) packed in ``k_when``."""
    return (when >> 32) + EPOCH_2000


def _end_s(when: ir.IntegerValue) -> ir.IntegerValue:
    """The end (epoch seconds) packed in ``k_when``: the start plus the duration."""
    return _start_s(when) + (((1 << 32) - 1 - (when & ((1 << 32) - 1))) >> 1)


# In microseconds, ``k_len`` is LEN_MASK minus (duration * 2 + acute): the longest, then acute,
# sorts first; durations up to 2**61 - 1 microseconds (73,000 years) are exact.
LEN_MASK = (1 << 62) - 1
EPOCH_1970 = dt.datetime(1970, 1, 1)


def _start_of(t: ir.Table, when: str, exact: bool) -> ir.IntegerValue:
    """The start (epoch seconds, or microseconds when ``exact``) in column ``when`` of ``t``
    (``k_when``, or a copy of it)."""
    return t[when] if exact else _start_s(t[when])


def _end_of(t: ir.Table, exact: bool) -> ir.IntegerValue:
    """The end of a contact (epoch seconds, or microseconds when ``exact``) from its keys."""
    if exact:
        return t.k_when + ((LEN_MASK - t.k_len) >> 1)
    return _end_s(t.k_when)


def _threshold(hours: float, unit: str, up: bool) -> int:
    """``hours`` in whole ticks of ``unit``, for comparing integer durations and gaps with it
    exactly: rounded up for ``>=`` and ``<`` tests (``up``), down for ``>`` and ``<=``. The
    hours count as the decimal a definition writes (0.1 h is 360 s), not as the nearest binary
    fraction."""
    ticks = Fraction(str(hours)) * HOUR * TICKS_PER_SECOND[unit]
    return math.ceil(ticks) if up else math.floor(ticks)


# Sex travels through the sorts as a small integer: 1 = M, 2 = F, 0 = anything else (NULL after).
SEX_CODES = {"M": 1, "F": 2}


def build_stays(
    contacts: ir.Table,
    rules: StayRules,
    definitions: Sequence[IndicatorDefinition] | None = None,
    kommunekoder: tuple[int, int] | None = None,
    time_unit: TimeUnit = "us",
) -> ir.Table:
    """Join contacts into stays (sygehusophold).

    Contacts of one person belong to the same stay when they overlap or the gap from the latest
    end so far to the next start is at most ``merge_gap_hours``. A stay runs from its first
    contact's start to the latest end of its contacts. Its acute flag, primary diagnosis,
    specialty, municipality, sex and age come from its first contact: the earliest start, ties broken by the longest contact,
    then acute before planned, then the lowest diagnosis code, then the lowest municipality
    code, age and sex, then by which definitions the contact matches (fewest first), so the
    result never depends on row order. Its death at discharge comes from its last contact: the
    latest end, then the latest start, then the lowest diagnosis code (and the rest of the tie
    key). A definition's exclusions on the last contact (``contact: last``) are read from that
    contact too, and those on ``any`` contact hold when one of the stay's contacts matches.

    Only what the indicators need travels through the engine's sorts: each definition's tests
    on first-contact attributes are evaluated on the contacts (``sel__<id>``, ``fu__<id>``),
    as is each distinct last- or any-contact exclusion (see :func:`scoped_tests`), before the
    contacts are joined; they ride in the sort key, with the died flag, the age
    (limited to 0-127, which only changes ages that validation rejects) and the sex as a small
    integer (``M`` and ``F``; any other value comes out as NULL). The persons are told apart
    by ``person_key`` when ``contacts`` has that column (an exact integer per person: sorting
    on it is much cheaper than on text), else by ``person_id``; the stays carry the one used.
    ``definitions`` defaults to the shipped ones. ``kommunekoder`` is the lowest and highest
    municipality code of ``contacts`` when the caller knows them (compute reads them from the
    Parquet footers): within 0-1023 the municipality rides in the sort key too and not as a
    column of its own.

    The sorted rows carry no end: it is read back from the start and duration in the sort key
    (a contact that ends before it starts, which validation rejects, counts as ending when it
    starts). One sort of all contacts finds where stays start and end; a stay of one contact (most
    stays) is complete then. Only the contacts of stays of several contacts are sorted again
    and grouped per stay, for its end, its first and last contact and the any-contact tests.
    The stays carry each definition's ``sel__<id>``/``fu__<id>`` with every scope applied.

    Every rule compares exact times in ``time_unit``. Microseconds (``"us"``, the default) are
    exact for any input: the sort keys are the start, then the duration and acute flag (with
    the tie key), and the stays carry ``start_us``, ``end_us`` and ``duration_us``. Whole
    seconds (``"s"``) pack start, duration and acute into one key, so the sort compares one
    integer less; they are exact only when every start and end is a whole second (LPR data
    are whole minutes), and a fraction would be cut off. Callers ask the data first
    (:func:`whole_seconds`; ``compute`` does) and pass ``"s"`` when it holds. The stays then
    carry ``start_s``, ``end_s`` and ``duration_s``; :func:`selected` and the readmission
    tests read the unit from which of these the stays have.
    """
    if time_unit not in TICKS_PER_SECOND:
        raise ValueError(f"time_unit must be one of {tuple(TICKS_PER_SECOND)}")
    exact = time_unit == "us"
    u = time_unit
    if definitions is None:
        from naersund.indicators import load_definitions

        definitions = load_definitions()
    c = contacts.mutate(
        specialty=contacts.specialty.fill_null("").lower(),
        age=_age(contacts.birth_date, contacts.start).cast("int16"),
    )
    # String work (prefix tests, the code's sort rank) runs once per distinct code, not per row.
    # The rank orders codes as strings do (byte by byte, shorter first), in a small integer.
    scoped = scoped_tests(definitions)
    codes = c.select(dx=c.primary_diagnosis).distinct()
    codes = codes.mutate(
        code_rank=ibis.row_number().over(order_by=codes.dx) + 1,
        **{f"dx__{k}": v for k, v in _code_flags(codes.dx, definitions).items()},
        **{
            f"dx__{name}": _prefix_match(codes.dx, t.diagnoses)
            for t, name in scoped.items()
            if t.diagnoses
        },
    )
    c = c.join(codes, c.primary_diagnosis == codes.dx, how="left")
    flags = {
        k: (v & c[f"dx__{k}"]).fill_null(False) for k, v in _attribute_flags(c, definitions).items()
    }
    first_flags = list(flags)
    for t, name in scoped.items():
        hit: ir.BooleanValue = ibis.literal(False)
        if t.diagnoses:
            hit = hit | c[f"dx__{name}"].fill_null(False)
        if t.specialties:
            hit = hit | c.specialty.isin(list(t.specialties))
        flags[name] = hit
    if exact:
        epoch = ibis.literal(EPOCH_1970)
        times = {
            "start_us": c.start.delta(epoch, unit="microsecond").cast("int64"),
            "end_us": c.end.delta(epoch, unit="microsecond").cast("int64"),
        }
    else:
        times = {
            "start_s": c.start.epoch_seconds().cast("int64"),
            "end_s": c.end.epoch_seconds().cast("int64"),
        }
    c = c.mutate(**times, died_n=c.died.fill_null(False).cast("int32"), **flags)
    c = c.mutate(
        sex_n=ibis.cases(*((c.sex == k, v) for k, v in SEX_CODES.items()), else_=0).cast("int8")
    )
    keys = _order_keys(c, list(flags), exact)
    bit = {name: i + 1 for i, name in enumerate(flags)}  # each flag's bit in the order key
    pk = "person_key" if "person_key" in c.columns else "person_id"
    # The sorted rows: the person and the order keys, which also carry the end, the flags,
    # died, age, sex and (when every code fits its bits exactly) the municipality; all
    # integers, as a string would cost far more.
    low, high = kommunekoder or (-1, -1)
    packed_kommune = 0 <= low <= high <= MAX_KOMMUNE
    own = [] if packed_kommune else ["kommunekode"]
    c = c.select(pk, *own, **keys)
    flag_key = list(keys)[-1]
    # Pass 1, over contacts: the latest end before each contact and the next contact's start.
    # A contact starts a stay when it starts more than the merge gap after every earlier end;
    # it ends one when the next contact starts a stay. In whole seconds ordered by k_when
    # alone: contacts that tie on it have the same start and end and always fall in one stay,
    # whichever comes first (unless the flags need a key of their own; then the sort takes
    # every key, as it did). In microseconds the sort takes every key, so that the first row
    # of a stay is its first contact.
    packed = "k_flags" not in keys
    full_order = exact or not packed
    order = [ibis._[k] for k in keys] if full_order else [ibis._.k_when]
    w = ibis.window(group_by=pk, order_by=order)
    before = ibis.window(group_by=pk, order_by=order, rows=(None, -1))
    c = c.mutate(prev_end=_end_of(c, exact).max().over(before), next_when=c.k_when.lead().over(w))
    gap = _threshold(rules.merge_gap_hours, u, up=False)
    end_t = _end_of(c, exact)
    incl_end = ibis.greatest(c.prev_end.fill_null(end_t), end_t)
    c = c.mutate(
        is_first=c.prev_end.isnull() | (_start_of(c, "k_when", exact) - c.prev_end > gap),
        is_last=c.next_when.isnull() | (_start_of(c, "next_when", exact) - incl_end > gap),
        # no earlier contact ends later: the stay's last contact is among these (see below)
        ends_latest=c.prev_end.isnull() | (end_t >= c.prev_end),
    )
    # A stay of one contact (most stays) is complete after pass 1.
    keep = [pk, *own, *keys]
    single = c.filter(c.is_first & c.is_last)
    single = single.select(
        *keep,
        **{f"end_{u}": _end_of(single, exact)},
        any_bits=single[flag_key],
        last_bits=single[flag_key],
    )
    # Pass 2, over the contacts of stays of several contacts only: each gets the k_when of
    # the latest stay start at or before it (its stay), and a stay ends at its contacts'
    # latest end. Its first-contact attributes come from its first contact: of those that
    # start it, the lowest k_tie. The any-contact flags are an OR over its contacts; the
    # last-contact flags and died come from its last contact: the latest end, then the latest
    # start, then the lowest k_tie (the lowest diagnosis code first).
    m = c.filter(~(c.is_first & c.is_last)).select(pk, "is_first", "ends_latest", *keep[1:])
    upto = ibis.window(group_by=pk, order_by=[ibis._.k_when], range=(None, 0))
    m = m.mutate(stay=ibis.ifelse(m.is_first, m.k_when, None).max().over(upto))
    pick = m.is_first if full_order else (m.k_when == m.stay)
    first = {k: m[k].min(where=pick) for k in keys if k != "k_when"}
    if own:
        first["kommunekode"] = m.kommunekode.argmin(m.k_tie, where=pick)
    last_flags = [0, *(bit[name] for t, name in scoped.items() if t.scope == "last")]
    last_pick = _last_pick(m, flag_key, packed, len(flags), last_flags, exact)
    # The any-contact flags as bits again, from one OR (``any``) per flag: Spark has no BIT_OR.
    any_bits: ir.IntegerValue = ibis.literal(0, "int64")
    for t, name in scoped.items():
        if t.scope == "any":
            hit = _bit(m[flag_key], bit[name]).any()
            any_bits = any_bits + ibis.ifelse(hit, 1 << bit[name], 0).cast("int64")
    m = m.group_by([pk, "stay"]).agg(
        **{f"end_{u}": _end_of(m, exact).max()},
        any_bits=any_bits,
        last_bits=last_pick,
        **first,
    )
    if not exact and len(last_flags) <= LAST_FLAG_BITS:
        m = m.mutate(last_bits=_last_bits(m.last_bits, last_flags))
    m = m.mutate(k_when=m.stay)
    m = m.select(*keep, f"end_{u}", "any_bits", "last_bits")
    s = ibis.union(single, m, distinct=False)
    s = s.mutate(**{f"start_{u}": _start_of(s, "k_when", exact)})
    s = s.mutate(**{f"duration_{u}": s[f"end_{u}"] - s[f"start_{u}"]})
    tie = s.k_tie >> (len(flags) + 1) if packed else s.k_tie
    s = s.mutate(
        sex_n=tie & ((1 << SEX_BITS) - 1),
        age=((tie >> SEX_BITS) & ((1 << AGE_BITS) - 1)).cast("int16"),
    )
    if packed_kommune:
        kommune = (tie >> (SEX_BITS + AGE_BITS)) & MAX_KOMMUNE
        s = s.mutate(kommunekode=kommune.cast(contacts.kommunekode.type()))
    source = {"first": s[flag_key], "any": s.any_bits, "last": s.last_bits}
    excluded = {name: _bit(source[t.scope], bit[name]) for t, name in scoped.items()}
    decoded: dict[str, ir.Value] = {
        "sex": ibis.cases(*((s.sex_n == v, k) for k, v in SEX_CODES.items()), else_=None),
        "died": _bit(s.last_bits, 0),
    }
    for d in definitions:
        for kind, x in (("sel", d.selection), ("fu", d.followup)):
            if x is None:
                continue
            name = flag_name(kind, d)
            out: ir.BooleanValue = _bit(s[flag_key], bit[name])
            for t in _scoped(x):
                out = out & ~excluded[scoped[t]]
            decoded[name] = out
    # The start is read back from k_when (in the unit of the keys, as the durations are)
    # rather than carried through both sorts as a timestamp of its own.
    if exact:
        s = s.mutate(start=ibis.literal(EPOCH_1970) + s.k_when.as_interval("us"))
    else:
        s = s.mutate(
            start=ibis.literal(dt.datetime(2000, 1, 1)) + (s.k_when >> 32).as_interval("s")
        )
    s = s.mutate(end=s.start + s[f"duration_{u}"].as_interval(u), **decoded)
    return s.select(
        pk,
        "kommunekode",
        "sex",
        "age",
        "start",
        "end",
        f"start_{u}",
        f"end_{u}",
        f"duration_{u}",
        "died",
        *first_flags,
    )


# The last contact's key in whole seconds, high bits to low: its start after the stay's start,
# its diagnosis code's rank (inverted: the lowest code wins), and the died flag and the
# last-contact flags (inverted: the fewest flags win), for one integer max per stay.
START_BITS = 32
LAST_FLAG_BITS = 63 - START_BITS - CODE_BITS


def _last_pick(
    m: ir.Table, flag_key: str, packed: bool, n_flags: int, last_flags: list[int], exact: bool
) -> ir.Value:
    """The aggregate that picks a stay's last contact among the contacts of stay ``m``: the
    latest end, then the latest start, then the lowest diagnosis code.

    In whole seconds (when the died flag and the last-contact flags fit ``LAST_FLAG_BITS``) one
    integer max over the contacts that end no earlier than any contact before them in the first
    sort (``ends_latest``): these end no later than the stay, one of the latest-ending ones
    comes after every other in that sort (start first, longest first), so the one that starts
    last of them ends with the stay and starts latest of those that do. Its key holds its
    start after the stay's, its code's rank and its flags; :func:`_last_bits` reads the flags
    back. On equal code ranks the fewest flags win (the reference leaves that tie open).

    Otherwise (microseconds, or more flags) an argmax over a struct of end, start and the tie
    key (DuckDB runs it through a sort key per row, about twice the cost of the max).
    """
    tie = m.k_tie >> (n_flags + 1) if packed else m.k_tie
    if exact or len(last_flags) > LAST_FLAG_BITS:
        order = {"end": _end_of(m, exact), "start": _start_of(m, "k_when", exact), "tie": -m.k_tie}
        if not packed:
            order["flags"] = -m.k_flags
        return m[flag_key].argmax(ibis.struct(order))
    code = tie >> (KOMMUNE_BITS + AGE_BITS + SEX_BITS)
    after = _bound((m.k_when >> 32) - (m.stay >> 32), 0, (1 << START_BITS) - 1)
    small: ir.IntegerValue = ibis.literal(0, "int64")
    for j, b in enumerate(last_flags):
        small = small + ibis.ifelse(_bit(m[flag_key], b), 1 << j, 0).cast("int64")
    key = (
        after * (1 << (CODE_BITS + LAST_FLAG_BITS))
        + ((1 << CODE_BITS) - 1 - code) * (1 << LAST_FLAG_BITS)
        + ((1 << LAST_FLAG_BITS) - 1 - small)
    )
    return key.max(where=m.ends_latest)


def _last_bits(key: ir.IntegerValue, last_flags: list[int]) -> ir.IntegerValue:
    """The died flag and last-contact flags from :func:`_last_pick`'s key, at their bits of the
    order key (the layout of ``last_bits`` for stays of one contact)."""
    small = (1 << LAST_FLAG_BITS) - 1 - (key & ((1 << LAST_FLAG_BITS) - 1))
    out: ir.IntegerValue = ibis.literal(0, "int64")
    for j, b in enumerate(last_flags):
        out = out + ibis.ifelse((small & (1 << j)) != 0, 1 << b, 0).cast("int64")
    return out


def whole_seconds(contacts: ir.Table) -> ir.BooleanScalar:
    """Whether every contact starts and ends on a whole second (then :func:`build_stays` may
    use its faster whole-second layout): one aggregate over the two columns."""
    fraction = (contacts.start.truncate("s") != contacts.start) | (
        contacts.end.truncate("s") != contacts.end
    )
    return ~fraction.any().fill_null(False)


def _all(conds: Sequence[ir.BooleanValue]) -> ir.BooleanValue:
    out: ir.BooleanValue = ibis.literal(True)
    for c in conds:
        out = out & c
    return out


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


def _flag(stays: ir.Table, kind: str, d: IndicatorDefinition) -> ir.BooleanValue:
    name = flag_name(kind, d)
    if name not in stays.columns:
        raise DefinitionError(f"{d.id}: the stays were built without this definition")
    return stays[name]


def stay_time_unit(s: ir.Table) -> TimeUnit:
    """The unit :func:`build_stays` built stays ``s`` in, told by their columns
    (``duration_us`` or ``duration_s``)."""
    return "us" if "duration_us" in s.columns else "s"


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
        conds.append(duration >= _threshold(sel.min_hours, unit, up=True))
    if sel.max_hours is not None:
        conds.append(duration < _threshold(sel.max_hours, unit, up=True))
    if sel.exclude_died:
        conds.append(~s.died)
    return _all(conds)


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
        q = q & (_time(s, "duration") >= _threshold(f.min_hours, stay_time_unit(s), up=True))
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
        & (gap > _threshold(f.window_hours_gt, unit, up=False))
        & (gap <= _threshold(f.window_hours_le, unit, up=False))
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
            gap > _threshold(f.window_hours_gt, unit, up=False),
            gap <= _threshold(f.window_hours_le, unit, up=False),
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
