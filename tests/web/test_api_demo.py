"""``make demo``'s path (without serving): synth (LPR3) -> ingest -> compute -> web database with catalogue,
demo users, demo answers and published results; and the demo users only in demo mode."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from naersund.web.accounts.management.commands.create_demo_users import DEMO_PASSWORD
from naersund.web.accounts.models import Membership
from require import ONLY_ON_SQLITE

DEMO_USERNAMES = [
    "admin",
    "kkr-hovedstaden",
    "kkr-midtjylland",
    "kkr-nordjylland",
    "kkr-sjaelland",
    "kkr-syddanmark",
    "albertslund",
    "aalborg",
    "laeser",
]


@pytest.mark.django_db
def test_demo_users_are_refused_outside_demo_mode() -> None:
    with pytest.raises(CommandError, match="kun i demotilstand: sæt NAERSUND_DEMO=1"):
        call_command("create_demo_users")
    assert not User.objects.filter(username="kkr-nordjylland").exists()


@pytest.mark.django_db
@override_settings(DEMO=True)
def test_demo_users_get_one_role_each_and_the_public_password() -> None:
    User.objects.filter(username__in=DEMO_USERNAMES).delete()  # the personas' "admin"
    call_command("create_demo_users", stdout=io.StringIO())
    call_command("create_demo_users", stdout=io.StringIO())  # a second run changes nothing
    users = User.objects.filter(username__in=DEMO_USERNAMES)
    assert sorted(u.username for u in users) == sorted(DEMO_USERNAMES)
    roles = {
        m.user.username: (m.role, m.region_code, m.kommunekode)
        for m in Membership.objects.filter(user__in=users)
    }
    assert roles["admin"] == ("national_admin", None, None)
    assert roles["kkr-hovedstaden"] == ("kkr_secretary", 1084, None)
    assert roles["kkr-sjaelland"] == ("kkr_secretary", 1085, None)
    assert roles["albertslund"] == ("municipality_editor", None, 165)
    assert roles["aalborg"] == ("municipality_editor", None, 851)
    assert roles["laeser"] == ("reader", None, None)
    assert authenticate(username="aalborg", password=DEMO_PASSWORD) is not None


def _demo(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NAERSUND_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-m", "naersund.cli", "demo", "--out", "d", *args],
        env=clean | {"DJANGO_SETTINGS_MODULE": "naersund.web.settings"} | env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )


def test_demo_refuses_to_run_outside_demo_mode(tmp_path: Path) -> None:
    proc = _demo(tmp_path, "--no-serve")
    assert proc.returncode == 2
    assert "sæt NAERSUND_DEMO=1 (`make demo` gør det)" in proc.stderr
    assert not (tmp_path / "d").exists()


@pytest.mark.slow
@pytest.mark.skipif(
    bool(os.environ.get("NAERSUND_TEST_DATABASE_URL")),
    reason=ONLY_ON_SQLITE,
)
def test_demo_builds_the_web_database_without_serving(tmp_path: Path) -> None:
    proc = _demo(
        tmp_path, "--scale", "0.05", "--years", "2013-2014", "--no-serve", NAERSUND_DEMO="1"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"Adgangskode: {DEMO_PASSWORD}" in proc.stdout
    assert f"adgangskode: {DEMO_PASSWORD} (kun til demo: den er offentlig)" in proc.stdout
    assert "kører på http" not in proc.stdout
    db = sqlite3.connect(tmp_path / "d" / "naersund.sqlite3")
    users = {r[0] for r in db.execute("SELECT username FROM auth_user")}
    assert set(DEMO_USERNAMES) <= users  # (and whoever the demo answers name as author)
    assert db.execute("SELECT count(*) FROM catalogue_catalogueversion").fetchone() == (1,)
    rounds = {year for (year,) in db.execute("SELECT year FROM survey_round")}
    assert {2013, 2014} <= rounds  # the baseline and the follow-up (and perhaps an open one)
    responses = db.execute("SELECT count(DISTINCT kommunekode) FROM survey_response").fetchone()
    assert responses == (98,)
    releases = db.execute("SELECT is_current, synthetic, row_count FROM dashboard_release")
    [(current, synthetic, rows)] = releases.fetchall()
    assert current == 1 and synthetic == 1 and rows > 0
    # the data went the way of real data: an LPR3 extract through ingest (its note, its
    # record), so the release has its data quality per source and month; the extract is gone
    assert "rækker med anden KONTAKTTYPE end ALCA00" in proc.stdout
    assert '"format": "lpr3"' in (tmp_path / "d" / "registry" / "ingest.json").read_text()
    [(quality,)] = db.execute("SELECT rows FROM dashboard_releasequality").fetchall()
    assert {"LPR3"} == {r["source"] for r in json.loads(quality)}
    assert not list((tmp_path / "d").glob(".lpr3-udtraek-*"))
    money = db.execute('SELECT "table", synthetic, n_rows FROM economy_economyimport')
    assert sorted(money.fetchall()) == [("BUDK32", 1, 3430), ("REGK31", 1, 3430)]
    # every shipped area level (issue 14)
    levels = {level for (level,) in db.execute("SELECT DISTINCT level FROM dashboard_resultrow")}
    assert levels == {"kommune", "region", "region2027", "kkr", "sundhedsraad", "land"}
    practice = "SELECT count(*), sum(is_demo), sum(status = 'offentliggjort') FROM practice_entry"
    assert db.execute(practice).fetchone() == (5, 5, 4)
