"""Budgets (BUDK32) and accounts (REGK31) in the statbank's export layout:
``OMRÅDE;FUNKTION;DRANST;ART;PRISENHED;TID;INDHOLD``, municipalities by name (short, official or
with the code first), ``Hele landet`` and regions that must not be added twice, sums of
functions, anlæg and kr. per citizen that must be left out, ``..`` for no figure; UTF-8 with or
without BOM and Windows-1252. Every error message is asserted whole.

The files are built in code from a rule (``_amount``), so the expected sums are worked out
independently of the reader.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from naersund.economy.statbank import read_statbank_accounts, table_of
from naersund.errors import InputError
from naersund.refdata import municipalities

MUNIS = municipalities()
HEADER = "OMRÅDE;FUNKTION;DRANST;ART;PRISENHED;TID;INDHOLD"
KMF = "4.62.81 Aktivitetsbestemt medfinansiering af sundhedsvæsenet"
TRAINING = "4.62.82 Kommunal genoptræning og vedligeholdelsestræning"
DRIFT, ALL, CURRENT = "1 Drift", "Art i alt", "Løbende priser (1.000 kr.)"


def _amount(kommune: int, function: str, year: int) -> int:
    return kommune * 10 + (7 if function == KMF else 3) + (year - 2013) * 1000


def _lines(years: tuple[int, ...] = (2013, 2014), area: str = "short") -> list[str]:
    lines = [HEADER]
    for year in years:
        for function in (KMF, TRAINING):
            total = sum(_amount(int(k), function, year) for k in MUNIS["kommunekode"])
            lines.append(f"Hele landet;{function};{DRIFT};{ALL};{CURRENT};{year};{total}")
            lines.append(f"Region Hovedstaden;{function};{DRIFT};{ALL};{CURRENT};{year};9")
            lines.append(f"Hele landet;4.62 Sundhedsudgifter m.v.;{DRIFT};{ALL};{CURRENT};{year};1")
            for k, name in zip(MUNIS["kommunekode"], MUNIS["name"], strict=True):
                label = {"short": name, "code": f"{k} {name}", "official": f"{name} Kommune"}
                if area == "official" and k in (101, 400):
                    label["official"] = {
                        101: "Københavns Kommune",
                        400: "Bornholms Regionskommune",
                    }[k]
                where = label[area]
                amount = _amount(int(k), function, year)
                lines.append(f"{where};{function};{DRIFT};{ALL};{CURRENT};{year};{amount}")
                lines.append(f"{where};{function};3 Anlæg;{ALL};{CURRENT};{year};5")
                lines.append(f"{where};{function};{DRIFT};{ALL};Kroner pr. indbygger;{year};77")
        lines.append(f"København;5.32.32 Pleje og omsorg;{DRIFT};{ALL};{CURRENT};{year};999")
    return lines


def _write(tmp_path: Path, lines: list[str], name: str = "BUDK32.csv", enc: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(enc))
    return path


@pytest.mark.parametrize("area", ["short", "code", "official"])
@pytest.mark.parametrize("enc", ["utf-8", "utf-8-sig", "cp1252"])
def test_it_reads_municipalities_and_leaves_out_sums(tmp_path: Path, area: str, enc: str) -> None:
    acc = read_statbank_accounts(_write(tmp_path, _lines(area=area), enc=enc))
    assert acc.table == "BUDK32" and acc.kind == "budget" and acc.years == [2013, 2014]
    assert len(acc.rows) == 2 * 2 * 98
    row = acc.rows[(acc.rows["kommunekode"] == 165) & (acc.rows["year"] == 2014)]
    got = dict(zip(row["function"], row["amount"], strict=True))
    assert got == {"4.62.81": 165 * 10 + 7 + 1000, "4.62.82": 165 * 10 + 3 + 1000}
    assert set(row["function_name"]) == {KMF[8:], TRAINING[8:]}
    # Denmark, the region and the 4.62 sum are not added; anlæg and kr. per citizen not kept
    assert acc.rows["amount"].sum() == sum(
        _amount(int(k), f, y)
        for k in MUNIS["kommunekode"]
        for f in (KMF, TRAINING)
        for y in (2013, 2014)
    )
    assert acc.skipped == {
        "Hele landet, regioner og landsdele": 12,
        "andre dranst end drift": 392,
        "andre prisenheder": 392,
        "andre funktioner": 2,
    }


def test_missing_amounts_are_missing_not_zero(tmp_path: Path) -> None:
    lines = _lines()
    lines = [line.replace(";2013;1653", ";2013;..") for line in lines]
    acc = read_statbank_accounts(_write(tmp_path, lines))
    cell = acc.rows[(acc.rows["kommunekode"] == 165) & (acc.rows["year"] == 2013)]
    assert math.isnan(float(cell.loc[cell["function"] == "4.62.82", "amount"].iloc[0]))


def test_the_table_comes_from_the_name_or_the_option(tmp_path: Path) -> None:
    assert table_of("REGK31_20261206.csv") == "REGK31"
    assert table_of("data.csv", "regk31") == "REGK31"
    with pytest.raises(InputError) as exc:
        table_of("data.csv")
    assert str(exc.value) == (
        "data.csv: filnavnet siger ikke, om filen er BUDK32 (budgetter) eller REGK31 "
        "(regnskaber); angiv tabellen (--tabel BUDK32 eller --tabel REGK31)"
    )


def _error(tmp_path: Path, lines: list[str], enc: str = "utf-8") -> str:
    with pytest.raises(InputError) as exc:
        read_statbank_accounts(_write(tmp_path, lines, enc=enc))
    return str(exc.value)


def _replace(lines: list[str], old: str, new: str) -> list[str]:
    """The lines with the first line holding ``old`` changed (its row number: index + 1)."""
    i = next(i for i, line in enumerate(lines) if old in line)
    return [*lines[:i], lines[i].replace(old, new), *lines[i + 1 :]]


def _row(lines: list[str], text: str) -> int:
    return next(i for i, line in enumerate(lines) if text in line) + 1


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("Albertslund;", "Albertslunde;", "OMRÅDE",
         "'Albertslunde' er hverken en af de 98 kommuner, en region eller Hele landet"),
        (f"{TRAINING};{DRIFT}", f"4.62.8 Genoptræning;{DRIFT}", "FUNKTION",
         "'4.62.8 Genoptræning' er ikke en funktion (fx '4.62.81 Aktivitetsbestemt "
         "medfinansiering af sundhedsvæsenet')"),
        (f";{DRIFT};", ";Dranst i alt;", "DRANST",
         "'Dranst i alt' er summen af alle dranst; vælg '1 Drift' i statistikbanken"),
        (f";{DRIFT};", ";Drift og anlæg;", "DRANST", "'Drift og anlæg' er ikke en dranst (fx '1 Drift')"),
        (f";{ALL};", ";;", "ART", "feltet er tomt; forventede fx 'Art i alt'"),
        (f";{CURRENT};", ";Mio. kr.;", "PRISENHED",
         "'Mio. kr.' er ikke en prisenhed (fx 'Løbende priser (1.000 kr.)')"),
        (";2013;", ";2013K1;", "TID", "'2013K1' er ikke et år (fx 2014)"),
        (";2013;1653", ";2013;1.653 kr", "INDHOLD",
         "'1.653 kr' er ikke et beløb i 1.000 kr. (fx 12345, -250 eller .. for ingen oplysning)"),
    ],
)  # fmt: skip
def test_each_bad_value_is_named_by_row_and_field(
    tmp_path: Path, old: str, new: str, field: str, message: str
) -> None:
    lines = _lines()
    if field == "OMRÅDE":
        old_line = next(line for line in lines if line.startswith(old))
        row, lines = (
            lines.index(old_line) + 1,
            _replace(lines, old_line, old_line.replace(old, new)),
        )
    else:
        row = next(i for i, line in enumerate(lines) if old in line and i > 0) + 1
        lines = _replace(lines, old, new)
    assert _error(tmp_path, lines) == f"BUDK32.csv, række {row}, felt '{field}': {message}"


def test_file_level_errors(tmp_path: Path) -> None:
    assert _error(tmp_path, []) == "BUDK32.csv: filen er tom"
    assert _error(tmp_path, ["OMRÅDE,FUNKTION,TID,INDHOLD"]) == (
        "BUDK32.csv, række 1: forventede overskrifter adskilt af semikolon, fx "
        "OMRÅDE;FUNKTION;DRANST;ART;PRISENHED;TID;INDHOLD"
    )
    assert _error(tmp_path, ["OMRÅDE;FUNKTION;INDHOLD"]) == (
        "BUDK32.csv, række 1: kolonnen TID mangler; en eksport fra statistikbanken har "
        "OMRÅDE;FUNKTION;DRANST;ART;PRISENHED;TID;INDHOLD"
    )
    assert _error(tmp_path, [HEADER.replace("ART", "GRUPPERING")]) == (
        "BUDK32.csv, række 1: kolonnen GRUPPERING kendes ikke (en ekstra variabel ville tælle "
        "beløbene flere gange); forventede OMRÅDE;FUNKTION;DRANST;ART;PRISENHED;TID;INDHOLD"
    )
    lines = _lines()
    assert _error(tmp_path, [*lines[:5], "Albertslund;x", *lines[5:]]) == (
        "BUDK32.csv, række 6: 2 felter, men overskriften har 7"
    )
    dup = next(line for line in lines if line.startswith("Albertslund;"))
    assert _error(tmp_path, [*lines, dup]) == (
        f"BUDK32.csv, række {len(lines) + 1}: samme celle som række {lines.index(dup) + 1}"
    )
    no_ballerup = [line for line in lines if not line.startswith("Ballerup;")]
    assert _error(tmp_path, no_ballerup) == "BUDK32.csv: 2013 mangler 1 kommuner (151)"
    only_anlaeg = [lines[0], *(line.replace(DRIFT, "3 Anlæg") for line in lines[1:])]
    assert _error(tmp_path, only_anlaeg) == (
        "BUDK32.csv: ingen rækker med DRANST '1 Drift'; vælg det i statistikbanken"
    )
    other = [lines[0], f"København;5.32.32 Pleje;{DRIFT};{ALL};{CURRENT};2013;1"]
    assert _error(tmp_path, other) == (
        "BUDK32.csv: ingen rækker med de 98 kommuner og sundhedsområdets funktioner (4.62.)"
    )


def test_a_file_mixing_encodings_is_refused(tmp_path: Path) -> None:
    lines = _lines()
    path = tmp_path / "BUDK32.csv"
    head = ("\n".join(lines[:3]) + "\n").encode("utf-8")
    tail = ("\n".join(lines[3:]) + "\n").encode("cp1252")
    path.write_bytes(head + tail)
    with pytest.raises(InputError) as exc:
        read_statbank_accounts(path)
    first_cp1252 = 3 + next(i for i, line in enumerate(lines[3:]) if not line.isascii()) + 1
    assert str(exc.value) == (
        f"BUDK32.csv, række {first_cp1252}: filen skifter tegnsæt (række 1 er UTF-8, denne er "
        "Windows-1252); hent den igen fra statistikbanken"
    )
