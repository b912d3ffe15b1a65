"""Hostile and broken survey files (issue 17): every upload is bounded (size, unpacked size,
rows, columns, cells, field length, time), and every refusal is a Danish message naming the
file, the row and the field or cell, with nothing imported."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from naersund.catalogue import load_catalogue
from naersund.survey.importing import (
    LIMITS,
    ImportedRow,
    ImportFileError,
    ImportLimits,
    parse_answers,
    read_table,
)
from naersund.survey.questions import QuestionSpec, questions_from_catalogue
from upload_bombs import dimension_bomb, huge_sheet, many_cells, sheet_xml, small_book

HJEM = "status.hovedstaden_opfoelgende_hjemmebesoeg"
START = "startaar.hovedstaden_opfoelgende_hjemmebesoeg"
PILOT = "pilot.hovedstaden_telemedicin"
ROWS: list[list[object]] = [["kommunekode", HJEM], [165, "Planlagt"]]


@pytest.fixture(scope="module")
def specs() -> list[QuestionSpec]:
    return questions_from_catalogue(load_catalogue())


def imported(
    data: bytes, specs: list[QuestionSpec], name: str = "svar.csv", **kw: int
) -> list[ImportedRow]:
    return parse_answers(read_table(data, name), specs, **kw)


def refused(
    data: bytes,
    specs: list[QuestionSpec] | None = None,
    name: str = "svar.csv",
    limits: ImportLimits = LIMITS,
    **kw: int,
) -> list[str]:
    """The problems of a file that must be refused (as a whole: parse_answers returns no rows)."""
    with pytest.raises(ImportFileError) as exc:
        table = read_table(data, name, limits)
        parse_answers(table, specs or [], **kw)
    return exc.value.problems


# --- bombs, read in a child process whose memory is measured ---------------------------------

CHILD = """
import json, resource, sys
import openpyxl  # imported before the measurement starts, as in a running server
from naersund.survey.importing import ImportFileError, read_table

data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    table = read_table(data, "svar.xlsx")
    problems = []
