"""Demo mode (issue 17): the demo users' password is public, so outside demo mode they do not
log in at all (password, session or API token), a server refuses to start while they exist, and
the secret key must be long and secret."""

from __future__ import annotations

import importlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.checks import run_checks
from django.core.management import call_command
from django.test import Client, override_settings
from matrix_api import api_round
from web_personas import Personas

from naersund.web.accounts.management.commands.create_demo_users import (
    DEMO_PASSWORD,
    DEMO_USERS,
)
from naersund.web.accounts.models import Membership
from require import ONLY_ON_SQLITE

SECRET = "a-production-secret-key-that-is-long-enough-0123456789-abcdefgh"
NOT_LOGGED_IN = "Du er ikke logget ind."


@pytest.fixture
def demo_users(personas: Personas) -> list[str]:
    """The demo users, made in demo mode as `make demo` makes them (the personas' "admin"
    gives way to the demo's)."""
    User.objects.filter(username__in=DEMO_USERS).delete()
    with override_settings(DEMO=True):
        call_command("create_demo_users", stdout=io.StringIO())
    return list(DEMO_USERS)


def _log_in(client: Client, username: str, password: str) -> str:
    response = client.post("/log-ind/", {"username": username, "password": password})
    return response.content.decode() if response.status_code == 200 else ""


@pytest.mark.django_db
def test_demo_users_are_marked_as_demo_users(demo_users: list[str]) -> None:
    marked = Membership.objects.filter(is_demo=True).values_list("user__username", flat=True)
    assert sorted(marked) == sorted(demo_users)
    assert not Membership.objects.filter(user__username="reader", is_demo=True).exists()


@pytest.mark.django_db
@override_settings(DEMO=False)
@pytest.mark.parametrize("username", ["admin", "albertslund", "laeser"])
def test_a_demo_user_cannot_log_in_outside_demo_mode(demo_users: list[str], username: str) -> None:
    assert authenticate(username=username, password=DEMO_PASSWORD) is None
    client = Client()
    page = _log_in(client, username, DEMO_PASSWORD)
    assert "Brugernavn og adgangskode passer ikke sammen" in page
    assert "_auth_user_id" not in client.session
    answers = client.get(f"/api/rounds/{api_round()}/answers/")
    assert answers.status_code == 401
    assert NOT_LOGGED_IN in answers.json()["fejl"] and "answers" not in answers.json()
    admin = client.get("/admin/auth/user/")
    assert admin.status_code == 302 and b"Demo" not in admin.content


@pytest.mark.django_db
@override_settings(DEMO=True)
def test_a_demo_user_logs_in_in_demo_mode(demo_users: list[str]) -> None:
    client = Client()
    _log_in(client, "albertslund", DEMO_PASSWORD)
    assert client.session["_auth_user_id"] == str(User.objects.get(username="albertslund").pk)


@pytest.mark.django_db
def test_a_demo_session_ends_when_the_server_leaves_demo_mode(demo_users: list[str]) -> None:
    client = Client()
    with override_settings(DEMO=True):
        _log_in(client, "admin", DEMO_PASSWORD)
        users = client.get("/admin/auth/user/")
        assert users.status_code == 200 and b"laeser" in users.content
    with override_settings(DEMO=False):
        users = client.get("/admin/auth/user/")
        assert users.status_code == 302 and b"laeser" not in users.content
        answers = client.get(f"/api/rounds/{api_round()}/answers/")
        assert answers.status_code in (401, 403) and "answers" not in answers.json()


@pytest.mark.django_db
def test_a_demo_users_api_token_works_only_in_demo_mode(demo_users: list[str]) -> None:
    out = io.StringIO()
    call_command("create_api_token", "admin", stdout=out)
    headers = {"Authorization": f"Token {out.getvalue().strip()}"}
    url = f"/api/rounds/{api_round()}/answers/"
    with override_settings(DEMO=True):
        assert Client().get(url, headers=headers).status_code == 200
    with override_settings(DEMO=False):
        refused = Client().get(url, headers=headers)
        assert refused.status_code == 401
        body = json.loads(refused.content)
        assert body["kode"] == "forkert_token" and "answers" not in body


@pytest.mark.django_db
@override_settings(DEMO=False)
def test_other_users_still_log_in_outside_demo_mode(demo_users: list[str]) -> None:
    client = Client()
    _log_in(client, "reader", "adgangskode-til-test")
    assert client.session["_auth_user_id"] == str(User.objects.get(username="reader").pk)


@pytest.mark.django_db
def test_the_demo_users_check_refuses_outside_demo_mode_only(demo_users: list[str]) -> None:
    with override_settings(DEMO=False):
        [problem] = [m for m in run_checks(databases=["default"]) if m.is_serious()]
    assert problem.id == "naersund.E010"
    assert problem.msg.startswith(
        "Databasen har demobrugere med den offentlige adgangskode (aalborg, admin, albertslund, "
    )
    assert problem.msg.endswith("), og serveren kører ikke i demotilstand.")
    assert "naersund web remove_demo_users" in problem.hint
    with override_settings(DEMO=True):
        assert not [m for m in run_checks(databases=["default"]) if m.is_serious()]


