"""Strict parsing of integers typed or sent by people (URL and query parameters, form fields).

Python's ``int()`` is too lenient for input: it accepts Unicode digits (``int("١٦٥")`` is 165),
surrounding blanks, underscores and a plus sign, and ``str.isdigit()`` is true for ``"²"`` and
``"¹⁶⁵"``, which ``int()`` then refuses with a ``ValueError``. A very long number is refused by
``int()`` too (more than 4,300 digits), or overflows a database column further on. Every
integer that comes from outside goes through :func:`parse_int`: ASCII digits only, a bounded
number of digits, within a range, and a Danish message naming the field otherwise.
"""

from __future__ import annotations

import re

from naersund.errors import InputError

_INTEGER = re.compile(r"-?[0-9]+")
_SHOWN = 20  # characters of the refused text repeated in the message


class IntegerError(InputError):
    """Text that is not an acceptable integer: ``field`` names where it came from, ``reason``
    says what is wrong (Danish); the message is both."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


def _shown(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def parse_int(
    text: str,
    *,
    field: str,
    min_value: int | None = None,
    max_value: int | None = None,
    max_digits: int = 9,
) -> int:
    """``text`` as an integer: ASCII digits 0–9 only, with an optional leading ``-``, no blanks;
    at most ``max_digits`` digits; between ``min_value`` and ``max_value`` where given.

    Raises :class:`IntegerError` with a Danish message that starts with ``field``.
    """
    if not text:
        raise IntegerError(field, "mangler et heltal.")
    if not _INTEGER.fullmatch(text):
        raise IntegerError(field, f"'{_shown(text)}' er ikke et heltal (kun cifrene 0-9).")
    digits = len(text.lstrip("-"))
    if digits > max_digits:
        raise IntegerError(field, f"tallet har {digits} cifre; højst {max_digits} er tilladt.")
    value = int(text)
    if (min_value is not None and value < min_value) or (
        max_value is not None and value > max_value
    ):
        if min_value is not None and max_value is not None:
            raise IntegerError(field, f"{value} skal være mellem {min_value} og {max_value}.")
        if min_value is not None:
            raise IntegerError(field, f"{value} skal være mindst {min_value}.")
        raise IntegerError(field, f"{value} må højst være {max_value}.")
    return value
