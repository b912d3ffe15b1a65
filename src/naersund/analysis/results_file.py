"""Reading a results file of ``naersund compute`` for publication, and refusing it when it is
not fit to publish.

A file is fit to publish when it has every column and its ``.meta.json`` beside it, every row
names a known indicator, level and area (any level of :mod:`naersund.refdata.areas` or a user
group the metadata declare, with the areas of the run's areas file:
:mod:`naersund.analysis.results_levels`), a year and a boolean ``suppressed``, no key occurs
twice, counts are whole and not negative, suppressed rows carry no values, and:

* suppression: the file's ``suppression_min_count`` is at least the deployment's (``min_count``)
  and small-number suppression applied again with it, to the published counts and the cells the
  file masks, would hide nothing more (a file that was not suppressed, or was edited afterwards,
  or that shows a complementary cell, is refused); with levels beyond kommune → region → land
  the suppression is :func:`naersund.suppression_levels.suppress_levels`, as compute's;
* consistency: every value, interval and verdict is the one its counts give
  (:mod:`naersund.analysis.consistency`), so no number beside a count can carry what the count
  hides, and every area's counts are the sums of its municipalities'.

Errors name the file, the row (as a spreadsheet shows it: the header is row 1) and the field,
in Danish, all at once (at most ``MAX_ERRORS``).
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from naersund.analysis import consistency, results_levels
from naersund.analysis.results_levels import Membership
from naersund.engine.results import RESULT_COLUMNS
from naersund.errors import InputError
from naersund.indicators import IndicatorDefinition, load_definitions
from naersund.refdata import region_of
from naersund.suppression import COUNT_COLUMNS, SuppressionRule, suppress
from naersund.suppression_levels import HIERARCHY, suppress_levels

# The columns `naersund compute` writes: the engine's result columns and the footnotes.
RESULTS_FILE_COLUMNS = [*RESULT_COLUMNS, "note"]
NUMBER_COLUMNS = [
    "numerator",
    "denominator",
    "value",
    "lower_ci",
    "upper_ci",
    "std_value",
    "std_lower_ci",
    "std_upper_ci",
]
DERIVED = ["value", "lower_ci", "upper_ci", "std_value", "std_lower_ci", "std_upper_ci"]
COMPARISONS = {"better", "similar", "worse", "not_compared"}
REQUIRED_META = ("code_version", "data_period", "data_cut", "definitions", "suppression_min_count")
MAX_ERRORS = 20


@dataclass(frozen=True)
class ResultsFile:
    """A results table that passed :func:`check_results`, with its metadata.

    ``results`` has ``RESULTS_FILE_COLUMNS`` (numbers as float with NaN for empty, ``area_code``
    and ``year`` as int, ``suppressed`` as bool, ``comparison`` and ``note`` as str).
    ``synthetic`` comes from the meta file (or the ``SYNTETISKE DATA`` note on the rows).
    """

    path: Path
    results: pd.DataFrame
    meta: dict[str, Any]
    synthetic: bool


def _meta_path(path: Path) -> Path:
    return path.with_name(path.name + ".meta.json")


def read_meta(path: Path) -> tuple[dict[str, Any], bytes]:
    """The ``.meta.json`` beside results file ``path``, checked to be an object with
    ``REQUIRED_META``, and its bytes; :class:`InputError` otherwise."""
    meta_file = _meta_path(path)
    if not meta_file.is_file():
        raise InputError(
            f"{meta_file}: metadatafilen mangler (den skrives af `naersund compute` ved siden af "
            "resultaterne)"
        )
    data = meta_file.read_bytes()
    try:
        meta = json.loads(data.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{meta_file}: ikke gyldig JSON ({exc})") from None
    if not isinstance(meta, dict):
        raise InputError(f"{meta_file}: skal være et JSON-objekt")
    missing_meta = [k for k in REQUIRED_META if k not in meta]
    if missing_meta:
        raise InputError(f"{meta_file}: mangler felt(erne) {', '.join(missing_meta)}")
    return meta, data


def read_results_file(
    path: Path,
    definitions: Mapping[str, IndicatorDefinition] | None = None,
    min_count: int | None = None,
) -> ResultsFile:
    """Read ``path`` (CSV or Parquet) and its ``.meta.json``; raise :class:`InputError` with
    every problem found (see the module docstring) or return the checked table.

    ``definitions`` (by id; default: the shipped ones) say how each indicator is computed;
    ``min_count`` is the deployment's suppression threshold (default: the file's own). The
    areas are the shipped registry's (:func:`naersund.analysis.publishable.read_publishable`
    reads the run's areas file instead).
    """
    if not path.is_file():
        raise InputError(f"{path}: filen findes ikke")
    meta, _ = read_meta(path)
    return parse_results_file(path, path.read_bytes(), meta, definitions, min_count)


def parse_results_file(
    path: Path,
    data: bytes,
    meta: dict[str, Any],
    definitions: Mapping[str, IndicatorDefinition] | None = None,
    min_count: int | None = None,
    membership: Membership | None = None,
) -> ResultsFile:
    """:func:`read_results_file` for content already read (``data``, the bytes of ``path``,
    and its metadata), so that what is checked is what is stored; ``membership`` as
    :func:`check_results`."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise InputError(f"{path}: resultatfilen skal være .csv eller .parquet")
    try:
        if suffix == ".csv":
            raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8")
        else:
            raw = (
                pd.read_parquet(io.BytesIO(data))
                .astype(object)
                .where(lambda d: d.notna(), "")
                .astype(str)
            )
    except (UnicodeDecodeError, ValueError, OSError) as exc:
        raise InputError(f"{path}: kan ikke læses ({exc})") from None
    results = check_results(
        raw,
        meta,
        str(path),
        definitions,
        first_row=2 if suffix == ".csv" else 1,
        min_count=min_count,
        membership=membership,
    )
    synthetic = bool(meta.get("synthetic")) or bool(
        results["note"].str.contains("SYNTETISKE DATA", regex=False).any()
    )
    return ResultsFile(path=path, results=results, meta=meta, synthetic=synthetic)


