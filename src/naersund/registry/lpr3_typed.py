"""The LPR3 conversion's fast pass: every value typed once, each row found good or suspect.

Speed (issue 16). The exact conversion (:func:`naersund.registry.lpr3.contacts_plan`) builds
the canonical contacts as text, with the reason for the first problem of each row, and the
canonical checks (:mod:`naersund.registry.validate`) then parse and check that text again. Here
one pass over ``kontakter`` types the raw LPR3 values directly (dates, times, the municipality
code, the person's CPR_PERSON row, the aktionsdiagnose) and decides per row only *whether* it
is certainly good: no reason text is built, nothing is parsed twice.

The pass is conservative by construction. A row is *good* only when every value has the one
plain form the exact conversion would turn into the same typed value without a problem:
``ÅÅÅÅ-MM-DD`` dates (a date read back as text must be the value itself), ``TT:MM:SS``,
``TT:MM`` or ``TT:MM:SS.f`` times (likewise, hour below 24), a municipality code of three
digits or with one leading zero (``101`` or ``0101``), no surrounding blanks, one CPR_PERSON
row for the person, and every range and cross check passed. Any other row, however unusual but perhaps
valid (``01.03.2019``, ``8:30``, ``' ATA1 '``, two identical CPR_PERSON rows), is a *suspect*:
only the suspects go through the exact conversion and checks (a second look at those rows
only), which give the message or find them good after all. So the messages are the exact
conversion's, and a good row's values are those the exact conversion gives (tested: every row
of a set of awkward extracts is checked both ways, ``tests/test_lpr3_typed.py``).

A contact without an AKTIONSDIAGNOSE takes its diagnosis from ``diagnoser``: the pass leaves
such a row *pending* (good but for its diagnosis) and names its contact; a second step looks up
the ``diagnoser`` rows of those contacts only and decides the pending rows (a second, small
Parquet file), as the pass decides a row with an AKTIONSDIAGNOSE. So ``kontakter`` is read once:
the same pass counts the rows of other KONTAKTTYPEs for the notes.

The person key (``schema.PERSON_KEY``) is the rank of the ``PNR`` among the persons of
CPR_PERSON, numbered in the same pass: a contact's person must be in CPR_PERSON, so the key is
an exact integer per person in the order of ``person_id``, without a second pass over the
contacts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import duckdb

from naersund.refdata import municipalities
from naersund.registry.pieces import ROW_BITS, offsets_of, row_sql
from naersund.registry.sources import Source, sql_ident, sql_lit
from naersund.registry.validate import (
    DIAG_RE,
    EARLIEST_DATE,
    STAGING_FORMAT,
    Checked,
    TablePlan,
    checked_sql,
    create_kommuner,
    find_duplicates,
    trimmed,
)

# temp view: ``_fileno, _row`` and the kontakter columns as read, of the rows the exact
# conversion and checks decide (the fast pass's suspects, kept in the staging file)
SUSPECT_ROWS = "lpr3_suspect_rows"
NEED = "lpr3_need"  # temp table: the contacts (DW_EK_KONTAKT) whose diagnoser rows are read
CANONICAL = (
    "person_id", "kommunekode", "sex", "birth_date", "start", "end", "acute",
    "primary_diagnosis", "specialty", "hospital", "died",
)  # fmt: skip
LAST_MICROSECOND = "23:59:59.999999"


def _codes() -> list[int]:
    codes = [int(c) for c in municipalities()["kommunekode"].tolist()]
    if any(not 100 <= c <= 999 for c in codes):  # the forms below assume 3 digits
        raise ValueError("a municipality code of other than 3 digits")
    return codes


def exact_for_every_row(con: duckdb.DuckDBPyConnection, plan: TablePlan) -> None:
    """Let the exact conversion of ``plan`` read every row of the extract (for tests)."""
    con.execute(f"CREATE OR REPLACE TEMP VIEW {SUSPECT_ROWS} AS {plan.fast_source}")


def diag_sql(diagnoser: str, need: str) -> str:
    """Per contact without an AKTIONSDIAGNOSE (``need``: a SELECT of their ids, as ``need``),
    the lowest and highest A-diagnosis of ``diagnoser`` (not SENERE_AFKRAEFTET): ``dw_ek_kontakt,
    a_diag, a_max`` (NULL when it has none). Speed: the rows of those contacts are picked first
    (a tenth of diagnoser in synthetic data), and only they are trimmed and tested: the test
    is the aggregates' FILTER, which DuckDB cannot move below the join as it moves a WHERE."""
    a_row = "diagnosetype = 'A' AND afkraeftet IS DISTINCT FROM 'ja'"
    return f"""
        SELECT dw_ek_kontakt, min(code) FILTER (WHERE {a_row}) AS a_diag,
            max(code) FILTER (WHERE {a_row}) AS a_max
        FROM (SELECT dw_ek_kontakt, upper({trimmed("diagnosekode")}) AS code,
                     upper({trimmed("diagnosetype")}) AS diagnosetype,
                     lower({trimmed("senere_afkraeftet")}) AS afkraeftet
              FROM (SELECT * REPLACE ({trimmed("dw_ek_kontakt")} AS dw_ek_kontakt)
                    FROM ({diagnoser})) d
              SEMI JOIN ({need}) n ON n.need = d.dw_ek_kontakt)
        GROUP BY dw_ek_kontakt"""  # fmt: skip


