"""Population from Statistics Denmark's statbank: FOLK1A (quarterly) or BY2 (yearly) as the
statbank exports them, turned into naersund's population format.

The export is the statbank's CSV (``api.statbank.dk/v1/data/FOLK1A/CSV`` or the table's "download
as CSV"): semicolons, UTF-8 with or without BOM, a header of the table's variable ids
(``OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD`` for FOLK1A, ``KOMK;BYST;ALDER;KØN;TID;INDHOLD`` for
BY2) and one row per cell. Values come as texts (``København``, ``Mænd``, ``0 år``), codes (``101``,
``1``, ``0``) or both, as the ``CodeAndValue`` presentation writes them (``101 København``).

Only the cells that add up are kept: the 98 municipalities (never ``Hele landet`` or a region),
men and women (never ``I alt``), single years of age or 5-year bands (never ``Alder i alt``), and,
for every other variable (civil status, town size), its total where the file has one, else the sum
of its categories. Population counts 1 January, so of a quarterly table only the first quarter
(``2014K1``) is used. Ages are summed into naersund's 5-year bands (85+ the last).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import pandas as pd

from naersund.refdata import AGE_GROUPS, municipalities

MAX_BYTES = 512 * 1024 * 1024  # a full FOLK1A export of every quarter since 2008 is ~350 MB
AREA_COLUMNS = ("OMRÅDE", "KOMK", "KOMMUNE")
REQUIRED = ("KØN", "ALDER", "TID", "INDHOLD")
TOTALS = {"i alt", "total", "tot", "ialt", "alder i alt", "køn i alt", "age, total", "sex, total"}
TOTALS |= {"hele kommunen", "civilstand i alt", "alle", "all"}
SEXES = {"mænd": "M", "men": "M", "m": "M", "1": "M", "kvinder": "F", "women": "F", "k": "F"}
SEXES["2"] = "F"
NOT_MUNICIPALITY = re.compile(r"^(hele landet|all denmark|region |landsdel |province )", re.I)
# Areas of FOLK1A that are neither one of the 98 municipalities nor a sum of them.
OTHER_AREAS = {"411", "christiansø", "uoplyst"}

SINGLE_AGE = re.compile(r"^(\d{1,3}) ?(år|years?)?$")
BAND = re.compile(r"^(\d{1,3}) ?- ?(\d{1,3}) ?(år|years)?$")
OPEN_BAND = re.compile(r"^(\d{1,3}) ?(år|years)? ?(og derover|and over|\+|-)$")
TIME = re.compile(r"^(\d{4})(K([1-4]))?$")


class Folk1aError(ValueError):
    """A statbank export that cannot be read: the Danish message names file, row and field.
    Reference data imports nothing of naersund's above it, so the CLI turns this into its
    ``InputError``."""


@dataclass
class Population:
    """What :func:`read_statbank_population` read: the rows in naersund's population format
    (``year, kommunekode, age_group, sex, count``) and what it left out, for the summary."""

    rows: pd.DataFrame
    years: list[int]
    skipped: dict[str, int] = field(default_factory=dict)


def _bands() -> dict[int, str]:
    """Lower bound of each 5-year band -> its label (85 -> '85+')."""
    return {int(g.split("-")[0].rstrip("+")): g for g in AGE_GROUPS}


def _split_code(value: str) -> tuple[str, str]:
    """``'101 København'`` -> ``('101', 'København')``; a lone code or text -> (it, it)."""
    head, _, rest = value.partition(" ")
    if rest and (head.isdigit() or head.isupper()):
        return head, rest.strip()
    return value, value


class _Reader:
    """Parses one file's cells, remembering the parse of every distinct value (a statbank
    export repeats each value thousands of times)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        m = municipalities()
        self.codes = {int(k) for k in m["kommunekode"]}
        self.names = {
            str(n).casefold(): int(k) for n, k in zip(m["name"], m["kommunekode"], strict=True)
        }
        self.bands = _bands()
        self.memo: dict[tuple[str, str], object] = {}

    def fail(self, row: int, column: str, text: str) -> Folk1aError:
        return Folk1aError(f"{self.path.name}, række {row}, felt '{column}': {text}")

    def area(self, value: str, row: int, column: str) -> int | None:
        """The municipality's code, or None for an aggregate or a non-municipal area."""
        code, name = _split_code(value.strip())
        if code.casefold() in OTHER_AREAS or name.casefold() in OTHER_AREAS:
            return None
        if code.isascii() and code.isdigit() and len(code) <= 4:
            if int(code) in self.codes:
                return int(code)
            if code != name or int(code) < 100:  # '084 Region Hovedstaden', '000', '084'
                return None
        if NOT_MUNICIPALITY.match(name) or name.casefold() in TOTALS:
            return None
        for candidate in (name, re.sub(r"s? (kommune|regionskommune)$", "", name, flags=re.I)):
            if candidate.casefold() in self.names:
                return self.names[candidate.casefold()]
        raise self.fail(
            row, column, f"'{value}' er hverken en af de 98 kommuner eller et kendt område"
        )

    def sex(self, value: str, row: int, column: str) -> str | None:
        _code, name = _split_code(value.strip())
        for v in (value.strip().casefold(), name.casefold()):
            if v in SEXES:
                return SEXES[v]
            if v in TOTALS:
                return None
        raise self.fail(row, column, f"'{value}' er ikke et køn (Mænd, Kvinder eller I alt)")

    def age(self, value: str, row: int, column: str) -> tuple[str, str] | None:
        """(band label, 'single' or 'band'), or None for the total."""
        _code, name = _split_code(value.strip())
        # The whole value ('12', '12 år', '85 år og derover'), else the value after a code
        # ('12 12 år', 'IALT Alder i alt').
        for v in (value.strip().casefold(), name.casefold()):
            if v in TOTALS:
                return None
            if m := SINGLE_AGE.match(v):
                lower = min(int(m.group(1)) // 5 * 5, 85)
                return self.bands[lower], "single"
            if m := BAND.match(v):
                lo, hi = int(m.group(1)), int(m.group(2))
                if lo % 5 == 0 and (hi == lo + 4 or lo >= 85) and lo <= hi:
                    return self.bands[min(lo, 85)], "band"
                raise self.fail(
                    row, column, f"aldersgruppen '{value}' passer ikke i 5-års grupperne 0-4 … 85+"
                )
            if m := OPEN_BAND.match(v):
                if int(m.group(1)) >= 85:
                    return self.bands[85], "band"
                raise self.fail(
                    row, column, f"aldersgruppen '{value}' passer ikke i 5-års grupperne 0-4 … 85+"
                )
        raise self.fail(
            row, column, f"'{value}' er ikke en alder (fx '12 år', '10-14 år' eller 'Alder i alt')"
        )

    def time(self, value: str, row: int, column: str) -> int | None:
        """The year of a 1 January figure (a year, or its first quarter); None for K2-K4."""
        code, _ = _split_code(value.strip())
        m = TIME.match(code.upper())
        if not m:
            raise self.fail(
                row, column, f"'{value}' er ikke et år eller kvartal (fx 2014 eller 2014K1)"
            )
        if m.group(3) not in (None, "1"):
            return None
        return int(m.group(1))

    def cached(self, kind: str, value: str, row: int, column: str) -> object:
        key = (kind, value)
        if key not in self.memo:
            self.memo[key] = getattr(self, kind)(value, row, column)
        return self.memo[key]


def _lines(path: Path) -> Iterator[str]:
    """The file's lines decoded as UTF-8 (a BOM dropped), naming the first line that is not."""
    with path.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise Folk1aError(
                    f"{path.name}, række {number}: filen er ikke UTF-8; hent den igen fra "
                    "statistikbanken som CSV (UTF-8)"
                ) from None
            yield line.removeprefix("\ufeff") if number == 1 else line


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """The file's rows with their numbers (the header is row 1), as the statbank wrote them."""
    if path.stat().st_size > MAX_BYTES:
        raise Folk1aError(
            f"{path.name}: filen er større end {MAX_BYTES // 2**20} MB; "
            "vælg færre kvartaler eller områder"
        )
    try:
        yield from enumerate(csv.reader(_lines(path), delimiter=";", strict=True), start=1)
    except csv.Error as exc:
        raise Folk1aError(f"{path.name}: ikke en gyldig CSV-fil ({exc})") from None


def _header(path: Path, row: list[str]) -> dict[str, int]:
    names = [c.strip().upper() for c in row]
    if len(names) < 2:
        raise Folk1aError(
            f"{path.name}, række 1: forventede overskrifter adskilt af semikolon, fx "
            "OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD"
        )
    where = {n: i for i, n in enumerate(names)}
    area = next((c for c in AREA_COLUMNS if c in where), None)
    missing = [c for c in REQUIRED if c not in where] + ([] if area else ["OMRÅDE"])
    if missing:
        raise Folk1aError(
            f"{path.name}, række 1: kolonnen {', '.join(missing)} mangler; en eksport fra "
            "statistikbanken har fx OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD"
        )
    where["_AREA"] = where[area] if area else -1
    return where


def read_statbank_population(path: Path) -> Population:
    """Read a FOLK1A or BY2 export (see the module docstring) into naersund's population
    format, every year of the file. Raises :class:`Folk1aError` naming file, row and field."""
    path = Path(path)
    rows = _rows(path)
    try:
        _, first = next(rows)
    except StopIteration:
        raise Folk1aError(f"{path.name}: filen er tom") from None
    where = _header(path, first)
    other = [c for c in where if c not in (*REQUIRED, *AREA_COLUMNS, "_AREA")]
    reader = _Reader(path)
    area_name = next(c for c in AREA_COLUMNS if c in where)
    # Every data row once, checked; other variables' totals decided after the whole file.
    cells: list[tuple[int, int, str, str, int, tuple[bool, ...]]] = []
    seen: dict[tuple[str, ...], int] = {}
    kinds: set[str] = set()
    skipped = {"områder og totaler": 0, "kvartaler efter 1. januar": 0}
    has_total = dict.fromkeys(other, False)
    for number, row in rows:
        if not any(v.strip() for v in row):
            continue
        if len(row) != len(first):
            raise Folk1aError(
                f"{path.name}, række {number}: {len(row)} felter, men overskriften har {len(first)}"
            )
        key = tuple(v.strip() for i, v in enumerate(row) if i != where["INDHOLD"])
        if key in seen:
            raise Folk1aError(f"{path.name}, række {number}: samme celle som række {seen[key]}")
        seen[key] = number
        totals = tuple(
            row[where[c]].strip().casefold() in TOTALS
            or _split_code(row[where[c]].strip())[0].casefold() in TOTALS
            for c in other
        )
        for c, is_total in zip(other, totals, strict=True):
            has_total[c] = has_total[c] or is_total
        year = cast("int | None", reader.cached("time", row[where["TID"]], number, "TID"))
        kommune = cast("int | None", reader.cached("area", row[where["_AREA"]], number, area_name))
        sex = cast("str | None", reader.cached("sex", row[where["KØN"]], number, "KØN"))
        age = cast(
            "tuple[str, str] | None", reader.cached("age", row[where["ALDER"]], number, "ALDER")
        )
        if year is None:
            skipped["kvartaler efter 1. januar"] += 1
            continue
        if kommune is None or sex is None or age is None:
            skipped["områder og totaler"] += 1
            continue
        band, kind = age
        kinds.add(kind)
        text = row[where["INDHOLD"]].strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 9):
            raise Folk1aError(
                f"{path.name}, række {number}, felt 'INDHOLD': '{text[:40]}' er ikke et antal personer"
            )
        cells.append((year, kommune, band, sex, int(text), totals))
    if len(kinds) > 1:
        raise Folk1aError(
            f"{path.name}: filen blander enkelte aldre ('12 år') og aldersgrupper ('10-14 år'), "
            "som ville blive talt to gange; vælg det ene i statistikbanken"
        )
    if not cells:
        raise Folk1aError(
            f"{path.name}: ingen rækker med de 98 kommuner, mænd og kvinder pr. 1. januar"
        )
    # Of another variable keep its total where the file has one, else sum its categories.
    keep = [
        (y, k, b, s, n)
        for y, k, b, s, n, totals in cells
        if all(t == has_total[c] for c, t in zip(other, totals, strict=True))
    ]
    frame = pd.DataFrame(keep, columns=["year", "kommunekode", "age_group", "sex", "count"])
    frame = frame.groupby(["year", "kommunekode", "age_group", "sex"], as_index=False).agg(
        count=("count", "sum")
    )
    _check_complete(path, frame, reader.codes)
    order = {g: i for i, g in enumerate(AGE_GROUPS)}
    frame = frame.sort_values(
        ["year", "kommunekode", "age_group", "sex"],
        key=lambda s: s.map(order) if s.name == "age_group" else s,
    ).reset_index(drop=True)
    years = sorted(int(y) for y in frame["year"].unique())
    return Population(
        frame.astype({"year": "int64", "kommunekode": "int64", "count": "int64"}), years, skipped
    )


def _check_complete(path: Path, frame: pd.DataFrame, codes: set[int]) -> None:
    """Every year must hold every municipality by band and sex: a year with holes would be
    used as if it were complete."""
    for year, part in frame.groupby("year"):
        missing = sorted(codes - set(part["kommunekode"]))
        if missing:
            names = ", ".join(str(k) for k in missing[:5]) + (" …" if len(missing) > 5 else "")
            raise Folk1aError(f"{path.name}: {year} mangler {len(missing)} kommuner ({names})")
        cells = part.groupby("kommunekode").size()
        short = cells[cells < 2 * len(AGE_GROUPS)]
        if len(short):
            raise Folk1aError(
                f"{path.name}: {year} mangler aldersgrupper eller køn for kommune {int(short.index[0])}"
            )
