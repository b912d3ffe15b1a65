"""The same indicators on Apache Spark, proven identical to DuckDB.

Every engine-level indicator test runs on both engines (``engine`` is parametrised; the Spark
half is marked ``spark`` and shares one local Spark session, see ``conftest.py``):
the engine against the independent pandas implementation on edge-case and synthetic data, row
order and file splits, and ``compute`` end to end. The rule cases of ``test_rules.py`` run on
both engines there. Then the complete results of a synthetic multi-year national sample are
compared cell by cell between the engines, the Spark session's driver refuses any result over
1 MB (so a step that collected person-level rows would fail), and what Spark cannot express
fails with a message naming the definition and the engine.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from naersund.engine import backend
from naersund.engine import expressions as ex
from naersund.engine.compute import ComputeOptions, ComputeResult, compute
from naersund.engine.stays import build_stays
from naersund.errors import DefinitionError, InputError, NaersundError
from require import require_or_skip

try:
    from tests import reference_impl as ref
    from tests import test_engine_equivalence as eq
except ImportError:  # pytest's rootdir-less import mode puts tests/ itself on sys.path
    import reference_impl as ref  # type: ignore[no-redef]
    import test_engine_equivalence as eq  # type: ignore[no-redef]

ENGINES = ["duckdb", pytest.param("spark", marks=pytest.mark.spark)]
YEARS = eq.YEARS
NATIONAL_YEARS = [2013, 2014, 2015]
SPARK_OPTIONS: dict[str, Any] = {}  # compute() joins the test run's session as it is
COUNT_COLUMNS = ["numerator", "denominator", "suppressed"]
RATE_COLUMNS = [
    "value",
    "lower_ci",
    "upper_ci",
    "std_value",
    "std_lower_ci",
    "std_upper_ci",
]
RTOL = 1e-9


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    if request.param == "spark":
        request.getfixturevalue("spark_con")
    return str(request.param)


@pytest.fixture(scope="module")
def con(engine: str, request: pytest.FixtureRequest) -> Any:
    if engine == "spark":
        return request.getfixturevalue("spark_con")
    return ibis.duckdb.connect()


def options(engine: str, **kwargs: Any) -> ComputeOptions:
    extra = {"threads": 2} if engine == "duckdb" else SPARK_OPTIONS
    return ComputeOptions(engine=engine, engine_options=extra, **kwargs)


# -- the engine against the independent reference, on both engines ---------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_engine_equals_the_reference_on_edge_case_data(con: Any, seed: int) -> None:
    contacts, ready = eq.random_registry(seed)
    expected = ref.aggregates(contacts, ready, eq.DEFINITIONS, eq.RULES, YEARS)
    # every indicator counts something on these years, but the disease rates: their cohorts
    # need five years of data before the year, which the sample does not have
    for indicator, agg in expected.items():
        if indicator not in {d.id for d in eq.DISEASE_DEFINITIONS}:
            assert agg["numerator"].sum() > 0, indicator
    eq.assert_same_aggregates(eq.engine_aggregates(con, contacts, ready, YEARS), expected)


def test_the_per_indicator_expressions_equal_the_reference(con: Any) -> None:
    contacts, ready = eq.random_registry(1)
    expected = ref.aggregates(contacts, ready, eq.DEFINITIONS, eq.RULES, YEARS)
    stay_defs = eq.STAY_DEFINITIONS
    stays = build_stays(ibis.memtable(contacts, schema=eq.CONTACT_SCHEMA), eq.RULES, stay_defs)
    for d in stay_defs:
        if d.kind == "stay_rate":
            expr = ex.stay_rate(stays, d)
        else:
            expr = ex.readmission_proportion(stays, d, eq.RULES)
        pd.testing.assert_frame_equal(
            ref.normalise(con.execute(expr)), ref.normalise(expected[d.id]), obj=d.id
        )


@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32 - 1), shuffle_seed=st.integers(0, 2**31 - 1))
def test_engine_aggregates_do_not_depend_on_row_order(
    con: Any, seed: int, shuffle_seed: int
) -> None:
    contacts, ready = eq.random_registry(seed, n_persons=40)
    shuffled = contacts.sample(frac=1, random_state=shuffle_seed).reset_index(drop=True)
    shuffled_ready = ready.sample(frac=1, random_state=shuffle_seed).reset_index(drop=True)
    expected = ref.aggregates(contacts, ready, eq.DEFINITIONS, eq.RULES, YEARS)
    eq.assert_same_aggregates(eq.engine_aggregates(con, shuffled, shuffled_ready, YEARS), expected)


def test_engine_equals_the_reference_on_synthetic_data(con: Any, synthetic_dir: Path) -> None:
    contacts = eq._read_parquet_table(synthetic_dir / "contacts")
    ready = eq._read_parquet_table(synthetic_dir / "ready_for_discharge")
    expected = ref.aggregates(contacts, ready, eq.DEFINITIONS, eq.RULES, YEARS)
    # every indicator counts something on these years, but the disease rates: their cohorts
    # need five years of data before the year, which the sample does not have
    for indicator, agg in expected.items():
        if indicator not in {d.id for d in eq.DISEASE_DEFINITIONS}:
            assert agg["numerator"].sum() > 0, indicator
    # PySpark 4.0 cannot take pandas 3's Arrow-backed strings from several chunks through Arrow
    # (it falls back to a slow path with a warning); plain Python strings go through Arrow.
    strings = {c: object for c in contacts.columns if contacts[c].dtype == "str"}
    got = eq.engine_aggregates(con, contacts.astype(strings), ready, YEARS)
    eq.assert_same_aggregates(got, expected)


# -- compute() on both engines: the reference, row order and file splits ---------------------------


@pytest.fixture(scope="module")
def compute_case(engine: str) -> tuple[pd.DataFrame, pd.DataFrame, ComputeResult]:
    contacts, ready = eq.random_registry(11, n_persons=150)
    with tempfile.TemporaryDirectory() as tmp:
        eq._write_parts(contacts, Path(tmp) / "contacts", [])
        eq._write_parts(ready, Path(tmp) / "ready_for_discharge", [])
        baseline = compute(Path(tmp), options(engine, years=YEARS))
    return contacts, ready, baseline


def test_compute_aggregates_equal_the_reference(
    compute_case: tuple[pd.DataFrame, pd.DataFrame, ComputeResult],
) -> None:
    contacts, ready, baseline = compute_case
    years = baseline.meta["years"]
    expected = ref.aggregates(contacts, ready, eq.DEFAULT_DEFINITIONS, eq.RULES, years)
    eq.assert_same_aggregates(baseline.aggregates, eq.only_years(expected, years))


@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    shuffle_seed=st.integers(0, 2**31 - 1),
    contact_cuts=st.lists(st.floats(0, 1), min_size=1, max_size=4),
    ready_cuts=st.lists(st.floats(0, 1), max_size=3),
)
def test_compute_does_not_depend_on_row_order_or_files(
    engine: str,
    compute_case: tuple[pd.DataFrame, pd.DataFrame, ComputeResult],
    shuffle_seed: int,
    contact_cuts: list[float],
    ready_cuts: list[float],
) -> None:
    contacts, ready, baseline = compute_case
    contacts = contacts.sample(frac=1, random_state=shuffle_seed).reset_index(drop=True)
    ready = ready.sample(frac=1, random_state=shuffle_seed).reset_index(drop=True)
    with tempfile.TemporaryDirectory() as tmp:
        eq._write_parts(
            contacts, Path(tmp) / "contacts", eq._cut_points(len(contacts), contact_cuts)
        )
        eq._write_parts(
            ready, Path(tmp) / "ready_for_discharge", eq._cut_points(len(ready), ready_cuts)
        )
        got = compute(Path(tmp), options(engine, years=YEARS))
    pd.testing.assert_frame_equal(got.results, baseline.results, check_exact=True)
    eq.assert_same_aggregates(got.aggregates, baseline.aggregates)


# -- a synthetic multi-year national sample, cell by cell ------------------------------------------


@pytest.fixture(scope="module")
def national_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three years of 2 % of Denmark: every municipality, age band and sex."""
    from naersund.registry.synth import generate

    out = tmp_path_factory.mktemp("national") / "registry"
    generate(out, NATIONAL_YEARS, scale=0.02, seed=5)
    return out


