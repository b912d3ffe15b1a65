"""``naersund synth`` replaces its output folder in one switch: a synth that fails or is killed
part-way leaves the previous output exactly as it was (``naersund.atomic.switched_dir``)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from naersund.atomic import current_version
from naersund.errors import NaersundError
from naersund.registry.synth import generate


def digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def only_the_output(out: Path) -> None:
    """Nothing beside ``out`` but its lock and the version it links to."""
    version = current_version(out)
    assert version is not None
    names = sorted(p.name for p in out.parent.iterdir())
    assert names == sorted([f".{out.name}.lock", version.name, out.name])


def test_a_failed_synth_leaves_the_previous_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "registry"
    generate(out, [2014], scale=0.002, seed=1)
    before = digest(out)

    def fail(step: str, _fraction: float) -> None:
        if step.startswith("Skriver 2015"):  # the first year written, the second not yet
            raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        generate(out, [2014, 2015, 2016], scale=0.002, seed=2, progress=fail)
    assert digest(out) == before
    only_the_output(out)


KILLED = """
import os, signal, sys
from pathlib import Path
from naersund.registry.synth import generate

def kill(step, _fraction):
    if step.startswith("Skriver 2015"):
        os.kill(os.getpid(), signal.SIGKILL)

generate(Path(sys.argv[1]), [2014, 2015, 2016], scale=0.002, seed=2, progress=kill)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_killed_synth_leaves_the_previous_output_and_the_next_cleans_up(tmp_path: Path) -> None:
    out = tmp_path / "registry"
    generate(out, [2014], scale=0.002, seed=1)
    before = digest(out)
    proc = subprocess.run([sys.executable, "-c", KILLED, str(out)], env=os.environ.copy())
    assert proc.returncode == -9
    assert digest(out) == before
    # the killed run's half-written version is still beside it, until the next run
    assert len(list(tmp_path.glob(".registry.v-*"))) == 2
    generate(out, [2014, 2015], scale=0.002, seed=2)
    assert sorted(digest(out)) == sorted(
        [*(f"{t}/year={y}/part-0.parquet" for t in ("contacts", "ready_for_discharge") for y in (2014, 2015)),
         "population/population.parquet", "manifest.json", "SYNTETISKE_DATA.txt"]
    )  # fmt: skip
    only_the_output(out)


def test_a_plain_output_folder_of_an_earlier_version_is_replaced(tmp_path: Path) -> None:
    out = tmp_path / "registry"
    out.mkdir()
    (out / "old.txt").write_text("from before", encoding="utf-8")
    generate(out, [2014], scale=0.002, seed=1)
    assert not (out / "old.txt").exists() and (out / "manifest.json").is_file()
    only_the_output(out)


def test_a_second_synth_to_the_same_folder_is_refused_while_one_runs(tmp_path: Path) -> None:
    out = tmp_path / "registry"
    seen: list[str] = []

    def meanwhile(step: str, _fraction: float) -> None:
        if step.startswith("Skriver 2014") and not seen:
            seen.append(step)
            with pytest.raises(NaersundError, match="en anden kørsel skriver til mappen"):
                generate(out, [2014], scale=0.002, seed=3)

    generate(out, [2014], scale=0.002, seed=1, progress=meanwhile)
    assert seen and (out / "manifest.json").is_file()
