"""Drill-down tables for the professional level: an indicator's events of one municipality and
year by diagnosis group, age band, sex and month, computed from the registry data directory and
suppressed before they reach a pack.

Why computed here, and not published: the published release holds one row per indicator ×
area × year (the engine's ``ComputeResult.aggregates`` by age and sex are unsuppressed and are
not published). Publishing every breakdown for 98 municipalities and all years would multiply
what must be protected; instead ``naersund report --data DIR`` computes the few tables a pack
needs, for the municipalities asked for, on the analysis machine that holds the registry data,
and suppresses them by the release's own rule before any number leaves this module.

How: the engine's own stay expressions (:func:`naersund.engine.stays.build_stays`,
:func:`~naersund.engine.expressions.stay_aggregates`) run on the contacts of the persons with
any contact in those municipalities (a stay's municipality is that of its first contact, so no
stay of theirs is lost). Diagnosis groups are counted as one derived definition per group (the
indicator restricted to that group's codes); months by counting the stays that start in each
month (for stays counted by their start year; readmission shares are not split by month, since
the follow-up of a stay looks at later stays). Færdigbehandlingsdage carry no age, sex or
diagnosis and are not split.

Suppression (:func:`suppress_breakdown`): within one breakdown (indicator × municipality ×
year × dimension), counts 1 to ``min_count - 1`` are masked; the cells add up to the published
total, so a single masked cell would be that total minus the others: then the smallest other
non-zero cell is masked too. If the published total itself is suppressed, the whole breakdown
is (its cells would add up to it). Numerators and counted denominators (readmission shares)
are protected alike.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from naersund import refdata
from naersund.engine import expressions as ex
from naersund.engine.backend import connect
from naersund.engine.inputs import choose_time_unit
from naersund.engine.stays import build_stays
from naersund.errors import InputError
from naersund.indicators import load_stay_rules
from naersund.indicators.model import IndicatorDefinition
from naersund.reports.model import DRILLDOWN_COLUMNS, ReportInput

Progress = Callable[[str, float], None]
MONTHS = [
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
]  # fmt: skip
SEXES = {"F": "Kvinder", "M": "Mænd"}


def _bands(d: IndicatorDefinition) -> list[int]:
    if (d.population.min_age or 0) >= 65:
        return [65, 70, 75, 80, 85]
    return [0, 15, 45, 65, 75, 85]


def _band_label(lower: int, bands: list[int]) -> str:
    i = bands.index(lower)
    return f"{lower}+" if i == len(bands) - 1 else f"{lower}-{bands[i + 1] - 1}"


def suppress_breakdown(
    counts: Sequence[float], min_count: int, total_hidden: bool = False
) -> list[bool]:
    """Which cells of one breakdown to mask (see the module docstring)."""
    n = np.asarray(counts, dtype=float)
    if total_hidden:
        return [True] * len(n)
    masked = (n > 0) & (n < min_count)
    if masked.sum() == 1:
        candidates = [i for i in np.argsort(n, kind="stable") if not masked[i] and n[i] > 0]
        if not candidates:
            candidates = [i for i in np.argsort(n, kind="stable") if not masked[i]]
        if candidates:
            masked[candidates[0]] = True
    return masked.tolist()


def _contacts_of(con: Any, data_dir: Path, codes: list[int], year: int, tmp: Path) -> Any:
    # The engine's own reading (CSV validated into Parquet in ``tmp``, columns checked).
    from naersund.engine.inputs import canonical_dir, read_contacts
    from naersund.registry.ingest import find_table

    canonical = canonical_dir(data_dir, tmp, lambda _m, _f: None)
    contacts = read_contacts(con, find_table(canonical, "contacts"))
    lo, hi = pd.Timestamp(year - 1, 1, 1), pd.Timestamp(year + 2, 1, 1)
    contacts = contacts.filter((contacts.start >= lo) & (contacts.start < hi))
    persons = contacts.filter(contacts.kommunekode.isin(codes)).select("person_id").distinct()
    return contacts.semi_join(persons, "person_id")


def _group_defs(d: IndicatorDefinition) -> dict[str, tuple[str, IndicatorDefinition]]:
    """One derived definition per diagnosis group: the indicator restricted to its codes."""
    sel = d.selection
    if sel is None or not sel.diagnosis_groups:
        return {}
    out = {}
    for gid, group in sel.diagnosis_groups.items():
        derived = d.model_copy(
            update={
                "id": f"{d.id}__{gid}",
                "selection": sel.model_copy(update={"diagnosis_groups": {gid: group}}),
            }
        )
        out[derived.id] = (group.label_da, derived)
    return out


def compute_drilldown(
    data_dir: Path,
    year: int,
    kommunekoder: Sequence[int],
    definitions: Sequence[IndicatorDefinition],
    published: pd.DataFrame,
    min_count: int = 5,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Suppressed drill-down rows (``DRILLDOWN_COLUMNS``) for ``year`` and the municipalities.

    ``published`` are the release's results: a breakdown whose published total is suppressed
    is masked whole.
    """
    report = progress or (lambda _m, _f: None)
    if not data_dir.is_dir():
        raise InputError(f"{data_dir}: data directory not found")
    codes = [int(c) for c in kommunekoder]
    stay_defs = [d for d in definitions if d.selection is not None]
    con = connect("duckdb")
    report("Læser kontakter", 0.05)
    with tempfile.TemporaryDirectory(prefix="naersund-drill-") as tmp:
        table = _breakdowns(con, data_dir, codes, year, stay_defs, report, Path(tmp))
    if table.empty:
        return pd.DataFrame(columns=list(DRILLDOWN_COLUMNS))
    if "denominator" not in table:
        table["denominator"] = np.nan
    return _suppress(table, definitions, published, min_count)


