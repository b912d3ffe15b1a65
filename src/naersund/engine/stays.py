"""Stays (sygehusophold) built from contacts: the engine's stay rules as Ibis expressions, built
on table schemas and not on a live connection, so they run on DuckDB and on Spark.

Owns :func:`build_stays` (its sort keys are in ``engine/stay_keys.py``, the definitions' tests
on contacts in ``engine/contact_tests.py``), a person's age in whole years, and the time unit the
stays compare times in (:data:`TimeUnit`, :func:`threshold`, :func:`stay_time_unit`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Literal

import ibis
import ibis.expr.types as ir

from naersund.engine.contact_tests import (
    attribute_flags,
    code_flags,
    flag_name,
    prefix_match,
    scoped_of,
    scoped_tests,
)
from naersund.engine.stay_keys import (
    AGE_BITS,
    EPOCH_1970,
    LAST_FLAG_BITS,
    MAX_KOMMUNE,
    SEX_BITS,
    SEX_CODES,
    decode_last_bits,
    end_of,
    key_bit,
    last_pick,
    order_keys,
    start_of,
)
from naersund.indicators.model import IndicatorDefinition, StayRules

HOUR = 3600
# The unit of the times inside the engine's stays: whole seconds (the fast layout, for data
# where every start and end is a whole second, as LPR's minutes are) or microseconds (exact
# for any timestamp the input format allows). See :func:`build_stays`.
TimeUnit = Literal["s", "us"]
TICKS_PER_SECOND: dict[str, int] = {"s": 1, "us": 1_000_000}

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


def threshold(hours: float, unit: str, up: bool) -> int:
    """``hours`` in whole ticks of ``unit``, for comparing integer durations and gaps with it
    exactly: rounded up for ``>=`` and ``<`` tests (``up``), down for ``>`` and ``<=``. The
    hours count as the decimal a definition writes (0.1 h is 360 s), not as the nearest binary
    fraction."""
    ticks = Fraction(str(hours)) * HOUR * TICKS_PER_SECOND[unit]
    return math.ceil(ticks) if up else math.floor(ticks)


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
    carry ``start_s``, ``end_s`` and ``duration_s``;
    :func:`naersund.engine.expressions.selected` and the readmission tests read the unit from which of these the stays have.
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
        **{f"dx__{k}": v for k, v in code_flags(codes.dx, definitions).items()},
        **{
            f"dx__{name}": prefix_match(codes.dx, t.diagnoses)
            for t, name in scoped.items()
            if t.diagnoses
        },
    )
    c = c.join(codes, c.primary_diagnosis == codes.dx, how="left")
    flags = {
        k: (v & c[f"dx__{k}"]).fill_null(False) for k, v in attribute_flags(c, definitions).items()
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
    keys = order_keys(c, list(flags), exact)
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
    c = c.mutate(prev_end=end_of(c, exact).max().over(before), next_when=c.k_when.lead().over(w))
    gap = threshold(rules.merge_gap_hours, u, up=False)
    end_t = end_of(c, exact)
    incl_end = ibis.greatest(c.prev_end.fill_null(end_t), end_t)
    c = c.mutate(
        is_first=c.prev_end.isnull() | (start_of(c, "k_when", exact) - c.prev_end > gap),
        is_last=c.next_when.isnull() | (start_of(c, "next_when", exact) - incl_end > gap),
        # no earlier contact ends later: the stay's last contact is among these (see below)
        ends_latest=c.prev_end.isnull() | (end_t >= c.prev_end),
    )
    # A stay of one contact (most stays) is complete after pass 1.
    keep = [pk, *own, *keys]
    single = c.filter(c.is_first & c.is_last)
    single = single.select(
        *keep,
        **{f"end_{u}": end_of(single, exact)},
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
    last_key = last_pick(m, flag_key, packed, len(flags), last_flags, exact)
    # The any-contact flags as bits again, from one OR (``any``) per flag: Spark has no BIT_OR.
    any_bits: ir.IntegerValue = ibis.literal(0, "int64")
    for t, name in scoped.items():
        if t.scope == "any":
            hit = key_bit(m[flag_key], bit[name]).any()
            any_bits = any_bits + ibis.ifelse(hit, 1 << bit[name], 0).cast("int64")
    m = m.group_by([pk, "stay"]).agg(
        **{f"end_{u}": end_of(m, exact).max()},
        any_bits=any_bits,
        last_bits=last_key,
        **first,
    )
    if not exact and len(last_flags) <= LAST_FLAG_BITS:
        m = m.mutate(last_bits=decode_last_bits(m.last_bits, last_flags))
    m = m.mutate(k_when=m.stay)
    m = m.select(*keep, f"end_{u}", "any_bits", "last_bits")
    s = ibis.union(single, m, distinct=False)
    s = s.mutate(**{f"start_{u}": start_of(s, "k_when", exact)})
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
    excluded = {name: key_bit(source[t.scope], bit[name]) for t, name in scoped.items()}
    decoded: dict[str, ir.Value] = {
        "sex": ibis.cases(*((s.sex_n == v, k) for k, v in SEX_CODES.items()), else_=None),
        "died": key_bit(s.last_bits, 0),
    }
    for d in definitions:
        for kind, x in (("sel", d.selection), ("fu", d.followup)):
            if x is None:
                continue
            name = flag_name(kind, d)
            out: ir.BooleanValue = key_bit(s[flag_key], bit[name])
            for t in scoped_of(x):
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


def whole_seconds(contacts: ir.Table) -> ir.BooleanScalar:
    """Whether every contact starts and ends on a whole second (then :func:`build_stays` may
    use its faster whole-second layout): one aggregate over the two columns."""
    fraction = (contacts.start.truncate("s") != contacts.start) | (
        contacts.end.truncate("s") != contacts.end
    )
    return ~fraction.any().fill_null(False)


def stay_time_unit(s: ir.Table) -> TimeUnit:
    """The unit :func:`build_stays` built stays ``s`` in, told by their columns
    (``duration_us`` or ``duration_s``)."""
    return "us" if "duration_us" in s.columns else "s"
