"""Start-up problems as system checks, each with an id and a hint."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register


@register()
def check_data_dir(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3" or str(db["NAME"]) == ":memory:":
        return []
    folder = settings.DATA_DIR
    if folder.exists() and not os.access(folder, os.W_OK):
        return [
            Error(
                f"The data directory {folder} is not writable, so SQLite cannot store anything.",
                hint="Set NAERSUND_DATA_DIR to a writable folder, or DATABASE_URL to PostgreSQL.",
                id="naersund.E001",
            )
        ]
    return []
