"""Danish numbers as every page, report, message and chart label writes them.

One module, so that a figure printed on the web page, in the PDF and in a message reads the
same (DESIGN-NOTES 5): decimal comma and thousands point (``1.234,5``); the minus sign U+2212
(``−1,5``), as the charts' axes (d3-format) and Danish typesetting write it and as screen
readers read it ("minus", where a hyphen is read "bindestreg" or skipped); no sign on a value
that rounds to zero (``0,0``, never ``-0,0``); an en dash for a missing value; a no-break
space before ``%``, so that a line never begins with a per cent sign (``−18`` at the end of a
line, ``% til −6 %`` on the next, was printed in the effects' sentence).
"""

from __future__ import annotations

import math
import re
from typing import Any

DASH = "–"
MINUS = "\u2212"
NBSP = "\u00a0"

_SWAP = str.maketrans({",": ".", ".": ","})


def missing(x: Any) -> bool:
    """``None`` or NaN."""
    return x is None or (isinstance(x, float) and math.isnan(x))


def number(x: Any, decimals: int = 1) -> str:
    """``1234.56`` -> ``"1.234,6"``; ``-0.5`` -> ``"−0,5"``; ``-0.04`` -> ``"0,0"``; missing
    -> an en dash."""
    if missing(x):
        return DASH
    value = float(x)
    text = f"{abs(value):,.{decimals}f}".translate(_SWAP)
    return MINUS + text if value < 0 and not _zero(text) else text


def _zero(text: str) -> bool:
    """The written number is zero ("0", "0,00")."""
    return text.strip("0,.") == ""


def integer(x: Any) -> str:
    """``1234567`` -> ``"1.234.567"``."""
    return number(x, 0)


def percent(x: Any, decimals: int = 1) -> str:
    """``4.15`` -> ``"4,2 %"`` with a no-break space (the value is already in per cent)."""
    return DASH if missing(x) else f"{number(x, decimals)}{NBSP}%"


def interval(lo: Any, hi: Any, decimals: int = 1) -> str:
    """``"1,2–3,4"``; an en dash when either end is missing."""
    if missing(lo) or missing(hi):
        return DASH
    return f"{number(lo, decimals)}–{number(hi, decimals)}"


def signed(x: Any, decimals: int = 1) -> str:
    """A change: ``"+4,1"``, ``"−4,1"``; ``"0,0"`` (no sign) when it rounds to zero."""
    text = number(x, decimals)
    if missing(x) or text.startswith(MINUS) or _zero(text):
        return text
    return "+" + text


def nobreak(text: str) -> str:
    """``text`` with a no-break space between a number and its ``%`` (a column's name, "Nedre
    95 %", broke as "Nedre 95" over "%")."""
    return re.sub(r"(\d) %", rf"\1{NBSP}%", text)


def plain(x: Any) -> str:
    """Decimals only when needed: ``100000`` -> ``"100.000"``, ``2.5`` -> ``"2,5"`` (a limit
    or a count in a message)."""
    if missing(x):
        return DASH
    return integer(x) if float(x).is_integer() else number(x, 1)


def kroner(x: Any) -> str:
    """``1250000`` -> ``"1.250.000 kr."`` (whole kroner)."""
    return DASH if missing(x) else f"{integer(x)} kr."
