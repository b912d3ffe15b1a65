"""Danish numbers for the economic texts: "311 mio. kr.", "4,1 pct.", "2.345 kr.".

(The project has several such helpers, see DESIGN-NOTES 5; these two are the economy's until
they move into one ``naersund/fmt.py``.)
"""

from __future__ import annotations

import math

DASH = "–"


def number(x: float | None, decimals: int = 1) -> str:
    """``1234.56`` -> ``"1.234,6"``; missing -> an en dash."""
    if x is None or math.isnan(x):
        return DASH
    text = f"{x:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def kr_mio(x: float | None, decimals: int = 0, unit: str = "mio. kr.") -> str:
    """``311.2`` -> ``"311 mio. kr."`` (the amount is already in the unit)."""
    text = number(x, decimals)
    return text if text == DASH else f"{text} {unit}"


def pct(x: float | None, decimals: int = 1) -> str:
    """``4.1`` -> ``"4,1 pct."``."""
    text = number(x, decimals)
    return text if text == DASH else f"{text} pct."
