"""Municipal budgets (BUDK32) and accounts (REGK31) as Statistics Denmark's statbank exports
them, read into naersund's rows: ``year, kommunekode, function, function_name, amount`` with
``amount`` in 1.000 kr. (``NaN`` where the statbank has none).

The export is the statbank's CSV ("Kommunernes budgetter/regnskaber ... efter område,
funktion, dranst, art og prisenhed"): semicolons, UTF-8 with or without BOM or Windows-1252
(one encoding per file), a header of the table's variables (``OMRÅDE;FUNKTION;DRANST;ART;
PRISENHED;TID;INDHOLD``) and one row per cell. Values come as texts (``København``, ``1 Drift``,
``4.62.81 Aktivitetsbestemt medfinansiering af sundhedsvæsenet``) or with their codes first
(``101 København``); an amount is a whole number (or one with decimals), ``..`` or empty when
the statbank has none.

Only the cells that add up are kept: the 98 municipalities (never ``Hele landet``, a region or
a landsdel, which would count them twice), the health functions of ``functions.yaml`` at the
function level (never a sum such as ``4.62 Sundhedsudgifter m.v.``), operations (``1 Drift``;
anlæg and the other dranst are left out), the total over ``ART`` and current prices in 1.000
kr. (never kr. per citizen). Whatever else the file holds is counted and left out. Every year of
the file must hold every municipality. One error refuses the whole file, naming file, row and
field.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from naersund.economy.config import HealthFunctions, load_functions
from naersund.errors import InputError
from naersund.refdata import OFFICIAL_NAME_EXCEPTIONS, municipalities

MAX_BYTES = 256 * 1024 * 1024
TABLES = {"BUDK32": "budget", "REGK31": "regnskab"}
TABLE_NAMES = {"BUDK32": "budget (BUDK32)", "REGK31": "regnskab (REGK31)"}
REQUIRED = ("FUNKTION", "TID", "INDHOLD")
OPTIONAL = ("DRANST", "ART", "PRISENHED")
AREA_COLUMNS = ("OMRÅDE", "KOMK", "KOMMUNE")
COLUMNS = ("year", "kommunekode", "function", "function_name", "amount")

AGGREGATE_AREA = re.compile(r"^(hele landet|all denmark|region |landsdel |province |000\b)", re.I)
FUNCTION = re.compile(r"^(\d\.\d{2}\.\d{2})\s+(\S.*)$")
FUNCTION_SUM = re.compile(r"^(\d(\.\d{2})?)(\s+\S.*)?$")
TOTAL = re.compile(r"(^|\s)(i alt|ialt|total)$|^tot\b", re.I)
AMOUNT = re.compile(r"^-?\d{1,12}([.,]\d{1,6})?$")
YEAR = re.compile(r"^(\d{4})$")


@dataclass
class Accounts:
    """What :func:`read_statbank_accounts` read: the table (``BUDK32`` or ``REGK31``), its
    rows (``COLUMNS``), the years and how many rows of each kind it left out."""

    table: str
    file_name: str
    rows: pd.DataFrame
    years: list[int]
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """``budget`` or ``regnskab``."""
        return TABLES[self.table]


def table_of(file_name: str, table: str | None = None) -> str:
    """The table a file holds: ``table`` when given, else the one its name mentions."""
    if table:
        wanted = table.strip().upper()
        if wanted not in TABLES:
            raise InputError(
                f"{file_name}: tabellen '{table}' kendes ikke; vælg BUDK32 (budgetter) "
                "eller REGK31 (regnskaber)"
            )
        return wanted
    found = [t for t in TABLES if t in file_name.upper()]
    if len(found) != 1:
        raise InputError(
            f"{file_name}: filnavnet siger ikke, om filen er BUDK32 (budgetter) eller REGK31 "
            "(regnskaber); angiv tabellen (--tabel BUDK32 eller --tabel REGK31)"
        )
    return found[0]


def decode_text(data: bytes, name: str) -> str:
    """The file's text: UTF-8 (a BOM dropped) or Windows-1252, never a mix of both."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        pass
    first_utf8 = None
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            if first_utf8 is not None:
                raise InputError(
                    f"{name}, række {number}: filen skifter tegnsæt (række {first_utf8} er "
                    "UTF-8, denne er Windows-1252); hent den igen fra statistikbanken"
                ) from None
            return data.decode("cp1252", errors="strict")
        else:
            first_utf8 = first_utf8 or number
    return data.decode("cp1252")  # pragma: no cover - a non-UTF-8 file has a failing line


def _split_code(value: str) -> tuple[str, str]:
    """``'101 København'`` -> ``('101', 'København')``; a lone text -> ``('', text)``."""
    head, _, rest = value.partition(" ")
    if rest and head.isdigit():
        return head, rest.strip()
    if value.isdigit():
        return value, ""
    return "", value


