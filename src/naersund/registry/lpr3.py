"""LPR3 research extracts (2019 on) to canonical contacts.

Reads, from the input folder, the tables ``kontakter`` (one row per contact), ``diagnoser``
(diagnoses per ``DW_EK_KONTAKT``) and ``CPR_PERSON`` (sex, birth and death date per ``PNR``).
Each table is one file or a folder of files, found by name in any case (``kontakter.csv``,
``KONTAKTER_2019.sas7bdat`` or a folder ``kontakter/``), each file CSV (comma or semicolon,
UTF-8 or Windows-1252), Parquet, SAS transport (``.xpt``) or SAS dataset (``.sas7bdat``); SAS
files are streamed in chunks (:mod:`naersund.registry.sas`). The tables, their columns and
how their files are found are :mod:`naersund.registry.lpr3_layout`: column names are matched in
any case, and an extract with other names is read through a mapping (``Lpr3Options``,
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

from collections.abc import Sequence
from pathlib import Path

import duckdb

from naersund import fmt
from naersund.errors import InputError
from naersund.registry.lpr2 import DATE_FORMS, iso_date
from naersund.registry.lpr3_layout import (
    ACUTE,
    CPR_PERSON,
    DIAGNOSER,
    FIELDS,
    KONTAKTER,
    LPR3_TABLES,
    PHYSICAL,
    TIME_FORMS,
    TIME_RE,
    Lpr3Options,
    Lpr3Table,
    table_files,
)
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
    kinds = ", ".join(f"{t}: {fmt.integer(n)}" for t, n in found)
    name = o.name(KONTAKTER, "kontakttype")
    return [
        f"LPR3: {rows_word(total)} med anden {name} end {PHYSICAL} (fysisk fremmøde) er "
        f"udeladt ({kinds})"
    ]
