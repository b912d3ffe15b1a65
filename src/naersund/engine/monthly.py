"""Monthly values (crude) per indicator, area, year and month, with small-number suppression.

The same inputs as :func:`naersund.engine.compute.compute` (a local registry data directory)
and the same expressions for stays (``stays.build_stays`` and the selection and
readmission tests ``stay_aggregates`` uses); only the grouping differs:

* stay rates: selected stays in the month the definition's ``year_of`` dates them by (start or
  end of the stay); value per 1,000 citizens per month with the year's population;
* readmissions: index stays by the month of their end (``year_of``), numerator the ones
  followed by a qualifying stay; value in percent with Wilson's interval;
* færdigbehandlingsdage: the days falling in each month; per 1,000 citizens per month.

Crude values only (no standardisation): a month has too few events per age band and sex.

Suppression (:func:`suppress_monthly`): counts 1 to ``min_count - 1`` are masked, then further
cells until no masked count can be recovered from the sums a reader knows: the twelve months
of an area add up to the area's yearly count (assumed published, whether or not the yearly
table masks it) and, every month, the municipalities add up to their region and the regions to
the country. Recoverability is checked exactly (linear algebra), not by a rule of thumb.

That protects the monthly cells, not the yearly ones: a municipality masked in the yearly file
(e.g. as the partner that protects a sundhedsråd) would be the sum of its twelve published
months. So, given the yearly results of the same run (``naersund compute --monthly`` passes
them), monthly cells are masked further until no masked yearly count of any level is
determined by the yearly and monthly cells published together
(:mod:`naersund.suppression_monthly`, :func:`protect_release`). The yearly file never changes.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import numpy.typing as npt
import pandas as pd
from threadpoolctl import threadpool_limits

from naersund import refdata
from naersund.atomic import atomic_path
from naersund.engine import expressions as ex
from naersund.engine.backend import connect
from naersund.engine.compute import ComputeOptions
from naersund.engine.inputs import (
    canonical_dir,
    choose_time_unit,
    has_person_key,
    is_synthetic,
    read_contacts,
    read_population,
    read_ready,
)
from naersund.engine.outputs import monthly_frame
from naersund.engine.results import crude_estimate, population_strata
from naersund.engine.stays import build_stays
from naersund.errors import InputError, NaersundError
from naersund.indicators import (
    IndicatorDefinition,
    load_definitions,
    load_stay_rules,
    select_definitions,
)
from naersund.monthly_sums import (  # (determined: analysis.monthly_file imports it here)
    SumSystem,
    determined,  # noqa: F401
    partner_options,
)
from naersund.refdata import NATIONAL_CODE
from naersund.registry.ingest import find_table
from naersund.suppression import SuppressionRule
from naersund.suppression_monthly import (
    YearlyCells,
    YearlyRelease,
    exposed_yearly,
    forced_masks,
    monthly_vectors,
    yearly_cells,
)

MONTHLY_COLUMNS = [
    "indicator",
    "level",
    "area_code",
    "year",
    "month",
    "numerator",
    "denominator",
    "value",
    "lower_ci",
    "upper_ci",
    "unit",
    "suppressed",
]
LEVELS = ("kommune", "region", "land")
MONTH_KEYS = ["kommunekode", "year", "month"]


@dataclass
class MonthlyResult:
    table: pd.DataFrame
    synthetic: bool


def unit_text(d: IndicatorDefinition) -> str:
    """The indicator's unit for a month: rates get "pr. måned" after the yearly unit."""
    if d.is_proportion:
        return d.unit_da
    return f"{d.unit_da} pr. måned"