except ImportFileError as exc:
    problems = exc.problems
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"problems": problems, "grew_mb": (after - before) / 1024}))
"""


def _limit_memory() -> None:
    # Unbounded code takes 3 GB on the dimension bomb: fail fast instead of swapping.
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def read_in_child(data: bytes, tmp_path: Path) -> tuple[list[str], float]:
    path = tmp_path / "svar.xlsx"
    path.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_memory,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    return result["problems"], result["grew_mb"]


def test_a_dimension_bomb_is_refused_at_once_in_little_memory(tmp_path: Path) -> None:
    data = dimension_bomb(ROWS)
    assert len(data) < 6000
    problems, grew_mb = read_in_child(data, tmp_path)
    assert problems == [
        "svar.xlsx: regnearket angiver sit område som A1:XFD20000 (20.000 rækker og 16.384 "
        "kolonner); grænsen er 1.000 rækker og 1.000 kolonner."
    ]
    assert grew_mb < 50


def test_a_sheet_of_300_mb_unpacked_is_refused_before_unpacking(tmp_path: Path) -> None:
    data = huge_sheet(300)
    assert len(data) < LIMITS.max_bytes  # passes the size of the upload
    problems, grew_mb = read_in_child(data, tmp_path)
    assert problems == ["svar.xlsx: XLSX-filen fylder 300,5 MB udpakket; grænsen er 20 MB."]
    assert grew_mb < 50


def test_a_row_of_150_000_cells_is_refused_at_the_cell_limit(tmp_path: Path) -> None:
    problems, grew_mb = read_in_child(many_cells(150_000), tmp_path)
    assert problems == [
        "svar.xlsx, række 1: regnearket har mere end 100.000 celler; grænsen er 100.000."
    ]
    assert grew_mb < 50


def test_a_part_that_lies_about_its_unpacked_size_reads_as_broken() -> None:
    """Python's zipfile unpacks no more than a part's stated size, so a bomb that states a
    small size is cut off there and fails its checksum."""
    import io
    import struct
    import zipfile

    from upload_bombs import SHEET

    data = bytearray(huge_sheet(100))
    name = SHEET.encode()
    at = 0
    while True:  # the sheet's entry in the central directory
        at = data.index(b"PK\x01\x02", at + 1)
        length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + length]) == name:
            break
    struct.pack_into("<I", data, at + 24, 1000)  # its uncompressed size
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(SHEET).file_size == 1000
    assert refused(bytes(data), name="svar.xlsx") == ["svar.xlsx: filen kan ikke læses som XLSX."]


# --- each limit, with small files and small limits ---------------------------------------------


def test_a_declared_size_within_the_limits_is_not_trusted(specs: list[QuestionSpec]) -> None:
    """A sheet that declares A1:B2 but has a value in XFD5 or row 1,048,576 is refused by where
    its values are; a sheet that declares too much and has little is refused by the
    declaration."""
    head = '<row r="1"><c r="A1" t="inlineStr"><is><t>kommunekode</t></is></c></row>'
    assert refused(
        sheet_xml(head + '<row r="5"><c r="XFD5"><v>1</v></c></row>'), name="a.xlsx"
    ) == ["a.xlsx: celle XFD5 har en værdi efter kolonne ALL; grænsen er 1.000 kolonner."]
    far = '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    assert refused(sheet_xml(head + far), name="a.xlsx") == [
        "a.xlsx: celle A1048576 har en værdi efter række 1.000; grænsen er 1.000 rækker."
    ]
    # an empty but styled cell far out is no value and does not widen what is read
    styled = '<row r="2"><c r="A2"><v>165</v></c><c r="XFD2" s="0"/></row>'
    table = read_table(sheet_xml(head + styled), "a.xlsx")
    assert table.headers == ["kommunekode"] and table.rows == [(2, ["165"])]


def test_the_xlsx_limits_name_the_limit() -> None:
    rows = sheet_xml("".join(f"<row><c><v>{i}</v></c></row>" for i in range(6)))
    assert refused(rows, name="a.xlsx", limits=ImportLimits(max_rows=4)) == [
        "a.xlsx: celle A5 har en værdi efter række 4; grænsen er 4 rækker."
    ]
    columns = sheet_xml("<row><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>")
    assert refused(columns, name="a.xlsx", limits=ImportLimits(max_columns=2)) == [
        "a.xlsx: celle C1 har en værdi efter kolonne B; grænsen er 2 kolonner."
    ]
    data = small_book([["kommunekode", HJEM], *[[165, "Planlagt"]] * 5])
    assert refused(data, name="a.xlsx", limits=ImportLimits(max_columns=1)) == [
        "a.xlsx: regnearket angiver sit område som A1:B6 (6 rækker og 2 kolonner); grænsen er "
        "1.000 rækker og 1 kolonner."
    ]
    assert refused(data, name="a.xlsx", limits=ImportLimits(max_cells=11)) == [
        "a.xlsx, række 6: regnearket har mere end 11 celler; grænsen er 11."
    ]
    assert refused(
        data, name="a.xlsx", limits=ImportLimits(max_field_chars=len("kommunekode"))
    ) == ["a.xlsx, række 1, kolonne B: feltet er længere end 11 tegn (grænsen)."]
    assert refused(data, name="a.xlsx", limits=ImportLimits(max_parts=3)) == [
        "a.xlsx: XLSX-filen består af 9 dele; grænsen er 3."
    ]
    assert refused(data, name="a.xlsx", limits=ImportLimits(max_unpacked_bytes=1024)) == [
        "a.xlsx: XLSX-filen fylder 17 KB udpakket; grænsen er 1 KB."
    ]
    assert refused(data, name="a.xlsx", limits=ImportLimits(max_seconds=0)) == [
        "a.xlsx: indlæsningen har taget mere end 0 sekunder (grænsen) og er stoppet; filen er "
        "for stor eller for indviklet."
    ]


def test_the_csv_limits_name_the_limit() -> None:
    data = ("kommunekode;tilbagemelding\r\n" + "165;Planlagt\r\n" * 5).encode()
    assert refused(data, limits=ImportLimits(max_rows=4)) == [
        "svar.csv, række 5: filen har mere end 4 rækker; grænsen er 4."
    ]
    assert refused(data, limits=ImportLimits(max_columns=1)) == [
        "svar.csv, række 1: rækken har 2 felter; grænsen er 1."
    ]
    assert refused(data, limits=ImportLimits(max_cells=5)) == [
        "svar.csv, række 3: filen har mere end 5 felter i alt; grænsen er 5."
    ]
    long = "kommunekode;tilbagemelding\r\n165;Vi følger op på målene\r\n".encode()
    assert refused(long, limits=ImportLimits(max_field_chars=14)) == [
        "svar.csv, række 2, kolonne B: feltet er længere end 14 tegn (grænsen)."
    ]
    assert refused(data, limits=ImportLimits(max_seconds=0)) == [
        "svar.csv: indlæsningen har taget mere end 0 sekunder (grænsen) og er stoppet; filen er "
        "for stor eller for indviklet."
    ]
    assert refused(data, limits=ImportLimits(max_bytes=len(data) - 1)) == [
        "svar.csv: filen fylder mere end 1 KB (grænsen); del den op, eller fjern det, der ikke "
        "skal indlæses."
    ]
    assert read_table(data, "svar.csv", ImportLimits(max_bytes=len(data))).rows[-1] == (
        6,
        ["165", "Planlagt"],
    )


def test_a_file_over_5_mb_is_refused_before_it_is_read() -> None:
    data = b"kommunekode;tilbagemelding\r\n" + b"165;" + b"x" * (5 * 1024 * 1024) + b"\r\n"
    assert refused(data) == [
        "svar.csv: filen fylder mere end 5 MB (grænsen); del den op, eller fjern det, der ikke "
        "skal indlæses."
    ]


def test_a_csv_field_beyond_the_csv_module_s_own_limit_is_refused_in_danish() -> None:
    data = b"kommunekode;tilbagemelding\r\n165;" + b"x" * 200_000 + b"\r\n"
    assert refused(data) == ["svar.csv, række 2: feltet er længere end 20.000 tegn (grænsen)."]


def test_an_xml_part_with_a_dtd_is_refused() -> None:
    """Entities are how an XML bomb (billion laughs) starts; a spreadsheet has no DTD."""
    from upload_bombs import SHEET, replace_part

    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
        b'"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData><row><c><v>&lol2;</v></c></row></sheetData></worksheet>"
    )
    data = replace_part(small_book(ROWS), SHEET, [laughs])
    assert refused(data, name="a.xlsx") == [
        "a.xlsx: XLSX-filen indeholder en DTD (i xl/worksheets/sheet1.xml), som et regneark "
        "ikke bruger; filen indlæses ikke."
    ]


# --- formulas -------------------------------------------------------------------------------


def test_formula_cells_are_refused_with_the_cell_named(specs: list[QuestionSpec]) -> None:
    """With data_only a formula reads as its cached value, or as empty when the writer left
    none (openpyxl, many tools): the answer vanished without a word."""
    data = small_book(
        [
            ["kommunekode", "kommune", START],
            [165, "Albertslund", 2013],
            [101, "København", "=2000+13"],
            [147, "=VLOOKUP(A4,Ark2!A:B,2,FALSE)", 2014],
        ]
    )
    assert refused(data, specs, name="svar.xlsx") == [
        f"svar.xlsx, række 3, kolonne C ({START}): Celle C3 indeholder en formel; indsæt værdien "
        "i stedet.",
        "svar.xlsx, række 4, kolonne B (kommune): Celle B4 indeholder en formel; indsæt værdien i "
        "stedet.",
    ]


# --- CSV structure ----------------------------------------------------------------------------


def test_an_unclosed_quote_is_refused_not_swallowing_the_rows_after_it(
    specs: list[QuestionSpec],
) -> None:
    """The issue's file: '165;"oops' and two rows; 1 municipality was imported and the other
    rows became Albertslund's tilbagemelding."""
    data = b'kommunekode;tilbagemelding\r\n165;"oops\r\n851;Fint\r\n101;Fint\r\n'
    assert refused(data, specs) == [
        'svar.csv, række 2: et felt begynder med et anførselstegn ("), som aldrig lukkes, så '
        "resten af filen ville blive læst som en del af feltet. Luk anførselstegnet, eller fjern "
        "det."
    ]
    # closed later by another quote: the text after it gives it away
    data = f'kommunekode;{HJEM};tilbagemelding\r\n165;"oops;x\r\n851;Planlagt;"Fint"\r\n'.encode()
    assert refused(data, specs) == [
        "svar.csv, række 2: efter et afsluttende anførselstegn (\") skal der komme ';' eller en "
        'ny linje. Et anførselstegn inde i et felt i anførselstegn skrives to gange ("").'
    ]


