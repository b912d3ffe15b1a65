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

The person key (``schema.PERSON_KEY``) is the rank of the ``PNR`` among the persons of
CPR_PERSON, numbered in the same pass: a contact's person must be in CPR_PERSON, so the key is
an exact integer per person in the order of ``person_id``, without a second pass over the
contacts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import duckdb

from naersund.refdata import municipalities
from naersund.registry.sources import sql_ident, sql_lit
from naersund.registry.validate import (
    DIAG_RE,
    EARLIEST_DATE,
    Checked,
    TablePlan,
    checked_sql,
    create_kommuner,
    find_duplicates,
    trimmed,
)

SUSPECTS = "lpr3_suspects"  # temp table: (_fileno, _row) of the rows the exact checks decide
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


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """An empty suspects table."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {SUSPECTS} (_fileno INTEGER, _row BIGINT)")


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


def typed_sql(kontakter: str, person: str, diagnoser: str, need: str, cut: dt.date) -> str:
    """One pass over the LPR3 tables: per physical contact ``_fileno, _row``, the canonical
    columns typed, ``person_key`` and ``_suspect`` (true when only the exact checks can tell;
    the typed values of a suspect are then not used). ``need`` is a SELECT of the ids of the
    contacts without an AKTIONSDIAGNOSE."""
    first, last = EARLIEST_DATE.isoformat(), cut.isoformat()
    # a municipality code exactly as the canonical check reads it: 1-4 digits, so a code of 3
    # digits (all are) written as such or with one leading zero (``101`` or ``0101``)
    codes = "(" + ", ".join(str(c) for c in sorted(_codes())) + ")"
    kt = "kontakttype"
    return f"""
        WITH k AS (
            SELECT * FROM ({kontakter})
            WHERE CASE WHEN {kt} = 'ALCA00' THEN true
                       ELSE {kt} IS NULL OR trim({kt}) = '' OR upper(trim({kt})) = 'ALCA00' END),
        diag AS ({diag_sql(diagnoser, need)}),
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
            SELECT k.*, TRY_CAST(k.kommunekode AS SMALLINT) AS _kom, d.a_diag, d.a_max,
                p.person_key, p.sex, p.birth_date, p.death_date, p.p_ok,
                TRY_CAST(k.dato_start AS DATE) AS _d0, TRY_CAST(k.tidspunkt_start AS TIME) AS _t0,
                TRY_CAST(k.dato_slut AS DATE) AS _d1, TRY_CAST(k.tidspunkt_slut AS TIME) AS _t1
            FROM k LEFT JOIN diag d ON d.dw_ek_kontakt = k.dw_ek_kontakt
            LEFT JOIN p ON p.pnr = k.pnr),
        typed AS (
            SELECT _fileno, _row, pnr AS person_id,
                CASE WHEN _kom IN {codes} AND (kommunekode = CAST(_kom AS VARCHAR)
                    OR kommunekode = '0' || CAST(_kom AS VARCHAR)) THEN CAST(_kom AS BIGINT) END
                    AS kommunekode, sex, birth_date,
                {_date("dato_start", "_d0")} + {_time("tidspunkt_start", "_t0")} AS start,
                {_date("dato_slut", "_d1")} + {_time("tidspunkt_slut", "_t1")} AS "end",
                upper(prioritet) = 'ATA1' AS acute,
                CASE WHEN aktionsdiagnose IS NULL THEN a_diag ELSE upper(aktionsdiagnose) END
                    AS primary_diagnosis,
                {trimmed("hovedspeciale_ans")} AS specialty, {trimmed("sorenhed_ans")} AS hospital,
                coalesce({_date("dato_slut", "_d1")} = death_date, false) AS died,
                person_key, p_ok, upper(kontakttype) = 'ALCA00' AS physical,
                aktionsdiagnose IS NOT NULL OR a_diag = a_max AS one_diagnosis,
                strlen(prioritet) BETWEEN 1 AND 10 AND NOT starts_with(prioritet, ' ')
                    AND NOT ends_with(prioritet, ' ') AS prioritet_ok,
                coalesce(strlen(dw_ek_kontakt) <= 64, true)
                    AND coalesce(strlen(hovedspeciale_ans) <= 200, true)
                    AND coalesce(strlen(sorenhed_ans) <= 200, true) AS lengths_ok
            FROM joined)
        SELECT _fileno, _row, {", ".join(f'"{c}"' for c in CANONICAL)}, person_key,
            NOT coalesce(
                p_ok AND physical AND prioritet_ok AND lengths_ok AND one_diagnosis
                AND kommunekode IS NOT NULL
                AND regexp_full_match(primary_diagnosis, '{DIAG_RE}')
                AND start >= TIMESTAMP '{first}' AND CAST(start AS DATE) <= DATE '{last}'
                AND "end" >= TIMESTAMP '{first}' AND CAST("end" AS DATE) <= DATE '{last}'
                AND birth_date >= DATE '{first}' AND birth_date <= DATE '{last}'
                AND "end" >= start AND birth_date <= CAST(start AS DATE), false) AS _suspect
        FROM typed"""  # fmt: skip


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


def check(con: duckdb.DuckDBPyConnection, plan: TablePlan, work: Path, cut: dt.date) -> Checked:
    """Check every row of an LPR3 contacts ``plan``: the fast pass over every row into the
    staging Parquet, then the exact conversion and checks for its suspects only."""
    if plan.typed is None:
        raise ValueError("the plan has no fast pass")
    create_kommuner(con)
    create_tables(con)
    staging = work / f"staging_{plan.table}.parquet"
    cols = ", ".join(sql_ident(c) for c in plan.columns)
    digest = f"hash({cols})"
    con.execute(f"""
        COPY (SELECT CAST(_fileno AS INTEGER) AS _fileno, _row, {cols}, person_key,
                NULL::VARCHAR AS _field, NULL::VARCHAR AS _reason,
                CASE WHEN NOT _suspect THEN {digest} END AS _h, _suspect
              FROM ({plan.typed(cut)}))
        TO {sql_lit(str(staging))} (FORMAT parquet)""")  # fmt: skip
    con.execute(f"""
        INSERT INTO {SUSPECTS}
        SELECT _fileno, _row FROM read_parquet({sql_lit(str(staging))}) WHERE _suspect""")
    found = con.execute(f"SELECT count(*) FROM {SUSPECTS}").fetchone()
    slow = None
    if found and found[0]:
        slow = "lpr3_checked_one_by_one"
        # plan.rows reads only the suspects (a semi join on SUSPECTS)
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE {slow} AS
            SELECT CAST(c._fileno AS INTEGER) AS _fileno, c._row, {cols}, k.person_key,
                c._field, c._reason, CASE WHEN c._reason IS NULL THEN {digest} END AS _h
            FROM ({checked_sql(plan, cut)}) c
            LEFT JOIN ({plan.person_keys}) k ON k.pnr = c.person_id""")  # fmt: skip
    checked = Checked(plan, staging, f"dups_{plan.table}", slow=slow, keyed=True)
    return replace(checked, any_dups=find_duplicates(con, checked) > 0)
