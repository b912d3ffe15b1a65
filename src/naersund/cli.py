"""The ``naersund`` command: one group, each command a thin call into the library."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from naersund import __version__
from naersund.cli_economy import economy
from naersund.errors import NaersundError

Format = Literal["canonical", "lpr2", "lpr3"]
F = TypeVar("F", bound=Callable[..., Any])
err = Console(stderr=True)
out = Console(width=None if Console().is_terminal else 120)


@contextmanager
def progress_bar(title: str) -> Iterator[Callable[[str, float], None]]:
    """A progress bar on stderr; yields the ``progress(message, fraction)`` callback."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f} %"),
        TimeElapsedColumn(),
        console=err,
        transient=False,
        disable=not err.is_terminal and os.environ.get("NAERSUND_PROGRESS") != "1",
    ) as bar:
        task = bar.add_task(title, total=1.0)

        def update(message: str, fraction: float) -> None:
            bar.update(task, completed=max(0.0, min(1.0, fraction)), description=message)

        yield update
        bar.update(task, completed=1.0)


def parse_years(value: str) -> list[int]:
    """``2012-2016`` or ``2012,2014`` or ``2014`` -> list of years."""
    years: list[int] = []
    for part in value.split(","):
        m = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", part)
        if not m:
            raise click.BadParameter(f"'{value}' is not a year or range like 2012-2016")
        lo = int(m.group(1))
        hi = int(m.group(2) or lo)
        if hi < lo:
            raise click.BadParameter(
                f"'{part.strip()}': the range must run forward (e.g. 2012-2016)"
            )
        years.extend(range(lo, hi + 1))
    return sorted(set(years))


class YearsType(click.ParamType):
    name = "YEARS"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> list[int]:
        if isinstance(value, list):
            return value
        try:
            return parse_years(str(value))
        except click.BadParameter as exc:
            self.fail(exc.message, param, ctx)


YEARS = YearsType()


class DataLocationType(click.ParamType):
    """A data folder that must exist, or a URI (``s3a://bucket/registry``) for Spark to read."""

    name = "MAPPE|URI"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Path | str:
        if isinstance(value, str) and "://" in value:
            return value
        folder = click.Path(path_type=Path, file_okay=False, exists=True)
        result: Path = folder.convert(value, param, ctx)
        return result


class SparkConfType(click.ParamType):
    name = "KEY=VALUE"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, str]:
        if isinstance(value, tuple):
            return value
        key, sep, val = str(value).partition("=")
        if not sep or not key.strip():
            self.fail(f"'{value}' is not KEY=VALUE (e.g. spark.executor.memory=8g)", param, ctx)
        return key.strip(), val.strip()


DATA_LOCATION = DataLocationType()
SPARK_CONF = SparkConfType()


def synthetic_data_options(f: F) -> F:
    """``--years``, ``--scale`` and ``--seed``: the options of a synthetic registry."""
    f = click.option(
        "--seed", type=int, default=1, show_default=True, help="Frø: samme frø giver samme data."
    )(f)
    f = click.option(
        "--scale",
        type=click.FloatRange(min=0.0001, max=10),
        default=1.0,
        show_default=True,
        help="Andel af Danmarks befolkning (1.0 = hele landet, ca. 12 mio. kontakter om året).",
    )(f)
    return click.option(
        "--years", type=YEARS, default="2012-2016", show_default=True, help="År, fx 2012-2016."
    )(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="naersund")
def cli() -> None:
    """naersund: opfølgning på Det Nære Sundhedsvæsen.

    Indikatorer fra registerudtræk (LPR), sammenligning af kommuner og ledelsesinformation.
    """


