"""Text files as people save them: UTF-8 or Windows-1252, but never both in one file.

A file that is not valid UTF-8 is usually Windows-1252 (Danish Excel, SAS on Windows). Reading
it all as Windows-1252 is right then, but wrong for a file that someone assembled from a UTF-8
part and a Windows-1252 part: the UTF-8 rows would turn into mojibake (``Ã˜`` for ``Ø``) without
any error. :func:`encoding_change` finds such a file and the first row where the encoding
changes, so that it can be refused instead. :func:`long_line` finds a line longer than a
limit without reading the file line by line (a reader may otherwise drop or choke on it).

Rows are counted as in a spreadsheet, for CSV: the first line is row 1, and a line break inside
a quoted value (``"..."``) does not start a new row.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import BinaryIO

UTF8 = "UTF-8"
CP1252 = "Windows-1252"
_CHUNK = 1 << 24
# A multi-byte UTF-8 sequence. Windows-1252 text almost never holds one by chance: in Danish
# text a lead byte (Æ, Ø, Å, æ, å ...) is followed by an ASCII letter, not by a byte 0x80-0xBF.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


@dataclass(frozen=True)
class EncodingChange:
    """Where a file switches encoding: ``row`` is the first row in ``then``, the rows with
    letters outside ASCII before it are in ``first``."""

    row: int
    first: str
    then: str


def has_utf8_sequence(path: Path) -> bool:
    """True when the file holds at least one multi-byte UTF-8 sequence (fast, in C)."""
    tail = b""
    with path.open("rb") as f:
        for chunk in iter(partial(f.read, _CHUNK), b""):
            if _UTF8_SEQUENCE.search(tail + chunk):
                return True
            tail = chunk[-3:]
    return False


def _rows(f: BinaryIO, quote: bytes) -> Iterator[tuple[int, int, bytes]]:
    """(row, offset, line) of every physical line, the row counted as a spreadsheet counts."""
    row, offset, quoted = 1, 0, False
    for line in f:
        yield row, offset, line
        offset += len(line)
        if quote and line.count(quote) % 2:
            quoted = not quoted
        if not quoted:
            row += 1


def encoding_change(path: Path, quote: bytes = b'"') -> EncodingChange | None:
    """The first row of ``path`` whose encoding differs from the rows before it, or None.

    A row with only ASCII characters fits either encoding; a row with other characters is
    UTF-8 when it decodes as UTF-8, else Windows-1252. A file of one encoding gives None (a
    Windows-1252 file is answered from one fast scan; the row by row pass runs only when the
    file holds UTF-8 sequences). ``quote`` is the CSV quote character, or ``b""`` for plain text.
    """
    if not has_utf8_sequence(path):
        return None
    first = None
    with path.open("rb") as f:
        for row, _, line in _rows(f, quote):
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
                encoding = UTF8
            except UnicodeDecodeError:
                encoding = CP1252
            if first is None:
                first = encoding
            elif encoding != first:
                return EncodingChange(row, first, encoding)
    return None


@dataclass(frozen=True)
class LongLine:
    """A physical line longer than allowed: where it starts (byte offset) and its length in
    bytes (without the line break)."""

    offset: int
    length: int


_PROBE = 1 << 12  # bytes read at a time around a probed offset (a few registry lines)


def _line_start(fd: int, at: int) -> int:
    """Where the line holding byte ``at`` starts: after the last line break before ``at``."""
    pos = at
    while pos > 0:
        lo = max(0, pos - _PROBE)
        found = os.pread(fd, pos - lo, lo).rfind(b"\n")
        if found >= 0:
            return lo + found + 1
        pos = lo
    return 0


def _line_end(fd: int, at: int, size: int) -> int:
    """Where the line holding byte ``at`` ends: its line break at or after ``at`` (or EOF)."""
    pos = at
    while pos < size:
        chunk = os.pread(fd, min(_PROBE, size - pos), pos)
        if not chunk:
            break
        found = chunk.find(b"\n")
        if found >= 0:
            return pos + found
        pos += len(chunk)
    return size


def long_line(path: Path, limit: int) -> LongLine | None:
    """The first line of ``path`` longer than ``limit`` bytes, or None.

    Fast whatever the file's size: a line longer than ``limit`` bytes covers a byte offset that
    is a multiple of ``limit``, so only the lines at those offsets are measured, each read in
    small pieces around its offset without read-ahead. Memory (issue 16): the file was mapped
    (``mmap``) and searched; every probe then mapped the pages around it, and the 18.7 GB
    ``kontakter.csv`` of a national extract raised the ingest's resident memory to 2.5 GB
    before anything else was read (and its read-ahead read most of the file from disk)."""
    size = path.stat().st_size
    if size <= limit:
        return None
    with path.open("rb", buffering=0) as f:
        fd = f.fileno()
        if hasattr(os, "posix_fadvise"):  # not on every platform; only a hint
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_RANDOM)
        for at in range(limit, size, limit):
            start, end = _line_start(fd, at), _line_end(fd, at, size)
            if end - start > limit:
                return LongLine(start, end - start)
    return None


def row_at(path: Path, offset: int, quote: bytes = b'"') -> int:
    """The row (as a spreadsheet counts, first line row 1) holding byte ``offset``."""
    row = 1
    with path.open("rb") as f:
        for row, start, line in _rows(f, quote):
            if start + len(line) > offset:
                return row
    return row
