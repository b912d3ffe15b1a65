from __future__ import annotations

import os

from django.apps import AppConfig


class ReportJobsConfig(AppConfig):
    name = "naersund.web.reportjobs"
    label = "reportjobs"
    verbose_name = "Rapportjob"

    def ready(self) -> None:
        # ``naersund serve --dev`` (runserver) asks for the worker through the environment; the
        # reloader's parent process (RUN_MAIN unset) must not start a second one.
        if os.environ.get("NAERSUND_REPORT_WORKER") == "1" and os.environ.get("RUN_MAIN") == "true":
            from naersund.web.reportjobs.worker import start_worker

            start_worker()
