"""LPR3 research extracts (2019 on) to canonical contacts.

Reads, from the input folder, the tables ``kontakter`` (one row per contact), ``diagnoser``
(diagnoses per ``DW_EK_KONTAKT``) and ``CPR_PERSON`` (sex, birth and death date per ``PNR``).
Each table is one file or a folder of files, found by name in any case (``kontakter.csv``,
``KONTAKTER_2019.sas7bdat`` or a folder ``kontakter/``), each file CSV (comma or semicolon,
UTF-8 or Windows-1252), Parquet, SAS transport (``.xpt``) or SAS dataset (``.sas7bdat``); SAS
files are streamed in chunks (:mod:`naersund.registry.sas`). Column names are matched in any
case; an extract with other names is read through a mapping (:class:`Lpr3Options`,
``--columns map.yaml``). A fast pass (:mod:`naersund.registry.lpr3_typed`) types every value
once and finds most rows good; the others go through the exact conversion here, one DuckDB
query building the canonical contacts as text, which then pass the same row checks as
canonical input (:mod:`naersund.registry.validate`). Problems only LPR3 can have (a bad date or time of day, a
``PNR`` missing from ``CPR_PERSON``, an ambiguous aktionsdiagnose) are found here; messages name
the ``kontakter`` file and row and the LPR3 field.

Mapping: ``person_id = PNR``; ``kommunekode = KOMMUNEKODE``; ``start = DATO_START +
TIDSPUNKT_START`` and ``end = DATO_SLUT + TIDSPUNKT_SLUT`` exactly (seconds and fractions
kept); ``acute = PRIORITET == ATA1``; ``primary_diagnosis = AKTIONSDIAGNOSE``, else the
``diagnoser`` row of ``DIAGNOSETYPE`` ``A`` not ``SENERE_AFKRAEFTET`` ``Ja``; ``specialty =
HOVEDSPECIALE_ANS``; ``hospital = SORENHED_ANS``; ``died`` when the contact ends on the
person's ``D_DODDATO`` (LPR3 has no discharge mode for death); sex ``M``/``K`` -> ``M``/``F``.
Only ``KONTAKTTYPE`` ``ALCA00`` (physical attendance) becomes a contact; the others are left
out and counted in the notes. B-diagnoses are read but not carried: the canonical contacts hold
one diagnosis per contact today.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import yaml

from naersund.errors import InputError
from naersund.registry.lpr2 import DATE_FORMS, iso_date
from naersund.registry.lpr3_typed import (
    NEED,
    SUSPECT_ROWS,
    diag_sql,
    person_keys_sql,
    typed_sql,
)
from naersund.registry.sas import SAS_SUFFIXES, open_sas, open_sas_files
from naersund.registry.sources import (
    Source,
    open_source,
    q,
    raw_sql,
    rows_word,
    sql_ident,
    sql_lit,
)
from naersund.registry.validate import DIAG_RE, TablePlan, table_columns, trimmed

SUFFIXES = (".csv", ".parquet", *SAS_SUFFIXES)


@dataclass(frozen=True)
class Lpr3Table:
    """One LPR3 table: its name, its columns (lower case) and which of them are required."""

    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]


KONTAKTER = Lpr3Table(
    "kontakter",
    (
        "pnr", "dw_ek_kontakt", "kommunekode", "dato_start", "tidspunkt_start", "dato_slut",
        "tidspunkt_slut", "prioritet", "kontakttype", "aktionsdiagnose", "hovedspeciale_ans",
        "sorenhed_ans",
    ),
    (
        "pnr", "dw_ek_kontakt", "kommunekode", "dato_start", "tidspunkt_start", "dato_slut",
        "tidspunkt_slut", "prioritet", "kontakttype",
    ),
)  # fmt: skip
DIAGNOSER = Lpr3Table(
    "diagnoser",
    ("dw_ek_kontakt", "diagnosekode", "diagnosetype", "senere_afkraeftet"),
    ("dw_ek_kontakt", "diagnosekode", "diagnosetype"),
)
CPR_PERSON = Lpr3Table(
    "CPR_PERSON", ("pnr", "c_kon", "d_foddato", "d_doddato"), ("pnr", "c_kon", "d_foddato")
)
LPR3_TABLES = (KONTAKTER, DIAGNOSER, CPR_PERSON)
PHYSICAL = "ALCA00"  # KONTAKTTYPE of a physical attendance, the only type that is a contact
ACUTE = "ATA1"  # PRIORITET of an acute contact
TIME_FORMS = "TT:MM, TT:MM:SS eller TT:MM:SS.ffffff, fx 08:30"
TIME_RE = r"([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
# canonical field -> (LPR3 table, column) named in messages
FIELDS = {
    "person_id": (KONTAKTER, "pnr"), "kommunekode": (KONTAKTER, "kommunekode"),
    "sex": (CPR_PERSON, "c_kon"), "birth_date": (CPR_PERSON, "d_foddato"),
    "start": (KONTAKTER, "dato_start"), "end": (KONTAKTER, "dato_slut"),
    "acute": (KONTAKTER, "prioritet"), "primary_diagnosis": (KONTAKTER, "aktionsdiagnose"),
    "specialty": (KONTAKTER, "hovedspeciale_ans"), "hospital": (KONTAKTER, "sorenhed_ans"),
    "died": (CPR_PERSON, "d_doddato"),
}  # fmt: skip


@dataclass(frozen=True)
class Lpr3Options:
    """Choices in the LPR3 mapping.

    ``columns``: per table (``kontakter``, ``diagnoser``, ``CPR_PERSON``) the LPR3 column
    name (any case) -> the name the column has in the extract, for extracts named otherwise.
    ``source``: where the mapping came from (named in messages about a mapped column).
    """

    columns: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    source: str = ""

    @classmethod
    def from_file(cls, path: Path) -> Lpr3Options:
        """Read a column mapping (``--columns map.yaml``); a bad file gets a Danish message."""
        return cls(read_column_map(path), str(path))

    def name(self, table: Lpr3Table, column: str) -> str:
        """The name of ``column`` of ``table`` in the extract, as the user wrote it."""
        mapped = self.columns.get(table.name.lower(), {}).get(column)
        return mapped if mapped is not None else column.upper()

    def described(self, table: Lpr3Table, column: str) -> str:
        """``'DATO_START'``, or for a mapped column ``'dstart' (DATO_START ifølge map.yaml)``."""
        name = self.name(table, column)
        if name == column.upper():
            return f"'{name}'"
        return f"'{name}' ({column.upper()} ifølge {self.source or 'kolonnefilen'})"

    def label(self, table: Lpr3Table, column: str) -> str:
        """The field as messages name it: ``DATO_START``, ``CPR_PERSON.C_KON``."""
        name = self.name(table, column)
        return name if table is KONTAKTER else f"{table.name}.{name}"


def read_column_map(path: Path) -> dict[str, dict[str, str]]:
    """The mapping file: ``{table: {LPR3 column: column in the extract}}``, keys in lower case.

    ``kontakter:`` / ``diagnoser:`` / ``CPR_PERSON:`` (any case), each with ``LPR3-navn:
    navn-i-udtrækket`` lines; tables and columns left out keep their LPR3 names."""
    where = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise InputError(f"{where}: kolonnefilen kan ikke læses ({e.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(f"{where}: kolonnefilen er ikke gemt som UTF-8") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f", linje {mark.line + 1}" if mark is not None else ""
        raise InputError(f"{where}{line}: kolonnefilen er ikke gyldig YAML") from None
    if data is None:
        return {}
    tables = {t.name.lower(): t for t in LPR3_TABLES}
    names = ", ".join(t.name for t in LPR3_TABLES)
    if not isinstance(data, dict):
        raise InputError(f"{where}: forventede tabelnavne ({names}) med kolonner under hver")
    out: dict[str, dict[str, str]] = {}
    for key, columns in data.items():
        table = tables.get(str(key).lower())
        if table is None:
            raise InputError(f"{where}: ukendt tabel '{key}' (forventet {names})")
        if not isinstance(columns, dict):
            raise InputError(
                f"{where}, tabel '{key}': forventede linjer 'LPR3-navn: navn i udtrækket'"
            )
        mapped: dict[str, str] = {}
        for lpr3, name in columns.items():
            col = str(lpr3).strip().lower()
            if col not in table.columns:
                known = ", ".join(c.upper() for c in table.columns)
                raise InputError(
                    f"{where}, tabel '{key}': ukendt LPR3-kolonne '{lpr3}' (forventet en af {known})"
                )
            if not isinstance(name, str | int) or isinstance(name, bool) or not str(name).strip():
                raise InputError(
                    f"{where}, tabel '{key}', kolonne '{lpr3}': mangler navnet i udtrækket"
                )
            mapped[col] = str(name).strip()
        out[table.name.lower()] = mapped
    return out


def table_files(src: Path, name: str) -> list[Path]:
    """The files of one LPR3 table in ``src``: files whose name starts with ``name`` and every
    file below a folder named ``name`` (any case; hidden files skipped), in a stable order."""
    low = name.lower()
    found: list[Path] = []
    for p in sorted(src.iterdir(), key=lambda p: p.name):
        if p.is_file() and p.name.lower().startswith(low) and p.suffix.lower() in SUFFIXES:
            found.append(p)
        elif p.is_dir() and p.name.lower() == low:
            below = [
                f
                for f in p.rglob("*")
                if f.is_file()
                and f.suffix.lower() in SUFFIXES
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            ]
            found += sorted(below, key=lambda f: f.relative_to(p).as_posix())
    return found


def _open(path: Path, label: str, expected: Sequence[str], work: Path, table: str) -> Source:
    if path.suffix.lower() in SAS_SUFFIXES:
        return open_sas(path, label, work, keep=expected)
    # kontakter is read as pieces (the fast pass counts each piece's rows: a row's number in the file)
    return open_source(path, label, expected, work, as_pieces=table == KONTAKTER.name)


def _read(
    src: Path, table: Lpr3Table, options: Lpr3Options, work: Path
) -> tuple[list[Source], str] | None:
    """The files of one LPR3 table and the SQL reading them all, columns as text under their
    LPR3 names (lower case); None when the table has no files."""
    files = table_files(src, table.name)
    if not files:
        return None
    names = {c: options.name(table, c) for c in table.columns}
    in_file = {c: n.strip().lower() for c, n in names.items()}
    expected = list(in_file.values())
    labels = [f.relative_to(src).as_posix() for f in files]
    if len(files) > 1 and all(f.suffix.lower() in SAS_SUFFIXES for f in files):
        sources = open_sas_files(list(zip(files, labels, strict=True)), work, keep=expected)
    else:
        sources = [
            _open(f, lb, expected, work, table.name) for f, lb in zip(files, labels, strict=True)
        ]
    for s in sources:
        absent = [c for c in table.required if in_file[c] not in s.names]
        if absent:
            what = "den påkrævede kolonne" if len(absent) == 1 else "de påkrævede kolonner"
            listed = ", ".join(options.described(table, c) for c in absent)
            raise InputError(
                f"{s.label}: mangler {what} {listed} (filen har: {', '.join(s.originals)})"
            )
    file_cols = list(dict.fromkeys(in_file.values()))
    union = " UNION ALL ".join(raw_sql(i, s, file_cols) for i, s in enumerate(sources))
    renamed = ", ".join(f"{sql_ident(in_file[c])} AS {sql_ident(c)}" for c in table.columns)
    return sources, f"SELECT _fileno, _row, {renamed} FROM ({union})"


def _clock(v: str) -> str:
    """A time of day (``8:30``, ``08:30:00``, ``08:30:00.25``) with a two-digit hour, else NULL."""
    return (
        f"CASE WHEN regexp_full_match({v}, '{TIME_RE}') THEN "
        f"CASE WHEN substr({v}, 2, 1) = ':' THEN '0' || {v} ELSE {v} END END"
    )


# The longest value each LPR3 field may hold (as the canonical columns' limits in validate.py:
# ids 64, codes, dates and flags 10, times of day 20, free text 200), checked before anything else so
# that a hostile or broken value is never quoted whole in a message.
MAX_LENGTH: dict[str, int] = {
    "pnr": 64, "dw_ek_kontakt": 64, "kommunekode": 10, "dato_start": 10, "tidspunkt_start": 20,
    "dato_slut": 10, "tidspunkt_slut": 20, "prioritet": 10, "kontakttype": 10,
    "aktionsdiagnose": 10, "hovedspeciale_ans": 200, "sorenhed_ans": 200,
    "kon": 10, "fod": 10, "dod": 10, "a_diag": 10,
}  # fmt: skip


def _too_long(o: Lpr3Options) -> list[tuple[str, str, str]]:
    """(failing condition, LPR3 field, reason) for a value longer than its field allows."""
    where = {c: o.label(KONTAKTER, c) for c in KONTAKTER.columns} | {
        "kon": o.label(CPR_PERSON, "c_kon"),
        "fod": o.label(CPR_PERSON, "d_foddato"),
        "dod": o.label(CPR_PERSON, "d_doddato"),
        "a_diag": o.label(DIAGNOSER, "diagnosekode"),
    }
    return [
        (
            # the diagnoser code counts only when it stands in for an empty AKTIONSDIAGNOSE
            # strlen (bytes, known without reading the text) first: length counts characters
            f"{'aktionsdiagnose IS NULL AND ' if col == 'a_diag' else ''}"
            f"strlen({col}) > {limit} AND length({col}) > {limit}",
            where[col],
            f"'for lang værdi (' || replace(format('{{:,}}', length({col})), ',', '.') "
            f"|| ' tegn; højst {limit})'",
        )
        for col, limit in MAX_LENGTH.items()
    ]


def _checks(o: Lpr3Options) -> list[tuple[str, str, str]]:
    """(failing condition, LPR3 field, reason), in the order they are reported."""
    missing = "'mangler værdi'"
    pnr, kontakt = o.name(KONTAKTER, "pnr"), o.name(KONTAKTER, "dw_ek_kontakt")
    diag_a = o.label(DIAGNOSER, "diagnosekode")
    diagtype = o.name(DIAGNOSER, "diagnosetype")
    out = [
        *_too_long(o),
        (
            "pnr IS NOT NULL AND p_lo IS NULL",
            o.label(KONTAKTER, "pnr"),
            f"{sql_lit(pnr + ' ')} || {q('pnr')} || ' findes ikke i CPR_PERSON'",
        ),
        (
            "p_lo <> p_hi",
            o.label(KONTAKTER, "pnr"),
            f"{sql_lit(pnr + ' ')} || {q('pnr')} || ' har flere forskellige rækker i CPR_PERSON'",
        ),
    ]
    for col, typed in (
        ("dato_start", "start_date"),
        ("tidspunkt_start", "start_time"),
        ("dato_slut", "slut_date"),
        ("tidspunkt_slut", "slut_time"),
    ):
        if col.startswith("dato"):
            why = f"'ugyldig dato ' || {q(col)} || ' (forventet {DATE_FORMS})'"
            bad = f"TRY_CAST({typed} AS DATE) IS NULL"
        else:
            why = f"'ugyldigt tidspunkt ' || {q(col)} || ' (forventet {TIME_FORMS})'"
            bad = f"{typed} IS NULL"
        label = o.label(KONTAKTER, col)
        out += [(f"{col} IS NULL", label, missing), (bad, label, why)]
    out += [
        ("prioritet IS NULL", o.label(KONTAKTER, "prioritet"), missing),
        ("kontakttype IS NULL", o.label(KONTAKTER, "kontakttype"), missing),
        (
            "aktionsdiagnose IS NULL AND a_diag <> a_max",
            diag_a,
            f"{sql_lit(f'flere aktionsdiagnoser ({diagtype} A) for {kontakt} ')} || {q('dw_ek_kontakt')}",
        ),
        (
            f"aktionsdiagnose IS NULL AND NOT regexp_full_match(a_diag, '{DIAG_RE}')",
            diag_a,
            f"'ugyldig diagnosekode ' || {q('a_diag')} || ' (forventet SKS-kode med D-præfiks, fx DJ189)'",
        ),
        (
            "aktionsdiagnose IS NULL AND a_diag IS NULL",
            o.label(KONTAKTER, "aktionsdiagnose"),
            f"{sql_lit(f'mangler værdi (og ingen {diagtype} A i diagnoser for {kontakt} ')} || "
            f"coalesce({q('dw_ek_kontakt')}, 'uden værdi') || ')'",
        ),
        ("p_lo IS NOT NULL AND kon IS NULL", o.label(CPR_PERSON, "c_kon"), missing),
        (
            "upper(kon) NOT IN ('M', 'K')",
            o.label(CPR_PERSON, "c_kon"),
            f"'ukendt køn ' || {q('kon')} || ' (forventet M eller K)'",
        ),
        ("p_lo IS NOT NULL AND fod IS NULL", o.label(CPR_PERSON, "d_foddato"), missing),
        (
            "TRY_CAST(fod_iso AS DATE) IS NULL AND fod IS NOT NULL",
            o.label(CPR_PERSON, "d_foddato"),
            f"'ugyldig dato ' || {q('fod')} || ' (forventet {DATE_FORMS})'",
        ),
        (
            "TRY_CAST(dod_iso AS DATE) IS NULL AND dod IS NOT NULL",
            o.label(CPR_PERSON, "d_doddato"),
            f"'ugyldig dato ' || {q('dod')} || ' (forventet {DATE_FORMS})'",
        ),
    ]
    return out


def contacts_plan(
    src: Path, work: Path, con: duckdb.DuckDBPyConnection, options: Lpr3Options | None = None
) -> tuple[TablePlan, list[str]]:
    """How to read the LPR3 extract in ``src`` as canonical contacts, with notes for the user."""
    o = options or Lpr3Options()
    read = {t.name: _read(src, t, o, work) for t in LPR3_TABLES}
    for t in (KONTAKTER, CPR_PERSON):
        if read[t.name] is None:
            raise InputError(
                f"{src}: ingen {t.name}-tabel fundet (LPR3-udtræk: en fil {t.name}.csv, "
                f".parquet, .xpt eller .sas7bdat, eller en mappe {t.name}/ med sådanne filer)"
            )
    kontakter, kontakter_sql = read[KONTAKTER.name] or ([], "")
    person, person_sql = read[CPR_PERSON.name] or ([], "")
    diagnoser = read[DIAGNOSER.name]
    if diagnoser is None:
        without = [
            s.label
            for s in kontakter
            if o.name(KONTAKTER, "aktionsdiagnose").lower() not in s.names
        ]
        if without:
            raise InputError(
                f"{src}: ingen diagnoser-tabel fundet, og {without[0]} har ingen kolonne "
                f"'{o.name(KONTAKTER, 'aktionsdiagnose')}' (LPR3-udtræk: aktionsdiagnosen står i "
                "kontakter eller i diagnoser)"
            )
        diag_sql_text = (
            "SELECT NULL::VARCHAR AS dw_ek_kontakt, NULL::VARCHAR AS diagnosekode, "
            "NULL::VARCHAR AS diagnosetype, NULL::VARCHAR AS senere_afkraeftet WHERE false"
        )
    else:
        diag_sql_text = diagnoser[1]
    others = [*person, *(diagnoser[0] if diagnoser else [])]

    def clean(cols: Sequence[str]) -> str:
        return ", ".join(f"{trimmed(sql_ident(c))} AS {sql_ident(c)}" for c in cols)

    checks = _checks(o)
    pre_field = " ".join(f"WHEN {cond} THEN {sql_lit(fld)}" for cond, fld, _ in checks)
    pre_reason = " ".join(f"WHEN {cond} THEN {why}" for cond, _, why in checks)
    physical = f"(kontakttype IS NULL OR upper(kontakttype) = '{PHYSICAL}')"
    need = f"SELECT need FROM {NEED}"
    # The exact conversion, with the reason for each row's first problem, for the rows the fast
    # pass (lpr3_typed) could not find good: only they are read (SUSPECT_ROWS), with the
    # diagnoser rows of their contacts and the CPR_PERSON rows of their persons.
    suspect_need = f"SELECT {trimmed('dw_ek_kontakt')} AS need FROM {SUSPECT_ROWS}"
    # Speed (issue 16): "more than one distinct value" is min <> max (one hash aggregate instead
    # of a count(DISTINCT), which DuckDB runs as two), and the reason is worked out only for
    # rows that failed a check (a CASE stops at its first true WHEN: good rows at the first).
    rows = f"""
        WITH k AS (SELECT _fileno, _row, {clean(KONTAKTER.columns)} FROM {SUSPECT_ROWS}),
        diag AS ({diag_sql(diag_sql_text, suspect_need)}),
        person AS (SELECT *, {iso_date("fod")} AS fod_iso, {iso_date("dod")} AS dod_iso FROM (
            SELECT pnr,
                min(coalesce(kon, '') || '|' || coalesce(fod, '') || '|' || coalesce(dod, '')) AS p_lo,
                max(coalesce(kon, '') || '|' || coalesce(fod, '') || '|' || coalesce(dod, '')) AS p_hi,
                min(kon) AS kon, min(fod) AS fod, min(dod) AS dod
            FROM (SELECT {trimmed("pnr")} AS pnr, {trimmed("c_kon")} AS kon,
                         {trimmed("d_foddato")} AS fod, {trimmed("d_doddato")} AS dod
                  FROM ({person_sql})) cpr
            SEMI JOIN (SELECT {trimmed("pnr")} AS pnr FROM {SUSPECT_ROWS}) s ON s.pnr = cpr.pnr
            GROUP BY cpr.pnr)),
        j AS (
            SELECT k.*, d.a_diag, d.a_max, p.p_lo, p.p_hi, p.kon, p.fod, p.dod, p.fod_iso, p.dod_iso,
                {iso_date("k.dato_start")} AS start_date, {_clock("k.tidspunkt_start")} AS start_time,
                {iso_date("k.dato_slut")} AS slut_date, {_clock("k.tidspunkt_slut")} AS slut_time
            FROM k LEFT JOIN diag d ON d.dw_ek_kontakt = k.dw_ek_kontakt
            LEFT JOIN person p ON p.pnr = k.pnr
            WHERE {physical}),
        f AS (SELECT *, CASE {pre_field} END AS _pre_field FROM j)
        SELECT _fileno, _row, pnr AS person_id, kommunekode,
            CASE upper(kon) WHEN 'M' THEN 'M' WHEN 'K' THEN 'F' END AS sex,
            fod_iso AS birth_date,
            start_date || ' ' || start_time AS start,
            slut_date || ' ' || slut_time AS "end",
            CASE WHEN upper(prioritet) = '{ACUTE}' THEN 'true' WHEN prioritet IS NOT NULL THEN 'false'
                END AS acute,
            coalesce(aktionsdiagnose, a_diag) AS primary_diagnosis,
            hovedspeciale_ans AS specialty, sorenhed_ans AS hospital,
            CASE WHEN slut_date IS NOT NULL AND slut_date = dod_iso THEN 'true' ELSE 'false'
                END AS died,
            _pre_field, CASE WHEN _pre_field IS NULL THEN NULL {pre_reason} END AS _pre_reason
        FROM f"""  # fmt: skip
    report = ", ".join(
        f"{sql_ident(c)} AS {sql_ident(o.name(KONTAKTER, c))}" for c in KONTAKTER.columns
    )
    plan = TablePlan(
        table="contacts",
        sources=kontakter,
        raw=f"SELECT _fileno, _row, {report} FROM ({kontakter_sql})",
        rows=rows,
        columns=table_columns("contacts"),
        pre_checked=True,
        field_labels={f: o.label(t, c) for f, (t, c) in FIELDS.items()},
        also_reads=others,
        # every value above is trimmed, and dates and times have passed the LPR3 patterns
        trimmed=True,
        in_form=frozenset({"birth_date", "start", "end"}),
        typed=lambda cut: typed_sql(kontakter_sql, person_sql, cut, KONTAKTER.columns),
        fast_source=kontakter_sql,
        person_keys=person_keys_sql(person_sql),
        pending_diag=diag_sql(diag_sql_text, need),
        notes_of=lambda found: _notes(found, o),
    )
    return plan, []


def _notes(found: list[tuple[str, int]], o: Lpr3Options) -> list[str]:
    """The note on the rows of another KONTAKTTYPE than ALCA00 (``found``: their number per
    type, most first), which are left out."""
    if not found:
        return []
    total = sum(n for _, n in found)
    kinds = ", ".join(f"{t}: {n:,}".replace(",", ".") for t, n in found)
    name = o.name(KONTAKTER, "kontakttype")
    return [
        f"LPR3: {rows_word(total)} med anden {name} end {PHYSICAL} (fysisk fremmøde) er "
        f"udeladt ({kinds})"
    ]


EXAMPLE_FILES = {
    "kontakter.csv": """\
