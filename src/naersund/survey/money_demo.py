"""Synthetic answers to the money questions (:mod:`naersund.survey.money`) for the demo rounds.

SYNTETISKE DATA: the amounts are drawn, not reported by anyone. They are drawn so that the
pages look like a real round would: amounts scale with the municipality's population (2013,
shipped with naersund); an initiative that is implemented or under way mostly has an amount,
one that is not started mostly 0 kr.; some municipalities answer "ved ikke" or leave the
question open. The themes split a lift near the municipality's population share of the
municipalities' budgeted lift in the seeds (270 mio. kr. in 2013, 311 mio. kr. in 2014, excl.
KMF; 300 mio. kr. in other years, the ØA's lift), of which a municipality accounts for 60-100
pct. Deterministic for a seed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np

from naersund.survey.kroner import VED_IKKE
from naersund.survey.money import MONEY_PREFIX, THEME_PREFIX, THEMES, theme_qid
from naersund.survey.questions import QuestionSpec

# the municipalities' budgeted lift in the seeds (mio. kr., excl. KMF); other years the ØA's
SEED_LIFT_MIO = {2013: 270.0, 2014: 311.0}
OTHER_LIFT_MIO = 300.0
# status -> (chance of an amount, chance of "ved ikke"); the rest is left open
_ANSWERING = {
    "implementeret": (0.7, 0.15),
    "under_implementering": (0.65, 0.15),
    "planlagt": (0.4, 0.2),
    "ikke_paabegyndt": (0.6, 0.1),
    None: (0.3, 0.2),
}
# kr. per citizen spent on an initiative at each status (median of a log-normal draw)
_KR_PER_CITIZEN = {
    "implementeret": 40.0,
    "under_implementering": 25.0,
    "planlagt": 5.0,
    "ikke_paabegyndt": 0.0,
    None: 10.0,
}


@cache
def _citizens() -> dict[int, int]:
    from naersund.refdata import shipped_population

    p = shipped_population()
    # the file has bands, "65+" and "total" rows, by sex and for both: each total once
    p = p[(p["year"] == p["year"].min()) & (p["age_group"] == "total") & (p["sex"] == "T")]
    p = p[p["kommunekode"] != 0]  # Denmark
    totals = p.groupby("kommunekode")["count"].sum()
    return {int(k): int(v) for k, v in totals.items()}


def _thousands(x: float) -> int:
    return round(x / 1000.0) * 1000


def demo_money_answers(
    questions: Sequence[QuestionSpec],
    answers: Mapping[int, Mapping[str, Any]],
    year: int,
    seed: int,
) -> dict[int, dict[str, Any]]:
    """kommunekode -> qid -> value for the money questions among ``questions`` that each
    municipality of ``answers`` is asked (its other answers give the initiatives' statuses)."""
    rng = np.random.default_rng([seed, year])
    citizens = _citizens()
    national = sum(citizens.values())
    lift_kr = SEED_LIFT_MIO.get(year, OTHER_LIFT_MIO) * 1_000_000
    per_initiative = [q for q in questions if q.qid.startswith(MONEY_PREFIX)]
    has_themes = any(q.qid.startswith(THEME_PREFIX) for q in questions)
    out: dict[int, dict[str, Any]] = {}
    for code in sorted(answers):
        given: dict[str, Any] = {}
        people = citizens.get(code, 0)
        for q in per_initiative:
            if not q.applies_to(code):
                continue
            status = answers[code].get(f"status.{q.initiative_id}")
            p_amount, p_unknown = _ANSWERING.get(status, _ANSWERING[None])
            draw = rng.random()
            if draw < p_amount:
                median = _KR_PER_CITIZEN.get(status, _KR_PER_CITIZEN[None])
                amount = median * people * float(rng.lognormal(0.0, 0.5)) if median else 0.0
                given[q.qid] = _thousands(amount)
            elif draw < p_amount + p_unknown:
                given[q.qid] = VED_IKKE
        if has_themes:
            draw = rng.random()
            if draw < 0.75:
                accounted = lift_kr * people / national * float(rng.uniform(0.6, 1.0))
                split = rng.dirichlet([3.0, 3.0, 2.0, 2.0, 2.0, 0.5])
                for (theme, _), part in zip(THEMES, split, strict=True):
                    given[theme_qid(theme)] = _thousands(accounted * float(part))
            elif draw < 0.85:
                for theme, _ in THEMES:
                    given[theme_qid(theme)] = VED_IKKE
        out[code] = given
    return out
