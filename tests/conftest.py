from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def synthetic_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic national registry (2013-2014, 2 % of Denmark), made once per session."""
    from naersund.registry.synth import generate

    out = tmp_path_factory.mktemp("synth") / "registry"
    generate(out, [2013, 2014], scale=0.02, seed=3)
    return out
