"""Ingest a registry extract: validate every row and write canonical Parquet, all or nothing.

``ingest(src, dest)`` reads every table present in ``src`` (contacts required, population and
ready_for_discharge optional), checks every row (:mod:`naersund.registry.validate`) and writes
``dest`` in one swap: ``dest/contacts/year=YYYY/part-0.parquet`` (by year of ``start``),
``dest/ready_for_discharge/year=YYYY/part-0.parquet`` (by year of ``ready_date``) and
``dest/population/population.parquet``. On any error ``dest`` is left as it was.

``dest`` is a link to a version folder ``.dest.v-<id>`` beside it, switched in one rename
(:func:`naersund.atomic.switched_dir`), so that even a killed ingest leaves ``dest`` whole; the
next ingest removes what a killed one left behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import duckdb

from naersund.atomic import atomic_path, locked_dir, switched_dir
from naersund.engine.memory import INGEST_CAP, duckdb_setting, memory_limit
from naersund.errors import InputError
from naersund.registry import lpr3, lpr3_typed, quality, splice
from naersund.registry.lpr2 import Lpr2Options, contacts_plan
from naersund.registry.lpr3_layout import Lpr3Options
from naersund.registry.pieces import PieceFileSystem
from naersund.registry.schema import (
    PERSON_KEY,
    TABLES,
)
from naersund.registry.sources import (
    MAX_LINE_BYTES,
    checked_by_reader,
    csv_error,
    not_utf8,
    open_source,
    piece_error,
    raw_sql,
    rows_word,
    sql_lit,
)
from naersund.registry.validate import (
    EARLIEST_DATE,
    Checked,
    TablePlan,
    check,
    failure_lines,
    max_length,
    table_columns,
)
from naersund.registry.writing import write_table

Progress = Callable[[str, float], None]
OPTIONAL_TABLES = ("population", "ready_for_discharge")
MARKER_FILES = ("SYNTETISKE_DATA.txt", "manifest.json")  # carried over so synthetic stays marked
# What an ingest wrote and rejected, per table, written beside the tables (compute carries it
# into its metadata, so that a published release says how many input rows were left out).
INGEST_RECORD = splice.INGEST_RECORD


def find_table(data_dir: Path, table: str) -> list[Path]:
    """The files of ``table`` in ``data_dir``: ``table.csv``, ``table.parquet`` and every CSV or
    Parquet file below a folder ``table/`` (hidden files skipped), in a stable order."""
    files = [data_dir / f"{table}.{ext}" for ext in ("csv", "parquet")]
    found = [f for f in files if f.is_file()]
    folder = data_dir / table
    if folder.is_dir():
        below = [
            p
            for p in folder.rglob("*")
            if p.is_file()
            and p.suffix.lower() in (".csv", ".parquet")
            and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        ]
        found += sorted(below, key=lambda p: p.relative_to(folder).as_posix())
    return found


@dataclass
class IngestReport:
    tables: dict[str, int] = field(default_factory=dict)  # rows written per table
    rejected: dict[str, int] = field(default_factory=dict)  # rows rejected per table
    rejects_file: Path | None = None
    messages: list[str] = field(default_factory=list)


def label_of(src: Path, path: Path) -> str:
    """How a file is named in messages: its path relative to the input folder."""
    try:
        return path.relative_to(src).as_posix()
    except ValueError:
        return str(path)


def canonical_plan(src: Path, table: str, work: Path) -> tuple[TablePlan | None, list[str]]:
    """How to read ``table`` from canonical CSV/Parquet files in ``src`` (None if absent)."""
    files = find_table(src, table)
    if not files:
        return None, []
    known = [c.name for c in TABLES[table]] + (["estimated"] if table == "population" else [])
    # naersund's own person key (in Parquet it wrote) is renumbered, not reported as unknown
    known += [PERSON_KEY] if table == "contacts" else []
    sources = [open_source(f, label_of(src, f), known, work) for f in files]
    messages = []
    for s in sources:
        absent = [c.name for c in TABLES[table] if c.required and c.name not in s.names]
        if absent:
            what = "den påkrævede kolonne" if len(absent) == 1 else "de påkrævede kolonner"
            names = ", ".join(f"'{a}'" for a in absent)
            found = ", ".join(s.originals)
            raise InputError(f"{s.label}: mangler {what} {names} (filen har: {found})")
        unknown = [
            o for n, o in zip(s.names, s.originals, strict=True) if n not in known and o.strip()
        ]
        if unknown:
            messages.append(f"{s.label}: ukendte kolonner springes over: {', '.join(unknown)}")
    columns = table_columns(table, [n for s in sources for n in s.names])
    raw = " UNION ALL ".join(raw_sql(i, s, columns) for i, s in enumerate(sources))
    return TablePlan(table, sources, raw, raw, columns), messages


def _write_rejects(
    con: duckdb.DuckDBPyConnection, checked: list[Checked], path: Path, work: Path
) -> None:
    """The failing rows as CSV (UTF-8 with BOM, for Excel): fil, række, felt, årsag and the
    row's values as they stand in the source file."""
    parts = []
    for t, c in enumerate(checked):
        files, fields, bad = f"rej_files_{t}", f"rej_fields_{t}", f"rej_rows_{t}"
        con.execute(f"CREATE OR REPLACE TEMP TABLE {files} (fileno INTEGER, label VARCHAR)")
        con.executemany(f"INSERT INTO {files} VALUES (?, ?)", list(enumerate(c.plan.labels)))
        con.execute(f"CREATE OR REPLACE TEMP TABLE {fields} (field VARCHAR, label VARCHAR)")
        if c.plan.field_labels:
            con.executemany(
                f"INSERT INTO {fields} VALUES (?, ?)", list(c.plan.field_labels.items())
            )
        # the failing rows first (few, so the join below holds them, not the whole input)
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE {bad} AS
            SELECT s._fileno, s._row, f.label AS fil, coalesce(l.label, s._field) AS felt,
                s._reason AS "årsag"
            FROM ({c.failures}) s JOIN {files} f ON f.fileno = s._fileno
            LEFT JOIN {fields} l ON l.field = s._field""")  # fmt: skip
        row = con.execute(f"SELECT count(*) FROM {bad}").fetchone()
        if row and row[0]:
            parts.append(f"""
                SELECT {t} AS _t, s._fileno AS _f, s.fil, s._row AS "række", s.felt, s."årsag",
                    r.* EXCLUDE (_fileno, _row)
                FROM (SELECT * REPLACE ({c.row_sql} AS _row) FROM ({c.plan.raw})) r
                JOIN {bad} s ON r._fileno = s._fileno AND r._row = s._row""")  # fmt: skip
    tmp = work / "rejects.csv"
    if parts:
        union = " UNION ALL BY NAME ".join(parts)
        query = f'SELECT * EXCLUDE (_t, _f) FROM ({union}) ORDER BY _t, _f, "række"'
        con.execute(f"COPY ({query}) TO {sql_lit(str(tmp))} (FORMAT csv, HEADER true)")
    else:
        tmp.write_text("fil,række,felt,årsag\n", encoding="utf-8")
    with atomic_path(path) as target, target.open("wb") as out, tmp.open("rb") as body:
        out.write("\ufeff".encode())
        shutil.copyfileobj(body, out)


@contextlib.contextmanager
def _workspace(dest: Path) -> Iterator[Path]:
    """Hold the lock on ``dest``, clean up after a killed ingest, and give a work folder for
    the staging copies beside ``dest`` (same disk, not a small /tmp)."""
    with (
        locked_dir(dest),
        tempfile.TemporaryDirectory(prefix=f".{dest.name}.ingest-", dir=dest.parent) as tmp,
    ):
        yield Path(tmp)


@contextlib.contextmanager
def _reader_errors(src: Path, plans: list[TablePlan]) -> Iterator[None]:
    """DuckDB errors met while reading the input become messages naming the file; DuckDB's
    own text (meant for developers, and quoting whole rows) is not shown."""
    try:
        yield
    except duckdb.Error as error:
        text = str(error)
        if in_piece := piece_error(error):
            raise in_piece from None
        if other_encoding := not_utf8(error):
            raise other_encoding from None
        if isinstance(error, duckdb.OutOfMemoryException):
            raise InputError(
                f"{src}: der er ikke hukommelse nok til at indlæse udtrækket"
            ) from None
        if "No space left on device" in text:
            raise InputError(f"{src}: der er ikke plads nok på disken til indlæsningen") from None
        for plan in plans:
            if any(f"file = {s.path}" in text for s in [*plan.sources, *plan.also_reads]):
                raise plan.read_error(error) from None
        named = re.search(r"^\s*file = (.+)$", text, re.MULTILINE)
        if named:  # a file read before its table's plan was made (e.g. by the LPR2 adapter)
            raise csv_error(label_of(src, Path(named.group(1).strip())), error) from None
        raise InputError(
            f"{src}: udtrækket kan ikke læses (tjek filernes skilletegn, anførselstegn og "
            "linjeskift)"
        ) from None


@contextlib.contextmanager
def _connection(work: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(
        ":memory:",
        config={
            "temp_directory": str(work / "duckdb"),
            # NAERSUND_MEMORY_LIMIT, by default at most 3 GB: beyond it the staging spills
            "memory_limit": duckdb_setting(memory_limit(cap=INGEST_CAP)),
            "preserve_insertion_order": True,  # row numbers are taken in file order
        },
    )
    con.execute("SET enable_progress_bar = false")
    con.register_filesystem(PieceFileSystem())  # a big CSV file read as pieces
    try:
        yield con
    finally:
        con.close()


def _plans(
    src: Path,
    fmt: str,
    work: Path,
    con: duckdb.DuckDBPyConnection,
    options: Lpr2Options | None,
    lpr3_options: Lpr3Options | None = None,
) -> tuple[list[TablePlan], list[str]]:
    contacts: TablePlan | None
    if fmt == "lpr2":
        contacts, messages = contacts_plan(src, work, con, options)
    elif fmt == "lpr3":
        contacts, messages = lpr3.contacts_plan(src, work, con, lpr3_options)
    elif fmt == "canonical":
        contacts, messages = canonical_plan(src, "contacts", work)
    else:
        raise InputError(f"ukendt format '{fmt}' (vælg canonical, lpr2 eller lpr3)")
    if contacts is None:
        raise InputError(
            f"{src}: ingen kontakter fundet (forventede contacts.csv, contacts.parquet eller en "
            "mappe contacts/ med CSV- eller Parquet-filer)"
        )
    plans = [contacts]
    for table in OPTIONAL_TABLES:
        plan, notes = canonical_plan(src, table, work)
        messages += notes
        if plan is not None:
            plans.append(plan)
    return plans, messages


@checked_by_reader
def ingest(
    src: Path,
    dest: Path,
    fmt: Literal["canonical", "lpr2", "lpr3"] = "canonical",
    rejects: Path | None = None,
    max_errors: int = 20,
    progress: Progress | None = None,
    *,
    lpr2_options: Lpr2Options | None = None,
    lpr3_options: Lpr3Options | None = None,
    data_cut: dt.date | None = None,
    append: bool = False,
) -> IngestReport:
    """Validate every row of the extract in ``src`` and write it as canonical Parquet to ``dest``.

    Without ``rejects`` any bad row stops the ingest with an :class:`InputError` listing at most
    ``max_errors`` messages, and nothing is written. With ``rejects`` the bad rows are written
    to that CSV report and the good rows are ingested. ``lpr2_options`` tunes the LPR2 mapping,
    ``lpr3_options`` names the columns of an LPR3 extract named otherwise.
    ``data_cut`` is the last day the extract can hold (its extract date; default today): a
    date after it, or before 1900, is refused. With ``append`` the extract is added to what an
    earlier ingest wrote to ``dest`` (another format, another period: :mod:`.splice`), and
    ``dest`` then holds both.
    """
    say: Progress = progress or (lambda _msg, _frac: None)
    src, dest = Path(src), Path(dest)
    if not src.is_dir():
        raise InputError(f"{src}: mappen findes ikke")
    if dest.resolve() == src.resolve() or src.resolve().is_relative_to(dest.resolve()):
        raise InputError(f"{dest}: målmappen må ikke være eller indeholde inputmappen {src}")
    report = IngestReport()
    plans: list[TablePlan] = []  # filled below, to name the file in a reader error
    cut = data_cut or dt.date.today()
    with _workspace(dest) as work, _connection(work) as con, _reader_errors(src, plans):
        prev = splice.previous(dest, fmt) if append else None
        say("Læser filer", 0.0)
        found, report.messages = _plans(src, fmt, work, con, lpr2_options, lpr3_options)
        plans += found
        checked: list[Checked] = []
        for i, plan in enumerate(plans):
            say(f"Kontrollerer {plan.table}", 0.05 + 0.5 * i / len(plans))
            run = lpr3_typed.check if plan.typed else check
            try:
                checked.append(run(con, plan, work, cut))
            except (duckdb.InvalidInputException, duckdb.IOException) as e:
                raise piece_error(e) or not_utf8(e) or plan.read_error(e) from None
        # the notes of a fast pass (rows left out) come first, as an adapter's notes do
        report.messages = [n for c in checked for n in c.notes] + report.messages
        lines, report.rejected = failure_lines(con, checked, max_errors)
        total = sum(report.rejected.values())
        if total and rejects is None:
            head = f"Indlæsning afvist: {rows_word(total)} med fejl; intet er skrevet."
            raise InputError("\n".join([head, *lines]))
        if rejects is not None:
            say("Skriver afviste rækker", 0.57)
            _write_rejects(con, checked, rejects, work)
            report.rejects_file = rejects
            report.messages += lines
        new = {c.plan.table: c.good_rows() for c in checked}
        # the fast LPR3 pass numbered the persons already (lpr3_typed); a splice renumbers
        keyed = checked[0].keyed and prev is None
        keyed_rows = checked[0].good_rows(f", s.{PERSON_KEY}") if keyed else None
        first_last = splice.period(con, new["contacts"])
        if first_last is None:
            raise InputError(f"{src}: ingen gyldige kontakter at indlæse")
        own = {t: _count(con, rows) for t, rows in new.items()}
        old = {t: prev.table_sql(t) if prev else None for t in TABLES}
        if prev is not None:
            splice.check_period(con, prev, first_last, src)
            shared = splice.check_persons(con, prev, new["contacts"], src)
            splice.check_population(con, new.get("population"), old["population"], src)
            persons = _count(con, f"SELECT DISTINCT person_id FROM ({new['contacts']})")
            report.messages += splice.notes(prev, shared, persons)
        say("Opgør datakvalitet pr. måned", 0.58)
        contacts = checked[0]
        dups = contacts.dups if contacts.any_dups else None
        counts = quality.monthly_counts(con, contacts.rows, dups)
        old_quality = dest / quality.QUALITY_FILE if prev else None
        months = quality.combined(
            quality.by_region(counts, fmt),
            old_quality.read_text(encoding="utf-8")
            if old_quality and old_quality.is_file()
            else None,
        )
        with switched_dir(dest) as out:
            quality.write(months, out / quality.QUALITY_FILE)
            tables = [t for t in TABLES if new.get(t) is not None or old[t] is not None]
            for i, table in enumerate(tables):
                say(f"Skriver {table}", 0.6 + 0.35 * i / len(tables))
                rows = splice.combined(con, table, new.get(table), old[table]) if prev else None
                own_keys = table == "contacts" and keyed_rows is not None
                report.tables[table] = write_table(
                    con,
                    table,
                    (keyed_rows if own_keys else rows) or new[table],
                    out,
                    own_keys,
                    own_keys and lpr3_typed.in_time_order(con, checked[0].staging),
                )
            for marker in MARKER_FILES:
                for folder in (src, dest) if prev else (src,):
                    if (folder / marker).is_file():
                        shutil.copyfile(folder / marker, out / marker)
                        break
            entry = splice.source_entry(
                fmt, first_last, cut, own, {t: report.rejected.get(t, 0) for t in own}
            )
            sources = [*prev.sources, entry] if prev else [entry]
            record = {
                "format": "+".join(str(s["format"]) for s in sources),
                "ingested_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "data_cut": cut.isoformat(),
                "written": report.tables,
                "rejected": {
                    t: sum(int(s["rejected"].get(t, 0)) for s in sources) for t in report.tables
                },
                "sources": sources,
            }
            (out / INGEST_RECORD).write_text(json.dumps(record, indent=2), encoding="utf-8")
    say("Færdig", 1.0)
    return report


def _count(con: duckdb.DuckDBPyConnection, rows: str) -> int:
    row = con.execute(f"SELECT count(*) FROM ({rows})").fetchone()
    return int(row[0]) if row else 0


_TYPES = {
    "string": "text",
    "int": "integer",
    "date": "date",
    "timestamp": "time",
    "bool": "boolean",
}


def _columns_md(table: str) -> str:
    rows = [
        f"| `{c.name}` | {_TYPES[c.dtype]} | {'yes' if c.required else 'no'} | "
        f"{max_length(table, c.name)} | {c.description} |"
        for c in TABLES[table]
    ]
    head = "| column | type | required | longest | meaning |"
    return "\n".join([head, "|---|---|---|---|---|", *rows])


def format_doc() -> str:
    """The input formats as a Markdown section for the README (generated from the schema)."""
    return f"""\
