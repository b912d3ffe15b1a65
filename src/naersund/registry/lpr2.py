"""LPR2 research extracts (to 2019) to canonical contacts.

Reads, from the input folder, ``LPR_ADM*.csv`` (one row per contact), ``LPR_DIAG*.csv``
(diagnoses per ``RECNUM``) and ``CPR_PERSON*.csv`` (sex and birth date per ``PNR``), converts
them with one DuckDB query to the canonical contacts columns as text, and hands them to the same
row checks as canonical input (:mod:`naersund.registry.validate`). Problems that only LPR2 can
have (dates in ``DD-MM-ÅÅÅÅ``, hours out of range, unknown ``C_INDM``, a ``PNR`` missing from
``CPR_PERSON``) are found here; messages name the ``LPR_ADM`` file and row and the LPR2 field.

Mapping: ``person_id = PNR``; ``kommunekode = C_KOM`` (``0101`` and ``101`` alike);
``start = D_INDDTO + V_INDTIME:V_INDMINUT``; ``end = D_UDDTO + V_UDTIME:00`` (LPR2 has no
discharge minute; when discharge is in the same hour as admission, ``end = start``);
``acute = C_INDM == 1``; ``primary_diagnosis`` = the ``LPR_DIAG`` row of ``C_DIAGTYPE`` ``A``,
else ``C_ADIAG``; ``specialty`` = the text of ``C_SPEC`` in the shipped mapping
(:func:`specialty_codes`, e.g. ``08`` -> ``intern medicin``), else ``C_SPEC`` as it is;
``hospital = C_SGH``; ``died = C_UDM`` in
:attr:`Lpr2Options.died_codes`; sex ``M``/``K`` -> ``M``/``F``. ``C_AFD`` and ``V_ALDER`` are
not used (age comes from the birth date). Outpatient rows (``C_PATTYPE`` 2) are left out by
default: in LPR2 such a row spans a whole outpatient course, not one physical attendance.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb

from naersund.errors import InputError
from naersund.registry.sources import (
    Source,
    open_source,
    q,
    raw_sql,
    rows_word,
    sql_ident,
)
from naersund.registry.validate import DIAG_RE, TablePlan, table_columns, trimmed


@dataclass(frozen=True)
class Lpr2Options:
    """Choices in the LPR2 mapping.

    ``died_codes``: the ``C_UDM`` (udskrivningsmåde) values that mean the patient died. The
    default ``{"8"}`` is *unverified* against the LPR2 code list: check it for your extract.
    ``include_outpatient``: keep ``C_PATTYPE`` 2 rows (outpatient courses) as contacts.
    """

    died_codes: tuple[str, ...] = ("8",)
    include_outpatient: bool = False


ADM = (
    "pnr", "recnum", "c_kom", "d_inddto", "v_indtime", "v_indminut", "d_uddto", "v_udtime",
    "c_pattype", "c_indm", "c_adiag", "c_sgh", "c_afd", "c_spec", "v_alder", "c_udm",
)  # fmt: skip
ADM_REQUIRED = ADM[:10]
DIAG = ("recnum", "c_diag", "c_diagtype")
PERSON = ("pnr", "c_kon", "d_foddato")
FIELD_LABELS = {
    "person_id": "PNR", "kommunekode": "C_KOM", "sex": "CPR_PERSON.C_KON",
    "birth_date": "CPR_PERSON.D_FODDATO", "start": "D_INDDTO", "end": "D_UDDTO",
    "acute": "C_INDM", "primary_diagnosis": "C_ADIAG", "specialty": "C_SPEC",
    "hospital": "C_SGH", "died": "C_UDM",
}  # fmt: skip
DATE_FORMS = "ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ eller DD.MM.ÅÅÅÅ"
SPECIALTY_FILE = "lpr2_specialties.csv"  # in naersund/refdata/data, sources in SOURCES.md there


@cache
def specialty_codes() -> dict[str, str]:
    """LPR2 specialty code (``C_SPEC``, two digits) -> the LPR3 specialty text it is taken to
    mean. Every row is *unverified* (see ``refdata/data/SOURCES.md``): the codes come from
    Danmarks Statistik's two-digit specialty codes, not from the LPR2 code sheet."""
    text = (resources.files("naersund.refdata") / "data" / SPECIALTY_FILE).read_text("utf-8")
    return {row["code"]: row["specialty"] for row in csv.DictReader(io.StringIO(text))}


