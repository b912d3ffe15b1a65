"""LPR3 research extracts to canonical contacts: the mapping, the file kinds (CSV, Parquet, SAS
transport v5 and v8, SAS dataset), the column mapping file and the messages."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pyreadstat
import pytest
from click.testing import CliRunner

from naersund.cli import cli
from naersund.engine.compute import compute
from naersund.errors import InputError
from naersund.registry.ingest import find_table, ingest
from naersund.registry.lpr3_layout import Lpr3Options, read_column_map

DATA = Path(__file__).parent / "data" / "lpr3"
HEAD = (
    "PNR;DW_EK_KONTAKT;KOMMUNEKODE;DATO_START;TIDSPUNKT_START;DATO_SLUT;TIDSPUNKT_SLUT;"
    "PRIORITET;KONTAKTTYPE;AKTIONSDIAGNOSE;HOVEDSPECIALE_ANS;SORENHED_ANS"
)
KONTAKTER = [
    # acute, 4-digit kommunekode, time without seconds
    "P1;K1;0165;2019-03-01;08:30;2019-03-02;10:15:20;ATA1;ALCA00;DJ189;intern medicin;Herlev",
    # no AKTIONSDIAGNOSE: from diagnoser (the disproven A row is ignored); fractions kept;
    # ends on the date of death: died
    "P2;K2;101;01.03.2019;8:05:00.25;2019-03-01;23:59:59.999999;ATA3;ALCA00;;geriatri;Sjælland",
    # a virtual contact: not a contact
    "P1;K3;165;2019-03-04;10:00;2019-03-04;11:00;ATA3;ALCA20;DZ000;intern medicin;Herlev",
    # lower case type and priority, no specialty or unit
    "p3;K4;147;2019-12-31;23:00:00;2020-01-01;01:00;ata1;alca00;dr074;;",
]
DIAGNOSER = (
    "DW_EK_KONTAKT,DIAGNOSEKODE,DIAGNOSETYPE,SENERE_AFKRAEFTET\n"
    "K2,DJ440,A,Ja\nK2,DI10,A,Nej\nK2,DE11,B,\nK1,DJ441,A,\n"
)
PERSON = (
    "PNR,C_KON,D_FODDATO,D_DODDATO\n"
    "P1,M,1940-01-01,\nP2,K,15.06.1933,2019-03-01\np3,k,2000-02-29,2020-01-02\n"
)


def extract(
    src: Path, rows: list[str] = KONTAKTER, diag: str = DIAGNOSER, person: str = PERSON
) -> Path:
    src.mkdir(parents=True, exist_ok=True)
    (src / "kontakter.csv").write_text("\n".join([HEAD, *rows]) + "\n", encoding="utf-8")
    (src / "diagnoser.csv").write_text(diag, encoding="utf-8")
    (src / "CPR_PERSON.csv").write_text(person, encoding="utf-8")
    return src


def contacts(dest: Path) -> list[dict[str, object]]:
    t = pa.concat_tables([pq.read_table(f) for f in find_table(dest, "contacts")])
    t = t.drop_columns(["person_key"])
    # by person and start as the expectations read, then every other column so that the order
    # is total (two contacts of a person may start at the same time)
    first = ["person_id", "start"]
    keys = first + [c for c in t.column_names if c not in first]
    return t.sort_by([(c, "ascending") for c in keys]).to_pylist()


def contact(pid: str, kom: int, sex: str, born: dt.date, start: dt.datetime, end: dt.datetime,
            acute: bool, dx: str, spec: str | None, hosp: str | None, died: bool) -> dict[str, object]:  # fmt: skip
    return {
        "person_id": pid, "kommunekode": kom, "sex": sex, "birth_date": born, "start": start,
        "end": end, "acute": acute, "primary_diagnosis": dx, "specialty": spec,
        "hospital": hosp, "died": died,
    }  # fmt: skip


EXPECTED = [
    contact("P1", 165, "M", dt.date(1940, 1, 1), dt.datetime(2019, 3, 1, 8, 30),
            dt.datetime(2019, 3, 2, 10, 15, 20), True, "DJ189", "intern medicin", "Herlev", False),
    contact("P2", 101, "F", dt.date(1933, 6, 15), dt.datetime(2019, 3, 1, 8, 5, 0, 250000),
            dt.datetime(2019, 3, 1, 23, 59, 59, 999999), False, "DI10", "geriatri", "Sjælland",
            True),
    contact("p3", 147, "F", dt.date(2000, 2, 29), dt.datetime(2019, 12, 31, 23),
            dt.datetime(2020, 1, 1, 1), True, "DR074", None, None, False),
]  # fmt: skip
NOTE = "LPR3: 1 række med anden KONTAKTTYPE end ALCA00 (fysisk fremmøde) er udeladt (ALCA20: 1)"


def test_a_handmade_extract_maps_to_these_contacts(tmp_path: Path) -> None:
    report = ingest(extract(tmp_path / "src"), tmp_path / "dest", fmt="lpr3")
    assert contacts(tmp_path / "dest") == EXPECTED
    assert report.tables == {"contacts": 3}
    assert report.messages == [NOTE]
    record = (tmp_path / "dest" / "ingest.json").read_text(encoding="utf-8")
    assert '"format": "lpr3"' in record


def test_parquet_with_typed_columns_and_a_folder_of_files(
    tmp_path: Path, encoding_check: str
) -> None:
    """Parquet with real date and time types, the table split over a folder of files (here a
    CSV in Windows-1252 and a Parquet file), and CPR_PERSON as Parquet."""
    src = extract(tmp_path / "src")
    (src / "kontakter.csv").unlink()
    folder = src / "KONTAKTER"
    folder.mkdir()
    (folder / "a.csv").write_bytes(("\n".join([HEAD, *KONTAKTER[:2]]) + "\n").encode("cp1252"))
    rows = [r.split(";") for r in KONTAKTER[2:]]
    cols = HEAD.lower().split(";")
    table = pa.table({c: [r[i] or None for r in rows] for i, c in enumerate(cols)})
    table = table.set_column(
        3, "dato_start", pa.array([dt.date(2019, 3, 4), dt.date(2019, 12, 31)])
    )
    table = table.set_column(4, "tidspunkt_start", pa.array([dt.time(10), dt.time(23)]))
    pq.write_table(table, folder / "b.parquet")
    people = pd.read_csv(src / "CPR_PERSON.csv", dtype=str)
    pq.write_table(pa.Table.from_pandas(people, preserve_index=False), src / "cpr_person.parquet")
    (src / "CPR_PERSON.csv").unlink()
    report = ingest(src, tmp_path / "dest", fmt="lpr3")
    assert contacts(tmp_path / "dest") == EXPECTED
    assert report.messages == [NOTE]


def sas_frame(rows: list[str], names: dict[str, str] | None = None) -> pd.DataFrame:
    """The kontakter rows as a SAS dataset: dates, times as SAS date and time values."""
    cols = HEAD.split(";")
    data = [r.split(";") for r in rows]
    frame = pd.DataFrame({c: [d[i] for d in data] for i, c in enumerate(cols)})
    for c in ("DATO_START", "DATO_SLUT"):
        frame[c] = pd.Series([pd.Timestamp(v).date() for v in frame[c]], dtype=object)
    for c in ("TIDSPUNKT_START", "TIDSPUNKT_SLUT"):
        frame[c] = pd.Series([dt.time.fromisoformat(v) for v in frame[c]], dtype=object)
    frame["KOMMUNEKODE"] = frame["KOMMUNEKODE"].astype(float)
    return frame.rename(columns=names or {})


SAS_ROWS = [
    "P1;K1;0165;2019-03-01;08:30;2019-03-02;10:15:20;ATA1;ALCA00;DJ189;intern medicin;Herlev",
    "P2;K2;101;2019-03-01;08:05:00.25;2019-03-01;23:59:59.999999;ATA3;ALCA00;;geriatri;Sjælland",
    "P1;K3;165;2019-03-04;10:00;2019-03-04;11:00;ATA3;ALCA20;DZ000;intern medicin;Herlev",
    "p3;K4;147;2019-12-31;23:00:00;2020-01-01;01:00;ata1;alca00;dr074;;",
]
SHORT = {
    "PNR": "PNR", "DW_EK_KONTAKT": "KONTAKT", "KOMMUNEKODE": "KOMKODE", "DATO_START": "DSTART",
    "TIDSPUNKT_START": "TSTART", "DATO_SLUT": "DSLUT", "TIDSPUNKT_SLUT": "TSLUT",
    "PRIORITET": "PRIO", "KONTAKTTYPE": "KTYPE", "AKTIONSDIAGNOSE": "ADIAG",
    "HOVEDSPECIALE_ANS": "SPEC", "SORENHED_ANS": "ENHED",
}  # fmt: skip
MAP_YAML = "kontakter:\n" + "".join(f"  {k}: {v}\n" for k, v in SHORT.items() if k != v)


def test_sas_transport_v8_with_sas_dates_and_times(tmp_path: Path) -> None:
    src = extract(tmp_path / "src")
    (src / "kontakter.csv").unlink()
    pyreadstat.write_xport(sas_frame(SAS_ROWS), src / "kontakter.xpt", file_format_version=8)
    report = ingest(src, tmp_path / "dest", fmt="lpr3")
    assert contacts(tmp_path / "dest") == EXPECTED
    assert report.messages == [NOTE]


def test_a_sas_transport_file_in_windows_1252_is_read_as_such(tmp_path: Path) -> None:
    """A transport file does not name its encoding: text that is not UTF-8 is Windows-1252."""
    src = extract(tmp_path / "src")
    (src / "kontakter.csv").unlink()
    pyreadstat.write_xport(sas_frame(SAS_ROWS), tmp_path / "utf8.xpt", file_format_version=8)
    data = (tmp_path / "utf8.xpt").read_bytes()
    assert data.count("Sjælland".encode()) == 1
    (src / "kontakter.xpt").write_bytes(data.replace("Sjælland".encode(), b"Sj\xe6lland "))
    ingest(src, tmp_path / "dest", fmt="lpr3")
    assert contacts(tmp_path / "dest") == EXPECTED


def test_sas_transport_v5_with_short_names_through_a_column_map(tmp_path: Path) -> None:
    """v5 transport allows names of 8 characters: LPR3's names need the mapping file."""
    src = extract(tmp_path / "src")
    (src / "kontakter.csv").unlink()
    frame = sas_frame(SAS_ROWS, SHORT)
    pyreadstat.write_xport(frame, src / "kontakter.xpt", file_format_version=5)
    (tmp_path / "map.yaml").write_text(MAP_YAML, encoding="utf-8")
    options = Lpr3Options.from_file(tmp_path / "map.yaml")
    report = ingest(src, tmp_path / "dest", fmt="lpr3", lpr3_options=options)
    assert contacts(tmp_path / "dest") == EXPECTED
    assert report.messages == [NOTE.replace("KONTAKTTYPE", "KTYPE")]
    # without the map the short names are missing columns
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "dest2", fmt="lpr3")
    assert str(e.value) == (
        "kontakter.xpt: mangler de påkrævede kolonner 'DW_EK_KONTAKT', 'KOMMUNEKODE', "
        "'DATO_START', 'TIDSPUNKT_START', 'DATO_SLUT', 'TIDSPUNKT_SLUT', 'PRIORITET', "
        "'KONTAKTTYPE' (filen har: PNR, KONTAKT, KOMKODE, DSTART, TSTART, DSLUT, TSLUT, PRIO, "
        "KTYPE, ADIAG, SPEC, ENHED)"
    )


