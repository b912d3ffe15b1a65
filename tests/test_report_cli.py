"""``naersund report`` as README writes it: it finds the app's database the way the web does
(``NAERSUND_DATA_DIR``; in demo mode ``data/demo``, where ``make demo`` puts it), says in
Danish what is wrong when there is none, and writes files the group can read."""

from __future__ import annotations

import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfReader


@cache
def _results(synthetic_dir: Path, out: Path) -> Path:
    from naersund.engine.compute import compute
    from naersund.engine.outputs import write_results

    return write_results(compute(synthetic_dir), out / "results.csv")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NAERSUND_", "DATABASE_"))}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(extra)
    return env


def _naersund(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "naersund.cli", *args],
        env=_env(**env),
        capture_output=True,
        text=True,
        cwd=cwd,
        preexec_fn=lambda: os.umask(0o022),
    )


@pytest.mark.slow
def test_readmes_report_commands_work_as_written_after_the_demo(
    synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    results = _results(synthetic_dir, tmp_path_factory.mktemp("cli-report"))
    demo = {"NAERSUND_DEMO": "1"}  # as `make demo` leaves the shell: no NAERSUND_DATA_DIR
    for args in (("web", "migrate"), ("web", "load_catalogue"), ("publish", str(results))):
        proc = _naersund(tmp_path, *args, **demo)
        assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "data" / "demo" / "naersund.sqlite3").exists()
    proc = _naersund(
        tmp_path,
        *("report", "--level", "politisk", "--kommune", "165", "--year", "2014"),
        *("--out", "albertslund.pdf"),
        **demo,
    )
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "albertslund.pdf"
    assert "Albertslund Kommune" in PdfReader(out).pages[0].extract_text()
    assert out.stat().st_mode & 0o777 == 0o644  # readable by the group, not 0600
    proc = _naersund(
        tmp_path,
        *("report", "--level", "direktoer", "--kkr", "1084", "--alle-kommuner"),
        *("--year", "2014", "--out", "hovedstaden.pdf"),
        **demo,
    )
    assert proc.returncode == 0, proc.stderr
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "hovedstaden.pdf").pages)
    assert "Københavns Kommune" in text and "Bornholms Regionskommune" in text
    # a year the release does not have: one Danish line
    proc = _naersund(
        tmp_path,
        *("report", "--level", "politisk", "--kommune", "165", "--year", "1999"),
        *("--out", "x.pdf"),
        **demo,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "Fejl: året 1999 findes ikke i udgivelsen (år: 2013-2014)" in proc.stderr
    # a folder that is a file: one Danish line, nothing written
    proc = _naersund(
        tmp_path,
        *("report", "--level", "politisk", "--kommune", "165", "--year", "2014"),
        *("--out", "albertslund.pdf/ny.pdf"),
        **demo,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == (
        "Fejl: albertslund.pdf/ny.pdf: rapporten kan ikke skrives (en del af stien er en fil, "
        "ikke en mappe)"
    )


def test_without_a_database_the_report_command_says_where_it_looked(tmp_path: Path) -> None:
    proc = _naersund(
        tmp_path,
        *("report", "--level", "politisk", "--kommune", "165", "--year", "2014"),
        *("--out", "a.pdf"),
        NAERSUND_SECRET_KEY="test-only-secret-key-long-enough-for-the-50-character-rule",
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    db = tmp_path / "data" / "naersund.sqlite3"
    assert proc.stderr.startswith(f"Fejl: Der er ingen database i {db}.")
    assert "NAERSUND_DEMO=1" in proc.stderr and "NAERSUND_DATA_DIR" in proc.stderr
    assert not db.exists()  # no empty database made on the way
    assert not (tmp_path / "a.pdf").exists()


def test_a_results_file_that_is_not_there_is_a_danish_message(tmp_path: Path) -> None:
    proc = _naersund(
        tmp_path,
        *("report", "--level", "politisk", "--kommune", "165", "--year", "2014"),
        *("--out", "a.pdf", "--results", "mangler.csv"),
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "Fejl: mangler.csv: resultatfilen findes ikke" in proc.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--level", "x"], "Fejl: Ugyldig værdi for '--level': 'x' er ikke en af 'politisk', "),
        (["--level", "politisk", "--kommune", "abc"], "'abc' er ikke et helt tal."),
        (["--level", "politisk", "--year", "2014"], "Fejl: Tilvalget '--out' mangler."),
        (["--nej"], "Fejl: Ukendt tilvalg '--nej'."),
    ],
)
def test_usage_errors_are_danish(tmp_path: Path, args: list[str], message: str) -> None:
    proc = _naersund(tmp_path, "report", *args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Error" not in proc.stderr and "Usage" not in proc.stderr and "Try " not in proc.stderr
    assert "report [TILVALG]" in proc.stderr and "for hjælp." in proc.stderr
