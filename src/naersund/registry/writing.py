"""Writing a checked table as canonical Parquet (split out of :mod:`naersund.registry.ingest`).

Contacts and færdigbehandling rows are written one folder per year (``year=YYYY/part-0.parquet``);
the contacts get the integer ``person_key`` and the footer metadata of ``schema``.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import duckdb

from naersund.registry.schema import PERSON_KEY, PERSON_KEY_METADATA, WHOLE_SECONDS_METADATA
from naersund.registry.sources import sql_ident, sql_lit

PARTITION_BY = {"contacts": "start", "ready_for_discharge": "ready_date"}


def write_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: str,
    out: Path,
    keyed: bool = False,
    one_by_one: bool = False,
) -> int:
    """Write ``rows`` (a SELECT of the typed columns of ``table``; with ``keyed`` also the
    contacts' ``person_key``, numbered already) as canonical Parquet below ``out``; returns
    their number. With ``one_by_one`` each year is written by its own COPY (rows in time
    order, :func:`naersund.registry.lpr3_typed.in_time_order`)."""
    # For contacts, in the same pass: whether every start and end is a whole second (recorded
    # in the footers, so that compute need not scan the times for fractions).
    whole = ""
    if table == "contacts":
        whole = ", " + " AND ".join(
            f"bool_and(s.{t} = date_trunc('second', s.{t}))" for t in ("start", '"end"')
        )
    years = ""
    if table in PARTITION_BY:
        years = f", min(year(s.{sql_ident(PARTITION_BY[table])}))"
        years += f", max(year(s.{sql_ident(PARTITION_BY[table])}))"
    row = con.execute(f"SELECT count(*){years}{whole} FROM ({rows}) s").fetchone()
    n = int(row[0]) if row else 0
    if n == 0 or row is None:
        return 0
    if table in PARTITION_BY:
        extra = f", year(s.{sql_ident(PARTITION_BY[table])}) AS year"
        options = "FORMAT parquet, PARTITION_BY (year), FILENAME_PATTERN 'part-{i}'"
        query = f"SELECT s.*{extra} FROM ({rows}) s"
        if table == "contacts":
            # An exact integer key per person, numbered once for the whole table (this run),
            # so that the engine sorts on it instead of the text person_id (schema.PERSON_KEY):
            # the rank of person_id, as dense_rank() over the contacts would give it, but
            # sorting only the distinct persons (a few per contact) and joining the key back.
            query = f"""
                WITH keys AS (
                    SELECT person_id, row_number() OVER (ORDER BY person_id) AS {PERSON_KEY}
                    FROM (SELECT DISTINCT person_id FROM ({rows})))
                SELECT s.*{extra}, keys.{PERSON_KEY}
                FROM ({rows}) s JOIN keys ON keys.person_id = s.person_id"""  # fmt: skip
            if keyed:
                query = f"SELECT s.* EXCLUDE ({PERSON_KEY}){extra}, s.{PERSON_KEY} FROM ({rows}) s"
            run = f"ingest:{uuid.uuid4().hex}"
            seconds = "true" if row[3] is True else "false"
            kv = {PERSON_KEY_METADATA: run, WHOLE_SECONDS_METADATA: seconds}
            pairs = ", ".join(f"{sql_lit(k)}: {sql_lit(v)}" for k, v in kv.items())
            options += f", KV_METADATA {{{pairs}}}"
        target = out / table
        if row[1] == row[2] or one_by_one:
            # Speed (issue 16): one COPY per year instead of PARTITION_BY (the same files, about
            # a third less CPU for writing the contacts), when the rows are of one year or
            # stored in time order (each year's COPY then reads only its own row groups)
            column = sql_ident(PARTITION_BY[table])
            options = options.replace(", PARTITION_BY (year), FILENAME_PATTERN 'part-{i}'", "")
            for year in range(int(row[1]), int(row[2]) + 1):
                rows_of_year = f"""
                    SELECT * EXCLUDE (year) FROM ({query})
                    WHERE {column} >= TIMESTAMP '{year:04d}-01-01'
                        AND {column} < TIMESTAMP '{year + 1:04d}-01-01'"""  # fmt: skip
                found = con.execute(f"SELECT count(*) > 0 FROM ({rows_of_year})").fetchone()
                if found and found[0]:
                    (target / f"year={year}").mkdir(parents=True)
                    part = target / f"year={year}" / "part-0.parquet"
                    con.execute(f"COPY ({rows_of_year}) TO {sql_lit(str(part))} ({options})")
            return n
    else:
        query = rows
        (out / table).mkdir(parents=True, exist_ok=True)
        target = out / table / f"{table}.parquet"
        options = "FORMAT parquet"
    con.execute(f"COPY ({query}) TO {sql_lit(str(target))} ({options})")
    return n
