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

Uploads come from outside, so reading is bounded (:class:`ImportLimits`): the file's size, the
rows, columns and cells read, the length of a field, the unpacked size of an XLSX (a zip) and
the time spent. A file beyond a limit is refused with the limit named; nothing is read past it.
A sheet's declared size (``<dimension>``) is checked but never trusted: the rows and columns
read are the ones that hold a value.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import time
import zipfile
from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Literal
from xml.parsers import expat

from naersund.errors import InputError
from naersund.refdata import KKR_NAMES
from naersund.survey.questions import (
    AnswerError,
    QuestionSpec,
    is_ascii_number,
    municipality_name,
    municipality_regions,
    parse_cell,
    scope_members,
    scope_name,
    shown,
)

MAX_PROBLEMS = 200
KOMMUNEKODE = "kommunekode"
KOMMUNE = "kommune"
TILBAGEMELDING = "tilbagemelding"
MB = 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    """How much of an uploaded file is read at most. 98 municipalities and about a hundred
    questions fit ten times over; anything larger is a mistake or an attack."""

    max_bytes: int = 5 * MB  # the file as uploaded
    max_unpacked_bytes: int = 20 * MB  # an XLSX's parts, unpacked (the zip-bomb guard)
    max_parts: int = 1000  # files inside an XLSX
    max_rows: int = 1000  # the last row holding a value, header included
    max_columns: int = 1000  # the last column holding a value
    max_cells: int = 100_000  # cells read (XLSX: cell elements; CSV: fields)
    max_field_chars: int = 20_000  # one cell's text
    max_seconds: float = 30.0  # reading and checking the file

    def summary_da(self) -> str:
        """The limits a user meets, in Danish (for the import page)."""
        return (
            f"Højst {_size(self.max_bytes)}, {_n(self.max_rows)} rækker, "
            f"{_n(self.max_columns)} kolonner og {_n(self.max_cells)} celler."
        )


LIMITS = ImportLimits()


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
    kind: Literal["csv", "xlsx"] = "csv"


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


