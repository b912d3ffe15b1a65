"""A run of ``naersund compute`` read for publication: its results, its monthly values, its
breakdowns and its metadata, all from the same run and all fit to publish, or an
:class:`InputError` saying why not.

``naersund compute`` writes a run as one unit (:func:`naersund.engine.outputs.write_results`):
the results, the monthly values when asked for, and last the ``.meta.json`` with the run's
``run_id`` and the SHA-256 of every file it wrote. A crash part-way, a copy from two runs, or a
file edited afterwards leaves files the meta file does not name; they are refused here, before
anything else is read. Each file is read once, and the checksum is taken of the very bytes that
are checked and stored.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from naersund.analysis import results_levels
from naersund.analysis.breakdown_file import ROLE, breakdowns_path, read_breakdown_file
from naersund.analysis.monthly_file import read_monthly_file
from naersund.analysis.results_file import (
    ResultsFile,
    definitions_by_id,
    meta_confidence,
    parse_results_file,
    read_meta,
)
from naersund.engine.outputs import OUTPUTS, RUN_ID, areas_path, meta_path, monthly_path, sha256_hex
from naersund.errors import InputError
from naersund.indicators import IndicatorDefinition
from naersund.refdata.areas import AREAS_FILE_COLUMNS
from naersund.suppression_monthly import YearlyRelease


@dataclass(frozen=True)
class PublishableRun:
    """The checked outputs of one run: yearly results (with the metadata) and the monthly
    table, or None when the run wrote none."""

    run_id: str
    results: ResultsFile
    monthly: pd.DataFrame | None
    # which municipalities make up each area (``<stem>.areas.csv``), when the run wrote it
    areas: pd.DataFrame | None = None
    # the suppressed breakdowns (``<stem>.breakdowns.csv``), when the run wrote them
    breakdowns: pd.DataFrame | None = None


def _expected(outputs: dict[str, Any], role: str) -> str | None:
    entry = outputs.get(role)
    if entry is None:
        return None
    sha = entry.get("sha256") if isinstance(entry, dict) else None
    return sha if isinstance(sha, str) else ""


def read_publishable(
    path: Path,
    min_count: int,
    definitions: Mapping[str, IndicatorDefinition] | None = None,
) -> PublishableRun:
    """Read and check the run whose results file is ``path``: the files must be the ones its
    ``.meta.json`` names (same run), the results must be fit to publish under the deployment's
    threshold ``min_count`` (:func:`naersund.analysis.read_results_file`), and so must the
    monthly values (``<stem>.monthly.csv``) when the run wrote them."""
    if not path.is_file():
        raise InputError(f"{path}: filen findes ikke")
    meta, _ = read_meta(path)
    meta_file = meta_path(path)
    run_id, outputs = meta.get(RUN_ID), meta.get(OUTPUTS)
    if not isinstance(run_id, str) or not isinstance(outputs, dict):
        raise InputError(
            f"{meta_file}: mangler {RUN_ID} og {OUTPUTS}, så det kan ikke ses, om filerne er fra "
            "samme kørsel (skrevet af en ældre naersund?); kør `naersund compute` igen"
        )
    data = path.read_bytes()
    if _expected(outputs, "results") != sha256_hex(data):
        raise InputError(
            f"{path}: resultatfilen er ikke den, kørsel {run_id} skrev ({meta_file.name} har en "
            "anden kontrolsum): filerne er fra forskellige kørsler (fx en afbrudt beregning), "
            "eller resultatfilen er ændret bagefter; kør `naersund compute` igen"
        )
    monthly_file = monthly_path(path)
    monthly_sha = _expected(outputs, "monthly")
    monthly_data: bytes | None = None
    if monthly_sha is None:
        if monthly_file.exists():
            raise InputError(
                f"{monthly_file}: månedsfilen er ikke fra kørsel {run_id} ({meta_file.name} "
                "nævner ingen månedsfil); fjern den, eller kør `naersund compute --monthly` igen"
            )
    elif not monthly_file.is_file():
        raise InputError(f"{monthly_file}: månedsfilen fra kørsel {run_id} mangler")
    else:
        monthly_data = monthly_file.read_bytes()
        if monthly_sha != sha256_hex(monthly_data):
            raise InputError(
                f"{monthly_file}: månedsfilen er ikke fra samme kørsel ({run_id}) som "
                f"resultatfilen ({meta_file.name} har en anden kontrolsum); kør `naersund "
                "compute --monthly` igen"
            )
    defs = definitions_by_id(definitions)
    areas = _read_areas(path, run_id, _expected(outputs, "areas"))
    membership = None if areas is None else results_levels.membership_from_areas(areas)
    checked = parse_results_file(path, data, meta, defs, min_count, membership)
    if areas is not None:
        _check_listed(areas_path(path), areas, checked.results)
    monthly = None
    if monthly_data is not None:
        table = checked.results
        monthly = read_monthly_file(
            monthly_file,
            set(table["indicator"]),
            {int(y) for y in table["year"]},
            max(int(meta["suppression_min_count"]), min_count),
            defs,
            meta_confidence(meta, str(path)),
            data=monthly_data,
            yearly=YearlyRelease(
                table,
                membership or results_levels.registry_membership(set(table["level"].astype(str))),
            ),
        )
    breakdowns = _read_breakdowns(
        path,
        run_id,
        _expected(outputs, ROLE),
        checked.results,
        max(int(meta["suppression_min_count"]), min_count),
        defs,
    )
    return PublishableRun(
        run_id=run_id, results=checked, monthly=monthly, areas=areas, breakdowns=breakdowns
    )


def _read_breakdowns(
    path: Path,
    run_id: str,
    sha: str | None,
    results: pd.DataFrame,
    min_count: int,
    definitions: Mapping[str, IndicatorDefinition],
) -> pd.DataFrame | None:
    """The run's ``<stem>.breakdowns.csv`` (``naersund compute --breakdowns``), checked
    (:func:`naersund.analysis.breakdown_file.read_breakdown_file`), or None without one."""
    file = breakdowns_path(path)
    if sha is None:
        if file.exists():
            raise InputError(
                f"{file}: opdelingsfilen er ikke fra kørsel {run_id} (metadatafilen nævner "
                "ingen opdelingsfil); fjern den, eller kør `naersund compute --breakdowns` igen"
            )
        return None
    if not file.is_file():
        raise InputError(f"{file}: opdelingsfilen fra kørsel {run_id} mangler")
    data = file.read_bytes()
    if sha != sha256_hex(data):
        raise InputError(
            f"{file}: opdelingsfilen er ikke fra samme kørsel ({run_id}) som resultatfilen; "
            "kør `naersund compute --breakdowns` igen"
        )
    return read_breakdown_file(file, data, results, min_count, definitions)


def _read_areas(path: Path, run_id: str, sha: str | None) -> pd.DataFrame | None:
    """The run's ``<stem>.areas.csv``: the file it wrote (same checksum), with the columns of
    :data:`naersund.refdata.areas.AREAS_FILE_COLUMNS`, whole numbers where there should be, and
    each shipped level as the registry's newest version
    (:func:`naersund.analysis.results_levels.areas_problems`)."""
    file = areas_path(path)
    if sha is None:
        return None  # written before areas files existed
    if not file.is_file():
        raise InputError(f"{file}: områdefilen fra kørsel {run_id} mangler")
    data = file.read_bytes()
    if sha != sha256_hex(data):
        raise InputError(
            f"{file}: områdefilen er ikke fra samme kørsel ({run_id}) som resultatfilen; kør "
            "`naersund compute` igen"
        )
    try:
        table = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{file}: kan ikke læses ({exc})") from None
    if tuple(table.columns) != AREAS_FILE_COLUMNS:
        raise InputError(f"{file}, række 1: kolonnerne skal være {', '.join(AREAS_FILE_COLUMNS)}")
    problems = results_levels.areas_problems(table, str(file))
    if problems:
        raise InputError("områdefilen kan ikke offentliggøres:\n" + "\n".join(problems[:20]))
    return table


def _check_listed(file: Path, table: pd.DataFrame, results: pd.DataFrame) -> None:
    """Every area of the results is in the areas file."""
    listed = set(zip(table["level"], table["area_code"], strict=True))
    published = set(zip(results["level"], results["area_code"].astype(str), strict=True))
    missing = sorted(published - listed)
    if missing:
        level, code = missing[0]
        raise InputError(f"{file}: området {level} {code} fra resultatfilen står ikke i filen")
