"""``load_catalogue [PATH]``: validate the YAML and store it as the current version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from naersund.catalogue import builtin_path, load_catalogue
from naersund.errors import CatalogueError
from naersund.web.catalogue.store import save_catalogue


class Command(BaseCommand):
    help = "Indlæs målkataloget (YAML) i databasen – alt eller intet (standard: det medfølgende)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path, help="Katalogfil (YAML).")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Erstat en version med samme nummer, der allerede findes med et andet indhold.",
        )
        parser.add_argument(
            "--allow-removed",
            action="store_true",
            help="Tillad, at id'er fra den gældende version udgår.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"] or builtin_path()
        try:
            catalogue = load_catalogue(path)
            version, written = save_catalogue(
                catalogue,
                source=str(path),
                replace=options["replace"],
                allow_removed=options["allow_removed"],
            )
        except CatalogueError as exc:
            raise CommandError(str(exc)) from None
        if not written:
            self.stdout.write(f"Katalog version {version.version} er allerede indlæst; uændret.")
            return
        n = sum(len(g.initiatives) for k in catalogue.kkr for g in k.goals)
        self.stdout.write(
            f"Indlæste katalog version {version.version}: {len(catalogue.kkr)} KKR, "
            f"{n} indsatser under KKR-mål."
        )
