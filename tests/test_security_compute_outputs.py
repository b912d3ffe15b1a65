"""Issue 17, item 8: the outputs of one ``naersund compute`` run are written as one unit.

The results, the monthly values and the ``.meta.json`` (the run's record: its ``run_id`` and
the checksum of every file it wrote, renamed into place last) must never be readable as a set
when they come from different runs: not after a crash part-way through the writes (an injected
failure between the moves, and a real ``kill -9``), nor when files of two runs are put side by
side.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from naersund import atomic
from naersund.analysis.publishable import read_publishable
from naersund.cli_data import monthly_values
from naersund.engine.compute import ComputeOptions, ComputeResult, compute
from naersund.engine.monthly import MonthlyResult
from naersund.engine.outputs import areas_path, meta_path, monthly_path, write_results
from naersund.errors import InputError

IND = "akutte_korttidsindlaeggelser"
Run = tuple[ComputeResult, MonthlyResult]


def _run(synthetic_dir: Path, year: int) -> Run:
    options = ComputeOptions(indicators=[IND], years=[year])
    result = compute(synthetic_dir, options)
    return result, monthly_values(synthetic_dir, options, result)


@pytest.fixture(scope="module")
def run_a(synthetic_dir: Path) -> Run:
    return _run(synthetic_dir, 2014)


@pytest.fixture(scope="module")
def run_b(synthetic_dir: Path) -> Run:
    """Another run: the same indicator for 2013, so every file differs from run A's."""
    return _run(synthetic_dir, 2013)


def _meta(results: Path) -> dict[str, Any]:
    meta: dict[str, Any] = json.loads(meta_path(results).read_text(encoding="utf-8"))
    return meta


def _contents(results: Path) -> tuple[bytes, bytes | None]:
    monthly = monthly_path(results)
    return results.read_bytes(), monthly.read_bytes() if monthly.exists() else None


def _reference(run: Run, folder: Path, with_monthly: bool = True) -> tuple[bytes, bytes | None]:
    """What a complete run writes (CSV holds no run id, so the bytes are the same every time)."""
    return _contents(
        write_results(run[0], folder / "results.csv", run[1] if with_monthly else None)
    )


def _one_run_or_refused(results: Path, complete: list[tuple[bytes, bytes | None]]) -> str:
    """Publishing reads the files as a set only when they are all of one complete run; a mixed
    set is refused for its checksums. Says which happened."""
    try:
        read_publishable(results, 5)
    except InputError as exc:
        assert "kontrolsum" in str(exc) or "månedsfil" in str(exc), str(exc)
        return "refused"
    assert _contents(results) in complete
    return "read"


def test_a_run_records_its_id_and_every_file_it_wrote(run_a: Run, tmp_path: Path) -> None:
    results = write_results(run_a[0], tmp_path / "results.csv", run_a[1])
    meta = _meta(results)
    assert len(meta["run_id"]) == 32
    assert meta["outputs"] == {
        "results": {
            "file": "results.csv",
            "sha256": hashlib.sha256(results.read_bytes()).hexdigest(),
        },
        "monthly": {
            "file": "results.monthly.csv",
            "sha256": hashlib.sha256(monthly_path(results).read_bytes()).hexdigest(),
        },
        "areas": {
            "file": "results.areas.csv",
            "sha256": hashlib.sha256(areas_path(results).read_bytes()).hexdigest(),
        },
    }
    run = read_publishable(results, 5)
    assert run.run_id == meta["run_id"]
    assert run.monthly is not None and set(run.monthly["year"]) == {2014}
    # the output format is otherwise as before: the same columns, the monthly beside
    assert results.read_text(encoding="utf-8").splitlines()[0] == (
        "indicator,level,area_code,year,numerator,denominator,value,lower_ci,upper_ci,"
        "std_value,std_lower_ci,std_upper_ci,comparison,suppressed,note"
    )
    again = write_results(run_a[0], tmp_path / "again" / "results.csv", run_a[1])
    assert _meta(again)["run_id"] != meta["run_id"]  # every run its own id


