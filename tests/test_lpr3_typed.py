"""The LPR3 fast pass (registry/lpr3_typed.py) against the exact conversion and checks: a row
the fast pass finds good must be good by the exact checks too, with the same typed values
(so that only the suspects need the exact look, and the messages stay the exact ones)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from naersund.registry import lpr3, lpr3_typed, validate
from naersund.registry.ingest import ingest
from naersund.registry.validate import checked_sql

HEAD = (
    "PNR;DW_EK_KONTAKT;KOMMUNEKODE;DATO_START;TIDSPUNKT_START;DATO_SLUT;TIDSPUNKT_SLUT;"
    "PRIORITET;KONTAKTTYPE;AKTIONSDIAGNOSE;HOVEDSPECIALE_ANS;SORENHED_ANS"
)
# each field: the plain value first, then awkward ones (valid in another form, or not valid)
VARIANTS = {
    "pnr": ["P1", " P1", "P1 ", "P9", "", "P6", "P13", "p3", "P14", "P15", "P16", "P17", "P18"],
    "dw": ["K1", " K2", "K2", "KX", "KY", "KZ", "K" * 65, ""],
    "kom": ["0165", "165", " 165", "0999", "1650", "+165", "165.0", "00165", "0x65", "", "101"],
    "date0": ["2019-03-01", "01.03.2019", "01-03-2019", "2019-3-1", "2019/03/01", " 2019-03-01",
              "2019-02-30", "1899-12-31", "2999-01-01", "", "20190301", "10000-01-01"],
    "time0": ["08:30", "8:30", "08:30:00", "08:30:00.25", "08:30:00.250", "24:00", "24:00:00",
              "23:59:59.999999", "08:30:00.1234567", "10.15", "", " 08:30", "08:30:60", "8:5"],
    "date1": ["2019-03-02", "2019-03-01", "02.03.2019", "2019-02-28", "", "2019-13-01"],
    "time1": ["10:15", "10:15:20", "08:29:59.5", "00:00", "7:00", "", "25:00"],
    "prio": ["ATA1", "ata1", " ATA1", "ATA3", "", "X" * 11, "ATA1 "],
    "type": ["ALCA00", "alca00", " ALCA00 ", "ALCA20", ""],
    "dx": ["DJ189", "dj189", " DJ189", "J189", "", "DJ1890000000", "DZ"],
    "spec": ["intern medicin", " geriatri ", "", "x" * 201, "æ" * 150, "ø" * 201],
    "unit": ["Herlev", "", "  ", "Sjælland"],
}  # fmt: skip
DIAG = (
    "DW_EK_KONTAKT,DIAGNOSEKODE,DIAGNOSETYPE,SENERE_AFKRAEFTET\n"
    "K2,DJ440,A,Ja\nK2,DI10,A,Nej\nKX,J440,A,\nKY,DJ440,A,\nKY,DJ441,a,nej\nKZ,DJ442,B,\n"
)
PERSON = (
    "PNR,C_KON,D_FODDATO,D_DODDATO\n"
    "P1,M,1940-01-01,\np3,k,2000-02-29,2019-03-02\nP6,M,1940-01-01,\nP6,K,1940-01-01,\n"
    "P13,M,1940-01-01,\nP13,M,1940-01-01,\nP14,K,15.06.1933,\nP15,M,1940-01-01,2019-03-02\n"
    "P16,k,1940-01-01,\nP17,M, 1940-01-01,\nP18,F,2019-03-05,\n"
)


def fuzz_rows(n: int, seed: int) -> list[str]:
    """Rows mostly plain, each with a few fields swapped for an awkward variant."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        values = {k: v[0] for k, v in VARIANTS.items()}
        for key in rng.sample(list(VARIANTS), rng.choice([0, 1, 1, 2, 3])):
            values[key] = rng.choice(VARIANTS[key])
        rows.append(";".join(values.values()))
    return rows


def extract(src: Path, rows: list[str]) -> Path:
    src.mkdir(parents=True, exist_ok=True)
    (src / "kontakter.csv").write_text("\n".join([HEAD, *rows]) + "\n", encoding="utf-8")
    (src / "diagnoser.csv").write_text(DIAG, encoding="utf-8")
    (src / "CPR_PERSON.csv").write_text(PERSON, encoding="utf-8")
    return src


COLUMNS = lpr3_typed.CANONICAL