def _breakdowns(
    con: Any,
    data_dir: Path,
    codes: list[int],
    year: int,
    stay_defs: list[IndicatorDefinition],
    report: Progress,
    tmp: Path,
) -> pd.DataFrame:
    rules = load_stay_rules()
    contacts = _contacts_of(con, data_dir, codes, year, tmp)
    groups: dict[str, tuple[str, IndicatorDefinition]] = {}
    for d in stay_defs:
        groups |= _group_defs(d)
    all_defs = stay_defs + [g for _, g in groups.values()]
    report("Danner sygehusophold", 0.15)
    # Materialised once (the month counts query it 12 times); the connection is this call's
    # own in-memory database, so the table goes with it.
    unit = choose_time_unit(con, contacts)
    stays = build_stays(contacts, rules, all_defs, time_unit=unit)
    stays = con.create_table("naersund_drill_stays", stays)
    wide = con.execute(ex.stay_aggregates(stays, all_defs, rules))
    parts: list[pd.DataFrame] = []
    cats: dict[tuple[str, str], list[tuple[str, int]]] = {}

    def add(d: IndicatorDefinition, dim: str, frame: pd.DataFrame) -> None:
        frame = frame[frame["kommunekode"].isin(codes) & (frame["year"] == year)]
        if not frame.empty:
            keep = ["kommunekode", "year", "category", "sort", *cols_of(d)]
            parts.append(frame[keep].assign(indicator=d.id, dimension=dim))

    for i, d in enumerate(stay_defs):
        report(f"Opdeler {d.name_da}", 0.2 + 0.7 * i / max(len(stay_defs), 1))
        agg = ex.narrow(wide, d)
        cols = ["numerator", "denominator"] if d.followup is not None else ["numerator"]
        bands = _bands(d)
        agg = agg.assign(band=_coarsen(agg["age_lower"], bands))
        by_age = agg.groupby(["kommunekode", "year", "band"], as_index=False)[cols].sum()
        by_age["category"] = [_band_label(int(b), bands) for b in by_age["band"]]
        add(d, "aldersgruppe", by_age.rename(columns={"band": "sort"}))
        cats[(d.id, "aldersgruppe")] = [(_band_label(b, bands), b) for b in bands]
        cats[(d.id, "koen")] = [("Kvinder", 0), ("Mænd", 1)]
        by_sex = agg.groupby(["kommunekode", "year", "sex"], as_index=False)[cols].sum()
        by_sex["category"] = by_sex["sex"].map(SEXES).fillna(by_sex["sex"])
        by_sex["sort"] = by_sex["sex"].map({"F": 0, "M": 1}).fillna(2)
        add(d, "koen", by_sex)
        for j, (_gid, (label, g)) in enumerate(
            (k, v) for k, v in groups.items() if k.startswith(f"{d.id}__")
        ):
            ga = ex.narrow(wide, g)
            ga = ga.groupby(["kommunekode", "year"], as_index=False)[cols].sum()
            add(d, "diagnosegruppe", ga.assign(category=label, sort=j))
            cats.setdefault((d.id, "diagnosegruppe"), []).append((label, j))
        if d.followup is None and d.selection is not None and d.selection.year_of == "start":
            for m in range(1, 13):
                part = stays.filter(stays.start.month() == m)
                mw = con.execute(ex.stay_aggregates(part, [d], rules))
                ma = ex.narrow(mw, d).groupby(["kommunekode", "year"], as_index=False)[cols].sum()
                add(d, "maaned", ma.assign(category=MONTHS[m - 1], sort=m))
            cats[(d.id, "maaned")] = [(name, m) for m, name in enumerate(MONTHS, start=1)]
    report("Diskretionerer", 0.95)
    return _complete(parts, cats, codes, year)


