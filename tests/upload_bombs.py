"""Hostile spreadsheets for the upload tests, built from code: a real XLSX written by openpyxl
whose first sheet's XML is replaced. Shared by the library and the web tests."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def small_book(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def replace_part(data: bytes, name: str, content: Iterable[bytes]) -> bytes:
    """``data`` (an XLSX) with the part ``name`` replaced by ``content``, written in chunks so
    that a part of hundreds of MB never sits in memory."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info, src.read(info), compress_type=zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(info, "w", force_zip64=True) as part:
            for chunk in content:
                part.write(chunk)
    return out.getvalue()


def dimension_bomb(rows: list[list[object]], ref: str = "A1:XFD20000") -> bytes:
    """A tiny XLSX (about 5 KB) whose sheet declares that it fills ``ref``: openpyxl pads every
    row it reads to the declared width and height (20,000 x 16,384 cells by default)."""
    data = small_book(rows)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read(SHEET)
    start = sheet.index(b"<dimension ")
    end = sheet.index(b"/>", start) + 2
    return replace_part(
        data, SHEET, [sheet[:start] + f'<dimension ref="{ref}"/>'.encode() + sheet[end:]]
    )


def huge_sheet(megabytes: int) -> bytes:
    """An XLSX whose sheet XML unpacks to ``megabytes`` MB of real cells (a few hundred KB
    packed): the full-size bomb."""
    row = b"".join(b'<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(100))

    def chunks() -> Iterable[bytes]:
        yield HEAD + b"<sheetData>"
        block = b"".join(b"<row>" + row + b"</row>" for _ in range(256))
        for _ in range(megabytes * 1024 * 1024 // len(block) + 1):
            yield block
        yield b"</sheetData></worksheet>"

    return replace_part(small_book([["kommunekode"]]), SHEET, chunks())


def many_cells(cells: int) -> bytes:
    """An XLSX whose one row holds ``cells`` empty cell elements (4 bytes each): openpyxl
    builds every cell of a row before it hands the row on."""
    return replace_part(
        small_book([["kommunekode"]]),
        SHEET,
        [HEAD + b"<sheetData><row>", b"<c/>" * cells, b"</row></sheetData></worksheet>"],
    )


def sheet_xml(body: str) -> bytes:
    """An XLSX whose first sheet is ``<sheetData>body</sheetData>`` (cells written by hand)."""
    return replace_part(
        small_book([["kommunekode"]]),
        SHEET,
        [HEAD + b"<sheetData>" + body.encode() + b"</sheetData></worksheet>"],
    )
