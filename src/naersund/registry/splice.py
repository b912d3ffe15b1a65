"""Appending a second extract to a data directory (``naersund ingest --append``): one series
across the LPR2 -> LPR3 change of 2019.

An LPR2 extract (to 2018) and an LPR3 extract (from 2019) are ingested one after the other into
the same data directory; the second run reads what the first wrote and writes the union of both
as one new version of the directory (all or nothing, :func:`naersund.atomic.switched_dir`):

- *contacts*: the rows of both sources. The canonical contacts carry no contact id (``RECNUM``
  and ``DW_EK_KONTAKT`` are used only inside their own source, to find a contact's diagnoses),
  so two sources' ids never meet and cannot collide. The integer ``person_key`` is numbered
  again over both sources together, so that a person is one key. Stays are built by ``compute``
  from all contacts of a person, whichever source they come from: a stay begun in LPR2 on
  31 December 2018 and continued in LPR3 on 1 January 2019 is one stay.
- A person is the same person in both extracts only if the extracts were pseudonymised with the
  same key (one delivery, or deliveries of one research project): naersund cannot check that,
  but it refuses a person whose sex or birth date differs between the two, and it records how
  many persons are in both (none at all is a warning sign, and is said so).
- The two periods (first to last contact start) may not overlap, and a format can be appended
  only once (a second LPR3 extract on top of an LPR3 extract is refused: ingest the years
  together, as one folder of files per table).
- *population* and *ready_for_discharge*: one table each. Rows in both sources that are
  identical are kept once; a population cell (year, municipality, age group, sex) with two
  different counts is refused.

``ingest.json`` then lists the sources, each with its format, period and counts.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from naersund import fmt
from naersund.errors import InputError
from naersund.registry.schema import TABLES
from naersund.registry.sources import sql_ident, sql_lit

INGEST_RECORD = "ingest.json"
FORMAT_NAMES = {"canonical": "canonical", "lpr2": "LPR2", "lpr3": "LPR3"}


@dataclass(frozen=True)
class Previous:
    """What an earlier ingest wrote to the data directory that an extract is appended to."""

    dest: Path
    record: dict[str, Any]
    sources: list[dict[str, Any]]  # one per source: format, first, last, written, rejected
    files: dict[str, list[Path]]  # table -> its Parquet files

    def table_sql(self, table: str) -> str | None:
        """SELECT of the canonical columns of ``table`` as written (None when absent)."""
        files = self.files.get(table) or []
        if not files:
            return None
        listed = "[" + ", ".join(sql_lit(str(f)) for f in files) + "]"
        reader = f"read_parquet({listed}, union_by_name = true, hive_partitioning = false)"
        if table == "population":  # its optional column 'estimated' as written
            return f"SELECT * FROM {reader}"
        cols = ", ".join(sql_ident(c.name) for c in TABLES[table])
        return f"SELECT {cols} FROM {reader}"


def sources_of(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The sources an ``ingest.json`` names (a record written before ``--append`` existed names
    one, its ``format``)."""
    listed = record.get("sources")
    if isinstance(listed, list) and listed:
        return [dict(s) for s in listed]
    return [
        {
            "format": record.get("format", "canonical"),
            "data_cut": record.get("data_cut"),
            "written": record.get("written", {}),
            "rejected": record.get("rejected", {}),
        }
    ]


