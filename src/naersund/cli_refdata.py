"""``naersund refdata``: reference data, the population from Statistics Denmark."""

from __future__ import annotations

from pathlib import Path

import click

from naersund import fmt
from naersund.cli_common import out, path_option


@click.group()
def refdata() -> None:
    """Referencedata: befolkning fra Danmarks Statistik."""


@refdata.command("import-folk1a")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@path_option(
    "--out",
    "out_file",
    folder=False,
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
    from naersund.errors import InputError
    from naersund.refdata.folk1a import Folk1aError, read_statbank_population

    try:
        pop = read_statbank_population(file)
    except Folk1aError as exc:
        raise InputError(str(exc)) from None
    with atomic_path(out_file) as tmp:
        pop.rows.to_csv(tmp, index=False, encoding="utf-8")
    totals = pop.rows.groupby("year")["count"].sum()
    people = ", ".join(f"{y}: {fmt.integer(int(n))}" for y, n in totals.items())
    out.print(f"Skrevet: {out_file} (befolkningen 1. januar, 98 kommuner; {people} personer)")
    left = {k: v for k, v in pop.skipped.items() if v}
    if left:
        out.print(
            "Udeladt: " + ", ".join(f"{fmt.integer(v)} rækker med {k}" for k, v in left.items())
        )