def _stay_counts(stays: ir.Table, d: IndicatorDefinition, rules: Any) -> list[tuple[str, ir.Table]]:
    """Count expressions (column name, table of ``MONTH_KEYS`` + count) for one definition."""
    sel = d.selection
    assert sel is not None
    s = stays
    when = s.start if sel.year_of == "start" else s.end
    s = s.mutate(year=when.year().cast("int32"), month=when.month().cast("int32"))
    chosen = ex.selected(s, d)
    picked = s.filter(chosen)
    first = "denominator" if d.followup is not None else "numerator"
    out = [(first, picked.group_by(MONTH_KEYS).agg(**{first: picked.count().cast("int64")}))]
    if d.followup is not None:
        hits = ex.readmitted_stays(s, d, chosen, rules)
        out.append(("numerator", hits.group_by(MONTH_KEYS).agg(numerator=hits.count())))
    return out


def _days_counts(ready: ir.Table, years: Sequence[int]) -> ir.Table:
    """Days ready for discharge falling in each month (from ``ready_date`` up to, not
    including, ``discharge_date``), as ``expressions.days_rate`` counts them per year."""
    epoch = dt.date(1970, 1, 1)
    rows = [(y, m) for y in years for m in range(1, 13)]
    nxt = [(y + (m == 12), m % 12 + 1) for y, m in rows]
    months = ibis.memtable(
        {
            "year": [y for y, _ in rows],
            "month": [m for _, m in rows],
            "m0": [(dt.date(y, m, 1) - epoch).days for y, m in rows],
            "m1": [(dt.date(y, m, 1) - epoch).days for y, m in nxt],
        },
        schema={"year": "int32", "month": "int32", "m0": "int64", "m1": "int64"},
    )
    r = ready.mutate(a=ready.ready_date.epoch_days(), b=ready.discharge_date.epoch_days())
    j = r.cross_join(months)
    days = ibis.least(j.b, j.m1) - ibis.greatest(j.a, j.m0)
    j = j.mutate(days=days).filter(days > 0)
    return j.group_by(MONTH_KEYS).agg(numerator=j.days.sum())


def compute_monthly(
    data_dir: Path | str,
    options: ComputeOptions | None = None,
    yearly: YearlyRelease | None = None,
) -> MonthlyResult:
    """Monthly values of every indicator in a local registry data directory (see the module
    docstring), suppressed. Years as ``options.years`` (default: every year with contacts).
    ``yearly``: the yearly results of the same run as published, whose masked counts the
    monthly file must not give away (:func:`suppress_monthly`)."""
    options = options or ComputeOptions()
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InputError(f"{data_dir}: data directory not found")
    definitions = select_definitions(load_definitions(options.definitions_dir), options.indicators)
    rules = load_stay_rules(options.definitions_dir)
    counts: dict[str, pd.DataFrame] = {}
    with tempfile.TemporaryDirectory(prefix="naersund-monthly-") as tmp:
        canonical = canonical_dir(data_dir, Path(tmp), lambda _m, _f: None)
        con = connect(options.engine, **options.engine_options)
        files = {
            t: find_table(canonical, t) for t in ("contacts", "ready_for_discharge", "population")
        }
        synthetic = is_synthetic(data_dir, con)
        contacts = read_contacts(
            con, files["contacts"], person_key=has_person_key(files["contacts"])
        )
        bounds = con.execute(contacts.aggregate(first=contacts.start.min(), n=contacts.count()))
        if int(bounds["n"].iloc[0]) == 0:
            raise InputError(f"{data_dir}: the contacts table has no rows")
        last = con.execute(contacts.aggregate(last=contacts.start.max()))["last"].iloc[0]
        all_years = list(
            range(pd.Timestamp(bounds["first"].iloc[0]).year, pd.Timestamp(last).year + 1)
        )
        years = sorted(set(options.years) & set(all_years)) if options.years else all_years
        # (a disease rate needs a cohort per year: not computed per month)
        stay_defs = [d for d in definitions if d.selection is not None and d.cohort is None]
        if stay_defs:
            unit = choose_time_unit(con, contacts, files["contacts"])
            stays = build_stays(contacts, rules, stay_defs, time_unit=unit)
            for d in stay_defs:
                parts = [con.execute(e) for _, e in _stay_counts(stays, d, rules)]
                df = parts[0]
                for p in parts[1:]:
                    df = df.merge(p, on=MONTH_KEYS, how="outer")
                counts[d.id] = df
        for d in definitions:
            if d.kind == "days_rate" and files["ready_for_discharge"]:
                ready = read_ready(con, files["ready_for_discharge"])
                counts[d.id] = con.execute(_days_counts(ready, years))
        population, _ = read_population(con, files["population"], years)
    region_of = refdata.region_of()
    parts = [
        monthly_values(d, counts[d.id], population, region_of, years, options.confidence)
        for d in definitions
        if d.id in counts
    ]
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=MONTHLY_COLUMNS)
    table = suppress_monthly(
        table,
        region_of,
        {d.id: d.is_proportion for d in definitions},
        options.suppression,
        yearly,
    )
    table = table.sort_values(["indicator", "level", "area_code", "year", "month"])
    return MonthlyResult(table=table[MONTHLY_COLUMNS].reset_index(drop=True), synthetic=synthetic)