def column_index(letters: str) -> int:
    """The 0-based index of a spreadsheet column name: A -> 0, AA -> 26 (inverse of
    :func:`column_letter`)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _n(number: float) -> str:
    """A number as Danish text: 100.000, 5 (no decimals when whole), 2,5."""
    if float(number).is_integer():
        return f"{int(number):,}".replace(",", ".")
    return f"{number:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _size(nbytes: int) -> str:
    """A size as Danish text: 300,5 MB, 20 MB, 12 KB."""
    if nbytes >= MB:
        return f"{_n(round(nbytes / MB, 1))} MB"
    return f"{_n(max(1, round(nbytes / 1024)))} KB"


class _Clock:
    """The time budget of one file (``ImportLimits.max_seconds``)."""

    def __init__(self, filename: str, limits: ImportLimits) -> None:
        self.filename = filename
        self.limit = limits.max_seconds
        self.deadline = time.monotonic() + limits.max_seconds

    def check(self) -> None:
        if time.monotonic() >= self.deadline:
            raise ImportFileError(
                [
                    f"{self.filename}: indlæsningen har taget mere end {_n(self.limit)} sekunder "
                    "(grænsen) og er stoppet; filen er for stor eller for indviklet."
                ]
            )


def read_table(data: bytes, filename: str, limits: ImportLimits = LIMITS) -> Table:
    """The file's header and rows as text. XLSX is recognised by its content (a zip), anything
    else is read as CSV. Raises :class:`ImportFileError` for a file that cannot be read or
    goes beyond ``limits``."""
    if len(data) > limits.max_bytes:
        raise ImportFileError(
            [
                f"{filename}: filen fylder mere end {_size(limits.max_bytes)} (grænsen); del "
                "den op, eller fjern det, der ikke skal indlæses."
            ]
        )
    clock = _Clock(filename, limits)
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, filename, limits, clock)
    return _read_csv(data, filename, limits, clock)


# --- CSV --------------------------------------------------------------------------------------

_LINE_END = re.compile(r"\r\n|\r|\n")


def _read_csv(data: bytes, filename: str, limits: ImportLimits, clock: _Clock) -> Table:
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    if not body.strip():
        raise ImportFileError([f"{filename}: filen er tom."])
    if b"\x00" in body:
        raise ImportFileError(
            [
                f"{filename}: filen indeholder NUL-tegn og er ikke en tekstfil i UTF-8 eller "
                "Windows-1252 (er den gemt som UTF-16 eller som et regneark?)."
            ]
        )
    try:
        text = body.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError:
        # Latin-1 maps every byte to one character, so the CSV structure (all ASCII in both
        # encodings) is read as it is, and each row's bytes can be told apart afterwards.
        text = body.decode("latin-1")
        utf8 = False
    records = _csv_records(text, filename, limits, clock)
    if not utf8:
        records = _decode_rows(records, filename)
    headers = [h.strip() for h in records[0][1]]
    return Table(filename, headers, records[1:], kind="csv")


def _csv_records(
    text: str, filename: str, limits: ImportLimits, clock: _Clock
) -> list[tuple[int, list[str]]]:
    first = _LINE_END.split(text, maxsplit=1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    cells = 0
    number = 0
    while True:
        number += 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ImportFileError(
                [_csv_problem(filename, number, str(exc), delimiter, limits)]
            ) from None
        if number > limits.max_rows:
            raise ImportFileError(
                [
                    f"{filename}, række {number}: filen har mere end {_n(limits.max_rows)} "
                    f"rækker; grænsen er {_n(limits.max_rows)}."
                ]
            )
        if len(fields) > limits.max_columns:
            raise ImportFileError(
                [
                    f"{filename}, række {number}: rækken har {_n(len(fields))} felter; grænsen "
                    f"er {_n(limits.max_columns)}."
                ]
            )
        cells += len(fields)
        if cells > limits.max_cells:
            raise ImportFileError(
                [
                    f"{filename}, række {number}: filen har mere end {_n(limits.max_cells)} "
                    f"felter i alt; grænsen er {_n(limits.max_cells)}."
                ]
            )
        for col, value in enumerate(fields):
            if len(value) > limits.max_field_chars:
                raise ImportFileError([_too_long(filename, number, col, limits)])
        if number % 256 == 0:
            clock.check()
        records.append((number, fields))
    clock.check()
    return records


def _too_long(filename: str, row: int, col: int | None, limits: ImportLimits) -> str:
    where = f"{filename}, række {row}" + ("" if col is None else f", kolonne {column_letter(col)}")
    return f"{where}: feltet er længere end {_n(limits.max_field_chars)} tegn (grænsen)."


def _csv_problem(filename: str, row: int, error: str, delimiter: str, limits: ImportLimits) -> str:
    """The csv module's error (English) as a Danish message about row ``row``."""
    if error == "unexpected end of data":
        return (
            f'{filename}, række {row}: et felt begynder med et anførselstegn ("), som aldrig '
            "lukkes, så resten af filen ville blive læst som en del af feltet. Luk "
            "anførselstegnet, eller fjern det."
        )
    if error.startswith("field larger than field limit"):
        return _too_long(filename, row, None, limits)
    if "expected after" in error:
        return (
            f'{filename}, række {row}: efter et afsluttende anførselstegn (") skal der komme '
            f"'{delimiter}' eller en ny linje. Et anførselstegn inde i et felt i "
            'anførselstegn skrives to gange ("").'
        )
    return f"{filename}, række {row}: rækken kan ikke læses som CSV."


def _is_utf8(latin1: str) -> bool:
    try:
        latin1.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_rows(
    records: list[tuple[int, list[str]]], filename: str
) -> list[tuple[int, list[str]]]:
    """Rows read as Latin-1 decoded as UTF-8 or Windows-1252, the same for the whole file: a
    file whose rows mix the two is refused at the first row that differs."""
    first: tuple[int, str] | None = None
    encoding = "cp1252"
    for number, fields in records:
        texts = [f for f in fields if not f.isascii()]
        if not texts:
            continue
        # field by field, so that two fields' bytes never join into one character
        kind = "UTF-8" if all(_is_utf8(f) for f in texts) else "Windows-1252"
        if first is None:
            first = (number, kind)
            encoding = "utf-8" if kind == "UTF-8" else "cp1252"
        elif kind != first[1]:
            raise ImportFileError(
                [
                    f"{filename}, række {number}: rækken er skrevet i tegnsættet {kind}, men "
                    f"række {first[0]} er {first[1]}; filen blander to tegnsæt, så æ, ø og å "
                    "ville blive læst forkert. Gem hele filen i ét tegnsæt, helst UTF-8."
                ]
            )
    out: list[tuple[int, list[str]]] = []
    for number, fields in records:
        try:
            out.append((number, [f.encode("latin-1").decode(encoding) for f in fields]))
        except UnicodeDecodeError:
            raise ImportFileError(
                [
                    f"{filename}, række {number}: filen er hverken UTF-8 eller Windows-1252 og "
                    "kan ikke læses."
                ]
            ) from None
    return out