def test_messages_for_sas_rows_count_from_one_and_name_the_mapped_field(tmp_path: Path) -> None:
    src = extract(tmp_path / "src")
    (src / "kontakter.csv").unlink()
    rows = [SAS_ROWS[0], SAS_ROWS[0].replace("0165", "999").replace("K1", "K9")]
    pyreadstat.write_xport(sas_frame(rows, SHORT), src / "kontakter.xpt", file_format_version=5)
    (tmp_path / "map.yaml").write_text(MAP_YAML, encoding="utf-8")
    options = Lpr3Options.from_file(tmp_path / "map.yaml")
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "dest", fmt="lpr3", lpr3_options=options)
    assert str(e.value).splitlines() == [
        "Indlæsning afvist: 1 række med fejl; intet er skrevet.",
        "kontakter.xpt, række 2, felt 'KOMKODE': ukendt kommunekode '999'",
    ]


def test_a_sas_dataset_is_read_with_its_row_numbers(tmp_path: Path) -> None:
    """``tests/data/lpr3/kontakter.sas7bdat`` (see README.md there): three contacts, the
    second with kommunekode 999; dates and times are text in it, KOMMUNEKODE a number."""
    src = extract(tmp_path / "src")
    (src / "kontakter.csv").unlink()
    shutil.copy(DATA / "kontakter.sas7bdat", src / "kontakter.sas7bdat")
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "dest", fmt="lpr3")
    assert str(e.value).splitlines() == [
        "Indlæsning afvist: 1 række med fejl; intet er skrevet.",
        "kontakter.sas7bdat, række 2, felt 'KOMMUNEKODE': ukendt kommunekode '999'",
    ]
    report = ingest(src, tmp_path / "dest", fmt="lpr3", rejects=tmp_path / "rejects.csv")
    assert report.tables == {"contacts": 2}
    got = contacts(tmp_path / "dest")
    assert [(c["person_id"], c["start"], c["hospital"]) for c in got] == [
        ("P1", dt.datetime(2019, 3, 1, 8, 30), "Herlev Hospital"),
        ("P1", dt.datetime(2019, 3, 4, 10, 0, 15, 500000), "Sygehus Sønderjylland"),
    ]
    assert (tmp_path / "rejects.csv").read_text(encoding="utf-8-sig").splitlines() == [
        "fil,række,felt,årsag," + HEAD.replace(";", ","),
        "kontakter.sas7bdat,2,KOMMUNEKODE,ukendt kommunekode '999',P2,K2,999,2019-03-02,"
        "09:00:00,2019-03-02,12:00:00,ATA3,ALCA00,DI10,geriatri,Bispebjerg",
    ]


