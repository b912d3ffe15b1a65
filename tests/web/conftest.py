"""The web tests' shared base: the shipped catalogue in the test database and one user per
persona (see ``web_personas``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dashboard_data import levels_results_for
from django.contrib.auth.models import User
from web_personas import PERSONAS, Personas, create_shared_rows

from naersund.analysis import PublishedResults
from naersund.web.dashboard import releases


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Once per test run (and worker): the shipped catalogue and one user per persona."""
    with django_db_blocker.unblock():
        create_shared_rows()
    yield


@pytest.fixture
def personas(db: None) -> Personas:
    return Personas(**{name: User.objects.get(username=name) for name in PERSONAS})


@pytest.fixture(scope="session")
def levels_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared registry's results on every shipped area level (computed once a run)."""
    return levels_results_for(synthetic_dir, tmp_path_factory.getbasetemp())


@pytest.fixture
def pub(levels_file: Path, db: None) -> PublishedResults:
    """:func:`levels_file` published as the current release, as the web layer reads it."""
    return releases.results_of(releases.publish(levels_file))