# --- XLSX -------------------------------------------------------------------------------------

_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
_XML_PART = re.compile(r"\.(xml|rels|vml)$", re.IGNORECASE)


def _unreadable_xlsx(filename: str) -> ImportFileError:
    return ImportFileError([f"{filename}: filen kan ikke læses som XLSX."])


def _read_xlsx(data: bytes, filename: str, limits: ImportLimits, clock: _Clock) -> Table:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _unreadable_xlsx(filename) from None
    with archive:
        _check_archive(parts, filename, limits)
        for part in parts:
            if _XML_PART.search(part.filename):
                with archive.open(part) as stream:
                    _scan_xml(stream, _XmlGuard(filename, part.filename), clock)
        try:
            # data_only=False so that a formula is seen as one (with True it reads as its
            # cached value, or as empty when the file has none).
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception:  # openpyxl raises many kinds for a broken file
            raise _unreadable_xlsx(filename) from None
        try:
            if not book.worksheets:
                raise _unreadable_xlsx(filename)
            sheet = book.worksheets[0]
            extent = _SheetScan(filename, limits, clock)
            # openpyxl keeps the sheet's place in the zip privately; the test suite reads a
            # workbook through this path, so a change of openpyxl that moves it shows there.
            with archive.open(sheet._worksheet_path) as stream:
                _scan_xml(stream, extent, clock)
            rows, formulas = _sheet_rows(sheet, extent, clock)
        except ImportFileError:
            raise
        except Exception:
            raise _unreadable_xlsx(filename) from None
        finally:
            book.close()
    if not rows:
        raise ImportFileError([f"{filename}: regnearket er tomt."])
    headers = [h.strip() for h in rows[0]]
    while headers and headers[-1] == "":
        headers.pop()
    if formulas:
        raise ImportFileError(
            [
                f"{_cell_where(filename, headers, row, col)}: Celle {column_letter(col)}{row} "
                "indeholder en formel; indsæt værdien i stedet."
                for row, col in formulas[:MAX_PROBLEMS]
            ]
        )
    return Table(filename, headers, [(i, row) for i, row in enumerate(rows[1:], start=2)], "xlsx")


def _cell_where(filename: str, headers: list[str], row: int, col: int) -> str:
    where = f"{filename}, række {row}, kolonne {column_letter(col)}"
    if row > 1 and col < len(headers) and headers[col]:
        where += f" ({headers[col]})"
    return where


def _check_archive(parts: list[zipfile.ZipInfo], filename: str, limits: ImportLimits) -> None:
    """Refuse a zip of too many parts or too much unpacked data before anything is unpacked.
    The sizes are the zip's own; Python's zipfile never unpacks more than a part's stated size
    (a part that holds more fails its checksum and reads as a broken file)."""
    if len(parts) > limits.max_parts:
        raise ImportFileError(
            [
                f"{filename}: XLSX-filen består af {_n(len(parts))} dele; grænsen er "
                f"{_n(limits.max_parts)}."
            ]
        )
    unpacked = sum(p.file_size for p in parts)
    if unpacked > limits.max_unpacked_bytes:
        raise ImportFileError(
            [
                f"{filename}: XLSX-filen fylder {_size(unpacked)} udpakket; grænsen er "
                f"{_size(limits.max_unpacked_bytes)}."
            ]
        )


class _XmlGuard:
    """Handlers for an expat parser that refuse a DTD: a spreadsheet never has one, and
    entities are how an XML bomb (billion laughs) or a file read (XXE) starts."""

    def __init__(self, filename: str, part: str) -> None:
        self.filename = filename
        self.part = part

    def doctype(self, *_: Any) -> None:
        raise ImportFileError(
            [
                f"{self.filename}: XLSX-filen indeholder en DTD (i {self.part}), som et regneark "
                "ikke bruger; filen indlæses ikke."
            ]
        )

    def attach(self, parser: Any) -> None:
        parser.StartDoctypeDeclHandler = self.doctype
        parser.EntityDeclHandler = self.doctype