def _specialty_code(v: str) -> str:
    """``C_SPEC`` as the mapping names it: one or two digits as two (``8`` -> ``08``)."""
    return f"CASE WHEN regexp_full_match({v}, '[0-9]{{1,2}}') THEN lpad({v}, 2, '0') ELSE {v} END"


def extract_files(src: Path, prefix: str) -> list[Path]:
    """``PREFIX*.csv`` (or ``.parquet``) in ``src``, any case, sorted by name."""
    return sorted(
        p
        for p in src.iterdir()
        if p.is_file()
        and p.name.upper().startswith(prefix)
        and p.suffix.lower() in (".csv", ".parquet")
    )


def _read(
    src: Path, prefix: str, columns: Sequence[str], required: Sequence[str], work: Path
) -> tuple[list[Source], str]:
    """The files of one LPR2 table and the SQL reading them all (columns as text)."""
    files = extract_files(src, prefix)
    if not files:
        raise InputError(f"{src}: ingen {prefix}*.csv fundet (LPR2-udtræk)")
    sources = [open_source(f, f.name, columns, work) for f in files]
    for s in sources:
        absent = [c.upper() for c in required if c not in s.names]
        if absent:
            what = "den påkrævede kolonne" if len(absent) == 1 else "de påkrævede kolonner"
            names = ", ".join(f"'{a}'" for a in absent)
            raise InputError(
                f"{s.label}: mangler {what} {names} (filen har: {', '.join(s.originals)})"
            )
    return sources, " UNION ALL ".join(raw_sql(i, s, columns) for i, s in enumerate(sources))


def iso_date(v: str) -> str:
    """An LPR2 date (``ÅÅÅÅ-MM-DD``, ``DD-MM-ÅÅÅÅ`` or ``DD.MM.ÅÅÅÅ``) as ``ÅÅÅÅ-MM-DD``."""
    return (
        f"CASE WHEN regexp_full_match({v}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') THEN {v} "
        f"WHEN regexp_full_match({v}, '[0-9]{{2}}-[0-9]{{2}}-[0-9]{{4}}|[0-9]{{2}}\\.[0-9]{{2}}\\.[0-9]{{4}}') "
        f"THEN substr({v}, 7, 4) || '-' || substr({v}, 4, 2) || '-' || substr({v}, 1, 2) END"
    )


def _clock(v: str, top: int) -> str:
    """A whole number 0..``top`` as two digits, else NULL."""
    return f"CASE WHEN regexp_full_match({v}, '[0-9]{{1,2}}') AND TRY_CAST({v} AS INTEGER) <= {top} THEN lpad({v}, 2, '0') END"