def test_a_line_break_is_allowed_in_free_text_only(specs: list[QuestionSpec]) -> None:
    data = f'kommunekode;kommune;{HJEM};tilbagemelding\r\n165;"Albert\r\nslund";"Plan\nlagt";x\r\n'
    assert refused(data.encode(), specs) == [
        "svar.csv, række 2, kolonne B (kommune): feltet fortsætter over flere linjer, hvilket "
        'kun fritekst må; mangler et afsluttende anførselstegn (")?',
        f"svar.csv, række 2, kolonne C ({HJEM}): feltet fortsætter over flere linjer, hvilket "
        'kun fritekst må; mangler et afsluttende anførselstegn (")?',
    ]
    # free text over two lines is fine ...
    text = "Vi følger op.\r\nNæste år: mere."
    good = f'kommunekode;{HJEM};tilbagemelding\r\n165;Planlagt;"{text}"\r\n'.encode()
    assert [(r.row, r.tilbagemelding) for r in imported(good, specs)] == [(2, text)]
    # ... unless a line of it looks like the next row (a quote closed too late)
    late = f'kommunekode;tilbagemelding;{HJEM}\r\n165;"Vi følger op\r\n851;Fint;Planlagt\r\n101;Fint";Planlagt\r\n'
    assert refused(late.encode(), specs) == [
        "svar.csv, række 2, kolonne B (tilbagemelding): feltet fortsætter på en linje, der "
        "ligner en ny række ('851;…'); mangler et afsluttende anførselstegn (\")?"
    ]