def monthly_values(
    d: IndicatorDefinition,
    counts: pd.DataFrame,
    population: pd.DataFrame,
    region_of: Mapping[int, int],
    years: Sequence[int],
    confidence: float = 0.95,
) -> pd.DataFrame:
    """One indicator's monthly rows at every level from counts by ``kommunekode, year, month``
    (``numerator`` and, for proportions, ``denominator``); every municipality, year and month
    appears (zero where nothing happened)."""
    munis = sorted(region_of)
    frame = pd.MultiIndex.from_product(
        [munis, list(years), range(1, 13)], names=MONTH_KEYS
    ).to_frame(index=False)
    cols = ["numerator", "denominator"] if d.is_proportion else ["numerator"]
    c = counts[counts["year"].isin(list(years))].astype({k: "int64" for k in MONTH_KEYS})
    c = c.groupby(MONTH_KEYS, as_index=False)[cols].sum()
    g = frame.merge(c, on=MONTH_KEYS, how="left")
    g[cols] = g[cols].fillna(0).astype("int64")
    if not d.is_proportion:
        pop = population_strata(population, d.population.min_age, d.population.max_age)
        pop = pop.groupby(["kommunekode", "year"], as_index=False).agg(count=("count", "sum"))
        g = g.merge(pop.rename(columns={"count": "denominator"}), on=["kommunekode", "year"])
        g["denominator"] = g["denominator"].astype("float64")
    levels = []
    for level, code in (
        ("kommune", g["kommunekode"]),
        ("region", g["kommunekode"].map(dict(region_of))),
        ("land", pd.Series(NATIONAL_CODE, index=g.index)),
    ):
        part = g.assign(level=level, area_code=code.astype("int64"))
        levels.append(
            part.groupby(["level", "area_code", "year", "month"], as_index=False)[
                ["numerator", "denominator"]
            ].sum()
        )
    out = pd.concat(levels, ignore_index=True)
    x, n = out["numerator"].to_numpy(float), out["denominator"].to_numpy(float)
    est = crude_estimate(d, x, n, confidence)
    out["value"] = est.value
    out["lower_ci"] = est.lower_ci
    out["upper_ci"] = est.upper_ci
    out["indicator"] = d.id
    out["unit"] = unit_text(d)
    out["suppressed"] = False
    return out[MONTHLY_COLUMNS]


# --- suppression -------------------------------------------------------------------------------


