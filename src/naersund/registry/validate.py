"""Row-by-row validation of registry input, done in bulk in DuckDB.

Every input file is read with all columns as text, so that a bad value is caught in its own row
instead of failing the whole read. One SQL pass converts each column to its canonical type,
computes per row the first field that fails and why (``_field``, ``_reason``) and a hash of the
converted row, and writes it all to a staging Parquet file; duplicates are then found from the
hashes, and the output is written from the staging file. Only failing rows reach Python, and
only as many as are shown. LPR3 contacts take a faster way to the same staging
(:mod:`naersund.registry.lpr3_typed`): this pass runs only for the rows it cannot decide.

Rows are numbered as a person counts them in a spreadsheet: the header is row 1, so the first
data row is row 2. Parquet files are counted the same way (their first record is row 2), so a
file gives the same messages whether it is stored as CSV or Parquet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from naersund import fmt
from naersund.errors import InputError
from naersund.refdata import AGE_GROUPS, municipalities
from naersund.registry.schema import TABLES
from naersund.registry.sources import Source, csv_error, q, sql_ident, sql_lit, sql_tuple

DIAG_RE = "D[A-Z][0-9A-Z]{1,6}"
DATE_RE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
TS_RE = DATE_RE + r"[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
TZ_RE = DATE_RE + r"[T ][0-9:.]+ ?(Z|[+-][0-9]{2}(:?[0-9]{2})?)"
TRUE_WORDS = ("true", "1", "ja")
FALSE_WORDS = ("false", "0", "nej")
AGGREGATE_AGE_GROUPS = ("65+", "total")  # rows of the shipped population format, passed through
NATIONAL = 0  # kommunekode of Denmark as a whole in population files
KOMMUNER = "naersund_kommuner"  # temp table of the 98 valid codes
# Dates (birth, contact start and end, færdigbehandling, discharge) before this are refused: a
# year like 1014 or 0014 is a typing error, and nobody in the data was born before 1900.
EARLIEST_DATE = dt.date(1900, 1, 1)


# kind of each column; `opt_` kinds are optional (no message when empty)
KINDS: dict[str, dict[str, str]] = {
    "contacts": {
        "person_id": "string", "kommunekode": "kommune", "sex": "sex", "birth_date": "date",
        "start": "timestamp", "end": "timestamp", "acute": "bool", "primary_diagnosis": "diag",
        "specialty": "opt_string", "hospital": "opt_string", "died": "opt_bool",
    },
    "population": {
        "year": "year", "kommunekode": "kommune_or_0", "age_group": "age_group", "sex": "sex_t",
        "count": "count", "estimated": "opt_bool",
    },
    "ready_for_discharge": {
        "person_id": "string", "kommunekode": "kommune", "ready_date": "date",
        "discharge_date": "date",
    },
}  # fmt: skip

# (failing condition, field, reason) checked after every single field is fine
CROSS: dict[str, list[tuple[str, str, str]]] = {
    "contacts": [
        (
            '"end" < "start"',
            "end",
            f"'slut ' || {q('_r_end')} || ' er før start ' || {q('_r_start')}",
        ),
        (
            '"birth_date" > CAST("start" AS DATE)',
            "birth_date",
            f"'fødselsdato ' || {q('_r_birth_date')} || ' er efter kontaktens start ' || {q('_r_start')}",
        ),
    ],
    "ready_for_discharge": [
        (
            '"discharge_date" < "ready_date"',
            "discharge_date",
            f"'udskrivningsdato ' || {q('_r_discharge_date')} || ' er før færdigbehandlingsdato ' "
            f"|| {q('_r_ready_date')}",
        )
    ],
}

# The longest value (characters, after trimming) a field of each kind may hold; a longer value
# is refused before any other check. Codes, dates and flags are short; an id gets room for a
# hashed pseudonym (64 hex digits); free text for a long department name.
MAX_LENGTH: dict[str, int] = {
    "string": 64, "opt_string": 200, "timestamp": 32, "kommune": 10, "kommune_or_0": 10,
    "sex": 10, "sex_t": 10, "date": 10, "bool": 10, "opt_bool": 10, "diag": 10, "year": 10,
    "count": 20, "age_group": 10,
}  # fmt: skip


def max_length(table: str, column: str) -> int:
    """The longest value ``column`` of ``table`` may hold, in characters."""
    return MAX_LENGTH[KINDS[table][column]]


def table_columns(table: str, present: Sequence[str] = ()) -> list[str]:
    """The canonical columns of ``table`` (``estimated`` of population only when present)."""
    cols = [c.name for c in TABLES[table]]
    return [*cols, "estimated"] if table == "population" and "estimated" in present else cols


def _field(kind: str, v: str, t: str, cut: dt.date, in_form: bool = False) -> tuple[str, str]:
    """SQL for (typed value of ``v``, problem or NULL given ``v`` and its typed value ``t``)
    for one trimmed text value ``v``: first its length, then its kind's own checks. With
    ``in_form`` the value is known to have its kind's text form when it is not NULL (an
    adapter checked it), so a date or time is converted without matching its pattern again."""
    typed, problem = _kind(kind, v, t, cut)
    if in_form and kind in ("date", "timestamp"):
        typed = f"TRY_CAST({v} AS {'DATE' if kind == 'date' else 'TIMESTAMP'})"
    limit = MAX_LENGTH[kind]
    too_long = (
        f"'for lang værdi (' || replace(format('{{:,}}', length({v})), ',', '.') "
        f"|| ' tegn; højst {limit})'"
    )
    # strlen (bytes, known without reading the text) first: only a value of more bytes than the
    # limit can have more characters, and length() counts them by reading the text
    long = f"strlen({v}) > {limit} AND length({v}) > {limit}"
    return typed, f"CASE WHEN {long} THEN {too_long} ELSE {problem} END"


def _in_range(v: str, t: str, cut: dt.date) -> str:
    """``WHEN`` clauses refusing a date or time ``t`` before 1900 or after the data cut."""
    return (
        f"WHEN {t} < DATE '{EARLIEST_DATE.isoformat()}' THEN 'dato ' || {q(v)} || "
        f"' er før {EARLIEST_DATE.isoformat()} (tidligste tilladte dato)' "
        f"WHEN CAST({t} AS DATE) > DATE '{cut.isoformat()}' THEN 'dato ' || {q(v)} || "
        f"' er efter dataafskæringen {cut.isoformat()}'"
    )


def _kind(kind: str, v: str, t: str, cut: dt.date) -> tuple[str, str]:
    """SQL for (typed value, problem) of one kind. Problems read the typed value, so that each
    conversion runs once per row; the slower checks run only on rows that already failed."""
    missing = f"WHEN {v} IS NULL THEN 'mangler værdi'"
    if kind in ("string", "opt_string"):
        return v, f"CASE {missing} END" if kind == "string" else "NULL"
    if kind in ("kommune", "kommune_or_0"):
        known = f"{t} IN (SELECT kode FROM {KOMMUNER})"
        if kind == "kommune_or_0":
            known = f"({known} OR {t} = {NATIONAL})"
        # digits only, leading zeros allowed ('0101'); '101.0' or '+101' are not codes
        typed = f"CASE WHEN regexp_full_match({v}, '[0-9]{{1,4}}') THEN CAST({v} AS BIGINT) END"
        return (
            typed,
            f"CASE {missing} WHEN NOT coalesce({known}, false) THEN 'ukendt kommunekode ' || {q(v)} END",
        )
    if kind in ("sex", "sex_t"):
        allowed, text = (
            ("('M', 'F')", "M eller F") if kind == "sex" else ("('M', 'F', 'T')", "M, F eller T")
        )
        return (
            f"upper({v})",
            f"CASE {missing} WHEN {t} NOT IN {allowed} THEN 'ukendt køn ' || {q(v)} || ' (forventet {text})' END",
        )
    if kind == "date":
        typed = f"CASE WHEN regexp_full_match({v}, '{DATE_RE}') THEN TRY_CAST({v} AS DATE) END"
        why = f"'ugyldig dato ' || {q(v)} || ' (forventet ÅÅÅÅ-MM-DD)'"
        return typed, f"CASE {missing} WHEN {t} IS NULL THEN {why} {_in_range(v, t, cut)} END"
    if kind == "timestamp":
        # the pattern keeps out what a cast would quietly accept: a time zone, a date alone, 24:00
        typed = f"CASE WHEN regexp_full_match({v}, '{TS_RE}') THEN TRY_CAST({v} AS TIMESTAMP) END"
        tz = f"'tidszone er ikke tilladt i ' || {q(v)} || ' (angiv dansk lokaltid uden tidszone)'"
        why = f"'ugyldigt tidspunkt ' || {q(v)} || ' (forventet fx 2014-03-01T08:30:00 eller 2014-03-01 08:30)'"
        return typed, (
            f"CASE {missing} {_in_range(v, t, cut)} WHEN {t} IS NOT NULL THEN NULL "
            f"WHEN regexp_full_match({v}, '{TZ_RE}') THEN {tz} ELSE {why} END"
        )
    if kind in ("bool", "opt_bool"):
        word = f"lower({v})"
        typed = f"CASE WHEN {word} IN {sql_tuple(TRUE_WORDS)} THEN true WHEN {word} IN {sql_tuple(FALSE_WORDS)} THEN false END"
        why = f"'ugyldig sandhedsværdi ' || {q(v)} || ' (forventet true/false, 1/0 eller ja/nej)'"
        if kind == "opt_bool":
            return (
                f"CASE WHEN {v} IS NULL THEN false ELSE {typed} END",
                f"CASE WHEN {t} IS NULL THEN {why} END",
            )
        return typed, f"CASE {missing} WHEN {t} IS NULL THEN {why} END"
    if kind == "diag":
        why = (
            f"'ugyldig diagnosekode ' || {q(v)} || ' (forventet SKS-kode med D-præfiks, fx DJ189)'"
        )
        return (
            f"upper({v})",
            f"CASE {missing} WHEN NOT regexp_full_match({t}, '{DIAG_RE}') THEN {why} END",
        )
    if kind == "year":
        typed = f"CASE WHEN regexp_full_match({v}, '[0-9]{{4}}') THEN CAST({v} AS BIGINT) END"
        return (
            typed,
            f"CASE {missing} WHEN {t} IS NULL THEN 'ugyldigt år ' || {q(v)} || ' (forventet fire cifre)' END",
        )
    if kind == "count":
        typed = f"CASE WHEN regexp_full_match({v}, '-?[0-9]{{1,18}}') THEN CAST({v} AS BIGINT) END"
        why = f"'ugyldigt antal ' || {q(v)} || ' (forventet et helt tal)'"
        return (
            typed,
            f"CASE {missing} WHEN {t} IS NULL THEN {why} WHEN {t} < 0 THEN 'negativt antal ' || {q(v)} END",
        )
    if kind == "age_group":
        allowed = sql_tuple([*AGE_GROUPS, *AGGREGATE_AGE_GROUPS])
        why = f"'ukendt aldersgruppe ' || {q(v)} || ' (forventet 0-4, 5-9, …, 80-84, 85+)'"
        return v, f"CASE {missing} WHEN {t} NOT IN {allowed} THEN {why} END"
    raise ValueError(kind)


@dataclass
class TablePlan:
    """How to read one table: ``raw`` (the source rows, for the rejects report) and ``rows``
    (``_fileno, _row`` and the canonical columns as text, optionally ``_pre_field`` and
    ``_pre_reason`` with a problem found before conversion, e.g. by the LPR2 adapter)."""

    table: str
    sources: list[Source]
    raw: str
    rows: str
    columns: list[str]
    pre_checked: bool = False
    field_labels: dict[str, str] = field(default_factory=dict)
    # other files ``rows`` reads (an adapter's joined tables), named in reader errors
    also_reads: list[Source] = field(default_factory=list)
    # Speed (issue 16): an adapter that already trimmed every value (NULL when empty) and
    # checked the text form of some dates and times says so, and they are not done again.
    trimmed: bool = False
    in_form: frozenset[str] = frozenset()
    # Speed (issue 16): the SQL of a fast pass typing every row once and marking the rows only
    # the exact checks can decide (``_suspect``), given the data cut; ``rows`` then reads only
    # those rows (:mod:`naersund.registry.lpr3_typed`).
    typed: Callable[[dt.date], str] | None = None
    person_keys: str = ""  # with ``typed``: SELECT of ``pnr, person_key`` for the other rows
    # with ``typed``: the SELECT of the diagnosis looked up for the rows the fast pass left
    # pending (``dw_ek_kontakt, a_diag, a_max``), and the notes on the rows it left out (given
    # their number per kind)
    pending_diag: str = ""
    fast_source: str = ""  # with ``typed``: SELECT ``_fileno, _row`` and the columns as read
    notes_of: Callable[[list[tuple[str, int]]], list[str]] | None = None

    @property
    def labels(self) -> list[str]:
        return [s.label for s in self.sources]

    def read_error(self, error: duckdb.Error) -> InputError:
        """A reader error as a message naming the file it came from."""
        text = str(error)
        hits = [s.label for s in [*self.sources, *self.also_reads] if f"file = {s.path}" in text]
        return csv_error(hits[0] if hits else self.table, error)


@dataclass(frozen=True)
class Checked:
    """A checked table: every row, typed, with ``_fileno, _row, _field, _reason`` (NULL reason
    = good) in a staging Parquet file, and the duplicate rows in a temp table. After a fast
    pass (``TablePlan.typed``) the staging holds the rows it found good (``_use``), ``pending``
    those it decided in a second step, and ``slow`` the temp table of the rows the exact checks
    decided; ``keyed``: the rows carry ``person_key``."""

    plan: TablePlan
    staging: Path
    dups: str
    slow: str | None = None
    keyed: bool = False
    any_dups: bool = True  # False: ``dups`` is empty (the good rows need no anti join)
    # after a fast pass: the staging rows it decided (``_use``), and the Parquet file of the
    # rows it left pending and decided in a second step (``_ok``); the notes for the user
    fast: bool = False
    pending: Path | None = None
    notes: tuple[str, ...] = ()
    # after a fast pass: the SQL of a row's number in its file from ``_fileno, _row`` as staged
    # (a file read as pieces is numbered as read in pieces: naersund.registry.pieces.row_sql)
    row_sql: str = "_row"

    @property
    def rows(self) -> str:
        staged = f"read_parquet({sql_lit(str(self.staging))})"
        if not self.fast:
            return staged
        head = ["_fileno", "_row", *(sql_ident(c) for c in self.plan.columns)]
        head += ["person_key"] * self.keyed
        cols = ", ".join([*head, "_field", "_reason", "_h"])
        # a fast pass's files hold only the rows it found good: no _field and _reason columns
        no_reason = "NULL::VARCHAR AS _field, NULL::VARCHAR AS _reason"
        good = ", ".join([head[0], f"{self.row_sql} AS _row", *head[2:], no_reason, "_h"])
        parts = [f"SELECT {good} FROM {staged} WHERE _use"]
        if self.pending is not None:
            parts.append(f"SELECT {good} FROM read_parquet({sql_lit(str(self.pending))}) WHERE _ok")
        if self.slow is not None:
            parts.append(f"SELECT {cols} FROM {self.slow}")
        return "(" + " UNION ALL ".join(parts) + ")"

    @property
    def failures(self) -> str:
        """SELECT ``_fileno, _row, _field, _reason`` of every failing row."""
        return (
            f"SELECT _fileno, _row, _field, _reason FROM {self.rows} WHERE _reason IS NOT NULL "
            f"UNION ALL SELECT _fileno, _row, NULL, _reason FROM {self.dups}"
        )

    def good_rows(self, extra: str = "") -> str:
        """SELECT of the typed columns (plus ``extra`` expressions) of the good rows."""
        cols = ", ".join(f"s.{sql_ident(c)}" for c in self.plan.columns) + extra
        if not self.any_dups:
            return f"SELECT {cols} FROM {self.rows} s WHERE s._reason IS NULL"
        return (
            f"SELECT {cols} FROM {self.rows} s ANTI JOIN {self.dups} d "
            "ON s._fileno = d._fileno AND s._row = d._row WHERE s._reason IS NULL"
        )


def trimmed(v: str) -> str:
    """``v`` without surrounding blanks, NULL when empty (trim only when needed: faster)."""
    return (
        f"CASE WHEN {v} = '' THEN NULL WHEN starts_with({v}, ' ') OR ends_with({v}, ' ') "
        f"THEN NULLIF(trim({v}), '') ELSE {v} END"
    )


def checked_sql(plan: TablePlan, cut: dt.date) -> str:
    """One pass over the rows: typed columns and the first failing field and reason; dates
    after ``cut`` (the data cut) are refused."""
    kinds = KINDS[plan.table]
    cols = plan.columns
    trim = (lambda v: v) if plan.trimmed else trimmed
    cleaned = ", ".join(f"{trim(sql_ident(c))} AS {sql_ident('_r_' + c)}" for c in cols)
    pre = (
        "_pre_field, _pre_reason"
        if plan.pre_checked
        else "NULL::VARCHAR AS _pre_field, NULL::VARCHAR AS _pre_reason"
    )
    typed, problems = [], []
    for i, c in enumerate(cols):
        t, p = _field(kinds[c], sql_ident("_r_" + c), sql_ident(c), cut, c in plan.in_form)
        typed.append(f"{t} AS {sql_ident(c)}")
        problems.append(f"{p} AS _p{i}")
    raws = ", ".join(sql_ident("_r_" + c) for c in cols)
    cross = [x for x in CROSS.get(plan.table, []) if x[1] in cols]
    fields = [f"WHEN _p{i} IS NOT NULL THEN {sql_lit(c)}" for i, c in enumerate(cols)]
    reasons = [f"WHEN _p{i} IS NOT NULL THEN _p{i}" for i in range(len(cols))]
    fields += [f"WHEN {cond} THEN {sql_lit(f)}" for cond, f, _ in cross]
    reasons += [f"WHEN {cond} THEN {why}" for cond, _, why in cross]
    out_cols = ", ".join(sql_ident(c) for c in cols)
    return f"""
        WITH v AS (SELECT _fileno, _row, {pre}, {cleaned} FROM ({plan.rows})),
        t AS (SELECT _fileno, _row, _pre_field, _pre_reason, {raws}, {", ".join(typed)} FROM v),
        p AS (SELECT *, {", ".join(problems)} FROM t)
        SELECT _fileno, _row, {out_cols},
            CASE WHEN _pre_reason IS NOT NULL THEN _pre_field {" ".join(fields)} END AS _field,
            CASE WHEN _pre_reason IS NOT NULL THEN _pre_reason {" ".join(reasons)} END AS _reason
        FROM p"""  # fmt: skip


def create_kommuner(con: duckdb.DuckDBPyConnection) -> None:
    """The temp table of the 98 valid municipality codes the checks look up."""
    con.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {KOMMUNER} AS "
        "SELECT CAST(unnest($codes) AS BIGINT) AS kode",
        {"codes": municipalities()["kommunekode"].astype(int).tolist()},
    )


# The staging Parquet is a work file, written once and read two or three times: uncompressed,
# it costs about an eighth less CPU in the LPR3 fast pass (76 -> 67 CPU-s at two national
# years), at about 1.4 x the disk space of the default (Snappy)
STAGING_FORMAT = "FORMAT parquet, COMPRESSION 'uncompressed'"


def check(
    con: duckdb.DuckDBPyConnection, plan: TablePlan, work: Path, cut: dt.date | None = None
) -> Checked:
    """Check every row of ``plan`` in one pass over the input, kept as staging Parquet.
    ``cut`` is the data cut (default today): a date after it is refused."""
    create_kommuner(con)
    staging = work / f"staging_{plan.table}.parquet"
    digest = f"hash({', '.join(sql_ident(c) for c in plan.columns)})"
    con.execute(f"""
        COPY (SELECT * REPLACE (CAST(_fileno AS INTEGER) AS _fileno),
                CASE WHEN _reason IS NULL THEN {digest} END AS _h
              FROM ({checked_sql(plan, cut or dt.date.today())}))

        TO {sql_lit(str(staging))} ({STAGING_FORMAT})""")  # fmt: skip
    checked = Checked(plan, staging, f"dups_{plan.table}")
    return replace(checked, any_dups=find_duplicates(con, checked) > 0)


# Rows per pass of the duplicate search: one pass's hashes as a NumPy array (8 bytes a row) stay
# well within the memory beside the ingest's DuckDB (at 25 M rows 200 MB)
DUPLICATE_PASS_ROWS = 25_000_000


def _repeated_hashes(con: duckdb.DuckDBPyConnection, rows: str, part: str) -> np.ndarray:
    """The hashes (``_h``) that occur more than once among ``rows`` (with the condition
    ``part``), each once: the pass's hashes sorted, and a hash equal to the one before it."""
    found = con.execute(f"SELECT _h FROM {rows} WHERE _h IS NOT NULL {part}").fetchnumpy()
    hashes = np.asarray(found["_h"], dtype=np.uint64)
    hashes.sort()
    return np.unique(hashes[1:][hashes[1:] == hashes[:-1]])


