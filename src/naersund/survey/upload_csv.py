"""Reading an uploaded CSV (UTF-8 with or without BOM, or Windows-1252; ``;`` or ``,``), within
the limits of :class:`naersund.survey.upload_limits.ImportLimits`."""

from __future__ import annotations

import codecs
import csv
import io
import re

from naersund import fmt
from naersund.survey.upload_limits import (
    Clock,
    ImportFileError,
    ImportLimits,
    Table,
    too_long,
)

LINE_END = re.compile(r"\r\n|\r|\n")


def read_csv(data: bytes, filename: str, limits: ImportLimits, clock: Clock) -> Table:
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    if not body.strip():
        raise ImportFileError([f"{filename}: filen er tom."])
    if b"\x00" in body:
        raise ImportFileError(
            [
                f"{filename}: filen indeholder NUL-tegn og er ikke en tekstfil i UTF-8 eller "
                "Windows-1252 (er den gemt som UTF-16 eller som et regneark?)."
            ]
        )
    try:
        text = body.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError:
        # Latin-1 maps every byte to one character, so the CSV structure (all ASCII in both
        # encodings) is read as it is, and each row's bytes can be told apart afterwards.
        text = body.decode("latin-1")
        utf8 = False
    records = _csv_records(text, filename, limits, clock)
    if not utf8:
        records = _decode_rows(records, filename)
    headers = [h.strip() for h in records[0][1]]
    return Table(filename, headers, records[1:], kind="csv")


def _csv_records(
    text: str, filename: str, limits: ImportLimits, clock: Clock
) -> list[tuple[int, list[str]]]:
    first = LINE_END.split(text, maxsplit=1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    cells = 0
    number = 0
    while True:
        number += 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ImportFileError(
                [_csv_problem(filename, number, str(exc), delimiter, limits)]
            ) from None
        if number > limits.max_rows:
            raise ImportFileError(
                [
                    f"{filename}, række {number}: filen har mere end {fmt.plain(limits.max_rows)} "
                    f"rækker; grænsen er {fmt.plain(limits.max_rows)}."
                ]
            )
        if len(fields) > limits.max_columns:
            raise ImportFileError(
                [
                    f"{filename}, række {number}: rækken har {fmt.plain(len(fields))} felter; grænsen "
                    f"er {fmt.plain(limits.max_columns)}."
                ]
            )
        cells += len(fields)
        if cells > limits.max_cells:
            raise ImportFileError(
                [
                    f"{filename}, række {number}: filen har mere end {fmt.plain(limits.max_cells)} "
                    f"felter i alt; grænsen er {fmt.plain(limits.max_cells)}."
                ]
            )
        for col, value in enumerate(fields):
            if len(value) > limits.max_field_chars:
                raise ImportFileError([too_long(filename, number, col, limits)])
        if number % 256 == 0:
            clock.check()
        records.append((number, fields))
    clock.check()
    return records


def _csv_problem(filename: str, row: int, error: str, delimiter: str, limits: ImportLimits) -> str:
    """The csv module's error (English) as a Danish message about row ``row``."""
    if error == "unexpected end of data":
        return (
            f'{filename}, række {row}: et felt begynder med et anførselstegn ("), som aldrig '
            "lukkes, så resten af filen ville blive læst som en del af feltet. Luk "
            "anførselstegnet, eller fjern det."
        )
    if error.startswith("field larger than field limit"):
        return too_long(filename, row, None, limits)
    if "expected after" in error:
        return (
            f'{filename}, række {row}: efter et afsluttende anførselstegn (") skal der komme '
            f"'{delimiter}' eller en ny linje. Et anførselstegn inde i et felt i "
            'anførselstegn skrives to gange ("").'
        )
    return f"{filename}, række {row}: rækken kan ikke læses som CSV."


def _is_utf8(latin1: str) -> bool:
    try:
        latin1.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_rows(
    records: list[tuple[int, list[str]]], filename: str
) -> list[tuple[int, list[str]]]:
    """Rows read as Latin-1 decoded as UTF-8 or Windows-1252, the same for the whole file: a
    file whose rows mix the two is refused at the first row that differs."""
    first: tuple[int, str] | None = None
    encoding = "cp1252"
    for number, fields in records:
        texts = [f for f in fields if not f.isascii()]
        if not texts:
            continue
        # field by field, so that two fields' bytes never join into one character
        kind = "UTF-8" if all(_is_utf8(f) for f in texts) else "Windows-1252"
        if first is None:
            first = (number, kind)
            encoding = "utf-8" if kind == "UTF-8" else "cp1252"
        elif kind != first[1]:
            raise ImportFileError(
                [
                    f"{filename}, række {number}: rækken er skrevet i tegnsættet {kind}, men "
                    f"række {first[0]} er {first[1]}; filen blander to tegnsæt, så æ, ø og å "
                    "ville blive læst forkert. Gem hele filen i ét tegnsæt, helst UTF-8."
                ]
            )
    out: list[tuple[int, list[str]]] = []
    for number, fields in records:
        try:
            out.append((number, [f.encode("latin-1").decode(encoding) for f in fields]))
        except UnicodeDecodeError:
            raise ImportFileError(
                [
                    f"{filename}, række {number}: filen er hverken UTF-8 eller Windows-1252 og "
                    "kan ikke læses."
                ]
            ) from None
    return out