@cli.command()
@synthetic_data_options
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Mappe, der skrives til (erstattes helt).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["canonical", "lpr2", "lpr3"]),
    default="canonical",
    show_default=True,
    help="canonical = Parquet i naersunds format; lpr2 = LPR2-udtræk (CSV); "
    "lpr3 = LPR3-udtræk (CSV, med --sas SAS-transportfiler).",
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
        f"{label}: {counts[key]:,}".replace(",", ".")
        for key, label in (("contacts_total", "kontakter"), ("persons", "personer"))
        if isinstance(counts.get(key), int)
    )
    out.print(f"SYNTETISKE DATA skrevet til {out_dir} ({summary})")


@cli.command()
@click.argument("src", type=click.Path(path_type=Path, exists=True))
@click.argument("dest", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["canonical", "lpr2", "lpr3"]),
    default="canonical",
    show_default=True,
    help="Inputformat: canonical (CSV/Parquet), lpr2 (LPR_ADM, LPR_DIAG, CPR_PERSON) eller "
    "lpr3 (kontakter, diagnoser, CPR_PERSON; CSV, Parquet eller SAS).",
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
    from naersund.registry.lpr3 import Lpr3Options

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
    rows = ", ".join(f"{t}: {n:,}".replace(",", ".") for t, n in report.tables.items())
    out.print(f"Skrevet til {dest} ({rows})")
    rejected = sum(report.rejected.values())
    if rejected:
        out.print(f"{rejected:,} rækker afvist; se {report.rejects_file}".replace(",", "."))


@cli.command()
@click.option(
    "--data",
    "data_dir",
    type=DATA_LOCATION,
    default=Path("data"),
    show_default=True,
    help="Datamappe med kontakter m.m. (med --engine spark også en URI, fx s3a://spand/data).",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="Resultatfil: .csv eller .parquet.",
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
    from naersund.engine.compute import ComputeOptions, monthly_path, write_results
    from naersund.engine.compute import compute as run_compute
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
    write_results(result, out_file, _monthly(data_dir, options) if monthly else None)
    if monthly:
        out.print(f"Værdier pr. måned skrevet til {monthly_path(out_file)}")
    _write_breakdowns(Path(data_dir), result, out_file, definitions, breakdowns)
    n_sup = int(result.results["suppressed"].sum())
    out.print(
        f"{len(result.results):,} resultater skrevet til {out_file} "
        f"({n_sup:,} celler diskretioneret)".replace(",", ".")
    )
    _print_notes(result.meta)


def _write_breakdowns(
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


def _monthly(data_dir: Path | str, options: Any) -> Any:
    """Monthly values of the same data (``naersund.engine.monthly``)."""
    from naersund.engine.monthly import compute_monthly

    return compute_monthly(data_dir, options)


@cli.command()
@click.option(
    "--definitions",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Mappe med indikatordefinitioner (standard: de medfølgende).",
)
@click.option(
    "--markdown", is_flag=True, help="Skriv dokumentationssiden (Markdown) i stedet for en liste."
)
def indicators(definitions: Path | None, markdown: bool) -> None:
    """Vis indikatordefinitionerne."""
    from naersund.indicators import load_definitions
    from naersund.indicators.docs import definitions_markdown

    defs = load_definitions(definitions)
    if markdown:
        click.echo(definitions_markdown(defs), nl=False)
        return
    for d in defs:
        out.print(f"[bold]{d.id}[/bold] (v{d.version}): {d.name_da} — {d.unit_da}")


@cli.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("data/demo"),
    show_default=True,
    help="Mappe til demo-data og resultater.",
)
@synthetic_data_options
@click.option(
    "--no-serve", is_flag=True, help="Gør alt klar, men start ikke webserveren (til test)."
)
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port."
)
def demo(
    out_dir: Path, years: list[int], scale: float, seed: int, no_serve: bool, port: int
) -> None:
    """Hele kæden på syntetiske data, og webapplikationen med demodata.

    synth -> compute -> web migrate -> katalog -> demobrugere -> demosvar (2013 og 2014) ->
    offentliggør resultaterne -> serve på http://127.0.0.1:PORT. Kræver demotilstand
    (NAERSUND_DEMO=1; `make demo` sætter den), fordi demobrugerne har en offentlig
    adgangskode. Databasen er NAERSUND_DATA_DIR/naersund.sqlite3 (standard: --out) eller
    DATABASE_URL.
    """
    from naersund.engine.compute import ComputeOptions, write_results
    from naersund.engine.compute import compute as run_compute
    from naersund.refdata.areas import DEMO_LEVELS
    from naersund.registry.synth import generate
    from naersund.survey.demo import FOLLOW_UP_ROUND
    from naersund.web.env import env_bool

    if not env_bool("NAERSUND_DEMO", False):
        raise click.UsageError(
            "demo opretter brugere med en offentlig adgangskode og kører derfor kun i "
            "demotilstand: sæt NAERSUND_DEMO=1 (`make demo` gør det)."
        )
    os.environ.setdefault("NAERSUND_DATA_DIR", str(out_dir))
    registry = out_dir / "registry"
    with progress_bar("Syntetiske data") as update:
        generate(
            registry,
            years,
            scale=scale,
            seed=seed,
            fmt="canonical",
            progress=update,
            planted_last_start=FOLLOW_UP_ROUND.year,
        )
    results_file = out_dir / "results.csv"
    with progress_bar("Beregner") as update:
        result = run_compute(registry, ComputeOptions(levels=DEMO_LEVELS), progress=update)
    write_results(result, results_file, _monthly(registry, None))
    _write_breakdowns(registry, result, results_file, None)
    _print_summary(result.results)
    _print_notes(result.meta)
    out.print(
        f"\nSYNTETISKE DATA. Resultater: {results_file} ({len(result.results):,} rækker)".replace(
            ",", "."
        )
    )
    _demo_web(results_file, registry / "manifest.json")
    if not no_serve:
        from naersund.web.manage import serve as run_server

        run_server("127.0.0.1", port, announce=out.print)


