from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from naersund.web.reportjobs import services
from naersund.web.reportjobs.worker import POLL_SECONDS, ReportWorker


class Command(BaseCommand):
    help = (
        "Lav de rapporter, der er bestilt på /rapporter/ (rapportarbejderen). `naersund serve` "
        "starter den selv; brug kommandoen, når webapplikationen køres på anden vis."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Lav de ventende rapporter, og stop så."
        )

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        if once:
            services.ensure_reports_dir()
            n = services.run_pending()
            self.stdout.write(f"Rapporter lavet: {n}")
            return
        worker = ReportWorker(POLL_SECONDS)
        worker.start()
        self.stdout.write("Rapportarbejderen kører (stop med Ctrl+C).")
        try:
            while worker.is_alive():
                worker.join(1.0)
        except KeyboardInterrupt:
            worker.stop(10.0)
