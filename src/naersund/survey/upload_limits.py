"""An uploaded table's bounds and shape: the limits of what is read (:class:`ImportLimits`), the
error listing every problem (:class:`ImportFileError`), the table read (:class:`Table`), its
columns' spreadsheet names and the time budget of one file. The readers are
:mod:`naersund.survey.upload_csv` and :mod:`naersund.survey.upload_xlsx`;
:func:`naersund.survey.importing.read_table` chooses between them."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

from naersund import fmt
from naersund.errors import InputError

MAX_PROBLEMS = 200  # problems listed at most
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
            f"Højst {size_da(self.max_bytes)}, {fmt.plain(self.max_rows)} rækker, "
            f"{fmt.plain(self.max_columns)} kolonner og {fmt.plain(self.max_cells)} celler."
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


def size_da(nbytes: int) -> str:
    """A size as Danish text: 300,5 MB, 20 MB, 12 KB."""
    if nbytes >= MB:
        return f"{fmt.plain(round(nbytes / MB, 1))} MB"
    return f"{fmt.plain(max(1, round(nbytes / 1024)))} KB"


class Clock:
    """The time budget of one file (``ImportLimits.max_seconds``)."""

    def __init__(self, filename: str, limits: ImportLimits) -> None:
        self.filename = filename
        self.limit = limits.max_seconds
        self.deadline = time.monotonic() + limits.max_seconds

    def check(self) -> None:
        if time.monotonic() >= self.deadline:
            raise ImportFileError(
                [
                    f"{self.filename}: indlæsningen har taget mere end {fmt.plain(self.limit)} sekunder "
                    "(grænsen) og er stoppet; filen er for stor eller for indviklet."
                ]
            )


def too_long(filename: str, row: int, col: int | None, limits: ImportLimits) -> str:
    where = f"{filename}, række {row}" + ("" if col is None else f", kolonne {column_letter(col)}")
    return f"{where}: feltet er længere end {fmt.plain(limits.max_field_chars)} tegn (grænsen)."