### Canonical format

A data directory holds one entry per table, as CSV or Parquet, in any of these shapes:
`DIR/contacts.csv`, `DIR/contacts.parquet`, or a folder `DIR/contacts/` with any number of CSV
and Parquet files (hive folders such as `year=2014/` are allowed and ignored). All files found
are read. `contacts` is required; `population` and `ready_for_discharge` are optional.

**contacts** (one row per physical attendance)

{_columns_md("contacts")}

**population** (1 January; the shipped `population.csv` has this format)

{_columns_md("population")}

A population file may also have a boolean column `estimated` (kept as it is).

**ready_for_discharge** (one row per period of færdigbehandling)

{_columns_md("ready_for_discharge")}

Files and values:

- CSV: UTF-8 (with or without BOM) or Windows-1252 (detected: a file that is not valid UTF-8
  is read as Windows-1252); comma or semicolon between fields (sniffed from the header line);
  `"` quotes. The first line names the columns (any case, any order); other columns are
  ignored with a note. A row with the wrong number of fields, an unclosed quote, a file in
  another encoding (e.g. UTF-16) or a missing required column stops the whole ingest.
- A file that mixes UTF-8 and Windows-1252 (e.g. two exports pasted together) stops the
  ingest, naming the first row where the encoding changes: read as either, the other part
  would come out garbled (`Ã˜` for `Ø`). Save the whole file as UTF-8.
