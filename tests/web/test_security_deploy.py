"""The production checklist (SECURITY.md): Django's deployment check passes with no warning
under production settings, and the settings it checks are the ones SECURITY.md names."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from require import ONLY_ON_SQLITE

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "NAERSUND_SECRET_KEY": "Zq3-production-like-secret-key-for-the-check-0123456789abcdefXYZ",
    "NAERSUND_BEHIND_HTTPS_PROXY": "1",
    "NAERSUND_ALLOWED_HOSTS": "naersund.example.dk",
    "NAERSUND_CSRF_TRUSTED_ORIGINS": "https://naersund.example.dk",
}


def _naersund(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NAERSUND_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-m", "naersund.cli", *args],
        env=clean
        | {"DJANGO_SETTINGS_MODULE": "naersund.web.settings", "NAERSUND_DATA_DIR": str(tmp_path)}
        | env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )


@pytest.mark.skipif(
    bool(os.environ.get("NAERSUND_TEST_DATABASE_URL")),
    reason=ONLY_ON_SQLITE,
)
def test_the_deployment_check_passes_without_a_warning_in_production(tmp_path: Path) -> None:
    assert _naersund(tmp_path, "web", "migrate", **PRODUCTION).returncode == 0
    proc = _naersund(
        tmp_path,
        "web",
        "check",
        "--deploy",
        "--database",
        "default",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "System check identified no issues (1 silenced)."


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"NAERSUND_DEBUG": "1"}, "security.W018"),
        ({"NAERSUND_BEHIND_HTTPS_PROXY": "0"}, "security.W008"),
        ({"NAERSUND_SECURE_COOKIES": "0"}, "security.W012"),
    ],
)
def test_the_deployment_check_names_what_is_not_production_ready(
    tmp_path: Path, env: dict[str, str], problem: str
) -> None:
    proc = _naersund(
        tmp_path, "web", "check", "--deploy", "--fail-level", "WARNING", **(PRODUCTION | env)
    )
    assert proc.returncode != 0
    assert problem in proc.stdout + proc.stderr


def test_security_md_has_the_production_checklist_and_each_topic() -> None:
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    for heading in [
        "## Roller og adgang",
        "## Demo-tilstand",
        "## Login",
        "## Uploads og input",
        "## Udgivelse og diskretionering",
        "## HTTP-headere",
        "## Rapportér et problem",
        "## Produktionstjekliste",
    ]:
        assert f"\n{heading}\n" in text, heading
    checklist = text.split("## Produktionstjekliste", 1)[1]
    for setting in [*PRODUCTION, "DATABASE_URL", "check --deploy", "remove_demo_users"]:
        assert setting in checklist, setting
