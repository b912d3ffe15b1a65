from __future__ import annotations

from django.apps import AppConfig


class SurveyConfig(AppConfig):
    name = "naersund.web.survey"
    label = "survey"
    verbose_name = "Statusrunder"
