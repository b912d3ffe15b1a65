"""naersund's SAS transport writer (registry/xport_write.py): what it writes, pyreadstat (an
independent implementation, readstat) and naersund's own reader read identically."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pyreadstat
import pytest

from naersund.registry import xport
from naersund.registry.sas import open_sas
from naersund.registry.xport_write import (
    Column,
    TransportWriter,
    columns_for,
    float_to_ibm,
    write_table,
)

LONG = "Ærø " + "x" * 296  # 300 characters, 302 bytes in UTF-8: more than v5's 200
NUMBERS = [0.0, 1.0, -1.0, 0.1, -123456.789, 1e-30, 3.5e20, 2.0**52 + 1, None, 165.0, 1.5, 7.0]
TEXTS = ["SYN00000000001", "", None, "æøå ÆØÅ", "a", "Sjælland", "b", "", "c", "d", "e", "f"]
DATES = [dt.date(2019, 3, 1), None, dt.date(1960, 1, 1), dt.date(1959, 12, 31)] + [
    dt.date(2022, 12, 31)
] * 8
TIMES = [dt.time(8, 30), None, dt.time(0, 0), dt.time(23, 59, 59)] + [dt.time(12, 0)] * 8
STAMPS = [dt.datetime(2019, 3, 1, 22, 5, 0, 250000), None] + [dt.datetime(1970, 1, 1)] * 10


def sample(version: int) -> pa.Table:
    names = ["N", "TEXT", "DATO", "TID", "STEMPEL", "LANG"]
    if version == 8:
        names = ["NUMBER_LONG_NAME", "TEXT", "DATO_START", "TIDSPUNKT_START", "STEMPEL", "LANG"]
    return pa.table(
        [
            pa.array(NUMBERS, pa.float64()),
            pa.array(TEXTS, pa.string()),
            pa.array(DATES, pa.date32()),
            pa.array(TIMES, pa.time32("s")),
            pa.array(STAMPS, pa.timestamp("us")),
            pa.array([LONG if version == 8 else LONG[:198], *TEXTS[1:]], pa.string()),
        ],
        names=names,
    )


def naersund_rows(path: Path, work: Path) -> list[dict[str, Any]]:
    work.mkdir()
    return pq.read_table(open_sas(path, path.name, work).path).to_pylist()


def same_number(got: Any, want: Any) -> bool:
    if want is None:
        return got is None or (isinstance(got, float) and math.isnan(got))
    return bool(got == want)


@pytest.mark.parametrize("version", [5, 8])
@pytest.mark.parametrize("chunk_rows", [100_000, 5])
def test_pyreadstat_and_naersunds_reader_read_every_column_as_written(
    tmp_path: Path, version: int, chunk_rows: int
) -> None:
    """Numbers of every size and sign, missing numbers, dates (before and after 1960) and
    times with their SAS formats, a timestamp with microseconds, æøå, empty and null texts and
    a very long text; several chunks (5 rows each: the last one short) and one."""
    table = sample(version)
    path = tmp_path / "t.xpt"
    write_table(table, path, "KONTAKTER" if version == 8 else "KONTAKT", version=version,
                chunk_rows=chunk_rows)  # fmt: skip
    n, text, date, time, stamp, long = table.column_names
    frame, meta = pyreadstat.read_xport(path)
    assert list(frame.columns) == table.column_names and meta.number_rows == 12
    assert meta.original_variable_types == {
        n: None, text: None, date: "DATE9", time: "TIME8", stamp: "DATETIME26.6", long: None
    }  # fmt: skip
    assert all(same_number(g, w) for g, w in zip(frame[n], NUMBERS, strict=True))
    assert list(frame[text]) == [t or "" for t in TEXTS]
    longs = list(frame[long])
    assert longs[0] == table[long][0].as_py() and longs[1:] == list(frame[text])[1:]
    # pyreadstat gives dates as dates, times as times, datetimes as timestamps (NaT missing)
    assert [None if d != d else d for d in frame[date]] == DATES
    assert [None if t != t else t for t in frame[time]] == TIMES
    assert [None if s != s else s.to_pydatetime() for s in frame[stamp]] == STAMPS

    got = naersund_rows(path, tmp_path / "work")
    assert [r[n] for r in got][:4] == ["0", "1", "-1", "0.1"]
    assert [float(r[n]) if r[n] else None for r in got] == NUMBERS
    assert [r[text] for r in got] == [t or "" for t in TEXTS]
    assert got[0][long] == table[long][0].as_py()
    assert [r[date] for r in got][:4] == ["2019-03-01", None, "1960-01-01", "1959-12-31"]
    assert [r[time] for r in got][:4] == ["08:30:00", None, "00:00:00", "23:59:59"]
    assert [r[stamp] for r in got][:3] == ["2019-03-01 22:05:00.25", None, "1970-01-01 00:00:00"]


def test_text_in_windows_1252_is_read_as_such_by_both_readers(tmp_path: Path) -> None:
    table = pa.table({"KOMMUNE": ["Sjælland", "Ærø", "", None], "N": [1, 2, 3, None]})
    path = tmp_path / "cp.xpt"
    write_table(table, path, "CP", encoding="cp1252")
    assert b"Sj\xe6lland" in path.read_bytes() and "Sjæ".encode() not in path.read_bytes()
    assert columns_for(table, encoding="cp1252")[0].width == len("Sjælland")
    frame, _ = pyreadstat.read_xport(path, encoding="cp1252")
    assert list(frame["KOMMUNE"]) == ["Sjælland", "Ærø", "", ""]
    got = naersund_rows(path, tmp_path / "work")  # not UTF-8: read as Windows-1252
    assert [r["KOMMUNE"] for r in got] == ["Sjælland", "Ærø", "", ""]
    assert [r["N"] for r in got] == ["1", "2", "3", None]


def test_a_table_of_no_rows_is_read_as_no_rows(tmp_path: Path) -> None:
    table = pa.table({"PNR": pa.array([], pa.string()), "DATO": pa.array([], pa.date32())})
    path = tmp_path / "empty.xpt"
    write_table(table, path, "EMPTY")
    frame, meta = pyreadstat.read_xport(path)
    assert list(frame.columns) == ["PNR", "DATO"] and meta.number_rows == 0
    assert meta.original_variable_types["DATO"] == "DATE9"
    work = tmp_path / "work"
    work.mkdir()
    copy = pq.read_table(open_sas(path, path.name, work).path)
    assert copy.column_names == ["PNR", "DATO"] and copy.num_rows == 0


def test_a_last_row_of_empty_texts_is_a_row_not_padding(tmp_path: Path) -> None:
    """Rows of 2 bytes: the last 80-byte record holds the padding after them; a v8 file says
    how many rows it has, so a last row of blanks is kept (it used to be read as padding)."""
    table = pa.table({"A": ["x", "", ""], "B": ["y", "z", None]})
    path = tmp_path / "short.xpt"
    write_table(table, path, "SHORT")
    assert list(pyreadstat.read_xport(path)[0]["B"]) == ["y", "z", ""]
    got = naersund_rows(path, tmp_path / "work")
    assert got == [{"A": "x", "B": "y"}, {"A": "", "B": "z"}, {"A": "", "B": ""}]


def test_ibm_floats_are_the_exact_inverse_of_the_reader() -> None:
    """The worked examples of IBM's hexadecimal floating point (-118.625 is C276A000 in IBM's
    own description of the format; 1.0 is 41100000) and random doubles both ways, exactly."""
    raw = float_to_ibm(np.array([1.0, -118.625, 0.0, np.nan, 0.5]))
    assert [bytes(r).hex() for r in raw] == [
        "4110000000000000",
        "c276a00000000000",
        "0000000000000000",
        "2e00000000000000",
        "4080000000000000",
    ]
    rng = np.random.default_rng(5)
    values = rng.standard_normal(10_000) * 10.0 ** rng.integers(-70, 70, 10_000)
    back = xport.ibm_to_float(float_to_ibm(values))
    assert np.array_equal(back, values)
    with pytest.raises(ValueError, match="outside the range of IBM floating point"):
        float_to_ibm(np.array([1e300]))


def test_a_failing_write_leaves_no_file(tmp_path: Path) -> None:
    """A text longer than its declared width stops the writer; neither the file nor its work
    copy is left, and an earlier file of the same name is kept."""
    path = tmp_path / "k.xpt"
    path.write_bytes(b"earlier")
    columns = [Column("PNR", numeric=False, width=3), Column("N", numeric=True)]
    with pytest.raises(ValueError) as e, TransportWriter(path, columns, "K") as writer:
        writer.write(pa.table({"PNR": ["abc"], "N": [1]}))
        writer.write(pa.table({"PNR": ["abcd"], "N": [2]}))
    assert str(e.value) == (
        "k.xpt, rows 2-2: PNR: value 1 of the chunk is 4 bytes, longer than the column's width 3"
    )
    assert path.read_bytes() == b"earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.xpt"]


def test_names_and_widths_the_version_cannot_hold_are_refused(tmp_path: Path) -> None:
    long_name = pa.table({"DATO_START": [1]})
    with pytest.raises(ValueError, match="column name 'DATO_START': give 1 to 8 ASCII"):
        write_table(long_name, tmp_path / "a.xpt", "A", version=5)
    with pytest.raises(ValueError, match="a text column is 1 to 200 bytes wide"):
        write_table(pa.table({"L": [LONG]}), tmp_path / "b.xpt", "B", version=5)
    assert not list(tmp_path.iterdir())


def test_synth_sas_writes_only_the_sas_tables_and_the_csv_extracts_data(tmp_path: Path) -> None:
    """``synth --format lpr3 --sas`` writes kontakter, diagnoser and CPR_PERSON only as SAS
    files (no CSV copy of them: a national extract is large); read by pyreadstat, they hold
    the same rows as the CSV extract of the same seed, dates and times with SAS formats."""
    import pandas as pd

    from naersund.registry.synth import generate

    generate(tmp_path / "csv", [2019], scale=0.0005, seed=2, fmt="lpr3")
    generate(tmp_path / "sas", [2019], scale=0.0005, seed=2, fmt="lpr3", sas=True)
    sas = tmp_path / "sas"
    assert sorted(p.relative_to(sas).as_posix() for p in sas.rglob("*.*")) == [
        "CPR_PERSON/CPR_PERSON_alle.xpt",
        "SYNTETISKE_DATA.txt",
        "diagnoser/diagnoser_2019.xpt",
        "kontakter/kontakter_2019.xpt",
        "manifest.json",
        "population.csv",
        "ready_for_discharge.csv",
    ]
    frame, meta = pyreadstat.read_xport(sas / "kontakter" / "kontakter_2019.xpt")
    formats = meta.original_variable_types
    assert (formats["DATO_START"], formats["TIDSPUNKT_SLUT"], formats["PNR"]) == (
        "DATE9", "TIME8", None
    )  # fmt: skip
    for column in ("DATO_START", "DATO_SLUT"):
        frame[column] = [d.isoformat() for d in frame[column]]
    for column in ("TIDSPUNKT_START", "TIDSPUNKT_SLUT"):
        frame[column] = [t.strftime("%H:%M:%S") for t in frame[column]]
    want = pd.read_csv(tmp_path / "csv" / "kontakter.csv", sep=";", dtype=str)
    assert len(frame) > 100 and (want["AKTIONSDIAGNOSE"].isna()).any()
    pd.testing.assert_frame_equal(frame, want.fillna(""), check_dtype=False)
    people, meta = pyreadstat.read_xport(sas / "CPR_PERSON" / "CPR_PERSON_alle.xpt")
    want = pd.read_csv(tmp_path / "csv" / "CPR_PERSON.csv", dtype=str)
    assert meta.original_variable_types["D_DODDATO"] == "DATE9"
    assert want["D_DODDATO"].notna().any() and want["D_DODDATO"].isna().any()
    died = [None if d != d else d.isoformat() for d in people["D_DODDATO"]]
    assert died == [None if d != d else d for d in want["D_DODDATO"]]
    assert list(people["PNR"]) == list(want["PNR"])
