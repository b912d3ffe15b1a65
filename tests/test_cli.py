from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from naersund.cli import cli, parse_years

COMMANDS = ["synth", "ingest", "compute", "indicators", "docs", "demo", "economy"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed command as a user runs it (through ``main``, which turns errors into text)."""
    return subprocess.run(
        [sys.executable, "-m", "naersund.cli", *args], capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage: cli " + command in result.output or "Usage: " in result.output
    assert len(result.output.splitlines()) > 5


def test_python_m_runs_every_registered_command() -> None:
    # the commands are registered at the end of cli.py, after its ``__main__`` guard
    result = run("--help")
    assert result.returncode == 0, result.stderr
    listed = {line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line}
    assert listed == set(cli.commands)
    assert run("economy", "import-key", "--help").returncode == 0


def test_years_accept_ranges_and_lists() -> None:
    assert parse_years("2012-2014") == [2012, 2013, 2014]
    assert parse_years("2016,2012-2013") == [2012, 2013, 2016]
    with pytest.raises(click.BadParameter, match="'2014-2012': the range must run forward"):
        parse_years("2014-2012")
    with pytest.raises(click.BadParameter, match="'tyve' is not a year"):
        parse_years("tyve")


def test_indicators_lists_the_definitions() -> None:
    result = CliRunner().invoke(cli, ["indicators"])
    assert result.exit_code == 0
    assert "forebyggelige_indlaeggelser_65" in result.output


def test_a_bad_definition_folder_is_one_clear_message(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("id: x\n", encoding="utf-8")
    proc = run("indicators", "--definitions", str(tmp_path))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert f"Fejl: {tmp_path / 'x.yaml'}, line 1, field 'version': Field required" in proc.stderr


def test_a_data_folder_without_contacts_is_one_clear_message(tmp_path: Path) -> None:
    proc = run("compute", "--data", str(tmp_path), "--out", str(tmp_path / "r.csv"))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "no contacts found" in proc.stderr
    assert not (tmp_path / "r.csv").exists()


def test_an_unknown_output_type_is_refused(tmp_path: Path, synthetic_dir: Path) -> None:
    proc = run("compute", "--data", str(synthetic_dir), "--out", str(tmp_path / "r.xlsx"))
    assert proc.returncode == 1
    assert "must end in .csv or .parquet" in proc.stderr
    assert not (tmp_path / "r.xlsx").exists()


def test_synth_then_compute_writes_marked_results(tmp_path: Path, synthetic_dir: Path) -> None:
    out = tmp_path / "results.csv"
    proc = run("compute", "--data", str(synthetic_dir), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    df = pd.read_csv(out)
    assert list(df.columns[:14]) == [
        "indicator", "level", "area_code", "year", "numerator", "denominator", "value",
        "lower_ci", "upper_ci", "std_value", "std_lower_ci", "std_upper_ci", "comparison",
        "suppressed",
    ]  # fmt: skip
    assert (df["note"].str.contains("SYNTETISKE DATA")).all()
    assert set(df["level"]) == {"kommune", "region", "land"}
    assert set(df.loc[df.level == "region", "area_code"]) == {1081, 1082, 1083, 1084, 1085}
    assert set(df.loc[df.level == "land", "area_code"]) == {0}
    assert df.loc[df.level == "kommune", "area_code"].nunique() == 98
    # every published count is 0 or at least 5
    shown = df["numerator"].dropna()
    assert not ((shown > 0) & (shown < 5)).any()
    meta = json.loads((tmp_path / "results.csv.meta.json").read_text(encoding="utf-8"))
    assert meta["synthetic"] is True and meta["marker"] == "SYNTETISKE DATA"
    assert meta["definitions"]["genindlaeggelser_30d_65"]["version"] == 2
    assert meta["definitions"]["akutte_korttidsindlaeggelser"]["status"] == "under omdefinering"


def test_parquet_output_carries_the_metadata(tmp_path: Path, synthetic_dir: Path) -> None:
    out = tmp_path / "results.parquet"
    assert (
        run(
            "compute", "--data", str(synthetic_dir), "--out", str(out), "--years", "2014"
        ).returncode
        == 0
    )
    import pyarrow.parquet as pq

    table = pq.read_table(out)
    assert set(table.column("year").to_pylist()) == {2014}
    meta = json.loads(table.schema.metadata[b"naersund.meta"])
    assert meta["years"] == [2014]


def test_without_ready_for_discharge_the_days_indicator_is_left_out(
    tmp_path: Path, synthetic_dir: Path
) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(synthetic_dir, data)
    shutil.rmtree(data / "ready_for_discharge")
    out = tmp_path / "r.csv"
    assert run("compute", "--data", str(data), "--out", str(out)).returncode == 0
    df = pd.read_csv(out)
    assert "faerdigbehandlingsdage" not in set(df["indicator"])
    meta = json.loads((tmp_path / "r.csv.meta.json").read_text(encoding="utf-8"))
    assert "faerdigbehandlingsdage" in meta["left_out"]


def test_the_last_year_of_readmissions_is_footnoted_as_incomplete(
    tmp_path: Path, synthetic_dir: Path
) -> None:
    out = tmp_path / "r.csv"
    assert run("compute", "--data", str(synthetic_dir), "--out", str(out)).returncode == 0
    df = pd.read_csv(out)
    readm = df[df.indicator == "genindlaeggelser_30d_65"].set_index("year")["note"]
    assert readm.loc[2014].str.endswith("ufuldstændig opfølgning").all()
    assert not readm.loc[2013].str.contains("ufuldstændig").any()
    # synthetic data from 2013-2014: 2014 population is derived (only 2013 is known by band)
    assert df.loc[df.year == 2014, "note"].str.contains("befolkningstal estimeret").all()
    assert df.loc[df.year == 2013, "note"].eq("SYNTETISKE DATA").all()


def test_computing_some_years_equals_computing_all_and_keeping_those(tmp_path: Path) -> None:
    from naersund.engine.compute import ComputeOptions, compute
    from naersund.registry.synth import generate

    data = tmp_path / "registry"
    generate(data, [2011, 2012, 2013, 2014, 2015], scale=0.01, seed=5)
    every = compute(data).results
    some = compute(data, ComputeOptions(years=[2013])).results
    expected = every[every["year"] == 2013].reset_index(drop=True)
    pd.testing.assert_frame_equal(some, expected)