@pytest.mark.parametrize(
    ("cut", "message"),
    [
        ("header", "kan ikke læses som SAS-transportfil (.xpt): hovedet mangler eller er "
                   "beskadiget; filen er afkortet eller ikke en SAS-transportfil"),
        ("row", "filen er afkortet eller beskadiget: den slutter midt i række 3"),
        ("record", "filen er afkortet eller beskadiget: den slutter midt i række 4"),
        ("not-sas", "kan ikke læses som SAS-transportfil (.xpt): hovedet mangler eller er "
                    "beskadiget; filen er afkortet eller ikke en SAS-transportfil"),
    ],
)  # fmt: skip
def test_a_truncated_or_corrupt_sas_file_is_refused_and_nothing_is_written(
    tmp_path: Path, cut: str, message: str
) -> None:
    src = extract(tmp_path / "src")
    (src / "kontakter.csv").unlink()
    whole = tmp_path / "whole.xpt"
    pyreadstat.write_xport(sas_frame(SAS_ROWS), whole, file_format_version=8)
    data = whole.read_bytes()
    # cut in the header, inside a row, or the last 80-byte record off the end
    size = {"header": 300, "row": len(data) - 200, "record": len(data) - 80, "not-sas": 0}[cut]
    (src / "kontakter.xpt").write_bytes(
        data[:size] if size else (src / "diagnoser.csv").read_bytes()
    )
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "keep.txt").write_text("før", encoding="utf-8")
    with pytest.raises(InputError) as e:
        ingest(src, dest, fmt="lpr3")
    assert str(e.value) == f"kontakter.xpt: {message}"
    assert [p.name for p in dest.iterdir()] == ["keep.txt"]
    # no work folder or half-written version is left beside it (the ingest lock file may stay)
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith(".dest")]
    assert [n for n in left if n != ".dest.lock"] == []


