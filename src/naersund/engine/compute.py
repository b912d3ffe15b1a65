"""The main job: a data directory in, one results table out.

Reads the canonical registry data (validating CSV on the way in), builds stays once, runs every
indicator's expression on the engine, and turns the aggregates into published results with
confidence intervals, standardisation, comparison and small-number suppression.

The data directory is read through ``engine/inputs.py``; a run's files are written by
:func:`naersund.engine.outputs.write_results`.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import pandas as pd

from naersund import __version__, refdata
from naersund.engine import cohort, specialty_gaps
from naersund.engine import expressions as ex
from naersund.engine.backend import connect, execute_aggregate, find_uri_table, is_uri
from naersund.engine.inputs import (
    canonical_dir,
    choose_time_unit,
    data_file_text,
    footer_bounds,
    has_person_key,
    ingest_record,
    is_synthetic,
    read_contacts,
    read_population,
    read_ready,
)
from naersund.engine.outputs import SYNTHETIC_MARKER
from naersund.engine.results import LEVELS, RESULT_COLUMNS, compute_results
from naersund.engine.stays import TimeUnit, build_stays
from naersund.errors import InputError
from naersund.indicators import (
    IndicatorDefinition,
    StayRules,
    load_definitions,
    load_stay_rules,
    select_definitions,
)
from naersund.refdata import areas
from naersund.registry import quality
from naersund.registry.ingest import INGEST_RECORD, Progress, find_table
from naersund.registry.schema import PERSON_KEY
from naersund.suppression import SuppressionRule, suppress
from naersund.suppression_levels import HIERARCHY, suppress_levels


@dataclass(frozen=True)
class ComputeOptions:
    engine: str = "duckdb"
    definitions_dir: Path | None = None
    indicators: Sequence[str] | None = None  # ids; None = those on by default
    years: Sequence[int] | None = None  # None = every year with contacts
    standard_year: int = 2013
    confidence: float = 0.95
    suppression: SuppressionRule = field(default_factory=SuppressionRule)
    engine_options: dict[str, Any] = field(default_factory=dict)
    # area levels (``naersund.refdata.areas``) and a file of user-defined groups
    levels: Sequence[str] = LEVELS
    groups_file: Path | None = None


@dataclass
class ComputeResult:
    results: pd.DataFrame
    meta: dict[str, Any]
    aggregates: dict[str, pd.DataFrame]  # unsuppressed engine aggregates, for drill-down
    # which municipalities make up each area (``<results>.areas.csv``); None = not known
    areas: pd.DataFrame | None = None


def compute(
    data_dir: Path | str, options: ComputeOptions | None = None, progress: Progress | None = None
) -> ComputeResult:
    """Compute every indicator for every level, area and year of the data in ``data_dir``: a
    local folder, or with ``engine="spark"`` also a URI Spark reads (``s3a://bucket/registry``)."""
    options = options or ComputeOptions()
    report: Progress = progress or (lambda _msg, _frac: None)
    remote = is_uri(data_dir)
    if remote and options.engine != "spark":
        raise InputError(f"{data_dir}: data on a URI can only be read with --engine spark")
    if not remote:
        data_dir = Path(data_dir)
        if not data_dir.is_dir():
            raise InputError(f"{data_dir}: data directory not found")
    definitions = select_definitions(load_definitions(options.definitions_dir), options.indicators)
    rules = load_stay_rules(options.definitions_dir)
    chosen = chosen_levels(options)

    with tempfile.TemporaryDirectory(prefix="naersund-") as tmp:
        tables = ("contacts", "ready_for_discharge", "population")
        files: dict[str, Sequence[Path | str]]
        if remote:
            con = connect(options.engine, **options.engine_options)
            files = {t: find_uri_table(con, str(data_dir), t) for t in tables}
            if not files["contacts"]:
                raise InputError(
                    f"{data_dir}: no contacts found (expected contacts.parquet or a folder "
                    "contacts/ with Parquet files)"
                )
        else:
            canonical = canonical_dir(Path(data_dir), Path(tmp), report)
            con = connect(options.engine, **options.engine_options)
            files = {t: find_table(canonical, t) for t in tables}
        synthetic = is_synthetic(data_dir, con)
        # the data directory's own ingest record, also when compute validated a CSV added to
        # it (e.g. FOLK1A's population.csv) into a copy: the copy's record would only say
        # "canonical"
        recorded = remote or data_file_text(data_dir, INGEST_RECORD, con) is not None
        ingested = ingest_record(data_dir if recorded else canonical, con)
        # data quality per source and month, carried with the release (small counts hidden)
        data_quality = quality.for_release(
            data_file_text(data_dir if recorded else canonical, quality.QUALITY_FILE, con),
            options.suppression.min_count,
        )
        report("Læser kontakter", 0.05)
        keyed = has_person_key(files["contacts"])
        contacts = read_contacts(con, files["contacts"], person_key=keyed)
        bounds = footer_bounds(files["contacts"], keyed)
        if bounds is None:
            keys = {"keyed": contacts[PERSON_KEY].count()} if keyed else {}
            bounds = con.execute(
                contacts.aggregate(
                    first=contacts.start.min(),
                    last=contacts.start.max(),
                    n=contacts.count(),
                    **keys,
                )
            ).iloc[0]
        if keyed and int(bounds["keyed"]) != int(bounds["n"]):
            # rows without a key (added by hand?): the engine sorts on person_id instead
            contacts = read_contacts(con, files["contacts"])
        if int(bounds["n"]) == 0:
            raise InputError(f"{data_dir}: the contacts table has no rows")
        all_years = list(
            range(pd.Timestamp(bounds["first"]).year, pd.Timestamp(bounds["last"]).year + 1)
        )
        years = sorted(set(options.years) & set(all_years)) if options.years else all_years
        if not years:
            raise InputError(
                f"{data_dir}: no contacts in the requested years ({all_years[0]}-{all_years[-1]} available)"
            )

        if options.years:
            contacts = _around(contacts, years, definitions, rules)
        report("Danner sygehusophold og beregner indikatorer", 0.1)
        stay_defs = [d for d in definitions if d.selection is not None and d.cohort is None]
        # stays left out for want of a specialty, counted in the same pass (quality notes)
        gaps = specialty_gaps.variants(stay_defs) if data_quality else []
        stays_without_specialty: list[dict[str, Any]] = []
        aggregates: dict[str, pd.DataFrame] = {}
        time_unit: TimeUnit | None = None
        if stay_defs:
            # One pass: stays are built and every stay indicator counted in a single query.
            # DuckDB reads the stays three times from one materialised copy; Spark would
            # recompute them, so it finds readmissions with one more window instead.
            how = "window" if options.engine == "spark" else "join"
            # (the municipality codes' range, when the footers give it, lets the engine carry
            # the municipality inside the sort key; whole-second data take the faster layout)
            unit = time_unit = choose_time_unit(con, contacts, files["contacts"])
            kommunekoder = bounds.get("kommunekoder")
            stays = build_stays(contacts, rules, stay_defs + gaps, kommunekoder, unit)
            wide = execute_aggregate(
                con,
                ex.stay_aggregates(stays, stay_defs + gaps, rules, how),
                stay_defs + gaps,
                lambda d: ex.stay_aggregates(
                    build_stays(contacts, rules, [d], time_unit=unit), [d], rules, how
                ),
            )
            aggregates |= {d.id: _in_years(ex.narrow(wide, d), years) for d in stay_defs}
            stays_without_specialty = specialty_gaps.counts(
                wide, gaps, data_quality or [], years, options.suppression.min_count
            )
        disease_years, no_lookback = _disease_years(definitions, years, bounds["first"])
        if disease_years:
            report("Beregner sygdomsgrupper", 0.6)
            counted = [d for d in definitions if d.id in disease_years]
            expr = cohort.disease_aggregates(contacts, rules, counted, years)
            wide = execute_aggregate(con, expr, counted)
            aggregates |= {
                d.id: _in_years(cohort.narrow(wide, d), disease_years[d.id]) for d in counted
            }
        report("Beregner færdigbehandlingsdage", 0.7)
        ready_files = files["ready_for_discharge"]
        skipped = []
        for d in definitions:
            if d.kind == "days_rate":
                if ready_files:
                    aggregates[d.id] = _days(con, ready_files, years, d)
                else:
                    skipped.append(d)
        # No ready_for_discharge table means no data, not zero days: leave the indicator out.
        # So is a disease rate without a year that has its whole look-back in the data.
        definitions = [d for d in definitions if d not in skipped and d not in no_lookback]
        if not definitions:
            why = [f"{d.id}: ingen data til færdigbehandlingsdage" for d in skipped]
            why += [f"{d.id}: {_lookback_note(d, years)}" for d in no_lookback]
            raise InputError(
                f"{data_dir}: ingen af de valgte indikatorer kan beregnes ({'; '.join(why)})"
            )
        population, estimated_years = read_population(con, files["population"], years)

    report("Beregner konfidensintervaller og standardisering", 0.85)
    standard = refdata.standard_population(refdata.shipped_population(), options.standard_year)
    region_of = refdata.region_of()
    maps = {lv.id: lv.latest.area_of() for lv in chosen}
    # Denmark is always computed: areas are compared with it (and a cohort is standardised to it)
    computed = maps if "land" in maps else {**maps, "land": dict.fromkeys(region_of, 0)}
    parts = [
        compute_results(
            d,
            aggregates[d.id],
            population,
            standard,
            region_of,
            disease_years.get(d.id, years),
            options.confidence,
            computed,
        )
        for d in definitions
    ]
    results = pd.concat(parts, ignore_index=True)
    results = results[results["level"].isin(list(maps))].reset_index(drop=True)
    report("Diskretionerer små tal", 0.95)
    protected = {d.id: d.counted_denominator for d in definitions}
    if set(maps) - set(HIERARCHY):
        every = {"kommune": {k: k for k in region_of}, **computed}
        results = suppress_levels(results, every, protected, options.suppression)
    else:
        results = suppress(results, region_of, protected, options.suppression)
    results = results[RESULT_COLUMNS]
    results = results.sort_values(["indicator", "level", "area_code", "year"], ignore_index=True)
    meta = _meta(synthetic, definitions, years, estimated_years, bounds, options)
    meta["levels"] = {lv.id: areas.level_info(lv) for lv in chosen}
    # "s" or "us": the unit the stay rules compared times in (None without stay indicators)
    meta["stay_time_unit"] = time_unit
    cut = pd.Timestamp(bounds["last"])  # contacts that start later are not in the data
    followup_notes = {
        d.id: (
            f"{years[-1]}: opfølgningen er ufuldstændig for udskrivninger efter "
            f"{(cut - pd.Timedelta(hours=d.followup.window_hours_le)).date()} "
            "(data slutter før genindlæggelsesvinduet)"
        )
        for d in definitions
        if d.followup is not None
        and cut < pd.Timestamp(years[-1] + 1, 1, 1) + pd.Timedelta(hours=d.followup.window_hours_le)
    }
    # write_results marks the last year of these "ufuldstændig opfølgning"
    meta["incomplete_followup"] = sorted(followup_notes)
    meta["indicator_notes"] = followup_notes | {
        d.id: _lookback_note(d, [y for y in years if y not in disease_years[d.id]])
        for d in definitions
        if d.id in disease_years and len(disease_years[d.id]) < len(years)
    }
    meta["left_out"] = {
        d.id: "ingen data: tabellen ready_for_discharge findes ikke i datamappen" for d in skipped
    } | {d.id: _lookback_note(d, years) for d in no_lookback}
    if ingested is not None:
        # how many input rows ingest left out (with --rejects), carried into every release
        meta["ingest"] = ingested
        meta["rejected_rows"] = sum(ingested["rejected"].values())
    if data_quality is not None:
        meta["data_quality"] = data_quality
        meta["stays_without_specialty"] = stays_without_specialty
    report("Færdig", 1.0)
    return ComputeResult(
        results=results, meta=meta, aggregates=aggregates, areas=areas.areas_frame(chosen)
    )


def chosen_levels(options: ComputeOptions) -> list[areas.AreaLevel]:
    """The area levels ``options`` asks for (with the user groups of ``groups_file``), or an
    :class:`InputError` naming the unknown level or the bad row of the groups file."""
    try:
        groups = (
            areas.load_groups(options.groups_file, areas.level_ids())
            if options.groups_file is not None
            else None
        )
        return areas.choose_levels(options.levels, groups)
    except areas.AreaError as exc:
        raise InputError(str(exc)) from None


def _disease_years(
    definitions: Sequence[IndicatorDefinition], years: list[int], first: Any
) -> tuple[dict[str, list[int]], list[IndicatorDefinition]]:
    """Per disease rate, the years with its whole look-back in data whose first contact starts
    at ``first`` (a year counts from 1 January, so data from 1 January 2015 on cover 2015; data
    from 3 March 2015 on do not); and the disease rates without any such year."""
    start = pd.Timestamp(first)
    first_year = start.year if (start.month, start.day) == (1, 1) else start.year + 1
    out, none = {}, []
    for d in cohort.disease_definitions(definitions):
        full = cohort.full_lookback_years(d, years, first_year)
        if full:
            out[d.id] = full
        else:
            none.append(d)
    return out, none


def _lookback_note(d: IndicatorDefinition, missing: list[int]) -> str:
    assert d.cohort is not None
    span = f"{missing[0]}-{missing[-1]}" if len(missing) > 1 else str(missing[0])
    return (
        f"{span}: ingen værdi; {d.cohort.label_da} findes ud fra {d.cohort.lookback_years} hele "
        "års data før året, og data går ikke så langt tilbage"
    )


def _in_years(agg: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    return agg[agg["year"].isin(years)].reset_index(drop=True)


def _around(
    contacts: ibis.Table,
    years: list[int],
    definitions: list[IndicatorDefinition],
    rules: StayRules,
) -> ibis.Table:
    """Only the contacts the requested years need: those that start from the year before
    (stays that end in a requested year may start then; from the start of the longest
    look-back of a disease rate's cohort) to the end of the last year plus the longest
    follow-up window (readmissions), and every contact of a person with a stay across either
    edge, so that no stay is cut. Parquet statistics let the engine skip most of the rest unread.

    A stay crosses an edge only if a contact that starts before the edge ends at most the stay
    merge gap before it or later (the next contact of the stay joins it so), so such contacts
    find the persons whose stays are kept whole, however long the stay is.
    """
    window = max((d.followup.window_hours_le for d in definitions if d.followup), default=0)
    # (a disease rate's cohort looks back whole years before the first)
    lo = dt.datetime(years[0] - max(1, cohort.max_lookback(definitions)), 1, 1)
    hi = dt.datetime(years[-1] + 1, 1, 1) + dt.timedelta(hours=window)
    gap = dt.timedelta(hours=rules.merge_gap_hours)
    pk = PERSON_KEY if PERSON_KEY in contacts.columns else "person_id"
    inside = (contacts.start >= lo) & (contacts.start < hi)
    near = [(contacts.start < edge) & (contacts.end >= edge - gap) for edge in (lo, hi)]
    across = contacts.filter(near[0] | near[1]).select(person=contacts[pk])
    outside = contacts.filter(~inside & contacts[pk].isin(across.person))
    return ibis.union(contacts.filter(inside), outside, distinct=False)


def _days(
    con: Any, ready_files: Sequence[Path | str], years: list[int], d: IndicatorDefinition
) -> pd.DataFrame:
    return execute_aggregate(con, ex.days_rate(read_ready(con, ready_files), years), [d])


def _meta(
    synthetic: bool,
    definitions: list[IndicatorDefinition],
    years: list[int],
    estimated_years: list[int],
    bounds: pd.Series,
    options: ComputeOptions,
) -> dict[str, Any]:
    notes = []
    if synthetic:
        notes.append(SYNTHETIC_MARKER)
    if estimated_years:
        notes.append("befolkningstal estimeret for " + ", ".join(map(str, estimated_years)))
    return {
        "synthetic": synthetic,
        "marker": SYNTHETIC_MARKER if synthetic else "",
        "note": "; ".join(notes),
        "code_version": __version__,
        "engine": options.engine,
        "computed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "data_period": [
            str(pd.Timestamp(bounds["first"]).date()),
            str(pd.Timestamp(bounds["last"]).date()),
        ],
        "data_cut": str(pd.Timestamp(bounds["last"]).date()),
        "years": years,
        "population_estimated_years": estimated_years,
        "standard_population": f"Danmarks befolkning 1. januar {options.standard_year}",
        "confidence": options.confidence,
        "suppression_min_count": options.suppression.min_count,
        "definitions": {
            d.id: {"version": d.version, "name_da": d.name_da, "status": d.status}
            for d in definitions
        },
    }
