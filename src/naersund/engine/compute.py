"""The main job: a data directory in, one results table out.

Reads the canonical registry data (validating CSV on the way in), builds stays once, runs every
indicator's expression on the engine, and turns the aggregates into published results with
confidence intervals, standardisation, comparison and small-number suppression.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from naersund import __version__, refdata
from naersund.atomic import atomic_paths
from naersund.engine import cohort, specialty_gaps
from naersund.engine import expressions as ex
from naersund.engine.backend import (
    connect,
    execute_aggregate,
    find_uri_table,
    is_uri,
    read_parquet,
    read_uri_text,
)
from naersund.engine.results import LEVELS, RESULT_COLUMNS, compute_results
from naersund.engine.stays import TimeUnit, build_stays, whole_seconds
from naersund.errors import InputError, NaersundError
from naersund.indicators import (
    IndicatorDefinition,
    StayRules,
    load_definitions,
    load_stay_rules,
    select_definitions,
)
from naersund.refdata import areas
from naersund.registry import quality
from naersund.registry.ingest import INGEST_RECORD, find_table, ingest
from naersund.registry.schema import (
    CONTACTS,
    PERSON_KEY,
    PERSON_KEY_METADATA,
    POPULATION,
    READY_FOR_DISCHARGE,
    WHOLE_SECONDS_METADATA,
)
from naersund.suppression import SuppressionRule, suppress
from naersund.suppression_levels import HIERARCHY, suppress_levels

if TYPE_CHECKING:
    from naersund.engine.monthly import MonthlyResult

Progress = Callable[[str, float], None]
SYNTHETIC_MARKER = "SYNTETISKE DATA"
#: The run's metadata keys: its id, and the files it wrote with their SHA-256 (``write_results``).
RUN_ID = "run_id"
OUTPUTS = "outputs"


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


def _data_file_text(data_dir: Path | str, name: str, con: Any = None) -> str | None:
    """The text of file ``name`` in the data directory, or None when it is not there or cannot
    be read. On a URI (Spark) it is read through the engine ``con``."""
    if is_uri(data_dir):
        return read_uri_text(con, f"{str(data_dir).rstrip('/')}/{name}")
    path = Path(data_dir) / name
    try:
        return path.read_text(encoding="utf-8") if path.is_file() else None
    except (OSError, UnicodeDecodeError):
        return None


def is_synthetic(data_dir: Path | str, con: Any = None) -> bool:
    """Data made by ``naersund synth`` (or ingested from it) carry a marker file, or say so in
    their manifest."""
    if _data_file_text(data_dir, "SYNTETISKE_DATA.txt", con) is not None:
        return True
    text = _data_file_text(data_dir, "manifest.json", con)
    if text is None:
        return False
    try:
        return bool(json.loads(text).get("synthetic"))
    except (ValueError, AttributeError):
        return False


def canonical_dir(data_dir: Path, tmp: Path, progress: Progress) -> Path:
    """``data_dir`` itself when it holds Parquet only; else a validated Parquet copy in ``tmp``."""
    files = find_table(data_dir, "contacts")
    if not files:
        raise InputError(
            f"{data_dir}: no contacts found (expected contacts.csv, contacts.parquet or a "
            "folder contacts/ with CSV or Parquet files)"
        )
    tables = [files, *(find_table(data_dir, t) for t in ("ready_for_discharge", "population"))]
    if all(f.suffix == ".parquet" for fs in tables for f in fs):
        return data_dir
    progress("Validerer CSV-input", 0.0)
    ingest(data_dir, tmp / "data")
    return tmp / "data"


def ingest_record(data_dir: Path | str, con: Any = None) -> dict[str, Any] | None:
    """What ``naersund ingest`` wrote and rejected per table (its ``ingest.json`` in the data
    directory), or None when the data did not come through ingest or the record is unreadable."""
    text = _data_file_text(data_dir, INGEST_RECORD, con)
    if text is None:
        return None
    try:
        record = json.loads(text)
        rejected = {str(t): int(n) for t, n in record["rejected"].items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return {**record, "rejected": rejected}


def read_population(
    con: Any, files: Sequence[Path | str], years: list[int]
) -> tuple[pd.DataFrame, list[int]]:
    """Population for every year, with the years that had to be estimated. On a URI the table
    (counts by municipality, age band and sex: no person-level data) is read by the engine."""
    if files and is_uri(files[0]):
        columns = [c.name for c in POPULATION] + ["estimated"]
        raw = con.execute(read_parquet(con, files, columns))
    elif files:
        raw = pd.concat(
            [pd.read_parquet(f) if Path(f).suffix == ".parquet" else pd.read_csv(f) for f in files],
            ignore_index=True,
        )
    if files:
        raw = raw.astype({"year": "int64", "kommunekode": "int64", "count": "int64"})
    else:
        raw = refdata.shipped_population()
    pop = refdata.derive_population(raw, years)
    estimated = set(pop.loc[pop["estimated"], "year"].tolist())
    if "estimated" in raw.columns:
        estimated |= set(raw.loc[raw["estimated"].astype(bool), "year"].tolist())
    return pop, sorted(int(y) for y in estimated & set(years))


def has_person_key(files: Sequence[Path | str]) -> bool:
    """Whether every contacts file is local Parquet with naersund's integer person key, all
    numbered by the same run (``registry.schema.PERSON_KEY``). Read from the files' footers."""
    runs = set()
    for f in files:
        if is_uri(f) or Path(f).suffix != ".parquet":
            return False
        try:
            schema = pq.read_schema(f)
        except (OSError, pa.ArrowException):
            return False
        field = schema.field(PERSON_KEY) if PERSON_KEY in schema.names else None
        if field is None or not pa.types.is_integer(field.type):
            return False
        runs.add((schema.metadata or {}).get(PERSON_KEY_METADATA.encode()))
    return len(runs) == 1 and None not in runs


