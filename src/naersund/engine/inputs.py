"""Reading a registry data directory for the engine: the canonical Parquet (validated from CSV
when needed), the contacts, population and ready-for-discharge tables, what the Parquet footers
tell without reading the data (first and last start, row counts, person keys, municipality
codes, whole seconds), the ingest record and the synthetic-data marker.

:func:`naersund.engine.compute.compute`, the monthly values (``engine/monthly.py``) and the
drill-down read their inputs through these functions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from naersund import refdata
from naersund.engine.backend import is_uri, read_parquet, read_uri_text
from naersund.engine.stays import TimeUnit, whole_seconds
from naersund.errors import InputError
from naersund.registry.ingest import INGEST_RECORD, Progress, find_table, ingest
from naersund.registry.schema import (
    CONTACTS,
    PERSON_KEY,
    PERSON_KEY_METADATA,
    POPULATION,
    READY_FOR_DISCHARGE,
    WHOLE_SECONDS_METADATA,
)


def data_file_text(data_dir: Path | str, name: str, con: Any = None) -> str | None:
    """The text of file ``name`` in the data directory, or None when it is not there or cannot
    be read. On a URI (Spark) it is read through the engine ``con``."""
    if is_uri(data_dir):
        return read_uri_text(con, f"{str(data_dir).rstrip('/')}/{name}")
    path = Path(data_dir) / name
    try:
        return path.read_text(encoding="utf-8") if path.is_file() else None
    except (OSError, UnicodeDecodeError):
        return None


def is_synthetic(data_dir: Path | str, con: Any = None) -> bool:
    """Data made by ``naersund synth`` (or ingested from it) carry a marker file, or say so in
    their manifest."""
    if data_file_text(data_dir, "SYNTETISKE_DATA.txt", con) is not None:
        return True
    text = data_file_text(data_dir, "manifest.json", con)
    if text is None:
        return False
    try:
        return bool(json.loads(text).get("synthetic"))
    except (ValueError, AttributeError):
        return False


def canonical_dir(data_dir: Path, tmp: Path, progress: Progress) -> Path:
    """``data_dir`` itself when it holds Parquet only; else a validated Parquet copy in ``tmp``."""
    files = find_table(data_dir, "contacts")
    if not files:
        raise InputError(
            f"{data_dir}: no contacts found (expected contacts.csv, contacts.parquet or a "
            "folder contacts/ with CSV or Parquet files)"
        )
    tables = [files, *(find_table(data_dir, t) for t in ("ready_for_discharge", "population"))]
    if all(f.suffix == ".parquet" for fs in tables for f in fs):
        return data_dir
    progress("Validerer CSV-input", 0.0)
    ingest(data_dir, tmp / "data")
    return tmp / "data"


def ingest_record(data_dir: Path | str, con: Any = None) -> dict[str, Any] | None:
    """What ``naersund ingest`` wrote and rejected per table (its ``ingest.json`` in the data
    directory), or None when the data did not come through ingest or the record is unreadable."""
    text = data_file_text(data_dir, INGEST_RECORD, con)
    if text is None:
        return None
    try:
        record = json.loads(text)
        rejected = {str(t): int(n) for t, n in record["rejected"].items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return {**record, "rejected": rejected}


def read_population(
    con: Any, files: Sequence[Path | str], years: list[int]
) -> tuple[pd.DataFrame, list[int]]:
    """Population for every year, with the years that had to be estimated. On a URI the table
    (counts by municipality, age band and sex: no person-level data) is read by the engine."""
    if files and is_uri(files[0]):
        columns = [c.name for c in POPULATION] + ["estimated"]
        raw = con.execute(read_parquet(con, files, columns))
    elif files:
        raw = pd.concat(
            [pd.read_parquet(f) if Path(f).suffix == ".parquet" else pd.read_csv(f) for f in files],
            ignore_index=True,
        )
    if files:
        raw = raw.astype({"year": "int64", "kommunekode": "int64", "count": "int64"})
    else:
        raw = refdata.shipped_population()
    pop = refdata.derive_population(raw, years)
    estimated = set(pop.loc[pop["estimated"], "year"].tolist())
    if "estimated" in raw.columns:
        estimated |= set(raw.loc[raw["estimated"].astype(bool), "year"].tolist())
    return pop, sorted(int(y) for y in estimated & set(years))


def has_person_key(files: Sequence[Path | str]) -> bool:
    """Whether every contacts file is local Parquet with naersund's integer person key, all
    numbered by the same run (``registry.schema.PERSON_KEY``). Read from the files' footers."""
    runs = set()
    for f in files:
        if is_uri(f) or Path(f).suffix != ".parquet":
            return False
        try:
            schema = pq.read_schema(f)
        except (OSError, pa.ArrowException):
            return False
        field = schema.field(PERSON_KEY) if PERSON_KEY in schema.names else None
        if field is None or not pa.types.is_integer(field.type):
            return False
        runs.add((schema.metadata or {}).get(PERSON_KEY_METADATA.encode()))
    return len(runs) == 1 and None not in runs


