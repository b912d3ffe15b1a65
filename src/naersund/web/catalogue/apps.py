from __future__ import annotations

from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "naersund.web.catalogue"
    label = "catalogue"
    verbose_name = "Målkatalog"

    def ready(self) -> None:
        from naersund.web.catalogue import checks  # noqa: F401  (registers the checks)
