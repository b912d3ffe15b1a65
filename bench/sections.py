"""BENCHMARKS.md holds one section per benchmark script between its own markers, with notes
written by hand outside them. Each script replaces only its own section."""

from __future__ import annotations

from pathlib import Path


def write_section(path: Path, start: str, end: str, text: str, first: bool = False) -> None:
    """Put ``text`` between ``start`` and ``end`` in ``path``, replacing what was there and
    keeping everything else. A new section goes at the end (or, with ``first``, at the top,
    taking over the ``# Benchmarks`` title)."""
    block = f"{start}\n{text}\n{end}"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if start in old and end in old:
        head, rest = old.split(start, 1)
        new = head + block + rest.split(end, 1)[1]
    elif first:
        new = block + "\n\n" + old.removeprefix("# Benchmarks\n").lstrip("\n")
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(new, encoding="utf-8")
