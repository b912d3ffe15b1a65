"""A test that cannot run must not pass unnoticed: ``require_or_skip`` fails under
``NAERSUND_REQUIRE_<NAME>=1``, and in CI the skip guard fails a run with an unexpected skip.

Each case runs a small pytest session of its own (``pytester``) with the real plugin from
``tests/require.py``."""

from __future__ import annotations

import pytest

from require import (
    ONLY_ON_POSTGRESQL,
    ONLY_ON_SQLITE,
    SkipGuard,
    expected_skips,
    require_or_skip,
)

pytest_plugins = ["pytester"]

# The inner sessions need none of the installed plugins (Django, xdist, hypothesis, ...).
QUIET = ("-p", "no:cacheprovider")

TESTS = f"""
import pytest
from require import require_or_skip

def test_runs():
    assert True

def test_needs_spark():
    require_or_skip("SPARK", "Spark needs Java 17 or 21, and none is installed")

def test_postgresql_only():
    pytest.skip({ONLY_ON_POSTGRESQL!r})

@pytest.mark.skipif(True, reason={ONLY_ON_SQLITE!r})
def test_sqlite_only():
    pass

@pytest.mark.xfail(reason="known bug")
def test_known_bug():
    assert False
"""


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("CI", "NAERSUND_REQUIRE_NO_SKIPS", "NAERSUND_TEST_DATABASE_URL", "PYTEST_ADDOPTS"):
        monkeypatch.delenv(name, raising=False)
    for name in ("REFERENCE_DATA", "BROWSER", "POSTGRES", "SPARK"):
        monkeypatch.delenv(f"NAERSUND_REQUIRE_{name}", raising=False)
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    return monkeypatch


def test_a_missing_requirement_skips_locally(
    pytester: pytest.Pytester, clean_env: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_inner=TESTS)
    result = pytester.runpytest_inprocess(*QUIET, "-rs")
    result.assert_outcomes(passed=1, skipped=3, xfailed=1)
    result.stdout.fnmatch_lines(["SKIPPED * Spark needs Java 17 or 21, and none is installed"])


def test_a_missing_requirement_fails_when_required(
    pytester: pytest.Pytester, clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("NAERSUND_REQUIRE_SPARK", "1")
    pytester.makepyfile(test_inner=TESTS)
    result = pytester.runpytest_inprocess(*QUIET)
    result.assert_outcomes(passed=1, failed=1, skipped=2, xfailed=1)
    result.stdout.fnmatch_lines(
        [
            "*Spark needs Java 17 or 21, and none is installed "
            "(NAERSUND_REQUIRE_SPARK=1: this test must run)*"
        ]
    )


def test_only_the_value_1_requires() -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NAERSUND_REQUIRE_BROWSER", "0")
        with pytest.raises(pytest.skip.Exception, match="no chromium"):
            require_or_skip("BROWSER", "no chromium")
    with pytest.raises(ValueError, match="unknown requirement 'CHROME'"):
        require_or_skip("CHROME", "no chromium")


def test_the_guard_fails_a_run_with_an_unexpected_skip(
    pytester: pytest.Pytester, clean_env: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_inner=TESTS)
    guard = SkipGuard(expected_skips("sqlite"))
    result = pytester.runpytest_inprocess(*QUIET, plugins=[guard])
    # The SQLite pass expects the PostgreSQL-only skip; the Spark skip and the SQLite-only one
    # (which has no business skipping in the SQLite pass) are unexpected. The xfail is no skip.
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=1, skipped=3, xfailed=1)
    assert sorted(guard.unexpected) == [
        ("test_inner.py::test_needs_spark", "Spark needs Java 17 or 21, and none is installed"),
        ("test_inner.py::test_sqlite_only", ONLY_ON_SQLITE),
    ]
    result.stdout.fnmatch_lines(
        [
            "*= unexpected skips =*",
            "test_inner.py::test_needs_spark: Spark needs Java 17 or 21, and none is installed",
            f"test_inner.py::test_sqlite_only: {ONLY_ON_SQLITE}",
            "skip guard: 2 unexpected skip(s); the run fails*",
        ]
    )


def test_the_guard_passes_a_run_whose_skips_are_all_expected(
    pytester: pytest.Pytester, clean_env: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        test_inner=f"""
import pytest

def test_runs():
    pass

def test_postgresql_only():
    pytest.skip({ONLY_ON_POSTGRESQL!r})
"""
    )
    sqlite = pytester.runpytest_inprocess(*QUIET, plugins=[SkipGuard(expected_skips("sqlite"))])
    assert sqlite.ret == pytest.ExitCode.OK
    sqlite.stdout.fnmatch_lines(["skip guard: no unexpected skips"])
    # The same skip in the PostgreSQL pass means the row-lock tests did not run where they must.
    pg = pytester.runpytest_inprocess(*QUIET, plugins=[SkipGuard(expected_skips("postgresql"))])
    assert pg.ret == pytest.ExitCode.TESTS_FAILED


def test_the_guard_keeps_a_failing_runs_exit_status(
    pytester: pytest.Pytester, clean_env: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        test_inner="""
import pytest

def test_fails():
    assert False

def test_skips():
    pytest.skip("no reason given")
"""
    )
    result = pytester.runpytest_inprocess(*QUIET, plugins=[SkipGuard(set())])
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(failed=1, skipped=1)


@pytest.mark.parametrize(
    ("env", "active"),
    [
        ({}, False),
        ({"NAERSUND_REQUIRE_NO_SKIPS": "1"}, True),
        ({"CI": "true"}, True),
        ({"NAERSUND_REQUIRE_NO_SKIPS": "0"}, False),
    ],
)
def test_the_conftest_installs_the_guard_in_ci(
    pytester: pytest.Pytester, clean_env: pytest.MonkeyPatch, env: dict[str, str], active: bool
) -> None:
    for name, value in env.items():
        clean_env.setenv(name, value)
    pytester.makeconftest(
        "from require import install_skip_guard\n"
        "def pytest_configure(config):\n"
        "    install_skip_guard(config)\n"
    )
    pytester.makepyfile(test_inner="import pytest\ndef test_skips():\n    pytest.skip('x')\n")
    result = pytester.runpytest_inprocess(*QUIET)
    assert result.ret == (pytest.ExitCode.TESTS_FAILED if active else pytest.ExitCode.OK)
    assert ("skip guard: 1 unexpected skip(s)" in result.stdout.str()) is active
