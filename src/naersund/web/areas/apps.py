from __future__ import annotations

from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "naersund.web.areas"
    label = "areas"
    verbose_name = "Områder og grupper"