PNR;DW_EK_KONTAKT;KOMMUNEKODE;DATO_START;TIDSPUNKT_START;DATO_SLUT;TIDSPUNKT_SLUT;PRIORITET;KONTAKTTYPE;AKTIONSDIAGNOSE;HOVEDSPECIALE_ANS;SORENHED_ANS
P1;1001;0165;2019-03-01;08:30;2019-03-02;10:15:20;ATA1;ALCA00;DJ189;intern medicin;Herlev Hospital
P2;1002;0101;2019-03-01;22:05:00.25;2019-03-04;09:00;ATA1;ALCA00;;geriatri;Bispebjerg Hospital
P1;1003;0165;2019-03-05;10:00;2019-03-05;10:20;ATA3;ALCA20;DZ000;intern medicin;Herlev Hospital
""",
    "diagnoser.csv": """\
DW_EK_KONTAKT,DIAGNOSEKODE,DIAGNOSETYPE,SENERE_AFKRAEFTET
1002,DJ440,A,Ja
1002,DI10,A,Nej
1002,DE119,B,Nej
""",
    "CPR_PERSON.csv": """\
PNR,C_KON,D_FODDATO,D_DODDATO
P1,M,1940-01-01,
P2,K,1933-06-15,2019-03-04
""",
}

EXAMPLE_MAP = """\
# map.yaml: LPR3-navn: navnet i udtrækket (tabeller og kolonner, der ikke står her, har
# LPR3-navnet)
kontakter:
  DW_EK_KONTAKT: kontakt_id
  KOMMUNEKODE: komkode
  DATO_START: dstart
  TIDSPUNKT_START: tstart