def person_keys_sql(person: str) -> str:
    """``pnr, person_key``: the rank of each distinct (trimmed) PNR of CPR_PERSON."""
    return f"""
        SELECT pnr, row_number() OVER (ORDER BY pnr) AS person_key
        FROM (SELECT DISTINCT {trimmed("pnr")} AS pnr FROM ({person})) WHERE pnr IS NOT NULL"""


def _date(v: str, d: str) -> str:
    """The date ``d`` (``TRY_CAST(v AS DATE)``) when ``v`` is exactly its ISO text, else NULL."""
    return f"CASE WHEN CAST({d} AS VARCHAR) = {v} THEN {d} END"


def _time(v: str, t: str) -> str:
    """The time ``t`` (``TRY_CAST(v AS TIME)``) when ``v`` is exactly its text (``08:30:00``,
    ``08:30:00.25``) or that text without seconds (``08:30``), and before 24:00; else NULL."""
    return (
        f"CASE WHEN {t} <= TIME '{LAST_MICROSECOND}' AND (CAST({t} AS VARCHAR) = {v} "
        f"OR CAST({t} AS VARCHAR) = {v} || ':00') THEN {t} END"
    )


def typed_sql(kontakter: str, person: str, cut: dt.date, raw: Sequence[str]) -> str:
    """One pass over ``kontakter`` and ``person`` (CPR_PERSON): per row ``_fileno, _row``, the
    canonical columns typed, ``person_key``, and what became of the row:

    - ``_use``: a physical contact found good, with all its values;
    - ``_pending``: found good but for its diagnosis, which is in ``diagnoser`` (no
      AKTIONSDIAGNOSE): decided in a second step, for those rows only (:func:`check`);
    - ``_suspect``: only the exact checks can tell (its typed values are then not used);
    - none of these: a row of another KONTAKTTYPE, left out (``_other``: its type, for the
      notes, as for every row whose KONTAKTTYPE is not ALCA00).

    ``_contact`` is the (trimmed) DW_EK_KONTAKT of a kept row without an AKTIONSDIAGNOSE: the
    contacts whose ``diagnoser`` rows are looked up. A suspect keeps its ``raw`` columns as read
    (``_raw``, a list in that order), so that the exact checks need not read ``kontakter``
    again: one list column (NULL but for suspects) costs the staging's writer far less than a
    column per value (12 columns of NULLs: +55 % CPU for writing it). Speed (issue 16): one read of
    ``kontakter`` gives all this; a first read for the KONTAKTTYPE notes and the contacts
    without an AKTIONSDIAGNOSE cost about a tenth of the ingest."""
    first, last = EARLIEST_DATE.isoformat(), cut.isoformat()
    # a municipality code exactly as the canonical check reads it: 1-4 digits, so a code of 3
    # digits (all are) written as such or with one leading zero (``101`` or ``0101``)
    codes = "(" + ", ".join(str(c) for c in sorted(_codes())) + ")"
    kt = "kontakttype"
    return f"""
        WITH k AS (
            SELECT *,
                CASE WHEN {kt} = 'ALCA00' THEN true
                     ELSE {kt} IS NULL OR trim({kt}) = '' OR upper(trim({kt})) = 'ALCA00' END
                    AS _kept,
                CASE WHEN upper(trim({kt})) <> 'ALCA00' THEN upper(trim({kt})) END AS _other
            FROM ({kontakter})),
        grouped AS (
            SELECT pnr, count(*) AS n, min(kon) AS kon, min(fod) AS fod, min(dod) AS dod
            FROM (SELECT {trimmed("pnr")} AS pnr, {trimmed("c_kon")} AS kon,
                         {trimmed("d_foddato")} AS fod, {trimmed("d_doddato")} AS dod
                  FROM ({person}))
            WHERE pnr IS NOT NULL GROUP BY pnr),
        cast_person AS (
            SELECT *, TRY_CAST(fod AS DATE) AS _fod, TRY_CAST(dod AS DATE) AS _dod FROM grouped),
        p AS (
            SELECT pnr, row_number() OVER (ORDER BY pnr) AS person_key,
                CASE upper(kon) WHEN 'M' THEN 'M' WHEN 'K' THEN 'F' END AS sex,
                {_date("fod", "_fod")} AS birth_date, {_date("dod", "_dod")} AS death_date,
                n = 1 AND strlen(pnr) <= 64 AND upper(kon) IN ('M', 'K')
                    AND {_date("fod", "_fod")} IS NOT NULL
                    AND (dod IS NULL OR {_date("dod", "_dod")} IS NOT NULL) AS p_ok
            FROM cast_person),
        joined AS (
            SELECT k.*, TRY_CAST(k.kommunekode AS SMALLINT) AS _kom,
                p.person_key, p.sex, p.birth_date, p.death_date, p.p_ok,
                TRY_CAST(k.dato_start AS DATE) AS _d0, TRY_CAST(k.tidspunkt_start AS TIME) AS _t0,
                TRY_CAST(k.dato_slut AS DATE) AS _d1, TRY_CAST(k.tidspunkt_slut AS TIME) AS _t1
            FROM k LEFT JOIN p ON p.pnr = k.pnr),
        typed AS (
            SELECT _fileno, _row, _kept, _other, {", ".join(f"{c} AS _raw_{c}" for c in raw)},
                pnr AS person_id,
                CASE WHEN _kom IN {codes} AND (kommunekode = CAST(_kom AS VARCHAR)
                    OR kommunekode = '0' || CAST(_kom AS VARCHAR)) THEN CAST(_kom AS BIGINT) END
                    AS kommunekode, sex, birth_date,
                {_date("dato_start", "_d0")} + {_time("tidspunkt_start", "_t0")} AS start,
                {_date("dato_slut", "_d1")} + {_time("tidspunkt_slut", "_t1")} AS "end",
                upper(prioritet) = 'ATA1' AS acute,
                upper(aktionsdiagnose) AS primary_diagnosis,
                {trimmed("hovedspeciale_ans")} AS specialty, {trimmed("sorenhed_ans")} AS hospital,
                coalesce({_date("dato_slut", "_d1")} = death_date, false) AS died,
                person_key, p_ok, upper(kontakttype) = 'ALCA00' AS physical,
                aktionsdiagnose IS NULL AS in_diagnoser,
                CASE WHEN _kept AND {trimmed("aktionsdiagnose")} IS NULL
                     THEN {trimmed("dw_ek_kontakt")} END AS _contact,
                strlen(prioritet) BETWEEN 1 AND 10 AND NOT starts_with(prioritet, ' ')
                    AND NOT ends_with(prioritet, ' ') AS prioritet_ok,
                coalesce(strlen(dw_ek_kontakt) <= 64, true)
                    AND coalesce(strlen(hovedspeciale_ans) <= 200, true)
                    AND coalesce(strlen(sorenhed_ans) <= 200, true) AS lengths_ok
            FROM joined),
        decided AS (
            SELECT *, _kept AND coalesce(
                p_ok AND physical AND prioritet_ok AND lengths_ok
                AND kommunekode IS NOT NULL
                AND start >= TIMESTAMP '{first}' AND CAST(start AS DATE) <= DATE '{last}'
                AND "end" >= TIMESTAMP '{first}' AND CAST("end" AS DATE) <= DATE '{last}'
                AND birth_date >= DATE '{first}' AND birth_date <= DATE '{last}'
                AND "end" >= start AND birth_date <= CAST(start AS DATE), false) AS good_but_diag
            FROM typed)
        SELECT _fileno, _row, {", ".join(f'"{c}"' for c in CANONICAL)}, person_key,
            _use, _pending, _suspect, _other, _contact,
            CASE WHEN _suspect THEN [{", ".join(f"_raw_{c}" for c in raw)}] END AS _raw
        FROM (
            SELECT *,
                good_but_diag AND NOT in_diagnoser AND diag_ok AS _use,
                good_but_diag AND in_diagnoser AS _pending,
                _kept AND NOT (good_but_diag AND (in_diagnoser OR diag_ok)) AS _suspect
            FROM (SELECT *,
                    coalesce(regexp_full_match(primary_diagnosis, '{DIAG_RE}'), false) AS diag_ok
                  FROM decided))"""  # fmt: skip


