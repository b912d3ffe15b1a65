"""Settings for the test suite: fast password hashing, no env needed.

The web tests run on SQLite in memory, or on PostgreSQL when ``NAERSUND_TEST_DATABASE_URL``
names a server (``scripts/ensure-postgres run ...`` starts a throwaway one and sets it; the
test database is created and dropped there by the test run). ``DATABASE_URL`` is ignored, so
that the tests never touch a real database.
"""

from __future__ import annotations

import os

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
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