def _complete(
    parts: list[pd.DataFrame],
    cats: dict[tuple[str, str], list[tuple[str, int]]],
    codes: list[int],
    year: int,
) -> pd.DataFrame:
    """Every category of every breakdown, with zero where nothing was counted (a month
    without events is a zero to show, not a missing row)."""
    frame = pd.DataFrame(
        [
            {"indicator": ind, "dimension": dim, "category": c, "sort": o, "kommunekode": k}
            for (ind, dim), items in cats.items()
            for c, o in items
            for k in codes
        ]
    )
    if frame.empty:
        return frame
    frame["year"] = year
    keys = ["indicator", "dimension", "category", "kommunekode", "year"]
    counted = (
        pd.concat(parts, ignore_index=True).drop(columns=["sort"])
        if parts
        else pd.DataFrame(columns=[*keys, "numerator"])
    )
    out = frame.merge(counted, on=keys, how="left")
    for col in ("numerator", "denominator"):
        if col in out:
            out[col] = out[col].astype(float).fillna(0.0)
    return out


def cols_of(d: IndicatorDefinition) -> list[str]:
    return ["numerator", "denominator"] if d.followup is not None else ["numerator"]


def _coarsen(age_lower: pd.Series, bands: list[int]) -> pd.Series:
    edges = np.asarray(bands)
    idx = np.searchsorted(edges, age_lower.to_numpy(), side="right") - 1
    return pd.Series(edges[np.clip(idx, 0, None)], index=age_lower.index)


def _suppress(
    table: pd.DataFrame,
    definitions: Sequence[IndicatorDefinition],
    published: pd.DataFrame,
    min_count: int,
) -> pd.DataFrame:
    kinds = {d.id: d for d in definitions}
    hidden_totals = set(
        zip(
            *published.loc[
                (published["level"] == "kommune") & published["suppressed"].astype(bool),
                ["indicator", "area_code", "year"],
            ].T.to_numpy(),
            strict=False,
        )
    )
    out = []
    for key, part in table.groupby(["indicator", "kommunekode", "year", "dimension"], sort=True):
        ind, code, year, _ = key
        part = part.sort_values("sort").copy()
        whole = (ind, code, year) in hidden_totals
        masked = np.array(suppress_breakdown(part["numerator"].tolist(), min_count, whole))
        d = kinds[str(ind)]
        if d.is_proportion:
            masked |= np.array(suppress_breakdown(part["denominator"].tolist(), min_count, whole))
            value = part["numerator"] / part["denominator"].where(part["denominator"] > 0) * 100
        else:
            total = part["numerator"].sum()
            value = part["numerator"] / total * 100 if total > 0 else part["numerator"] * np.nan
        part["value"] = value
        part["suppressed"] = masked
        for col in ("numerator", "denominator", "value"):
            part.loc[masked, col] = np.nan
        out.append(part)
    result = pd.concat(out, ignore_index=True)
    return result[list(DRILLDOWN_COLUMNS)]


def with_drilldown(
    data: ReportInput,
    data_dir: Path,
    year: int,
    kommune: int | None = None,
    kkr: int | None = None,
    progress: Progress | None = None,
) -> ReportInput:
    """``data`` with the drill-down of the municipality (or every municipality of the KKR)."""
    if kommune is not None:
        codes = [kommune]
    else:
        codes = [k for k, r in refdata.region_of().items() if r == kkr]
    table = compute_drilldown(
        data_dir,
        year,
        codes,
        data.definitions,
        data.results,
        int(data.meta.get("suppression_min_count", 5)),
        progress,
    )
    return replace(data, drilldown=table)


def release_breakdowns(
    data_dir: Path,
    results: pd.DataFrame,
    definitions: Sequence[IndicatorDefinition],
    min_count: int,
    year: int | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """The breakdowns a release publishes (``naersund compute --breakdowns``): every
    municipality of ``results``, for ``year`` (default: the results' last year), from the same
    registry data and suppressed by the same rule as :func:`with_drilldown`'s."""
    codes = sorted({int(c) for c in results.loc[results["level"] == "kommune", "area_code"]})
    present = set(results["indicator"])
    return compute_drilldown(
        data_dir,
        int(results["year"].max()) if year is None else year,
        codes,
        [d for d in definitions if d.id in present],
        results,
        min_count,
        progress,
    )
