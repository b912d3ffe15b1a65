"""The Django project as a whole: migrations match the models, start-up checks."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from naersund.web.catalogue.checks import check_data_dir, data_dir_problems


@pytest.mark.django_db
def test_the_migrations_match_the_models() -> None:
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_a_data_directory_that_is_a_file_is_a_startup_error(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("", encoding="utf-8")
    problems = data_dir_problems(not_a_folder)
    assert [(p.id, p.msg) for p in problems] == [
        ("naersund.E002", f"The data directory {not_a_folder} is a file, not a folder.")
    ]


def test_a_missing_or_usable_data_directory_is_fine(tmp_path: Path) -> None:
    for folder in (tmp_path, tmp_path / "not-yet"):
        assert data_dir_problems(folder) == []
    assert check_data_dir(None) == []  # the tests' SQLite is in memory: nothing to check
