from __future__ import annotations

from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "naersund.web.dashboard"
    label = "dashboard"
    verbose_name = "Ledelsesinformation"
