"""naersund.parsing.parse_int: ASCII digits only, bounded length and range, Danish messages."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from naersund.errors import InputError
from naersund.parsing import IntegerError, parse_int


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0", 0), ("7", 7), ("165", 165), ("0165", 165), ("-3", -3), ("999999999", 999999999)],
)
def test_it_reads_ascii_digits(text: str, expected: int) -> None:
    assert parse_int(text, field="kommune") == expected


@pytest.mark.parametrize(
    "text",
    [
        "²",  # str.isdigit() is true, int() raises ValueError
        "¹⁶⁵",  # superscript kommunekode
        "١٦٥",  # Arabic-Indic digits: int() accepts them as 165
        "１６５",  # fullwidth digits: int() accepts them too
        "१६५",  # Devanagari
        " 165",
        "165 ",
        "165\n",  # a regular expression with $ would let this through
        "+165",
        "1_65",
        "16.5",
        "1e3",
        "0x1f",
        "abc",
        "-",
        "--1",
        "165\x00",
    ],
)
def test_it_refuses_anything_but_ascii_digits(text: str) -> None:
    with pytest.raises(IntegerError) as info:
        parse_int(text, field="kommune")
    assert info.value.field == "kommune"
    assert str(info.value).startswith("kommune: '")
    assert str(info.value).endswith("' er ikke et heltal (kun cifrene 0-9).")


def test_the_messages_are_danish_and_name_the_field() -> None:
    def message(text: str, **kw: int) -> str:
        with pytest.raises(IntegerError) as info:
            parse_int(text, field="aar", **kw)
        return str(info.value)

    assert message("²") == "aar: '²' er ikke et heltal (kun cifrene 0-9)."
    assert message("") == "aar: mangler et heltal."
    assert message("12345", max_digits=4) == "aar: tallet har 5 cifre; højst 4 er tilladt."
    assert (
        message("1999", min_value=2000, max_value=2100)
        == "aar: 1999 skal være mellem 2000 og 2100."
    )
    assert message("-1", min_value=0) == "aar: -1 skal være mindst 0."
    assert message("2101", max_value=2100) == "aar: 2101 må højst være 2100."


def test_a_5000_digit_number_is_refused_without_converting_it() -> None:
    # int() of more than 4,300 digits raises ValueError (CPython's limit); the length check
    # comes first, and the message does not repeat the whole text
    with pytest.raises(IntegerError) as info:
        parse_int("9" * 5000, field="release")
    assert str(info.value) == "release: tallet har 5000 cifre; højst 9 er tilladt."
    with pytest.raises(IntegerError) as info:
        parse_int("²" * 5000, field="release")
    assert str(info.value) == "release: '" + "²" * 20 + "…' er ikke et heltal (kun cifrene 0-9)."


def test_it_is_an_input_error_that_the_cli_prints_as_it_is() -> None:
    assert issubclass(IntegerError, InputError)


@given(st.text(max_size=30))
def test_any_text_is_an_int_in_bounds_or_an_integer_error(text: str) -> None:
    try:
        value = parse_int(text, field="x", min_value=0, max_value=10**6, max_digits=7)
    except IntegerError:
        return
    assert 0 <= value <= 10**6
    assert text.isascii() and text.isdigit()