def meta_min_count(meta: dict[str, Any], source: str) -> int:
    """The file's ``suppression_min_count``: a whole number of at least 1."""
    value = meta.get("suppression_min_count")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InputError(
            f"{source}.meta.json: suppression_min_count skal være et helt tal på mindst 1 "
            f"(er {value!r})"
        )
    return value


def meta_confidence(meta: dict[str, Any], source: str) -> float:
    """The file's confidence level (``confidence``, default 0.95), a fraction in (0, 1)."""
    value = meta.get("confidence", 0.95)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        raise InputError(
            f"{source}.meta.json: confidence skal være et tal mellem 0 og 1 (er {value!r})"
        )
    return float(value)


def definitions_by_id(
    definitions: Mapping[str, IndicatorDefinition] | None,
) -> Mapping[str, IndicatorDefinition]:
    return definitions if definitions is not None else {d.id: d for d in load_definitions()}


def _number(text: str) -> float | None:
    """None when ``text`` is not a number; NaN for empty."""
    t = text.strip()
    if t == "" or t.lower() == "nan":
        return math.nan
    try:
        v = float(t)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def _bool(text: str) -> bool | None:
    return {"true": True, "false": False, "1": True, "0": False}.get(text.strip().lower())


def numbers_and_suppressed(
    row: dict[str, str], columns: Sequence[str], fail: Callable[[str, str], None]
) -> tuple[dict[str, float], bool]:
    """A file row's number cells (NaN for empty) and its ``suppressed`` flag; what does not
    parse is reported through ``fail(field, message)`` and read as NaN or False."""
    numbers: dict[str, float] = {}
    for c in columns:
        v = _number(row[c])
        if v is None:
            fail(c, f"'{row[c]}' er ikke et tal")
            v = math.nan
        numbers[c] = v
    suppressed = _bool(row["suppressed"])
    if suppressed is None:
        fail("suppressed", f"'{row['suppressed']}' skal være True eller False")
        suppressed = False
    return numbers, suppressed