@pytest.mark.parametrize("seed", [1, 2])
def test_a_row_the_fast_pass_finds_good_is_good_with_the_same_values(
    tmp_path: Path, seed: int
) -> None:
    src = extract(tmp_path / "src", fuzz_rows(1500, seed))
    cut = dt.date(2026, 1, 1)
    con = duckdb.connect()
    plan, _ = lpr3.contacts_plan(src, tmp_path, con)
    checked = lpr3_typed.check(con, plan, tmp_path, cut)
    assert checked.pending is not None  # rows without an AKTIONSDIAGNOSE
    cols = ", ".join(f'"{c}"' for c in COLUMNS)
    # the fast pass's decisions: good (with its values) or suspect, pending rows decided by
    # the second step
    staged, pending = (f"read_parquet('{p}')" for p in (checked.staging, checked.pending))
    fast = {
        (r[0], r[1]): r[2:]
        for r in con.execute(
            f"""SELECT _fileno, _row, {cols}, person_key, NOT _use FROM {staged}
                WHERE _use OR _suspect
                UNION ALL SELECT _fileno, _row, {cols}, person_key, NOT _ok FROM {pending}"""
        ).fetchall()
    }
    # the exact conversion and checks, on every row
    lpr3_typed.exact_for_every_row(con, plan)
    exact = {
        (r[0], r[1]): r[2:]
        for r in con.execute(
            f"SELECT c._fileno, c._row, {cols}, k.person_key, c._reason "
            f"FROM ({checked_sql(plan, cut)}) c "
            f"LEFT JOIN ({plan.person_keys}) k ON k.pnr = c.person_id"
        ).fetchall()
    }
    assert fast.keys() == exact.keys()  # the same physical contacts
    good = [key for key, values in fast.items() if values[-1] is False]
    assert {key: exact[key][-1] for key in good} == dict.fromkeys(good)
    assert {key: fast[key][:-1] for key in good} == {key: exact[key][:-1] for key in good}
    # not vacuous: the fast pass passes most rows, and leaves both kinds of suspect
    suspects = [key for key in fast if key not in good]
    assert len(good) > len(fast) / 3
    assert any(exact[key][-1] is None for key in suspects)  # good after all (e.g. 01.03.2019)
    assert any(exact[key][-1] is not None for key in suspects)


def test_an_extract_of_awkward_rows_gives_the_exact_messages_and_values(tmp_path: Path) -> None:
    # the same rows ingested with --rejects: every suspect the exact checks found good is
    # written, every bad row is reported once with the exact conversion's reason
    rows = [
        "P1;K1;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;DJ189;intern medicin;Herlev",
        "P14;K1;165;01.03.2019;8:30;2019-03-02;10:15:20;ata1; ALCA00 ;dj189; geriatri ;",
        "P13;K2;0165;2019-03-01;08:30:00.250;2019-03-02;10:15;ATA3;ALCA00;;;",
        "P1;K1;0x65;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;DJ189;;",
        "P1;K1;0165;2019-03-01;24:00:00;2019-03-02;10:15;ATA1;ALCA00;DJ189;;",
        "P6;K1;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;DJ189;;",
    ]
    src = extract(tmp_path / "src", rows)
    report = ingest(src, tmp_path / "dest", fmt="lpr3", rejects=tmp_path / "rejects.csv")
    assert report.tables["contacts"] == 3
    assert report.messages[-3:] == [
        "kontakter.csv, række 5, felt 'KOMMUNEKODE': ukendt kommunekode '0x65'",
        "kontakter.csv, række 6, felt 'TIDSPUNKT_START': ugyldigt tidspunkt '24:00:00' "
        "(forventet TT:MM, TT:MM:SS eller TT:MM:SS.ffffff, fx 08:30)",
        "kontakter.csv, række 7, felt 'PNR': PNR 'P6' har flere forskellige rækker i CPR_PERSON",
    ]


def test_rows_in_time_order_are_written_one_year_at_a_time_into_the_same_files(
    tmp_path: Path,
) -> None:
    from naersund.registry.writing import write_table

    con = duckdb.connect()
    starts = [f"TIMESTAMP '{y}-0{m}-01 08:00'" for y in (2019, 2020, 2021) for m in (1, 5, 9)]
    rows = " UNION ALL ".join(
        f"SELECT {i} AS n, {s} AS start, 'P{i % 4}' AS person_id" for i, s in enumerate(starts)
    )
    in_order, shuffled = tmp_path / "in_order.parquet", tmp_path / "shuffled.parquet"
    # row groups of three rows (DuckDB's writer makes none smaller than a vector)
    for path, order in ((in_order, "n"), (shuffled, "n % 3, n")):
        table = con.execute(f"SELECT * FROM ({rows}) ORDER BY {order}").to_arrow_table()
        pq.write_table(table, path, row_group_size=3)
    assert lpr3_typed.in_time_order(con, in_order)
    assert not lpr3_typed.in_time_order(con, shuffled)
    written = {}
    for one_by_one in (True, False):
        out = tmp_path / f"out-{one_by_one}"
        out.mkdir()
        query = f"SELECT person_id, start AS ready_date FROM read_parquet('{in_order}')"
        assert write_table(con, "ready_for_discharge", query, out, one_by_one=one_by_one) == 9
        files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.parquet"))
        assert files == [f"ready_for_discharge/year={y}/part-0.parquet" for y in (2019, 2020, 2021)]
        written[one_by_one] = {
            f: sorted(con.execute(f"SELECT * FROM '{out / f}'").fetchall()) for f in files
        }
    assert written[True] == written[False]


@pytest.mark.parametrize("pass_rows", [25_000_000, 1])
def test_a_duplicate_is_found_between_a_plain_row_and_one_the_exact_checks_passed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pass_rows: int
) -> None:
    monkeypatch.setattr(validate, "DUPLICATE_PASS_ROWS", pass_rows)  # the hashes in passes
    plain = "P1;K1;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;DJ189;intern medicin;Herlev"
    other_form = plain.replace("2019-03-01;08:30", "01.03.2019;8:30")  # a suspect, good after all
    src = extract(tmp_path / "src", [plain, other_form, plain, plain.replace("Herlev", "Gentofte")])
    report = ingest(src, tmp_path / "dest", fmt="lpr3", rejects=tmp_path / "rejects.csv")
    assert report.tables["contacts"] == 2 and report.rejected == {"contacts": 2}
    assert report.messages[-2:] == [
        "kontakter.csv, række 3: dubletrække, identisk med række 2",
        "kontakter.csv, række 4: dubletrække, identisk med række 2",
    ]