def pending_sql(staging: str, diag: str, columns: list[str]) -> str:
    """The rows of ``staging`` left pending, with the diagnosis of ``diag`` (the lowest
    A-diagnosis of the contact, not SENERE_AFKRAEFTET): ``_ok`` when it has exactly one and it
    is a valid code (as the fast pass decides a row with an AKTIONSDIAGNOSE), else the row is
    for the exact checks. ``_h`` hashes the columns as the fast pass does (duplicates are
    found across both)."""
    values = ["d.a_diag" if c == "primary_diagnosis" else f"s.{sql_ident(c)}" for c in columns]
    cols = ", ".join(f"{v} AS {sql_ident(c)}" for v, c in zip(values, columns, strict=True))
    ok = f"coalesce(d.a_diag = d.a_max AND regexp_full_match(d.a_diag, '{DIAG_RE}'), false)"
    return f"""
        SELECT s._fileno, s._row, {cols}, s.person_key,
            CASE WHEN {ok} THEN hash({", ".join(values)}) END AS _h, {ok} AS _ok
        FROM (SELECT * FROM {staging} WHERE _pending) s
        LEFT JOIN ({diag}) d ON d.dw_ek_kontakt = s._contact"""  # fmt: skip


@contextlib.contextmanager
def builds_as_written(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Every hash join of the statements run inside builds its table on the side the SQL
    names second (the right side of a join, the table of a SEMI JOIN), as written here.

    Memory (issue 16): DuckDB picks the build side by its estimate of each side's rows, and it
    has no estimate for a CSV read without its sniffer (``auto_detect = false``: 42 rows,
    whatever the file). So it built the lookup of the contacts without an AKTIONSDIAGNOSE on
    *every* ``diagnoser`` row (28.5 M rows, 1.8 GB, at two national years) instead of on
    those contacts' ids (3.4 M): the fast pass peaked at 3.3 GB and grew with the extract
    (7.8 GB at ten years, and out of memory from SAS files). Every join here is written
    with the smaller, looked-up side on the right (the ids sought, the diagnoses per
    contact, the persons), so the written order is the right one for any extract."""
    con.execute("SET disabled_optimizers = 'build_side_probe_side'")
    try:
        yield
    finally:
        con.execute("RESET disabled_optimizers")


@contextlib.contextmanager
def in_any_order(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The statements inside write their rows in the order they come (``_fileno, _row`` say
    where each row is from). Speed (issue 16): a big CSV file is read as pieces
    (:mod:`naersund.registry.pieces`), each numbered by one thread, and DuckDB reads them side
    by side only when the order of the rows need not be kept (kept, it reads one piece after
    another: no faster than the whole file)."""
    con.execute("SET preserve_insertion_order = false")
    try:
        yield
    finally:
        con.execute("RESET preserve_insertion_order")


def in_time_order(con: duckdb.DuckDBPyConnection, staging: Path) -> bool:
    """Whether the rows of ``staging`` are stored about in time order: the row groups that
    span two or more years of ``start`` (by their statistics) are at most one in ten, so that
    writing each year with its own COPY reads each row group about once (the synthetic
    extracts, and extracts written year by year, are in time order; in any other order one
    COPY per year would read the whole staging once per year)."""
    found = con.execute(
        f"""SELECT count(*), count(*) FILTER (WHERE left(stats_min, 4) <> left(stats_max, 4))
            FROM parquet_metadata({sql_lit(str(staging))}) WHERE path_in_schema = 'start'"""
    ).fetchone()
    return found is not None and found[0] > 0 and found[1] * 10 <= found[0]


def _row_sql(con: duckdb.DuckDBPyConnection, staged: str, sources: Sequence[Source]) -> str:
    """The SQL of a staged row's number in its file (:func:`naersund.registry.pieces.row_sql`):
    the rows of each piece of a file read as pieces are counted in the staging, which holds
    every row of ``kontakter``."""
    sizes = {i: len(s.pieces) for i, s in enumerate(sources) if s.pieces}
    if not sizes:
        return "_row"
    counts = con.execute(
        f"""SELECT _fileno, _row >> {ROW_BITS}, count(*) FROM {staged}
            WHERE _fileno IN ({", ".join(str(f) for f in sizes)}) GROUP BY ALL"""
    ).fetchall()
    return row_sql(offsets_of([(int(f), int(k), int(n)) for f, k, n in counts], sizes))


def check(con: duckdb.DuckDBPyConnection, plan: TablePlan, work: Path, cut: dt.date) -> Checked:
    """Check every row of an LPR3 contacts ``plan``: the fast pass over every row into the
    staging Parquet; the contacts it left pending get their diagnosis from ``diagnoser`` (a
    second, small Parquet file); then the exact conversion and checks for the suspects only."""
    if plan.typed is None:
        raise ValueError("the plan has no fast pass")
    create_kommuner(con)
    staging = work / f"staging_{plan.table}.parquet"
    staged = f"read_parquet({sql_lit(str(staging))})"
    cols = ", ".join(sql_ident(c) for c in plan.columns)
    digest = f"hash({cols})"
    with builds_as_written(con), in_any_order(con):
        con.execute(f"""
            COPY (SELECT * REPLACE (CAST(_fileno AS INTEGER) AS _fileno),
                    CASE WHEN _use THEN {digest} END AS _h
                  FROM ({plan.typed(cut)}))
            TO {sql_lit(str(staging))} ({STAGING_FORMAT})""")  # fmt: skip
    real_row = _row_sql(con, staged, plan.sources)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {NEED} AS
        SELECT DISTINCT _contact AS need FROM {staged} WHERE _contact IS NOT NULL""")
    others = con.execute(
        f"""SELECT _other, count(*) AS n FROM {staged} WHERE _other IS NOT NULL
            GROUP BY _other ORDER BY n DESC, _other"""
    ).fetchall()
    notes = plan.notes_of([(str(t), int(n)) for t, n in others]) if plan.notes_of else []
    counts = con.execute(
        f"SELECT count(*) FILTER (WHERE _pending), count(*) FILTER (WHERE _suspect) FROM {staged}"
    ).fetchone()
    pending, n_pending, n_suspect = None, *(int(n) for n in counts or (0, 0))
    raw = [str(r[0]) for r in con.execute(f"DESCRIBE {plan.fast_source}").fetchall()][2:]
    # the suspects' rows as read, for the exact checks: from the staging, and (rarely) the rows
    # left pending whose diagnosis the second step could not decide, from kontakter
    # (numbered by their row in the file: real_row)
    suspect_rows = [
        f"SELECT _fileno, {real_row} AS _row, "
        f"{', '.join(f'_raw[{i}] AS {sql_ident(c)}' for i, c in enumerate(raw, 1))} "
        f"FROM {staged} WHERE _suspect"
    ]
    if n_pending:
        pending = work / f"pending_{plan.table}.parquet"
        with builds_as_written(con):
            con.execute(f"""
                COPY ({pending_sql(staged, plan.pending_diag, plan.columns)})
                TO {sql_lit(str(pending))} ({STAGING_FORMAT})""")  # fmt: skip
        read = f"read_parquet({sql_lit(str(pending))})"
        found = con.execute(f"SELECT count(*) FROM {read} WHERE NOT _ok").fetchone()
        if found and found[0]:
            n_suspect += int(found[0])
            suspect_rows.append(
                f"SELECT * REPLACE ({real_row} AS _row) FROM (SELECT * FROM ({plan.fast_source}) "
                f"SEMI JOIN (SELECT _fileno, _row FROM {read} WHERE NOT _ok) USING (_fileno, _row))"
            )
    con.execute(f"DROP TABLE {NEED}")  # its memory, for the steps below
    slow = None
    if n_suspect:
        slow = "lpr3_checked_one_by_one"
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {SUSPECT_ROWS} AS "
            + " UNION ALL BY NAME ".join(suspect_rows)
        )
        # plan.rows reads only the suspects (SUSPECT_ROWS)
        with builds_as_written(con):
            con.execute(f"""
                CREATE OR REPLACE TEMP TABLE {slow} AS
                SELECT CAST(c._fileno AS INTEGER) AS _fileno, c._row, {cols}, k.person_key,
                    c._field, c._reason, CASE WHEN c._reason IS NULL THEN {digest} END AS _h
                FROM ({checked_sql(plan, cut)}) c
                LEFT JOIN ({plan.person_keys}) k ON k.pnr = c.person_id""")  # fmt: skip
    checked = Checked(
        plan, staging, f"dups_{plan.table}", slow=slow, keyed=True, fast=True,
        pending=pending, notes=tuple(notes), row_sql=real_row,
    )  # fmt: skip
    return replace(checked, any_dups=find_duplicates(con, checked) > 0)
