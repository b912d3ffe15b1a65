"""The values of a status round's answers: what each kind of question (:mod:`.questions`)
stores, and a value checked, read from a spreadsheet cell, written back and shown.

Values (JSON, as stored in ``Answer.value``; ``None`` means "not answered"):

- ``status``: one of :data:`STATUS_VALUES` (``"ikke_paabegyndt"``, ``"planlagt"``,
  ``"under_implementering"``, ``"implementeret"``), labels in :data:`STATUS_LABELS`.
- ``year``: an int between :data:`MIN_YEAR` and :data:`MAX_YEAR`.
- ``pilot``: ``{"pilot": "nej"}``, ``{"pilot": "alene"}`` or
  ``{"pilot": "sammen", "med": [147, 151]}`` (the other municipalities' kommunekoder, sorted,
  at least one, never the municipality itself).
- ``yesno``: ``True`` or ``False``.
- ``choice``: the ``value`` of one of the question's choices.
- ``multichoice``: a list of choice values in the question's order, no repeats (``[]`` is an
  answer: "none of them").
- ``number``: an int or float (finite, at least the question's ``minimum`` if it has one).
- ``text``: a non-empty string (stripped).
- ``kroner``: whole kr. (int, at least 0) or ``"ved_ikke"`` (:mod:`naersund.survey.kroner`).

:func:`clean_value` checks a JSON value (web form, API), :func:`parse_cell` reads the text of a
spreadsheet cell (import), :func:`value_to_cell` writes one back (export, the inverse of
``parse_cell``) and :func:`format_value` gives the Danish text a person reads.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from naersund.survey.questions import (
    MAX_YEAR,
    MIN_YEAR,
    PILOT_LABELS,
    PILOT_VALUES,
    STATUS_LABELS,
    STATUS_VALUES,
    AnswerError,
    QuestionSpec,
    municipality_name,
    municipality_regions,
)


def clean_value(spec: QuestionSpec, value: Any, kommunekode: int | None = None) -> Any:
    """``value`` checked against the question and normalised (see the module docstring);
    ``None`` stays ``None`` (not answered). Raises :class:`AnswerError` in Danish."""
    if value is None:
        return None
    kind = spec.kind
    if kind == "status":
        if value not in STATUS_VALUES:
            raise AnswerError(f"Ukendt status '{value}'; brug {_or(STATUS_VALUES)}.")
        return value
    if kind == "year":
        if isinstance(value, bool) or not isinstance(value, int):
            raise AnswerError(f"Årstallet skal være et helt tal, ikke '{value}'.")
        if not MIN_YEAR <= value <= MAX_YEAR:
            raise AnswerError(f"Årstallet {value} skal ligge mellem {MIN_YEAR} og {MAX_YEAR}.")
        return value
    if kind == "pilot":
        return _clean_pilot(value, kommunekode)
    if kind == "yesno":
        if not isinstance(value, bool):
            raise AnswerError(f"Svaret skal være ja eller nej, ikke '{value}'.")
        return value
    if kind == "choice":
        if value not in spec.choice_values():
            raise AnswerError(f"Ukendt svarmulighed '{value}'; brug {_or(spec.choice_values())}.")
        return value
    if kind == "multichoice":
        if not isinstance(value, list):
            raise AnswerError("Svaret skal være en liste af svarmuligheder.")
        unknown = [v for v in value if v not in spec.choice_values()]
        if unknown:
            raise AnswerError(
                f"Ukendt svarmulighed '{unknown[0]}'; brug {_or(spec.choice_values())}."
            )
        return [v for v in spec.choice_values() if v in value]
    if kind == "number":
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise AnswerError(f"Svaret skal være et tal, ikke '{value}'.")
        if spec.minimum is not None and value < spec.minimum:
            raise AnswerError(f"Tallet skal være mindst {_number_text(spec.minimum)}.")
        return int(value) if float(value).is_integer() else float(value)
    if kind == "kroner":
        return _kroner().clean_kroner(value)
    if kind == "text":
        if not isinstance(value, str):
            raise AnswerError("Svaret skal være en tekst.")
        text = value.strip()
        return text or None
    raise AnswerError(f"Ukendt spørgsmålstype '{kind}'.")


def _clean_pilot(value: Any, kommunekode: int | None) -> dict[str, Any]:
    if not isinstance(value, dict) or value.get("pilot") not in PILOT_VALUES:
        raise AnswerError(f"Pilotsvaret skal være {_or(PILOT_VALUES)}.")
    choice = value["pilot"]
    others = value.get("med") or []
    if choice != "sammen":
        if others:
            raise AnswerError("Andre kommuner angives kun, når kommunen er pilot sammen med andre.")
        return {"pilot": choice}
    if not isinstance(others, list) or not others:
        raise AnswerError("Angiv kommunekoden for mindst én anden kommune.")
    codes: set[int] = set()
    for code in others:
        if (
            isinstance(code, bool)
            or not isinstance(code, int)
            or code not in municipality_regions()
        ):
            raise AnswerError(f"'{code}' er ikke en kommunekode.")
        if code == kommunekode:
            raise AnswerError("Kommunen kan ikke være pilot sammen med sig selv.")
        codes.add(code)
    return {"pilot": "sammen", "med": sorted(codes)}


def _or(values: Sequence[str]) -> str:
    quoted = [f"'{v}'" for v in values]
    return ", ".join(quoted[:-1]) + " eller " + quoted[-1] if len(quoted) > 1 else quoted[0]


def _number_text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x).replace(".", ",")


_YES = {"ja", "j", "yes", "y", "1", "true", "sand"}
_NO = {"nej", "n", "no", "0", "false", "falsk"}
_SPLIT = re.compile(r"[|;,]")


def shown(text: str, width: int = 40) -> str:
    """A cell's text for a message: cut to ``width`` characters, so that a long cell does not
    fill the page of problems."""
    return text if len(text) <= width else text[: width - 1] + "…"


def is_ascii_number(text: str, max_digits: int) -> bool:
    """Digits 0-9 only, at most ``max_digits`` of them: ``str.isdigit`` alone also takes
    '¹⁶⁵', which ``int`` then refuses with a ValueError."""
    return text.isascii() and text.isdigit() and len(text) <= max_digits


def _by_value_or_label(spec: QuestionSpec, text: str) -> str:
    want = text.strip().casefold()
    for c in spec.choices:
        if want in (c.value.casefold(), c.label_da.casefold()):
            return c.value
    raise AnswerError(
        f"Ukendt svarmulighed '{shown(text.strip())}'; brug {_or(spec.choice_values())}."
    )


def parse_cell(
    spec: QuestionSpec, text: str, kommunekode: int | None = None, *, this_year: int | None = None
) -> Any:
    """The value of a spreadsheet cell for the question; ``None`` for an empty cell.

    Accepted: status and choices by value or Danish label (any case); years as whole numbers
    (digits 0-9; not after ``this_year`` when given); yes/no as ja/nej (also 1/0); numbers with
    decimal comma or point; several choices separated by ``|``, ``;`` or ``,``; pilot as
    ``nej``, ``alene`` or ``sammen: 147, 151``.
    Raises :class:`AnswerError` in Danish (the caller adds row and column).
    """
    raw = text.strip()
    if raw == "":
        return None
    kind = spec.kind
    if kind in ("status", "choice"):
        return _by_value_or_label(spec, raw)
    if kind == "year":
        number = raw[:-2] if raw.endswith(".0") else raw
        if not is_ascii_number(number, max_digits=4):
            raise AnswerError(f"Årstallet skal være et helt tal, ikke '{shown(raw)}'.")
        if this_year is not None and not MIN_YEAR <= int(number) <= this_year:
            raise AnswerError(
                f"Årstallet {int(number)} skal ligge mellem {MIN_YEAR} og {this_year} (i år)."
            )
        return clean_value(spec, int(number))
    if kind == "yesno":
        if raw.casefold() in _YES:
            return True
        if raw.casefold() in _NO:
            return False
        raise AnswerError(f"Svaret skal være 'ja' eller 'nej', ikke '{shown(raw)}'.")
    if kind == "multichoice":
        if raw == "-":
            return []
        return clean_value(
            spec, [_by_value_or_label(spec, part) for part in _SPLIT.split(raw) if part.strip()]
        )
    if kind == "number":
        cleaned = raw.replace(" ", "").replace(",", ".")
        if not cleaned.isascii():  # float() also reads other scripts' digits
            raise AnswerError(f"Svaret skal være et tal, ikke '{shown(raw)}'.")
        try:
            amount = float(cleaned)
        except ValueError:
            raise AnswerError(f"Svaret skal være et tal, ikke '{shown(raw)}'.") from None
        return clean_value(spec, amount)
    if kind == "pilot":
        return _parse_pilot(raw, kommunekode)
    if kind == "kroner":
        return _kroner().parse_kroner(raw)
    return clean_value(spec, raw, kommunekode)


def _parse_pilot(raw: str, kommunekode: int | None) -> dict[str, Any]:
    head, _, rest = raw.partition(":")
    choice = head.strip().casefold()
    for value, label in PILOT_LABELS.items():
        if choice == label.casefold():
            choice = value
    if choice not in PILOT_VALUES:
        raise AnswerError(
            "Pilotsvaret skal være 'nej', 'alene' eller 'sammen: <kommunekoder>', ikke "
            f"'{shown(raw)}'."
        )
    others: list[int] = []
    for part in re.split(r"[\s,;|]+", rest.strip()):
        if not part:
            continue
        if not is_ascii_number(part, max_digits=4):
            raise AnswerError(f"'{shown(part)}' er ikke en kommunekode.")
        others.append(int(part))
    return _clean_pilot({"pilot": choice, "med": others}, kommunekode)


def value_to_cell(spec: QuestionSpec, value: Any) -> str:
    """The cell text :func:`parse_cell` reads back as ``value`` ("" for not answered)."""
    if value is None:
        return ""
    kind = spec.kind
    if kind == "yesno":
        return "ja" if value else "nej"
    if kind == "multichoice":
        return "|".join(value) if value else "-"
    if kind == "pilot":
        if value["pilot"] == "sammen":
            return "sammen: " + ", ".join(str(c) for c in value["med"])
        return str(value["pilot"])
    if kind == "number":
        return _number_text(value)
    if kind == "kroner":
        return _kroner().kroner_cell(value)
    return str(value)


def format_value(spec: QuestionSpec, value: Any) -> str:
    """The answer as a person reads it, in Danish ("Ikke besvaret" for ``None``)."""
    if value is None:
        return "Ikke besvaret"
    kind = spec.kind
    if kind == "status":
        return STATUS_LABELS.get(value, str(value))
    if kind == "yesno":
        return "Ja" if value else "Nej"
    if kind == "choice":
        return spec.label_of(value)
    if kind == "multichoice":
        return ", ".join(spec.label_of(v) for v in value) if value else "Ingen"
    if kind == "pilot":
        if value.get("pilot") == "sammen":
            names = ", ".join(municipality_name(c) for c in value.get("med", []))
            return f"Pilotkommune sammen med {names}"
        return PILOT_LABELS.get(value.get("pilot"), str(value))
    if kind == "number":
        return _number_text(value)
    if kind == "kroner":
        return _kroner().kroner_text(value)
    return str(value)


def _kroner() -> Any:
    from naersund.survey import kroner  # imports this module: loaded on first use

    return kroner
