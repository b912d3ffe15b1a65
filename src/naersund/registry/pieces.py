"""A big CSV file read as pieces side by side, each row still named by its row in the file.

Speed (issue 16). Every message names the row of the file it is about, so a CSV file's rows
are numbered as they are read: ``row_number() OVER ()`` over DuckDB's reader (whose CSV reader
has no row number of its own). DuckDB runs that numbering on one thread, with the whole pass
behind it: at 10 national years the pass over ``kontakter`` (18.7 GB) ran on one of the
machine's two cores. Here a big file is cut into pieces at line ends (at most
:data:`MAX_PIECES`), each piece is read by its own reader with its own ``row_number()``, and
DuckDB reads the pieces side by side.

A row's number as read is its piece and its place in the piece, ``piece << 40 | n`` (the rows
keep their order in the file); once read, the rows per piece are counted and :func:`row_sql`
turns that into the row of the file (the rows of the pieces before it, plus ``n``, plus the
line of column names). So a row is numbered exactly as DuckDB's reader of the whole file
numbers it, whatever its lines (an empty line, which the reader skips, or a value with a line
break, which spans two lines), without a pass of our own over the file.

A piece begins after a line end. Where that line end is in a quoted value (a value holding a
line break) the piece before it ends inside the quotes, which DuckDB's reader refuses (every
piece before it began at a row, so that reader sees the value as the whole file's does). Any
reader error in a piece makes the ingest start over with the file read whole
(:class:`naersund.registry.sources.ReadWhole`), so that every message is the one the whole
file gives.

DuckDB reads a piece through a file system of ours (``fsspec``, registered on the ingest's
connection) that shows the piece's bytes of the file as a file of their own.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fsspec.spec import AbstractFileSystem

PIECE_BYTES = 128 << 20  # bytes per piece, at least; a file under two pieces is read whole
# pieces per file, at most (bigger pieces beyond): with 139 pieces of an 18.7 GB file the pass
# read 92 GB (DuckDB readies every piece's reader, each with its buffers, at the start of the
# read, which crowds the ingest's 3 GB); with 16 it reads the file once
MAX_PIECES = 16
PROTOCOL = "naersund-piece"
ROW_BITS = 40  # a row as read: its piece above these bits, its place in the piece below
_FIND = (1 << 20) + 2  # bytes looked through for a line end (a line is at most 1 MB)


@dataclass(frozen=True)
class Piece:
    """Bytes ``start`` to ``end`` of a file, beginning after a line end (or at the start)."""

    start: int
    end: int

    def path(self, file: Path) -> str:
        """The name DuckDB reads the piece by (through :class:`PieceFileSystem`)."""
        return f"{PROTOCOL}://{file}@{self.start}-{self.end}"


def pieces(path: Path, piece_bytes: int | None = None) -> tuple[Piece, ...]:
    """``path`` cut at line ends into pieces of about ``piece_bytes`` (default
    :data:`PIECE_BYTES`; bigger when that makes more than :data:`MAX_PIECES`), or ``()`` when
    it is to be read whole (under two pieces)."""
    size = path.stat().st_size
    step = max(piece_bytes or PIECE_BYTES, -(-size // MAX_PIECES))
    if size < 2 * step:
        return ()
    cuts = [0]
    with path.open("rb") as f:
        for target in range(step, size - step // 2, step):  # no last piece under half a piece
            if target <= cuts[-1]:
                continue
            f.seek(target - 1)  # a line end just before the target is a cut at it
            found = f.read(_FIND).find(b"\n")
            if found >= 0 and target + found < size:
                cuts.append(target + found)
    if len(cuts) < 2:
        return ()
    return tuple(Piece(a, b) for a, b in zip(cuts, [*cuts[1:], size], strict=True))


def numbered(index: int) -> str:
    """SQL of a row's number as read in piece ``index`` (over the rows of its reader)."""
    return f"(row_number() OVER () + {index << ROW_BITS})"


def row_sql(offsets: dict[int, list[int]]) -> str:
    """SQL of a row's number in its file, from ``_fileno`` and its number as read ``_row``,
    given per file read as pieces the rows before each piece (the line of column names
    included); a file read whole is numbered so already."""
    if not offsets:
        return "_row"
    mask = (1 << ROW_BITS) - 1
    cases = " ".join(
        f"WHEN _fileno = {f} THEN (_row & {mask}) + {list(o)}[(_row >> {ROW_BITS}) + 1]"
        for f, o in sorted(offsets.items())
    )
    return f"CAST(CASE {cases} ELSE _row END AS BIGINT)"


def offsets_of(counts: list[tuple[int, int, int]], sizes: dict[int, int]) -> dict[int, list[int]]:
    """Per file the rows before each piece (:func:`row_sql`), given the rows read per
    ``(file, piece)`` and the number of pieces per file; the line of column names is row 1."""
    rows = {(int(f), int(k)): int(n) for f, k, n in counts}
    found: dict[int, list[int]] = {}
    for fileno, n_pieces in sizes.items():
        before = [1]
        for k in range(n_pieces - 1):
            before.append(before[-1] + rows.get((fileno, k), 0))
        found[fileno] = before
    return found


class _Range(io.RawIOBase):
    """Bytes ``start`` to ``end`` of a file, as a file."""

    def __init__(self, path: str, start: int, end: int) -> None:
        super().__init__()
        self._fd = os.open(path, os.O_RDONLY)
        self._start, self._size, self._pos = start, end - start, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, min(base + offset, self._size))
        return self._pos

    def readinto(self, b: Any) -> int:
        want = min(len(b), self._size - self._pos)
        if want <= 0:
            return 0
        got = os.preadv(self._fd, [memoryview(b)[:want]], self._start + self._pos)
        self._pos += got
        return got

    def close(self) -> None:
        if not self.closed:
            os.close(self._fd)
        super().close()


def _parse(name: str) -> tuple[str, int, int]:
    """``naersund-piece:///a/b.csv@0-100`` -> ``/a/b.csv``, 0, 100."""
    name = name.removeprefix(f"{PROTOCOL}://")
    file, _, span = name.rpartition("@")
    start, _, end = span.partition("-")
    return file, int(start), int(end)


class PieceFileSystem(AbstractFileSystem):
    """The pieces of :func:`pieces` as files, for DuckDB (``con.register_filesystem``)."""

    protocol = PROTOCOL

    def _open(self, path: str, mode: str = "rb", **kwargs: Any) -> io.BufferedReader:
        if mode != "rb":
            raise PermissionError(f"{path}: read only")
        return io.BufferedReader(_Range(*_parse(path)), buffer_size=1 << 20)

    def info(self, path: str, **kwargs: Any) -> dict[str, Any]:
        _file, start, end = _parse(path)
        return {"name": path, "size": end - start, "type": "file"}


def original(name: str) -> Path | None:
    """The file a piece's name (as DuckDB names it in an error) is part of, else None."""
    name = name.strip()
    return Path(_parse(name)[0]) if name.startswith(f"{PROTOCOL}://") else None
