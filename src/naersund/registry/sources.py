"""Reading input files for validation: encoding, delimiter, column names, and the SQL that
reads one file with every column as text and the row number a person would count.

Files are UTF-8 (with or without BOM) or Windows-1252: a file that is not valid UTF-8 is
transcoded from Windows-1252 to a temporary UTF-8 copy; anything else is refused with a message.
An ingest (:func:`checked_by_reader`) checks only the first 16 MB of a file here, and leaves the
rest to DuckDB's reader, which refuses bytes that are not UTF-8: such a file is then checked
whole and read again (so a NUL character, the mark of a binary file, is looked for in the
first 16 MB only).
A file that mixes the two (UTF-8 rows and Windows-1252 rows) is refused, naming the first row
where the encoding changes, since reading it as either would garble the other part.
The delimiter is a comma or a semicolon (Danish Excel), sniffed from the header line.
A CSV line may be at most :data:`MAX_LINE_BYTES` long: a longer one is refused before DuckDB reads
the file (its reader drops an over-long last line without a word, or fails on the file).
Within an ingest a big CSV file of plain lines is read as pieces side by side, each numbered
from the row it starts at (:mod:`naersund.registry.pieces`); a reader error in a piece makes
the ingest start over with that file read whole, so that the message is the whole file's.
"""

from __future__ import annotations

import codecs
import csv
import functools
import re
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import ParamSpec, TypeVar

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from naersund import fmt
from naersund.errors import InputError
from naersund.registry import pieces as file_pieces
from naersund.registry.pieces import Piece
from naersund.textfile import encoding_change, long_line, row_at

_CHUNK = 1 << 24
# The longest line a CSV input file may have, in bytes (UTF-8). A registry row is a few hundred
# bytes; the limit leaves room for columns that are not read, and stops a runaway field (a
# missing line break, a pasted document) before it reaches the reader.
MAX_LINE_BYTES = 1 << 20
# Messages show at most this many characters of a value (the rejects report has all of it).
SHOWN_CHARS = 40


def sql_lit(text: str) -> str:
    """A SQL string literal (for file paths and names that DuckDB takes only as literals)."""
    return "'" + text.replace("'", "''") + "'"


def sql_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def q(v: str) -> str:
    """SQL for the value ``v`` in single quotes, as messages show it (at most
    :data:`SHOWN_CHARS` characters, then ``…``)."""
    shown = (
        f"CASE WHEN length({v}) > {SHOWN_CHARS} THEN left({v}, {SHOWN_CHARS}) || '…' ELSE {v} END"
    )
    return "('''' || " + shown + " || '''')"


def sql_tuple(items: Sequence[str]) -> str:
    return "(" + ", ".join(sql_lit(i) for i in items) + ")"


def rows_word(n: int) -> str:
    return f"{fmt.integer(n)} {'række' if n == 1 else 'rækker'}"


@dataclass(frozen=True)
class Source:
    """One input file, ready for DuckDB: ``path`` is UTF-8 (a transcoded copy if need be)."""

    path: Path
    label: str  # the name shown in messages
    kind: str  # "csv" or "parquet"
    names: tuple[str, ...]  # normalised column names (stripped, lower case), in file order
    originals: tuple[str, ...]  # the names as they stand in the file
    delimiter: str = ","
    first_row: int = 2  # the row number of the first record (SAS datasets count from 1)
    pieces: tuple[Piece, ...] = ()  # a big CSV file read as pieces side by side (or whole)


def normalise_names(label: str, names: Sequence[str]) -> tuple[str, ...]:
    out: list[str] = []
    for i, name in enumerate(names):
        norm = name.strip().lstrip("\ufeff").lower() or f"_kolonne_{i + 1}"
        if norm in out:
            raise InputError(f"{label}: kolonnen '{name.strip()}' forekommer flere gange")
        out.append(norm)
    return tuple(out)


def _complete(buf: bytearray, end: int) -> int:
    """Where the last complete UTF-8 character of ``buf[:end]`` ends: ``end``, or the start of
    a multi-byte sequence cut off at ``end`` (its other bytes are in the next read)."""
    for back in range(1, min(4, end) + 1):
        byte = buf[end - back]
        if byte & 0xC0 != 0x80:  # not a continuation byte: ASCII or the lead of a sequence
            need = 1 if byte < 0x80 else 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return end if need <= back else end - back
    return end


