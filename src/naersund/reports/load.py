"""A report input from a results file of ``naersund compute`` (without the web app)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from naersund.analysis.published import PublishedResults
from naersund.catalogue import Catalogue, load_catalogue
from naersund.errors import InputError
from naersund.indicators import IndicatorDefinition, load_definitions
from naersund.reports.model import ReportInput


def read_results(path: Path) -> tuple[pd.DataFrame, dict[str, object]]:
    """The results table and its metadata (``.meta.json`` beside it, or in the Parquet file)."""
    if not path.exists():
        raise InputError(f"{path}: resultatfilen findes ikke")
    meta_path = path.with_name(path.name + ".meta.json")
    meta: dict[str, object] = {}
    if meta_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if path.suffix.lower() == ".parquet":
        table = pq.read_table(path)
        raw = (table.schema.metadata or {}).get(b"naersund.meta")
        if raw and not meta:
            meta = json.loads(raw.decode("utf-8"))
        df = table.to_pandas()
    elif path.suffix.lower() == ".csv":
        df = pd.read_csv(path, encoding="utf-8")
    else:
        raise InputError(f"{path}: resultatfilen skal ende på .csv eller .parquet")
    if not meta:
        raise InputError(
            f"{path}: metadata mangler (forventede {meta_path.name} ved siden af resultatfilen)"
        )
    df["suppressed"] = df["suppressed"].astype(bool)
    return df, meta


def release_definitions(results: pd.DataFrame) -> list[IndicatorDefinition]:
    """The definitions of the indicators a release holds (a deployment may compute fewer than
    are shipped), in the shipped order."""
    present = set(results["indicator"])
    return [d for d in load_definitions() if d.id in present]


def from_results_file(
    path: Path,
    catalogue: Catalogue | None = None,
    drilldown: pd.DataFrame | None = None,
) -> ReportInput:
    results, meta = read_results(path)
    return ReportInput(
        published=PublishedResults.from_frame(results, meta, path.name),
        definitions=release_definitions(results),
        catalogue=catalogue or load_catalogue(),
        release=path.name,
        drilldown=drilldown,
    )
