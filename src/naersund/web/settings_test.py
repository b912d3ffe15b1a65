"""Settings for the test suite: SQLite only, fast password hashing, no env needed."""

from __future__ import annotations

import os

os.environ.setdefault("NAERSUND_SECRET_KEY", "test-only-secret-key")
os.environ.pop("DATABASE_URL", None)  # PostgreSQL in the tests is the next slice

from naersund.web.settings import *  # noqa: F403

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