def _check_utf8(path: Path, label: str, limit: int | None = None) -> bool:
    """True when the file is valid UTF-8 (with ``limit``: its first ``limit`` bytes, give or
    take a character); rejects UTF-16 and binary files outright.

    Speed (issue 16): the file is read into one reused buffer and each block is validated by
    Arrow's UTF-8 check on that buffer, without copying it into a Python string: about 0.8
    CPU-s for a 3.9 GB extract file, against 4.2 for Python's incremental decoder (whose new
    16 MB strings cost more in page faults than the decoding)."""
    buf = bytearray(_CHUNK)
    view = memoryview(buf)
    ends = np.zeros(2, dtype=np.int64)  # the one value's start and end (read by Arrow)
    offsets = pa.py_buffer(ends)
    ok, carry, first = True, 0, True
    with path.open("rb", buffering=0) as f:
        while True:
            n = f.readinto(view[carry:])
            end = carry + n
            if first and bytes(buf[:2]) in (b"\xff\xfe", b"\xfe\xff"):
                raise InputError(f"{label}: filen er gemt som UTF-16; gem den som UTF-8")
            first = False
            if buf.find(b"\x00", carry, end) >= 0:
                raise InputError(f"{label}: ikke en tekstfil (indeholder NUL-tegn)")
            cut = _complete(buf, end) if n else end
            if ok and cut:
                ends[1] = cut
                text = pa.Array.from_buffers(
                    pa.large_string(), 1, [None, offsets, pa.py_buffer(view[:cut])]
                )
                try:
                    text.validate(full=True)
                except pa.ArrowInvalid:
                    ok = False
            if not n or (limit is not None and f.tell() >= limit):
                return ok
            carry = end - cut
            buf[:carry] = bytes(buf[cut:end])  # the cut-off sequence, to be completed


class NotUtf8(Exception):
    """DuckDB found bytes that are not UTF-8 in ``path``, which was checked only at its top."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


class ReadWhole(Exception):
    """DuckDB's reader failed on a piece of ``path`` (:mod:`naersund.registry.pieces`): the
    file is to be read whole, so that the message is the one the whole file gives."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


P = ParamSpec("P")
T = TypeVar("T")
# Speed (issue 16): within :func:`checked_by_reader`, a CSV file is checked for UTF-8 only in
# its first HEAD_BYTES, and DuckDB's reader checks the rest as it reads (it refuses bytes that
# are not UTF-8); the files in the set, found otherwise by a reader, are checked whole.
HEAD_BYTES = _CHUNK
_CHECKED_BY_READER: ContextVar[frozenset[Path] | None] = ContextVar(
    "checked_by_reader", default=None
)
# Within :func:`checked_by_reader`: the files read whole although big (None outside: no file is
# read as pieces)
_READ_WHOLE: ContextVar[frozenset[Path] | None] = ContextVar("read_whole", default=None)


def checked_by_reader(run: Callable[P, T]) -> Callable[P, T]:
    """``run`` with the encoding of the CSV files it opens checked by DuckDB's reader as it
    reads them: a file it finds not UTF-8 makes ``run`` start over, with that file checked
    whole in Python first (it is then Windows-1252, mixed or refused, as said above).

    A full pass in Python over every byte of a national extract (23 GB) cost 21 CPU-s, 5 % of
    its ingest, for what DuckDB checks anyway. Inside ``run``, every DuckDB error goes through
    :func:`not_utf8` before it becomes a message.

    Inside ``run`` a big CSV file of plain lines is also read as pieces side by side
    (:mod:`naersund.registry.pieces`); a reader error in a piece (:func:`piece_error`) makes
    ``run`` start over with that file read whole."""

    @functools.wraps(run)
    def checked(*args: P.args, **kwargs: P.kwargs) -> T:
        whole: frozenset[Path] = frozenset()
        read_whole: frozenset[Path] = frozenset()
        while True:
            token = _CHECKED_BY_READER.set(whole)
            token_whole = _READ_WHOLE.set(read_whole)
            try:
                return run(*args, **kwargs)
            except NotUtf8 as e:
                whole |= {e.path}
            except ReadWhole as e:
                read_whole |= {e.path}
            finally:
                _READ_WHOLE.reset(token_whole)
                _CHECKED_BY_READER.reset(token)

    return checked


def piece_error(error: duckdb.Error) -> ReadWhole | None:
    """:class:`ReadWhole` for a DuckDB error in a piece of a file, else None."""
    named = re.search(r"^\s*file = (.+)$", str(error), re.MULTILINE)
    path = file_pieces.original(named.group(1)) if named else None
    return ReadWhole(path) if path is not None else None