def _checks() -> list[tuple[str, str, str]]:
    """(failing condition, LPR2 field, reason), in the order they are reported."""
    missing = "'mangler værdi'"
    out = [
        (
            "pnr IS NOT NULL AND n_p IS NULL",
            "PNR",
            f"'PNR ' || {q('pnr')} || ' findes ikke i CPR_PERSON'",
        ),
        ("n_p > 1", "PNR", f"'PNR ' || {q('pnr')} || ' har flere forskellige rækker i CPR_PERSON'"),
    ]
    for col, typed in (
        ("d_inddto", "ind_date"),
        ("v_indtime", "ind_h"),
        ("v_indminut", "ind_m"),
        ("d_uddto", "ud_date"),
        ("v_udtime", "ud_h"),
    ):
        if col.startswith("d_"):
            why = f"'ugyldig dato ' || {q(col)} || ' (forventet {DATE_FORMS})'"
            bad = f"TRY_CAST({typed} AS DATE) IS NULL"
        else:
            top = "59" if col == "v_indminut" else "23"
            why = f"'ugyldig{'t minut' if top == '59' else ' time'} ' || {q(col)} || ' (forventet 0-{top})'"
            bad = f"{typed} IS NULL"
        out += [(f"{col} IS NULL", col.upper(), missing), (bad, col.upper(), why)]
    out += [
        ("c_pattype IS NULL", "C_PATTYPE", missing),
        (
            "c_pattype NOT IN ('0', '2', '3')",
            "C_PATTYPE",
            f"'ukendt patienttype ' || {q('c_pattype')} || ' (forventet 0, 2 eller 3)'",
        ),
        ("c_indm IS NULL", "C_INDM", missing),
        (
            "c_indm NOT IN ('1', '2')",
            "C_INDM",
            f"'ukendt indlæggelsesmåde ' || {q('c_indm')} || ' (forventet 1 akut eller 2 planlagt)'",
        ),
        (
            "n_a > 1",
            "LPR_DIAG.C_DIAG",
            f"'flere aktionsdiagnoser (C_DIAGTYPE A) for RECNUM ' || {q('recnum')}",
        ),
        (
            f"a_diag IS NOT NULL AND NOT regexp_full_match(a_diag, '{DIAG_RE}')",
            "LPR_DIAG.C_DIAG",
            f"'ugyldig diagnosekode ' || {q('a_diag')} || ' (forventet SKS-kode med D-præfiks, fx DJ189)'",
        ),
        ("n_p IS NOT NULL AND kon IS NULL", "CPR_PERSON.C_KON", missing),
        (
            "upper(kon) NOT IN ('M', 'K')",
            "CPR_PERSON.C_KON",
            f"'ukendt køn ' || {q('kon')} || ' (forventet M eller K)'",
        ),
        ("n_p IS NOT NULL AND fod IS NULL", "CPR_PERSON.D_FODDATO", missing),
        (
            f"TRY_CAST({iso_date('fod')} AS DATE) IS NULL AND fod IS NOT NULL",
            "CPR_PERSON.D_FODDATO",
            f"'ugyldig dato ' || {q('fod')} || ' (forventet {DATE_FORMS})'",
        ),
    ]
    return out


