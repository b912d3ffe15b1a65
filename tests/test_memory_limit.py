"""NAERSUND_MEMORY_LIMIT: DuckDB's memory limit from the machine, or as set (issue 16: the
5-year compute spilled past the former fixed 2 GB)."""

from __future__ import annotations

from pathlib import Path

import pytest

from naersund.engine.backend import connect
from naersund.engine.memory import (
    MemorySettingError,
    default_limit,
    duckdb_setting,
    machine_memory,
    memory_limit,
    parse_limit,
)
from naersund.registry.ingest import ingest

GB = 1000**3
MACHINE = 24 * GB


@pytest.mark.parametrize(
    ("machine", "expected"),
    [
        (24 * GB, 8 * GB),  # a third, capped at 8 GB
        (12 * GB, 4 * GB),  # a third
        (4 * GB, 2 * GB),  # never below the former fixed 2 GB ...
        (3 * GB, int(1.5 * GB)),  # ... unless that is more than half the machine
        (256 * GB, 8 * GB),
    ],
)
def test_the_default_is_a_third_of_the_machine_from_2_to_8_gb(machine: int, expected: int) -> None:
    assert default_limit(machine) == expected


def test_ingest_defaults_to_at_most_3_gb() -> None:
    assert memory_limit({}, machine=24 * GB, cap=3 * GB) == 3 * GB
    assert memory_limit({}, machine=6 * GB, cap=3 * GB) == 2 * GB


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("6GB", 6 * GB),
        (" 6 gb ", 6 * GB),
        ("500MB", 500 * 1000**2),
        ("1.5GiB", int(1.5 * 1024**3)),
        ("1,5GB", int(1.5 * GB)),
        ("40%", int(0.4 * MACHINE)),
        ("100 %", MACHINE),
    ],
)
def test_it_reads_sizes_and_shares(value: str, expected: int) -> None:
    assert parse_limit(value, MACHINE) == expected
    assert memory_limit({"NAERSUND_MEMORY_LIMIT": value}, machine=MACHINE) == expected


def test_an_empty_setting_is_the_default() -> None:
    assert memory_limit({"NAERSUND_MEMORY_LIMIT": " "}, machine=MACHINE) == 8 * GB


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "mange",
            "NAERSUND_MEMORY_LIMIT skal være en størrelse som 6GB, 500MB eller 1.5GiB, eller en "
            "andel af maskinens hukommelse som 40% (er 'mange')",
        ),
        (
            "6",
            "NAERSUND_MEMORY_LIMIT skal være en størrelse som 6GB, 500MB eller 1.5GiB, eller en "
            "andel af maskinens hukommelse som 40% (er '6')",
        ),
        (
            "6 liter",
            "NAERSUND_MEMORY_LIMIT skal være en størrelse som 6GB, 500MB eller 1.5GiB, eller en "
            "andel af maskinens hukommelse som 40% (er '6 liter')",
        ),
        ("0%", "NAERSUND_MEMORY_LIMIT: andelen skal være over 0 % og højst 100 % (er '0%')"),
        ("150%", "NAERSUND_MEMORY_LIMIT: andelen skal være over 0 % og højst 100 % (er '150%')"),
        (
            "100MB",
            "NAERSUND_MEMORY_LIMIT skal være mindst 128MB (er '100MB'): med mindre kan DuckDB "
            "ikke beregne",
        ),
        (
            "30GB",
            "NAERSUND_MEMORY_LIMIT er mere end maskinens hukommelse (24,0 GB; er '30GB'): "
            "DuckDB ville blive stoppet af styresystemet i stedet for at skrive til disken",
        ),
    ],
)
def test_it_refuses_what_it_cannot_use_in_danish(value: str, message: str) -> None:
    with pytest.raises(MemorySettingError) as caught:
        memory_limit({"NAERSUND_MEMORY_LIMIT": value}, machine=MACHINE)
    assert str(caught.value) == message


def test_duckdb_gets_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NAERSUND_MEMORY_LIMIT", "300MB")
    con = connect("duckdb")
    setting = con.raw_sql("SELECT current_setting('memory_limit')").fetchone()[0]
    # 300 MB = 286 MiB, which DuckDB shows in its own units
    assert setting == "286.0 MiB"
    monkeypatch.delenv("NAERSUND_MEMORY_LIMIT")
    con = connect("duckdb")
    expected = duckdb_setting(default_limit(machine_memory()))
    con2 = connect("duckdb", memory_limit=expected)
    assert (
        con.raw_sql("SELECT current_setting('memory_limit')").fetchone()[0]
        == con2.raw_sql("SELECT current_setting('memory_limit')").fetchone()[0]
    )


def test_a_bad_setting_stops_ingest_before_anything_is_written(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "contacts.csv").write_text(
        "person_id,kommunekode,sex,birth_date,start,end,acute,primary_diagnosis\n"
        "P1,101,M,1940-01-01,2014-03-01 08:00,2014-03-02 08:00,true,DJ189\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("NAERSUND_MEMORY_LIMIT", "2 æbler")
    with pytest.raises(MemorySettingError, match=r"\(er '2 æbler'\)"):
        ingest(src, tmp_path / "out")
    assert not (tmp_path / "out").exists()