def test_a_row_with_a_wrong_number_of_fields_is_refused(specs: list[QuestionSpec]) -> None:
    data = f"kommunekode;{HJEM};tilbagemelding\r\n165;Planlagt;x\r\n851;Planlagt\r\n101;Planlagt;x;\r\n"
    assert refused(data.encode(), specs) == [
        "svar.csv, række 3: rækken har kun 2 felter, men der er 3 kolonnenavne.",
        "svar.csv, række 4: rækken har 4 felter, men der er kun 3 kolonnenavne.",
    ]


# --- encodings --------------------------------------------------------------------------------


def test_a_file_mixing_utf8_and_windows_1252_is_refused_at_the_row_where_it_changes(
    specs: list[QuestionSpec],
) -> None:
    data = (
        "kommunekode;tilbagemelding\r\n165;Fint\r\n851;Går godt\r\n".encode()
        + "101;Går også godt\r\n".encode("cp1252")
    )
    assert refused(data, specs) == [
        "svar.csv, række 4: rækken er skrevet i tegnsættet Windows-1252, men række 3 er UTF-8; "
        "filen blander to tegnsæt, så æ, ø og å ville blive læst forkert. Gem hele filen i ét "
        "tegnsæt, helst UTF-8."
    ]
    # told field by field: 'Ã' and '¸' in Windows-1252 are the bytes of 'ø' in UTF-8 when joined
    split = "kommunekode;kommune;tilbagemelding\r\n165;;Går\r\n".encode() + "101;Ã;¸\r\n".encode(
        "cp1252"
    )
    assert refused(split, specs)[0].startswith(
        "svar.csv, række 3: rækken er skrevet i tegnsættet Windows-1252, men række 2 er UTF-8;"
    )
    # each on its own is read right
    for encoding in ("utf-8", "utf-8-sig", "cp1252"):
        one = "kommunekode;tilbagemelding\r\n851;Går godt\r\n101;Søger\r\n".encode(encoding)
        assert [r.tilbagemelding for r in imported(one, specs)] == ["Går godt", "Søger"]