def _pieces_of(path: Path) -> tuple[Piece, ...]:
    """The pieces ``path`` is read as (none outside an ingest, or when it is read whole)."""
    whole = _READ_WHOLE.get()
    if whole is None or path.resolve() in whole:
        return ()
    return file_pieces.pieces(path.resolve())


def not_utf8(error: duckdb.Error) -> NotUtf8 | None:
    """:class:`NotUtf8` for a DuckDB error about bytes that are not UTF-8 in a file whose
    encoding the reader was left to check, else None."""
    whole = _CHECKED_BY_READER.get()
    text = str(error)
    named = re.search(r"^\s*file = (.+)$", text, re.MULTILINE)
    if whole is None or "Invalid unicode" not in text or not named:
        return None
    path = Path(named.group(1).strip())
    return None if path in whole else NotUtf8(path)


def _utf8_copy(path: Path, label: str, work: Path) -> Path:
    """``path`` itself when it is UTF-8, else a UTF-8 copy of it read as Windows-1252."""
    whole = _CHECKED_BY_READER.get()
    limit = None if whole is None or path in whole else HEAD_BYTES
    if _check_utf8(path, label, limit):
        return path
    change = encoding_change(path)
    if change:
        raise InputError(
            f"{label}, række {fmt.integer(change.row)}: filen blander tegnsæt ({change.first} før "
            f"denne række, {change.then} fra den); gem hele filen som UTF-8"
        )
    out = Path(work) / f"cp1252-{len(list(Path(work).glob('cp1252-*')))}.csv"
    decoder = codecs.getincrementaldecoder("cp1252")("strict")
    offset = 0
    with path.open("rb") as fin, out.open("w", encoding="utf-8", newline="") as fout:
        for chunk in iter(partial(fin.read, _CHUNK), b""):
            try:
                fout.write(decoder.decode(chunk))
            except UnicodeDecodeError as e:
                raise InputError(
                    f"{label}: kan hverken læses som UTF-8 eller Windows-1252 (byte "
                    f"0x{chunk[e.start]:02X} ved position {fmt.integer(offset + e.start + 1)}); "
                    "gem filen som UTF-8"
                ) from None
            offset += len(chunk)
    return out


def _sniff(line: str, expected: Sequence[str]) -> str:
    """Comma or semicolon: the one whose header names more of the expected columns."""
    wanted = set(expected)

    def score(delim: str) -> tuple[int, int]:
        names = next(csv.reader([line], delimiter=delim))
        return len({n.strip().lower() for n in names} & wanted), len(names)

    return max((",", ";"), key=score)


def open_source(
    path: Path, label: str, expected: Sequence[str], work: Path, as_pieces: bool = False
) -> Source:
    """Inspect one input file: encoding, delimiter and column names. With ``as_pieces`` a big
    CSV file is read as pieces within an ingest; its rows are numbered as read in pieces
    (:mod:`naersund.registry.pieces`) until its caller counts them
    (:func:`naersund.registry.lpr3_typed.check`)."""
    if path.suffix.lower() == ".parquet":
        try:
            originals = tuple(pq.read_schema(path).names)
        except (OSError, pa.ArrowException) as e:
            raise InputError(f"{label}: kan ikke læses som Parquet ({e})") from None
        return Source(path, label, "parquet", normalise_names(label, originals), originals)
    readable = _utf8_copy(path, label, work)
    too_long = long_line(readable, MAX_LINE_BYTES)
    if too_long and too_long.offset == 0:
        raise InputError(
            f"{label}, række 1: linjen med kolonnenavne er {fmt.integer(too_long.length)} byte lang "
            f"(højst {fmt.integer(MAX_LINE_BYTES)} byte pr. linje)"
        )
    with readable.open("rb") as f:
        first = f.readline()
    try:
        line = first.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError:  # a header line longer than the top checked: check it whole
        raise NotUtf8(readable) from None
    if not line.strip():
        raise InputError(f"{label}: filen er tom (der mangler en linje med kolonnenavne)")
    delim = _sniff(line, expected)
    originals = tuple(next(csv.reader([line], delimiter=delim)))
    if too_long:
        raise _long_line_error(readable, label, too_long.offset, too_long.length, originals, delim)
    names = normalise_names(label, originals)
    cut = _pieces_of(readable) if as_pieces else ()
    return Source(readable, label, "csv", names, originals, delim, pieces=cut)


