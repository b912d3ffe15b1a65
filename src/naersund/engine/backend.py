"""Connecting to an analytics engine through Ibis and reading canonical Parquet into it.

Two engines run the same indicator expressions: embedded DuckDB (the default) and Apache Spark
through PySpark, for data that outgrows one machine. Spark reads the canonical Parquet from a
local path or from any URI it can read (``hdfs://``, ``s3a://``, ``abfss://``, ``gs://``, ...).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import ibis
import ibis.common.exceptions as com
import ibis.expr.types as ir
import pandas as pd
from ibis.backends import BaseBackend

from naersund.engine.memory import duckdb_setting, memory_limit
from naersund.errors import DefinitionError, InputError, NaersundError

ENGINES = ("duckdb", "spark")
SPARK_DEFAULT_MASTER = "local[*]"

# Set on every Spark session naersund makes or joins. The engine takes epoch seconds, years and
# dates of naive timestamps; they must mean wall-clock time, as in DuckDB, so the session time
# zone is UTC (Ibis sets it too). Arrow moves the few aggregate rows (and test tables) quickly.
SPARK_FIXED_CONF = {"spark.sql.session.timeZone": "UTC"}
SPARK_DEFAULT_CONF = {
    "spark.app.name": "naersund",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.ui.showConsoleProgress": "false",
    "spark.log.level": "ERROR",
}

# Errors by which Ibis says an engine cannot express an operation.
COMPILE_ERRORS: tuple[type[Exception], ...] = (com.TranslationError, com.UnsupportedArgumentError)


def connect(engine: str = "duckdb", **options: Any) -> BaseBackend:
    """An Ibis backend: embedded DuckDB (default) or Spark.

    DuckDB takes ``threads``, ``memory_limit`` (default: the setting ``NAERSUND_MEMORY_LIMIT``,
    else a share of the machine's memory, :mod:`naersund.engine.memory`) and ``temp_directory``.
    Spark takes
    ``spark_master`` (default ``local[*]``, or the master ``spark-submit`` or an already running
    session gives) and ``spark_conf`` (Spark configuration, key to value); an active Spark session
    (``spark-submit``, a notebook, the tests) is joined rather than a second one started.
    """
    if engine == "duckdb":
        return ibis.duckdb.connect(
            threads=options.get("threads") or os.cpu_count() or 1,
            memory_limit=options.get("memory_limit") or duckdb_setting(memory_limit()),
            preserve_insertion_order=False,
            temp_directory=options.get("temp_directory") or tempfile.gettempdir(),
        )
    if engine == "spark":
        session = spark_session(options.get("spark_master"), options.get("spark_conf") or {})
        return ibis.pyspark.connect(session)
    raise NaersundError(f"unknown engine '{engine}'; choose one of: {', '.join(ENGINES)}")


def spark_session(master: str | None = None, conf: Mapping[str, str] | None = None) -> Any:
    """A Spark session with naersund's settings: the active one if there is one, else a new one.

    ``master`` defaults to the one ``spark-submit`` (or the active session) gives, else
    ``local[*]``. ``conf`` goes to the session builder; settings that only apply at start-up
    (driver memory, ``spark.driver.maxResultSize``, ...) do not change a session already running.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise NaersundError(
            "engine 'spark' needs PySpark: pip install 'ibis-framework[pyspark]' "
            "(it comes with naersund's own set-up)"
        ) from exc
    # spark-submit starts the driver's Python with a gateway to its JVM and its --master;
    # Databricks runs its own; a notebook or the tests may have a session already.
    attached = (
        SparkSession.getActiveSession() is not None
        or "PYSPARK_GATEWAY_PORT" in os.environ
        or "DATABRICKS_RUNTIME_VERSION" in os.environ
    )
    if not attached and shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise NaersundError(
            "engine 'spark' needs Java 17 or 21 (a JRE is enough), and none was found: install "
            "it (Debian/Ubuntu: apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
        )
    builder = SparkSession.builder
    settings = {**SPARK_DEFAULT_CONF, **dict(conf or {}), **SPARK_FIXED_CONF}
    for key, value in settings.items():
        builder = builder.config(key, value)
    if master:
        builder = builder.master(master)
    elif not attached:
        builder = builder.master(SPARK_DEFAULT_MASTER)
    try:
        session = builder.getOrCreate()
    except Exception as exc:
        raise NaersundError(
            f"Spark could not start ({type(exc).__name__}: {str(exc).strip().splitlines()[0]}); "
            "check --spark-master and --spark-conf, and that Java 17 or 21 is installed"
        ) from exc
    for key, value in SPARK_FIXED_CONF.items():
        session.conf.set(key, value)
    return session


def engine_name(con: BaseBackend) -> str:
    """naersund's name of the engine behind ``con``."""
    return "spark" if con.name == "pyspark" else str(con.name)


def is_uri(location: str | Path) -> bool:
    """Whether ``location`` is a URI (``s3a://bucket/x``, ``file:///data``) and not a path."""
    return "://" in str(location)


def read_parquet(con: BaseBackend, files: Sequence[Path | str], columns: Sequence[str]) -> ir.Table:
    """Read canonical Parquet files (or, on Spark, folders of them) as one table with just
    ``columns``. Files that lack a column get it as nulls; hive partition folders are ignored."""
    if con.name == "pyspark":
        reader = (
            con._session.read.option("mergeSchema", "true")
            .option("recursiveFileLookup", "true")
            .option("pathGlobFilter", "*.parquet")
        )
        frame = reader.parquet(*[str(f) for f in files])
        name = ibis.util.gen_name("naersund_parquet")
        frame.createOrReplaceTempView(name)
        t = con.table(name)
    else:
        t = con.read_parquet([str(f) for f in files], hive_partitioning=False, union_by_name=True)
    return t.select(*[c for c in columns if c in t.columns])


# -- data on a URI (Spark) -------------------------------------------------------------------------


def _hadoop_path(con: BaseBackend, uri: str) -> tuple[Any, Any]:
    session = con._session
    path = session._jvm.org.apache.hadoop.fs.Path(uri)
    return path.getFileSystem(session._jsc.hadoopConfiguration()), path


def uri_exists(con: BaseBackend, uri: str) -> bool:
    """Whether a file or folder exists at ``uri`` (through Spark's Hadoop file systems)."""
    if con.name != "pyspark":
        raise InputError(f"{uri}: data on a URI can only be read with --engine spark")
    try:
        fs, path = _hadoop_path(con, uri)
        return bool(fs.exists(path))
    except Exception as exc:
        java = getattr(exc, "java_exception", None)
        reason = str(java.toString()) if java is not None else str(exc).strip()
        raise InputError(
            f"{uri}: Spark cannot read this location ({reason.splitlines()[0][:300]}); "
            "a scheme such as s3a:// needs its Hadoop connector and credentials (docs/spark.md)"
        ) from exc


def find_uri_table(con: BaseBackend, base: str, table: str) -> list[str]:
    """Where ``table`` is below the URI ``base``: ``table.parquet`` and/or the folder ``table/``
    (read recursively). CSV on a URI is refused: ``naersund ingest`` validates it first."""
    base = base.rstrip("/")
    found = [u for u in (f"{base}/{table}.parquet", f"{base}/{table}") if uri_exists(con, u)]
    if uri_exists(con, f"{base}/{table}.csv"):
        raise InputError(
            f"{base}/{table}.csv: on a URI the engine reads canonical Parquet only; convert and "
            "validate the CSV first with 'naersund ingest' and point --data at the result"
        )
    return found


def read_uri_text(con: BaseBackend, uri: str) -> str | None:
    """A small text file on a URI (a marker or manifest), or None when there is none."""
    if not uri_exists(con, uri):
        return None
    rows = con._session.read.text(uri, wholetext=True).collect()
    return "".join(r[0] for r in rows)


# -- running an aggregate, or saying clearly what the engine cannot express ------------------------


def execute_aggregate(
    con: BaseBackend,
    expr: ir.Table,
    definitions: Sequence[Any],
    per_definition: Callable[[Any], ir.Table] | None = None,
) -> pd.DataFrame:
    """Run an aggregate expression for ``definitions`` and return its (small) result.

    When the engine cannot express it, the error names the engine and the definition(s) at
    fault (found by compiling ``per_definition(d)`` for each), and nothing else is tried: no
    fallback that would pull person-level rows into the driver.
    """
    engine = engine_name(con)
    try:
        return con.execute(expr)
    except COMPILE_ERRORS as exc:
        culprits = []
        if per_definition is not None and len(definitions) > 1:
            for d in definitions:
                try:
                    con.compile(per_definition(d))
                except COMPILE_ERRORS:
                    culprits.append(d)
        culprits = culprits or list(definitions)
        ids = ", ".join(d.id for d in culprits)
        raise DefinitionError(
            f"{ids}: engine '{engine}' cannot express this definition ({exc}); "
            f"compute it with another engine (--engine) or change the definition"
        ) from exc
    except Exception as exc:
        if type(exc).__name__ != "AnalysisException":
            raise
        ids = ", ".join(d.id for d in definitions)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DefinitionError(
            f"{ids}: engine '{engine}' rejected the query for these definitions ({first})"
        ) from exc
