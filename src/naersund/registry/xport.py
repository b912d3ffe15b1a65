"""Streaming reader for SAS transport files (``.xpt``, version 5 and 8), one chunk at a time.

pyreadstat reads a transport file in chunks by starting over from the top for every chunk, so
reading a national table that way takes time growing with the square of its size. A transport
file is simple enough to stream: a header of 80-byte records describing each variable
(``NAMESTR``: type, length, position, name, format), then the rows, each of fixed length, the
last record padded with blanks. Numbers are IBM/370 floating point (big-endian, 2 to 8 bytes);
a missing value is ``.``, ``_`` or a letter followed by zero bytes. Only the first member of a
file is read (as pyreadstat does).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from naersund import fmt
from naersund.errors import InputError

RECORD = 80
_HEAD = b"HEADER RECORD*******"
_NAMESTR = (_HEAD + b"NAMESTR HEADER RECORD!!!!!!!", _HEAD + b"NAMSTV8 HEADER RECORD!!!!!!!")
_OBS = (_HEAD + b"OBS     HEADER RECORD!!!!!!!", _HEAD + b"OBSV8   HEADER RECORD!!!!!!!")
_MEMBER = _HEAD + b"MEMB"
_LIBRARY = (_HEAD + b"LIBRARY HEADER RECORD!!!!!!!", _HEAD + b"LIBV8   HEADER RECORD!!!!!!!")
_CHUNK_BYTES = 1 << 23
_HEADER_BYTES = 1 << 24


class NotUtf8(Exception):
    """Text in the file is not valid UTF-8."""


@dataclass(frozen=True)
class Variable:
    name: str
    numeric: bool
    position: int
    length: int
    format: str


@dataclass(frozen=True)
class Layout:
    variables: list[Variable]
    data_start: int
    row_length: int
    promised_rows: int | None  # v8 headers say how many rows there are; v5 headers do not


def _text(raw: bytes) -> str:
    return raw.decode("latin-1").strip()


def read_layout(path: Path, label: str) -> Layout:
    """The variables and where the rows start, from the header of the transport file."""
    with path.open("rb") as f:
        head = f.read(_HEADER_BYTES)
    bad = InputError(
        f"{label}: kan ikke læses som SAS-transportfil (.xpt): hovedet mangler eller er "
        "beskadiget; filen er afkortet eller ikke en SAS-transportfil"
    )
    if not head.startswith(_LIBRARY):
        raise bad
    v8 = head.startswith(_LIBRARY[1])
    at = head.find(_NAMESTR[v8])
    obs = head.find(_OBS[v8], at + 1)
    member = head.rfind(_MEMBER, 0, at)
    if at < 0 or obs < 0 or member < 0:
        raise bad
    try:
        count = int(head[at + 54 : at + 58])
        size = int(head[member + 74 : member + 78])
    except ValueError:
        raise bad from None
    variables = []
    for i in range(count):
        rec = head[at + RECORD + i * size : at + RECORD + (i + 1) * size]
        if len(rec) < 88:
            raise bad
        name = _text(rec[8:16])
        if v8 and len(rec) >= 120 and _text(rec[88:120]):
            name = _text(rec[88:120])
        variables.append(
            Variable(
                name=name,
                numeric=int.from_bytes(rec[0:2], "big") == 1,
                position=int.from_bytes(rec[84:88], "big"),
                length=int.from_bytes(rec[4:6], "big"),
                format=_text(rec[56:64]),
            )
        )
    promised = None
    if v8:
        field = head[obs + len(_OBS[1]) : obs + RECORD].strip()
        promised = int(field) if field.isdigit() else None
    row_length = max((v.position + v.length for v in variables), default=0)
    if not variables or row_length <= 0:
        raise InputError(f"{label}: SAS-filen har ingen variable")
    return Layout(variables, obs + RECORD, row_length, promised)


def ibm_to_float(raw: npt.NDArray[np.uint8]) -> npt.NDArray[np.float64]:
    """IBM/370 floating point numbers (one per row of ``raw``, 2 to 8 bytes, big-endian) as
    IEEE doubles; SAS missing values (``.``, ``_``, ``A``-``Z`` and zero bytes) as NaN."""
    n, width = raw.shape
    full = np.zeros((n, 8), dtype=np.uint8)
    full[:, :width] = raw
    word = full.view(">u8").ravel().astype(np.uint64)
    first = full[:, 0]
    rest_zero = (word & np.uint64(0x00FFFFFFFFFFFFFF)) == 0
    missing = rest_zero & ((first == 0x2E) | (first == 0x5F) | ((first >= 0x41) & (first <= 0x5A)))
    mantissa = (word & np.uint64(0x00FFFFFFFFFFFFFF)).astype(np.float64)
    exponent = ((word >> np.uint64(56)) & np.uint64(0x7F)).astype(np.int64)
    value = np.ldexp(mantissa, 4 * (exponent - 64) - 56)
    value = np.where((word >> np.uint64(63)) == 1, -value, value)
    return np.where(missing, np.nan, value)


def _strings(raw: npt.NDArray[np.uint8], encoding: str | None) -> pa.Array:
    n, width = raw.shape
    data = np.ascontiguousarray(raw).tobytes()
    if encoding is None:
        offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
        binary = pa.Array.from_buffers(
            pa.binary(), n, [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data)]
        )
        try:
            text = binary.cast(pa.string())
        except pa.ArrowInvalid:
            raise NotUtf8 from None
    else:
        text = pa.array(
            [data[i * width : (i + 1) * width].decode(encoding) for i in range(n)], pa.string()
        )
    return pc.utf8_rtrim(pc.utf8_rtrim(text, characters="\x00"), characters=" ")


Column: TypeAlias = npt.NDArray[np.float64] | pa.Array


def read_chunks(
    path: Path,
    label: str,
    layout: Layout,
    encoding: str | None = None,
    variables: list[Variable] | None = None,
) -> Iterator[tuple[int, list[Column]]]:
    """The rows in chunks: per chunk its number of rows and one column per variable (of
    ``variables``, default all), numbers as floats (NaN = missing), text as strings (trailing
    blanks removed; not UTF-8 raises :class:`NotUtf8` unless ``encoding`` is given). A file
    cut off inside its rows is refused."""
    chosen = layout.variables if variables is None else variables
    width = layout.row_length
    per_chunk = max(1, _CHUNK_BYTES // width)
    rows = 0
    buffer = b""
    with path.open("rb") as f:
        f.seek(layout.data_start)
        done = False
        while not done:
            block = f.read(per_chunk * width)
            next_member = block.find(_MEMBER)
            if next_member >= 0:
                block, done = block[:next_member], True
            data = buffer + block
            if len(block) < per_chunk * width:
                done = True
            if done:
                whole, tail = _last_rows(data, width, rows, label, layout)
            else:
                # rows in the last record may be its blank padding: they wait for the next block
                n = max(0, len(data) // width - (RECORD // width + 1))
                whole, tail = data[: n * width], data[n * width :]
            buffer = tail
            n = len(whole) // width
            if n == 0:
                continue
            arr = np.frombuffer(whole, dtype=np.uint8).reshape(n, width)
            rows += n
            yield (
                n,
                [
                    ibm_to_float(arr[:, v.position : v.position + v.length])
                    if v.numeric
                    else _strings(arr[:, v.position : v.position + v.length], encoding)
                    for v in chosen
                ],
            )


def _last_rows(
    data: bytes, width: int, rows_before: int, label: str, layout: Layout
) -> tuple[bytes, bytes]:
    """The rows of the last block: the file's data section is padded with blanks to a whole
    80-byte record; anything else after the last whole row means the file was cut off."""
    data_start = layout.data_start
    total = data_start + (rows_before * width) + len(data)
    n = len(data) // width
    tail = data[n * width :]
    if (total - data_start) % RECORD or tail.strip(b" "):
        raise InputError(
            f"{label}: filen er afkortet eller beskadiget: den slutter midt i række "
            f"{fmt.integer(rows_before + n + 1)}"
        )
    # whole rows of blanks in the last record are padding when a row is shorter than a record,
    # unless the header's row count (v8) says they are rows (of empty texts)
    promised = layout.promised_rows
    while (
        n
        and width < RECORD
        and (len(data) - (n - 1) * width) <= RECORD
        and (promised is None or rows_before + n > promised)
    ):
        if data[(n - 1) * width : n * width].strip(b" "):
            break
        n -= 1
    return data[: n * width], b""