- A CSV line may be at most {MAX_LINE_BYTES} bytes (1 MiB, `MAX_LINE_BYTES`); a longer line
  stops the ingest with its row and its longest field, e.g.
  `contacts.csv, række 4, felt 'hospital': for lang værdi (2.597.152 tegn); en linje må højst
  fylde 1.048.576 byte, denne fylder 2.597.234`. A row of several lines (a quoted value with
  line breaks) may not be longer either: `contacts.csv, række 4: for lang række (højst
  1.048.576 byte)`.
- Each value may be at most as long as the column's *longest* above (characters, after
  trimming); a longer one is refused in its row: `for lang værdi (250 tegn; højst 200)`.
  Messages show at most the first 40 characters of a value, then `…`.
- Spaces around a value are ignored; an empty value is missing.
- `kommunekode`: one of the 98 municipality codes (`101` or `0101`); in `population` also
  `0` for Denmark as a whole.
- Dates: `2014-03-01`. Times: `2014-03-01T08:30:00`, `2014-03-01 08:30:00` or
  `2014-03-01 08:30`, optionally with a fraction of a second (`08:30:00.250`), in Danish
  local time. A time zone (`Z`, `+01:00`) is refused rather than converted, since converting
  would move contacts across midnight and years; a date without a time is refused too.