@pytest.fixture(scope="module")
def national_results(national_sample: Path, spark_con: Any) -> dict[str, ComputeResult]:
    return {
        "duckdb": compute(national_sample, options("duckdb")),
        "spark": compute(national_sample, options("spark")),
    }


def assert_same_results(spark: pd.DataFrame, duck: pd.DataFrame) -> None:
    """Cell by cell: every key, count and flag exactly, every rate to 1e-9 relative."""
    assert list(spark.columns) == list(duck.columns)
    assert len(spark) == len(duck)
    exact = [c for c in duck.columns if c not in RATE_COLUMNS]
    assert set(COUNT_COLUMNS) <= set(exact)
    pd.testing.assert_frame_equal(spark[exact], duck[exact], check_exact=True)
    for column in (c for c in RATE_COLUMNS if c in duck.columns):  # monthly: crude only
        a = spark[column].to_numpy(dtype=float)
        b = duck[column].to_numpy(dtype=float)
        assert (pd.isna(a) == pd.isna(b)).all(), column
        both = ~pd.isna(a)
        diff = abs(a[both] - b[both])
        scale = abs(b[both])
        assert (diff <= RTOL * scale).all(), (column, float((diff / scale.clip(1e-300)).max()))


@pytest.mark.spark
def test_spark_gives_duckdbs_results_cell_by_cell(
    national_results: dict[str, ComputeResult],
) -> None:
    duck, spark = national_results["duckdb"], national_results["spark"]
    # The sample exercises every indicator, level and year.
    assert set(duck.results["indicator"]) == {d.id for d in eq.DEFAULT_DEFINITIONS}
    assert set(duck.results["year"]) == set(NATIONAL_YEARS)
    assert set(duck.results["level"]) == {"kommune", "region", "land"}
    assert duck.results["suppressed"].any() and not duck.results["suppressed"].all()
    assert_same_results(spark.results, duck.results)
    # The engine aggregates too, every cell exact.
    eq.assert_same_aggregates(spark.aggregates, duck.aggregates)
    ignore = {"engine", "computed_at"}
    assert {k: v for k, v in spark.meta.items() if k not in ignore} == {
        k: v for k, v in duck.meta.items() if k not in ignore
    }
    assert spark.meta["engine"] == "spark"


