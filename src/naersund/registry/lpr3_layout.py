"""The layout of an LPR3 research extract: its tables and columns, the fields messages name,
the column mapping for extracts named otherwise (``--columns map.yaml``) and how a table's
files are found. Reading and checking the rows is :mod:`naersund.registry.lpr3`; the generated
documentation of this layout is :mod:`naersund.registry.lpr3_doc`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from naersund.errors import InputError
from naersund.registry.sas import SAS_SUFFIXES

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
