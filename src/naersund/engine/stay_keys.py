"""The layout of the integer sort keys that order a person's contacts while stays are built
(:func:`naersund.engine.stays.build_stays`), and how values are read back from them.

The sort is the engine's main cost, so the keys are few integers: the start, duration and acute
flag (``k_when``, and in microseconds ``k_len``), and a tie key (``k_tie``) that also carries the
diagnosis code's rank, the municipality, the age, the sex, the definitions' flags and died.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir


def _bound(x: ir.IntegerValue, lo: int, hi: int) -> ir.IntegerValue:
    """``x`` limited to ``[lo, hi]`` (plain GREATEST/LEAST: ``clip`` compiles to nested CASEs)."""
    return ibis.greatest(ibis.least(x, hi), lo)


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


def order_keys(c: ir.Table, flags: list[str], exact: bool) -> dict[str, ir.IntegerValue]:
    """Integer sort keys that order a person's contacts: start, then the longest, then acute,
    then the tie-breakers. Integers, few of them, because the sort is the engine's main cost.

    In whole seconds (``exact`` false) the start, duration and acute flag share one key,
    ``k_when``; in microseconds (``exact``) the start is ``k_when`` and the duration and acute
    flag are ``k_len`` (a microsecond start does not fit 31 bits beside them).

    The last key also carries what the sorted rows need and nothing orders by: each flag in
    ``flags`` (bit ``i + 1``, see :func:`key_bit`) and the died flag (bit 0), read back with
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


def key_bit(key: ir.IntegerValue, i: int) -> ir.BooleanValue:
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


def start_of(t: ir.Table, when: str, exact: bool) -> ir.IntegerValue:
    """The start (epoch seconds, or microseconds when ``exact``) in column ``when`` of ``t``
    (``k_when``, or a copy of it)."""
    return t[when] if exact else _start_s(t[when])


def end_of(t: ir.Table, exact: bool) -> ir.IntegerValue:
    """The end of a contact (epoch seconds, or microseconds when ``exact``) from its keys."""
    if exact:
        return t.k_when + ((LEN_MASK - t.k_len) >> 1)
    return _end_s(t.k_when)


# Sex travels through the sorts as a small integer: 1 = M, 2 = F, 0 = anything else (NULL after).
SEX_CODES = {"M": 1, "F": 2}


# The last contact's key in whole seconds, high bits to low: its start after the stay's start,
# its diagnosis code's rank (inverted: the lowest code wins), and the died flag and the
# last-contact flags (inverted: the fewest flags win), for one integer max per stay.
START_BITS = 32
LAST_FLAG_BITS = 63 - START_BITS - CODE_BITS


def last_pick(
    m: ir.Table, flag_key: str, packed: bool, n_flags: int, last_flags: list[int], exact: bool
) -> ir.Value:
    """The aggregate that picks a stay's last contact among the contacts of stay ``m``: the
    latest end, then the latest start, then the lowest diagnosis code.

    In whole seconds (when the died flag and the last-contact flags fit ``LAST_FLAG_BITS``) one
    integer max over the contacts that end no earlier than any contact before them in the first
    sort (``ends_latest``): these end no later than the stay, one of the latest-ending ones
    comes after every other in that sort (start first, longest first), so the one that starts
    last of them ends with the stay and starts latest of those that do. Its key holds its
    start after the stay's, its code's rank and its flags; :func:`decode_last_bits` reads the flags
    back. On equal code ranks the fewest flags win (the reference leaves that tie open).

    Otherwise (microseconds, or more flags) an argmax over a struct of end, start and the tie
    key (DuckDB runs it through a sort key per row, about twice the cost of the max).
    """
    tie = m.k_tie >> (n_flags + 1) if packed else m.k_tie
    if exact or len(last_flags) > LAST_FLAG_BITS:
        order = {"end": end_of(m, exact), "start": start_of(m, "k_when", exact), "tie": -m.k_tie}
        if not packed:
            order["flags"] = -m.k_flags
        return m[flag_key].argmax(ibis.struct(order))
    code = tie >> (KOMMUNE_BITS + AGE_BITS + SEX_BITS)
    after = _bound((m.k_when >> 32) - (m.stay >> 32), 0, (1 << START_BITS) - 1)
    small: ir.IntegerValue = ibis.literal(0, "int64")
    for j, b in enumerate(last_flags):
        small = small + ibis.ifelse(key_bit(m[flag_key], b), 1 << j, 0).cast("int64")
    key = (
        after * (1 << (CODE_BITS + LAST_FLAG_BITS))
        + ((1 << CODE_BITS) - 1 - code) * (1 << LAST_FLAG_BITS)
        + ((1 << LAST_FLAG_BITS) - 1 - small)
    )
    return key.max(where=m.ends_latest)


def decode_last_bits(key: ir.IntegerValue, last_flags: list[int]) -> ir.IntegerValue:
    """The died flag and last-contact flags from :func:`last_pick`'s key, at their bits of the
    order key (the layout of ``last_bits`` for stays of one contact)."""
    small = (1 << LAST_FLAG_BITS) - 1 - (key & ((1 << LAST_FLAG_BITS) - 1))
    out: ir.IntegerValue = ibis.literal(0, "int64")
    for j, b in enumerate(last_flags):
        out = out + ibis.ifelse((small & (1 << j)) != 0, 1 << b, 0).cast("int64")
    return out
