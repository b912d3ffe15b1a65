from __future__ import annotations

from django.apps import AppConfig


class EconomyConfig(AppConfig):
    name = "naersund.web.economy"
    label = "economy"
    verbose_name = "Økonomi"
