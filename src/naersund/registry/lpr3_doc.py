"""The LPR3 section of docs/input-formats.md, generated from the layout
(:mod:`naersund.registry.lpr3_layout`), with an example extract and a column mapping that the
tests ingest as written."""

from __future__ import annotations

from naersund.registry.lpr3_layout import (
    ACUTE,
    CPR_PERSON,
    DIAGNOSER,
    KONTAKTER,
    PHYSICAL,
    TIME_FORMS,
    Lpr3Table,
)

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
