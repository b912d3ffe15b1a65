"""Connecting to an analytics engine through Ibis and reading canonical Parquet into it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from naersund.errors import NaersundError

ENGINES = ("duckdb", "spark")


def connect(engine: str = "duckdb", **options: Any) -> BaseBackend:
    """An Ibis backend: embedded DuckDB (default) or Spark (``options`` go to the session)."""
    if engine == "duckdb":
        return ibis.duckdb.connect(
            threads=options.get("threads") or os.cpu_count() or 1,
            memory_limit=options.get("memory_limit") or "2GB",
            preserve_insertion_order=False,
            temp_directory=options.get("temp_directory") or tempfile.gettempdir(),
        )
    if engine == "spark":
        raise NaersundError(
            "engine 'spark' is not available yet in this version; use --engine duckdb"
        )
    raise NaersundError(f"unknown engine '{engine}'; choose one of: {', '.join(ENGINES)}")


def read_parquet(con: BaseBackend, files: Sequence[Path], columns: Sequence[str]) -> ir.Table:
    """Read canonical Parquet files as one table with just ``columns``."""
    t = con.read_parquet([str(f) for f in files], hive_partitioning=False, union_by_name=True)
    return t.select(*[c for c in columns if c in t.columns])
