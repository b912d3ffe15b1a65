"""Write outputs so that nothing is ever half-written: build in a temporary place beside the
target, then move into place in one rename."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary file path in ``target``'s folder; on success rename it to ``target``.

    On any error the temporary file is removed and ``target`` is left as it was.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


@contextmanager
def atomic_dir(target: Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; on success it replaces ``target`` whole.

    An existing ``target`` is swapped out only after the new one is complete.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    old = target.with_name(f".{target.name}.old")
    try:
        yield tmp
        if old.exists():
            shutil.rmtree(old)
        if target.exists():
            os.replace(target, old)
        os.replace(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def atomic_paths(targets: Sequence[Path], remove: Sequence[Path] = ()) -> Iterator[list[Path]]:
    """Yield one temporary file path per target (each in its target's folder); on success
    rename them into place in the given order, deleting the files in ``remove`` just before the
    last rename.

    Several renames are not one atomic step: a crash between them leaves some targets new and
    some old. Make the last target the record that names the others (e.g. by their checksums),
    so that a reader can tell a complete set from a mixed one. On an error in the block nothing
    is renamed or removed and the temporary files are gone.
    """
    if not targets:
        raise ValueError("atomic_paths needs at least one target")
    tmps: list[Path] = []
    try:
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            os.close(fd)
            tmps.append(Path(name))
        yield list(tmps)
        for staged, target in zip(tmps[:-1], targets[:-1], strict=True):
            os.replace(staged, target)
        for path in remove:
            path.unlink(missing_ok=True)
        os.replace(tmps[-1], targets[-1])
    finally:
        for staged in tmps:
            staged.unlink(missing_ok=True)