def _demo_web(results_file: Path, manifest: Path) -> None:
    """The web steps of ``demo``: each is a management command or library call of its own."""
    from naersund.web.manage import setup

    setup()
    from django.core.management import call_command, get_commands
    from django.core.management.base import CommandError

    from naersund.web.dashboard import releases

    steps = [
        ("Database", ["migrate", "--no-input"]),
        ("Målkatalog", ["load_catalogue"]),
        ("Demobrugere", ["create_demo_users"]),
        ("Demosvar", ["load_demo_survey", "--manifest", str(manifest)]),
        ("Økonomi (syntetiske budgetter og regnskaber)", ["load_demo_economy"]),
        ("God praksis (demoeksempler)", ["load_demo_practice"]),
    ]
    for title, args in steps:
        if args[0] not in get_commands():
            out.print(f"{title}: springes over (kommandoen {args[0]} findes ikke endnu)")
            continue
        out.print(f"{title} ({' '.join(args)})")
        try:
            call_command(*args, verbosity=0 if args[0] == "migrate" else 1)
        except CommandError as exc:
            raise click.ClickException(f"{title}: {exc}") from None
    out.print("Offentliggør resultaterne")
    release = releases.publish(results_file)
    for line in releases.published_lines(release):
        out.print(line)
    _publish_effects(release.pk)
    from naersund.web.accounts.management.commands.create_demo_users import (
        DEMO_PASSWORD,
        DEMO_USERS,
    )

    out.print(
        f"\nDemobrugere: {', '.join(DEMO_USERS)}; adgangskode: {DEMO_PASSWORD} "
        "(kun til demo: den er offentlig)."
    )