@pytest.mark.spark
def test_spark_gives_duckdbs_monthly_values_cell_by_cell(
    national_sample: Path, spark_con: Any
) -> None:
    from naersund.engine.monthly import compute_monthly

    duck = compute_monthly(national_sample, options("duckdb")).table
    spark = compute_monthly(national_sample, options("spark")).table
    assert {"kommune", "region", "land"} <= set(duck["level"])
    assert duck["suppressed"].any() and not duck["suppressed"].all()
    assert_same_results(spark, duck)


@pytest.mark.spark
@pytest.mark.filterwarnings("ignore:toPandas attempted Arrow optimization:UserWarning")
def test_no_person_level_rows_reach_the_driver(
    spark_con: Any, national_sample: Path, national_results: dict[str, ComputeResult]
) -> None:
    # The test session's driver takes at most 1 MB from any one action (conftest.py) ...
    conf = spark_con._session.sparkContext.getConf()
    assert conf.get("spark.driver.maxResultSize") == "1m"
    # ... which the person-level rows exceed: collecting them fails ...
    from naersund.engine.inputs import read_contacts
    from naersund.registry.ingest import find_table

    contacts = read_contacts(spark_con, find_table(national_sample, "contacts"))
    with pytest.raises(Exception, match=r"spark\.driver\.maxResultSize"):
        spark_con.execute(contacts.select("person_id", "start"))
    # ... while the whole computation on them passed: only aggregates left the engine.
    assert len(national_results["spark"].results) > 0
    assert int(spark_con.execute(contacts.count())) > 80_000


@pytest.mark.spark
def test_spark_runs_everything_in_the_jvm(spark_con: Any, synthetic_dir: Path) -> None:
    # No step is a Python UDF: executors need only Java, and no rows pass through Python.
    from naersund.engine.backend import read_parquet
    from naersund.engine.inputs import read_contacts
    from naersund.registry.ingest import find_table

    contacts = read_contacts(spark_con, find_table(synthetic_dir, "contacts"))
    ready = read_parquet(
        spark_con, find_table(synthetic_dir, "ready_for_discharge"), eq.READY_SCHEMA.names
    )
    stay_defs = [d for d in eq.DEFINITIONS if d.selection is not None]
    stays = build_stays(contacts, eq.RULES, stay_defs)
    days = ex.days_rate(ready, YEARS)
    assert len(spark_con.execute(days)) > 0  # registers its table of years with Spark
    for expr in (ex.stay_aggregates(stays, stay_defs, eq.RULES), days):
        frame = spark_con._session.sql(spark_con.compile(expr))
        plan = str(frame._jdf.queryExecution().executedPlan().toString())
        assert "HashAggregate" in plan  # the plan was built
        for python_step in ("PythonUDF", "EvalPython", "InPandas", "PythonRunner"):
            assert python_step not in plan, python_step