def test_a_results_file_and_a_monthly_file_from_two_runs_are_refused(
    run_a: Run, run_b: Run, tmp_path: Path
) -> None:
    a = write_results(run_a[0], tmp_path / "a" / "results.csv", run_a[1])
    b = write_results(run_b[0], tmp_path / "b" / "results.csv", run_b[1])
    shutil.copy(monthly_path(b), monthly_path(a))
    with pytest.raises(InputError) as exc:
        read_publishable(a, 5)
    assert str(exc.value) == (
        f"{monthly_path(a)}: månedsfilen er ikke fra samme kørsel ({_meta(a)['run_id']}) som "
        "resultatfilen (results.csv.meta.json har en anden kontrolsum); kør `naersund compute "
        "--monthly` igen"
    )
    # the other way round: run B's results beside run A's record and monthly values
    write_results(run_a[0], a, run_a[1])
    shutil.copy(b, a)
    with pytest.raises(InputError) as exc:
        read_publishable(a, 5)
    assert str(exc.value) == (
        f"{a}: resultatfilen er ikke den, kørsel {_meta(a)['run_id']} skrev "
        "(results.csv.meta.json har en anden kontrolsum): filerne er fra forskellige kørsler "
        "(fx en afbrudt beregning), eller resultatfilen er ændret bagefter; kør `naersund "
        "compute` igen"
    )


def test_a_run_without_monthly_values_takes_an_older_monthly_file_away(
    run_a: Run, run_b: Run, tmp_path: Path
) -> None:
    results = write_results(run_a[0], tmp_path / "results.csv", run_a[1])
    write_results(run_b[0], results)
    assert not monthly_path(results).exists()
    assert read_publishable(results, 5).monthly is None
    # a monthly file put there afterwards is not part of the run
    other = write_results(run_a[0], tmp_path / "x" / "results.csv", run_a[1])
    shutil.copy(monthly_path(other), monthly_path(results))
    with pytest.raises(InputError, match=r"månedsfilen er ikke fra kørsel .* nævner ingen"):
        read_publishable(results, 5)


def test_a_record_without_a_run_id_is_refused(run_a: Run, tmp_path: Path) -> None:
    results = write_results(run_a[0], tmp_path / "results.csv", run_a[1])
    meta = _meta(results)
    del meta["run_id"], meta["outputs"]
    meta_path(results).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(InputError, match="mangler run_id og outputs"):
        read_publishable(results, 5)


# One run is on disk (A); run B is written over it and fails at the n-th rename (1 = the
# results, then the monthly file, the areas file, last the meta file).
@pytest.mark.parametrize(
    ("with_monthly", "fail_at"),
    [(True, 1), (True, 2), (True, 3), (True, 4), (False, 1), (False, 2), (False, 3)],
)
def test_a_failure_between_the_moves_never_leaves_a_mixed_set(
    run_a: Run,
    run_b: Run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    with_monthly: bool,
    fail_at: int,
) -> None:
    complete = [_reference(run_a, tmp_path / "ref-a"), _reference(run_b, tmp_path / "ref-b")]
    complete.append(_reference(run_b, tmp_path / "ref-b0", with_monthly=False))
    results = write_results(run_a[0], tmp_path / "out" / "results.csv", run_a[1])
    real = os.replace
    calls: list[str] = []

    def failing_replace(src: Any, dst: Any) -> None:
        calls.append(Path(dst).name)
        if len(calls) == fail_at:
            raise OSError("disken er fuld")
        real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disken er fuld"):
        write_results(run_b[0], results, run_b[1] if with_monthly else None)
    monkeypatch.undo()
    outcome = _one_run_or_refused(results, complete)
    # nothing moved yet: run A is still whole; anything later is caught by the checksums
    assert outcome == ("read" if fail_at == 1 else "refused")
    assert not [p.name for p in results.parent.iterdir() if p.name.endswith(".tmp")]


_WRITER = """
import os, pickle, sys, time
from pathlib import Path

real = os.replace
done = 0

def replace(src, dst):
    global done
    real(src, dst)
    done += 1
    if done == int(sys.argv[3]):
        print("stopped", flush=True)
        time.sleep(600)

os.replace = replace
from naersund.engine.outputs import write_results

result, monthly = pickle.loads(Path(sys.argv[1]).read_bytes())
write_results(result, Path(sys.argv[2]), monthly)
print("done", flush=True)
"""


@pytest.mark.parametrize("kill_after", [1, 2, 3, 4])
def test_kill_9_during_the_moves_never_leaves_a_mixed_set(
    run_a: Run, run_b: Run, tmp_path: Path, kill_after: int
) -> None:
    complete = [_reference(run_a, tmp_path / "ref-a"), _reference(run_b, tmp_path / "ref-b")]
    results = write_results(run_a[0], tmp_path / "out" / "results.csv", run_a[1])
    job = tmp_path / "run-b.pickle"
    job.write_bytes(pickle.dumps(run_b))
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(job), str(results), str(kill_after)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "stopped"
    os.kill(writer.pid, signal.SIGKILL)
    assert writer.wait(timeout=30) == -signal.SIGKILL
    outcome = _one_run_or_refused(results, complete)
    # killed after the last rename (the meta file) run B is complete; before it, refused
    assert outcome == ("read" if kill_after == 4 else "refused")
