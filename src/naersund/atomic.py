"""Write outputs so that nothing is ever half-written: build in a temporary place beside the
target, then move into place in one rename (for a data directory: switch a link, see
:func:`switched_dir`)."""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from naersund.errors import NaersundError

if sys.platform != "win32":  # the lock is POSIX's; elsewhere (untested) a run takes no lock
    import fcntl


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


# A data directory that is replaced whole (``naersund ingest DEST``) is a symbolic link DEST ->
# ``.DEST.v-<id>``, a version folder beside it. Switching to a new version replaces the link in
# one rename, so that DEST is at every moment either the old data or the new, also when the
# process is killed. Leftovers of a killed run (a version never switched in, an old version not
# yet removed, work folders) are removed by the next run, under a lock (see ``locked_dir``).
def _version_re(name: str) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(name)}\.v-[0-9a-f]{{32}}")


def _leftover_re(name: str) -> re.Pattern[str]:
    """Names of what a killed run leaves beside ``name``: link and work folders of this module
    and ingest, and the ``.tmp`` folders of :func:`atomic_dir` (also of earlier versions)."""
    n = re.escape(name)
    return re.compile(
        rf"\.{n}\.(link-[0-9a-f]{{32}}|ingest-[a-z0-9_]{{8}}|[a-z0-9_]{{8}}\.tmp|v-[0-9a-f]{{32}})"
    )


def current_version(target: Path) -> Path | None:
    """The version folder ``target`` links to, when it is such a link (else None)."""
    if not target.is_symlink():
        return None
    link = Path(os.readlink(target))
    if link.parent != Path(".") or not _version_re(target.name).fullmatch(link.name):
        return None
    return target.with_name(link.name)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def tidy(target: Path) -> list[Path]:
    """Recover and clean up after a run on ``target`` that was killed; returns what it removed.

    Only call it holding :func:`locked_dir`'s lock (a running run's folders look the same).
    ``target`` missing with its data in ``.target.old`` (a kill between the two renames of
    :func:`atomic_dir`, or of the first :func:`switched_dir` on a plain folder) is moved back.
    """
    old = target.with_name(f".{target.name}.old")
    if not os.path.lexists(target) and os.path.lexists(old):
        os.replace(old, target)
    keep = current_version(target)
    leftover = _leftover_re(target.name)
    removed = []
    for p in sorted(target.parent.iterdir()):
        if p == keep or not (leftover.fullmatch(p.name) or p == old):
            continue
        _remove(p)
        removed.append(p)
    return removed


@contextmanager
def locked_dir(target: Path) -> Iterator[None]:
    """Hold the lock on writing ``target`` (a file ``.target.lock`` beside it) and clean up
    after a killed run. Refuses with a message when another run holds the lock; the operating
    system releases it when a run ends, killed or not."""
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = target.with_name(f".{target.name}.lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            if sys.platform != "win32":
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise NaersundError(
                f"{target}: en anden kørsel skriver til mappen lige nu; prøv igen, når den er færdig"
            ) from None
        tidy(target)
        yield
    finally:
        os.close(fd)


@contextmanager
def switched_dir(target: Path) -> Iterator[Path]:
    """Yield a new version folder beside ``target``; on success ``target`` becomes a link to it
    in one rename and the previous version is removed. On any error ``target`` is as it was.

    Hold :func:`locked_dir` around it. A ``target`` that is a plain folder (written before
    versions, or by :func:`atomic_dir`) is moved aside to ``.target.old`` first, as
    :func:`atomic_dir` does; :func:`tidy` moves it back if the run is killed in between. A
    ``target`` that is a link made by someone else is replaced, and what it pointed to is left.
    """
    version = target.with_name(f".{target.name}.v-{uuid.uuid4().hex}")
    link = target.with_name(f".{target.name}.link-{uuid.uuid4().hex}")
    version.mkdir(mode=0o700)  # registry data: private to its owner, as mkdtemp made it

    try:
        yield version
        os.symlink(version.name, link)
        previous = current_version(target)
        if os.path.lexists(target) and not target.is_symlink():
            old = target.with_name(f".{target.name}.old")
            _remove(old)
            os.replace(target, old)
            previous = old
        os.replace(link, target)
    except BaseException:
        old = target.with_name(f".{target.name}.old")
        if not os.path.lexists(target) and os.path.lexists(old):
            os.replace(old, target)
        _remove(link)
        _remove(version)
        raise
    if previous is not None:
        _remove(previous)


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