class _Reader:
    """Parses one file's values, remembering the parse of each distinct value (an export
    repeats every value thousands of times)."""

    def __init__(self, name: str, functions: HealthFunctions) -> None:
        self.name = name
        self.functions = functions
        m = municipalities()
        self.codes = {int(k) for k in m["kommunekode"]}
        names: dict[str, int] = {}
        for code, short in zip(m["kommunekode"], m["name"], strict=True):
            official = OFFICIAL_NAME_EXCEPTIONS.get(int(code), f"{short} Kommune")
            names[str(short).casefold()] = int(code)
            names[official.casefold()] = int(code)
        self.names = names
        self.memo: dict[tuple[str, str], object] = {}

    def fail(self, row: int, column: str, text: str) -> InputError:
        return InputError(f"{self.name}, række {row}, felt '{column}': {text}")

    def cached(self, kind: str, value: str, row: int, column: str) -> object:
        key = (kind, value)
        if key not in self.memo:
            self.memo[key] = getattr(self, kind)(value.strip(), row, column)
        return self.memo[key]

    def area(self, value: str, row: int, column: str) -> int | None:
        """The municipality's code, or None for Denmark, a region or a landsdel."""
        code, name = _split_code(value)
        if code and int(code) in self.codes:
            return int(code)
        if AGGREGATE_AREA.match(value) or AGGREGATE_AREA.match(name) or (code and not name):
            return None
        if name.casefold() in self.names:
            return self.names[name.casefold()]
        raise self.fail(
            row, column, f"'{value}' er hverken en af de 98 kommuner, en region eller Hele landet"
        )

    def function(self, value: str, row: int, column: str) -> tuple[str, str] | str:
        """(code, name) of a function, or the reason it is left out."""
        if m := FUNCTION.match(value):
            code, name = m.group(1), m.group(2).strip()
            return (code, name) if self.functions.is_health(code) else "andre funktioner"
        if FUNCTION_SUM.match(value) or TOTAL.search(value):
            return "summer af funktioner"
        raise self.fail(
            row,
            column,
            f"'{value}' er ikke en funktion (fx '4.62.81 Aktivitetsbestemt medfinansiering "
            "af sundhedsvæsenet')",
        )

    def dranst(self, value: str, row: int, column: str) -> str | None:
        """None to keep (operations), else the reason it is left out."""
        code, name = _split_code(value)
        if code == "1" or name.casefold() == "drift":
            return None
        if code or name.casefold() in {"statsrefusion", "anlæg", "renter", "finansforskydninger"}:
            return "andre dranst end drift"
        if TOTAL.search(name):
            raise self.fail(
                row, column, f"'{value}' er summen af alle dranst; vælg '1 Drift' i statistikbanken"
            )
        raise self.fail(row, column, f"'{value}' er ikke en dranst (fx '1 Drift')")

    def art(self, value: str, row: int, column: str) -> str | None:
        """None to keep (the total over kinds), else the reason it is left out."""
        if TOTAL.search(value) or "art i alt" in value.casefold():
            return None
        if value:
            return "enkelte arter"
        raise self.fail(row, column, "feltet er tomt; forventede fx 'Art i alt'")

    def prisenhed(self, value: str, row: int, column: str) -> str | None:
        """None to keep (current prices, 1.000 kr.), else the reason it is left out."""
        text = value.casefold()
        if "pr. indbygger" in text or "per capita" in text or "faste priser" in text:
            return "andre prisenheder"
        if "løbende priser" in text or "current prices" in text:
            return None
        raise self.fail(
            row, column, f"'{value}' er ikke en prisenhed (fx 'Løbende priser (1.000 kr.)')"
        )

    def year(self, value: str, row: int, column: str) -> int:
        code = _split_code(value)[0] or value
        if not YEAR.match(code):
            raise self.fail(row, column, f"'{value}' er ikke et år (fx 2014)")
        return int(code)


def _rows(text: str, name: str) -> Iterator[tuple[int, list[str]]]:
    try:
        yield from enumerate(csv.reader(io.StringIO(text), delimiter=";", strict=True), start=1)
    except csv.Error as exc:
        raise InputError(f"{name}: ikke en gyldig CSV-fil ({exc})") from None


def _header(name: str, row: list[str]) -> dict[str, int]:
    names = [c.strip().upper() for c in row]
    example = "OMRÅDE;FUNKTION;DRANST;ART;PRISENHED;TID;INDHOLD"
    if len(names) < 2:
        raise InputError(
            f"{name}, række 1: forventede overskrifter adskilt af semikolon, fx {example}"
        )
    where = {n: i for i, n in enumerate(names)}
    area = next((c for c in AREA_COLUMNS if c in where), None)
    missing = ([] if area else ["OMRÅDE"]) + [c for c in REQUIRED if c not in where]
    if missing:
        raise InputError(
            f"{name}, række 1: kolonnen {', '.join(missing)} mangler; en eksport fra "
            f"statistikbanken har {example}"
        )
    unknown = [c for c in names if c not in (*REQUIRED, *OPTIONAL, *AREA_COLUMNS)]
    if unknown:
        raise InputError(
            f"{name}, række 1: kolonnen {', '.join(unknown)} kendes ikke (en ekstra variabel "
            f"ville tælle beløbene flere gange); forventede {example}"
        )
    where["_AREA"] = where[area] if area else -1
    return where


