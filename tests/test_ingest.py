"""Ingest: layout and types of the output, all or nothing, the rejects report, file shapes."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csv_rows import COLUMNS, GOOD
from naersund.atomic import current_version
from naersund.engine.inputs import has_person_key
from naersund.errors import InputError
from naersund.registry.ingest import IngestReport, find_table, format_doc, ingest
from naersund.registry.lpr2 import ADM
from naersund.registry.schema import TABLES

READY = "person_id,kommunekode,ready_date,discharge_date\np1,101,2014-12-30,2015-01-02\n"
POPULATION = "year,kommunekode,age_group,sex,count\n2014,101,65-69,F,100\n2014,0,total,T,5627235\n"


def csv_text(rows: list[dict[str, str]]) -> str:
    return "\n".join([",".join(COLUMNS)] + [",".join(r[c] for c in COLUMNS) for r in rows]) + "\n"


def write(src: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text, encoding="utf-8")
    return src


def table(dest: Path, name: str) -> pa.Table:
    """Every row of one output table, sorted, as one Arrow table."""
    t = pa.concat_tables([pq.read_table(f) for f in find_table(dest, name)])
    return t.sort_by([(c, "ascending") for c in t.column_names])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


ROWS = [GOOD, GOOD | {"person_id": "p2", "start": "2015-01-01 00:10", "end": "2015-01-01 01:00"}]


def test_find_table_knows_the_three_shapes(tmp_path: Path) -> None:
    for name in ["contacts.csv", "contacts.parquet", "contacts/year=2014/b.parquet",
                 "contacts/a.CSV", "contacts/.tmp/x.csv", "contacts/notes.txt"]:  # fmt: skip
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).touch()
    got = [p.relative_to(tmp_path).as_posix() for p in find_table(tmp_path, "contacts")]
    assert got == [
        "contacts.csv",
        "contacts.parquet",
        "contacts/a.CSV",
        "contacts/year=2014/b.parquet",
    ]
    assert find_table(tmp_path, "population") == []


def test_output_layout_and_types(tmp_path: Path) -> None:
    src = write(tmp_path / "src", {"contacts.csv": csv_text(ROWS), "ready_for_discharge.csv": READY,
                                   "population.csv": POPULATION})  # fmt: skip
    report = ingest(src, tmp_path / "dest")
    assert report == IngestReport(
        tables={"contacts": 2, "population": 2, "ready_for_discharge": 1},
        rejected={"contacts": 0, "population": 0, "ready_for_discharge": 0},
    )
    assert sorted(snapshot(tmp_path / "dest")) == [
        "contacts/year=2014/part-0.parquet",
        "contacts/year=2015/part-0.parquet",
        "ingest.json",
        "population/population.parquet",
        "quality.csv",
        "ready_for_discharge/year=2014/part-0.parquet",
    ]
    contacts = table(tmp_path / "dest", "contacts")
    assert contacts.schema == pa.schema(
        [("person_id", pa.string()), ("kommunekode", pa.int64()), ("sex", pa.string()),
         ("birth_date", pa.date32()), ("start", pa.timestamp("us")), ("end", pa.timestamp("us")),
         ("acute", pa.bool_()), ("primary_diagnosis", pa.string()), ("specialty", pa.string()),
         ("hospital", pa.string()), ("died", pa.bool_()), ("person_key", pa.int64())]
    )  # fmt: skip
    assert contacts.to_pylist()[1] == {
        "person_id": "p2", "kommunekode": 101, "sex": "M", "birth_date": dt.date(1940, 1, 1),
        "start": dt.datetime(2015, 1, 1, 0, 10), "end": dt.datetime(2015, 1, 1, 1, 0),
        "acute": True, "primary_diagnosis": "DJ189", "specialty": "medicin",
        "hospital": "Rigshospitalet", "died": False, "person_key": 2,
    }  # fmt: skip
    ready = table(tmp_path / "dest", "ready_for_discharge")
    assert ready.to_pylist() == [
        {"person_id": "p1", "kommunekode": 101, "ready_date": dt.date(2014, 12, 30),
         "discharge_date": dt.date(2015, 1, 2)}
    ]  # fmt: skip
    population = table(tmp_path / "dest", "population")
    assert population.schema.names == ["year", "kommunekode", "age_group", "sex", "count"]
    assert population.to_pylist()[0] == {
        "year": 2014, "kommunekode": 0, "age_group": "total", "sex": "T", "count": 5627235
    }  # fmt: skip


def test_a_failed_ingest_leaves_an_earlier_one_untouched(tmp_path: Path) -> None:
    src = write(tmp_path / "src", {"contacts.csv": csv_text(ROWS)})
    dest = tmp_path / "out" / "dest"
    ingest(src, dest)
    before = snapshot(dest)
    write(src, {"contacts.csv": csv_text([*ROWS, GOOD | {"sex": "X"}])})
    with pytest.raises(InputError):
        ingest(src, dest)
    assert snapshot(dest) == before
    # also when every row is set aside, which fails inside the swap
    with pytest.raises(InputError, match="ingen gyldige kontakter"):
        ingest(write(tmp_path / "bad", {"contacts.csv": csv_text([GOOD | {"sex": "X"}])}), dest,
               rejects=tmp_path / "rejects.csv")  # fmt: skip
    assert snapshot(dest) == before
    # no temporary leftovers: only the link, the version it points to and the lock file
    version = current_version(dest)
    assert version is not None
    assert sorted(p.name for p in dest.parent.iterdir()) == [".dest.lock", version.name, "dest"]


def test_the_rejects_report_holds_the_bad_rows_and_the_good_ones_are_written(
    tmp_path: Path,
) -> None:
    rows = [*ROWS, GOOD | {"kommunekode": "999", "hospital": "Ærø"}, GOOD]
    pop = POPULATION + "2014,101,70-74,F,-1\n"
    src = write(tmp_path / "src", {"contacts.csv": csv_text(rows), "population.csv": pop})
    report = ingest(src, tmp_path / "dest", rejects=tmp_path / "r" / "rejects.csv")
    assert report.tables == {"contacts": 2, "population": 2}
    assert report.rejected == {"contacts": 2, "population": 1}
    assert report.rejects_file == tmp_path / "r" / "rejects.csv"
    assert report.messages == [
        "contacts.csv, række 4, felt 'kommunekode': ukendt kommunekode '999'",
        "contacts.csv, række 5: dubletrække, identisk med række 2",
        "population.csv, række 4, felt 'count': negativt antal '-1'",
    ]
    raw = (tmp_path / "r" / "rejects.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines() == [
        "fil,række,felt,årsag,person_id,kommunekode,sex,birth_date,start,end,acute,"
        "primary_diagnosis,specialty,hospital,died,year,age_group,count",
        "contacts.csv,4,kommunekode,ukendt kommunekode '999',p1,999,M,1940-01-01,"
        "2014-03-01T08:30:00,2014-03-02 10:00,true,DJ189,medicin,Ærø,false,,,",
        'contacts.csv,5,,"dubletrække, identisk med række 2",p1,101,M,1940-01-01,'
        "2014-03-01T08:30:00,2014-03-02 10:00,true,DJ189,medicin,Rigshospitalet,false,,,",
        "population.csv,4,count,negativt antal '-1',,101,F,,,,,,,,,2014,70-74,-1",
    ]
    assert table(tmp_path / "dest", "contacts").column("person_id").to_pylist() == ["p1", "p2"]
    # the counts travel with the data: compute carries them into every release's metadata
    record = json.loads((tmp_path / "dest" / "ingest.json").read_text(encoding="utf-8"))
    assert record["written"] == {"contacts": 2, "population": 2}
    assert record["rejected"] == {"contacts": 2, "population": 1}
    assert record["format"] == "canonical"


def test_compute_carries_the_rejected_count_into_the_results_metadata(tmp_path: Path) -> None:
    from naersund.engine.compute import ComputeOptions, compute

    rows = [*ROWS, GOOD | {"kommunekode": "999"}]
    src = write(tmp_path / "src", {"contacts.csv": csv_text(rows)})
    ingest(src, tmp_path / "dest", rejects=tmp_path / "rejects.csv")
    meta = compute(tmp_path / "dest", ComputeOptions(engine_options={"threads": 1})).meta
    assert meta["rejected_rows"] == 1
    assert meta["ingest"]["rejected"] == {"contacts": 1}
    # data that did not come through ingest say nothing about rejected rows
    (tmp_path / "dest" / "ingest.json").unlink()
    meta = compute(tmp_path / "dest", ComputeOptions(engine_options={"threads": 1})).meta
    assert "rejected_rows" not in meta and "ingest" not in meta


def test_a_clean_ingest_still_writes_an_empty_rejects_report(tmp_path: Path) -> None:
    src = write(tmp_path / "src", {"contacts.csv": csv_text(ROWS)})
    report = ingest(src, tmp_path / "dest", rejects=tmp_path / "rejects.csv")
    assert (report.rejected, report.messages) == ({"contacts": 0}, [])
    assert (tmp_path / "rejects.csv").read_bytes() == "\ufefffil,række,felt,årsag\n".encode()
    record = json.loads((tmp_path / "dest" / "ingest.json").read_text(encoding="utf-8"))
    assert record["rejected"] == {"contacts": 0}


def test_csv_and_parquet_input_give_identical_output_and_messages(tmp_path: Path) -> None:
    text = csv_text(ROWS)
    ingest(write(tmp_path / "csv", {"contacts.csv": text}), tmp_path / "from_csv")
    typed = pacsv.read_csv(pa.py_buffer(text.encode()))  # Arrow's own types: ints, timestamps…
    strings = pacsv.read_csv(
        pa.py_buffer(text.encode()),
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(COLUMNS, pa.string())),
    )
    for name, t in (("typed", typed), ("text", strings)):
        (tmp_path / name).mkdir()
        pq.write_table(t, tmp_path / name / "contacts.parquet")
        ingest(tmp_path / name, tmp_path / f"from_{name}")
        assert table(tmp_path / f"from_{name}", "contacts") == table(
            tmp_path / "from_csv", "contacts"
        )
    bad = pacsv.read_csv(pa.py_buffer(csv_text([*ROWS, GOOD | {"sex": "X"}]).encode()))
    pq.write_table(bad, tmp_path / "typed" / "contacts.parquet")
    with pytest.raises(InputError) as e:
        ingest(tmp_path / "typed", tmp_path / "x")
    assert str(e.value).splitlines()[1] == (
        "contacts.parquet, række 4, felt 'sex': ukendt køn 'X' (forventet M eller F)"
    )


ROW = st.fixed_dictionaries(
    {
        "kommunekode": st.sampled_from(["101", "0147", "851"]),
        "sex": st.sampled_from(["M", "F", "m"]),
        "start": st.datetimes(dt.datetime(2013, 1, 1), dt.datetime(2016, 12, 31)).map(
            lambda d: d.replace(second=0, microsecond=0).isoformat(sep=" ")
        ),
        "acute": st.sampled_from(["true", "0", "ja"]),
        "primary_diagnosis": st.sampled_from(["DJ189", "dz763", "DS72"]),
        "hospital": st.sampled_from(["", "Ærø", "Syd"]),
    }
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(ROW, min_size=1, max_size=12), cuts=st.lists(st.integers(0, 12), max_size=3),
       parquet=st.booleans())  # fmt: skip
def test_rows_split_over_several_files_give_the_same_output(
    rows: list[dict[str, str]], cuts: list[int], parquet: bool
) -> None:
    full = [
        GOOD | r | {"person_id": f"p{i}", "end": "2017-01-01 00:00"} for i, r in enumerate(rows)
    ]
    bounds = [0, *sorted(c for c in cuts if c < len(full)), len(full)]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ingest(write(root / "one", {"contacts.csv": csv_text(full)}), root / "a")
        for i, (lo, hi) in enumerate(itertools.pairwise(bounds)):
            part = root / "many" / "contacts" / f"part-{i:02d}.csv"
            write(
                root / "many", {part.relative_to(root / "many").as_posix(): csv_text(full[lo:hi])}
            )
            if parquet and i % 2:
                pq.write_table(pacsv.read_csv(part), part.with_suffix(".parquet"))
                part.unlink()
        ingest(root / "many", root / "b")
        assert table(root / "b", "contacts") == table(root / "a", "contacts")


def test_synthetic_markers_are_carried_over(tmp_path: Path) -> None:
    src = write(tmp_path / "src", {"contacts.csv": csv_text(ROWS), "SYNTETISKE_DATA.txt": "SYNTETISKE DATA\n",
                                   "manifest.json": '{"synthetic": true}\n'})  # fmt: skip
    ingest(src, tmp_path / "dest")
    assert (tmp_path / "dest" / "SYNTETISKE_DATA.txt").read_text() == "SYNTETISKE DATA\n"
    assert (tmp_path / "dest" / "manifest.json").exists()


def test_input_problems_before_any_row(tmp_path: Path) -> None:
    src = write(tmp_path / "src", {"population.csv": POPULATION})
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "dest")
    assert str(e.value) == (
        f"{src}: ingen kontakter fundet (forventede contacts.csv, contacts.parquet eller en "
        "mappe contacts/ med CSV- eller Parquet-filer)"
    )
    with pytest.raises(InputError, match="målmappen må ikke være eller indeholde inputmappen"):
        ingest(src, src)
    with pytest.raises(InputError, match="mappen findes ikke"):
        ingest(tmp_path / "nowhere", tmp_path / "dest")


def test_progress_is_reported_up_to_done(tmp_path: Path) -> None:
    seen: list[tuple[str, float]] = []
    src = write(tmp_path / "src", {"contacts.csv": csv_text([*ROWS, GOOD | {"sex": "X"}]),
                                   "population.csv": POPULATION})  # fmt: skip
    ingest(src, tmp_path / "dest", rejects=tmp_path / "rejects.csv",
           progress=lambda msg, frac: seen.append((msg, frac)))  # fmt: skip
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and seen[-1][0] == "Færdig"


def test_the_format_doc_names_every_column() -> None:
    doc = format_doc()
    for columns in TABLES.values():
        for c in columns:
            assert f"| `{c.name}` |" in doc
    for name in ADM:
        assert name.upper() in doc


def test_contacts_get_one_person_key_per_person_numbered_by_this_run(tmp_path: Path) -> None:
    rows = [GOOD | {"person_id": p, "start": f"2014-0{m}-01 08:00", "end": f"2014-0{m}-02 08:00"}
            for m, p in ((1, "b"), (2, "a"), (3, "b"), (4, "c"))]  # fmt: skip
    rows.append(GOOD | {"person_id": "a", "start": "2015-03-01 08:00", "end": "2015-03-02 08:00"})
    src = write(tmp_path / "src", {"contacts.csv": csv_text(rows)})
    ingest(src, tmp_path / "one")
    got = table(tmp_path / "one", "contacts").select(["person_id", "person_key"]).to_pylist()
    # dense rank of person_id across every year's file
    assert sorted({(r["person_id"], r["person_key"]) for r in got}) == [
        ("a", 1),
        ("b", 2),
        ("c", 3),
    ]
    files = find_table(tmp_path / "one", "contacts")
    assert len(files) == 2 and has_person_key(files)
    # Another run numbers its own persons: its files are never mixed with these on the key.
    ingest(src, tmp_path / "two")
    assert not has_person_key(files[:1] + find_table(tmp_path / "two", "contacts")[1:])
    # Re-ingesting naersund's own Parquet renumbers the key without calling it unknown.
    report = ingest(tmp_path / "one", tmp_path / "three")
    assert report.messages == []
    assert has_person_key(find_table(tmp_path / "three", "contacts"))


def test_the_written_data_is_private_to_its_owner(tmp_path: Path) -> None:
    # pseudonymised health data: the folder DEST links to is not readable by other users
    src = write(tmp_path / "src", {"contacts.csv": csv_text(ROWS)})
    ingest(src, tmp_path / "dest")
    version = current_version(tmp_path / "dest")
    assert version is not None and version.stat().st_mode & 0o777 == 0o700