def _long_line_error(
    path: Path, label: str, offset: int, length: int, names: Sequence[str], delim: str
) -> InputError:
    """An over-long line refused with its row and, where it can be told, its longest field."""
    with path.open("rb") as f:
        f.seek(offset)
        text = f.read(length).decode("utf-8", errors="replace")
    where = f"{label}, række {fmt.integer(row_at(path, offset))}"
    limit = csv.field_size_limit(len(text) + 1)  # Python's reader refuses fields over 128 KiB
    try:
        fields = next(csv.reader([text], delimiter=delim), [])
    finally:
        csv.field_size_limit(limit)

    longest = max(range(len(fields)), key=lambda i: len(fields[i]), default=None)
    why = "for lang linje"
    if longest is not None and longest < len(names):
        where += f", felt '{names[longest].strip()}'"
        why = f"for lang værdi ({fmt.integer(len(fields[longest]))} tegn)"
    return InputError(
        f"{where}: {why}; en linje må højst fylde {fmt.integer(MAX_LINE_BYTES)} byte, "
        f"denne fylder {fmt.integer(length)}"
    )


def raw_sql(fileno: int, source: Source, columns: Sequence[str]) -> str:
    """``SELECT _fileno, _row, <columns as text>`` of one file; absent columns are NULL."""
    if source.kind == "parquet":
        by_norm = dict(zip(source.names, source.originals, strict=True))
        cols = [
            f"CAST({sql_ident(by_norm[c])} AS VARCHAR)" if c in by_norm else "NULL::VARCHAR"
            for c in columns
        ]
        row = f"file_row_number + {source.first_row}"
        scan = f"read_parquet({sql_lit(str(source.path))}, file_row_number = true, hive_partitioning = false)"
    else:
        cols = [sql_ident(c) if c in source.names else "NULL::VARCHAR" for c in columns]
        types = ", ".join(f"{sql_lit(n)}: 'VARCHAR'" for n in source.names)

        def read(path: str, header: bool) -> str:
            return (
                f"read_csv({sql_lit(path)}, header = {str(header).lower()}, "
                f"auto_detect = false, delim = {sql_lit(source.delimiter)}, quote = '\"', "
                f"escape = '\"', columns = {{{types}}}, hive_partitioning = false, "
                f"max_line_size = {MAX_LINE_BYTES})"
            )

        # The row number is taken right at the scan, which DuckDB reads in file order (one
        # thread per numbered scan); a file read as pieces is numbered piece by piece.
        select = ", ".join(f"{e} AS {sql_ident(c)}" for e, c in zip(cols, columns, strict=True))
        if not source.pieces:
            return (
                f"SELECT {fileno} AS _fileno, CAST(row_number() OVER () + 1 AS BIGINT) AS _row, "
                f"{select} FROM {read(str(source.path), True)}"
            )
        # a file read as pieces: its piece and its place in the piece, as read (its row in
        # the file once the rows of each piece are counted: pieces.row_sql)
        whole = source.path.resolve()
        return " UNION ALL ".join(
            f"SELECT {fileno} AS _fileno, CAST({file_pieces.numbered(i)} AS BIGINT) AS _row, "
            f"{select} FROM {read(piece.path(whole), i == 0)}"
            for i, piece in enumerate(source.pieces)
        )
    select = ", ".join(f"{e} AS {sql_ident(c)}" for e, c in zip(cols, columns, strict=True))
    return f"SELECT {fileno} AS _fileno, CAST({row} AS BIGINT) AS _row, {select} FROM {scan}"


def csv_error(label: str, error: duckdb.Error) -> InputError:
    """A DuckDB CSV reader error as a message for a person."""
    text = str(error)
    line = re.search(r"CSV Error on Line: (\d+)", text)
    where = f"{label}, række {line.group(1)}" if line else label
    counts = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if counts:
        why = f"forventede {counts.group(1)} felter, fandt {counts.group(2)} (tjek skilletegn og anførselstegn)"
    elif "unterminated quote" in text:
        why = "anførselstegn åbnes, men lukkes ikke"
    elif "Maximum line size" in text:
        why = f"for lang række (højst {fmt.integer(MAX_LINE_BYTES)} byte)"
    else:
        # DuckDB's own text is for developers (and can quote whole rows): not shown
        why = "kan ikke læses som CSV (tjek skilletegn, anførselstegn og linjeskift)"
    return InputError(f"{where}: {why}")
