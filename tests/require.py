"""Skips that cannot go unnoticed.

Some tests need what a developer's machine may lack: the published reference data next to the
repository (``../shared/reference-tests/``), Debian's chromium and Playwright, PostgreSQL, Java
and PySpark. Locally they skip with the reason; with ``NAERSUND_REQUIRE_<NAME>=1`` (``.ci/run``
sets all of them) the same test fails instead::

    require_or_skip("SPARK", "Spark needs Java 17 or 21, and none is installed")

On top of that, with ``NAERSUND_REQUIRE_NO_SKIPS=1`` (``.ci/run``) or ``CI=true``, the
:class:`SkipGuard` plugin (installed by ``tests/conftest.py``) makes the run fail when any test
was skipped for a reason that is not expected in this pass: only the PostgreSQL-only tests in
the SQLite pass and the SQLite-only tests in the PostgreSQL pass may skip.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from typing import Any, NoReturn

import pytest

#: What a test may require; each is switched on by ``NAERSUND_REQUIRE_<NAME>=1``.
REQUIREMENTS = ("REFERENCE_DATA", "BROWSER", "POSTGRES", "SPARK")

#: Skip reasons of tests that belong to the other database pass of ``make test``. Tests use
#: these constants as their reasons, so the allow-list cannot drift from them.
ONLY_ON_POSTGRESQL = (
    "needs PostgreSQL (row locks, Danish text search); it runs in the PostgreSQL pass"
)
ONLY_ON_SQLITE = "makes its own SQLite database; it runs in the SQLite pass"


def database_pass() -> str:
    """``postgresql`` in the PostgreSQL pass (``scripts/ensure-postgres run``), else ``sqlite``."""
    return "postgresql" if os.environ.get("NAERSUND_TEST_DATABASE_URL") else "sqlite"


def expected_skips(database: str) -> frozenset[str]:
    """The skip reasons allowed in the pass on ``database`` (``sqlite`` or ``postgresql``)."""
    return frozenset({ONLY_ON_POSTGRESQL} if database == "sqlite" else {ONLY_ON_SQLITE})


def required(name: str) -> bool:
    if name not in REQUIREMENTS:
        raise ValueError(f"unknown requirement {name!r}; expected one of {REQUIREMENTS}")
    return os.environ.get(f"NAERSUND_REQUIRE_{name}") == "1"


def require_or_skip(name: str, reason: str) -> NoReturn:
    """Skip the test with ``reason``, or fail it when ``NAERSUND_REQUIRE_<name>=1``."""
    if required(name):
        pytest.fail(f"{reason} (NAERSUND_REQUIRE_{name}=1: this test must run)", pytrace=False)
    pytest.skip(reason)


def skip_reason(report: pytest.TestReport) -> str:
    """The reason a skipped report gives (``pytest.skip``, ``skipif`` and ``importorskip``)."""
    longrepr: Any = report.longrepr
    text = str(longrepr[2]) if isinstance(longrepr, tuple) else str(longrepr)
    return text.removeprefix("Skipped: ")


class SkipGuard:
    """A pytest plugin: the run fails when a test was skipped for a reason not in ``allowed``."""

    def __init__(self, allowed: Collection[str]) -> None:
        self.allowed = frozenset(allowed)
        self.unexpected: list[tuple[str, str]] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.skipped and not hasattr(report, "wasxfail"):
            reason = skip_reason(report)
            if reason not in self.allowed:
                self.unexpected.append((report.nodeid, reason))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.unexpected and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.unexpected:
            terminalreporter.write_line("skip guard: no unexpected skips")
            return
        terminalreporter.section("unexpected skips", sep="=", red=True, bold=True)
        for nodeid, reason in self.unexpected:
            terminalreporter.write_line(f"{nodeid}: {reason}")
        terminalreporter.write_line(
            f"skip guard: {len(self.unexpected)} unexpected skip(s); the run fails "
            "(NAERSUND_REQUIRE_NO_SKIPS=1 or CI=true). Make the test run, or add its reason to "
            "tests/require.py's expected skips if it belongs to the other database pass."
        )


def install_skip_guard(config: pytest.Config) -> None:
    """Register :class:`SkipGuard` when ``NAERSUND_REQUIRE_NO_SKIPS=1`` or ``CI=true``; not in
    xdist workers (their reports reach the controller, where the guard counts them once)."""
    active = os.environ.get("NAERSUND_REQUIRE_NO_SKIPS") == "1" or os.environ.get("CI") == "true"
    if active and not hasattr(config, "workerinput"):
        config.pluginmanager.register(
            SkipGuard(expected_skips(database_pass())), "naersund-skip-guard"
        )
