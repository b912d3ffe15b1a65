"""Settings for the test suite: fast password hashing, no env needed.

The web tests run on an SQLite file in the temporary directory, or on PostgreSQL when
``NAERSUND_TEST_DATABASE_URL`` names a server (``scripts/ensure-postgres run ...`` starts a
throwaway one and sets it; the test database is created and dropped there by the test run).
``DATABASE_URL`` is ignored, so that the tests never touch a real database.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault(
    "NAERSUND_SECRET_KEY", "test-only-secret-key-long-enough-for-the-50-character-rule"
)
os.environ.pop("DATABASE_URL", None)

from naersund.web.env import database_from_url
from naersund.web.settings import *  # noqa: F403

_test_database_url = os.environ.get("NAERSUND_TEST_DATABASE_URL")
if _test_database_url:
    DATABASES = {
        "default": database_from_url(_test_database_url, name="NAERSUND_TEST_DATABASE_URL")
        | {"CONN_MAX_AGE": 0}
    }
else:
    # A file, not ":memory:": Django's in-memory test database is shared between threads with
    # table locks that refuse a second writer at once, so the concurrent saves of
    # test_survey_concurrency.py could not queue as they do on a real SQLite file. The file is
    # per process (pytest-xdist adds the worker to the name), made and deleted by the test run;
    # synchronous=OFF because nothing in a test database needs to survive a power cut.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ":memory:",
            "OPTIONS": SQLITE_OPTIONS | {"init_command": "PRAGMA synchronous=OFF"},  # noqa: F405
            "TEST": {
                "NAME": str(Path(tempfile.gettempdir()) / f"naersund-test-{os.getpid()}.sqlite3")
            },
        }
    }
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# report packs ordered in a test never land in the repository's data/ folder
NAERSUND_REPORTS_DIR = Path(tempfile.gettempdir()) / f"naersund-test-rapporter-{os.getpid()}"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