def test_a_utf16_file_is_refused_in_danish() -> None:
    assert refused("kommunekode;tilbagemelding\r\n165;Fint\r\n".encode("utf-16")) == [
        "svar.csv: filen indeholder NUL-tegn og er ikke en tekstfil i UTF-8 eller Windows-1252 "
        "(er den gemt som UTF-16 eller som et regneark?)."
    ]


# --- numbers and years --------------------------------------------------------------------------


def test_unicode_digits_and_overlong_numbers_are_refused_not_crashing(
    specs: list[QuestionSpec],
) -> None:
    """'¹⁶⁵'.isdigit() is true but int('¹⁶⁵') raises; a 5,000-digit int() raises too."""
    data = (
        f"kommunekode;{START};{PILOT};fri.antal-akutpladser\r\n"
        "¹⁶⁵;;;\r\n"
        f"{'9' * 5000};;;\r\n"
        "101;²⁰¹³;sammen: ¹⁴⁷;٣\r\n"
    ).encode()
    assert refused(data, specs) == [
        "svar.csv, række 2, kolonne A (kommunekode): '¹⁶⁵' er ikke en kommunekode.",
        f"svar.csv, række 3, kolonne A (kommunekode): '{'9' * 39}…' er ikke en kommunekode.",
        f"svar.csv, række 4, kolonne B ({START}): Årstallet skal være et helt tal, ikke '²⁰¹³'.",
        f"svar.csv, række 4, kolonne C ({PILOT}): '¹⁴⁷' er ikke en kommunekode.",
        "svar.csv, række 4, kolonne D (fri.antal-akutpladser): Svaret skal være et tal, ikke '٣'.",
    ]


def test_years_before_1990_or_after_this_year_are_refused(specs: list[QuestionSpec]) -> None:
    data = f"kommunekode;{START}\r\n165;1899\r\n101;2027\r\n147;2026\r\n".encode()
    assert refused(data, specs, this_year=2026) == [
        f"svar.csv, række 2, kolonne B ({START}): Årstallet 1899 skal ligge mellem 1990 og 2026 "
        "(i år).",
        f"svar.csv, række 3, kolonne B ({START}): Årstallet 2027 skal ligge mellem 1990 og 2026 "
        "(i år).",
    ]
    ok = f"kommunekode;{START}\r\n147;2026\r\n".encode()
    assert [r.values for r in imported(ok, specs, this_year=2026)] == [{START: 2026}]


def test_the_import_docs_state_the_limits_as_they_are() -> None:
    """docs/survey-import.md cannot drift from ImportLimits."""
    docs = (Path(__file__).parents[1] / "docs" / "survey-import.md").read_text(encoding="utf-8")
    mb = 1024 * 1024
    stated = {
        "the file as uploaded": f"{LIMITS.max_bytes // mb} MB",
        "an XLSX unpacked": f"{LIMITS.max_unpacked_bytes // mb} MB",
        "parts of an XLSX": f"{LIMITS.max_parts:,}",
        "rows (": f"{LIMITS.max_rows:,}",
        "columns (": f"{LIMITS.max_columns:,}",
        "cells read": f"{LIMITS.max_cells:,}",
        "one cell's text": f"{LIMITS.max_field_chars:,} characters",
        "time spent": f"{LIMITS.max_seconds:g} seconds",
    }
    rows = {line for line in docs.splitlines() if line.startswith("| ")}
    for what, value in stated.items():
        assert any(r.startswith(f"| {what}") and r.endswith(f"| {value} |") for r in rows), what