def contacts_plan(
    src: Path, work: Path, con: duckdb.DuckDBPyConnection, options: Lpr2Options | None = None
) -> tuple[TablePlan, list[str]]:
    """How to read the LPR2 extract in ``src`` as canonical contacts, with notes for the user."""
    options = options or Lpr2Options()
    adm, adm_sql = _read(src, "LPR_ADM", ADM, ADM_REQUIRED, work)
    diag, diag_sql = _read(src, "LPR_DIAG", DIAG, DIAG, work)
    person, person_sql = _read(src, "CPR_PERSON", PERSON, PERSON, work)
    con.execute("CREATE OR REPLACE TEMP TABLE lpr2_died (code VARCHAR)")
    con.executemany("INSERT INTO lpr2_died VALUES (?)", [(str(c),) for c in options.died_codes])
    con.execute("CREATE OR REPLACE TEMP TABLE lpr2_spec (code VARCHAR, specialty VARCHAR)")
    con.executemany("INSERT INTO lpr2_spec VALUES (?, ?)", list(specialty_codes().items()))

    def clean(cols: Sequence[str]) -> str:
        return ", ".join(f"{trimmed(sql_ident(c))} AS {sql_ident(c)}" for c in cols)

    checks = _checks()
    pre_field = " ".join(f"WHEN {cond} THEN '{fld}'" for cond, fld, _ in checks)
    pre_reason = " ".join(f"WHEN {cond} THEN {why}" for cond, _, why in checks)
    keep = "TRUE" if options.include_outpatient else "c_pattype IS DISTINCT FROM '2'"
    rows = f"""
        WITH adm AS (SELECT _fileno, _row, {clean(ADM)} FROM ({adm_sql})),
        diag AS (
            SELECT recnum, count(DISTINCT code) AS n_a, min(code) AS a_diag
            FROM (SELECT {trimmed("recnum")} AS recnum, upper({trimmed("c_diag")}) AS code,
                         upper({trimmed("c_diagtype")}) AS diagtype FROM ({diag_sql}))
            WHERE diagtype = 'A' AND recnum IS NOT NULL GROUP BY recnum),
        person AS (
            SELECT pnr, count(DISTINCT coalesce(kon, '') || '|' || coalesce(fod, '')) AS n_p,
                   min(kon) AS kon, min(fod) AS fod
            FROM (SELECT {trimmed("pnr")} AS pnr, {trimmed("c_kon")} AS kon,
                         {trimmed("d_foddato")} AS fod FROM ({person_sql}))
            WHERE pnr IS NOT NULL GROUP BY pnr),
        j AS (
            SELECT a.*, d.n_a, d.a_diag, p.n_p, p.kon, p.fod, sp.specialty AS spec_text,
                {iso_date("a.d_inddto")} AS ind_date, {_clock("a.v_indtime", 23)} AS ind_h,
                {_clock("a.v_indminut", 59)} AS ind_m,
                {iso_date("a.d_uddto")} AS ud_date, {_clock("a.v_udtime", 23)} AS ud_h
            FROM adm a LEFT JOIN diag d ON d.recnum = a.recnum LEFT JOIN person p ON p.pnr = a.pnr
            LEFT JOIN lpr2_spec sp ON sp.code = {_specialty_code("a.c_spec")}
            WHERE {keep})
        SELECT _fileno, _row, pnr AS person_id, c_kom AS kommunekode,
            CASE upper(kon) WHEN 'M' THEN 'M' WHEN 'K' THEN 'F' END AS sex,
            {iso_date("fod")} AS birth_date,
            ind_date || ' ' || ind_h || ':' || ind_m AS start,
            CASE WHEN ud_date = ind_date AND ud_h = ind_h THEN ind_date || ' ' || ind_h || ':' || ind_m
                 ELSE ud_date || ' ' || ud_h || ':00' END AS "end",
            CASE c_indm WHEN '1' THEN 'true' WHEN '2' THEN 'false' END AS acute,
            coalesce(a_diag, c_adiag) AS primary_diagnosis, coalesce(spec_text, c_spec) AS specialty,
            c_sgh AS hospital,
            CASE WHEN c_udm IS NULL THEN NULL WHEN c_udm IN (SELECT code FROM lpr2_died) THEN 'true'
                 ELSE 'false' END AS died,
            CASE {pre_field} END AS _pre_field, CASE {pre_reason} END AS _pre_reason
        FROM j"""  # fmt: skip
    report = ", ".join(f"{sql_ident(c)} AS {sql_ident(c.upper())}" for c in ADM)
    plan = TablePlan(
        table="contacts",
        sources=adm,
        raw=f"SELECT _fileno, _row, {report} FROM ({adm_sql})",
        rows=rows,
        columns=table_columns("contacts"),
        pre_checked=True,
        field_labels=dict(FIELD_LABELS),
        also_reads=[*diag, *person],
    )
    messages = []
    code = _specialty_code("trim(c_spec)")
    try:  # the first full read of LPR_ADM: a malformed CSV row shows up here
        found = con.execute(
            f"SELECT count(*) FILTER (WHERE trim(c_pattype) = $outpatient) FROM ({adm_sql})",
            {"outpatient": "2"},
        ).fetchone()
        unmapped = con.execute(f"""
            SELECT {code} AS code, count(*) FROM ({adm_sql})
            WHERE regexp_full_match(trim(c_spec), '[0-9]+')
                AND {code} NOT IN (SELECT code FROM lpr2_spec)
            GROUP BY ALL ORDER BY code""").fetchall()  # fmt: skip
    except (duckdb.InvalidInputException, duckdb.IOException) as e:
        raise plan.read_error(e) from None
    n = int(found[0]) if found else 0
    if n and not options.include_outpatient:
        messages.append(
            f"LPR2: {rows_word(n)} med C_PATTYPE 2 (ambulant) er udeladt: sådan en række "
            "dækker et helt ambulant forløb, ikke et fysisk fremmøde"
        )
    if unmapped:
        codes = ", ".join(f"{c} ({rows_word(int(k))})" for c, k in unmapped)
        messages.append(
            f"LPR2: C_SPEC-koder uden tekst i naersunds specialeliste ({SPECIALTY_FILE}) "
            f"beholdes som koder og tæller ikke som medicinske specialer: {codes}"
        )
    return plan, messages
