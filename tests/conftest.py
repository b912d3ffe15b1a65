from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from require import install_skip_guard, require_or_skip


def pytest_configure(config: pytest.Config) -> None:
    # CI (NAERSUND_REQUIRE_NO_SKIPS=1 or CI=true): a skip that is not expected fails the run.
    install_skip_guard(config)


# The Spark session of the test run: small and quick (two cores, two shuffle partitions, no UI),
# and a driver that cannot receive more than 1 MB from any one action, so that any step that
# collected person-level rows would fail while aggregates pass. The JVM runs in another time
# zone than the session's UTC, to show the engine does not depend on it.
SPARK_TEST_MASTER = "local[2]"
SPARK_TEST_CONF = {
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.ui.enabled": "false",
    "spark.driver.maxResultSize": "1m",
    "spark.driver.extraJavaOptions": "-Duser.timezone=Europe/Copenhagen",
}


@pytest.fixture(scope="session")
def synthetic_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic national registry (2013-2014, 2 % of Denmark), made once per session."""
    from naersund.registry.synth import generate

    out = tmp_path_factory.mktemp("synth") / "registry"
    generate(out, [2013, 2014], scale=0.02, seed=3)
    return out


@pytest.fixture(scope="session")
def spark_con() -> Iterator[Any]:
    """An Ibis backend on the run's one Spark session (made through naersund's own ``connect``).

    Without Java or PySpark the Spark tests are skipped on a developer's machine, but fail in
    CI (``NAERSUND_REQUIRE_SPARK=1``), where ``.ci/run`` installs Java.
    """
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        require_or_skip("SPARK", "Spark needs Java 17 or 21, and none is installed")
    try:
        import pyspark  # noqa: F401
    except ImportError:
        require_or_skip("SPARK", "PySpark is not installed")
    from naersund.engine.backend import connect

    con = connect("spark", spark_master=SPARK_TEST_MASTER, spark_conf=SPARK_TEST_CONF)
    yield con
    con._session.stop()


@pytest.fixture(params=["whole file", "top only"])
def encoding_check(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The encoding of an ingest's CSV files checked whole in Python, or (as for files over
    16 MB) only its top, the rest by DuckDB's reader, the ingest starting over when it finds
    a file is not UTF-8 (:func:`naersund.registry.sources.checked_by_reader`)."""
    from naersund.registry import sources

    if request.param == "top only":
        monkeypatch.setattr(sources, "_CHUNK", 64)
        monkeypatch.setattr(sources, "HEAD_BYTES", 64)
    return str(request.param)