def _scan_xml(stream: IO[bytes], handlers: _XmlGuard, clock: _Clock) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    handlers.attach(parser)
    try:
        while chunk := stream.read(256 * 1024):
            parser.Parse(chunk, False)
            clock.check()
        parser.Parse(b"", True)
    except ImportFileError:
        raise
    except (expat.ExpatError, zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _unreadable_xlsx(handlers.filename) from None


class _SheetScan(_XmlGuard):
    """One pass over a sheet's XML with expat, holding nothing: counts the cells, finds the
    last row and column that hold a value, and stops at the first limit passed. It follows
    openpyxl's numbering (a row or cell without ``r`` comes after the one before)."""

    def __init__(self, filename: str, limits: ImportLimits, clock: _Clock) -> None:
        super().__init__(filename, "regnearket")
        self.limits = limits
        self.clock = clock
        self.row = 0
        self.col = 0
        self.cells = 0
        self.last_row = 0
        self.last_col = 0
        self.in_cell = False
        self.has_value = False

    def attach(self, parser: Any) -> None:
        super().attach(parser)
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end

    def refuse(self, message: str, row: int | None = None) -> None:
        where = self.filename if row is None else f"{self.filename}, række {row}"
        raise ImportFileError([f"{where}: {message}"])

    def start(self, name: str, attrs: dict[str, str]) -> None:
        ns, _, tag = name.rpartition(" ")
        if ns != _SHEET_NS:
            return
        if tag == "c":
            self.cells += 1
            if self.cells > self.limits.max_cells:
                self.refuse(
                    f"regnearket har mere end {_n(self.limits.max_cells)} celler; grænsen er "
                    f"{_n(self.limits.max_cells)}.",
                    row=self.row,
                )
            if self.cells % 4096 == 0:
                self.clock.check()
            ref = _REF.match(attrs.get("r", ""))
            self.col = column_index(ref.group(1)) + 1 if ref else self.col + 1
            self.in_cell = True
            self.has_value = False
        elif tag == "row":
            r = attrs.get("r")
            self.row = int(r) if r is not None and r.isascii() and r.isdigit() else self.row + 1
            self.col = 0
        elif tag in ("v", "f", "is") and self.in_cell:
            self.has_value = True
        elif tag == "dimension":
            self.dimension(attrs.get("ref", ""))

    def end(self, name: str) -> None:
        if name != f"{_SHEET_NS} c":
            return
        self.in_cell = False
        if not self.has_value:
            return
        where = f"celle {column_letter(self.col - 1)}{self.row}"
        if self.row > self.limits.max_rows:
            self.refuse(
                f"{where} har en værdi efter række {_n(self.limits.max_rows)}; grænsen er "
                f"{_n(self.limits.max_rows)} rækker."
            )
        if self.col > self.limits.max_columns:
            self.refuse(
                f"{where} har en værdi efter kolonne {column_letter(self.limits.max_columns - 1)}; "
                f"grænsen er {_n(self.limits.max_columns)} kolonner."
            )
        self.last_row = max(self.last_row, self.row)
        self.last_col = max(self.last_col, self.col)

    def dimension(self, ref: str) -> None:
        """A declared size beyond the limits is refused at once; a smaller one is not trusted
        (the cells themselves are counted)."""
        corners = [_REF.match(part) for part in ref.split(":")]
        if not ref or not all(corners):
            return
        rows = max(int(m.group(2)) for m in corners if m)
        cols = max(column_index(m.group(1)) + 1 for m in corners if m)
        if rows > self.limits.max_rows or cols > self.limits.max_columns:
            self.refuse(
                f"regnearket angiver sit område som {ref} ({_n(rows)} rækker og {_n(cols)} "
                f"kolonner); grænsen er {_n(self.limits.max_rows)} rækker og "
                f"{_n(self.limits.max_columns)} kolonner."
            )


def _sheet_rows(
    sheet: Any, extent: _SheetScan, clock: _Clock
) -> tuple[list[list[str]], list[tuple[int, int]]]:
    """The sheet's text up to the last row and column holding a value (so openpyxl pads rows
    to that width, never to the declared one), and the (row, 0-based column) of each formula."""
    sheet.reset_dimensions()
    rows: list[list[str]] = []
    formulas: list[tuple[int, int]] = []
    if not extent.last_row:
        return rows, formulas
    cells: Iterator[Sequence[Any]] = sheet.iter_rows(
        min_row=1, max_row=extent.last_row, min_col=1, max_col=extent.last_col
    )
    for number, row in enumerate(cells, start=1):
        texts: list[str] = []
        for col, cell in enumerate(row):
            if cell.data_type == "f":
                formulas.append((number, col))
                texts.append("")
                continue
            text = _cell_text(cell.value)
            if len(text) > extent.limits.max_field_chars:
                raise ImportFileError([_too_long(extent.filename, number, col, extent.limits)])
            texts.append(text)
        rows.append(texts)
        if number % 64 == 0:
            clock.check()
    clock.check()
    return rows, formulas


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
    for line in _LINE_END.split(text)[1:]:
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