@cli.command()
@click.argument("results_file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--list", "list_releases", is_flag=True, help="Vis udgivelserne.")
@click.option(
    "--diff", nargs=2, type=int, metavar="GAMMEL NY", help="Vis forskellen mellem to udgivelser."
)
def publish(results_file: Path | None, list_releases: bool, diff: tuple[int, int] | None) -> None:
    """Offentliggør resultater fra `naersund compute` i webapplikationen (dashboard, rapporter).

    Læser RESULTS_FILE, .meta.json og eventuelle månedstal ved siden af og afviser det hele
    samlet, hvis filerne ikke er fra samme kørsel, er diskretioneret med et lavere mindste
    antal end NAERSUND_MIN_COUNT (standard 5), har tal, der ikke passer med deres antal, eller
    er ugyldige. Ellers bliver de den gældende udgivelse i én transaktion; den forrige
    udgivelse kan stadig læses. Viser bagefter, hvad der er ændret.
    """
    from naersund.web.manage import setup

    setup()
    from naersund.web.dashboard import releases

    if list_releases:
        for line in releases.release_lines():
            out.print(line)
    elif diff:
        for line in releases.diff_lines(*diff):
            out.print(line)
    elif results_file is None:
        raise click.UsageError("Angiv en resultatfil, --list eller --diff GAMMEL NY.")
    else:
        release = releases.publish(results_file)
        for line in releases.published_lines(release):
            out.print(line)
        _publish_effects(release.pk)


def _publish_effects(release_id: int) -> None:
    """After publishing: estimate and store the initiative effects (a note per pair that
    cannot be estimated; publishing never fails on them)."""
    from naersund.web.effectsdata import effects_at_publish

    with progress_bar("Beregner effekter") as update:
        lines = effects_at_publish(release_id, update)
    for line in lines:
        out.print(line)


@cli.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("docs"),
    show_default=True,
    help="Mappe, siderne skrives til.",
)
def docs(out_dir: Path) -> None:
    """Skriv dokumentationssiderne, der genereres fra koden (indikatorer, inputformater)."""
    from naersund.docs import write_docs

    for path in write_docs(out_dir):
        out.print(f"Skrevet: {path}")


@cli.command()
@click.option(
    "--level",
    type=click.Choice(["politisk", "direktoer", "fagligt"]),
    required=True,
    help="Politisk, direktør- eller fagligt niveau.",
)
@click.option("--kommune", type=int, default=None, metavar="KODE", help="Kommunekode, fx 165.")
@click.option("--kkr", type=int, default=None, metavar="KODE", help="KKR (regionskode 1081-1085).")
@click.option("--omraade", default=None, metavar="NIVEAU:KODE", help="Fx sundhedsraad:2712.")
@click.option("--year", type=int, required=True, help="Året, rapporten handler om.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "xlsx", "html"]),
    default=None,
    help="Format (standard: efter --out's endelse, ellers pdf).",
)
@click.option(
    "--out", "out_path", type=click.Path(path_type=Path), required=True, help="Fil (eller mappe)."
)
@click.option(
    "--alle-kommuner",
    "all_municipalities",
    is_flag=True,
    help="Med --kkr: KKR'ens rapport med et afsnit for hver af dens kommuner, i én fil.",
)
@click.option(
    "--separate-filer",
    "separate_files",
    is_flag=True,
    help="Med --alle-kommuner: én fil pr. område i mappen --out i stedet.",
)
@click.option(
    "--release", "release_id", type=int, default=None, help="Udgivelse (standard: gældende)."
)
@click.option(
    "--results",
    "results_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Læs en resultatfil fra `naersund compute` i stedet for udgivelsen (ingen statusrunde).",
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Registerdata: fagligt niveau får opdeling på diagnosegruppe, alder, køn og måned.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 32),
    default=2,
    show_default=True,
    help="Processer (--separate-filer).",
)
def report(
    level: str,
    kommune: int | None,
    kkr: int | None,
    omraade: str | None,
    year: int,
    fmt: str | None,
    out_path: Path,
    all_municipalities: bool,
    separate_files: bool,
    release_id: int | None,
    results_file: Path | None,
    data_dir: Path | None,
    jobs: int,
) -> None:
    """Lav en rapportpakke (HTML, PDF eller XLSX) for en kommune eller en KKR.

    Læser den gældende udgivelse i webapplikationen (eller --release ID, eller --results FIL),
    målkataloget og den seneste statusrunde. Eksempler:
    `naersund report --level politisk --kommune 165 --year 2014 --out albertslund.pdf`,
    `naersund report --level direktoer --kkr 1084 --alle-kommuner --year 2014 --out hovedstaden.pdf`.
    """
    from naersund.reports import Format as ReportFormat
    from naersund.reports import Level
    from naersund.reports.job import make_reports

    chosen = fmt or (
        out_path.suffix.lstrip(".").lower()
        if out_path.suffix.lower() in (".pdf", ".xlsx", ".html")
        else "pdf"
    )
    if results_file is not None:
        from naersund.reports.load import from_results_file

        data = from_results_file(results_file)
    else:
        from naersund.web.manage import require_database, setup

        setup()
        require_database()
        from naersund.web.reportdata import report_input

        data = report_input(year, release_id, level=level)
    if data_dir is not None and level == "fagligt":  # only the professional pack drills down
        from naersund.reports.drilldown import with_drilldown

        with progress_bar("Opdeling fra registerdata") as update:
            data = with_drilldown(data, data_dir, year, kommune=kommune, kkr=kkr, progress=update)
    with progress_bar("Rapport") as update:
        paths = make_reports(
            data,
            cast(Level, level),
            year,
            cast(ReportFormat, chosen),
            out_path,
            kommune,
            kkr,
            all_municipalities,
            separate_files,
            jobs,
            update,
            omraade,
        )
    for path in paths:
        out.print(f"Skrevet: {path}")