- Every date and time (`birth_date`, `start`, `end`, `ready_date`, `discharge_date`; in LPR2
  `D_FODDATO`, `D_INDDTO`, `D_UDDTO`) must lie from {EARLIEST_DATE.isoformat()} up to the
  *data cut*: the last day the extract can hold, `naersund ingest --data-cut ÅÅÅÅ-MM-DD` (the
  extract date, when you know it), by default the day of the ingest (nothing can have happened
  later). Neither LPR2 nor the canonical files carry an extract date, so it is not read from
  them. The data cut is recorded in `ingest.json`. E.g. `contacts.csv, række 7, felt
  'birth_date': dato '1899-12-31' er før 1900-01-01 (tidligste tilladte dato)`.
- Booleans: `true`/`false`, `1`/`0` or `ja`/`nej`, any case. An empty or absent `died` is
  false; an absent `specialty` or `hospital` is empty.
- `sex`: `M` or `F` (any case); in `population` also `T` (both sexes).
- `primary_diagnosis`: an SKS code with the `D` prefix, `D`, a letter and 1–6 letters or
  digits (e.g. `DJ189`); stored in upper case.
- Per row: `end` not before `start`; `birth_date` not after the day of `start`;
  `discharge_date` not before `ready_date`; `count` a whole number ≥ 0; `year` four digits;
  `age_group` one of `0-4`, `5-9`, …, `80-84`, `85+`, or the aggregate `65+` and `total`.
  Aggregate rows (sex `T`, `65+`, `total`) are kept as they are; the indicators use only
  the 5-year bands by `M`/`F` and the totals to estimate years in between.
