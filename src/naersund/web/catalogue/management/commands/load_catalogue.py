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

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"] or builtin_path()
        try:
            catalogue = load_catalogue(path)
        except CatalogueError as exc:
            raise CommandError(str(exc)) from None
        version = save_catalogue(catalogue, source=str(path))
        n = sum(len(g.initiatives) for k in catalogue.kkr for g in k.goals)
        self.stdout.write(
            f"Indlæste katalog version {version.version}: {len(catalogue.kkr)} KKR, "
            f"{n} indsatser under KKR-mål."
        )
