"""Hostile or broken registry input (issue 17): over-long fields and lines, mixed encodings,
impossible dates, and ingests killed half-way. Each refusal names file, row and field, shows no
DuckDB text, and leaves nothing half-written."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from csv_rows import COLUMNS, GOOD
from naersund.atomic import current_version, locked_dir
from naersund.engine.compute import ComputeOptions, compute
from naersund.errors import InputError, NaersundError
from naersund.registry.ingest import find_table, ingest
from naersund.registry.sources import MAX_LINE_BYTES

HEAD = "Indlæsning afvist: 1 række med fejl; intet er skrevet."
ROWS = [GOOD, GOOD | {"person_id": "p2", "start": "2015-01-01 00:10", "end": "2015-01-01 01:00"}]


def csv_text(rows: list[dict[str, str]]) -> str:
    return "\n".join([",".join(COLUMNS)] + [",".join(r[c] for c in COLUMNS) for r in rows]) + "\n"


def refusal(src: Path, dest: Path, **kwargs: object) -> str:
    """The message of the InputError an ingest of ``src`` raises; ``dest`` is not written."""
    with pytest.raises(InputError) as e:
        ingest(src, dest, **kwargs)  # type: ignore[arg-type]
    assert not os.path.lexists(dest)
    leftovers = [p.name for p in dest.parent.iterdir() if p.name.startswith(f".{dest.name}.")]
    assert [n for n in leftovers if n != f".{dest.name}.lock"] == []
    text = str(e.value)
    assert "Error" not in text and "DuckDB" not in text  # none of DuckDB's own text
    return text


def person_ids(dest: Path) -> list[str]:
    files = find_table(dest, "contacts")
    return sorted(p for f in files for p in pq.read_table(f).column("person_id").to_pylist())


# -- over-long fields and lines ----------------------------------------------------------------

BIG = "x" * (2 * MAX_LINE_BYTES + 500_000)  # 2.5 MB: over the limit, under DuckDB's own default


@pytest.mark.parametrize("followed", [False, True], ids=["last row", "row followed by another"])
def test_an_over_long_row_is_refused_with_file_row_and_field(
    tmp_path: Path, followed: bool
) -> None:
    rows = [*ROWS, GOOD | {"person_id": "p3", "hospital": BIG}]
    if followed:
        rows.append(GOOD | {"person_id": "p4"})
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "contacts.csv").write_text(csv_text(rows), encoding="utf-8")
    line = len(",".join((GOOD | {"person_id": "p3", "hospital": BIG})[c] for c in COLUMNS))
    assert refusal(tmp_path / "src", tmp_path / "dest") == (
        "contacts.csv, række 4, felt 'hospital': for lang værdi (2.597.152 tegn); en linje må "
        f"højst fylde 1.048.576 byte, denne fylder {line:_}".replace("_", ".")
    )


def test_an_over_long_row_in_an_lpr2_extract_names_the_lpr2_file_and_field(
    tmp_path: Path,
) -> None:
    from test_lpr2 import ADM, extract

    src = extract(tmp_path / "src", [*ADM[:2], ADM[2].replace(",1301,", f",{BIG},", 1)])
    assert refusal(src, tmp_path / "dest", fmt="lpr2").startswith(
        "LPR_ADM_2014.csv, række 4, felt 'C_SGH': for lang værdi (2.597.152 tegn)"
    )


def test_a_row_over_the_limit_made_of_short_lines_is_refused_by_its_row(tmp_path: Path) -> None:
    # a quoted value with line breaks: no line is long, the row is (DuckDB's limit catches it)
    value = '"' + "\n".join(["y" * 999] * (MAX_LINE_BYTES // 1000 + 100)) + '"'
    text = csv_text([*ROWS, GOOD | {"person_id": "p3", "hospital": value}])
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "contacts.csv").write_text(text, encoding="utf-8")
    assert refusal(tmp_path / "src", tmp_path / "dest") == (
        "contacts.csv, række 4: for lang række (højst 1.048.576 byte)"
    )


def test_a_value_longer_than_its_column_allows_is_refused_without_repeating_it(
    tmp_path: Path,
) -> None:
    rows = [*ROWS, GOOD | {"person_id": "p3", "hospital": "H" * 201},
            GOOD | {"person_id": "p4", "kommunekode": "1" * 5000},
            GOOD | {"person_id": "p" * 65}]  # fmt: skip
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "contacts.csv").write_text(csv_text(rows), encoding="utf-8")
    assert refusal(tmp_path / "src", tmp_path / "dest").splitlines() == [
        "Indlæsning afvist: 3 rækker med fejl; intet er skrevet.",
        "contacts.csv, række 4, felt 'hospital': for lang værdi (201 tegn; højst 200)",
        "contacts.csv, række 5, felt 'kommunekode': for lang værdi (5.000 tegn; højst 10)",
        "contacts.csv, række 6, felt 'person_id': for lang værdi (65 tegn; højst 64)",
    ]
    # a message quotes at most 40 characters of a bad value
    rows = [*ROWS, GOOD | {"person_id": "p3", "primary_diagnosis": "Q" * 10}]
    (tmp_path / "src" / "contacts.csv").write_text(csv_text(rows), encoding="utf-8")
    assert refusal(tmp_path / "src", tmp_path / "dest").splitlines()[1] == (
        "contacts.csv, række 4, felt 'primary_diagnosis': ugyldig diagnosekode 'QQQQQQQQQQ' "
        "(forventet SKS-kode med D-præfiks, fx DJ189)"
    )


# -- mixed encodings ---------------------------------------------------------------------------


def test_a_file_mixing_utf8_and_windows_1252_is_refused_at_the_row_where_it_changes(
    tmp_path: Path, encoding_check: str
) -> None:
    utf8 = csv_text([GOOD | {"hospital": '"Ærø\nSygehus"'}]).encode("utf-8")
    cp1252 = "p2,101,M,1940-01-01,2014-03-01 08:30,2014-03-02 10:00,true,DJ189,,Ærø,\n"
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "contacts.csv").write_bytes(utf8 + cp1252.encode("cp1252"))
    assert refusal(tmp_path / "src", tmp_path / "dest") == (
        "contacts.csv, række 3: filen blander tegnsæt (UTF-8 før denne række, Windows-1252 fra "
        "den); gem hele filen som UTF-8"
    )


# -- dates out of range ------------------------------------------------------------------------

TODAY = dt.date.today().isoformat()
DATES = [
    ("birth_date", "1899-12-31", "dato '1899-12-31' er før 1900-01-01 (tidligste tilladte dato)"),
    ("start", "1014-03-01 08:30", "dato '1014-03-01 08:30' er før 1900-01-01 (tidligste tilladte dato)"),
    ("end", "2999-01-02 10:00", f"dato '2999-01-02 10:00' er efter dataafskæringen {TODAY}"),
    ("start", "2999-01-01T00:00:00", f"dato '2999-01-01T00:00:00' er efter dataafskæringen {TODAY}"),
]  # fmt: skip


@pytest.mark.parametrize(("field", "value", "why"), DATES, ids=[f"{d[0]}={d[1]}" for d in DATES])
def test_dates_before_1900_or_after_the_data_cut_are_refused(
    tmp_path: Path, field: str, value: str, why: str
) -> None:
    rows = [GOOD, GOOD | {"person_id": "p2", field: value}]
    if field == "start":
        rows[1]["end"] = value
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "contacts.csv").write_text(csv_text(rows), encoding="utf-8")
    lines = refusal(tmp_path / "src", tmp_path / "dest").splitlines()
    assert lines == [HEAD, f"contacts.csv, række 3, felt '{field}': {why}"]


def test_the_data_cut_can_be_the_extract_date(tmp_path: Path) -> None:
    cut = dt.date(2014, 12, 31)
    late = GOOD | {"person_id": "p2", "start": "2015-01-01 00:00", "end": "2015-01-01 00:00"}
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "contacts.csv").write_text(csv_text([GOOD, late]), encoding="utf-8")
    assert refusal(tmp_path / "src", tmp_path / "dest", data_cut=cut).splitlines()[1] == (
        "contacts.csv, række 3, felt 'start': dato '2015-01-01 00:00' er efter dataafskæringen "
        "2014-12-31"
    )
    # the last day of the data cut itself is fine, and the ingest records the cut
    ok = GOOD | {"start": "2014-12-31 23:00", "end": "2014-12-31 23:59"}
    (tmp_path / "src" / "contacts.csv").write_text(csv_text([ok]), encoding="utf-8")
    assert ingest(tmp_path / "src", tmp_path / "dest", data_cut=cut).tables == {"contacts": 1}
    record = json.loads((tmp_path / "dest" / "ingest.json").read_text(encoding="utf-8"))
    assert record["data_cut"] == "2014-12-31"


def test_the_data_cut_is_today_by_default_and_applies_to_every_table(tmp_path: Path) -> None:
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "contacts.csv").write_text(csv_text(ROWS), encoding="utf-8")
    (tmp_path / "src" / "ready_for_discharge.csv").write_text(
        f"person_id,kommunekode,ready_date,discharge_date\np1,101,2014-12-30,{tomorrow}\n",
        encoding="utf-8",
    )
    assert refusal(tmp_path / "src", tmp_path / "dest").splitlines()[1] == (
        f"ready_for_discharge.csv, række 2, felt 'discharge_date': dato '{tomorrow}' er efter "
        f"dataafskæringen {dt.date.today().isoformat()}"
    )


def test_an_lpr2_birth_date_before_1900_names_the_cpr_field(tmp_path: Path) -> None:
    from test_lpr2 import ADM, PERSON, extract

    src = extract(tmp_path / "src", ADM[:1], person=PERSON.replace("1940-01-01", "31.12.1850"))
    assert refusal(src, tmp_path / "dest", fmt="lpr2").splitlines()[1] == (
        "LPR_ADM_2014.csv, række 2, felt 'CPR_PERSON.D_FODDATO': dato '1850-12-31' er før "
        "1900-01-01 (tidligste tilladte dato)"
    )


# -- a killed ingest ---------------------------------------------------------------------------

# Runs an ingest in a child process that SIGKILLs itself at the N-th call of ``os.replace`` or
# of ``shutil.rmtree`` (the steps of the switch), as a kill from outside would land there.
KILLER = textwrap.dedent("""
    import os, shutil, signal, sys
    from pathlib import Path
    from naersund.registry.ingest import ingest

    src, dest, name, at = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    module = os if name == "replace" else shutil
    real, calls = getattr(module, name), []

    def killed(*args, **kwargs):
        calls.append(args)
        if len(calls) == at:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)

    setattr(module, name, killed)
    ingest(Path(src), Path(dest))