def read_statbank_accounts(
    data: bytes | Path,
    name: str | None = None,
    table: str | None = None,
    functions: HealthFunctions | None = None,
) -> Accounts:
    """Read a BUDK32 or REGK31 export (see the module docstring): ``data`` is the file or its
    bytes, ``name`` the name errors use, ``table`` the table (else taken from the name).
    Raises :class:`InputError` naming file, row and field; reads all or nothing."""
    if isinstance(data, Path):
        name = name or data.name
        if data.stat().st_size > MAX_BYTES:
            raise InputError(f"{name}: filen er større end {MAX_BYTES // 2**20} MB")
        data = data.read_bytes()
    name = name or "filen"
    if len(data) > MAX_BYTES:
        raise InputError(f"{name}: filen er større end {MAX_BYTES // 2**20} MB")
    if not data.strip():
        raise InputError(f"{name}: filen er tom")
    which = table_of(name, table)
    reader = _Reader(name, functions or load_functions())
    rows = _rows(decode_text(data, name), name)
    try:
        _, first = next(rows)
    except StopIteration:
        raise InputError(f"{name}: filen er tom") from None
    where = _header(name, first)
    area_column = next(c for c in AREA_COLUMNS if c in where)
    filters = [(c, c.lower().replace("å", "a")) for c in OPTIONAL if c in where]
    kinds = {"DRANST": "dranst", "ART": "art", "PRISENHED": "prisenhed"}
    skipped: dict[str, int] = {}
    kept_filters = dict.fromkeys([c for c, _ in filters], False)
    cells: list[tuple[int, int, str, str, float]] = []
    seen: dict[tuple[int, int, str], int] = {}
    for number, row in rows:
        if not any(v.strip() for v in row):
            continue
        if len(row) != len(first):
            raise InputError(
                f"{name}, række {number}: {len(row)} felter, men overskriften har {len(first)}"
            )
        year = reader.cached("year", row[where["TID"]], number, "TID")
        kommune = reader.cached("area", row[where["_AREA"]], number, area_column)
        func = reader.cached("function", row[where["FUNKTION"]], number, "FUNKTION")
        reason = None
        for column, _ in filters:
            why = reader.cached(kinds[column], row[where[column]], number, column)
            if why is None:
                kept_filters[column] = True
            reason = reason or why
        if kommune is None:
            reason = reason or "Hele landet, regioner og landsdele"
        if isinstance(func, str):
            reason = reason or func
        if reason is not None:
            skipped[str(reason)] = skipped.get(str(reason), 0) + 1
            continue
        assert isinstance(year, int) and isinstance(kommune, int) and isinstance(func, tuple)
        text = row[where["INDHOLD"]].strip()
        if text in ("..", "", "-", ":"):
            amount = math.nan
        elif AMOUNT.match(text):
            amount = float(text.replace(",", "."))
        else:
            raise InputError(
                f"{name}, række {number}, felt 'INDHOLD': '{text[:40]}' er ikke et beløb i "
                "1.000 kr. (fx 12345, -250 eller .. for ingen oplysning)"
            )
        key = (year, kommune, func[0])
        if key in seen:
            raise InputError(f"{name}, række {number}: samme celle som række {seen[key]}")
        seen[key] = number
        cells.append((year, kommune, func[0], func[1], amount))
    for column, kept in kept_filters.items():
        if not kept:
            wanted = {"DRANST": "1 Drift", "ART": "Art i alt", "PRISENHED": "Løbende priser"}
            raise InputError(
                f"{name}: ingen rækker med {column} '{wanted[column]}'; vælg det i statistikbanken"
            )
    if not cells:
        raise InputError(
            f"{name}: ingen rækker med de 98 kommuner og sundhedsområdets funktioner "
            f"({', '.join(reader.functions.include_prefixes)})"
        )
    frame = pd.DataFrame(cells, columns=list(COLUMNS))
    _check_complete(name, frame, reader.codes)
    frame = frame.sort_values(["year", "kommunekode", "function"]).reset_index(drop=True)
    years = sorted(int(y) for y in frame["year"].unique())
    return Accounts(which, name, frame, years, skipped)


def _check_complete(name: str, frame: pd.DataFrame, codes: set[int]) -> None:
    """Every year must hold every municipality: a year with holes would make Denmark's and the
    KKR's sums too small without anyone noticing."""
    for year, part in frame.groupby("year"):
        missing = sorted(codes - set(part["kommunekode"]))
        if missing:
            names = ", ".join(str(k) for k in missing[:5]) + (" …" if len(missing) > 5 else "")
            raise InputError(f"{name}: {year} mangler {len(missing)} kommuner ({names})")