def test_a_folder_of_sas_files_is_converted_side_by_side_in_order(tmp_path: Path) -> None:
    """A national extract has a SAS file per table and year, converted two at a time
    (sas.SAS_WORKERS): the rows and their numbers are the files' own, in the folder's order,
    and a broken file among them is named, with nothing written."""
    src = extract(tmp_path / "src")
    (src / "kontakter.csv").unlink()
    folder = src / "kontakter"
    folder.mkdir()
    for i, row in enumerate(SAS_ROWS):  # one file per row, the last one's row is bad
        bad = row.replace("2020-01-01", "2019-12-30")
        frame = sas_frame([bad if i == 3 else row])
        pyreadstat.write_xport(frame, folder / f"k{i}.xpt", file_format_version=8)
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "dest", fmt="lpr3")
    assert str(e.value).splitlines()[1:] == [
        "kontakter/k3.xpt, række 1, felt 'DATO_SLUT': slut '2019-12-30 01:00:00' er før start "
        "'2019-12-31 23:00:00'"
    ]
    pyreadstat.write_xport(sas_frame(SAS_ROWS[3:4]), folder / "k3.xpt", file_format_version=8)
    (folder / "k1.xpt").write_bytes((folder / "k1.xpt").read_bytes()[:300])
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "dest", fmt="lpr3")
    assert str(e.value).startswith("kontakter/k1.xpt: ")
    assert not (tmp_path / "dest").exists()
    pyreadstat.write_xport(sas_frame(SAS_ROWS[1:2]), folder / "k1.xpt", file_format_version=8)
    report = ingest(src, tmp_path / "dest", fmt="lpr3")
    assert contacts(tmp_path / "dest") == EXPECTED
    assert report.messages == [NOTE]


def test_a_v8_transport_file_cut_between_two_rows_is_refused(tmp_path: Path) -> None:
    """Rows of exactly one 80-byte record: cutting the last record leaves whole rows, and only
    the row count in the v8 header shows that one is missing (a v5 header has no count)."""
    frame = pd.DataFrame({"PNR": ["x" * 72, "y" * 72, "z" * 72], "NUM": [1.0, 2.0, None]})
    pyreadstat.write_xport(frame, tmp_path / "whole.xpt", file_format_version=8)
    data = (tmp_path / "whole.xpt").read_bytes()
    src = extract(tmp_path / "src")
    (src / "CPR_PERSON.csv").unlink()
    (src / "CPR_PERSON.xpt").write_bytes(data[:-80])
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "dest", fmt="lpr3")
    assert str(e.value) == (
        "CPR_PERSON.xpt: filen er afkortet eller beskadiget: den skulle have 3 rækker, men der "
        "kunne kun læses 2"
    )


def test_the_transport_reader_streams_in_chunks_and_reads_what_pyreadstat_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Numbers of every size and sign, missing values, short rows (several per 80-byte
    record, so the last record's padding looks like rows) and chunks of a few rows each."""
    from naersund.registry import xport
    from naersund.registry.sas import open_sas

    values = [0.0, 1.0, -1.0, 0.1, -123456.789, 1e-30, 3.5e20, 2**52 + 1.0, None, 165.0]
    text = ["a", "", "æø", "b", "c", "d", "e", "f", "g", "h"]
    for version in (5, 8):
        name = "S" if version == 5 else "S_LONGER_NAME"  # v8 names may be longer than 8
        frame = pd.DataFrame({"V": values, name: text})
        path = tmp_path / f"v{version}.xpt"
        pyreadstat.write_xport(frame, path, file_format_version=version)
        want, _ = pyreadstat.read_xport(path)
        for chunk in (1 << 23, 3 * 12):  # one chunk, or three rows of 12 bytes a chunk
            monkeypatch.setattr(xport, "_CHUNK_BYTES", chunk)
            work = tmp_path / f"work-{version}-{chunk}"
            work.mkdir()
            table = pq.read_table(open_sas(path, path.name, work).path)
            assert table.column_names == list(want.columns)
            got = table.to_pylist()
            assert [float(r["V"]) if r["V"] else None for r in got] == [
                None if pd.isna(v) else v for v in want["V"]
            ]
            assert [r[name] for r in got] == list(want[name])
    assert got[2]["V"] == "-1" and got[3]["V"] == "0.1" and got[9]["V"] == "165"


def test_a_truncated_sas_dataset_is_refused(tmp_path: Path) -> None:
    src = extract(tmp_path / "src")
    (src / "kontakter.csv").unlink()
    data = (DATA / "kontakter.sas7bdat").read_bytes()
    (src / "kontakter.sas7bdat").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "dest", fmt="lpr3")
    assert str(e.value) == (
        "kontakter.sas7bdat: kan ikke læses som SAS-datasæt (Unable to read from file); filen "
        "er beskadiget, afkortet eller ikke en SAS-fil"
    )
    assert not (tmp_path / "dest").exists()


