"""``naersund report`` and ``effects``: the report packs and the initiative effects table."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click

from naersund.cli_common import out, path_option, progress_bar, release_option


@click.command()
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
@release_option
@path_option(
    "--results",
    "results_file",
    folder=False,
    help="Læs en resultatfil fra `naersund compute` i stedet for udgivelsen (ingen statusrunde).",
)
@path_option(
    "--data",
    "data_dir",
    folder=True,
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


@click.command()
@release_option
@click.option(
    "--round",
    "round_slug",
    default=None,
    metavar="SLUG",
    help="Statusrunden, startårene tages fra (standard: den seneste lukkede).",
)
@path_option("--out", "out_path", folder=False, required=True, help="Fil: .csv eller .xlsx.")
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
