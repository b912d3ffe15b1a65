"""``naersund web`` and ``naersund serve``: thin commands over Django and waitress."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from naersund.cli import cli


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NAERSUND_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="naersund.web.settings",
        NAERSUND_DATA_DIR=str(tmp_path / "data"),
        **extra,
    )
    return env


def _naersund(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "naersund.cli", *args],
        env=_env(tmp_path, **env),
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )


@pytest.mark.parametrize("command", ["serve", "web"])
def test_the_web_commands_have_danish_help(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Django" in result.output or "waitress" in result.output


def test_web_migrates_loads_and_exports_the_catalogue(tmp_path: Path) -> None:
    assert _naersund(tmp_path, "web", "migrate", NAERSUND_DEMO="1").returncode == 0
    proc = _naersund(tmp_path, "web", "load_catalogue", NAERSUND_DEMO="1")
    assert proc.returncode == 0, proc.stderr
    assert "Indlæste katalog version 1.0: 5 KKR" in proc.stdout
    assert (tmp_path / "data" / "naersund.sqlite3").exists()
    proc = _naersund(tmp_path, "web", "export_catalogue", "ud.yaml", NAERSUND_DEMO="1")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "ud.yaml").read_text(encoding="utf-8").startswith("version: '1.0'")


def test_a_bad_catalogue_is_one_message_naming_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "k.yaml"
    bad.write_text("version: '1.0'\ntitle_da: x\nnational_goals: []\nkkr: 7\n", encoding="utf-8")
    proc = _naersund(tmp_path, "web", "load_catalogue", str(bad), NAERSUND_DEMO="1")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert f"{bad}, line 4, field 'kkr': Input should be a valid list" in proc.stderr


def test_a_missing_secret_key_is_one_clear_message(tmp_path: Path) -> None:
    proc = _naersund(tmp_path, "web", "check")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("Fejl: NAERSUND_SECRET_KEY mangler: sæt den til en lang")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_pages_and_static_files(tmp_path: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "naersund.cli", "serve", "--port", str(port)],
        env=_env(tmp_path, NAERSUND_DEMO="1"),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/log-ind/", timeout=20) as page:
                    html = page.read().decode()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        assert '<html lang="da">' in html
        with urllib.request.urlopen(f"{base}/static/dkfds/css/dkfds.min.css", timeout=20) as css:
            assert css.status == 200 and b".skipnav" in css.read()
    finally:
        server.terminate()
        server.wait(timeout=10)
