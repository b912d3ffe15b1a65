"""Danish number formatting for print: decimal comma, thousands point ("1.234,5")."""

from __future__ import annotations

import math
from typing import Any

DASH = "–"


def missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def number(x: Any, decimals: int = 1) -> str:
    """``1234.56`` -> ``"1.234,6"``; missing values -> an en dash."""
    if missing(x):
        return DASH
    text = f"{float(x):,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def integer(x: Any) -> str:
    return number(x, 0)


def percent(x: Any, decimals: int = 1) -> str:
    return DASH if missing(x) else f"{number(x, decimals)} %"


def interval(lo: Any, hi: Any, decimals: int = 1) -> str:
    if missing(lo) or missing(hi):
        return DASH
    return f"{number(lo, decimals)}–{number(hi, decimals)}"
