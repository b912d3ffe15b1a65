from __future__ import annotations

from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "naersund.web.practice"
    label = "practice"
    verbose_name = "God praksis"