OK = "P1;K1;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;DJ189;intern medicin;Herlev"
BAD = {
    "P9;K1;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;DJ189;;": "felt 'PNR': PNR 'P9' findes ikke i CPR_PERSON",
    "P6;K1;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;DJ189;;": "felt 'PNR': PNR 'P6' har flere forskellige rækker i CPR_PERSON",
    ";K1;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;DJ189;;": "felt 'PNR': mangler værdi",
    "P1;K1;0999;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;DJ189;;": "felt 'KOMMUNEKODE': ukendt kommunekode '0999'",
    "P1;K1;0165;;08:30;2019-03-02;10:15;ATA1;ALCA00;DJ189;;": "felt 'DATO_START': mangler værdi",
    "P1;K1;0165;2019-02-30;08:30;2019-03-02;10:15;ATA1;ALCA00;DJ189;;": "felt 'DATO_START': ugyldig dato '2019-02-30' (forventet ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ eller DD.MM.ÅÅÅÅ)",
    "P1;K1;0165;2019-03-01;24:00;2019-03-02;10:15;ATA1;ALCA00;DJ189;;": "felt 'TIDSPUNKT_START': ugyldigt tidspunkt '24:00' (forventet TT:MM, TT:MM:SS eller TT:MM:SS.ffffff, fx 08:30)",
    "P1;K1;0165;2019-03-01;08:30:00.1234567;2019-03-02;10:15;ATA1;ALCA00;DJ189;;": "felt 'TIDSPUNKT_START': ugyldigt tidspunkt '08:30:00.1234567' (forventet TT:MM, TT:MM:SS eller TT:MM:SS.ffffff, fx 08:30)",
    "P1;K1;0165;2019-03-01;;2019-03-02;10:15;ATA1;ALCA00;DJ189;;": "felt 'TIDSPUNKT_START': mangler værdi",
    "P1;K1;0165;2019-03-01;08:30;2019/03/02;10:15;ATA1;ALCA00;DJ189;;": "felt 'DATO_SLUT': ugyldig dato '2019/03/02' (forventet ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ eller DD.MM.ÅÅÅÅ)",
    "P1;K1;0165;2019-03-01;08:30;2019-03-02;10.15;ATA1;ALCA00;DJ189;;": "felt 'TIDSPUNKT_SLUT': ugyldigt tidspunkt '10.15' (forventet TT:MM, TT:MM:SS eller TT:MM:SS.ffffff, fx 08:30)",
    "P1;K1;0165;2019-03-01;08:30;2019-03-01;08:29:59.5;ATA1;ALCA00;DJ189;;": "felt 'DATO_SLUT': slut '2019-03-01 08:29:59.5' er før start '2019-03-01 08:30'",
    "P1;K1;0165;2019-03-01;08:30;2019-03-02;10:15;;ALCA00;DJ189;;": "felt 'PRIORITET': mangler værdi",
    "P1;K1;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;;DJ189;;": "felt 'KONTAKTTYPE': mangler værdi",
    "P1;K1;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;J189;;": "felt 'AKTIONSDIAGNOSE': ugyldig diagnosekode 'J189' (forventet SKS-kode med D-præfiks, fx DJ189)",
    "P1;KX;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;;;": "felt 'diagnoser.DIAGNOSEKODE': ugyldig diagnosekode 'J440' (forventet SKS-kode med D-præfiks, fx DJ189)",
    "P1;KY;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;;;": "felt 'diagnoser.DIAGNOSEKODE': flere aktionsdiagnoser (DIAGNOSETYPE A) for DW_EK_KONTAKT 'KY'",
    "P1;KZ;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;;;": "felt 'AKTIONSDIAGNOSE': mangler værdi (og ingen DIAGNOSETYPE A i diagnoser for DW_EK_KONTAKT 'KZ')",
    "P4;K1;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;DJ189;;": "felt 'CPR_PERSON.C_KON': ukendt køn 'F' (forventet M eller K)",
    "P5;K1;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;DJ189;;": "felt 'CPR_PERSON.D_FODDATO': ugyldig dato '1940-02-30' (forventet ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ eller DD.MM.ÅÅÅÅ)",
    "P7;K1;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;DJ189;;": "felt 'CPR_PERSON.D_FODDATO': mangler værdi",
    "P8;K1;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;DJ189;;": "felt 'CPR_PERSON.C_KON': mangler værdi",
    "P10;K1;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;DJ189;;": "felt 'CPR_PERSON.D_DODDATO': ugyldig dato 'ukendt' (forventet ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ eller DD.MM.ÅÅÅÅ)",
    "P11;K1;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;DJ189;;": "felt 'CPR_PERSON.D_FODDATO': fødselsdato '2019-03-02' er efter kontaktens start '2019-03-01 08:30'",
    "P1;K1;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;DJ189;;" + "x" * 1201: "felt 'SORENHED_ANS': for lang værdi (1.201 tegn; højst 200)",
    "P" * 65 + ";K1;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;DJ189;;": "felt 'PNR': for lang værdi (65 tegn; højst 64)",
    "P1;K1;0165;2019-03-01;08:30:00.000000000000;2019-03-02;10:15;ATA1;ALCA00;DJ189;;": "felt 'TIDSPUNKT_START': for lang værdi (21 tegn; højst 20)",
    "P12;K1;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;DJ189;;": "felt 'CPR_PERSON.C_KON': for lang værdi (11 tegn; højst 10)",
    "P1;KW;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;;;": "felt 'diagnoser.DIAGNOSEKODE': for lang værdi (12 tegn; højst 10)",
}  # fmt: skip
DIAG_BAD = DIAGNOSER + (
    "KX,J440,A,\nKY,DJ440,A,\nKY,DJ441,a,nej\nKZ,DJ442,A,JA\nKZ,DJ443,B,\nKW,DJ4400000000,A,\n"
    "K1,DJ4400000000,A,\n"  # not used: K1 has its AKTIONSDIAGNOSE
)
PERSON_BAD = PERSON + (
    "P4,F,1940-01-01,\nP5,M,1940-02-30,\nP6,M,1940-01-01,\nP6,M,1940-01-01,2019-05-01\n"
    "P7,M,,\nP8,,1940-01-01,\nP10,M,1940-01-01,ukendt\nP11,K,2019-03-02,\n"
    "P12,kvindekøn_x,1940-01-01,\n"
)