@cli.command()
@click.option(
    "--release", "release_id", type=int, default=None, help="Udgivelse (standard: gældende)."
)
@click.option(
    "--round",
    "round_slug",
    default=None,
    metavar="SLUG",
    help="Statusrunden, startårene tages fra (standard: den seneste lukkede).",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="Fil: .csv eller .xlsx.",
)
def effects(release_id: int | None, round_slug: str | None, out_path: Path) -> None:
    """Virker indsatserne? Effekten af hver indsats på hver af dens måls indikatorer.

    Sammenligner kommuner, der startede indsatsen i forskellige år, med kommuner, der ikke
    har (Callaway & Sant'Anna 2021), og skriver én række pr. indsats og indikator. Eksempel:
    `naersund effects --out effekter.xlsx`.
    """
    from naersund.analysis.initiative_effects import effects_table, write_effects
    from naersund.web.manage import setup

    setup()
    from naersund.web.effectsdata import effects_for

    with progress_bar("Effekter") as update:
        made = effects_for(release_id, round_slug, update)
    table = effects_table(made.estimated)
    write_effects(table, out_path, made.release, made.round)
    estimated = int((table["note"] == "").sum())
    out.print(f"Skrevet: {out_path} ({estimated} af {len(table)} med et skøn)")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse at lytte på.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port."
)
@click.option(
    "--dev",
    is_flag=True,
    help="Djangos udviklingsserver (genindlæser koden; slår NAERSUND_DEBUG og NAERSUND_DEMO til).",
)
def serve(host: str, port: int, dev: bool) -> None:
    """Kør webapplikationen (waitress; statiske filer via whitenoise).

    Indstillinger læses fra miljøet: NAERSUND_SECRET_KEY (påkrævet uden for demo, mindst 50
    tegn), NAERSUND_DATA_DIR (SQLite-databasen, standard ./data), DATABASE_URL (PostgreSQL),
    NAERSUND_ALLOWED_HOSTS, NAERSUND_SECURE_COOKIES (som standard sendes login-cookies kun
    over https, undtagen i demo). Kør først `naersund web migrate` og `naersund web load_catalogue`.
    Serveren starter ikke, hvis et systemtjek finder en alvorlig fejl, fx demobrugere uden for
    demotilstand (se SECURITY.md).
    """
    from naersund.web.manage import serve as run_server

    run_server(host, port, dev=dev, announce=out.print)