def _equations(
    level: npt.NDArray[Any], area: npt.NDArray[Any], month: npt.NDArray[Any], region_of: dict
) -> list[tuple[list[int], bool]]:
    """The sums a reader knows, as (cells, total known): per area the months (total = the
    yearly count, known); per month each region = its municipalities and the country = the
    regions (the total is a cell itself: its index is the first of the list). Areas in order
    of level and code, cells in row order. (Plain dictionaries: a pandas groupby per table
    cost more than the rest of the monthly suppression, issue 14.)"""
    keys = list(zip((str(x) for x in level), (int(x) for x in area), strict=True))
    of_area: dict[tuple[str, int], list[int]] = {}
    of_month: dict[int, dict[tuple[str, int], int]] = {}
    for i, (key, m) in enumerate(zip(keys, (int(x) for x in month), strict=True)):
        of_area.setdefault(key, []).append(i)
        of_month.setdefault(m, {})[key] = i
    eqs: list[tuple[list[int], bool]] = [(of_area[k], True) for k in sorted(of_area)]
    for m in sorted(of_month):
        by = of_month[m]
        land = by.get(("land", NATIONAL_CODE))
        regions = sorted(a for lv, a in by if lv == "region")
        if land is not None and regions:
            eqs.append(([land, *(by[("region", r)] for r in regions)], False))
        kommuner = sorted(a for lv, a in by if lv == "kommune")
        for r in regions:
            members = [by[("kommune", k)] for k in kommuner if region_of.get(k) == r]
            if members:
                eqs.append(([by[("region", r)], *members], False))
    return eqs


def protect(
    values: npt.NDArray[np.float64],
    equations: Sequence[tuple[Sequence[int], bool]] | SumSystem,
    rule: SuppressionRule,
    forced: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.bool_]:
    """Primary masks (small counts, and the cells ``forced``) and complementary masks until
    nothing masked is determined: a determined cell gets a partner masked in one of its
    equations: the visible cell with the smallest non-zero count (then zero, then the lowest
    index). ``equations`` prepared as a :class:`SumSystem` once per table saves rebuilding it."""
    system = equations if isinstance(equations, SumSystem) else SumSystem(equations, len(values))
    hidden = rule.is_small(values)
    if forced is not None:
        hidden |= forced
    n_hidden = system.hidden_per_equation(hidden)

    def mask_partner(eqs: Sequence[int]) -> None:
        for e in sorted(eqs, key=lambda e: (int(n_hidden[e]), e)):
            options = partner_options(system, e, hidden, values)
            if len(options):
                cell = int(min(options, key=lambda m: (values[m] == 0, values[m], m)))
                hidden[cell] = True
                n_hidden[system.incidence[:, cell]] += 1
                return
        raise ValueError("cannot protect a masked monthly count: no cell left to mask")

    while True:
        pinned = np.flatnonzero(system.determined(hidden))
        if len(pinned) == 0:
            return hidden
        # first the sums with exactly one masked cell (each gives its cell away) ...
        exposed = np.flatnonzero(n_hidden == 1).tolist()
        for e in exposed:
            if n_hidden[e] == 1:
                mask_partner([e])
        # ... then cells pinned by longer chains of sums
        if not exposed:
            mask_partner(np.flatnonzero(system.incidence[:, int(pinned[0])]).tolist())


def protect_release(
    values: npt.NDArray[np.float64],
    equations: Sequence[tuple[Sequence[int], bool]] | SumSystem,
    rule: SuppressionRule,
    cells: YearlyCells | None,
    vectors: npt.NDArray[np.float64],
    month: npt.NDArray[Any],
) -> npt.NDArray[np.bool_]:
    """:func:`protect`, then, while the published yearly ``cells`` and the published months
    give a masked yearly count away, the monthly cells that would (in the cheapest month) are
    forced as extra primaries and the protection runs again (``naersund.suppression_monthly``).
    Every mask so far stays a primary, and every round adds one, so the loop ends."""
    if not isinstance(equations, SumSystem):
        equations = SumSystem(equations, len(values))
    hidden = protect(values, equations, rule)
    if cells is None:
        return hidden
    for _ in range(len(values) + 1):
        found = np.flatnonzero(exposed_yearly(cells, vectors, month, hidden))
        if len(found) == 0:
            return hidden
        forced = hidden.copy()
        forced[forced_masks(cells, int(found[0]), vectors, month, values, hidden)] = True
        hidden = protect(values, equations, rule, forced)
    raise AssertionError("unreachable: every round masks one more monthly cell")


