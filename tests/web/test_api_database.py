"""The web tests run on the database that ``settings_test`` chose: SQLite in memory, or the
PostgreSQL named by ``NAERSUND_TEST_DATABASE_URL`` (``scripts/ensure-postgres run``)."""

from __future__ import annotations

import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_tests_run_on_the_database_they_were_given() -> None:
    want = "postgresql" if os.environ.get("NAERSUND_TEST_DATABASE_URL") else "sqlite"
    assert connection.vendor == want
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
