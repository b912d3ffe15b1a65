"""The web tests run on the database that ``settings_test`` chose: SQLite in memory, or the
PostgreSQL named by ``NAERSUND_TEST_DATABASE_URL`` (``scripts/ensure-postgres run``); and
that script itself."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.db import connection

from require import require_or_skip


@pytest.mark.django_db
def test_the_tests_run_on_the_database_they_were_given() -> None:
    want = "postgresql" if os.environ.get("NAERSUND_TEST_DATABASE_URL") else "sqlite"
    assert connection.vendor == want
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "ensure-postgres"


def _script(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NAERSUND_", "PG_"))}
    return subprocess.run(
        [str(SCRIPT), *args], env=clean | env, capture_output=True, text=True, timeout=120
    )


def test_without_postgresql_the_run_is_skipped_with_one_line_locally_and_fails_in_ci() -> None:
    local = _script("run", "false", PG_BIN="/findes/ikke")
    assert local.returncode == 0  # "false" was not run
    assert "PostgreSQL kan ikke startes lokalt" in local.stderr
    assert "web-testene på PostgreSQL springes over" in local.stderr
    ci = _script("run", "true", PG_BIN="/findes/ikke", NAERSUND_REQUIRE_POSTGRES="1")
    assert ci.returncode == 1
    assert "NAERSUND_REQUIRE_POSTGRES=1 kræver det" in ci.stderr


def test_a_run_gets_a_database_url_and_leaves_no_cluster_behind() -> None:
    if not Path("/usr/lib/postgresql/15/bin/initdb").exists():
        require_or_skip(
            "POSTGRES", "PostgreSQL 15 is not installed (scripts/ensure-postgres installs it)"
        )
    proc = _script("run", "sh", "-c", 'psql "$NAERSUND_TEST_DATABASE_URL" -tAc "SELECT 6*7"')
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "42"
    cluster = proc.stderr.split("midlertidig klynge i ")[1].split(")")[0]
    assert cluster.startswith(tempfile.gettempdir()) and not Path(cluster).exists()