CPR_PERSON:
  PNR: pnr_pseudo
"""


def format_doc() -> str:
    """The LPR3 layout as a Markdown section of docs/input-formats.md (from the tables above)."""

    def columns(table: Lpr3Table) -> str:
        return ", ".join(
            f"`{c.upper()}`" + ("" if c in table.required else " (optional)") for c in table.columns
        )

    return f"""\
### LPR3 research extracts (`--format lpr3`)

`SRC` holds three tables, each one file or a folder of files, found by name in any case: a
file whose name starts with the table's name (`kontakter.csv`, `KONTAKTER_2019.sas7bdat`) or
every file below a folder of that name (`kontakter/2019.xpt`, `kontakter/2020.xpt`). Each file
may be CSV (comma or semicolon, UTF-8 or Windows-1252, as in the canonical format), Parquet, SAS
transport (`.xpt`, version 5 or 8) or a SAS dataset (`.sas7bdat`); one table may mix kinds.
Column names are matched in any case; other columns are ignored.

- `kontakter` (one row per contact): {columns(KONTAKTER)};
- `diagnoser`: {columns(DIAGNOSER)} (may be left out when every `kontakter` file has
  `AKTIONSDIAGNOSE`);
- `CPR_PERSON`: {columns(CPR_PERSON)};
- optionally `population` and `ready_for_discharge` in the canonical format (above).