def check_results(
    raw: pd.DataFrame,
    meta: dict[str, Any],
    source: str,
    definitions: Mapping[str, IndicatorDefinition] | None = None,
    first_row: int = 2,
    min_count: int | None = None,
    membership: Membership | None = None,
) -> pd.DataFrame:
    """Check a results table read as text (every cell a ``str``) and return it typed.

    ``definitions`` and ``min_count`` as :func:`read_results_file`. ``membership`` (level ->
    kommunekode -> area code, from the run's areas file) says which municipalities make up each
    area; default: the shipped registry's newest versions. Raises :class:`InputError` listing
    every problem as ``SOURCE, række N, felt F: ...``.
    """
    missing = [c for c in RESULTS_FILE_COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(f"{source}: mangler kolonne(rne) {', '.join(missing)}")
    if raw.empty:
        raise InputError(f"{source}: indeholder ingen rækker")
    file_min = meta_min_count(meta, source)
    if min_count is not None and file_min < min_count:
        raise InputError(
            f"{source}.meta.json: filen er diskretioneret med mindste antal {file_min}, men "
            f"udgivelsen kræver mindst {min_count} (indstillingen NAERSUND_MIN_COUNT); kør "
            f"`naersund compute --min-count {min_count}` igen"
        )
    confidence = meta_confidence(meta, source)
    listed = meta.get("definitions")
    if not isinstance(listed, dict) or not listed:
        raise InputError(f"{source}.meta.json: definitions skal nævne mindst én indikator")
    known_defs = definitions_by_id(definitions)
    regions = region_of()
    allowed = results_levels.allowed_levels(meta)
    if membership is None:
        membership = results_levels.registry_membership(allowed)
    codes = results_levels.known_codes(membership)
    errors: list[str] = []

    def fail(i: int, field: str, msg: str) -> None:
        errors.append(f"{source}, række {i + first_row}, felt {field}: {msg}")

    out: dict[str, list[Any]] = {c: [] for c in RESULTS_FILE_COLUMNS}
    records = raw[RESULTS_FILE_COLUMNS].to_numpy(dtype=object)
    for i, rec in enumerate(records):
        row = dict(zip(RESULTS_FILE_COLUMNS, (str(v) for v in rec), strict=True))
        ind, level = row["indicator"].strip(), row["level"].strip()
        if ind not in listed:
            fail(i, "indicator", f"'{ind}' står ikke i metadatafilens definitions")
        elif ind not in known_defs:
            fail(i, "indicator", f"'{ind}' er ikke en af indikatordefinitionerne")
        area: int | None = None
        try:
            area = int(float(row["area_code"]))
        except ValueError:
            fail(i, "area_code", f"'{row['area_code']}' er ikke et heltal")
        if level not in allowed:
            fail(i, "level", f"'{level}' skal være et af niveauerne {', '.join(allowed)}")
        elif level not in codes:
            fail(i, "level", f"niveauet {level} står ikke i områdefilen")
        elif area is not None and area not in codes[level]:
            fail(i, "area_code", f"{area} er ikke en kendt kode for niveauet {level}")
        year: int | None = None
        try:
            year = int(float(row["year"]))
        except ValueError:
            fail(i, "year", f"'{row['year']}' er ikke et årstal")
        numbers, suppressed = numbers_and_suppressed(row, NUMBER_COLUMNS, partial(fail, i))
        proportion = known_defs[ind].is_proportion if ind in known_defs else True
        for field, msg in consistency.count_problems(
            numbers["numerator"], numbers["denominator"], proportion
        ):
            fail(i, field, msg)
        comparison = row["comparison"].strip()
        if comparison not in COMPARISONS:
            fail(
                i,
                "comparison",
                f"'{comparison}' skal være better, similar, worse eller not_compared",
            )
        if suppressed:
            shown = [c for c in DERIVED if not math.isnan(numbers[c])]
            if shown:
                fail(i, shown[0], "rækken er diskretioneret, men feltet har en værdi")
        else:
            for c in COUNT_COLUMNS:
                if math.isnan(numbers[c]):
                    fail(i, c, "mangler (kun diskretionerede rækker må have skjulte antal)")
            if math.isnan(numbers["value"]) and numbers["denominator"] != 0:
                # A proportion over no index admissions (a small municipality's year) has no
                # value.
                fail(i, "value", "mangler (kun diskretionerede rækker og nævner 0 må være tomme)")
        out["indicator"].append(ind)
        out["level"].append(level)
        out["area_code"].append(area if area is not None else -1)
        out["year"].append(year if year is not None else -1)
        for c in NUMBER_COLUMNS:
            out[c].append(numbers[c])
        out["comparison"].append(comparison)
        out["suppressed"].append(suppressed)
        out["note"].append(row["note"])
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise InputError(_joined(errors))

    table = pd.DataFrame(out)
    table = table.astype({"area_code": "int64", "year": "int64", "suppressed": bool})
    dup = table.duplicated(["indicator", "level", "area_code", "year"], keep="first")
    for i in np.flatnonzero(dup.to_numpy())[:MAX_ERRORS]:
        r = table.iloc[i]
        fail(
            int(i),
            "area_code",
            f"{r['indicator']} {r['level']} {r['area_code']} {r['year']} står der mere end én gang",
        )
    if errors:
        raise InputError(_joined(errors))

    defs = {ind: known_defs[ind] for ind in table["indicator"].unique()}
    if file_min > 1:  # (a threshold of 1 hides nothing; only a library caller accepts that)
        _check_suppression(table, regions, membership, defs, file_min, source, fail)
    if errors:
        raise InputError(_joined(errors))
    _check_consistency(table, defs, confidence, regions, membership, fail)
    if errors:
        raise InputError(_joined(errors[:MAX_ERRORS]))
    return table


def _check_suppression(
    table: pd.DataFrame,
    regions: dict[int, int],
    membership: Membership,
    defs: Mapping[str, IndicatorDefinition],
    min_count: int,
    source: str,
    fail: Callable[[int, str, str], None],
) -> None:
    """Suppress the file again with ``min_count`` and report every count it shows that this
    would hide. The cells the file masks take part as masked (a count of 1 stands in for each,
    small under any ``min_count`` from 2), so a file that masks a cell but shows what gives it away
    (its complementary partner, say) is refused too."""
    probe = table.copy()
    for column in COUNT_COLUMNS:
        probe.loc[probe[column].isna() & probe["suppressed"], column] = 1.0
    protected = {ind: d.counted_denominator for ind, d in defs.items()}
    try:
        if set(probe["level"].unique()) - set(HIERARCHY):
            # overlapping levels: suppressed as `compute --levels` does (suppression_levels)
            present = set(probe["level"].unique()) | {"kommune", "land"}
            levels = {lv: m for lv, m in membership.items() if lv in present}
            again = suppress_levels(probe, levels, protected, SuppressionRule(min_count))
        else:
            again = suppress(probe, regions, protected, SuppressionRule(min_count))
    except ValueError:
        raise InputError(
            f"{source}: de skjulte tal kan ikke beskyttes, fordi summerne ikke går op "
            "(kommuner, regioner og land passer ikke sammen); kør `naersund compute` igen"
        ) from None
    shown = table[list(COUNT_COLUMNS)].notna().to_numpy()
    leaks = shown & again[list(COUNT_COLUMNS)].isna().to_numpy()
    for i, j in list(zip(*np.nonzero(leaks), strict=True))[:MAX_ERRORS]:
        r = table.iloc[int(i)]
        fail(
            int(i),
            COUNT_COLUMNS[int(j)],
            f"er ikke diskretioneret: {r['indicator']} {r['level']} {r['area_code']} "
            f"{r['year']} skulle være skjult ved mindste antal {min_count} (kør "
            "`naersund compute` igen; resultater må ikke redigeres efter beregningen)",
        )


def _check_consistency(
    table: pd.DataFrame,
    defs: Mapping[str, IndicatorDefinition],
    confidence: float,
    regions: dict[int, int],
    membership: Membership,
    fail: Callable[[int, str, str], None],
) -> None:
    """Values, intervals, totals and verdicts against the counts
    (:mod:`naersund.analysis.consistency`; the areas of levels beyond kommune → region → land
    against their municipalities, :func:`naersund.analysis.results_levels.member_sum_problems`)."""
    problems: list[tuple[int, str, str]] = []
    for _key, rows in table.groupby(["indicator", "year"], sort=True):
        found = consistency.sum_problems(rows, regions, COUNT_COLUMNS)
        found += results_levels.member_sum_problems(rows, membership, COUNT_COLUMNS)
        problems += [(int(rows.index[j]), field, msg) for j, field, msg in found]
    for ind, rows in table.groupby("indicator", sort=True):
        d = defs[str(ind)]
        positions = np.flatnonzero(table["indicator"].to_numpy() == ind)
        visible = rows[~rows["suppressed"].to_numpy(bool)]
        at = positions[~rows["suppressed"].to_numpy(bool)]
        found = consistency.crude_problems(
            visible, d, confidence, ("value", "lower_ci", "upper_ci")
        ) + consistency.standardised_problems(visible, d, confidence)
        problems += [(int(at[j]), field, msg) for j, field, msg in found]
        problems += [
            (int(positions[j]), field, msg)
            for j, field, msg in consistency.verdict_problems(rows, d)
        ]
    for i, field, msg in sorted(problems)[:MAX_ERRORS]:
        fail(i, field, msg)


def joined_errors(what: str, errors: list[str]) -> str:
    """One message for all of a file's errors (``what``: "resultatfilen", "månedsfilen")."""
    more = " (flere fejl udeladt)" if len(errors) >= MAX_ERRORS else ""
    return f"{what} kan ikke offentliggøres:\n" + "\n".join(errors) + more


def _joined(errors: list[str]) -> str:
    return joined_errors("resultatfilen", errors)