# -- the command line and data on a URI ------------------------------------------------------------


@pytest.mark.spark
def test_compute_command_on_spark_reads_a_uri(
    spark_con: Any,
    national_sample: Path,
    national_results: dict[str, ComputeResult],
    tmp_path: Path,
) -> None:
    from naersund.cli import cli

    out = tmp_path / "r.parquet"
    result = CliRunner().invoke(
        cli,
        [
            "compute",
            "--engine",
            "spark",
            "--spark-master",
            "local[2]",
            "--spark-conf",
            "spark.sql.shuffle.partitions=2",
            "--data",
            national_sample.resolve().as_uri(),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    meta = json.loads(out.with_name(out.name + ".meta.json").read_text(encoding="utf-8"))
    assert meta["engine"] == "spark"
    assert meta["synthetic"] is True  # the marker file is found on the URI too
    got = pd.read_parquet(out).drop(columns="note")
    assert_same_results(got, national_results["duckdb"].results)


def test_spark_options_are_checked(tmp_path: Path) -> None:
    from naersund.cli import cli

    runner = CliRunner()
    args = ["compute", "--data", str(tmp_path), "--out", str(tmp_path / "r.csv")]
    bad = runner.invoke(cli, [*args, "--engine", "spark", "--spark-conf", "no-equals-sign"])
    assert bad.exit_code == 2
    assert "'no-equals-sign' is not KEY=VALUE" in bad.output
    duck = runner.invoke(cli, [*args, "--spark-master", "local[2]"])
    assert duck.exit_code == 2
    assert "only apply with --engine spark" in duck.output


def test_a_uri_needs_the_spark_engine() -> None:
    with pytest.raises(InputError, match="only be read with --engine spark"):
        compute("s3a://bucket/registry")


@pytest.mark.spark
def test_a_uri_without_contacts_is_one_clear_message(spark_con: Any, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no contacts found"):
        compute(tmp_path.as_uri(), options("spark"))
    (tmp_path / "contacts.csv").write_text("person_id\n", encoding="utf-8")
    with pytest.raises(InputError, match="naersund ingest"):
        compute(tmp_path.as_uri(), options("spark"))
    with pytest.raises(InputError, match=r'No FileSystem for scheme "nosuch".*Hadoop connector'):
        compute("nosuch://bucket/registry", options("spark"))


# -- what an engine cannot express ------------------------------------------------------------------


@pytest.fixture
def spark_without_notnull(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A Spark that cannot express IS NOT NULL, which only the readmission rule uses."""
    import ibis.common.exceptions as com
    from ibis.backends.sql.compilers.pyspark import PySparkCompiler

    def refuse(self: Any, op: Any, **kwargs: Any) -> Any:
        raise com.OperationNotDefinedError("No translation rule for NotNull")

    monkeypatch.setattr(PySparkCompiler, "visit_NotNull", refuse, raising=False)
    yield


@pytest.mark.spark
def test_what_spark_cannot_express_fails_naming_definition_and_engine(
    spark_con: Any, synthetic_dir: Path, spark_without_notnull: None
) -> None:
    with pytest.raises(DefinitionError) as info:
        compute(synthetic_dir, options("spark"))
    message = str(info.value)
    assert message.startswith("genindlaeggelser_30d_65: engine 'spark' cannot express")
    assert "NotNull" in message
    assert "akutte_korttidsindlaeggelser" not in message


def test_spark_without_java_is_one_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        import pyspark.sql as pyspark_sql
    except ImportError:
        require_or_skip("SPARK", "PySpark is not installed")
    monkeypatch.setattr(pyspark_sql.SparkSession, "getActiveSession", staticmethod(lambda: None))
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    monkeypatch.delenv("DATABRICKS_RUNTIME_VERSION", raising=False)
    with pytest.raises(NaersundError, match="engine 'spark' needs Java 17 or 21"):
        backend.connect("spark")
