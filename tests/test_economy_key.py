"""An imported distribution key of the ØA lift (``kommunekode;andel``): shares or percentages
of all 98 municipalities, each error named by file, row and field."""

from __future__ import annotations

import pytest

from naersund.economy.key import read_key
from naersund.errors import InputError
from naersund.refdata import municipalities

CODES = [int(k) for k in municipalities()["kommunekode"]]


def _file(values: list[str], header: str = "kommunekode;andel") -> bytes:
    return "\n".join([header, *values]).encode("cp1252")


def test_shares_and_percentages_are_read_as_shares() -> None:
    shares = read_key(_file([f"{k};{1 / 98:.12f}".replace(".", ",") for k in CODES]), "n.csv")
    assert len(shares) == 98 and shares["share"].sum() == pytest.approx(1)
    percent = read_key(_file([f"{k},{100 / 98:.12f}" for k in CODES], "kommunekode,andel"), "p.csv")
    assert percent["share"].tolist() == pytest.approx([1 / 98] * 98)


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], "n.csv: 98 kommuner mangler (101, 147, 151, 153, 155 …)"),
        (["999;0,5"], "n.csv, række 2, felt 'kommunekode': '999' er ikke en af de 98 kommunekoder"),
        (["101;en del"], "n.csv, række 2, felt 'andel': 'en del' er ikke en andel (fx 0,0123)"),
        (["101;-0,1"], "n.csv, række 2, felt 'andel': '-0,1' er ikke en andel (fx 0,0123)"),
        (["101;0,5", "101;0,5"], "n.csv, række 3: kommune 101 står der to gange"),
        (["101;0,5;x"], "n.csv, række 2: 3 felter, men overskriften har 2"),
    ],
)
def test_each_error_is_named(lines: list[str], message: str) -> None:
    with pytest.raises(InputError) as exc:
        read_key(_file(lines), "n.csv")
    assert str(exc.value) == message


def test_shares_must_add_up() -> None:
    with pytest.raises(InputError) as exc:
        read_key(_file([f"{k};0,02" for k in CODES]), "n.csv")
    assert str(exc.value) == (
        "n.csv: andelene giver 1,9600 tilsammen; de skal give 1 (eller 100 i procent)"
    )
    with pytest.raises(InputError) as exc:
        read_key(_file([], header="kode;andel"), "n.csv")
    assert str(exc.value) == (
        "n.csv, række 1: kolonnen kommunekode mangler; forventede kommunekode;andel"
    )
    with pytest.raises(InputError) as exc:
        read_key(b"", "n.csv")
    assert str(exc.value) == "n.csv: filen er tom"
