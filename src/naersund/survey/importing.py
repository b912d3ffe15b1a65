"""Reading a survey tool's export: one row per municipality, one column per question.

The format (documented for users in ``docs/survey-import.md``):

- XLSX (first sheet) or CSV (UTF-8, with or without BOM, or Windows-1252; ``;`` or ``,``
  between fields, found from the header line). The first row holds the column names.
- ``kommunekode`` (required): the official 3-digit code. ``kommune`` (optional): the name,
  for the reader only. ``tilbagemelding`` (optional): the municipality's tilbagemelding.
- every other column is a question's qid (``status.<initiative>``, ``startaar.<initiative>``,
  ``pilot.<initiative>``, ``fri.<name>``); cells as
  :func:`naersund.survey.answer_values.parse_cell` reads them. An empty cell leaves the
  question as it is.

:func:`read_table` reads the file, :func:`parse_answers` checks every row and cell and returns
the rows, or raises :class:`ImportFileError` listing every problem with file, row and column.

Uploads come from outside, so reading is bounded (:class:`ImportLimits`): the file's size, the
rows, columns and cells read, the length of a field, the unpacked size of an XLSX (a zip) and
the time spent. A file beyond a limit is refused with the limit named; nothing is read past it.
A sheet's declared size (``<dimension>``) is checked but never trusted: the rows and columns
read are the ones that hold a value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Container, Sequence
from dataclasses import dataclass
from typing import Any

from naersund.refdata import KKR_NAMES
from naersund.survey.answer_values import is_ascii_number, parse_cell, shown
from naersund.survey.questions import (
    AnswerError,
    QuestionSpec,
    municipality_name,
    municipality_regions,
    scope_members,
    scope_name,
)
from naersund.survey.upload_csv import LINE_END, read_csv
from naersund.survey.upload_limits import (
    LIMITS,
    MAX_PROBLEMS,
    MB,
    Clock,
    ImportFileError,
    ImportLimits,
    Table,
    column_index,
    column_letter,
    size_da,
)
from naersund.survey.upload_xlsx import read_xlsx

# the upload's shape and bounds are imported from here too
__all__ = [
    "LIMITS",
    "MB",
    "ImportFileError",
    "ImportLimits",
    "ImportedRow",
    "Table",
    "column_index",
    "column_letter",
    "parse_answers",
    "read_table",
]

KOMMUNEKODE = "kommunekode"
KOMMUNE = "kommune"
TILBAGEMELDING = "tilbagemelding"


@dataclass
class ImportedRow:
    row: int
    kommunekode: int
    values: dict[str, Any]
    tilbagemelding: str | None


def read_table(data: bytes, filename: str, limits: ImportLimits = LIMITS) -> Table:
    """The file's header and rows as text. XLSX is recognised by its content (a zip), anything
    else is read as CSV. Raises :class:`ImportFileError` for a file that cannot be read or
    goes beyond ``limits``."""
    if len(data) > limits.max_bytes:
        raise ImportFileError(
            [
                f"{filename}: filen fylder mere end {size_da(limits.max_bytes)} (grænsen); del "
                "den op, eller fjern det, der ikke skal indlæses."
            ]
        )
    clock = Clock(filename, limits)
    if data[:4] == b"PK\x03\x04":
        return read_xlsx(data, filename, limits, clock)
    return read_csv(data, filename, limits, clock)


# --- checking the rows ------------------------------------------------------------------------


def _where(table: Table, row: int, col: int | None = None) -> str:
    if col is None:
        return f"{table.filename}, række {row}"
    return f"{table.filename}, række {row}, kolonne {column_letter(col)} ({table.headers[col]})"


_FREE_TEXT_KINDS = ("text",)


_ROW_START = re.compile(r'^\s*"?([0-9]{3})"?\s*[;,]')


def _line_break_problem(
    table: Table, number: int, col: int, text: str, free_text: bool, codes: Container[int]
) -> str | None:
    """In a CSV a line break inside a field is either free text or a quote that was never
    closed and swallowed the rows after it; only free text may have one, and not one followed
    by what looks like the next row."""
    if "\n" not in text and "\r" not in text:
        return None
    if not free_text:
        return (
            f"{_where(table, number, col)}: feltet fortsætter over flere linjer, hvilket kun "
            'fritekst må; mangler et afsluttende anførselstegn (")?'
        )
    for line in LINE_END.split(text)[1:]:
        match = _ROW_START.match(line)
        if match and int(match.group(1)) in codes:
            return (
                f"{_where(table, number, col)}: feltet fortsætter på en linje, der ligner en ny "
                f"række ('{match.group(0)}…'); mangler et afsluttende anførselstegn (\")?"
            )
    return None


def parse_answers(
    table: Table,
    specs: Sequence[QuestionSpec],
    region_code: int | None = None,
    *,
    this_year: int | None = None,
) -> list[ImportedRow]:
    """Every row's answers, checked against the round's questions (``specs``).

    With ``region_code`` only that KKR's municipalities may appear. A year may not lie after
    ``this_year`` (default: the current year). Rows without any text are skipped. Raises
    :class:`ImportFileError` with every problem (at most ``MAX_PROBLEMS``).
    """
    if this_year is None:
        this_year = dt.date.today().year
    problems: list[str] = []
    by_qid = {s.qid: s for s in specs}
    lowered = [h.casefold() for h in table.headers]
    if KOMMUNEKODE not in lowered:
        raise ImportFileError(
            [
                f"{table.filename}, række 1: kolonnen 'kommunekode' mangler (første række skal "
                "være kolonnenavne)."
            ]
        )
    code_col = lowered.index(KOMMUNEKODE)
    text_col = lowered.index(TILBAGEMELDING) if TILBAGEMELDING in lowered else None
    question_cols: list[tuple[int, QuestionSpec]] = []
    seen: dict[str, int] = {}
    for i, header in enumerate(table.headers):
        key = header.casefold()
        if key in seen:
            problems.append(
                f"{_where(table, 1, i)}: kolonnen findes også som kolonne "
                f"{column_letter(seen[key])}."
            )
            continue
        seen[key] = i
        if key in (KOMMUNEKODE, KOMMUNE, TILBAGEMELDING):
            continue
        if header == "":
            problems.append(
                f"{table.filename}, række 1, kolonne {column_letter(i)}: kolonnen har intet navn."
            )
            continue
        spec = by_qid.get(header)
        if spec is None:
            problems.append(f"{_where(table, 1, i)}: runden har intet spørgsmål med dette id.")
            continue
        question_cols.append((i, spec))
    if problems:
        raise ImportFileError(problems)

    regions = municipality_regions()
    free_text = {text_col} | {i for i, s in question_cols if s.kind in _FREE_TEXT_KINDS}
    out: list[ImportedRow] = []
    first_row: dict[int, int] = {}
    for number, cells in table.rows:
        if len(problems) >= MAX_PROBLEMS:
            problems.append(f"{table.filename}: flere end {MAX_PROBLEMS} fejl; resten vises ikke.")
            break
        if not any(c.strip() for c in cells):
            continue
        width = len(table.headers)
        if len(cells) > width and (table.kind == "csv" or any(c.strip() for c in cells[width:])):
            problems.append(
                f"{_where(table, number)}: rækken har {len(cells)} felter, men der er kun "
                f"{width} kolonnenavne."
            )
            continue
        if len(cells) < width and table.kind == "csv":
            problems.append(
                f"{_where(table, number)}: rækken har kun {len(cells)} "
                f"{'felt' if len(cells) == 1 else 'felter'}, men der er {width} kolonnenavne."
            )
            continue
        cells = cells + [""] * (len(table.headers) - len(cells))
        if table.kind == "csv":
            breaks = [
                p
                for col, text in enumerate(cells)
                if (p := _line_break_problem(table, number, col, text, col in free_text, regions))
            ]
            if breaks:
                problems.extend(breaks)
                continue
        raw_code = cells[code_col].strip()
        code = int(raw_code) if is_ascii_number(raw_code, max_digits=4) else None
        if code is None or code not in regions:
            problems.append(
                f"{_where(table, number, code_col)}: '{shown(raw_code)}' er ikke en kommunekode."
            )
            continue
        if region_code is not None and code not in scope_members(region_code):
            problems.append(
                f"{_where(table, number, code_col)}: {municipality_name(code)} hører ikke til "
                f"{scope_name(region_code)}."
            )
            continue
        if code in first_row:
            problems.append(
                f"{_where(table, number, code_col)}: {municipality_name(code)} står også i "
                f"række {first_row[code]}."
            )
            continue
        first_row[code] = number
        values: dict[str, Any] = {}
        for col, spec in question_cols:
            text = cells[col]
            if not text.strip():
                continue
            if not spec.applies_to(code):
                problems.append(
                    f"{_where(table, number, col)}: spørgsmålet stilles kun til kommunerne i "
                    f"{scope_name(spec.region_code or 0)}, og "
                    f"{municipality_name(code)} hører til {KKR_NAMES.get(regions[code], '')}; "
                    "lad feltet stå tomt."
                )
                continue
            try:
                values[spec.qid] = parse_cell(spec, text, code, this_year=this_year)
            except AnswerError as exc:
                problems.append(f"{_where(table, number, col)}: {exc}")
        tilbagemelding = None
        if text_col is not None and cells[text_col].strip():
            tilbagemelding = cells[text_col].strip()
        out.append(ImportedRow(number, code, values, tilbagemelding))
    if not out and not problems:
        problems.append(f"{table.filename}: filen har ingen rækker med svar.")
    if problems:
        raise ImportFileError(problems)
    return out
