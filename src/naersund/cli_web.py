"""``naersund demo``, ``serve`` and ``web``: the web application run, its Django commands, and
the whole chain on synthetic data with the demo's web set-up."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import click

from naersund import fmt
from naersund.cli_common import out, path_option, progress_bar, synthetic_data_options
from naersund.cli_data import monthly_values, print_notes, write_breakdowns
from naersund.cli_publish import publish_effects


@click.command()
@path_option(
    "--out",
    "out_dir",
    folder=True,
    default=Path("data/demo"),
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

    synth (et syntetisk LPR3-udtræk) -> ingest -> compute -> web migrate -> katalog ->
    demobrugere -> demosvar (2013 og 2014) -> offentliggør resultaterne -> serve på
    http://127.0.0.1:PORT. Udtrækket går gennem ingest som rigtige data, så udgivelsen får sin
    datakvalitet; det slettes bagefter. Kræver demotilstand
    (NAERSUND_DEMO=1; `make demo` sætter den), fordi demobrugerne har en offentlig
    adgangskode. Databasen er NAERSUND_DATA_DIR/naersund.sqlite3 (standard: --out) eller
    DATABASE_URL.
    """
    from naersund.engine.compute import ComputeOptions
    from naersund.engine.compute import compute as run_compute
    from naersund.engine.outputs import write_results
    from naersund.refdata.areas import DEMO_LEVELS
    from naersund.registry.ingest import ingest
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
    out_dir.mkdir(parents=True, exist_ok=True)
    # The whole path a user takes with today's registry data: an LPR3-style extract (the
    # same contacts as the canonical synth, tests/test_splice.py), validated by ingest, which
    # also writes the data quality per month that the release then shows.
    with tempfile.TemporaryDirectory(prefix=".lpr3-udtraek-", dir=out_dir) as tmp:
        extract = Path(tmp) / "lpr3"
        with progress_bar("Syntetisk LPR3-udtræk") as update:
            generate(
                extract,
                years,
                scale=scale,
                seed=seed,
                fmt="lpr3",
                progress=update,
                planted_last_start=FOLLOW_UP_ROUND.year,
            )
        with progress_bar("Indlæser udtrækket (naersund ingest)") as update:
            report = ingest(extract, registry, fmt="lpr3", progress=update)
    for message in report.messages:
        out.print(message)
    results_file = out_dir / "results.csv"
    with progress_bar("Beregner") as update:
        result = run_compute(registry, ComputeOptions(levels=DEMO_LEVELS), progress=update)
    write_results(result, results_file, monthly_values(registry, None, result))
    write_breakdowns(registry, result, results_file, None)
    _print_summary(result.results)
    print_notes(result.meta)
    out.print(
        f"\nSYNTETISKE DATA. Resultater: {results_file} ({fmt.integer(len(result.results))} rækker)"
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
    publish_effects(release.pk)
    from naersund.web.accounts.management.commands.create_demo_users import (
        DEMO_PASSWORD,
        DEMO_USERS,
    )

    out.print(
        f"\nDemobrugere: {', '.join(DEMO_USERS)}; adgangskode: {DEMO_PASSWORD} "
        "(kun til demo: den er offentlig)."
    )


@click.command()
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


@click.command(
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
        table.add_row(name, unit, *[fmt.number(vals.get(y), 1) for y in years])
    out.print(table)
