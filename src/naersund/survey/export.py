"""Tables for download as CSV and XLSX, safe to open in a spreadsheet.

CSV is written for Danish Excel: UTF-8 with a byte order mark (so æøå survive), ``;`` as the
separator and a decimal comma. XLSX keeps numbers as numbers.

Text that a spreadsheet would read as a formula (it begins with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) is written with a leading apostrophe, so that a municipality's
tilbagemelding such as ``=HYPERLINK(...)`` is shown as text and never executed (OWASP, "CSV
Injection"). Numbers are never altered: -3 stays the number -3.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

Cell = str | int | float | None

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    """One sheet: a title (the XLSX sheet's name, at most 31 characters there), the header
    and the rows. ``notes`` are lines written above the header (source, round, ...)."""

    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    notes: Sequence[str] = field(default_factory=tuple)


def escape_text(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would take it for a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_cell(value: Cell) -> Cell:
    """A cell value ready for a spreadsheet: text escaped, numbers as they are."""
    if isinstance(value, str):
        return escape_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _csv_text(value: Cell) -> str:
    v = safe_cell(value)
    if v is None:
        return ""
    if isinstance(v, bool):
        return "ja" if v else "nej"
    if isinstance(v, float):
        return (str(int(v)) if v.is_integer() else repr(v)).replace(".", ",")
    return str(v)


def write_csv(table: Table) -> bytes:
    """The table as CSV for Danish Excel (BOM, ``;``, decimal comma); notes first."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for note in table.notes:
        writer.writerow([escape_text(note)])
    writer.writerow([_csv_text(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_text(c) for c in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _sheet_title(title: str, used: set[str]) -> str:
    # Excel forbids []:*?/\ in sheet names and allows 31 characters.
    clean = "".join("-" if ch in "[]:*?/\\" else ch for ch in title).strip() or "Ark"
    name = clean[:31]
    n = 2
    while name.casefold() in used:
        suffix = f" ({n})"
        name = clean[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.casefold())
    return name


def write_xlsx(tables: Sequence[Table]) -> bytes:
    """The tables as one workbook, a sheet each, header in bold and frozen below it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for table in tables:
        ws = wb.create_sheet(_sheet_title(table.title, used))
        for note in table.notes:
            ws.append([escape_text(note)])
        ws.append([safe_cell(c) for c in table.columns])
        header_row = ws.max_row
        for cell in ws[header_row]:
            cell.font = Font(bold=True)
        for row in table.rows:
            ws.append([safe_cell(c) for c in row])
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        for i, name in enumerate(table.columns, start=1):
            width = max([len(str(name))] + [len(str(r[i - 1] or "")) for r in table.rows[:200]])
            ws.column_dimensions[ws.cell(row=header_row, column=i).column_letter].width = min(
                max(width + 2, 8), 60
            )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
