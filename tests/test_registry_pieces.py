"""A big CSV file read as pieces side by side (registry/pieces.py): the pieces start at line
ends with the row numbers the whole file gives them, DuckDB reads them through naersund's file
system, and an ingest gives the same contacts, rows and messages either way, also when the
line count is not the row count (a value with a line break, an empty line) or a piece cannot
be read: the ingest then reads the file whole."""

from __future__ import annotations

import itertools
import random
import re
from pathlib import Path

import duckdb
import pytest

from naersund.errors import InputError
from naersund.registry import pieces, sources
from naersund.registry.ingest import ingest
from naersund.registry.pieces import Piece, PieceFileSystem
from test_lpr3 import KONTAKTER, contacts, extract
from test_lpr3_typed import extract as awkward_extract
from test_lpr3_typed import fuzz_rows


def written(tmp_path: Path, rows: list[str], newline: str = "\n", last: bool = True) -> Path:
    path = tmp_path / "f.csv"
    path.write_bytes((newline.join(rows) + (newline if last else "")).encode())
    return path


def test_pieces_begin_after_line_ends_and_cover_the_file(tmp_path: Path) -> None:
    # by hand: "a;b\n" (line end at byte 3) then 9-byte lines "row;0000\n" (line ends at 12,
    # 21, 30, 39, 48, ...); pieces of 40 bytes: cut after the first line end at or after byte
    # 39, 79, 119, 159 (the last piece may be under half a piece, no cut after 164)
    rows = ["a;b", *(f"row;{i:04d}" for i in range(20))]
    path = written(tmp_path, rows)  # 4 + 20 * 9 = 184 bytes
    assert pieces.pieces(path, 40) == (
        Piece(0, 40),  # the line end at 39
        Piece(40, 85),  # at 84
        Piece(85, 121),  # at 120
        Piece(121, 166),  # at 165
        Piece(166, 184),
    )
    assert pieces.pieces(path, 200) == ()  # under two pieces
    rng = random.Random(1)
    for _ in range(300):
        lines = ["h", *("y" * rng.randint(0, 30) for _ in range(rng.randint(0, 60)))]
        path = written(tmp_path, lines, rng.choice(["\n", "\r\n"]), rng.random() < 0.8)
        cut = pieces.pieces(path, rng.randint(1, 80))
        data = path.read_bytes()
        if cut:
            assert cut[0].start == 0 and cut[-1].end == len(data)
            for a, b in itertools.pairwise(cut):
                assert a.end == b.start > a.start and data[b.start - 1 : b.start] == b"\n"


def test_at_most_max_pieces_of_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = written(tmp_path, ["a;b", *(f"row;{i:04d}" for i in range(2000))])
    assert len(pieces.pieces(path, 40)) == pieces.MAX_PIECES
    monkeypatch.setattr(pieces, "MAX_PIECES", 4)
    assert len(pieces.pieces(path, 40)) == 4


def test_rows_numbered_in_pieces_are_the_whole_files_rows(tmp_path: Path) -> None:
    # a value with a line break and an empty line (skipped by the reader): the rows as read in
    # pieces, counted, give the rows DuckDB's reader of the whole file gives
    rows = ["a;b", *(f"v{i};{i}" for i in range(60))]
    rows[20] = 'v19;"two\nlines"'
    rows[40] = ""
    path = written(tmp_path, rows)
    con = duckdb.connect()
    con.register_filesystem(PieceFileSystem())
    cols = "columns = {'a': 'VARCHAR', 'b': 'VARCHAR'}"

    def read(name: str, header: bool) -> str:
        return f"read_csv('{name}', header = {header}, auto_detect = false, delim = ';', {cols})"

    whole = con.execute(f"SELECT row_number() OVER () + 1, a, b FROM {read(str(path), True)}")
    expected = whole.fetchall()
    cut = pieces.pieces(path, 45)
    assert len(cut) == 9  # none of them begins inside the quoted value
    as_read = " UNION ALL ".join(
        f"SELECT 0 AS _fileno, {pieces.numbered(i)} AS _row, a, b FROM {read(p.path(path), i == 0)}"
        for i, p in enumerate(cut)
    )
    counts = con.execute(
        f"SELECT _fileno, _row >> {pieces.ROW_BITS}, count(*) FROM ({as_read}) GROUP BY ALL"
    ).fetchall()
    real = pieces.row_sql(pieces.offsets_of(counts, {0: len(cut)}))
    got = con.execute(f"SELECT {real}, a, b FROM ({as_read}) ORDER BY _row").fetchall()
    assert got == expected
    assert got[19] == (21, "v19", "two\nlines") and got[39] == (41, "v40", "40")  # v39: empty
    assert pieces.original(cut[1].path(path)) == path
    assert pieces.original(str(path)) is None


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of pieces of each kontakter file an ingest cut (in pieces of 4 KB)."""
    monkeypatch.setattr(pieces, "PIECE_BYTES", 4096)
    made: list[int] = []
    cut = pieces.pieces

    def spy(path: Path, piece_bytes: int | None = None) -> tuple[Piece, ...]:
        made.append(len(cut(path, piece_bytes)))
        return cut(path, piece_bytes)

    monkeypatch.setattr(pieces, "pieces", spy)
    return made


def rejected(tmp_path: Path, src: Path, name: str) -> tuple[object, ...]:
    report = ingest(src, tmp_path / name, fmt="lpr3", rejects=tmp_path / f"{name}.csv")
    return (
        report.tables,
        report.messages,
        (tmp_path / f"{name}.csv").read_text(encoding="utf-8-sig"),
        contacts(tmp_path / name),
    )


def test_an_extract_read_in_pieces_gives_the_same_contacts_rows_and_messages(
    tmp_path: Path, counted: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    src = awkward_extract(tmp_path / "src", fuzz_rows(3000, 3))
    in_pieces = rejected(tmp_path, src, "pieces")
    assert counted[0] == pieces.MAX_PIECES  # about 280 KB in 4 KB pieces, at most 16
    monkeypatch.setattr(pieces, "PIECE_BYTES", 1 << 40)
    whole = rejected(tmp_path, src, "whole")
    assert in_pieces == whole
    named = [int(m) for m in re.findall(r"^kontakter\.csv,(\d+),", str(whole[2]), re.MULTILINE)]
    assert len(named) > 1000 and max(named) > 2950  # rows of every piece, the last included


def distinct(n: int) -> list[str]:
    """``n`` plain kontakter rows, each its own contact (its own start, 00:00 on)."""
    return [
        KONTAKTER[0].replace(";K1;", f";K{i};").replace("08:30", f"0{i // 60}:{i % 60:02d}")
        for i in range(n)
    ]


def opened_kontakter(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of pieces kontakter.csv is read as, each time an ingest opens it."""
    opened: list[int] = []
    open_source = sources.open_source

    def spy(path: Path, *args: object, **kwargs: object) -> sources.Source:
        found = open_source(path, *args, **kwargs)  # type: ignore[arg-type]
        if path.name == "kontakter.csv":
            opened.append(len(found.pieces))
        return found

    monkeypatch.setattr("naersund.registry.lpr3.open_source", spy)
    return opened


