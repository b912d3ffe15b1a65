"""``naersund synth``, ``ingest`` and ``compute``: a registry extract made, validated and read
into the indicators' results (with their monthly values and breakdowns beside them)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from naersund.cli_common import (
    DATA_LOCATION,
    SPARK_CONF,
    YEARS,
    Format,
    out,
    path_option,
    progress_bar,
    registry_format_option,
    synthetic_data_options,
)
from naersund.fmt import integer


@click.command()
@synthetic_data_options
@path_option(
    "--out", "out_dir", folder=True, required=True, help="Mappe, der skrives til (erstattes helt)."
)
@registry_format_option(
    "canonical = Parquet i naersunds format; lpr2 = LPR2-udtræk (CSV); "
    "lpr3 = LPR3-udtræk (CSV, med --sas SAS-transportfiler)."
)
@click.option(
    "--sas",
    is_flag=True,
    help="Med --format lpr3: skriv kontakter, diagnoser og CPR_PERSON som SAS-transportfiler (.xpt).",
)
@click.option(
    "--write-years",
    type=YEARS,
    default=None,
    help="Skriv kun disse af årene i --years (serien dannes stadig for alle): to udtræk med "
    "samme frø passer sammen, fx --format lpr2 --write-years 2012-2018 og --format lpr3 "
    "--write-years 2019-2022.",
)
def synth(
    years: list[int],
    scale: float,
    seed: int,
    out_dir: Path,
    fmt: Format,
    sas: bool,
    write_years: list[int] | None,
) -> None:
    """Lav et syntetisk nationalt registerudtræk (SYNTETISKE DATA).

    Personer trækkes fra den rigtige befolkning pr. kommune, alder og køn; kontakter, overflytninger,
    genindlæggelser, færdigbehandlingsdage og plantede effekter af indsatser skrives som Parquet
    (eller LPR2-CSV eller LPR3-CSV/SAS), med manifest.json over de plantede effekter.
    """
    from naersund.registry.synth import generate

    if sas and fmt != "lpr3":
        raise click.UsageError("--sas gælder kun sammen med --format lpr3")
    if write_years is not None and not set(write_years) <= set(years):
        raise click.UsageError("--write-years skal være blandt årene i --years")
    with progress_bar("Syntetiske data") as update:
        manifest = generate(
            out_dir,
            years,
            scale=scale,
            seed=seed,
            fmt=fmt,
            sas=sas,
            progress=update,
            write_years=write_years,
        )
    counts = manifest.get("counts", {})
    summary = ", ".join(
        f"{label}: {integer(counts[key])}"
        for key, label in (("contacts_total", "kontakter"), ("persons", "personer"))
        if isinstance(counts.get(key), int)
    )
    out.print(f"SYNTETISKE DATA skrevet til {out_dir} ({summary})")


@click.command()
@click.argument("src", type=click.Path(path_type=Path, exists=True))
@click.argument("dest", type=click.Path(path_type=Path, file_okay=False))
@registry_format_option(
    "Inputformat: canonical (CSV/Parquet), lpr2 (LPR_ADM, LPR_DIAG, CPR_PERSON) eller "
    "lpr3 (kontakter, diagnoser, CPR_PERSON; CSV, Parquet eller SAS)."
)
@click.option(
    "--columns",
    "columns_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Med --format lpr3: YAML-fil med kolonnenavne for et udtræk, der kalder kolonnerne "
    "noget andet (se README).",
)
@click.option(
    "--rejects",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Skriv afviste rækker hertil og fortsæt med de gode (ellers afvises hele filen).",
)
@click.option(
    "--max-errors",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Højst så mange fejl vises.",
)
@click.option(
    "--data-cut",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="ÅÅÅÅ-MM-DD",
    help="Udtrækkets dato (ÅÅÅÅ-MM-DD): datoer efter den afvises (standard: dags dato).",
)
@click.option(
    "--append",
    is_flag=True,
    help="Læg udtrækket til det, DEST allerede holder (fx LPR3 fra 2019 oven på LPR2 til "
    "2018): én serie over skiftet. Perioderne må ikke overlappe.",
)
def ingest(
    src: Path,
    dest: Path,
    fmt: Format,
    columns_file: Path | None,
    rejects: Path | None,
    max_errors: int,
    data_cut: dt.datetime | None,
    append: bool,
) -> None:
    """Valider et registerudtræk og skriv det i naersunds format (Parquet) til DEST.

    Hver række kontrolleres. Som standard afvises hele filen ved første fejl, med besked om fil,
    række, felt og årsag; med --rejects skrives de afviste rækker til en rapport. DEST skrives
    først, når alt er i orden (intet halvt skrevet).
    """
    from naersund.registry.ingest import ingest as run_ingest
    from naersund.registry.lpr3_layout import Lpr3Options

    if columns_file is not None and fmt != "lpr3":
        raise click.UsageError("--columns gælder kun sammen med --format lpr3")
    lpr3_options = Lpr3Options.from_file(columns_file) if columns_file is not None else None
    with progress_bar("Indlæser") as update:
        report = run_ingest(
            src,
            dest,
            fmt=fmt,
            rejects=rejects,
            max_errors=max_errors,
            progress=update,
            lpr3_options=lpr3_options,
            data_cut=data_cut.date() if data_cut else None,
            append=append,
        )

    for message in report.messages:
        click.echo(message, err=True)
    rows = ", ".join(f"{t}: {integer(n)}" for t, n in report.tables.items())
    out.print(f"Skrevet til {dest} ({rows})")
    rejected = sum(report.rejected.values())
    if rejected:
        out.print(f"{integer(rejected)} rækker afvist; se {report.rejects_file}")


@click.command()
@click.option(
    "--data",
    "data_dir",
    type=DATA_LOCATION,
    default=Path("data"),
    show_default=True,
    help="Datamappe med kontakter m.m. (med --engine spark også en URI, fx s3a://spand/data).",
)
@path_option(
    "--out", "out_file", folder=False, required=True, help="Resultatfil: .csv eller .parquet."
)
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="Beregningsmotor.",
)
@click.option(
    "--spark-master",
    default=None,
    help="Spark-master, fx local[8], yarn, spark://vært:7077 (standard: local[*], eller den "
    "master spark-submit angiver).",
)
@click.option(
    "--spark-conf",
    "spark_conf",
    type=SPARK_CONF,
    multiple=True,
    help="Spark-indstilling NØGLE=VÆRDI, fx spark.executor.memory=8g (kan gentages).",
)
@click.option("--years", type=YEARS, default=None, help="Kun disse år (standard: alle år i data).")
@click.option(
    "--indicator",
    "indicators",
    multiple=True,
    envvar="NAERSUND_INDICATORS",
    help="Kun denne indikator (kan gentages). Standard: indstillingen NAERSUND_INDICATORS "
    "(id'er adskilt af mellemrum), ellers alle.",
)
@click.option(
    "--definitions",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Mappe med egne indikatordefinitioner (YAML).",
)
@click.option(
    "--standard-year",
    type=int,
    default=2013,
    show_default=True,
    help="Standardbefolkning: Danmark 1. januar i dette år.",
)
@click.option(
    "--min-count",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help=(
        "Diskretionering: antal fra 1 til MIN-COUNT-1 skjules (naersund publish kræver mindst "
        "NAERSUND_MIN_COUNT, standard 5)."
    ),
)
@click.option(
    "--monthly",
    is_flag=True,
    help="Skriv også værdier pr. måned (ujusterede) til <OUT uden endelse>.monthly.csv.",
)
@click.option(
    "--breakdowns",
    is_flag=True,
    help="Skriv også opdelingen (diagnosegruppe, aldersgruppe, køn, måned) for hver kommune i "
    "det seneste år, diskretioneret, til <OUT uden endelse>.breakdowns.csv; den "
    "offentliggøres med resultaterne.",
)
@click.option(
    "--levels",
    envvar="NAERSUND_LEVELS",
    default="kommune,region,land",
    show_default=True,
    metavar="NIVEAU,...",
    help="Områdeniveauer adskilt af komma, fx kommune,region,region2027,sundhedsraad,land "
    "(se docs/areas.md). Standard: indstillingen NAERSUND_LEVELS, ellers kommune,region,land.",
)
@click.option(
    "--groups",
    "groups_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="CSV med egne grupper af kommuner (group_id,group_name,kommunekode); "
    "en gruppes id kan så bruges i --levels.",
)
def compute(
    data_dir: Path | str,
    out_file: Path,
    engine: str,
    spark_master: str | None,
    spark_conf: tuple[tuple[str, str], ...],
    years: list[int] | None,
    indicators: tuple[str, ...],
    definitions: Path | None,
    standard_year: int,
    min_count: int,
    monthly: bool,
    breakdowns: bool,
    levels: str,
    groups_file: Path | None,
) -> None:
    """Beregn alle indikatorer pr. område (kommune, region og land, eller --levels) og år, og
    skriv resultatet.

    Kolonner: indicator, level, area_code, year, numerator, denominator, value, lower_ci, upper_ci,
    std_value, std_lower_ci, std_upper_ci, comparison, suppressed (og note med fodnoter). Ved
    siden af: <OUT uden endelse>.areas.csv med kommunerne i hvert område.
    """
    from naersund.engine.compute import ComputeOptions
    from naersund.engine.compute import compute as run_compute
    from naersund.engine.outputs import monthly_path, write_results
    from naersund.suppression import SuppressionRule

    engine_options: dict[str, Any] = {}
    if engine == "spark":
        engine_options = {"spark_master": spark_master, "spark_conf": dict(spark_conf)}
    elif spark_master or spark_conf:
        raise click.UsageError("--spark-master and --spark-conf only apply with --engine spark")
    options = ComputeOptions(
        engine=engine,
        engine_options=engine_options,
        definitions_dir=definitions,
        indicators=list(indicators) or None,
        years=years,
        standard_year=standard_year,
        suppression=SuppressionRule(min_count=min_count),
        levels=levels.split(","),
        groups_file=groups_file,
    )
    if (monthly or breakdowns) and isinstance(data_dir, str) and "://" in data_dir:
        raise click.UsageError("--monthly og --breakdowns læser kun en lokal datamappe")
    with progress_bar("Beregner") as update:
        result = run_compute(data_dir, options, progress=update)
    # every output of the run is written in one step, after all of it is computed
    write_results(result, out_file, monthly_values(data_dir, options, result) if monthly else None)
    if monthly:
        out.print(f"Værdier pr. måned skrevet til {monthly_path(out_file)}")
    write_breakdowns(Path(data_dir), result, out_file, definitions, breakdowns)
    n_sup = int(result.results["suppressed"].sum())
    out.print(
        f"{integer(len(result.results))} resultater skrevet til {out_file} "
        f"({integer(n_sup)} celler diskretioneret)"
    )
    print_notes(result.meta)


def write_breakdowns(
    data_dir: Path,
    result: Any,
    out_file: Path,
    definitions: Path | None,
    wanted: bool = True,
) -> None:
    """The run's breakdowns beside its results (``naersund.reports.drilldown``), or, without
    ``wanted``, no stale breakdowns file of an earlier run."""
    from naersund.analysis.breakdown_file import attach_breakdowns, discard_breakdowns

    if not wanted:
        discard_breakdowns(out_file)
        return
    from naersund.indicators import load_definitions
    from naersund.reports.drilldown import release_breakdowns

    with progress_bar("Opdeling") as update:
        table = release_breakdowns(
            data_dir,
            result.results,
            load_definitions(definitions),
            int(result.meta["suppression_min_count"]),
            progress=update,
        )
    out.print(f"Opdeling skrevet til {attach_breakdowns(out_file, table)}")


def monthly_values(data_dir: Path | str, options: Any, result: Any) -> Any:
    """Monthly values of the same data (``naersund.engine.monthly``), masked so that they give
    none of the yearly ``result``'s masked counts away (its areas' membership)."""
    from naersund.analysis.results_levels import membership_from_areas
    from naersund.engine.monthly import compute_monthly
    from naersund.suppression_monthly import YearlyRelease

    membership = membership_from_areas(result.areas)
    return compute_monthly(data_dir, options, YearlyRelease(result.results, membership))


def print_notes(meta: dict[str, Any]) -> None:
    if meta["note"]:
        out.print(f"Note: {meta['note']}")
    for ind, text in {**meta["indicator_notes"], **meta["left_out"]}.items():
        out.print(f"Note ({ind}): {text}")
