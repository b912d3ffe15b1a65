"""The survey app's rows of the role × URL matrix (see ``test_web_access.MATRIX``)."""

from __future__ import annotations

from collections.abc import Callable

# (route pattern, URL or a function returning one, expected status per persona)
SURVEY_MATRIX: list[tuple[str, str | Callable[[], str], dict[str, int]]] = []
