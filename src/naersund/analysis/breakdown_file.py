"""The breakdowns of a run of ``naersund compute --breakdowns`` (``<stem>.breakdowns.csv``):
written as part of the run, and checked before ``naersund publish`` stores them.

Written after the results (:func:`attach_breakdowns`): the file and then the run's
``.meta.json`` with the file's SHA-256 under ``outputs.breakdowns``, both whole or not at all
(:func:`naersund.atomic.atomic_paths`), so publish can tell the run's own file from a stale one.

Fit to publish (:func:`read_breakdown_file`): the columns of
:data:`naersund.analysis.breakdowns.BREAKDOWN_COLUMNS`; per row an indicator and year of the
results, a known municipality, a known dimension, a category, numbers where numbers belong and a
boolean ``suppressed``; no key twice; masked rows without numbers; visible counts whole, not
negative and not from 1 to ``min_count - 1``; every cell masked where the municipality's
published total is; and never exactly one masked cell in a breakdown whose total is published
(it would be the total minus the others). Errors name the file, the row (header = row 1) and the
field, in Danish, all at once (at most ``MAX_ERRORS``).
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from naersund.analysis.breakdowns import BREAKDOWN_COLUMNS, DIMENSIONS
from naersund.analysis.results_file import MAX_ERRORS, joined_errors
from naersund.atomic import atomic_paths
from naersund.engine.outputs import OUTPUTS, meta_path, sha256_hex
from naersund.errors import InputError
from naersund.indicators import IndicatorDefinition
from naersund.refdata import region_of

ROLE = "breakdowns"
NUMBERS = ("numerator", "denominator", "value")
Fail = Callable[[int, str, str], None]


def breakdowns_path(results: Path) -> Path:
    """Where the breakdowns of ``results.csv`` go: ``results.breakdowns.csv``."""
    return results.with_name(f"{results.stem}.breakdowns.csv")


def attach_breakdowns(results: Path, table: pd.DataFrame) -> Path:
    """Write ``table`` (``BREAKDOWN_COLUMNS``) beside the run's ``results`` and name it, with
    its checksum, in the run's ``.meta.json``."""
    meta_file = meta_path(results)
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    target = breakdowns_path(results)
    with atomic_paths([target, meta_file]) as (tmp_table, tmp_meta):
        table[list(BREAKDOWN_COLUMNS)].to_csv(tmp_table, index=False, encoding="utf-8")
        meta.setdefault(OUTPUTS, {})[ROLE] = {
            "file": target.name,
            "sha256": sha256_hex(tmp_table.read_bytes()),
        }
        tmp_meta.write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    return target


def discard_breakdowns(results: Path) -> None:
    """Remove a breakdowns file an earlier run left beside ``results`` (a run without
    ``--breakdowns`` has none)."""
    breakdowns_path(results).unlink(missing_ok=True)


