"""Entry points the CLI calls: Django's management commands and the web server."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from django.core.checks import CheckMessage
from django.core.exceptions import ImproperlyConfigured

from naersund.errors import NaersundError

SETTINGS = "naersund.web.settings"


class WebConfigError(NaersundError):
    """A setting of the web application that is missing or malformed."""


def setup() -> None:
    """Configure Django from the environment; a bad setting becomes one clear message."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django
    from django.conf import settings

    try:
        settings.DATABASES  # noqa: B018  (reads the settings module: fails here if it is bad)
    except ImproperlyConfigured as exc:
        raise WebConfigError(str(exc)) from None
    # The SQLite file's folder must exist before the first connection, and whitenoise warns
    # about a missing static folder.
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    django.setup()


def require_database() -> None:
    """Before a command reads the app database: a missing SQLite file or an empty database
    is one Danish message saying where it looked and what to do (without this, SQLite would
    make an empty file and the command would fail on a missing table)."""
    from django.conf import settings
    from django.db import DatabaseError, connection

    db = settings.DATABASES["default"]
    if str(db["ENGINE"]).endswith("sqlite3") and not Path(str(db["NAME"])).exists():
        raise WebConfigError(
            f"Der er ingen database i {db['NAME']}. Sæt NAERSUND_DATA_DIR til mappen med "
            "naersund.sqlite3 (efter `make demo`: NAERSUND_DEMO=1, så bruges data/demo, eller "
            "NAERSUND_DATA_DIR=data/demo), eller DATABASE_URL; en ny database laves med "
            "`naersund web migrate` og `naersund publish RESULTATFIL`."
        )
    try:
        tables = connection.introspection.table_names()
    except DatabaseError as exc:
        raise WebConfigError(f"Databasen kan ikke læses: {exc}") from None
    if "dashboard_release" not in tables:
        raise WebConfigError(
            f"Databasen ({db['NAME']}) er ikke sat op: kør `naersund web migrate` og "
            "`naersund publish RESULTATFIL` først."
        )


def refuse_unsafe_start() -> None:
    """Django's system checks, the database's included (demo users outside demo mode, a data
    directory that cannot be written): a serious problem stops the server with its message,
    check id and hint. Django's ``runserver`` checks too, but without the database."""
    from django.core.checks import run_checks

    problems = [m for m in run_checks(databases=["default"]) if m.is_serious()]
    if problems:
        raise WebConfigError("Serveren starter ikke:\n" + "\n".join(_describe(m) for m in problems))


def _describe(message: CheckMessage) -> str:
    hint = f"\n  Råd: {message.hint}" if message.hint else ""
    return f"- ({message.id}) {message.msg}{hint}"


def run_management(args: list[str]) -> None:
    """``manage.py <args>`` for naersund's Django project."""
    from django.core.management import execute_from_command_line

    setup()
    execute_from_command_line(["naersund web", *args])


def serve(host: str, port: int, dev: bool = False, announce: Callable[[str], None] = print) -> None:
    """Serve the site: waitress (static files by whitenoise) or, with ``dev``, runserver."""
    if dev:
        os.environ.setdefault("NAERSUND_DEBUG", "1")
        os.environ.setdefault("NAERSUND_DEMO", "1")
        os.environ["NAERSUND_REPORT_WORKER"] = "1"  # started by the reportjobs app (reloader)
        run_management(["runserver", f"{host}:{port}"])
        return
    setup()
    from django.conf import settings
    from waitress import serve as waitress_serve

    from naersund.web.reportjobs.worker import start_worker
    from naersund.web.wsgi import application  # refuses an unsafe start (refuse_unsafe_start)

    start_worker()  # the one worker that makes the report packs ordered on /rapporter/

    announce(f"Nærsund kører på http://{host}:{port}/ (stop med Ctrl+C)")
    waitress_serve(
        application,
        host=host,
        port=port,
        max_request_body_size=max(
            4 * settings.NAERSUND_MAX_UPLOAD_BYTES, settings.FILE_UPLOAD_MAX_MEMORY_SIZE
        ),
    )
