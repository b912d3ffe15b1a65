"""How much memory DuckDB may hold before it spills to disk: the setting
``NAERSUND_MEMORY_LIMIT``.

DuckDB keeps sorts, joins and aggregates in memory up to its limit and writes the rest to its
temp folder (spilling), which costs CPU and disk time: at five national years (54 M contacts)
compute's sort of all contacts by person spilled 4.2 GB past the former fixed 2 GB limit, and
the spill made compute 12.2 x the scan in CPU seconds against 9.2 x for one year in memory
(BENCHMARKS.md). The limit is therefore a function of the machine: by default a third of its
memory (a cgroup limit counts as the machine's memory), at least 2 GB (the former fixed value;
half the memory on a machine under 4 GB) and at most 8 GB, so that compute's peak (the limit,
plus about 0.5 GB of Python, pandas and Arrow) stays well below the 12 GB goal on any machine,
and a machine shared by several users keeps two thirds free. ``ingest`` holds its staging data
in DuckDB too; its default is at most 3 GB, for its goal of a peak under 4 GB.

``NAERSUND_MEMORY_LIMIT`` overrides the default, as a size (``6GB``, ``500MB``, ``1.5GiB``; KB,
MB, GB and TB are powers of 1000, KiB, MiB, GiB and TiB of 1024) or a share of the machine's
memory (``40%``). A value that cannot be read, below 128 MB or above the machine's memory is
refused with a Danish message saying what was expected.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from naersund import fmt
from naersund.errors import NaersundError

MEMORY_SETTING = "NAERSUND_MEMORY_LIMIT"
MIN_BYTES = 128 * 1000**2
DEFAULT_SHARE = 1 / 3
DEFAULT_FLOOR = 2 * 1000**3
DEFAULT_CAP = 8 * 1000**3
INGEST_CAP = 3 * 1000**3
_UNITS = {
    "b": 1,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "tb": 1000**4,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
}
_SIZE = re.compile(r"(\d+(?:[.,]\d+)?)\s*([a-z]+)")
_SHARE = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")
_EXPECTED = (
    "en størrelse som 6GB, 500MB eller 1.5GiB, eller en andel af maskinens hukommelse som 40%"
)


class MemorySettingError(NaersundError):
    """``NAERSUND_MEMORY_LIMIT`` holds a value that cannot be used."""


def machine_memory() -> int:
    """The memory this process may use, in bytes: the machine's, or its cgroup's if lower."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for limit_file in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(limit_file).read_text(encoding="ascii").strip()
        except OSError:
            continue
        if text.isdigit() and 0 < int(text) < total:
            total = int(text)
    return int(total)


def default_limit(machine: int, cap: int = DEFAULT_CAP) -> int:
    """The default limit on a machine with ``machine`` bytes: a third, from 2 GB (or half the
    machine, if less) to ``cap``."""
    floor = min(DEFAULT_FLOOR, machine // 2)
    return max(floor, min(int(machine * DEFAULT_SHARE), cap))


def parse_limit(value: str, machine: int) -> int:
    """Bytes for a ``NAERSUND_MEMORY_LIMIT`` value (a size or a share of ``machine``)."""
    text = value.strip().lower()
    gb = fmt.number(machine / 1000**3, 1)
    share = _SHARE.fullmatch(text)
    size = _SIZE.fullmatch(text)
    if share:
        percent = float(share.group(1).replace(",", "."))
        if not 0 < percent <= 100:
            raise MemorySettingError(
                f"{MEMORY_SETTING}: andelen skal være over 0 % og højst 100 % (er '{value}')"
            )
        number = int(machine * percent / 100)
    elif size and size.group(2) in _UNITS:
        number = int(float(size.group(1).replace(",", ".")) * _UNITS[size.group(2)])
    else:
        raise MemorySettingError(f"{MEMORY_SETTING} skal være {_EXPECTED} (er '{value}')")
    if number < MIN_BYTES:
        raise MemorySettingError(
            f"{MEMORY_SETTING} skal være mindst 128MB (er '{value}'): med mindre kan DuckDB "
            "ikke beregne"
        )
    if number > machine:
        raise MemorySettingError(
            f"{MEMORY_SETTING} er mere end maskinens hukommelse ({gb} GB; er '{value}'): "
            "DuckDB ville blive stoppet af styresystemet i stedet for at skrive til disken"
        )
    return number


def memory_limit(
    environ: Mapping[str, str] | None = None, machine: int | None = None, cap: int = DEFAULT_CAP
) -> int:
    """DuckDB's memory limit in bytes: ``NAERSUND_MEMORY_LIMIT`` if set, else the default for
    this machine (at most ``cap``)."""
    env = os.environ if environ is None else environ
    total = machine_memory() if machine is None else machine
    value = env.get(MEMORY_SETTING, "")
    if value.strip():
        return parse_limit(value, total)
    return default_limit(total, cap)


def duckdb_setting(limit: int) -> str:
    """``limit`` bytes as DuckDB's ``memory_limit`` takes it (whole MiB, at least 1)."""
    return f"{max(1, limit // 1024**2)}MiB"
