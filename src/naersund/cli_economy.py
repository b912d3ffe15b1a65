"""``naersund economy ...``: budgets and accounts into the app database. The commands hold no
logic: the library reads (:mod:`naersund.economy`), the web app stores
(:mod:`naersund.web.economy.services`)."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def economy() -> None:
    """Økonomi: budgetter (BUDK32) og regnskaber (REGK31) fra Danmarks Statistik."""


@economy.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--tabel",
    "table",
    type=click.Choice(["BUDK32", "REGK31"], case_sensitive=False),
    default=None,
    help="Tabellen (standard: efter filnavnet).",
)
@click.option("--syntetisk", "synthetic", is_flag=True, help="Marker tallene som SYNTETISKE DATA.")
def import_file(file: Path, table: str | None, synthetic: bool) -> None:
    """Indlæs statistikbankens CSV-eksport af BUDK32 eller REGK31 i app-databasen.

    FILE har semikolon, UTF-8 eller Windows-1252 og overskrifter som
    OMRÅDE;FUNKTION;DRANST;ART;PRISENHED;TID;INDHOLD. Hele filen kontrolleres først; er der en
    fejl, gemmes intet. Hele landet, regioner, summer af funktioner, anlæg og kr. pr. indbygger
    lægges ikke til. For hvert år bruges den senest indlæste fil, der har året.
    """
    from naersund.web.manage import setup

    setup()
    from naersund.web.economy import services

    result = services.import_accounts(
        file.read_bytes(), file.name, table=table, synthetic=synthetic
    )
    for line in result.lines():
        click.echo(line)


@economy.command("import-key")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
def import_key(file: Path) -> None:
    """Indlæs en fordelingsnøgle for ØA-løftet (CSV: kommunekode;andel, alle 98 kommuner).

    Uden en nøgle er hver kommunes forventede andel dens andel af befolkningen.
    """
    from naersund.web.manage import setup

    setup()
    from naersund.web.economy import services

    key = services.import_key(file.read_bytes(), file.name)
    click.echo(f"{key.file_name} er indlæst som fordelingsnøgle for 98 kommuner.")
