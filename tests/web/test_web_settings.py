"""Settings from the environment: typed readers that fail loudly, saying what was expected."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from naersund.web.env import database_from_url, env_bool

SECRET = "a-test-secret-key-that-is-long-enough-0123456789-abcdefghij"


def test_a_postgresql_url_becomes_django_database_settings() -> None:
    db = database_from_url("postgresql://naersund:hemm%40lig@db.example.dk:5433/naersund")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "naersund",
        "naersund",
        "hemm@lig",
        "db.example.dk",
        "5433",
    )
    assert database_from_url("postgres://u@localhost/x")["PORT"] == ""


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("mysql://u:p@h/db", "(got mysql://...)"),
        ("localhost/db", "(got no scheme://...)"),
        ("postgresql://u:p@h:port/db", "(the port is not a number)"),
        ("postgresql://u:p@h:5432/", "(the database name is missing)"),
    ],
)
def test_a_bad_database_url_says_what_was_expected(url: str, why: str) -> None:
    with pytest.raises(ImproperlyConfigured) as exc:
        database_from_url(url)
    assert str(exc.value) == (
        f"DATABASE_URL must look like postgresql://user:password@host:5432/dbname {why}"
    )
    assert ":p@" not in str(exc.value)  # never echo a password


def test_a_flag_must_be_one_or_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NAERSUND_DEBUG", "1")
    assert env_bool("NAERSUND_DEBUG") is True
    monkeypatch.setenv("NAERSUND_DEBUG", "0")
    assert env_bool("NAERSUND_DEBUG", True) is False
    monkeypatch.delenv("NAERSUND_DEBUG")
    assert env_bool("NAERSUND_DEBUG") is False
    monkeypatch.setenv("NAERSUND_DEBUG", "måske")
    with pytest.raises(
        ImproperlyConfigured, match=r"^NAERSUND_DEBUG must be 1 or 0 \(got 'måske'\)$"
    ):
        env_bool("NAERSUND_DEBUG")


def _settings_in_subprocess(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NAERSUND_", "DATABASE_"))}
    clean["DJANGO_SETTINGS_MODULE"] = "naersund.web.settings"
    code = (
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(s.DEBUG, s.LANGUAGE_CODE, s.TIME_ZONE, d['ENGINE'].rsplit('.', 1)[1], d['NAME'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True
    )


def test_defaults_are_sqlite_in_the_data_folder_danish_and_no_debug(tmp_path: object) -> None:
    proc = _settings_in_subprocess(NAERSUND_SECRET_KEY=SECRET, NAERSUND_DATA_DIR=str(tmp_path))
    assert proc.stdout.split() == [
        "False",
        "da",
        "Europe/Copenhagen",
        "sqlite3",
        f"{tmp_path}/naersund.sqlite3",
    ]


def test_database_url_selects_postgresql() -> None:
    proc = _settings_in_subprocess(
        NAERSUND_SECRET_KEY=SECRET, NAERSUND_DEBUG="1", DATABASE_URL="postgresql://u:p@h/naersund"
    )
    assert proc.stdout.split() == ["True", "da", "Europe/Copenhagen", "postgresql", "naersund"]


def _proxy_settings(**env: str) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NAERSUND_", "DATABASE_"))}
    clean["DJANGO_SETTINGS_MODULE"] = "naersund.web.settings"
    code = (
        "from django.conf import settings as s; "
        "print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None) is not None, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.LOGGING['loggers']['django.request']['handlers'])"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "NAERSUND_SECRET_KEY": SECRET, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout.strip().split(maxsplit=3)


def test_behind_an_https_proxy_it_trusts_the_proxy_and_insists_on_https() -> None:
    assert _proxy_settings()[:3] == ["False", "False", "0"]
    assert _proxy_settings(NAERSUND_BEHIND_HTTPS_PROXY="1")[:3] == ["True", "True", "31536000"]


def test_server_errors_are_logged_to_standard_error_even_without_debug() -> None:
    assert _proxy_settings()[3] == "['stderr']"


def _public_results(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NAERSUND_", "DATABASE_"))}
    clean["DJANGO_SETTINGS_MODULE"] = "naersund.web.settings"
    code = "from django.conf import settings as s; print(s.PUBLIC_RESULTS)"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "NAERSUND_SECRET_KEY": SECRET, **env},
        capture_output=True,
        text=True,
    )


def test_the_results_are_public_only_when_the_deployment_says_so() -> None:
    assert _public_results().stdout.strip() == "False"
    assert _public_results(NAERSUND_PUBLIC_RESULTS="1").stdout.strip() == "True"
    bad = _public_results(NAERSUND_PUBLIC_RESULTS="alle")
    assert bad.returncode != 0
    assert "NAERSUND_PUBLIC_RESULTS must be 1 or 0 (got 'alle')" in bad.stderr
