"""The effects estimator on national synthetic data: synth plants effects on initiatives of the
goal catalogue (its manifest), the demo survey's start years agree with the plant, and the
estimate recovers every planted effect on the indicators the catalogue links to the
initiative, and finds none (an interval around 0) where none was planted."""

from __future__ import annotations

from pathlib import Path

import pytest

from naersund.analysis.initiative_effects import estimate_all
from naersund.catalogue import load_catalogue
from naersund.engine.compute import compute
from naersund.indicators import load_definitions
from naersund.registry.synth import INITIATIVES, generate
from naersund.survey.demo import FOLLOW_UP_ROUND, generate_demo_survey
from naersund.survey.questions import questions_from_catalogue

pytestmark = pytest.mark.slow


def test_the_planted_effects_are_recovered_and_the_control_shows_none(tmp_path: Path) -> None:
    registry = tmp_path / "registry"
    manifest = generate(
        registry,
        list(range(2011, 2017)),
        scale=0.3,
        seed=11,
        planted_last_start=FOLLOW_UP_ROUND.year,
    )
    results = compute(registry).results
    catalogue = load_catalogue()
    _, follow_up = generate_demo_survey(
        catalogue, questions_from_catalogue(catalogue), planted=manifest["planted_effects"]
    )
    indicators = {d.id: (d.name_da.lower(), d.multiplier) for d in load_definitions()}
    estimated = {
        (e.initiative.id, e.indicator): e
        for e in estimate_all(results, follow_up.answers, catalogue, indicators)
    }
    checked = 0
    for p in INITIATIVES:
        est = estimated.get((p.initiative, p.indicator))
        if est is None:
            continue  # the catalogue does not link this indicator to the initiative
        e = est.effect
        assert e.has_estimate, (p.initiative, e.note)
        assert e.n_started == p.municipalities, p.initiative
        assert e.relative_lower_ci <= p.effect <= e.relative_upper_ci, (p.initiative, e)
        if p.effect == 0:
            assert not e.significant
        else:
            assert e.upper_ci < 0, (p.initiative, e)
        checked += 1
    assert checked == 3  # two planted effects and the control