def previous(dest: Path, fmt: str) -> Previous:
    """The data directory ``dest`` as an earlier ingest left it, checked for appending an
    extract of format ``fmt``; a Danish message when that cannot be done."""
    from naersund.registry.ingest import find_table  # ingest imports this module

    record_file = dest / INGEST_RECORD
    if not record_file.is_file():
        raise InputError(
            f"{dest}: --append kræver en datamappe, som naersund ingest har skrevet (der er ingen "
            f"{INGEST_RECORD}); indlæs først det første udtræk uden --append"
        )
    try:
        record = json.loads(record_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(f"{record_file}: kan ikke læses; indlæs det første udtræk igen") from None
    if not isinstance(record, dict):
        raise InputError(f"{record_file}: kan ikke læses; indlæs det første udtræk igen")
    sources = sources_of(record)
    for s in sources:
        if s.get("format") == fmt:
            name = FORMAT_NAMES.get(fmt, fmt)
            period = f" ({s['first']} – {s['last']})" if s.get("first") else ""
            raise InputError(
                f"{dest}: indeholder allerede et {name}-udtræk{period}; --append lægger et udtræk "
                f"af et andet format til (fx LPR3 oven på LPR2). Flere {name}-udtræk indlæses "
                "sammen i én kørsel uden --append (fx en mappe pr. tabel med en fil pr. år)"
            )
    found = {t: find_table(dest, t) for t in TABLES}
    for paths in found.values():
        for f in paths:
            if f.suffix != ".parquet":  # put there by hand (e.g. FOLK1A), not by ingest
                raise InputError(
                    f"{f}: filen er ikke skrevet af naersund ingest og ville gå tabt ved --append; "
                    "flyt den ud af datamappen, læg udtrækkene sammen, og læg den så tilbage (eller "
                    "læg den ved udtrækket, så indlæsningen kontrollerer den)"
                )
    files = {t: [f for f in paths if f.suffix == ".parquet"] for t, paths in found.items()}
    if not files["contacts"]:
        raise InputError(f"{dest}: indeholder ingen kontakter at lægge udtrækket til")
    return Previous(dest, record, sources, files)


def period(con: duckdb.DuckDBPyConnection, rows: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day a contact starts on in ``rows`` (None when there are none)."""
    found = con.execute(
        f'SELECT CAST(min("start") AS DATE), CAST(max("start") AS DATE) FROM ({rows})'
    ).fetchone()
    if not found or found[0] is None:
        return None
    return found[0], found[1]


def check_period(
    con: duckdb.DuckDBPyConnection, prev: Previous, new: tuple[dt.date, dt.date], src: Path
) -> None:
    """Refuse an extract whose contacts overlap the period of the directory's contacts."""
    old_sql = prev.table_sql("contacts")
    old = period(con, old_sql) if old_sql else None
    if old is None:
        return
    if new[0] <= old[1] and old[0] <= new[1]:
        raise InputError(
            f"{src}: udtrækkets kontakter starter fra {new[0]} til {new[1]}, men {prev.dest} har "
            f"allerede kontakter fra {old[0]} til {old[1]}; perioderne må ikke overlappe (afgræns "
            "fx LPR2 til 2018 og LPR3 fra 2019)"
        )


def check_persons(con: duckdb.DuckDBPyConnection, prev: Previous, rows: str, src: Path) -> int:
    """Refuse a person whose sex or birth date differs between the two sources (a sign of two
    pseudonymisations); return the number of persons found in both."""
    old_sql = prev.table_sql("contacts")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE splice_persons AS
        SELECT o.person_id, o.sex AS old_sex, o.birth_date AS old_birth,
               n.sex AS new_sex, n.birth_date AS new_birth
        FROM (SELECT DISTINCT person_id, sex, birth_date FROM ({old_sql})) o
        JOIN (SELECT DISTINCT person_id, sex, birth_date FROM ({rows})) n USING (person_id)""")  # fmt: skip
    bad = con.execute("""
        SELECT person_id, old_sex, old_birth, new_sex, new_birth FROM splice_persons
        WHERE old_sex <> new_sex OR old_birth <> new_birth ORDER BY person_id LIMIT 1""").fetchone()  # fmt: skip
    if bad is not None:
        n_bad = con.execute("""
            SELECT count(DISTINCT person_id) FROM splice_persons
            WHERE old_sex <> new_sex OR old_birth <> new_birth""").fetchone()  # fmt: skip
        raise InputError(
            f"{src}: person '{bad[0]}' har køn {bad[3]} og fødselsdato {bad[4]}, men i "
            f"{prev.dest} køn {bad[1]} og fødselsdato {bad[2]} ({fmt.integer(int(n_bad[0]) if n_bad else 1)} "
            "personer i alt er forskellige). De to udtræk skal være pseudonymiseret med samme "
            "nøgle, så en person har samme PNR i begge; intet er skrevet"
        )
    found = con.execute("SELECT count(DISTINCT person_id) FROM splice_persons").fetchone()
    return int(found[0]) if found else 0


def combined(
    con: duckdb.DuckDBPyConnection, table: str, new_rows: str | None, old_rows: str | None
) -> str:
    """SELECT of the rows of ``table`` in both sources (identical rows of the optional tables
    kept once; :func:`check_population` has refused a conflict)."""
    parts = [r for r in (old_rows, new_rows) if r is not None]
    union = " UNION ALL BY NAME ".join(f"SELECT * FROM ({r})" for r in parts)
    if table == "contacts" or len(parts) == 1:
        return union
    if table == "population":
        names = [str(r[0]) for r in con.execute(f"DESCRIBE SELECT * FROM ({union})").fetchall()]
        if "estimated" in names:  # an estimated year in either source stays estimated
            keys = "year, kommunekode, age_group, sex, count"
            return f"SELECT {keys}, bool_or(estimated) AS estimated FROM ({union}) GROUP BY ALL"
    return f"SELECT DISTINCT * FROM ({union})"


def check_population(
    con: duckdb.DuckDBPyConnection, new_rows: str | None, old_rows: str | None, src: Path
) -> None:
    """Refuse a population cell that the two sources give different counts."""
    if new_rows is None or old_rows is None:
        return
    row = con.execute(f"""
        SELECT o.year, o.kommunekode, o.age_group, o.sex, o.count, n.count
        FROM ({old_rows}) o JOIN ({new_rows}) n USING (year, kommunekode, age_group, sex)
        WHERE o.count <> n.count ORDER BY ALL LIMIT 1""").fetchone()  # fmt: skip
    if row is not None:
        raise InputError(
            f"{src}: population for {row[0]}, kommune {row[1]}, {row[2]} år, køn {row[3]} er "
            f"{fmt.integer(int(row[5]))}, men {fmt.integer(int(row[4]))} i datamappen; læg "
            "befolkningen ved kun ét af udtrækkene (eller den samme ved begge)"
        )


def source_entry(
    fmt: str,
    first_last: tuple[dt.date, dt.date] | None,
    data_cut: dt.date,
    written: dict[str, int],
    rejected: dict[str, int],
) -> dict[str, Any]:
    """One source as ``ingest.json`` lists it."""
    return {
        "format": fmt,
        "first": first_last[0].isoformat() if first_last else None,
        "last": first_last[1].isoformat() if first_last else None,
        "data_cut": data_cut.isoformat(),
        "written": written,
        "rejected": rejected,
    }


def notes(prev: Previous, shared: int, new_persons: int) -> list[str]:
    """What the user should know about the join."""
    formats = " + ".join(FORMAT_NAMES.get(str(s.get("format")), "?") for s in prev.sources)
    out = [
        f"Lagt til {prev.dest} ({formats}): {fmt.integer(shared)} af udtrækkets "
        f"{fmt.integer(new_persons)} personer har også kontakter i datamappen"
    ]
    if shared == 0 and new_persons:
        out.append(
            "Advarsel: ingen person findes i begge udtræk. Er de pseudonymiseret med samme nøgle? "
            "Ellers bliver ophold og genindlæggelser over skiftet ikke fundet"
        )
    return out


def format_doc() -> str:
    """The ``--append`` section of docs/input-formats.md."""
    return """\
### One series across 2019 (`--append`)

An LPR2 extract (to 2018) and an LPR3 extract (from 2019) become one data directory in two
runs: `naersund ingest --format lpr2 SRC2 DEST`, then
`naersund ingest --format lpr3 --append SRC3 DEST`. The second run validates its extract as
any ingest does, then writes the contacts of both as one new version of `DEST` (all or
nothing, as above), with `person_key` numbered again over both: a person's stays are built
across the two, so a stay begun in LPR2 on 31 December 2018 and continued in LPR3 on 1 January
2019 is one stay. The canonical contacts carry no contact id (`RECNUM` and `DW_EK_KONTAKT` only
join a contact to its diagnoses inside its own extract), so ids of the two sources cannot
collide. A person is the same person in both only if both extracts were pseudonymised with the
same key (one delivery, or deliveries to one research project, give the same `PNR`): naersund
cannot check that, but it refuses a person whose sex or birth date differs between the two,
and it says how many of the new extract's persons also have contacts in `DEST` (none at all is
a warning sign). `population` and `ready_for_discharge` may sit beside either extract or both:
identical rows are kept once, and a population cell (year, municipality, age group, sex) with
two different counts is refused. Refused too, with nothing written:

- a period that overlaps: `SRC3: udtrækkets kontakter starter fra 2018-06-01 til 2020-02-01,
  men DEST har allerede kontakter fra 2012-01-01 til 2018-12-31; perioderne må ikke overlappe
  (afgræns fx LPR2 til 2018 og LPR3 fra 2019)`;
- a format appended twice: `DEST: indeholder allerede et LPR3-udtræk (2019-01-01 – 2022-12-31);
  --append lægger et udtræk af et andet format til (fx LPR3 oven på LPR2). Flere LPR3-udtræk
  indlæses sammen i én kørsel uden --append (fx en mappe pr. tabel med en fil pr. år)`;
- a `DEST` not written by `naersund ingest` (no `ingest.json`).

`ingest.json` then has `"format": "lpr2+lpr3"` and one entry per source under `sources`.
"""