@cli.command(
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def web(args: tuple[str, ...]) -> None:
    """Kør en af webapplikationens Django-kommandoer (som manage.py).

    Eksempler: `naersund web migrate`, `naersund web load_catalogue [FIL]`,
    `naersund web export_catalogue FIL`, `naersund web createsuperuser`,
    `naersund web help` (alle kommandoer).
    """
    from naersund.web.manage import run_management

    run_management(list(args) or ["help"])


@cli.group()
def refdata() -> None:
    """Referencedata: befolkning fra Danmarks Statistik."""


@refdata.command("import-folk1a")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="Befolkningsfil, der skrives (fx DATA/population.csv, som compute så bruger).",
)
def import_folk1a(file: Path, out_file: Path) -> None:
    """Læs FOLK1A (eller BY2) fra statistikbanken og skriv befolkningen pr. kommune, 5-års
    aldersgruppe og køn for hvert år i filen.

    FILE er statistikbankens CSV-eksport (semikolon, UTF-8, overskrifter som
    OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD). Kun 1. januar (1. kvartal) bruges; landstal,
    regioner og totaler lægges ikke til to gange.
    """
    from naersund.atomic import atomic_path
    from naersund.refdata.folk1a import read_statbank_population

    pop = read_statbank_population(file)
    with atomic_path(out_file) as tmp:
        pop.rows.to_csv(tmp, index=False, encoding="utf-8")
    totals = pop.rows.groupby("year")["count"].sum()
    people = ", ".join(f"{y}: {_thousands(int(n))}" for y, n in totals.items())
    out.print(f"Skrevet: {out_file} (befolkningen 1. januar, 98 kommuner; {people} personer)")
    left = {k: v for k, v in pop.skipped.items() if v}
    if left:
        out.print(
            "Udeladt: " + ", ".join(f"{_thousands(v)} rækker med {k}" for k, v in left.items())
        )


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _print_notes(meta: dict[str, Any]) -> None:
    if meta["note"]:
        out.print(f"Note: {meta['note']}")
    for ind, text in {**meta["indicator_notes"], **meta["left_out"]}.items():
        out.print(f"Note ({ind}): {text}")


def _print_summary(results: Any) -> None:
    from rich.table import Table

    from naersund.indicators import load_definitions

    names = {d.id: (d.name_da, d.unit_da) for d in load_definitions()}
    land = results[results["level"] == "land"]
    table = Table(title="Danmark (SYNTETISKE DATA)")
    table.add_column("Indikator")
    table.add_column("Enhed")
    years = sorted(land["year"].unique())
    for y in years:
        table.add_column(str(y), justify="right")
    for ind, g in land.groupby("indicator"):
        vals = g.set_index("year")["value"]
        name, unit = names.get(str(ind), (str(ind), ""))
        table.add_row(
            name, unit, *[f"{vals.get(y, float('nan')):.1f}".replace(".", ",") for y in years]
        )
    out.print(table)


cli.add_command(economy)


def main() -> None:
    """Entry point: user errors become one clear message, never a traceback."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        err.print("Afbrudt.")
        sys.exit(130)
    except click.ClickException as exc:
        from naersund.cli_errors import show

        show(exc)  # Click's messages in Danish
        sys.exit(exc.exit_code)
    except NaersundError as exc:
        click.secho(f"Fejl: {exc}", fg="red", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("Afbrudt.")
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("NAERSUND_DEBUG"):
            raise
        click.secho(
            f"Uventet fejl: {type(exc).__name__}: {exc}\n"
            "Kør igen med NAERSUND_DEBUG=1 for detaljer, og rapportér fejlen.",
            fg="red",
            err=True,
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