def _int_span(stats: Any) -> tuple[int, int] | None:
    """A column chunk's lowest and highest value from its statistics, when they are integers
    and the chunk has no nulls."""
    if stats is None or not (stats.has_min_max and stats.has_null_count) or stats.null_count:
        return None
    if not isinstance(stats.min, int) or not isinstance(stats.max, int):
        return None
    return stats.min, stats.max


def footer_bounds(files: Sequence[Path | str], keyed: bool) -> pd.Series | None:
    """The first and last contact start, the number of contacts and (with ``keyed``) of person
    keys, from the Parquet files' footers: exact, and without reading the data. None when a
    file is not local Parquet or lacks the statistics; the engine then counts. Also the lowest
    and highest kommunekode (``kommunekoder``), or None where a footer does not say."""
    first, last, n, n_keyed = None, None, 0, 0
    codes: list[int] | None = []
    try:
        for f in files:
            if is_uri(f) or Path(f).suffix != ".parquet":
                return None
            meta = pq.read_metadata(f)
            names = [meta.schema.column(j).name for j in range(meta.num_columns)]
            if "start" not in names or "kommunekode" not in names:
                return None
            if keyed and PERSON_KEY not in names:
                return None
            for i in range(meta.num_row_groups):
                group = meta.row_group(i)
                start = group.column(names.index("start")).statistics
                if group.num_rows == 0:
                    continue
                if start is None or not start.has_null_count or start.null_count > 0:
                    return None
                if not start.has_min_max or not isinstance(start.min, dt.datetime):
                    return None
                first = start.min if first is None else min(first, start.min)
                last = start.max if last is None else max(last, start.max)
                n += group.num_rows
                span = _int_span(group.column(names.index("kommunekode")).statistics)
                codes = None if codes is None or span is None else [*codes, *span]
                if keyed:
                    key = group.column(names.index(PERSON_KEY)).statistics
                    if key is None or not key.has_null_count:
                        return None
                    n_keyed += group.num_rows - key.null_count
    except (OSError, pa.ArrowException):
        return None
    kommunekoder = (min(codes), max(codes)) if codes else None
    return pd.Series(
        {"first": first, "last": last, "n": n, "keyed": n_keyed, "kommunekoder": kommunekoder}
    )


def read_contacts(con: Any, files: Sequence[Path | str], person_key: bool = False) -> ibis.Table:
    """The contacts with the canonical columns; with ``person_key`` also the integer person key
    (only when :func:`has_person_key` says the files have a consistent one)."""
    t = read_parquet(con, files, [c.name for c in CONTACTS] + [PERSON_KEY] * person_key)
    missing = {c.name: c.dtype for c in CONTACTS if c.name not in t.columns}
    for name, dtype in missing.items():
        if any(c.name == name and c.required for c in CONTACTS):
            raise InputError(f"{files[0]}: required column '{name}' is missing")
        t = t.mutate(**{name: ibis.null("boolean" if dtype == "bool" else "string")})
    extra = [PERSON_KEY] if person_key and PERSON_KEY in t.columns else []
    return t.select(*[c.name for c in CONTACTS], *extra)


def footer_whole_seconds(files: Sequence[Path | str]) -> bool | None:
    """What the contacts files' footers say about fractions of a second
    (``registry.schema.WHOLE_SECONDS_METADATA``, written by ingest and synth): True when every
    file records that its times are whole seconds, False when one records that they are not,
    None when a file does not say (made by hand, not local Parquet, unreadable)."""
    said = set()
    for f in files:
        if is_uri(f) or Path(f).suffix != ".parquet":
            return None
        try:
            metadata = pq.read_schema(f).metadata or {}
        except (OSError, pa.ArrowException):
            return None
        said.add(metadata.get(WHOLE_SECONDS_METADATA.encode()))
    if not said or None in said:
        return None
    return said == {b"true"}


def choose_time_unit(con: Any, contacts: ibis.Table, files: Sequence[Path | str] = ()) -> TimeUnit:
    """The unit stays are built in: whole seconds (the faster layout) when every contact starts
    and ends on a whole second, else microseconds, so that fractions of a second count (see
    :func:`naersund.engine.stays.build_stays`). Read from the footers of ``files`` (the
    contacts' files) when every one of them says; else one aggregate over two columns."""
    said = footer_whole_seconds(files) if files else None
    if said is None:
        said = bool(con.execute(whole_seconds(contacts)))
    return "s" if said else "us"


def read_ready(con: Any, files: Sequence[Path | str]) -> ibis.Table:
    """The ready-for-discharge periods, an exact duplicate row counted once: ingest keeps the
    first of identical rows and rejects the rest, so data that did not pass through ingest
    (a synth folder, hand-made Parquet) gives the same days."""
    return read_parquet(con, files, [c.name for c in READY_FOR_DISCHARGE]).distinct()
