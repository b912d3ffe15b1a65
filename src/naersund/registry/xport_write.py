"""Streaming writer for SAS transport files (``.xpt``, version 8 or 5), one chunk at a time.

The inverse of :mod:`naersund.registry.xport`: the same 80-byte records (library and member
headers, one 140-byte ``NAMESTR`` per variable, the rows at fixed width, the last record padded
with blanks), numbers as 8-byte IBM/370 floating point, text at a fixed width in bytes padded
with blanks. Columns come as Arrow arrays and are converted with numpy, whole columns at a
time; rows are written chunk by chunk, so memory holds one chunk's rows, whatever the table's
size. The file is written beside its place (``NAME.part``) and renamed when complete: a writer
that fails leaves nothing behind.

Why not pyreadstat, the well-kept library for SAS files (still used to read ``.sas7bdat``): its
writer takes one whole data frame and passes every cell through Python (through narwhals'
``iter_rows``: about 30 CPU-s a million contacts on the bench machine, with dates as numbers
or as date objects alike), and it cannot append to a file, so a national year has to be one
data frame of several GB, and 10 national years would take over an hour of CPU (extrapolated
from a year at scale 0.2); with this writer the whole synth of them takes about 8 CPU minutes
(BENCHMARKS.md, "SAS at scale").

SAS counts days (dates) and seconds (datetimes) from 1960-01-01 and times in seconds since
midnight; Arrow dates, timestamps and times are converted so, with a SAS format (``DATE9.``,
``DATETIME26.6``, ``TIME8.``) that tells a reader what they are. SAS text has no missing value:
a null text is written as blanks (read back as an empty string); a null number is SAS's ``.``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from naersund.registry.xport import RECORD

CHUNK_ROWS = 100_000
SAS_EPOCH_DAYS = 3653  # 1960-01-01 -> 1970-01-01
_DAY_SECONDS = 86_400
_MAX_NAME = {5: 8, 8: 32}
_MAX_TEXT = {5: 200, 8: 32_767}
_FORMAT_RE = re.compile(r"(\$?[A-Z_][A-Z0-9_]*?)(\d*)\.(\d*)")
_BLANK = 0x20
_MISSING = np.uint64(0x2E << 56)  # SAS '.': the byte 0x2E followed by zero bytes
_HEAD = "HEADER RECORD*******"
_ZEROS = "0" * 30

Bytes2D = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Column:
    """One variable: ``width`` is its length in bytes (8 for a number; for text the longest
    value in the file's encoding, at least 1); ``format`` a SAS format such as ``DATE9.``."""

    name: str
    numeric: bool
    width: int = 8
    format: str = ""
    label: str = ""


def default_format(type_: pa.DataType) -> str:
    """The SAS format a column of this Arrow type gets unless one is given."""
    if pa.types.is_date(type_):
        return "DATE9."
    if pa.types.is_timestamp(type_):
        return "DATETIME26.6" if type_.unit in ("ms", "us", "ns") else "DATETIME20."
    if pa.types.is_time(type_):
        return "TIME15.6" if type_.unit in ("ms", "us", "ns") else "TIME8."
    return ""


def _is_text(type_: pa.DataType) -> bool:
    return bool(
        pa.types.is_string(type_)
        or pa.types.is_large_string(type_)
        or pa.types.is_binary(type_)
        or pa.types.is_large_binary(type_)
    )


def _plain(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous array; a dictionary-encoded one decoded."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    return array


def _encoded(array: pa.Array, encoding: str, name: str) -> pa.Array:
    """Text as ``large_binary`` in ``encoding``, nulls as empty; UTF-8 without a copy of the
    bytes, another encoding per distinct value."""
    array = _plain(array)
    if pa.types.is_binary(array.type) or pa.types.is_large_binary(array.type):
        return pc.fill_null(array.cast(pa.large_binary()), b"")
    array = pc.fill_null(array, "")
    if _is_utf8(encoding):
        return array.cast(pa.large_string()).cast(pa.large_binary())
    coded = pc.dictionary_encode(array)
    try:
        values = [s.encode(encoding) for s in coded.dictionary.to_pylist()]
    except UnicodeEncodeError as e:
        raise ValueError(
            f"{name}: {e.object[e.start : e.end]!r} cannot be written in {encoding}"
        ) from None
    return pa.array(values, pa.large_binary()).take(coded.indices)


def _is_utf8(encoding: str) -> bool:
    return encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf")


def text_width(array: pa.Array | pa.ChunkedArray, encoding: str = "utf-8") -> int:
    """The longest value of a text column in bytes of ``encoding`` (at least 1)."""
    array = _plain(array)
    # UTF-8: the bytes as they are (no copy of a national column); else encoded
    lengths = pc.binary_length(array if _is_utf8(encoding) else _encoded(array, encoding, "text"))
    longest = pc.max(lengths).as_py()
    return max(1, int(longest or 0))


def columns_for(
    table: pa.Table | pa.Schema,
    formats: Mapping[str, str] | None = None,
    widths: Mapping[str, int] | None = None,
    encoding: str = "utf-8",
) -> list[Column]:
    """The variables for ``table``'s columns: text as text (its width from ``widths``, else,
    given a table, the longest value), everything else as numbers, with :func:`default_format`
    unless ``formats`` names one."""
    schema = table if isinstance(table, pa.Schema) else table.schema
    formats, widths = formats or {}, widths or {}
    columns = []
    for field in schema:
        type_ = field.type.value_type if pa.types.is_dictionary(field.type) else field.type
        fmt = formats.get(field.name, default_format(type_))
        if not _is_text(type_):
            columns.append(Column(field.name, True, 8, fmt))
            continue
        if field.name in widths:
            width = widths[field.name]
        elif isinstance(table, pa.Table):
            width = text_width(table[field.name], encoding)
        else:
            raise ValueError(f"{field.name}: a text column needs its width")
        columns.append(Column(field.name, False, width, fmt))
    return columns


def float_to_ibm(values: npt.NDArray[np.float64]) -> Bytes2D:
    """IEEE doubles as 8-byte IBM/370 floating point (big-endian, one row per value): the
    inverse of :func:`naersund.registry.xport.ibm_to_float`. NaN becomes SAS's missing ``.``.

    A double is ``f * 2**e`` with ``0.5 <= f < 1``; IBM's is ``F * 16**E`` with
    ``1/16 <= F < 1`` and a 56-bit fraction, so ``E = ceil(e / 4)`` and the 53 bits of ``f``
    shift left by ``3 - (4E - e)``: exact, nothing rounded."""
    v = np.asarray(values, dtype=np.float64).ravel()
    missing = np.isnan(v)
    if np.isinf(v).any():
        raise ValueError("an infinite number cannot be written to a SAS file")
    word = np.zeros(len(v), dtype=np.uint64)
    word[missing] = _MISSING
    nonzero = ~missing & (v != 0)
    if nonzero.any():
        x = v[nonzero]
        f, e = np.frexp(np.abs(x))
        e16 = -((-e) // 4)
        biased = e16 + 64
        if biased.min() < 0 or biased.max() > 127:
            bad = x[(biased < 0) | (biased > 127)][0]
            raise ValueError(f"{bad!r} is outside the range of IBM floating point")
        mantissa = (f * 2.0**53).astype(np.uint64) << (3 - (4 * e16 - e)).astype(np.uint64)
        sign = (x < 0).astype(np.uint64) << np.uint64(63)
        word[nonzero] = sign | (biased.astype(np.uint64) << np.uint64(56)) | mantissa
    return word.astype(">u8").view(np.uint8).reshape(len(v), 8)


def sas_numbers(array: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.float64]:
    """A column as SAS numbers (NaN = missing): dates as days and timestamps as seconds since
    1960-01-01, times as seconds since midnight, booleans as 0/1."""
    array = _plain(array)
    type_ = array.type
    if pa.types.is_null(type_):
        return np.full(len(array), np.nan)
    if pa.types.is_date32(type_):
        return _floats(array.cast(pa.int32())) + SAS_EPOCH_DAYS
    if pa.types.is_date64(type_):
        return _floats(array.cast(pa.int64())) / (_DAY_SECONDS * 1000) + SAS_EPOCH_DAYS
    if pa.types.is_timestamp(type_) or pa.types.is_time(type_):
        per_second = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}[type_.unit]
        raw = array.cast(pa.int64() if type_.bit_width == 64 else pa.int32())
        whole, part = _split_units(raw, per_second)
        offset = SAS_EPOCH_DAYS * _DAY_SECONDS if pa.types.is_timestamp(type_) else 0
        return (whole + offset) + part
    if pa.types.is_boolean(type_):
        return _floats(array.cast(pa.int8()))
    if pa.types.is_integer(type_) or pa.types.is_floating(type_) or pa.types.is_decimal(type_):
        return _floats(array)
    raise ValueError(f"a column of type {type_} cannot be written to a SAS file")


def _floats(array: pa.Array) -> npt.NDArray[np.float64]:
    return np.asarray(array.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)


def _split_units(
    raw: pa.Array, per_second: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Whole seconds and the fraction, apart, so that microseconds survive the float."""
    valid = np.asarray(raw.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    units = np.asarray(raw.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64)
    seconds = units // per_second
    whole = np.where(valid, seconds.astype(np.float64), np.nan)
    return whole, (units - seconds * per_second) / per_second


def fixed_width(binary: pa.Array, width: int, name: str = "text") -> Bytes2D:
    """``large_binary`` values as rows of ``width`` bytes, padded with blanks."""
    n = len(binary)
    out = np.full((n, width), _BLANK, dtype=np.uint8)
    if n == 0:
        return out
    _, offsets_buf, data_buf = binary.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int64, count=n + 1, offset=binary.offset * 8)
    lengths = np.diff(offsets)
    longest = int(lengths.max())
    if longest > width:
        row = int(np.argmax(lengths > width))
        raise ValueError(
            f"{name}: value {row + 1} of the chunk is {int(lengths[row])} bytes, "
            f"longer than the column's width {width}"
        )
    if longest == 0:
        return out
    data = np.frombuffer(data_buf, dtype=np.uint8)[offsets[0] : offsets[-1]]
    if int(lengths.min()) == longest:  # every value equally long (ids, codes): one copy
        out[:, :longest] = data.reshape(n, longest)
        return out
    starts = np.arange(n, dtype=np.int64) * width - (offsets[:-1] - offsets[0])
    target = np.arange(len(data), dtype=np.int64) + np.repeat(starts, lengths)
    out.reshape(-1)[target] = data
    return out


def _format_parts(fmt: str, name: str) -> tuple[str, int, int]:
    if not fmt:
        return "", 0, 0
    m = _FORMAT_RE.fullmatch(fmt.strip().upper())
    if not m or len(m.group(1)) > 8:
        raise ValueError(f"{name}: {fmt!r} is not a SAS format such as DATE9. or BEST12.")
    return m.group(1), int(m.group(2) or 0), int(m.group(3) or 0)


def _text(value: str, width: int) -> bytes:
    raw = value.encode("ascii")
    if len(raw) > width:
        raise ValueError(f"{value!r} is longer than {width} characters")
    return raw.ljust(width)


def _stamp(when: dt.datetime) -> str:
    return when.strftime("%d%b%y:%H:%M:%S").upper()


class TransportWriter:
    """Writes one table (one member) to ``path``, chunk by chunk:

    >>> with TransportWriter(path, columns_for(schema, widths=...), "KONTAKTER") as w:
    ...     for batch in batches:
    ...         w.write(batch)

    The file appears at ``path`` only when the ``with`` block ends without an error."""

    def __init__(
        self,
        path: Path,
        columns: Sequence[Column],
        table_name: str,
        *,
        version: int = 8,
        encoding: str = "utf-8",
        created: dt.datetime | None = None,
    ) -> None:
        if version not in (5, 8):
            raise ValueError(f"version must be 5 or 8, not {version}")
        if not columns:
            raise ValueError("a SAS file needs at least one column")
        self.path, self.columns = Path(path), list(columns)
        self.version, self.encoding = version, encoding
        for c in self.columns:
            self._check(c)
        self._check_name(table_name, "table name")
        self.positions = np.cumsum([0] + [c.width for c in self.columns]).tolist()
        self.row_width = int(self.positions[-1])
        self.rows = 0
        self._part = self.path.with_name(self.path.name + ".part")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file: BinaryIO | None = self._part.open("wb")
        try:
            self._count_at = self._header(table_name, _stamp(created or dt.datetime.now()))
        except BaseException:
            self._abandon()
            raise

    def _check_name(self, name: str, what: str) -> None:
        if not name or len(name) > _MAX_NAME[self.version] or not name.isascii():
            raise ValueError(
                f"{what} {name!r}: give 1 to {_MAX_NAME[self.version]} ASCII characters "
                f"(transport version {self.version})"
            )

    def _check(self, c: Column) -> None:
        self._check_name(c.name, "column name")
        if c.numeric and c.width != 8:
            raise ValueError(f"{c.name}: numbers are written in 8 bytes, not {c.width}")
        if not 1 <= c.width <= _MAX_TEXT[self.version]:
            raise ValueError(
                f"{c.name}: a text column is 1 to {_MAX_TEXT[self.version]} bytes wide "
                f"in transport version {self.version}, not {c.width}"
            )
        if len(c.label) > 40 or not c.label.isascii():
            raise ValueError(f"{c.name}: a label is at most 40 ASCII characters")
        _format_parts(c.format, c.name)

    def _header(self, table_name: str, stamp: str) -> int:
        """Writes everything before the rows; returns where the row count goes (v8)."""
        v8 = self.version == 8
        kind = ("LIBV8   ", "MEMBV8  ", "DSCPTV8 ", "NAMSTV8 ", "OBSV8   ")
        if not v8:
            kind = ("LIBRARY ", "MEMBER  ", "DSCRPTR ", "NAMESTR ", "OBS     ")

        def head(word: str, tail: str = _ZEROS + "  ") -> bytes:
            return f"{_HEAD}{word}HEADER RECORD!!!!!!!{tail}".encode("ascii")

        os_name = _text("bsd4.2", 8)
        parts = [
            head(kind[0]),
            b"SAS     SAS     SASLIB  9.4     " + os_name + b" " * 24 + stamp.encode(),
            stamp.encode() + b" " * 64,
            head(kind[1], "0" * 16 + "01600000000140  "),
            head(kind[2]),
        ]
        name = _text(table_name, 32 if v8 else 8)
        version = _text("9.4", 8)
        if v8:
            parts.append(b"SAS     " + name + b"SASDATA " + version + os_name + stamp.encode())
        else:
            member = b"SAS     " + name + b"SASDATA " + version + os_name + b" " * 24
            parts.append(member + stamp.encode())
        parts.append(stamp.encode() + b" " * 64)
        parts.append(head(kind[3], f"000000{len(self.columns):04d}" + "0" * 20 + "  "))
        namestrs = b"".join(self._namestr(i, c) for i, c in enumerate(self.columns))
        parts.append(namestrs + b" " * (-len(namestrs) % RECORD))
        obs = head(kind[4], " " * 32 if v8 else _ZEROS + "  ")
        header = b"".join(parts)
        assert all(len(p) % RECORD == 0 for p in parts)
        assert self._file is not None
        self._file.write(header + obs)
        return len(header) + 48

    def _namestr(self, i: int, c: Column) -> bytes:
        fmt, fmt_width, fmt_decimals = _format_parts(c.format, c.name)
        short = c.name[:8]
        rec = b"".join(
            [
                (1 if c.numeric else 2).to_bytes(2, "big"),
                b"\0\0",
                c.width.to_bytes(2, "big"),
                (i + 1).to_bytes(2, "big"),
                _text(short, 8),
                _text(c.label, 40),
                _text(fmt, 8),
                fmt_width.to_bytes(2, "big"),
                fmt_decimals.to_bytes(2, "big"),
                (1 if c.numeric else 0).to_bytes(2, "big"),  # justification: numbers right
                b"\0\0",
                b" " * 8,  # no informat
                b"\0\0\0\0",
                int(self.positions[i]).to_bytes(4, "big"),
                _text(c.name, 32) if self.version == 8 else b"\0" * 32,
                b"\0\0",  # label length: labels are at most 40 characters, in the NAMESTR
                b"\0" * 18,
            ]
        )
        assert len(rec) == 140
        return rec

    def write(self, table: pa.Table | pa.RecordBatch) -> None:
        """Appends ``table``'s rows (its columns in the writer's order, by name)."""
        if self._file is None:
            raise ValueError(f"{self.path}: the writer is closed")
        n = table.num_rows
        if n == 0:
            return
        rows = np.empty((n, self.row_width), dtype=np.uint8)
        try:
            for c, at in zip(self.columns, self.positions, strict=False):
                column = table.column(c.name)
                if c.numeric:
                    rows[:, at : at + 8] = float_to_ibm(sas_numbers(column))
                else:
                    binary = _encoded(_plain(column), self.encoding, c.name)
                    rows[:, at : at + c.width] = fixed_width(binary, c.width, c.name)
        except (ValueError, pa.ArrowInvalid) as e:
            raise ValueError(f"{self.path.name}, rows {self.rows + 1}-{self.rows + n}: {e}") from e
        self._file.write(rows.data)
        self.rows += n

    def close(self) -> None:
        """Pads the last record, writes the row count (v8) and puts the file in place."""
        if self._file is None:
            return
        f = self._file
        data = self.rows * self.row_width
        f.write(b" " * (-data % RECORD))
        if self.version == 8:
            f.seek(self._count_at)
            f.write(f"{self.rows:>15} ".encode("ascii"))
        f.close()
        self._file = None
        os.replace(self._part, self.path)

    def _abandon(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._part.unlink(missing_ok=True)

    def __enter__(self) -> TransportWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:
            self._abandon()


def write_table(
    table: pa.Table,
    path: Path,
    table_name: str,
    *,
    version: int = 8,
    encoding: str = "utf-8",
    formats: Mapping[str, str] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    created: dt.datetime | None = None,
) -> None:
    """``table`` as the SAS transport file ``path``, written ``chunk_rows`` rows at a time;
    text columns as wide as their longest value."""
    columns = columns_for(table, formats, encoding=encoding)
    with TransportWriter(
        path, columns, table_name, version=version, encoding=encoding, created=created
    ) as writer:
        for start in range(0, table.num_rows, chunk_rows):
            writer.write(table.slice(start, chunk_rows))