@pytest.mark.django_db
def test_remove_demo_users_deletes_only_the_demo_users(demo_users: list[str]) -> None:
    out = io.StringIO()
    call_command("remove_demo_users", stdout=out)
    assert out.getvalue().startswith(f"Slettede {len(DEMO_USERS)} demobrugere: aalborg, admin,")
    assert not User.objects.filter(username__in=DEMO_USERS).exists()
    assert User.objects.filter(username="reader").exists()
    with override_settings(DEMO=False):
        assert not [m for m in run_checks(databases=["default"]) if m.is_serious()]


@pytest.mark.django_db
def test_the_migration_marks_the_demo_users_of_an_older_demo_database(
    demo_users: list[str],
) -> None:
    Membership.objects.update(is_demo=False)  # as before the migration
    renamed = User.objects.get(username="laeser")  # renamed, but still the public password
    renamed.first_name = "Lise"
    renamed.save()
    real = User.objects.get(username="aalborg")  # a real person who took over the username
    real.first_name, real.password = "Anna", "md5$x$y"
    real.save()
    migration = importlib.import_module("naersund.web.accounts.migrations.0002_demo_flag")
    migration.mark_existing_demo_users(apps, None)
    marked = set(Membership.objects.filter(is_demo=True).values_list("user__username", flat=True))
    # the demo users an older demo database can hold (the migration's list: 'sundhedsraad'
    # came after it, with its flag set from the start)
    assert marked == set(demo_users) - {"aalborg", "sundhedsraad"}


# --- start-up: subprocesses with the environment a server has --------------------------------


def _naersund(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NAERSUND_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-m", "naersund.cli", *args],
        env=clean
        | {"DJANGO_SETTINGS_MODULE": "naersund.web.settings", "NAERSUND_DATA_DIR": str(cwd)}
        | env,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


@pytest.mark.skipif(
    bool(os.environ.get("NAERSUND_TEST_DATABASE_URL")),
    reason=ONLY_ON_SQLITE,
)
def test_the_server_refuses_to_start_outside_demo_mode_while_demo_users_exist(
    tmp_path: Path,
) -> None:
    assert _naersund(tmp_path, "web", "migrate", NAERSUND_DEMO="1").returncode == 0
    made = _naersund(tmp_path, "web", "create_demo_users", NAERSUND_DEMO="1")
    assert made.returncode == 0, made.stderr
    try:
        proc = _naersund(tmp_path, "serve", "--port", "1", NAERSUND_SECRET_KEY=SECRET)
    except subprocess.TimeoutExpired:
        pytest.fail("the server started with demo users outside demo mode")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "Serveren starter ikke:" in proc.stderr
    assert "(naersund.E010) Databasen har demobrugere med den offentlige adgangskode" in (
        proc.stderr
    )
    removed = _naersund(tmp_path, "web", "remove_demo_users", NAERSUND_SECRET_KEY=SECRET)
    assert removed.returncode == 0, removed.stderr
    assert "Slettede 10 demobrugere" in removed.stdout  # 'sundhedsraad' is the tenth


def _settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NAERSUND_", "DATABASE_"))}
    clean["DJANGO_SETTINGS_MODULE"] = "naersund.web.settings"
    code = "from django.conf import settings as s; print(len(s.SECRET_KEY))"
    return subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True
    )


def test_a_secret_key_shorter_than_50_characters_is_refused_in_danish() -> None:
    proc = _settings(NAERSUND_SECRET_KEY="x1y2z3" * 8)  # 48 characters
    assert proc.returncode != 0
    assert (
        "NAERSUND_SECRET_KEY er for kort eller for ensformig (48 tegn): den skal være en "
        "tilfældig tekst på mindst 50 tegn"
    ) in proc.stderr
    assert _settings(NAERSUND_SECRET_KEY="x" * 60).returncode != 0  # long but one character
    assert _settings(NAERSUND_SECRET_KEY=SECRET).stdout.strip() == str(len(SECRET))


def test_a_missing_secret_key_is_refused_in_danish_outside_demo_mode() -> None:
    proc = _settings()
    assert proc.returncode != 0
    assert (
        "NAERSUND_SECRET_KEY mangler: sæt den til en lang, tilfældig tekst på mindst 50 tegn"
        in (proc.stderr)
    )
    assert _settings(NAERSUND_DEMO="1").returncode == 0


def test_the_demo_key_is_refused_outside_demo_mode() -> None:
    demo_key = "naersund-demo-only-not-secret-" + "x" * 40
    proc = _settings(NAERSUND_SECRET_KEY=demo_key)
    assert proc.returncode != 0
    assert "NAERSUND_SECRET_KEY er demoens offentlige nøgle" in proc.stderr