def _number(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return math.nan
    return value


def read_breakdown_file(
    path: Path,
    data: bytes,
    results: pd.DataFrame,
    min_count: int,
    definitions: Mapping[str, IndicatorDefinition],
) -> pd.DataFrame:
    """The checked breakdowns in ``data`` (the bytes of ``path``), typed (``kommunekode``,
    ``year`` int, numbers float with NaN, ``suppressed`` bool); :class:`InputError` listing
    every problem. ``results`` are the run's checked yearly results."""
    try:
        raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{path}: kan ikke læses ({exc})") from None
    missing = [c for c in BREAKDOWN_COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(f"{path}, række 1: mangler kolonne(rne) {', '.join(missing)}")
    errors: list[str] = []

    def fail(i: int, field: str, msg: str) -> None:
        errors.append(f"{path}, række {i + 2}, felt {field}: {msg}")

    indicators = set(results["indicator"])
    years = {int(y) for y in results["year"]}
    municipalities = set(region_of())
    rows: list[dict[str, object]] = []
    seen: set[tuple[str, int, int, str, str]] = set()
    for i, rec in enumerate(raw[list(BREAKDOWN_COLUMNS)].to_numpy(dtype=object)):
        r = dict(zip(BREAKDOWN_COLUMNS, (str(v).strip() for v in rec), strict=True))
        ind, dim, cat = r["indicator"], r["dimension"], r["category"]
        if ind not in indicators or ind not in definitions:
            fail(i, "indicator", f"'{ind}' findes ikke i de årlige resultater")
        code = int(r["kommunekode"]) if r["kommunekode"].isdigit() else -1
        if code not in municipalities:
            fail(i, "kommunekode", f"'{r['kommunekode']}' er ikke en kendt kommunekode")
        year = int(r["year"]) if r["year"].isdigit() else -1
        if year not in years:
            fail(i, "year", f"'{r['year']}' er ikke et år i de årlige resultater")
        if dim not in DIMENSIONS:
            fail(i, "dimension", f"'{dim}' skal være en af {', '.join(DIMENSIONS)}")
        if not cat:
            fail(i, "category", "mangler")
        sort = _number(r["sort"])
        if sort is None or math.isnan(sort):
            fail(i, "sort", f"'{r['sort']}' er ikke et tal")
        if r["suppressed"] not in ("True", "False"):
            fail(i, "suppressed", f"'{r['suppressed']}' skal være True eller False")
        hidden = r["suppressed"] == "True"
        nums = {k: _number(r[k]) for k in NUMBERS}
        for k, v in nums.items():
            if v is not None and math.isnan(v):
                fail(i, k, f"'{r[k]}' er ikke et tal")
            elif hidden and v is not None:
                fail(i, k, "en skjult celle må ikke have tal")
            elif v is not None and k != "value":
                if v < 0 or not v.is_integer():
                    fail(i, k, f"'{r[k]}' skal være et helt tal, ikke negativt")
                elif 0 < v < min_count:
                    fail(i, k, f"{v:g} er under grænsen {min_count} og skulle være skjult")
        key = (ind, code, year, dim, cat)
        if key in seen:
            fail(i, "category", f"'{cat}' står to gange i samme opdeling")
        seen.add(key)
        rows.append(
            {
                **r,
                "kommunekode": code,
                "year": year,
                "sort": sort,
                **{k: math.nan if v is None else v for k, v in nums.items()},
                "suppressed": hidden,
                "row": i,
            }
        )
        if len(errors) >= MAX_ERRORS:
            break
    if not errors:
        _check_masking(pd.DataFrame(rows), results, fail)
    if errors:
        raise InputError(joined_errors("opdelingsfilen", errors))
    table = pd.DataFrame(rows, columns=[*BREAKDOWN_COLUMNS, "row"]).drop(columns=["row"])
    return table.astype({"sort": float, "numerator": float, "denominator": float, "value": float})


def _check_masking(table: pd.DataFrame, results: pd.DataFrame, fail: Fail) -> None:
    if table.empty:
        return
    r = results[results["level"] == "kommune"]
    hidden_totals = set(
        zip(
            r.loc[r["suppressed"], "indicator"],
            r.loc[r["suppressed"], "area_code"].astype(int),
            r.loc[r["suppressed"], "year"].astype(int),
            strict=True,
        )
    )
    for (ind, code, year, _dim), part in table.groupby(
        ["indicator", "kommunekode", "year", "dimension"], sort=True
    ):
        masked = part["suppressed"].astype(bool)
        if (ind, code, year) in hidden_totals:
            for i in part.loc[~masked, "row"]:
                fail(
                    int(i),
                    "suppressed",
                    "kommunens samlede tal er skjult, så skal hele opdelingen være det",
                )
        elif len(part) > 1 and int(masked.sum()) == 1:
            i = int(part.loc[masked, "row"].iloc[0])
            fail(
                i,
                "suppressed",
                "den eneste skjulte celle i opdelingen kan regnes ud af totalen og de andre "
                "celler (mindst én celle mere skal skjules)",
            )