Mapping to contacts: `person_id` = `PNR`; `kommunekode` = `KOMMUNEKODE` (`0165` or `165`);
`start` = `DATO_START` at `TIDSPUNKT_START` and `end` = `DATO_SLUT` at `TIDSPUNKT_SLUT`,
exactly: seconds and fractions of a second are kept (dates as `ÅÅÅÅ-MM-DD`, `DD-MM-ÅÅÅÅ` or
`DD.MM.ÅÅÅÅ`; times as `08:30`, `8:30`, `08:30:00` or `08:30:00.250`); `acute` = `PRIORITET`
is `{ACUTE}` (any other value is planned); `primary_diagnosis` = `AKTIONSDIAGNOSE`, or when it
is empty the `DIAGNOSEKODE` of the contact's `diagnoser` row with `DIAGNOSETYPE` `A` (rows with
`SENERE_AFKRAEFTET` `Ja`, later disproven, are ignored, and so are B-diagnoses and other
types); `specialty` = `HOVEDSPECIALE_ANS` (text, e.g. `intern medicin`); `hospital` =
`SORENHED_ANS`; `sex` from `C_KON` (`M`, `K` → `F`) and `birth_date` from `D_FODDATO` of the
person's `CPR_PERSON` row. LPR3 has no discharge mode for death: `died` is true when the
contact ends on the person's `D_DODDATO`. Only `KONTAKTTYPE` `{PHYSICAL}` (physical attendance)
becomes a contact; rows of other types are left out and the ingest says how many of each, e.g.
`LPR3: 719 rækker med anden KONTAKTTYPE end ALCA00 (fysisk fremmøde) er udeladt (ALCA10: 384,
ALCA20: 335)`. The canonical contacts hold one diagnosis per contact: B-diagnoses are not
carried over.