def test_each_lpr3_problem_names_the_kontakter_row_and_the_lpr3_field(tmp_path: Path) -> None:
    src = extract(tmp_path / "src", [OK, *BAD], diag=DIAG_BAD, person=PERSON_BAD)
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "dest", fmt="lpr3", max_errors=100)
    expected = [f"kontakter.csv, række {i + 3}, {m}" for i, m in enumerate(BAD.values())]
    assert str(e.value).splitlines() == [
        f"Indlæsning afvist: {len(BAD)} rækker med fejl; intet er skrevet.",
        *expected,
    ]
    assert not (tmp_path / "dest").exists()


def test_the_rejects_report_holds_the_kontakter_values(tmp_path: Path) -> None:
    src = extract(tmp_path / "src", [OK, OK.replace("0165", "0999")])
    report = ingest(src, tmp_path / "dest", fmt="lpr3", rejects=tmp_path / "rejects.csv")
    assert report.rejected == {"contacts": 1}
    assert report.tables == {"contacts": 1}
    assert (tmp_path / "rejects.csv").read_text(encoding="utf-8-sig").splitlines() == [
        "fil,række,felt,årsag," + HEAD.replace(";", ","),
        "kontakter.csv,3,KOMMUNEKODE,ukendt kommunekode '0999',P1,K1,0999,2019-03-01,08:30,"
        "2019-03-02,10:15,ATA1,ALCA00,DJ189,intern medicin,Herlev",
    ]


