"""Helpers for tests that tamper with the outputs of ``naersund compute``.

``naersund publish`` refuses a results or monthly file whose checksum is not the one its run's
``.meta.json`` records. A test that edits a file to see what else publish catches therefore
also rewrites the checksums (:func:`reseal`), as a determined editor could: the content checks
must hold on their own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from naersund.analysis.breakdown_file import breakdowns_path
from naersund.engine.outputs import areas_path, meta_path, monthly_path


def read_meta(results: Path) -> dict[str, object]:
    meta: dict[str, object] = json.loads(meta_path(results).read_text(encoding="utf-8"))
    return meta


def write_meta(results: Path, meta: dict[str, object]) -> None:
    meta_path(results).write_text(json.dumps(meta, indent=2), encoding="utf-8")


def reseal(results: Path) -> None:
    """Make the meta file's checksums those of the files as they are now."""
    meta = read_meta(results)
    outputs = meta["outputs"]
    assert isinstance(outputs, dict)
    files = {
        "results": results,
        "monthly": monthly_path(results),
        "areas": areas_path(results),
        "breakdowns": breakdowns_path(results),
    }
    for role, entry in outputs.items():
        entry["sha256"] = hashlib.sha256(files[role].read_bytes()).hexdigest()
    write_meta(results, meta)


def edit_csv(path: Path, change: Callable[[pd.DataFrame], None], results: Path) -> None:
    """Apply ``change`` to the CSV ``path`` read as text, write it back, and reseal the run
    whose results file is ``results``."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(df)
    df.to_csv(path, index=False)
    reseal(results)