SAS files are read in chunks (a national table is never held in memory): `.sas7bdat` with
pyreadstat's chunked reader, `.xpt` with naersund's own streaming reader (pyreadstat would
read a transport file from the top again for every chunk). Values become text: SAS missing
values are empty, whole numbers lose their `.0` (`165`), and variables with a SAS date,
datetime or time format (`DATE9.`, `DATETIME20.`, `TIME8.`, …) become `2019-03-01`,
`2019-03-01 08:30:00` and `08:30:00` (fractions kept). Text that is not UTF-8 is read as
Windows-1252 (a transport file does not name its encoding; a `.sas7bdat` is first read in the
encoding it names). SAS transport version 5 allows names of at most 8 characters, so an LPR3
table in v5 needs a column mapping (below); version 8 holds the full names. A SAS file that
cannot be read, that ends inside a row, or that holds fewer rows than its header promises (a
`.sas7bdat`, or a v8 `.xpt`: a v5 `.xpt` does not say how many rows it has, so a v5 file cut
off exactly between two 80-byte records that are also row boundaries cannot be told from a
shorter one) stops the ingest, e.g. `kontakter.xpt: filen er afkortet eller beskadiget: den
slutter midt i række 4` or `… den skulle have 3 rækker, men der kunne kun læses 2`. Nothing is
written.

