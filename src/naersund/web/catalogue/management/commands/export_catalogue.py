"""``export_catalogue [PATH]``: the current catalogue version as YAML (stdout without PATH)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from naersund.atomic import atomic_path
from naersund.catalogue import dump_catalogue
from naersund.errors import CatalogueError
from naersund.web.catalogue.store import catalogue_from_db, current_version


class Command(BaseCommand):
    help = "Skriv det gældende målkatalog fra databasen som YAML (til fil eller skærm)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path, help="Fil at skrive (YAML).")

    def handle(self, *args: Any, **options: Any) -> None:
        version = current_version()
        if version is None:
            raise CommandError("Intet katalog i databasen: kør først load_catalogue.")
        try:
            text = dump_catalogue(catalogue_from_db(version))
        except CatalogueError as exc:
            raise CommandError(str(exc)) from None
        path: Path | None = options["path"]
        if path is None:
            self.stdout.write(text, ending="")
        else:
            with atomic_path(path) as tmp:
                tmp.write_text(text, encoding="utf-8")
            self.stdout.write(f"Skrev katalog version {version.version} til {path}.")
