"""Writing one run's outputs as one unit (:func:`write_results`): the results table, its
monthly values, the areas' municipalities and last the ``.meta.json`` record with every file's
SHA-256; the names of these files beside the results (:func:`meta_path` and the others) and the
record's keys, which ``naersund publish`` reads back.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from naersund.atomic import atomic_paths
from naersund.errors import NaersundError

if TYPE_CHECKING:
    from naersund.engine.compute import ComputeResult
    from naersund.engine.monthly import MonthlyResult

SYNTHETIC_MARKER = "SYNTETISKE DATA"
#: The run's metadata keys: its id, and the files it wrote with their SHA-256 (``write_results``).
RUN_ID = "run_id"
OUTPUTS = "outputs"


def monthly_path(results: Path) -> Path:
    """Where the monthly values of ``results.csv`` go: ``results.monthly.csv``."""
    return results.with_name(f"{results.stem}.monthly.csv")


def areas_path(results: Path) -> Path:
    """Which municipalities make up each area of ``results.csv``: ``results.areas.csv``."""
    return results.with_name(f"{results.stem}.areas.csv")


def meta_path(results: Path) -> Path:
    """The metadata of ``results.csv``: ``results.csv.meta.json``."""
    return results.with_name(results.name + ".meta.json")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def monthly_frame(table: pd.DataFrame, synthetic: bool) -> pd.DataFrame:
    """The monthly table as written: with a ``note`` column (``SYNTETISKE DATA`` on every row
    of synthetic data, as the yearly results)."""
    out = table.copy()
    out["note"] = SYNTHETIC_MARKER if synthetic else ""
    return out


def write_results(result: ComputeResult, out: Path, monthly: MonthlyResult | None = None) -> Path:
    """Write the outputs of one run as one unit: the results as CSV or Parquet (by extension),
    with ``monthly`` also ``<stem>.monthly.csv``, the areas' municipalities ``<stem>.areas.csv``
    (``level, area_code, area_name, kommunekode, valid_from, valid_to``), and last the
    ``.meta.json``.

    The meta file is the run's record: a fresh ``run_id`` and, under ``outputs``, the name and
    SHA-256 of every file the run wrote. It is renamed into place after the others, so a crash
    part-way leaves the previous run's record beside new files, which a reader (``naersund
    publish``) tells apart by the checksums. Without ``monthly`` a monthly file of an earlier
    run beside ``out`` is deleted with the same step. Every file is written whole to a
    temporary file first (:func:`naersund.atomic.atomic_paths`).

    A ``note`` column carries the footnotes (``SYNTETISKE DATA``, estimated population) on
    every row, so the marker travels with any copy of the table.
    """
    table = result.results.copy()
    meta = {**result.meta, RUN_ID: uuid.uuid4().hex}
    estimated = table["year"].isin(meta["population_estimated_years"])
    # (metadata written before disease rates listed every indicator note here)
    followup = meta.get("incomplete_followup", list(meta["indicator_notes"]))
    incomplete = table["indicator"].isin(followup) & (table["year"] == meta["years"][-1])
    notes = pd.Series([meta["marker"]] * len(table) if meta["synthetic"] else "", index=table.index)
    for mask, text in (
        (estimated, "befolkningstal estimeret"),
        (incomplete, "ufuldstændig opfølgning"),
    ):
        notes = notes.where(~mask, notes.str.cat([text] * len(table), sep="; ").str.lstrip("; "))
    table["note"] = notes
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise NaersundError(f"{out}: the output must end in .csv or .parquet")
    monthly_file, areas_file = monthly_path(out), areas_path(out)
    with_areas = result.areas is not None
    targets = [
        out,
        *([monthly_file] if monthly is not None else []),
        *([areas_file] if with_areas else []),
        meta_path(out),
    ]
    stale = [*([monthly_file] if monthly is None else []), *([] if with_areas else [areas_file])]
    with atomic_paths(targets, remove=stale) as tmps:
        if suffix == ".csv":
            table.to_csv(tmps[0], index=False, encoding="utf-8")
        else:
            arrow = pa.Table.from_pandas(table, preserve_index=False)
            kv = {b"naersund.meta": json.dumps(meta).encode("utf-8")}
            pq.write_table(
                arrow.replace_schema_metadata({**(arrow.schema.metadata or {}), **kv}), tmps[0]
            )
        outputs = {"results": {"file": out.name, "sha256": sha256_hex(tmps[0].read_bytes())}}
        if monthly is not None:
            monthly_frame(monthly.table, monthly.synthetic).to_csv(
                tmps[1], index=False, encoding="utf-8"
            )
            outputs["monthly"] = {
                "file": monthly_file.name,
                "sha256": sha256_hex(tmps[1].read_bytes()),
            }
        if result.areas is not None:
            at = targets.index(areas_file)
            result.areas.to_csv(tmps[at], index=False, encoding="utf-8")
            outputs["areas"] = {
                "file": areas_file.name,
                "sha256": sha256_hex(tmps[at].read_bytes()),
            }
        meta[OUTPUTS] = outputs
        tmps[-1].write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    return out