def suppress_monthly(
    table: pd.DataFrame,
    region_of: Mapping[int, int],
    count_denominator: Mapping[str, bool],
    rule: SuppressionRule | None = None,
    yearly: YearlyRelease | None = None,
) -> pd.DataFrame:
    """Mask small monthly counts and what would give them away (module docstring), per
    indicator × year, numerator and (proportions) denominator each. With ``yearly`` (the
    yearly results published beside the monthly file, as suppressed, and their areas'
    membership) also every monthly cell that would give a masked yearly count away
    (:mod:`naersund.suppression_monthly`); the yearly results do not change. Masked rows get
    NaN counts and values and ``suppressed`` true."""
    rule = rule or SuppressionRule()
    out = table.reset_index(drop=True).copy()
    regions = {int(k): int(v) for k, v in region_of.items()}
    order = sorted(regions)
    known = yearly_cells(yearly, order, count_denominator) if yearly is not None else {}
    num_hidden = np.zeros(len(out), dtype=bool)
    den_hidden = np.zeros(len(out), dtype=bool)
    # small tables: one BLAS thread is faster than several waiting on each other
    with threadpool_limits(limits=1, user_api="blas"):
        for (ind, _year), rows in out.groupby(["indicator", "year"]):
            idx = rows.index.to_numpy()
            eqs = SumSystem(
                _equations(
                    rows["level"].to_numpy(),
                    rows["area_code"].to_numpy(),
                    rows["month"].to_numpy(),
                    regions,
                ),
                len(rows),
            )
            columns = [("numerator", num_hidden)]
            if count_denominator.get(str(ind), False):
                columns.append(("denominator", den_hidden))
            wanted = [known.get((str(ind), int(rows["year"].iloc[0]), c)) for c, _ in columns]
            vectors = (
                monthly_vectors(rows["level"].tolist(), rows["area_code"].tolist(), regions, order)
                if any(w is not None for w in wanted)
                else np.zeros((len(rows), 0))
            )
            month = rows["month"].to_numpy(np.int64)
            for (column, hidden), cells in zip(columns, wanted, strict=True):
                values = rows[column].to_numpy(float)
                hidden[idx] = protect_release(values, eqs, rule, cells, vectors, month)
    masked = num_hidden | den_hidden
    out["numerator"] = out["numerator"].astype(float).where(~num_hidden)
    out["denominator"] = out["denominator"].astype(float).where(~den_hidden)
    for c in ("value", "lower_ci", "upper_ci"):
        out[c] = out[c].where(~masked)
    out["suppressed"] = out["suppressed"].astype(bool) | masked
    return out


def write_monthly(result: MonthlyResult, out: Path) -> Path:
    """Write the monthly table alone as CSV atomically (the file format only: ``naersund
    publish`` takes monthly values only from a run written whole by
    :func:`naersund.engine.outputs.write_results`)."""
    if out.suffix.lower() != ".csv":
        raise NaersundError(f"{out}: the monthly output must end in .csv")
    with atomic_path(out) as tmp:
        monthly_frame(result.table, result.synthetic).to_csv(tmp, index=False, encoding="utf-8")
    return out


def area_series(
    monthly: pd.DataFrame, indicator: str, kommunekode: int, names: Mapping[int, str]
) -> pd.DataFrame:
    """``year, month, area, value, lower, upper, suppressed`` of one indicator for the
    municipality, its KKR and Denmark (in that order), from a published monthly table.
    ``names`` maps kommunekode to the municipality's name."""
    from naersund.refdata import KKR_NAMES

    region = refdata.region_of()[kommunekode]
    m = monthly[monthly["indicator"] == indicator]
    parts = [
        m[(m["level"] == "kommune") & (m["area_code"] == kommunekode)].assign(
            area=names[kommunekode]
        ),
        m[(m["level"] == "region") & (m["area_code"] == region)].assign(area=KKR_NAMES[region]),
        m[m["level"] == "land"].assign(area="Danmark"),
    ]
    out = pd.concat(parts, ignore_index=True).rename(
        columns={"lower_ci": "lower", "upper_ci": "upper"}
    )
    return out[["year", "month", "area", "value", "lower", "upper", "suppressed"]]
