"""The text-file helpers: over-long lines and rows counted as a spreadsheet counts them."""

from __future__ import annotations

import random
from pathlib import Path

from naersund.textfile import encoding_change, long_line, row_at


def test_long_line_finds_only_lines_over_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"a,b\n" + b"x" * 10 + b"\n" + b"y" * 11 + b"\n" + b"z" * 12)
    assert long_line(path, 12) is None
    hit = long_line(path, 10)
    assert hit is not None and (hit.offset, hit.length) == (15, 11)
    # a row is counted as a spreadsheet counts it: a quoted line break stays in its row
    path.write_bytes(b'a,b\n1,"x\ny"\n2,z\n')
    assert [row_at(path, i) for i in (0, 4, 9, 12)] == [1, 2, 2, 3]


def test_encoding_change_names_the_first_row_in_the_other_encoding(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_bytes("a\nø\n".encode("cp1252") + "ø\n".encode())
    change = encoding_change(path)
    assert change is not None and (change.row, change.first, change.then) == (
        3,
        "Windows-1252",
        "UTF-8",
    )
    path.write_bytes("a\nø\nÆrø\n".encode("cp1252"))
    assert encoding_change(path) is None


def _first_long_line(data: bytes, limit: int) -> tuple[int, int] | None:
    """The first line over ``limit`` bytes, by splitting the whole text (the reference)."""
    start = 0
    for line in data.split(b"\n"):
        if len(line) > limit:
            return start, len(line)
        start += len(line) + 1
    return None


def test_long_line_agrees_with_splitting_the_whole_file(tmp_path: Path) -> None:
    # lines shorter and longer than the bytes read at a time around a probe (4 KB), breaks at
    # the probed offsets themselves, no break at the end: the first long line is the same
    rng = random.Random(16)
    path = tmp_path / "lines.csv"
    for _ in range(60):
        lengths = [rng.choice([0, 1, 99, 4095, 4096, 4097, 9000, 20_000]) for _ in range(12)]
        data = b"\n".join(bytes([97 + i % 26]) * n for i, n in enumerate(lengths))
        path.write_bytes(data)
        for limit in (100, 4096, 5000, 10_000):
            hit = long_line(path, limit)
            found = None if hit is None else (hit.offset, hit.length)
            expected = None if len(data) <= limit else _first_long_line(data, limit)
            assert found == expected, (lengths, limit)
