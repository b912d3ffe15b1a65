"""Reading the monthly values of ``naersund compute --monthly`` (``<results>.monthly.csv``) for
publication, and refusing them when they are not fit to publish.

Fit to publish: every column, a known level and area per row, a year of the yearly results, a
month 1–12, numbers where numbers belong, a boolean ``suppressed``, no key twice, suppressed
rows without counts or values, counts whole and not negative, no visible count from 1 to
``min_count - 1``, no masked count that the published months and the two sums give away
(months add up to the year; every month the municipalities add up to the region, the regions
to Denmark; see ``naersund.engine.monthly``), no masked count of the yearly results published
with it (any level) that the yearly and monthly cells together give away
(:mod:`naersund.suppression_monthly`), every month's totals the sum of their parts
(:func:`naersund.analysis.consistency.sum_problems`), and every visible value and interval the
one its counts give (:func:`naersund.analysis.consistency.crude_problems`). Errors name the file, the row (header = row 1) and the field, in
Danish, all at once (at most ``MAX_ERRORS``).
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from naersund.analysis import consistency
from naersund.analysis.results_file import (
    MAX_ERRORS,
    definitions_by_id,
    joined_errors,
    numbers_and_suppressed,
)
from naersund.engine.monthly import MONTHLY_COLUMNS, _equations, determined
from naersund.errors import InputError
from naersund.indicators import IndicatorDefinition
from naersund.refdata import NATIONAL_CODE, region_of
from naersund.suppression_monthly import YearlyRelease, revealed_yearly

FILE_COLUMNS = [*MONTHLY_COLUMNS, "note"]
NUMBERS = ["numerator", "denominator", "value", "lower_ci", "upper_ci"]


def read_monthly_file(
    path: Path,
    indicators: set[str],
    years: set[int],
    min_count: int,
    definitions: Mapping[str, IndicatorDefinition] | None = None,
    confidence: float = 0.95,
    data: bytes | None = None,
    yearly: YearlyRelease | None = None,
) -> pd.DataFrame:
    """The checked monthly table of ``path`` (typed: numbers float with NaN, ``area_code``,
    ``year``, ``month`` int, ``suppressed`` bool); :class:`InputError` listing every problem.
    ``indicators`` and ``years`` are those of the yearly results the file belongs to,
    ``confidence`` their confidence level; ``definitions`` by id (default: the shipped ones).
    ``data``: the file's content when already read (what is checked is what is stored).
    ``yearly``: the yearly results published with it (as suppressed) and their areas'
    membership, none of whose masked counts the months may give away."""
    known_defs = definitions_by_id(definitions)
    try:
        source = io.BytesIO(path.read_bytes() if data is None else data)
        raw = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, ValueError, OSError) as exc:
        raise InputError(f"{path}: kan ikke læses ({exc})") from None
    missing = [c for c in FILE_COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(f"{path}: mangler kolonne(rne) {', '.join(missing)}")
    if raw.empty:
        raise InputError(f"{path}: indeholder ingen rækker")
    regions = region_of()
    known = {"kommune": set(regions), "region": set(regions.values()), "land": {NATIONAL_CODE}}
    errors: list[str] = []

    def fail(i: int, field: str, msg: str) -> None:
        errors.append(f"{path}, række {i + 2}, felt {field}: {msg}")

    out: dict[str, list[object]] = {c: [] for c in FILE_COLUMNS}
    for i, rec in enumerate(raw[FILE_COLUMNS].to_numpy(dtype=object)):
        row = dict(zip(FILE_COLUMNS, (str(v) for v in rec), strict=True))
        ind, level = row["indicator"].strip(), row["level"].strip()
        if ind not in indicators:
            fail(i, "indicator", f"'{ind}' findes ikke i de årlige resultater")
        elif ind not in known_defs:
            fail(i, "indicator", f"'{ind}' er ikke en af indikatordefinitionerne")
        ints: dict[str, int] = {}
        for c, what in (("area_code", "et heltal"), ("year", "et årstal"), ("month", "en måned")):
            try:
                ints[c] = int(float(row[c]))
            except ValueError:
                fail(i, c, f"'{row[c]}' er ikke {what}")
                ints[c] = -1
        if level not in known:
            fail(i, "level", f"'{level}' skal være kommune, region eller land")
        elif ints["area_code"] != -1 and ints["area_code"] not in known[level]:
            fail(i, "area_code", f"{ints['area_code']} er ikke en kendt kode for niveauet {level}")
        if ints["year"] != -1 and ints["year"] not in years:
            fail(i, "year", f"{ints['year']} er ikke et år i de årlige resultater")
        if ints["month"] != -1 and not 1 <= ints["month"] <= 12:
            fail(i, "month", f"{ints['month']} skal være fra 1 til 12")
        numbers, suppressed = numbers_and_suppressed(row, NUMBERS, partial(fail, i))
        proportion = known_defs[ind].is_proportion if ind in known_defs else True
        for field, msg in consistency.count_problems(
            numbers["numerator"], numbers["denominator"], proportion
        ):
            fail(i, field, msg)
        # a protected count (the numerator; a proportion's denominator) shown small, flagged
        # or not
        for c in ("numerator", "denominator") if proportion else ("numerator",):
            if 0 < numbers[c] < min_count:
                fail(i, c, f"{numbers[c]:g} er under {min_count}, men ikke skjult")
        if suppressed:
            shown = [c for c in ("value", "lower_ci", "upper_ci") if not math.isnan(numbers[c])]
            if shown:
                fail(i, shown[0], "rækken er diskretioneret, men feltet har en værdi")
        else:
            for c in ("numerator", "denominator"):
                if math.isnan(numbers[c]):
                    fail(i, c, "mangler (kun diskretionerede rækker må have skjulte antal)")
        out["indicator"].append(ind)
        out["level"].append(level)
        for c in ("area_code", "year", "month"):
            out[c].append(ints[c])
        for c in NUMBERS:
            out[c].append(numbers[c])
        out["unit"].append(row["unit"])
        out["suppressed"].append(suppressed)
        out["note"].append(row["note"])
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise InputError(_joined(errors))
    table = pd.DataFrame(out).astype(
        {"area_code": "int64", "year": "int64", "month": "int64", "suppressed": bool}
    )
    table[NUMBERS] = table[NUMBERS].astype("float64")
    dup = table.duplicated(["indicator", "level", "area_code", "year", "month"])
    for i in np.flatnonzero(dup.to_numpy())[:MAX_ERRORS]:
        fail(int(i), "month", "samme indikator, område, år og måned står der mere end én gang")
    if errors:
        raise InputError(_joined(errors))
    for (_ind, _year), rows in table.groupby(["indicator", "year"]):
        eqs = _equations(
            rows["level"].to_numpy(),
            rows["area_code"].to_numpy(),
            rows["month"].to_numpy(),
            regions,
        )
        for column in ("numerator", "denominator"):
            hidden = rows[column].isna().to_numpy() & rows["suppressed"].to_numpy()
            for j in np.flatnonzero(determined(hidden, eqs))[:MAX_ERRORS]:
                r = rows.iloc[j]
                fail(
                    int(rows.index[j]),
                    column,
                    f"den skjulte værdi for {r['indicator']} {r['level']} {r['area_code']} "
                    f"{r['year']}-{r['month']:02d} kan regnes ud af summerne (kør "
                    "`naersund compute --monthly` igen; filen må ikke redigeres)",
                )
    if errors:
        raise InputError(_joined(errors))
    if yearly is not None:
        protected = {i: d.is_proportion for i, d in known_defs.items()}
        for ind, year, column, level, code in revealed_yearly(table, yearly, regions, protected)[
            :MAX_ERRORS
        ]:
            errors.append(
                f"{path}: den skjulte årlige værdi ({column}) for {ind} {year}, {level} {code} "
                "kan regnes ud af månedsfilens offentliggjorte måneder sammen med de årlige "
                "resultater (kør `naersund compute --monthly` igen, så månedsfilen skjules "
                "sammen med de årlige resultater; filen må ikke redigeres)"
            )
    if errors:
        raise InputError(_joined(errors))
    problems: list[tuple[int, str, str]] = []
    for indicator, rows in table[~table["suppressed"]].groupby("indicator", sort=True):
        found = consistency.crude_problems(
            rows, known_defs[str(indicator)], confidence, ("value", "lower_ci", "upper_ci")
        )
        problems += [(int(rows.index[j]), field, msg) for j, field, msg in found]
    for _key, rows in table.groupby(["indicator", "year", "month"], sort=True):
        found = consistency.sum_problems(rows, regions, ("numerator", "denominator"))
        problems += [(int(rows.index[j]), field, msg) for j, field, msg in found]
    for i, field, msg in sorted(problems)[:MAX_ERRORS]:
        fail(i, field, msg)
    if errors:
        raise InputError(_joined(errors))
    return table


def _joined(errors: list[str]) -> str:
    return joined_errors("månedsfilen", errors)