A value longer than its field allows (`PNR` and `DW_EK_KONTAKT` 64 characters, codes, dates and
flags 10, times of day 20, `HOVEDSPECIALE_ANS` and `SORENHED_ANS` 200) is refused before any
other check, e.g. `kontakter.csv, række 7, felt 'SORENHED_ANS': for lang værdi (1.201 tegn;
højst 200)`. Every converted row then passes the canonical checks. Messages name the `kontakter` file, its
row and the LPR3 field (`CPR_PERSON.C_KON`, `diagnoser.DIAGNOSEKODE` for values from the
other tables); rows of a SAS file are numbered as in the dataset (the first observation is row
1), rows of CSV and Parquet files as in the canonical format (the first data row is row 2), e.g.
`kontakter.csv, række 9, felt 'TIDSPUNKT_START': ugyldigt tidspunkt '24:00' (forventet
{TIME_FORMS})` or `kontakter.sas7bdat, række 2, felt 'KOMMUNEKODE': ukendt kommunekode '999'`;
the rejects report holds the `kontakter` values.

Example (`naersund ingest --format lpr3 SRC DEST` gives two contacts: P1 acute from
2019-03-01 08:30 to 2019-03-02 10:15:20 with DJ189; P2 acute from 2019-03-01 22:05:00.25 with
`DI10` from `diagnoser` (the disproven `DJ440` is ignored), died, since the contact ends on
her date of death; the virtual contact `1003` is left out with a note):

{_example_files()}

**Column mapping** (`naersund ingest --format lpr3 --columns map.yaml SRC DEST`): an extract
whose columns are named otherwise is read through a YAML file naming, per table, the LPR3 column
and the name it has in the extract (tables and columns in any case; what is not named keeps its
LPR3 name). Messages and the rejects report then use the extract's names.

```yaml
{EXAMPLE_MAP.rstrip()}
```

A mapping file that is not valid YAML, names an unknown table or LPR3 column, or leaves a name
empty stops the ingest with a message naming the file (and the line, for YAML errors).
"""


def _example_files() -> str:
    return "\n\n".join(
        f"`{name}`:\n\n```\n{text.rstrip()}\n```" for name, text in EXAMPLE_FILES.items()
    )