- A row identical to an earlier row of the same table (after conversion, in any of its
  files) is a duplicate: the first is kept, the later ones are rejected.

Output (`naersund ingest SRC DEST`): `DEST/contacts/year=YYYY/part-0.parquet` (by year of
`start`), `DEST/ready_for_discharge/year=YYYY/part-0.parquet` (by year of `ready_date`),
`DEST/population/population.parquet`; types: text, 64-bit integers, `date32`, timestamps
without time zone, booleans. The contacts get one more column, `person_key`: an integer per
person (the rank of `person_id`; from an LPR3 extract, the rank of the `PNR` among the persons
of `CPR_PERSON`, which orders the persons alike), numbered once for the whole ingest and named
in each file's metadata, so that `compute` sorts on a number instead of text (much faster). `compute` uses it
only when every contacts file comes from the same ingest (or synth) run, and otherwise sorts on
`person_id`: combining the output of two ingests is safe, just slower; a `person_key` column in
the input is ignored and renumbered. Each contacts file also says in its metadata
(`naersund.whole_seconds`: `true` or `false`) whether every `start` and `end` of the ingest is
a whole second, so that `compute` can take its faster whole-second layout without scanning the
times; on files without it (made by hand) `compute` scans them. `DEST` is built beside itself and swapped in only when complete:
after an error it is exactly as before. A `SYNTETISKE_DATA.txt` and `manifest.json` in `SRC`
are copied along, so synthetic data stays marked.

