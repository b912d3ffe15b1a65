"""Start-up problems as system checks, each with an id and a hint."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register


@register()
def check_data_dir(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3" or str(db["NAME"]) == ":memory:":
        return []
    return data_dir_problems(Path(settings.DATA_DIR))


def data_dir_problems(folder: Path) -> list[CheckMessage]:
    """The SQLite database lives in the data directory: it must be a writable folder (a
    missing one is made at start-up)."""
    if folder.exists() and not folder.is_dir():
        return [
            Error(
                f"The data directory {folder} is a file, not a folder.",
                hint="Set NAERSUND_DATA_DIR to a folder (it is made if missing).",
                id="naersund.E002",
            )
        ]
    if folder.exists() and not os.access(folder, os.W_OK):
        return [
            Error(
                f"The data directory {folder} is not writable, so SQLite cannot store anything.",
                hint="Set NAERSUND_DATA_DIR to a writable folder, or DATABASE_URL to PostgreSQL.",
                id="naersund.E001",
            )
        ]
    return []
