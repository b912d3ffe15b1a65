"""``naersund publish``: results into the web application as a release, with the initiative
effects estimated on it."""

from __future__ import annotations

from pathlib import Path

import click

from naersund.cli_common import out, progress_bar


@click.command()
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
        publish_effects(release.pk)


def publish_effects(release_id: int) -> None:
    """After publishing: estimate and store the initiative effects (a note per pair that
    cannot be estimated; publishing never fails on them)."""
    from naersund.web.effectsdata import effects_at_publish

    with progress_bar("Beregner effekter") as update:
        lines = effects_at_publish(release_id, update)
    for line in lines:
        out.print(line)