`DEST` is a symbolic link to a hidden version folder beside it, `.DEST.v-<id>`; a new ingest
builds a new version and switches the link in one rename, so that `DEST` holds either the
previous data or the new, even if the ingest is killed (read `DEST`, not the version folder;
copy it with `cp -rL`). Ingest holds a lock (`.DEST.lock`) while it runs: a second ingest to the
same `DEST` is refused until the first is done. It starts by removing what a killed ingest left
beside `DEST` (work folders `.DEST.ingest-*`, versions not linked, `.DEST.old`) and, when `DEST`
itself is missing but `.DEST.old` holds the previous data (an ingest of an earlier version
killed between its two renames), moves that back first. A `DEST` that is a plain folder (from
an earlier version, or from `synth`) is read as before, and replaced by a link at the next
ingest.

Errors name file, row and field. Rows are counted as in a spreadsheet: the header is row 1,
the first data row is row 2 (a quoted value spanning several lines counts as one row);
Parquet files are counted the same way. By default any bad row rejects the whole ingest and
nothing is written; the error lists the first 20 (`--max-errors`) problems, e.g.

```
Indlæsning afvist: 1.254 rækker med fejl; intet er skrevet.
contacts.csv, række 17, felt 'kommunekode': ukendt kommunekode '999'
contacts.csv, række 18, felt 'end': slut '2014-03-01 07:00' er før start '2014-03-01T08:30'
contacts.csv, række 40: dubletrække, identisk med række 12
…
… og 1.234 fejl mere (i alt 1.254 afviste rækker)
```

