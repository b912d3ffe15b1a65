"""Reading a survey tool's export: one row per municipality, one column per question.

The format (documented for users in ``docs/survey-import.md``):

- XLSX (first sheet) or CSV (UTF-8, with or without BOM, or Windows-1252; ``;`` or ``,``
  between fields, found from the header line). The first row holds the column names.
- ``kommunekode`` (required): the official 3-digit code. ``kommune`` (optional): the name,
  for the reader only. ``tilbagemelding`` (optional): the municipality's tilbagemelding.
- every other column is a question's qid (``status.<initiative>``, ``startaar.<initiative>``,
  ``pilot.<initiative>``, ``fri.<name>``); cells as :func:`naersund.survey.questions.parse_cell`
  reads them. An empty cell leaves the question as it is.

:func:`read_table` reads the file, :func:`parse_answers` checks every row and cell and returns
the rows, or raises :class:`ImportFileError` listing every problem with file, row and column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from naersund.errors import InputError
from naersund.refdata import KKR_NAMES
from naersund.survey.questions import (
    AnswerError,
    QuestionSpec,
    municipality_name,
    municipality_regions,
    parse_cell,
)

MAX_PROBLEMS = 200
KOMMUNEKODE = "kommunekode"
KOMMUNE = "kommune"
TILBAGEMELDING = "tilbagemelding"


class ImportFileError(InputError):
    """A file that cannot be imported; ``problems`` lists each (Danish, with row and column)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Table:
    filename: str
    headers: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number in file, cells)


@dataclass
class ImportedRow:
    row: int
    kommunekode: int
    values: dict[str, Any]
    tilbagemelding: str | None


def column_letter(index: int) -> str:
    """Spreadsheet column name of a 0-based index: 0 -> A, 26 -> AA."""
    name = ""
    n = index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def read_table(data: bytes, filename: str) -> Table:
    """The file's header and rows as text. XLSX is recognised by its content (a zip), anything
    else is read as CSV."""
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, filename)
    return _read_csv(data, filename)


def _decode(data: bytes, filename: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFileError(
            [f"{filename}: filen er hverken UTF-8 eller Windows-1252 og kan ikke læses."]
        ) from None


def _read_csv(data: bytes, filename: str) -> Table:
    text = _decode(data, filename)
    if not text.strip():
        raise ImportFileError([f"{filename}: filen er tom."])
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise ImportFileError(
            [f"{filename}, række {reader.line_num}: filen kan ikke læses som CSV ({exc})."]
        ) from None
    headers = [h.strip() for h in lines[0]]
    return Table(filename, headers, [(i, row) for i, row in enumerate(lines[1:], start=2)])


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return str(value)
    return str(value)


def _read_xlsx(data: bytes, filename: str) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file
        raise ImportFileError([f"{filename}: filen kan ikke læses som XLSX."]) from None
    try:
        sheet = book.worksheets[0]
        rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    if not rows:
        raise ImportFileError([f"{filename}: regnearket er tomt."])
    headers = [h.strip() for h in rows[0]]
    while headers and headers[-1] == "":
        headers.pop()
    return Table(filename, headers, [(i, row) for i, row in enumerate(rows[1:], start=2)])


def _where(table: Table, row: int, col: int | None = None) -> str:
    if col is None:
        return f"{table.filename}, række {row}"
    return f"{table.filename}, række {row}, kolonne {column_letter(col)} ({table.headers[col]})"


def parse_answers(
    table: Table, specs: Sequence[QuestionSpec], region_code: int | None = None
) -> list[ImportedRow]:
    """Every row's answers, checked against the round's questions (``specs``).

    With ``region_code`` only that KKR's municipalities may appear. Rows without any text are
    skipped. Raises :class:`ImportFileError` with every problem (at most ``MAX_PROBLEMS``).
    """
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
    out: list[ImportedRow] = []
    first_row: dict[int, int] = {}
    for number, cells in table.rows:
        if len(problems) >= MAX_PROBLEMS:
            problems.append(f"{table.filename}: flere end {MAX_PROBLEMS} fejl; resten vises ikke.")
            break
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(table.headers) and any(c.strip() for c in cells[len(table.headers) :]):
            problems.append(
                f"{_where(table, number)}: rækken har {len(cells)} felter, men der er kun "
                f"{len(table.headers)} kolonnenavne."
            )
            continue
        cells = cells + [""] * (len(table.headers) - len(cells))
        raw_code = cells[code_col].strip()
        code = int(raw_code) if raw_code.isdigit() else None
        if code is None or code not in regions:
            problems.append(
                f"{_where(table, number, code_col)}: '{raw_code}' er ikke en kommunekode."
            )
            continue
        if region_code is not None and regions[code] != region_code:
            problems.append(
                f"{_where(table, number, code_col)}: {municipality_name(code)} hører ikke til "
                f"{KKR_NAMES.get(region_code, region_code)}."
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
                    f"{KKR_NAMES.get(spec.region_code or 0, spec.region_code)}."
                )
                continue
            try:
                values[spec.qid] = parse_cell(spec, text, code)
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
