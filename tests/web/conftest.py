"""The web tests' shared base: the shipped catalogue in the test database and one user per
persona (see ``web_personas``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from web_personas import PERSONAS, Personas, create_shared_rows


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Once per test run (and worker): the shipped catalogue and one user per persona."""
    with django_db_blocker.unblock():
        create_shared_rows()
    yield


@pytest.fixture
def personas(db: None) -> Personas:
    return Personas(**{name: User.objects.get(username=name) for name in PERSONAS})
