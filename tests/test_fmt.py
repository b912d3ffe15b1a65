"""naersund.fmt: the one writer of Danish numbers (page, PDF, messages, chart labels)."""

from __future__ import annotations

import math

import pytest

from naersund import fmt

MINUS = "\u2212"


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (1234.567, 1, "1.234,6"),
        (1234567, 0, "1.234.567"),
        (0.5, 2, "0,50"),
        (-1.25, 1, f"{MINUS}1,2"),  # half to even: Python's rounding of 1.25
        (-1234.5, 1, f"{MINUS}1.234,5"),
        (-3, 0, f"{MINUS}3"),
        (-0.04, 1, "0,0"),  # rounds to zero: no sign
        (-0.4, 0, "0"),
        (-0.0, 1, "0,0"),
        (0, 1, "0,0"),
        (None, 1, "–"),
        (math.nan, 1, "–"),
    ],
)
def test_number(value: float | None, decimals: int, text: str) -> None:
    assert fmt.number(value, decimals) == text


def test_no_hyphen_for_a_negative_number() -> None:
    """The minus sign is U+2212 (the charts' axes write it so), never the hyphen."""
    assert "-" not in fmt.number(-12.5) + fmt.integer(-12345) + fmt.percent(-4.1)
    assert fmt.percent(-4.14) == f"{MINUS}4,1{fmt.NBSP}%"
    assert fmt.interval(-1.5, 2.25) == f"{MINUS}1,5–2,2"


def test_the_other_forms() -> None:
    assert fmt.integer(1250000) == "1.250.000"
    assert fmt.percent(None) == "–"
    assert fmt.interval(1, None) == "–"
    assert fmt.plain(100000) == "100.000"
    assert fmt.plain(2.5) == "2,5"
    assert fmt.plain(5.0) == "5"
    assert fmt.kroner(1250000) == "1.250.000 kr."
    assert fmt.kroner(None) == "–"


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(4.14, 1, "+4,1"), (-4.14, 1, f"{MINUS}4,1"), (0.004, 0, "0"), (-0.4, 0, "0"), (None, 0, "–")],
)
def test_signed(value: float | None, decimals: int, text: str) -> None:
    """A change carries its sign, except when it rounds to zero ("−0 pct." was printed)."""
    assert fmt.signed(value, decimals) == text


def test_a_per_cent_sign_stays_with_its_number() -> None:
    assert fmt.percent(12) == f"12,0{fmt.NBSP}%"
    assert (
        fmt.nobreak("Nedre 95 % og 95 %-interval")
        == f"Nedre 95{fmt.NBSP}% og 95{fmt.NBSP}%-interval"
    )