@pytest.mark.parametrize(
    "odd",
    [
        # a value with a line break: two lines, one row
        'P1;K1;0165;2019-03-01;08:30;2019-03-02;10:15;ATA1;ALCA00;DJ189;intern medicin;"Her\nlev"',
        "",  # an empty line, which DuckDB's reader skips
    ],
)
def test_rows_are_numbered_as_the_whole_file_numbers_them_whatever_their_lines(
    tmp_path: Path, counted: list[int], monkeypatch: pytest.MonkeyPatch, odd: str
) -> None:
    plain = distinct(400)
    bad = KONTAKTER[0].replace("0165", "0x65")  # an unknown municipality, after the odd line
    src = extract(tmp_path / "src", [*plain[:200], odd, *plain[200:], bad])
    opened = opened_kontakter(monkeypatch)
    with pytest.raises(InputError) as in_pieces:
        ingest(src, tmp_path / "dest", fmt="lpr3")
    assert opened == [counted[0]] and counted[0] > 2  # read once, as pieces
    row = 403 if odd else 402  # the empty line is no row
    assert str(in_pieces.value).endswith(
        f"kontakter.csv, række {row}, felt 'KOMMUNEKODE': ukendt kommunekode '0x65'"
    )
    monkeypatch.setattr(pieces, "PIECE_BYTES", 1 << 40)
    with pytest.raises(InputError) as whole:
        ingest(src, tmp_path / "dest", fmt="lpr3")
    assert str(whole.value) == str(in_pieces.value)


def test_a_piece_cut_inside_a_quoted_value_makes_the_ingest_read_the_file_whole(
    tmp_path: Path, counted: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the first line end after byte 4096 is inside a quoted value: the first piece ends inside
    # the quotes, its reader refuses it, and the ingest reads the file whole
    long = '"' + "x" * 3000 + "\n" + "y" * 3000 + '"'
    row = KONTAKTER[0].replace("Herlev", long)
    bad = KONTAKTER[0].replace("0165", "0x65")
    src = extract(tmp_path / "src", [*distinct(10), row, *distinct(100), bad])
    opened = opened_kontakter(monkeypatch)
    with pytest.raises(InputError) as e:
        ingest(src, tmp_path / "dest", fmt="lpr3")
    assert opened[0] > 2 and opened[-1] == 0  # as pieces, then whole
    assert str(e.value).endswith(
        "kontakter.csv, række 113, felt 'KOMMUNEKODE': ukendt kommunekode '0x65'"
    )


@pytest.mark.parametrize("where", [3, 150])
def test_a_malformed_row_in_any_piece_gets_the_whole_files_message(
    tmp_path: Path, counted: list[int], where: int
) -> None:
    rows = distinct(200)
    rows.insert(where, KONTAKTER[0] + ";extra")
    with pytest.raises(InputError) as e:
        ingest(extract(tmp_path / "src", rows), tmp_path / "dest", fmt="lpr3")
    assert counted[0] > 2
    assert str(e.value) == (
        f"kontakter.csv, række {where + 2}: forventede 12 felter, fandt 13 (tjek skilletegn og "
        "anførselstegn)"
    )
    assert not (tmp_path / "dest").exists()


def test_windows_1252_found_in_a_later_piece_is_read_as_such(
    tmp_path: Path, counted: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # only the top of the file is checked before DuckDB reads it: a piece far down finds the
    # bytes that are not UTF-8, and the ingest starts over (whole, checked, transcoded)
    monkeypatch.setattr(sources, "HEAD_BYTES", 64)
    monkeypatch.setattr(sources, "_CHUNK", 64)
    rows = [*distinct(200), KONTAKTER[0].replace("Herlev", "Næstved")]
    src = extract(tmp_path / "src", rows)
    text = (src / "kontakter.csv").read_text(encoding="utf-8")
    (src / "kontakter.csv").write_bytes(text.encode("cp1252"))
    report = ingest(src, tmp_path / "dest", fmt="lpr3")
    assert counted[0] > 2
    assert report.tables["contacts"] == 201
    assert {c["hospital"] for c in contacts(tmp_path / "dest")} == {"Herlev", "Næstved"}
