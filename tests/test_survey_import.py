"""Reading a survey tool's export: encodings, separators, XLSX, and every message naming row and
column."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from naersund.catalogue import load_catalogue
from naersund.survey.importing import (
    ImportFileError,
    Table,
    column_letter,
    parse_answers,
    read_table,
)
from naersund.survey.questions import QuestionSpec, questions_from_catalogue

HJEM = "status.hovedstaden_opfoelgende_hjemmebesoeg"
START = "startaar.hovedstaden_opfoelgende_hjemmebesoeg"
PILOT = "pilot.hovedstaden_telemedicin"
NIVEAUER = "fri.ledelsesinformation-niveauer"


@pytest.fixture(scope="module")
def specs() -> list[QuestionSpec]:
    return questions_from_catalogue(load_catalogue())


def problems(
    data: bytes, specs: list[QuestionSpec], name: str = "svar.csv", **kw: int
) -> list[str]:
    with pytest.raises(ImportFileError) as exc:
        parse_answers(read_table(data, name), specs, **kw)
    return exc.value.problems


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("sep", [";", ","])
def test_csv_in_utf8_and_windows_1252_with_either_separator(
    specs: list[QuestionSpec], encoding: str, sep: str
) -> None:
    text = (
        f"kommunekode{sep}kommune{sep}{HJEM}{sep}{NIVEAUER}{sep}tilbagemelding\r\n"
        f'165{sep}Albertslund{sep}Implementeret{sep}"politisk,fagligt"{sep}Vi følger op på målene\r\n'
        f"151{sep}Ballerup{sep}planlagt{sep}-{sep}\r\n"
        f"{sep}{sep}{sep}{sep}\r\n"
    )
    rows = parse_answers(read_table(text.encode(encoding), "svar.csv"), specs)
    assert [(r.row, r.kommunekode, r.values, r.tilbagemelding) for r in rows] == [
        (
            2,
            165,
            {HJEM: "implementeret", NIVEAUER: ["politisk", "fagligt"]},
            "Vi følger op på målene",
        ),
        (3, 151, {HJEM: "planlagt", NIVEAUER: []}, None),
    ]


def test_xlsx_first_sheet(specs: list[QuestionSpec]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["kommunekode", HJEM, START, "fri.god-udskrivning", "fri.antal-akutpladser"])
    sheet.append([165, "Under implementering", 2013, "ja", 3.5])
    sheet.append([151.0, None, 2012.0, "nej", 0])
    out = io.BytesIO()
    book.save(out)
    rows = parse_answers(read_table(out.getvalue(), "svar.xlsx"), specs)
    assert [(r.row, r.kommunekode, r.values) for r in rows] == [
        (
            2,
            165,
            {
                HJEM: "under_implementering",
                START: 2013,
                "fri.god-udskrivning": True,
                "fri.antal-akutpladser": 3.5,
            },
        ),
        (3, 151, {START: 2012, "fri.god-udskrivning": False, "fri.antal-akutpladser": 0}),
    ]


def test_every_bad_cell_is_named_by_row_and_column(specs: list[QuestionSpec]) -> None:
    data = (
        f"kommunekode;{HJEM};{START};{PILOT}\n"
        "165;færdig;2013;nej\n"
        "abc;planlagt;;\n"
        "151;planlagt;i fjor;sammen: 151\n"
        "165;planlagt;;\n"
        "999;;;\n"
    ).encode()
    assert problems(data, specs) == [
        f"svar.csv, række 2, kolonne B ({HJEM}): Ukendt svarmulighed 'færdig'; brug "
        "'ikke_paabegyndt', 'planlagt', 'under_implementering' eller 'implementeret'.",
        "svar.csv, række 3, kolonne A (kommunekode): 'abc' er ikke en kommunekode.",
        f"svar.csv, række 4, kolonne C ({START}): Årstallet skal være et helt tal, ikke 'i fjor'.",
        f"svar.csv, række 4, kolonne D ({PILOT}): Kommunen kan ikke være pilot sammen med sig "
        "selv.",
        "svar.csv, række 5, kolonne A (kommunekode): Albertslund står også i række 2.",
        "svar.csv, række 6, kolonne A (kommunekode): '999' er ikke en kommunekode.",
    ]


def test_header_problems_are_reported_before_any_row(specs: list[QuestionSpec]) -> None:
    data = f"kommunekode;{HJEM};status.findes_ikke;{HJEM};\n165;planlagt;x;y;\n".encode()
    assert problems(data, specs) == [
        "svar.csv, række 1, kolonne C (status.findes_ikke): runden har intet spørgsmål med dette "
        "id.",
        f"svar.csv, række 1, kolonne D ({HJEM}): kolonnen findes også som kolonne B.",
        "svar.csv, række 1, kolonne E: kolonnen har intet navn.",
    ]
    assert problems(f"kommune;{HJEM}\nAlbertslund;planlagt\n".encode(), specs) == [
        "svar.csv, række 1: kolonnen 'kommunekode' mangler (første række skal være kolonnenavne)."
    ]


def test_a_kkr_imports_its_own_municipalities_only(specs: list[QuestionSpec]) -> None:
    data = f"kommunekode;{HJEM}\n165;planlagt\n851;planlagt\n".encode()
    assert problems(data, specs, region_code=1084) == [
        "svar.csv, række 3, kolonne A (kommunekode): Aalborg hører ikke til KKR Hovedstaden."
    ]


def test_another_kkr_s_question_cannot_be_answered(specs: list[QuestionSpec]) -> None:
    data = f"kommunekode;{HJEM}\n851;planlagt\n851;\n".encode()
    assert problems(data, specs) == [
        f"svar.csv, række 2, kolonne B ({HJEM}): spørgsmålet stilles kun til kommunerne i "
        "KKR Hovedstaden, og Aalborg hører til KKR Nordjylland; lad feltet stå tomt.",
        "svar.csv, række 3, kolonne A (kommunekode): Aalborg står også i række 2.",
    ]


def test_a_row_longer_than_the_header_and_an_empty_file(specs: list[QuestionSpec]) -> None:
    data = f"kommunekode;{HJEM}\n165;planlagt;ekstra\n".encode()
    assert problems(data, specs) == [
        "svar.csv, række 2: rækken har 3 felter, men der er kun 2 kolonnenavne."
    ]
    assert problems(b"", specs) == ["svar.csv: filen er tom."]
    assert problems(b"kommunekode;" + HJEM.encode() + b"\n;\n", specs) == [
        "svar.csv: filen har ingen rækker med svar."
    ]


def test_a_broken_xlsx_is_refused(specs: list[QuestionSpec]) -> None:
    assert problems(b"PK\x03\x04 not really a zip", specs, name="svar.xlsx") == [
        "svar.xlsx: filen kan ikke læses som XLSX."
    ]


def test_windows_1252_is_decoded(specs: list[QuestionSpec]) -> None:
    table = read_table(
        "kommunekode;tilbagemelding\n165;Sundhedsudvalg på tværs\n".encode("cp1252"), "x.csv"
    )
    assert isinstance(table, Table) and table.rows == [(2, ["165", "Sundhedsudvalg på tværs"])]


def test_the_import_docs_name_every_free_question_and_its_choices() -> None:
    """docs/survey-import.md cannot drift from FREE_QUESTIONS and the status scale."""
    from pathlib import Path

    from naersund.survey.questions import FREE_QUESTIONS, STATUS_LABELS

    docs = (Path(__file__).parents[1] / "docs" / "survey-import.md").read_text(encoding="utf-8")
    for spec in FREE_QUESTIONS:
        assert f"`{spec.qid}`" in docs
        for choice in spec.choices:
            assert f"`{choice.value}`" in docs, (spec.qid, choice.value)
    for value, label in STATUS_LABELS.items():
        assert f"`{value}`" in docs and f"`{label}`" in docs