def _int_span(stats: Any) -> tuple[int, int] | None:
    """A column chunk's lowest and highest value from its statistics, when they are integers
    and the chunk has no nulls."""
    if stats is None or not (stats.has_min_max and stats.has_null_count) or stats.null_count:
        return None
    if not isinstance(stats.min, int) or not isinstance(stats.max, int):
        return None
    return stats.min, stats.max


def _footer_bounds(files: Sequence[Path | str], keyed: bool) -> pd.Series | None:
    """The first and last contact start, the number of contacts and (with ``keyed``) of person
    keys, from the Parquet files' footers: exact, and without reading the data. None when a
    file is not local Parquet or lacks the statistics; the engine then counts. Also the lowest
    and highest kommunekode (``kommunekoder``), or None where a footer does not say."""
    first, last, n, n_keyed = None, None, 0, 0
    codes: list[int] | None = []
    try:
        for f in files:
            if is_uri(f) or Path(f).suffix != ".parquet":
                return None
            meta = pq.read_metadata(f)
            names = [meta.schema.column(j).name for j in range(meta.num_columns)]
            if "start" not in names or "kommunekode" not in names:
                return None
            if keyed and PERSON_KEY not in names:
                return None
            for i in range(meta.num_row_groups):
                group = meta.row_group(i)
                start = group.column(names.index("start")).statistics
                if group.num_rows == 0:
                    continue
                if start is None or not start.has_null_count or start.null_count > 0:
                    return None
                if not start.has_min_max or not isinstance(start.min, dt.datetime):
                    return None
                first = start.min if first is None else min(first, start.min)
                last = start.max if last is None else max(last, start.max)
                n += group.num_rows
                span = _int_span(group.column(names.index("kommunekode")).statistics)
                codes = None if codes is None or span is None else [*codes, *span]
                if keyed:
                    key = group.column(names.index(PERSON_KEY)).statistics
                    if key is None or not key.has_null_count:
                        return None
                    n_keyed += group.num_rows - key.null_count
    except (OSError, pa.ArrowException):
        return None
    kommunekoder = (min(codes), max(codes)) if codes else None
    return pd.Series(
        {"first": first, "last": last, "n": n, "keyed": n_keyed, "kommunekoder": kommunekoder}
    )


def read_contacts(con: Any, files: Sequence[Path | str], person_key: bool = False) -> ibis.Table:
    """The contacts with the canonical columns; with ``person_key`` also the integer person key
    (only when :func:`has_person_key` says the files have a consistent one)."""
    t = read_parquet(con, files, [c.name for c in CONTACTS] + [PERSON_KEY] * person_key)
    missing = {c.name: c.dtype for c in CONTACTS if c.name not in t.columns}
    for name, dtype in missing.items():
        if any(c.name == name and c.required for c in CONTACTS):
            raise InputError(f"{files[0]}: required column '{name}' is missing")
        t = t.mutate(**{name: ibis.null("boolean" if dtype == "bool" else "string")})
    extra = [PERSON_KEY] if person_key and PERSON_KEY in t.columns else []
    return t.select(*[c.name for c in CONTACTS], *extra)


def footer_whole_seconds(files: Sequence[Path | str]) -> bool | None:
    """What the contacts files' footers say about fractions of a second
    (``registry.schema.WHOLE_SECONDS_METADATA``, written by ingest and synth): True when every
    file records that its times are whole seconds, False when one records that they are not,
    None when a file does not say (made by hand, not local Parquet, unreadable)."""
    said = set()
    for f in files:
        if is_uri(f) or Path(f).suffix != ".parquet":
            return None
        try:
            metadata = pq.read_schema(f).metadata or {}
        except (OSError, pa.ArrowException):
            return None
        said.add(metadata.get(WHOLE_SECONDS_METADATA.encode()))
    if not said or None in said:
        return None
    return said == {b"true"}


def choose_time_unit(con: Any, contacts: ibis.Table, files: Sequence[Path | str] = ()) -> TimeUnit:
    """The unit stays are built in: whole seconds (the faster layout) when every contact starts
    and ends on a whole second, else microseconds, so that fractions of a second count (see
    :func:`naersund.engine.stays.build_stays`). Read from the footers of ``files`` (the
    contacts' files) when every one of them says; else one aggregate over two columns."""
    said = footer_whole_seconds(files) if files else None
    if said is None:
        said = bool(con.execute(whole_seconds(contacts)))
    return "s" if said else "us"


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
        recorded = remote or _data_file_text(data_dir, INGEST_RECORD, con) is not None
        ingested = ingest_record(data_dir if recorded else canonical, con)
        # data quality per source and month, carried with the release (small counts hidden)
        data_quality = quality.for_release(
            _data_file_text(data_dir if recorded else canonical, quality.QUALITY_FILE, con),
            options.suppression.min_count,
        )
        report("Læser kontakter", 0.05)
        keyed = has_person_key(files["contacts"])
        contacts = read_contacts(con, files["contacts"], person_key=keyed)
        bounds = _footer_bounds(files["contacts"], keyed)
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


def read_ready(con: Any, files: Sequence[Path | str]) -> ibis.Table:
    """The ready-for-discharge periods, an exact duplicate row counted once: ingest keeps the
    first of identical rows and rejects the rest, so data that did not pass through ingest
    (a synth folder, hand-made Parquet) gives the same days."""
    return read_parquet(con, files, [c.name for c in READY_FOR_DISCHARGE]).distinct()


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
