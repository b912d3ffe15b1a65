"""Whether the times are whole seconds, recorded in the contacts' Parquet footers.

ingest (every format) and synth write ``naersund.whole_seconds`` into each contacts file's
key-value metadata; compute trusts it when every file says so and otherwise scans the times
(files made by hand). The engine's whole-second layout is faster; microseconds are exact for
any time (see ``test_rules.py`` and ``test_engine_equivalence.py`` for both layouts' results).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ibis
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from naersund.engine.compute import ComputeOptions, compute
from naersund.engine.inputs import choose_time_unit, footer_whole_seconds, read_contacts
from naersund.registry.ingest import find_table, ingest
from naersund.registry.schema import WHOLE_SECONDS_METADATA

try:
    from tests import test_lpr2, test_lpr3
except ImportError:  # pytest's rootdir-less import mode puts tests/ itself on sys.path
    import test_lpr2  # type: ignore[no-redef]
    import test_lpr3  # type: ignore[no-redef]

KEY = WHOLE_SECONDS_METADATA.encode()
HEAD = "person_id,kommunekode,sex,birth_date,start,end,acute,primary_diagnosis"
ROWS = [
    "p1,101,F,1940-06-15,2014-03-01 08:00,2014-03-02 08:00,true,DE86",
    "p2,147,M,1938-01-01,2015-05-01 10:30,2015-05-01 20:00,true,DJ189",
]
FRACTION = "p3,101,F,1941-02-02,2015-06-01 08:00:00.250,2015-06-01 20:00:00.249,true,DE86"


def said(folder: Path) -> list[bytes | None]:
    """The footer value of every contacts file below ``folder``."""
    return [(pq.read_schema(f).metadata or {}).get(KEY) for f in find_table(folder, "contacts")]


def canonical(src: Path, rows: list[str]) -> Path:
    src.mkdir(parents=True)
    (src / "contacts.csv").write_text("\n".join([HEAD, *rows]) + "\n", encoding="utf-8")
    return src


@pytest.mark.parametrize(
    ("rows", "value", "unit"),
    [(ROWS, b"true", "s"), ([*ROWS, FRACTION], b"false", "us")],
)
def test_ingest_records_in_every_footer_whether_the_times_are_whole_seconds(
    tmp_path: Path, rows: list[str], value: bytes, unit: str
) -> None:
    ingest(canonical(tmp_path / "src", rows), tmp_path / "dest")
    # one file per year of start, each with the answer for the whole ingest
    assert said(tmp_path / "dest") == [value, value]
    assert footer_whole_seconds(find_table(tmp_path / "dest", "contacts")) is (value == b"true")
    got = compute(tmp_path / "dest", ComputeOptions(indicators=["genindlaeggelser_30d_65"]))
    assert got.meta["stay_time_unit"] == unit


def test_lpr2_times_are_whole_seconds_and_lpr3_fractions_are_recorded(tmp_path: Path) -> None:
    ingest(test_lpr2.extract(tmp_path / "lpr2", test_lpr2.ADM), tmp_path / "d2", fmt="lpr2")
    assert set(said(tmp_path / "d2")) == {b"true"}
    # the hand-made LPR3 extract has 08:05:00.25 and 23:59:59.999999
    ingest(test_lpr3.extract(tmp_path / "lpr3"), tmp_path / "d3", fmt="lpr3")
    assert set(said(tmp_path / "d3")) == {b"false"}
    whole = [r for r in test_lpr3.KONTAKTER if not r.startswith("P2;")]
    ingest(test_lpr3.extract(tmp_path / "lpr3b", whole), tmp_path / "d3b", fmt="lpr3")
    assert set(said(tmp_path / "d3b")) == {b"true"}


def test_synth_records_whole_seconds_and_a_scan_agrees(tmp_path: Path) -> None:
    from naersund.registry.synth import generate

    generate(tmp_path / "registry", [2014, 2015], scale=0.002, seed=4)
    files = find_table(tmp_path / "registry", "contacts")
    assert len(files) == 2 and set(said(tmp_path / "registry")) == {b"true"}
    con = ibis.duckdb.connect()
    # the footers are not read here: the times themselves are scanned
    assert choose_time_unit(con, read_contacts(con, files)) == "s"


def _write(folder: Path, frame: pd.DataFrame, metadata: dict[bytes, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    path = folder / f"part-{len(list(folder.iterdir()))}.parquet"
    pq.write_table(
        table.replace_schema_metadata({**(table.schema.metadata or {}), **metadata}), path
    )
    return path


def _frame(fraction: bool) -> pd.DataFrame:
    start = pd.Timestamp("2014-03-01 08:00:00.250" if fraction else "2014-03-01 08:00")
    return pd.DataFrame(
        {
            "person_id": ["p1"],
            "kommunekode": [101],
            "sex": ["F"],
            "birth_date": [dt.date(1940, 6, 15)],
            "start": [start],
            "end": [start + pd.Timedelta(hours=12)],
            "acute": [True],
            "primary_diagnosis": ["DE86"],
        }
    )


@pytest.mark.parametrize(
    ("footers", "fraction", "unit"),
    [
        # every footer says: trusted, whatever the times (here a fraction the footer denies)
        ([b"true", b"true"], True, "s"),
        ([b"false", b"false"], False, "us"),
        ([b"true", b"false"], False, "us"),
        # a file that does not say (made by hand): the times are scanned
        ([b"true", None], True, "us"),
        ([b"true", None], False, "s"),
        ([None], True, "us"),
        ([None], False, "s"),
    ],
)
def test_compute_trusts_the_footers_only_when_every_file_says(
    tmp_path: Path, footers: list[bytes | None], fraction: bool, unit: str
) -> None:
    files = [
        _write(tmp_path, _frame(fraction), {KEY: value} if value is not None else {})
        for value in footers
    ]
    con = ibis.duckdb.connect()
    assert choose_time_unit(con, read_contacts(con, files), files) == unit