""")


def killed_ingest(src: Path, dest: Path, step: str, at: int) -> None:
    done = subprocess.run(
        [sys.executable, "-c", KILLER, str(src), str(dest), step, str(at)],
        capture_output=True,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()


def hidden(dest: Path) -> list[str]:
    return sorted(p.name for p in dest.parent.iterdir() if p.name.startswith("."))


def sources(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    for folder, rows in ((old, ROWS[:1]), (new, ROWS)):
        folder.mkdir()
        (folder / "contacts.csv").write_text(csv_text(rows), encoding="utf-8")
    return old, new


@pytest.mark.parametrize(
    ("plain", "step", "at", "state"),
    [
        (False, "replace", 1, "old"),  # built, not yet switched: the old data stays in place
        (False, "rmtree", 1, "new"),  # switched, the previous version not yet removed
        (True, "replace", 1, "old"),  # a plain DEST (earlier layout), before it is moved aside
        (True, "replace", 2, "gone"),  # a plain DEST moved aside, the link not yet in place
    ],
    ids=["before the switch", "after the switch", "plain, before", "plain, between renames"],
)
def test_the_next_ingest_recovers_from_a_kill_and_removes_the_leftovers(
    tmp_path: Path, plain: bool, step: str, at: int, state: str
) -> None:
    old, new = sources(tmp_path)
    dest = tmp_path / "out" / "dest"
    ingest(old, dest)
    version = current_version(dest)
    if plain and version:  # the layout of earlier versions (and of synth): a folder, not a link
        dest.unlink()
        version.rename(dest)
    killed_ingest(new, dest, step, at)
    assert any(".ingest-" in name for name in hidden(dest))  # the kill left its work folder
    if state == "gone":
        assert not os.path.lexists(dest) and ".dest.old" in hidden(dest)
    else:
        assert person_ids(dest) == (["p1"] if state == "old" else ["p1", "p2"])
    # The next ingest, even one that fails, first puts back and cleans up ...
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "contacts.csv").write_text(csv_text([GOOD | {"sex": "X"}]), encoding="utf-8")
    with pytest.raises(InputError):
        ingest(bad, dest)
    version = current_version(dest)
    expected = [".dest.lock"] + ([version.name] if version else [])
    assert hidden(dest) == sorted(expected)
    assert person_ids(dest) == (["p1", "p2"] if state == "new" else ["p1"])
    # ... and a good one switches to the new data; compute reads DEST
    ingest(new, dest)
    version = current_version(dest)
    assert version is not None and hidden(dest) == sorted([".dest.lock", version.name])
    assert person_ids(dest) == ["p1", "p2"]
    assert len(compute(dest, ComputeOptions(engine_options={"threads": 1})).results) > 0


def test_a_second_ingest_to_the_same_destination_waits_its_turn(tmp_path: Path) -> None:
    old, _ = sources(tmp_path)
    dest = tmp_path / "dest"
    with locked_dir(dest), pytest.raises(NaersundError) as e:
        ingest(old, dest)
    assert str(e.value) == (
        f"{dest}: en anden kørsel skriver til mappen lige nu; prøv igen, når den er færdig"
    )
    assert not os.path.lexists(dest)
    ingest(old, dest)  # the lock is gone with the run that held it
    assert person_ids(dest) == ["p1"]


def test_a_broken_lpr2_file_read_by_the_adapter_is_named_without_duckdb_text(
    tmp_path: Path,
) -> None:
    from test_lpr2 import ADM, extract

    src = extract(tmp_path / "src", [ADM[0], ADM[1] + ",extra"])
    assert refusal(src, tmp_path / "dest", fmt="lpr2") == (
        "LPR_ADM_2014.csv, række 3: forventede 16 felter, fandt 17 (tjek skilletegn og "
        "anførselstegn)"
    )


def test_an_over_long_value_in_parquet_is_refused_by_its_column_limit(tmp_path: Path) -> None:
    rows = [*ROWS, GOOD | {"person_id": "p3", "hospital": BIG}]
    (tmp_path / "src").mkdir()
    table = pa.table({c: [r[c] for r in rows] for c in COLUMNS})
    pq.write_table(table, tmp_path / "src" / "contacts.parquet")
    assert refusal(tmp_path / "src", tmp_path / "dest").splitlines()[1] == (
        "contacts.parquet, række 4, felt 'hospital': for lang værdi (2.597.152 tegn; højst 200)"
    )
