"""Reading an uploaded XLSX (its first sheet) without trusting it: the zip's parts, their
unpacked size and the sheet's XML are checked against
:class:`naersund.survey.upload_limits.ImportLimits` while they are read."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from typing import IO, Any
from xml.parsers import expat

from naersund import fmt
from naersund.survey.upload_limits import (
    MAX_PROBLEMS,
    Clock,
    ImportFileError,
    ImportLimits,
    Table,
    column_index,
    column_letter,
    size_da,
    too_long,
)

_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
_XML_PART = re.compile(r"\.(xml|rels|vml)$", re.IGNORECASE)


def _unreadable_xlsx(filename: str) -> ImportFileError:
    return ImportFileError([f"{filename}: filen kan ikke læses som XLSX."])


def read_xlsx(data: bytes, filename: str, limits: ImportLimits, clock: Clock) -> Table:
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
                f"{filename}: XLSX-filen består af {fmt.plain(len(parts))} dele; grænsen er "
                f"{fmt.plain(limits.max_parts)}."
            ]
        )
    unpacked = sum(p.file_size for p in parts)
    if unpacked > limits.max_unpacked_bytes:
        raise ImportFileError(
            [
                f"{filename}: XLSX-filen fylder {size_da(unpacked)} udpakket; grænsen er "
                f"{size_da(limits.max_unpacked_bytes)}."
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


def _scan_xml(stream: IO[bytes], handlers: _XmlGuard, clock: Clock) -> None:
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

    def __init__(self, filename: str, limits: ImportLimits, clock: Clock) -> None:
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
                    f"regnearket har mere end {fmt.plain(self.limits.max_cells)} celler; grænsen er "
                    f"{fmt.plain(self.limits.max_cells)}.",
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
                f"{where} har en værdi efter række {fmt.plain(self.limits.max_rows)}; grænsen er "
                f"{fmt.plain(self.limits.max_rows)} rækker."
            )
        if self.col > self.limits.max_columns:
            self.refuse(
                f"{where} har en værdi efter kolonne {column_letter(self.limits.max_columns - 1)}; "
                f"grænsen er {fmt.plain(self.limits.max_columns)} kolonner."
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
                f"regnearket angiver sit område som {ref} ({fmt.plain(rows)} rækker og {fmt.plain(cols)} "
                f"kolonner); grænsen er {fmt.plain(self.limits.max_rows)} rækker og "
                f"{fmt.plain(self.limits.max_columns)} kolonner."
            )


def _sheet_rows(
    sheet: Any, extent: _SheetScan, clock: Clock
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
                raise ImportFileError([too_long(extent.filename, number, col, extent.limits)])
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
