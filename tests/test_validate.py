"""Row validation of canonical input: every rule with its exact message, encodings, delimiters."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from csv_rows import COLUMNS, GOOD
from naersund.errors import InputError
from naersund.registry import validate
from naersund.registry.ingest import find_table, ingest

HEAD = "Indlæsning afvist: 1 række med fejl; intet er skrevet."


def contacts_csv(*rows: dict[str, str], sep: str = ",") -> str:
    lines = [sep.join(COLUMNS)] + [sep.join(r[c] for c in COLUMNS) for r in rows]
    return "\n".join(lines) + "\n"


def row(**changes: str) -> dict[str, str]:
    return GOOD | changes


def errors(tmp_path: Path, files: dict[str, str | bytes], **kwargs: object) -> list[str]:
    """The lines of the InputError an ingest of ``files`` raises."""
    src = tmp_path / "src"
    for name, content in files.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "dest", **kwargs)  # type: ignore[arg-type]
    assert not (tmp_path / "dest").exists()
    return str(e.value).splitlines()


def contacts_out(dest: Path) -> list[dict[str, object]]:
    files = find_table(dest, "contacts")
    return [r for f in files for r in pq.read_table(f).to_pylist()]


def ingest_ok(tmp_path: Path, files: dict[str, str | bytes]) -> list[dict[str, object]]:
    src = tmp_path / "src"
    src.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (src / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    ingest(src, tmp_path / "dest")
    return contacts_out(tmp_path / "dest")


TS_HINT = "(forventet fx 2014-03-01T08:30:00 eller 2014-03-01 08:30)"
TZ_HINT = "(angiv dansk lokaltid uden tidszone)"
BOOL_HINT = "(forventet true/false, 1/0 eller ja/nej)"
CASES = [
    ("person_id", "", "'person_id': mangler værdi"),
    ("kommunekode", "999", "'kommunekode': ukendt kommunekode '999'"),
    ("kommunekode", "101.0", "'kommunekode': ukendt kommunekode '101.0'"),
    ("kommunekode", "Kbh", "'kommunekode': ukendt kommunekode 'Kbh'"),
    # digits of other scripts, which Python's int() and str.isdigit() take for 165 (issue 17)
    ("kommunekode", "¹⁶⁵", "'kommunekode': ukendt kommunekode '¹⁶⁵'"),
    ("kommunekode", "１６５", "'kommunekode': ukendt kommunekode '１６５'"),
    ("kommunekode", "١٦٥", "'kommunekode': ukendt kommunekode '١٦٥'"),

    ("kommunekode", "", "'kommunekode': mangler værdi"),
    ("sex", "X", "'sex': ukendt køn 'X' (forventet M eller F)"),
    ("sex", "", "'sex': mangler værdi"),
    ("birth_date", "1940-13-01", "'birth_date': ugyldig dato '1940-13-01' (forventet ÅÅÅÅ-MM-DD)"),
    ("birth_date", "01-01-1940", "'birth_date': ugyldig dato '01-01-1940' (forventet ÅÅÅÅ-MM-DD)"),
    ("start", "2014-02-30 08:00", f"'start': ugyldigt tidspunkt '2014-02-30 08:00' {TS_HINT}"),
    ("start", "2014-03-01", f"'start': ugyldigt tidspunkt '2014-03-01' {TS_HINT}"),
    ("start", "2014-03-01 24:00", f"'start': ugyldigt tidspunkt '2014-03-01 24:00' {TS_HINT}"),
    ("start", "01.03.2014 08:30", f"'start': ugyldigt tidspunkt '01.03.2014 08:30' {TS_HINT}"),
    ("start", "2014-03-01T08:30:00Z", f"'start': tidszone er ikke tilladt i '2014-03-01T08:30:00Z' {TZ_HINT}"),
    ("end", "2014-03-02 10:00+01:00", f"'end': tidszone er ikke tilladt i '2014-03-02 10:00+01:00' {TZ_HINT}"),
    ("end", "", "'end': mangler værdi"),
    ("acute", "måske", f"'acute': ugyldig sandhedsværdi 'måske' {BOOL_HINT}"),
    ("acute", "", "'acute': mangler værdi"),
    ("died", "yes", f"'died': ugyldig sandhedsværdi 'yes' {BOOL_HINT}"),
    ("primary_diagnosis", "J189", "'primary_diagnosis': ugyldig diagnosekode 'J189' (forventet SKS-kode med D-præfiks, fx DJ189)"),
    ("primary_diagnosis", "DJ18.9", "'primary_diagnosis': ugyldig diagnosekode 'DJ18.9' (forventet SKS-kode med D-præfiks, fx DJ189)"),
    ("primary_diagnosis", "", "'primary_diagnosis': mangler værdi"),
    ("end", "2014-03-01 07:00", "'end': slut '2014-03-01 07:00' er før start '2014-03-01T08:30:00'"),
    ("birth_date", "2014-03-02", "'birth_date': fødselsdato '2014-03-02' er efter kontaktens start '2014-03-01T08:30:00'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value", "message"), CASES, ids=[f"{c[0]}={c[1]!r}" for c in CASES]
)
def test_each_rule_rejects_with_its_message(
    tmp_path: Path, field: str, value: str, message: str
) -> None:
    lines = errors(
        tmp_path,
        {"contacts.csv": contacts_csv(row(), row(**({"person_id": "p2"} | {field: value})))},
    )
    assert lines == [HEAD, f"contacts.csv, række 3, felt {message}"]


ACCEPTED = [
    ("kommunekode", "0101", 101),
    ("sex", "f", "F"),
    ("start", "2014-03-01 08:30", "2014-03-01 08:30:00"),
    ("start", "2014-03-01T08:30:00.250", "2014-03-01 08:30:00.250000"),
    ("acute", "JA", True),
    ("acute", "Nej", False),
    ("acute", "0", False),
    ("died", "", False),
    ("died", "1", True),
    ("primary_diagnosis", " dj189 ", "DJ189"),
    ("hospital", "", None),
    ("end", "2014-03-01T08:30:00", "2014-03-01 08:30:00"),
    ("birth_date", "2014-03-01", "2014-03-01"),
]


@pytest.mark.parametrize(
    ("field", "value", "stored"), ACCEPTED, ids=[f"{c[0]}={c[1]!r}" for c in ACCEPTED]
)
def test_these_values_are_accepted(tmp_path: Path, field: str, value: str, stored: object) -> None:
    (out,) = ingest_ok(tmp_path, {"contacts.csv": contacts_csv(row(**{field: value}))})
    got = out[field]
    assert (str(got) if hasattr(got, "year") else got) == stored


def test_a_missing_required_column_names_the_file_and_what_it_has(tmp_path: Path) -> None:
    text = "person_id;sex\np1;M\n"
    lines = errors(tmp_path, {"contacts/a.csv": contacts_csv(row()), "contacts/b.csv": text})
    assert lines == [
        "contacts/b.csv: mangler de påkrævede kolonner 'kommunekode', 'birth_date', 'start', "
        "'end', 'acute', 'primary_diagnosis' (filen har: person_id, sex)"
    ]
    lines = errors(tmp_path, {"contacts.csv": contacts_csv(row()).replace("acute", "akut")})
    assert lines == [
        "contacts.csv: mangler den påkrævede kolonne 'acute' (filen har: person_id, kommunekode, "
        "sex, birth_date, start, end, akut, primary_diagnosis, specialty, hospital, died)"
    ]


def test_optional_columns_may_be_absent_and_unknown_ones_are_noted(tmp_path: Path) -> None:
    cols = [c for c in COLUMNS if c not in ("specialty", "hospital", "died")] + ["Ekstra"]
    text = ",".join(cols) + "\n" + ",".join(GOOD.get(c, "x") for c in cols) + "\n"
    src = tmp_path / "src"
    src.mkdir()
    (src / "contacts.csv").write_text(text, encoding="utf-8")
    report = ingest(src, tmp_path / "dest")
    assert report.messages == ["contacts.csv: ukendte kolonner springes over: Ekstra"]
    (out,) = contacts_out(tmp_path / "dest")
    assert (out["specialty"], out["hospital"], out["died"]) == (None, None, False)


@pytest.mark.parametrize("pass_rows", [25_000_000, 2, 1])
def test_duplicates_are_the_second_and_later_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pass_rows: int
) -> None:
    # the same copies whether the hashes are grouped at once or in passes (a national extract)
    monkeypatch.setattr(validate, "DUPLICATE_PASS_ROWS", pass_rows)
    a = contacts_csv(row(), row(person_id="p2"), row(primary_diagnosis="dj189"))
    b = contacts_csv(row(person_id="p2", start="2014-03-01 08:30"))
    lines = errors(tmp_path, {"contacts/a.csv": a, "contacts/b.csv": b})
    assert lines == [
        "Indlæsning afvist: 2 rækker med fejl; intet er skrevet.",
        "contacts/a.csv, række 4: dubletrække, identisk med række 2",
        "contacts/b.csv, række 2: dubletrække, identisk med contacts/a.csv, række 3",
    ]


def test_only_max_errors_are_listed_then_a_count(tmp_path: Path) -> None:
    bad = [row(person_id=f"p{i}", kommunekode="999") for i in range(1254)]
    lines = errors(tmp_path, {"contacts.csv": contacts_csv(row(), *bad)}, max_errors=20)
    assert len(lines) == 22
    assert lines[0] == "Indlæsning afvist: 1.254 rækker med fejl; intet er skrevet."
    assert lines[1] == "contacts.csv, række 3, felt 'kommunekode': ukendt kommunekode '999'"
    assert lines[20] == "contacts.csv, række 22, felt 'kommunekode': ukendt kommunekode '999'"
    assert lines[21] == "… og 1.234 fejl mere (i alt 1.254 afviste rækker)"


def test_population_rules(tmp_path: Path) -> None:
    pop = (
        "year,kommunekode,age_group,sex,count,ref_date\n"
        "2013,101,65-69,F,100,2013-01-01\n"
        "2013,101,65+,T,900,2013-01-01\n"
        "2013,0,total,T,5602536,2013-01-01\n"
        "2013,101,90-94,F,1,2013-01-01\n"
        "2013,101,70-74,F,-5,2013-01-01\n"
        "2013,101,75-79,F,12.5,2013-01-01\n"
        "13,101,80-84,F,1,2013-01-01\n"
        "2013,101,85+,X,1,2013-01-01\n"
        "2013,999,85+,F,1,2013-01-01\n"
    )
    lines = errors(tmp_path, {"contacts.csv": contacts_csv(row()), "population.csv": pop})
    assert lines == [
        "Indlæsning afvist: 6 rækker med fejl; intet er skrevet.",
        "population.csv, række 5, felt 'age_group': ukendt aldersgruppe '90-94' (forventet 0-4, 5-9, …, 80-84, 85+)",
        "population.csv, række 6, felt 'count': negativt antal '-5'",
        "population.csv, række 7, felt 'count': ugyldigt antal '12.5' (forventet et helt tal)",
        "population.csv, række 8, felt 'year': ugyldigt år '13' (forventet fire cifre)",
        "population.csv, række 9, felt 'sex': ukendt køn 'X' (forventet M, F eller T)",
        "population.csv, række 10, felt 'kommunekode': ukendt kommunekode '999'",
    ]


def test_ready_for_discharge_rules(tmp_path: Path) -> None:
    ready = (
        "person_id,kommunekode,ready_date,discharge_date\n"
        "p1,101,2014-03-05,2014-03-05\n"
        "p1,101,2014-03-05,2014-03-04\n"
    )
    lines = errors(
        tmp_path, {"contacts.csv": contacts_csv(row()), "ready_for_discharge.csv": ready}
    )
    assert lines == [
        HEAD,
        "ready_for_discharge.csv, række 3, felt 'discharge_date': udskrivningsdato '2014-03-04' "
        "er før færdigbehandlingsdato '2014-03-05'",
    ]


def test_windows_1252_is_read_correctly(tmp_path: Path, encoding_check: str) -> None:
    names = [
        "Sygehus Sønderjylland, Aabenraa",
        "Ærø Sygehus",
        "Ålborg Øst",
        "Hospitalsenheden Vest",
    ]
    rows = [row(person_id=f"p{i}", hospital=f'"{n}"') for i, n in enumerate(names)]
    out = ingest_ok(tmp_path, {"contacts.csv": contacts_csv(*rows).encode("cp1252")})
    assert sorted(str(r["hospital"]) for r in out) == sorted(names)


def test_utf8_with_bom_semicolons_and_crlf_give_the_same_rows(tmp_path: Path) -> None:
    rows = [row(hospital="Ærø Sygehus"), row(person_id="p2", hospital='"Syd, Vest"')]
    plain = ingest_ok(tmp_path / "a", {"contacts.csv": contacts_csv(*rows)})
    excel = contacts_csv(*rows, sep=";").replace('"Syd, Vest"', "Syd, Vest").replace("\n", "\r\n")
    bom = ingest_ok(tmp_path / "b", {"contacts.csv": "\ufeff" + excel})
    assert bom == plain
    assert [r["hospital"] for r in plain] == ["Ærø Sygehus", "Syd, Vest"]


def test_an_undecodable_file_is_refused(tmp_path: Path, encoding_check: str) -> None:
    text = contacts_csv(row(hospital="Ærø")).encode("cp1252").replace(b"\xc6", b"\x81")
    at = text.index(b"\x81") + 1
    assert errors(tmp_path / "a", {"contacts.csv": text}) == [
        f"contacts.csv: kan hverken læses som UTF-8 eller Windows-1252 (byte 0x81 ved position "
        f"{at}); gem filen som UTF-8"
    ]
    utf16 = contacts_csv(row()).encode("utf-16")
    assert errors(tmp_path / "b", {"contacts.csv": utf16}) == [
        "contacts.csv: filen er gemt som UTF-16; gem den som UTF-8"
    ]
    assert errors(tmp_path / "c", {"contacts.csv": ""}) == [
        "contacts.csv: filen er tom (der mangler en linje med kolonnenavne)"
    ]


def test_broken_csv_structure_stops_with_the_row(tmp_path: Path) -> None:
    text = (
        contacts_csv(row(), row()).replace("false\n", "false,extra\n", 2).replace(",extra", "", 1)
    )
    assert errors(tmp_path / "a", {"contacts.csv": text}) == [
        "contacts.csv, række 3: forventede 11 felter, fandt 12 (tjek skilletegn og anførselstegn)"
    ]
    text = contacts_csv(row(), row(hospital='"Rigs'))
    assert errors(tmp_path / "b", {"contacts.csv": text}) == [
        "contacts.csv, række 3: anførselstegn åbnes, men lukkes ikke"
    ]