def test_missing_tables_and_columns(tmp_path: Path) -> None:
    src = extract(tmp_path / "src")
    (src / "CPR_PERSON.csv").unlink()
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "dest", fmt="lpr3")
    assert str(e.value) == (
        f"{src}: ingen CPR_PERSON-tabel fundet (LPR3-udtræk: en fil CPR_PERSON.csv, .parquet, "
        ".xpt eller .sas7bdat, eller en mappe CPR_PERSON/ med sådanne filer)"
    )
    extract(src, person="PNR;C_KON\nP1;M\n")
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "dest", fmt="lpr3")
    assert str(e.value) == (
        "CPR_PERSON.csv: mangler den påkrævede kolonne 'D_FODDATO' (filen har: PNR, C_KON)"
    )
    # diagnoser may be left out only when kontakter has the aktionsdiagnose
    extract(src)
    (src / "diagnoser.csv").unlink()
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "dest", fmt="lpr3")
    assert str(e.value).splitlines()[1] == (
        "kontakter.csv, række 3, felt 'AKTIONSDIAGNOSE': mangler værdi (og ingen DIAGNOSETYPE A "
        "i diagnoser for DW_EK_KONTAKT 'K2')"
    )
    head = HEAD.replace(";AKTIONSDIAGNOSE", "")
    (src / "kontakter.csv").write_text(
        head + "\nP1;K1;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;x;y\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "dest", fmt="lpr3")
    assert str(e.value) == (
        f"{src}: ingen diagnoser-tabel fundet, og kontakter.csv har ingen kolonne "
        "'AKTIONSDIAGNOSE' (LPR3-udtræk: aktionsdiagnosen står i kontakter eller i diagnoser)"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kontakter: [\n", "map.yaml, linje 2: kolonnefilen er ikke gyldig YAML"),
        ("- PNR\n", "map.yaml: forventede tabelnavne (kontakter, diagnoser, CPR_PERSON) med kolonner under hver"),
        ("personer:\n  PNR: id\n", "map.yaml: ukendt tabel 'personer' (forventet kontakter, diagnoser, CPR_PERSON)"),
        ("kontakter: PNR\n", "map.yaml, tabel 'kontakter': forventede linjer 'LPR3-navn: navn i udtrækket'"),
        ("kontakter:\n  DATO: d\n", "map.yaml, tabel 'kontakter': ukendt LPR3-kolonne 'DATO' (forventet en af PNR, DW_EK_KONTAKT, KOMMUNEKODE, DATO_START, TIDSPUNKT_START, DATO_SLUT, TIDSPUNKT_SLUT, PRIORITET, KONTAKTTYPE, AKTIONSDIAGNOSE, HOVEDSPECIALE_ANS, SORENHED_ANS)"),
        ("cpr_person:\n  C_KON:\n", "map.yaml, tabel 'cpr_person', kolonne 'C_KON': mangler navnet i udtrækket"),
    ],
)  # fmt: skip
def test_a_bad_column_map_gets_a_message(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "map.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_column_map(tmp_path / "map.yaml")
    assert str(e.value) == str(tmp_path / message)


def test_the_column_map_reads_tables_and_columns_in_any_case(tmp_path: Path) -> None:
    (tmp_path / "map.yaml").write_text(
        "KONTAKTER:\n  dato_start: startdato\nCpr_Person:\n  PNR: person\n", encoding="utf-8"
    )
    assert read_column_map(tmp_path / "map.yaml") == {
        "kontakter": {"dato_start": "startdato"},
        "cpr_person": {"pnr": "person"},
    }


def test_the_cli_reads_an_extract_through_a_column_map(tmp_path: Path) -> None:
    src = extract(tmp_path / "src")
    text = (src / "kontakter.csv").read_text(encoding="utf-8")
    (src / "kontakter.csv").write_text(text.replace("DATO_START", "startdato"), encoding="utf-8")
    (tmp_path / "map.yaml").write_text("kontakter:\n  DATO_START: Startdato\n", encoding="utf-8")
    runner = CliRunner()
    args = ["ingest", str(src), str(tmp_path / "dest"), "--format", "lpr3"]
    result = runner.invoke(cli, [*args, "--columns", str(tmp_path / "map.yaml")])
    assert result.exit_code == 0, result.output
    assert contacts(tmp_path / "dest") == EXPECTED
    result = runner.invoke(cli, [*args[:-1], "lpr2", "--columns", str(tmp_path / "map.yaml")])
    assert result.exit_code == 2
    assert "--columns gælder kun sammen med --format lpr3" in result.output
    assert not (tmp_path / "dest2").exists()


def test_a_synthetic_series_gives_the_same_results_from_canonical_and_lpr3(
    tmp_path: Path,
) -> None:
    """synth canonical vs synth lpr3 (CSV and SAS transport) -> ingest -> compute: identical."""
    from naersund.registry.synth import generate

    years, scale, seed = [2019, 2020], 0.004, 11
    generate(tmp_path / "canonical", years, scale=scale, seed=seed)
    generate(tmp_path / "lpr3", years, scale=scale, seed=seed, fmt="lpr3")
    generate(tmp_path / "sas", years, scale=scale, seed=seed, fmt="lpr3", sas=True)
    assert (tmp_path / "sas" / "kontakter" / "kontakter_2019.xpt").is_file()
    want = compute(tmp_path / "canonical").results
    assert want["numerator"].sum() > 0
    canonical = contacts(tmp_path / "canonical")
    assert sum(bool(c["died"]) for c in canonical) > 0
    for name in ("lpr3", "sas"):
        report = ingest(tmp_path / name, tmp_path / f"{name}-dest", fmt="lpr3")
        assert report.messages[0].startswith("LPR3: ")  # the virtual contacts were left out
        # contact by contact the same, died included (it follows LPR3's rule in synth)
        assert contacts(tmp_path / f"{name}-dest") == canonical
        got = compute(tmp_path / f"{name}-dest").results
        pd.testing.assert_frame_equal(got, want)


def test_the_format_doc_names_every_lpr3_column_and_its_example_map_reads(tmp_path: Path) -> None:
    from naersund.docs import pages
    from naersund.registry.lpr3_doc import EXAMPLE_MAP, format_doc
    from naersund.registry.lpr3_layout import LPR3_TABLES

    doc = format_doc()
    for table in LPR3_TABLES:
        for column in table.columns:
            assert f"`{column.upper()}`" in doc
    assert EXAMPLE_MAP.rstrip() in doc and doc in pages()["input-formats.md"]
    (tmp_path / "map.yaml").write_text(EXAMPLE_MAP, encoding="utf-8")
    assert read_column_map(tmp_path / "map.yaml") == {
        "kontakter": {
            "dw_ek_kontakt": "kontakt_id",
            "kommunekode": "komkode",
            "dato_start": "dstart",
            "tidspunkt_start": "tstart",
        },
        "cpr_person": {"pnr": "pnr_pseudo"},
    }


def test_the_readme_example_map_reads(tmp_path: Path) -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Bringing real LPR data", 1)[1].split("\n## ", 1)[0]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "map.yaml").write_text(
        "\n".join(line.removeprefix("   ") for line in block.splitlines()), encoding="utf-8"
    )
    assert read_column_map(tmp_path / "map.yaml") == {
        "kontakter": {
            "dw_ek_kontakt": "kontakt_id",
            "dato_start": "dstart",
            "tidspunkt_start": "tstart",
        },
        "cpr_person": {"pnr": "pnr_pseudo"},
    }


def test_the_documented_example_extract_gives_the_documented_contacts(tmp_path: Path) -> None:
    from naersund.registry.lpr3_doc import EXAMPLE_FILES, format_doc

    src = tmp_path / "src"
    src.mkdir()
    for name, text in EXAMPLE_FILES.items():
        (src / name).write_text(text, encoding="utf-8")
        assert text.rstrip() in format_doc()
    report = ingest(src, tmp_path / "dest", fmt="lpr3")
    assert report.messages == [NOTE]
    got = contacts(tmp_path / "dest")
    assert [(c["person_id"], c["start"], c["end"], c["primary_diagnosis"], c["died"]) for c in got] == [
        ("P1", dt.datetime(2019, 3, 1, 8, 30), dt.datetime(2019, 3, 2, 10, 15, 20), "DJ189", False),
        ("P2", dt.datetime(2019, 3, 1, 22, 5, 0, 250000), dt.datetime(2019, 3, 4, 9), "DI10", True),
    ]  # fmt: skip


def test_a_malformed_csv_row_gets_a_message_not_a_traceback(tmp_path: Path) -> None:
    src = extract(tmp_path / "src", [*KONTAKTER, KONTAKTER[0] + ";extra"])
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "dest", fmt="lpr3")
    assert str(e.value) == (
        "kontakter.csv, række 6: forventede 12 felter, fandt 13 (tjek skilletegn og anførselstegn)"
    )


