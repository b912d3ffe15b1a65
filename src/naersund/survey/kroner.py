"""The values of a whole-kroner question (kind ``kroner``): an amount in whole kr. or "ved ikke".

Stored (``Answer.value``, JSON): a non-negative ``int`` (kr., not 1.000 kr.), or the string
:data:`VED_IKKE` when the municipality does not know; ``None`` is "not answered", as for every
other kind. "Ved ikke" is an answer, not a missing one: the aggregates count it apart
(:mod:`naersund.survey.money_aggregate`).

A spreadsheet cell (import) or the web form's text field accepts ``1250000``, ``1.250.000``,
``1 250 000``, ``1250000 kr.`` and ``1.250.000,00`` (Danish grouping with full stops or spaces,
whole kroner only) and ``ved ikke`` in any case. ``1,5`` or ``1.5`` is refused (hele kroner),
so that an English decimal point can never be read as a thousands separator.
"""

from __future__ import annotations

import re
from typing import Any

from naersund import fmt
from naersund.survey.answer_values import shown
from naersund.survey.questions import AnswerError

VED_IKKE = "ved_ikke"
VED_IKKE_LABEL = "Ved ikke"
MAX_KRONER = 10_000_000_000  # 10 mia. kr.: more than any municipality's whole health budget

_VED_IKKE_TEXTS = {"ved ikke", "ved_ikke", "vedikke", "ved ikke."}
_GROUPED = re.compile(r"^\d{1,3}([. ]\d{3})+$")
_PLAIN = re.compile(r"^\d+$")


def clean_kroner(value: Any) -> int | str:
    """A JSON value checked: a whole number of kr. from 0 to :data:`MAX_KRONER`, or
    :data:`VED_IKKE`. Raises :class:`AnswerError` in Danish."""
    if value == VED_IKKE:
        return VED_IKKE
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise AnswerError(
            f"Beløbet skal være et helt antal kroner eller »ved ikke«, ikke '{shown(str(value))}'."
        )
    if value < 0:
        raise AnswerError("Beløbet kan ikke være negativt.")
    if value > MAX_KRONER:
        raise AnswerError(
            f"Beløbet {kroner_text(value)} er større end {kroner_text(MAX_KRONER)}; "
            "skriv beløbet i hele kroner (ikke øre)."
        )
    return value


def parse_kroner(text: str) -> int | str | None:
    """The value of a cell or form field (``None`` when empty); see the module docstring."""
    raw = text.strip()
    if raw == "":
        return None
    if raw.casefold() in _VED_IKKE_TEXTS:
        return VED_IKKE
    number = raw.casefold().removesuffix("kr.").removesuffix("kr").strip()
    number = number.replace("\u00a0", " ")
    if number.endswith((",00", ",0")):
        number = number.rsplit(",", 1)[0]
    if not number.isascii() or not (_PLAIN.match(number) or _GROUPED.match(number)):
        if number.startswith("-"):
            raise AnswerError("Beløbet kan ikke være negativt.")
        raise AnswerError(
            f"Skriv beløbet i hele kroner (fx 1.250.000) eller »ved ikke«, ikke '{shown(raw)}'."
        )
    return clean_kroner(int(number.replace(".", "").replace(" ", "")))


def kroner_text(value: Any) -> str:
    """The value as a person reads it: "1.250.000 kr." or "Ved ikke"."""
    if value == VED_IKKE:
        return VED_IKKE_LABEL
    return fmt.kroner(int(value))


def kroner_cell(value: Any) -> str:
    """The cell text :func:`parse_kroner` reads back as ``value``."""
    return "ved ikke" if value == VED_IKKE else str(int(value))


def kroner_field(value: Any) -> str:
    """The web form's text field for a stored value ("" for not answered or "ved ikke", whose
    box is ticked instead)."""
    if value is None or value == VED_IKKE:
        return ""
    return fmt.integer(int(value))
