"""Reading SAS files (``.sas7bdat`` and transport ``.xpt``) for validation, in chunks.

A SAS file is streamed in chunks (never whole in memory): a ``.sas7bdat`` with pyreadstat's
chunked reader, a transport file with :mod:`naersund.registry.xport` (pyreadstat reads a
transport file from the top again for every chunk, which grows with the square of its size),
into a Parquet copy in the work folder with every column as text, so that the rest of the ingest reads it like
any other Parquet input. Values become the text a person would type: SAS missing values are
empty; numbers without a fraction are written without one (``165``, not ``165.0``); variables
with a SAS date, datetime or time format become ``2019-03-01``, ``2019-03-01 08:30:00`` and
``08:30:00`` (a fraction of a second is kept: ``08:30:00.25``). Rows are numbered as in the
dataset: the first observation is row 1.

A file that cannot be read, that ends inside a row, or that ends before the number of rows its
header promises, is refused with a message naming it; nothing is written (the copy is only a work file).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pyreadstat

from naersund import fmt
from naersund.errors import InputError
from naersund.registry import xport
from naersund.registry.sources import Source, normalise_names

SAS_SUFFIXES = (".sas7bdat", ".xpt")
CHUNK_ROWS = 50_000

# SAS formats by kind, as pyreadstat reads them (its own lists are not importable); the name
# without width and decimals (``DATETIME20.3`` -> ``DATETIME``). ``DTDATE`` shows the date of a
# datetime value.
DATE_FORMATS = frozenset((
    "WEEKDATE", "MMDDYY", "DDMMYY", "YYMMDD", "DATE", "DDMMYYB", "DDMMYYC", "DDMMYYD", "DDMMYYN",
    "DDMMYYP", "DDMMYYS", "MMDDYYB", "MMDDYYC", "MMDDYYD", "MMDDYYN", "MMDDYYP", "MMDDYYS",
    "WEEKDATX", "IS8601DA", "E8601DA", "B8601DA", "YYMMDDB", "YYMMDDD", "YYMMDDN", "YYMMDDP",
    "YYMMDDS",
))  # fmt: skip
DATETIME_FORMATS = frozenset(
    ("DATETIME", "E8601DT", "DATEAMPM", "MDYAMPM", "IS8601DT", "B8601DT", "B8601DN")
)
TIME_FORMATS = frozenset(("TIME", "HHMM", "TOD", "TIMEAMPM", "IS8601TM", "E8601TM", "B8601TM"))
_FORMAT_RE = re.compile(r"([A-Z][A-Z0-9]+[A-Z])(\d+)?(?:\.\d*)?")
# SAS counts days and seconds from 1960-01-01; Arrow from 1970-01-01.
_SAS_EPOCH_DAYS = -3653
_US = 1_000_000
_FRACTION_ZEROS = r"(\.[0-9]*?)0+$"

Floats = npt.NDArray[np.float64]


def format_kind(sas_format: str | None) -> str:
    """``date``, ``datetime``, ``time`` or ``number`` for a SAS format name such as ``DATE9``."""
    m = _FORMAT_RE.fullmatch((sas_format or "").strip().upper())
    base = m.group(1) if m else ""
    if base == "DTDATE":
        return "dtdate"
    if base in DATE_FORMATS:
        return "date"
    if base in DATETIME_FORMATS:
        return "datetime"
    if base in TIME_FORMATS:
        return "time"
    return "number"


def _without_zero_fraction(text: pa.Array) -> pa.Array:
    """``08:30:00.250000`` -> ``08:30:00.25``; ``08:30:00.000000`` -> ``08:30:00``."""
    trimmed = pc.replace_substring_regex(text, _FRACTION_ZEROS, r"\1")
    return pc.replace_substring_regex(trimmed, r"\.$", "")


def number_text(values: Floats, kind: str) -> pa.Array:
    """SAS numbers (NaN = missing) as text, read as the kind of their format."""
    missing = np.isnan(values)
    mask = missing
    filled = np.where(missing, 0.0, values)
    if kind == "date":
        days = (np.floor(filled).astype(np.int64) + _SAS_EPOCH_DAYS).astype(np.int32)
        return pa.array(days, pa.date32(), mask=mask).cast(pa.string())
    if kind in ("datetime", "dtdate"):
        micros = np.rint(filled * _US).astype(np.int64) + _SAS_EPOCH_DAYS * 86_400 * _US
        text = pa.array(micros, pa.timestamp("us"), mask=mask).cast(pa.string())
        if kind == "dtdate":
            return pc.utf8_slice_codeunits(text, 0, 10)
        return _without_zero_fraction(text)
    if kind == "time":
        # seconds since midnight; a value outside one day is shown as it is, and refused later
        micros = np.rint(filled * _US).astype(np.int64)
        inside = (micros >= 0) & (micros < 86_400 * _US)
        clock = pa.array(np.where(inside, micros, 0), pa.time64("us"), mask=mask)
        text = _without_zero_fraction(clock.cast(pa.string()))
        if inside.all():
            return text
        raw = pa.array([repr(v) for v in values.tolist()], pa.string())
        return pc.if_else(pa.array(inside | missing), text, raw)
    whole = filled == np.floor(filled)
    if whole.all() and np.abs(filled).max(initial=0) < 2**53:
        return pa.array(filled.astype(np.int64), mask=mask).cast(pa.string())
    return pa.array(values, pa.float64(), mask=mask).cast(pa.string())


def _chunk_table(frame: pd.DataFrame, kinds: dict[str, str], names: list[str]) -> pa.Table:
    columns = []
    for name in names:
        col = frame[name]
        if pd.api.types.is_numeric_dtype(col.dtype):
            columns.append(number_text(col.to_numpy(dtype=np.float64), kinds[name]))
        else:
            columns.append(pa.array(col, pa.string(), from_pandas=True))
    return pa.table(columns, names=names)


class _NotUtf8(Exception):
    """Text in the file is not UTF-8 (and no encoding was asked for)."""


def _chunks(
    path: Path,
    label: str,
    encoding: str | None = None,
    metadata_only: bool = False,
    usecols: list[str] | None = None,
) -> Iterator[tuple[pd.DataFrame, Any]]:
    """The rows of a ``.sas7bdat`` in chunks with its metadata (or only the metadata); a reader
    error becomes an InputError."""
    args: dict[str, Any] = {"encoding": encoding} if encoding else {}
    if usecols is not None:
        args["usecols"] = usecols
    chunks: Iterator[tuple[pd.DataFrame, Any]]
    if metadata_only:
        chunks = (pyreadstat.read_sas7bdat(path, metadataonly=True, **args) for _ in (1,))
    else:
        chunks = pyreadstat.read_file_in_chunks(
            pyreadstat.read_sas7bdat,
            path,
            chunksize=CHUNK_ROWS,
            disable_datetime_conversion=True,
            **args,
        )
    while True:
        try:
            frame, meta = next(chunks)
        except StopIteration:
            return
        except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError, OSError) as e:
            raise InputError(
                f"{label}: kan ikke læses som SAS-datasæt ({e}); filen er beskadiget, afkortet "
                "eller ikke en SAS-fil"
            ) from None
        except UnicodeDecodeError as e:
            if encoding is None:
                raise _NotUtf8 from None
            raise InputError(
                f"{label}: teksten kan hverken læses som UTF-8 eller Windows-1252 ({e.reason})"
            ) from None
        yield frame, meta


def open_sas(path: Path, label: str, work: Path, keep: Collection[str] | None = None) -> Source:
    """Stream the SAS file ``path`` into a text-only Parquet copy in ``work``; its Source.

    Only the variables named in ``keep`` (lower case; all when None) are copied: a national
    table has many columns the ingest does not read. The Source still names every variable,
    so that a message about a missing column can list what the file has. Text is read in the
    file's own encoding (a ``.sas7bdat`` names it; a transport file does not, and is read as
    UTF-8); text that is not valid in it is read as Windows-1252, as for CSV files."""
    out = Path(work) / f"sas-{uuid.uuid4().hex}.parquet"  # files are converted side by side
    convert = _convert_xport if path.suffix.lower() == ".xpt" else _convert_sas7bdat
    wanted = None if keep is None else {k.strip().lower() for k in keep}
    try:
        names, rows, expected = convert(path, label, out, None, wanted)
    except (_NotUtf8, xport.NotUtf8):
        names, rows, expected = convert(path, label, out, "WINDOWS-1252", wanted)
    if not names:
        raise InputError(f"{label}: SAS-filen har ingen variable")
    if expected is not None and rows != expected:
        raise InputError(
            f"{label}: filen er afkortet eller beskadiget: den skulle have {fmt.integer(expected)} "
            f"rækker, men der kunne kun læses {fmt.integer(rows)}"
        )
    originals = tuple(names)
    return Source(out, label, "parquet", normalise_names(label, originals), originals, first_row=1)


# Speed (issue 16): the SAS files of a table (a national extract has one per year) are
# converted this many at a time; the conversion is numpy and Arrow work, which lets go of the
# GIL, so two threads use the machine's two cores
SAS_WORKERS = 2


def open_sas_files(
    files: Sequence[tuple[Path, str]], work: Path, keep: Collection[str] | None = None
) -> list[Source]:
    """:func:`open_sas` for each ``(path, label)``, :data:`SAS_WORKERS` at a time; in order.
    A file that cannot be read raises its message, as one by one would (the first such in
    order); the Parquet copies are work files, removed with the work folder."""
    with ThreadPoolExecutor(SAS_WORKERS) as pool:
        return list(pool.map(lambda f: open_sas(f[0], f[1], work, keep), files))


def _kept(names: Sequence[str], wanted: set[str] | None) -> list[str]:
    return [n for n in names if wanted is None or n.strip().lower() in wanted]


def _convert_sas7bdat(
    path: Path, label: str, out: Path, encoding: str | None, wanted: set[str] | None
) -> tuple[list[str], int, int | None]:
    """Write the kept variables of the ``.sas7bdat`` ``path`` as text to ``out``: (every
    variable's name, rows read, rows the header promises, if it says)."""
    names: list[str] = []
    for _, meta in _chunks(path, label, encoding, metadata_only=True):
        names = [str(n) for n in meta.column_names]
    kept = _kept(names, wanted)
    schema = pa.schema([(n, pa.string()) for n in kept])
    rows = 0
    expected: int | None = None
    with pq.ParquetWriter(out, schema) as writer:
        if not kept:  # none of the columns the ingest reads: it says which are missing
            return names, 0, None
        for frame, meta in _chunks(path, label, encoding, usecols=kept):
            if expected is None and isinstance(meta.number_rows, int):
                expected = meta.number_rows
            formats = meta.original_variable_types or {}
            kinds = {n: format_kind(formats.get(n)) for n in kept}
            writer.write_table(_chunk_table(frame, kinds, kept))
            rows += len(frame)
    return names, rows, expected


def _convert_xport(
    path: Path, label: str, out: Path, encoding: str | None, wanted: set[str] | None
) -> tuple[list[str], int, int | None]:
    """Like :func:`_convert_sas7bdat` for a transport file, streamed by
    :mod:`naersund.registry.xport` (pyreadstat would start over from the top for every chunk)."""
    layout = xport.read_layout(path, label)
    names = [v.name for v in layout.variables]
    variables = [v for v in layout.variables if v.name in set(_kept(names, wanted))]
    kinds = {v.name: format_kind(v.format) for v in variables}
    schema = pa.schema([(v.name, pa.string()) for v in variables])
    rows = 0
    with pq.ParquetWriter(out, schema) as writer:
        if not variables:  # none of the columns the ingest reads: it says which are missing
            return names, 0, None
        for n, columns in xport.read_chunks(path, label, layout, encoding and "cp1252", variables):
            arrays = [
                number_text(col, kinds[v.name]) if isinstance(col, np.ndarray) else col
                for v, col in zip(variables, columns, strict=True)
            ]
            writer.write_table(pa.table(arrays, schema=schema))
            rows += n
    return names, rows, layout.promised_rows