def test_a_malformed_row_in_diagnoser_names_diagnoser(tmp_path: Path) -> None:
    src = extract(tmp_path / "src", diag=DIAGNOSER + "K9,DI10,A,Nej,x\n")
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "dest", fmt="lpr3")
    assert str(e.value) == (
        "diagnoser.csv, række 6: forventede 4 felter, fandt 5 (tjek skilletegn og anførselstegn)"
    )


def test_the_cli_writes_synthetic_lpr3_extracts_and_refuses_sas_without_lpr3(
    tmp_path: Path,
) -> None:
    runner = CliRunner()
    args = ["synth", "--years", "2019", "--scale", "0.0005", "--seed", "2"]
    result = runner.invoke(cli, [*args, "--out", str(tmp_path / "x"), "--sas"])
    assert result.exit_code == 2
    assert "--sas gælder kun sammen med --format lpr3" in result.output
    assert not (tmp_path / "x").exists()
    result = runner.invoke(cli, [*args, "--out", str(tmp_path / "s"), "--format", "lpr3", "--sas"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "s" / "kontakter").iterdir()) == [
        "kontakter_2019.xpt"
    ]
    result = runner.invoke(
        cli, ["ingest", str(tmp_path / "s"), str(tmp_path / "d"), "--format", "lpr3"]
    )
    assert result.exit_code == 0, result.output
    assert "Skrevet til" in result.output and (tmp_path / "d" / "ingest.json").is_file()


def test_a_mapped_column_missing_from_the_extract_names_the_map(tmp_path: Path) -> None:
    src = extract(tmp_path / "src")
    (tmp_path / "map.yaml").write_text("kontakter:\n  DATO_START: dstart\n", encoding="utf-8")
    options = Lpr3Options.from_file(tmp_path / "map.yaml")
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "dest", fmt="lpr3", lpr3_options=options)
    assert str(e.value) == (
        f"kontakter.csv: mangler den påkrævede kolonne 'dstart' (DATO_START ifølge "
        f"{tmp_path / 'map.yaml'}) (filen har: {HEAD.replace(';', ', ')})"
    )


def test_only_the_columns_the_ingest_reads_are_copied_from_a_sas_file(tmp_path: Path) -> None:
    """A national table has many more columns: they are not converted, but still listed."""
    from naersund.registry.sas import open_sas

    pyreadstat.write_xport(sas_frame(SAS_ROWS), tmp_path / "k.xpt", file_format_version=8)
    for path in (tmp_path / "k.xpt", DATA / "kontakter.sas7bdat"):
        work = tmp_path / f"work-{path.suffix[1:]}"
        work.mkdir()
        source = open_sas(path, path.name, work, keep=["pnr", "Dato_Start"])
        assert pq.read_table(source.path).column_names == ["PNR", "DATO_START"]
        assert source.originals == tuple(HEAD.split(";"))
        assert pq.read_table(source.path).num_rows == (4 if path.suffix == ".xpt" else 3)