def find_duplicates(con: duckdb.DuckDBPyConnection, checked: Checked) -> int:
    """Second and later copies of an identical good row (after conversion) become failures;
    returns their number.

    Rows are grouped by a 64-bit hash first; only rows whose hash occurs more than once are
    compared in full, so a hash collision can never reject a row. The hashes that occur more
    than once are found by sorting them (NumPy) and comparing each with the one before it.
    Speed (issue 16): at ten national years (115 M rows) DuckDB's grouping of the hashes took
    10.8 s of the ingest's 163 s; reading and sorting them takes about 4 s (the ingest 156 s;
    NumPy's sort of 64-bit integers uses the processor's vector instructions where it has
    them: 0.7 s for 115 M on this machine's AVX-512). Memory: the hashes are taken in
    passes of about ``DUPLICATE_PASS_ROWS`` rows each, one class of hash values per pass (every
    copy of a row has the same hash, so it is in the same pass); DuckDB's own grouping of all
    of them at once ran out of the ingest's memory limit, and its sort with a window over one
    partition held its input in memory beyond the limit (10.1 GB at ten national years)."""
    keys = ", ".join(sql_ident(c) for c in checked.plan.columns)
    row = con.execute(f"SELECT count(_h) FROM {checked.rows}").fetchone()
    passes = max(1, -(-int(row[0] if row else 0) // DUPLICATE_PASS_ROWS))
    repeated = np.concatenate(
        [
            _repeated_hashes(con, checked.rows, f"AND _h % {passes} = {i}" if passes > 1 else "")
            for i in range(passes)
        ]
    )
    if not len(repeated):  # no candidates: no second look at every row
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE {checked.dups} AS
            SELECT _fileno, _row, _fileno AS f0, _row AS r0, NULL::VARCHAR AS _reason
            FROM {checked.rows} LIMIT 0""")  # fmt: skip
        return 0
    con.register("naersund_repeated_hashes", pa.table({"_h": repeated}))
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE dup_hashes AS "
            "SELECT CAST(_h AS UBIGINT) AS _h FROM naersund_repeated_hashes"
        )
    finally:
        con.unregister("naersund_repeated_hashes")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {checked.dups} AS
        WITH cand AS (SELECT * FROM {checked.rows} WHERE _h IN (SELECT _h FROM dup_hashes)),
        copies AS (
            SELECT _fileno, _row, first_value(_fileno) OVER w AS f0, first_value(_row) OVER w AS r0
            FROM cand WINDOW w AS (PARTITION BY {keys} ORDER BY _fileno, _row))
        SELECT _fileno, _row, f0, r0, NULL::VARCHAR AS _reason
        FROM copies WHERE NOT (_fileno = f0 AND _row = r0)""")  # fmt: skip
    row = con.execute(f"SELECT count(*) FROM {checked.dups}").fetchone()
    if not row or not row[0]:
        return 0
    con.execute("CREATE OR REPLACE TEMP TABLE dup_files (fileno INTEGER, label VARCHAR)")
    con.executemany("INSERT INTO dup_files VALUES (?, ?)", list(enumerate(checked.plan.labels)))
    con.execute(f"""
        UPDATE {checked.dups} SET _reason = 'dubletrække, identisk med '
            || CASE WHEN f0 = _fileno THEN '' ELSE dup_files.label || ', ' END || 'række ' || r0
        FROM dup_files WHERE dup_files.fileno = f0""")  # fmt: skip
    return int(row[0])


def failure_lines(
    con: duckdb.DuckDBPyConnection, checked: list[Checked], limit: int
) -> tuple[list[str], dict[str, int]]:
    """Up to ``limit`` messages about failing rows, and the number of failing rows per table."""
    lines: list[str] = []
    counts: dict[str, int] = {}
    for c in checked:
        row = con.execute(f"SELECT count(*) FROM ({c.failures})").fetchone()
        counts[c.plan.table] = int(row[0]) if row else 0
        if counts[c.plan.table] and len(lines) < limit:
            first = con.execute(
                f"SELECT * FROM ({c.failures}) ORDER BY _fileno, _row LIMIT $n",
                {"n": limit - len(lines)},
            ).fetchall()
            for fileno, rownum, fld, reason in first:
                where = f"{c.plan.labels[fileno]}, række {rownum}"
                if fld:
                    where += f", felt '{c.plan.field_labels.get(fld, fld)}'"
                lines.append(f"{where}: {reason}")
    total = sum(counts.values())
    if total > len(lines):
        more = total - len(lines)
        lines.append(
            f"… og {fmt.integer(more)} fejl mere (i alt {fmt.integer(total)} afviste rækker)"
        )
    return lines, counts
