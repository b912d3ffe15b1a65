"""Danish amounts for the economic texts: "311 mio. kr.", "4,1 pct." (numbers by
:mod:`naersund.fmt`)."""

from __future__ import annotations

from naersund.fmt import DASH, number


def kr_mio(x: float | None, decimals: int = 0, unit: str = "mio. kr.") -> str:
    """``311.2`` -> ``"311 mio. kr."`` (the amount is already in the unit)."""
    text = number(x, decimals)
    return text if text == DASH else f"{text} {unit}"


def pct(x: float | None, decimals: int = 1) -> str:
    """``4.1`` -> ``"4,1 pct."``."""
    text = number(x, decimals)
    return text if text == DASH else f"{text} pct."