With `--rejects FILE` the bad rows are written to `FILE` (CSV, UTF-8 with BOM for Excel) with
the columns `fil, række, felt, årsag` and the row's values as they stand in the input, and the
good rows are ingested. Each row is reported once, with its first problem.

Beside the tables, ingest writes `ingest.json`: the input format, when it ran, and per table
the rows written and rejected (and, under `sources`, the same per source with the period its
contacts start in). `naersund compute` carries it into the results' metadata (`ingest`,
`rejected_rows`), so a published release says how many input rows were left out.

{splice.format_doc()}
{quality.format_doc()}
### LPR2 research extracts (`--format lpr2`)

`SRC` holds CSV files (any number of each, matched by name prefix, any case):

- `LPR_ADM*.csv`: `PNR, RECNUM, C_KOM, D_INDDTO, V_INDTIME, V_INDMINUT, D_UDDTO, V_UDTIME,
  C_PATTYPE, C_INDM` (required) and `C_ADIAG, C_SGH, C_AFD, C_SPEC, V_ALDER, C_UDM`;
- `LPR_DIAG*.csv`: `RECNUM, C_DIAG, C_DIAGTYPE`;
- `CPR_PERSON*.csv`: `PNR, C_KON, D_FODDATO`;
- optionally `population` and `ready_for_discharge` in the canonical format (above).

Mapping to contacts: `person_id` = `PNR`; `kommunekode` = `C_KOM` (`0101` or `101`);
`start` = `D_INDDTO` at `V_INDTIME`:`V_INDMINUT`; `end` = `D_UDDTO` at `V_UDTIME`:00 (LPR2
has no discharge minute; a discharge in the same hour as the admission gives `end` = `start`);
dates as `ÅÅÅÅ-MM-DD`, `DD-MM-ÅÅÅÅ` or `DD.MM.ÅÅÅÅ`, hours 0–23, minutes 0–59; `acute` =
`C_INDM` 1 (2 = planned); `primary_diagnosis` = `C_DIAG` of the `LPR_DIAG` row with
`C_DIAGTYPE` `A` for the contact's `RECNUM`, else `C_ADIAG`; `specialty` = the LPR3
specialty text of the code `C_SPEC` in the shipped mapping `lpr2_specialties.csv` (`08` or `8`
→ `intern medicin`, `04` → `dermato-venerologi`, …; every row *unverified*: the codes are
Danmarks Statistik's two-digit specialty codes, the sources are in
`src/naersund/refdata/data/SOURCES.md`), so that the medical specialties of
`akutte_korttidsindlaeggelser` match LPR2 contacts too; a code not in the mapping is kept as it
is and named in a note (`LPR2: C_SPEC-koder uden tekst i naersunds specialeliste
(lpr2_specialties.csv) beholdes som koder og tæller ikke som medicinske specialer: 99 (1
række)`); `hospital` = `C_SGH`; `died` = `C_UDM` is `8` (*unverified*: the code is a setting,
`Lpr2Options.died_codes`); `sex` from `C_KON` (`M`, `K` → `F`) and `birth_date` from
`D_FODDATO` of the person's `CPR_PERSON` row. `C_AFD` and `V_ALDER` are not used.
`C_PATTYPE` must be 0 (inpatient), 2 (outpatient) or 3 (emergency room); outpatient rows are
left out (an LPR2 outpatient row spans a whole course, not one attendance) and the ingest
says how many (`Lpr2Options.include_outpatient` keeps them).

Every converted row then passes the canonical checks. Messages name the `LPR_ADM` file, its
row and the LPR2 field (`CPR_PERSON.C_KON`, `LPR_DIAG.C_DIAG` for values from the other
files), e.g. `LPR_ADM.csv, række 5, felt 'V_INDTIME': ugyldig time '24' (forventet 0-23)`
or `LPR_ADM.csv, række 2, felt 'PNR': PNR 'P9' findes ikke i CPR_PERSON`; the rejects report
holds the `LPR_ADM` values.
"""
