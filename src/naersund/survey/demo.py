"""Demo answers: a complete, realistic status survey of all 98 municipalities.

Two rounds, deterministic for a seed:

- **Status 2013 (udgangspunkt)**: the national shares match the baseline figures of KKR
  Hovedstaden's paper as the catalogue links them to questions (``Baseline.survey_question``):
  67 of 98 have opfølgende hjemmebesøg (68 pct.), 95 of 98 have or are implementing the
  kommunikationsaftale (97 pct.), 25 of KKR Hovedstaden's 29 have or plan hjerte-kar offers,
  and so on. Figures the paper does not give are drawn around a plausible level for skal- and
  kan-initiatives.
- **Opfølgning 2014**: each municipality moves on from its 2013 answers (statuses one step up
  with some probability, never down; new pilots, more choices ticked).

Every municipality submits both rounds, with a short Danish tilbagemelding; kan-initiatives of
KKR Hovedstaden have pilot municipalities, alone or together with real neighbours (shared
boundary in the shipped municipality boundaries). Pure: the result is
:class:`~naersund.survey.aggregate.RoundAnswers` with values encoded as
:mod:`naersund.survey.questions` says; the web app's ``load_demo_survey`` writes them through
the survey services.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from naersund.catalogue import Baseline, Catalogue, Initiative, iter_initiatives
from naersund.refdata import boundaries_path, region_of
from naersund.survey.aggregate import RoundAnswers, percent
from naersund.survey.questions import STATUS_VALUES, QuestionSpec, municipality_name

DEMO_SEED = 2013


@dataclass(frozen=True)
class DemoRound:
    slug: str
    title_da: str
    year: int


BASELINE_ROUND = DemoRound("status-2013", "Status 2013 (udgangspunkt)", 2013)
FOLLOW_UP_ROUND = DemoRound("opfoelgning-2014", "Opfølgning 2014", 2014)
DEMO_ROUNDS = (BASELINE_ROUND, FOLLOW_UP_ROUND)

# level of a status: 0 ikke påbegyndt .. 3 implementeret; threshold t counts levels >= t
_LEVEL = {s: i for i, s in enumerate(STATUS_VALUES)}

# Where the papers give no figure: (implemented, + under implementation, + planned) as shares.
_PROFILE = {
    "skal": ((0.35, 0.60), (0.15, 0.30), (0.05, 0.15)),
    "kan": ((0.08, 0.20), (0.10, 0.20), (0.10, 0.20)),
    None: ((0.25, 0.50), (0.15, 0.25), (0.05, 0.15)),
}
# chance per initiative kind of moving one status up from 2013 to 2014
_PROGRESS = {"skal": 0.5, "kan": 0.3, None: 0.35}

# The union of a multichoice question's choices is the set of municipalities with this status
# implemented (systematic management information is made at one of three levels or not at all).
_COUPLED = {"fri.ledelsesinformation-niveauer": "status.hovedstaden_ledelsesinformation"}


def target_count(baseline: Baseline, n: int) -> int:
    """How many of ``n`` municipalities give the baseline's figure as the paper writes it:
    the count whose rounded percentage is the figure (closest to it when several are),
    the middle of a range, or the count itself for "25 ud af 29"."""
    if baseline.unit == "antal":
        return int(baseline.value)
    if baseline.value_max is not None:
        return round((baseline.value + baseline.value_max) / 2 * n / 100)
    hits = [k for k in range(n + 1) if percent(k, n) == round(baseline.value)]
    if not hits:
        raise ValueError(f"no count of {n} gives {baseline.value} pct. ({baseline.id})")
    return min(hits, key=lambda k: abs(k - baseline.value * n / 100))


# --- neighbours -------------------------------------------------------------------------------


@cache
def neighbours() -> dict[int, tuple[int, ...]]:
    """kommunekode -> the municipalities it shares a boundary with (islands: none).

    Two municipalities are neighbours when vertices of their boundaries fall in the same cell
    of a 0.002° grid (about 200 m), on either of two grids offset by half a cell."""
    with open(boundaries_path(), encoding="utf-8") as f:
        features = json.load(f)["features"]
    cells: dict[tuple[int, int, int], set[int]] = {}
    step = 0.002
    for feat in features:
        code = int(feat["properties"]["kommunekode"])
        coords = [pt for poly in feat["geometry"]["coordinates"] for ring in poly for pt in ring]
        xy = np.asarray(coords, dtype=float)[:, :2] / step
        for shift in (0, 1):
            keys = np.floor(xy + 0.5 * shift).astype(np.int64)
            for kx, ky in {(int(a), int(b)) for a, b in keys}:
                cells.setdefault((shift, kx, ky), set()).add(code)
    out: dict[int, set[int]] = {code: set() for code in region_of()}
    for members in cells.values():
        if len(members) > 1:
            for code in members:
                out[code] |= members - {code}
    return {code: tuple(sorted(others)) for code, others in out.items()}


# --- the generator ----------------------------------------------------------------------------


@dataclass
class _Ctx:
    rng: np.random.Generator
    codes: list[int]
    region: dict[int, int]
    propensity: dict[int, float]


def generate_demo_survey(
    catalogue: Catalogue,
    questions: Sequence[QuestionSpec],
    seed: int = DEMO_SEED,
    planted: Sequence[Mapping[str, Any]] = (),
) -> tuple[RoundAnswers, RoundAnswers]:
    """The 2013 baseline round and the 2014 follow-up, for the given questions (those of
    :func:`naersund.survey.questions.questions_from_catalogue`).

    ``planted`` (the ``planted_effects`` of a synthetic registry's manifest) makes the answers
    agree with the effects planted in the data: for each planted initiative, the municipalities
    it was planted in have it implemented from their start year (and give that year), the
    others have not started; so the demo's effect estimates can be checked against the plant.
    """
    rng = np.random.default_rng(seed)
    region = region_of()
    codes = sorted(region)
    ctx = _Ctx(rng, codes, region, {c: float(rng.normal()) for c in codes})
    initiatives = {ini.id: (kkr.region_code, ini) for kkr, _, ini in iter_initiatives(catalogue)}
    by_question: dict[str, list[Baseline]] = {}
    for kkr in catalogue.kkr:
        for goal in kkr.goals:
            for b in goal.baselines:
                if b.survey_question:
                    by_question.setdefault(b.survey_question, []).append(b)

    first: dict[int, dict[str, Any]] = {c: {} for c in codes}
    specs = {q.qid: q for q in questions}
    for q in questions:
        if q.kind == "status" and q.initiative_id in initiatives:
            _, ini = initiatives[q.initiative_id]
            levels = _status_levels(ctx, ini, by_question.get(q.qid, []))
            for c in codes:
                if q.applies_to(c):
                    first[c][q.qid] = STATUS_VALUES[levels[c]]
    for q in questions:
        if q.kind == "year" and q.initiative_id:
            _years(ctx, first, q, 2013)
        elif q.kind == "pilot" and q.initiative_id in initiatives:
            owner, _ = initiatives[q.initiative_id]
            _pilots(ctx, first, q, owner, {})
        elif q.kind in ("yesno", "choice", "multichoice"):
            _free(ctx, first, q, by_question.get(q.qid, []))
    for q in questions:  # numbers and texts may depend on the choices above
        if q.kind in ("number", "text") and not q.initiative_id:
            _number_or_text(ctx, first, q, None)
    second = _follow_up(ctx, first, specs, initiatives)
    for answers, year in ((first, BASELINE_ROUND.year), (second, FOLLOW_UP_ROUND.year)):
        _agree_with_planted(answers, planted, year)
    return (
        _round(BASELINE_ROUND, first, _tilbagemeldinger(ctx, first, None, specs, initiatives)),
        _round(FOLLOW_UP_ROUND, second, _tilbagemeldinger(ctx, second, first, specs, initiatives)),
    )


def _agree_with_planted(
    answers: dict[int, dict[str, Any]], planted: Sequence[Mapping[str, Any]], year: int
) -> None:
    starts: dict[str, dict[int, int]] = {}
    for p in planted:
        starts.setdefault(str(p["initiative"]), {})[int(p["kommunekode"])] = int(p["start_year"])
    for initiative, started in starts.items():
        status_q, year_q = f"status.{initiative}", f"startaar.{initiative}"
        for code, given in answers.items():
            if status_q not in given:
                continue  # not asked
            start = started.get(code)
            if start is not None and start <= year:
                given[status_q], given[year_q] = "implementeret", start
            else:
                given[status_q] = "ikke_paabegyndt" if start is None else "planlagt"
                given.pop(year_q, None)


def _round(r: DemoRound, answers: dict[int, dict[str, Any]], texts: dict[int, str]) -> RoundAnswers:
    clean = {c: {k: v for k, v in a.items() if v is not None} for c, a in answers.items()}
    return RoundAnswers(r.slug, r.title_da, r.year, clean, texts)


def _thresholds(
    n: int, fixed: dict[int, int], profile: Any, rng: np.random.Generator, bounds: dict[int, Any]
) -> dict[int, int]:
    """Counts at levels >= 3, 2, 1 for a group of n: the fixed ones; each other one the count
    above it plus a share drawn from the profile, within what the fixed ones (and ``bounds``:
    t -> (lo, hi)) allow."""
    step = {t: rng.uniform(*p) for t, p in zip((3, 2, 1), profile, strict=True)}
    out: dict[int, int] = {}
    for t in (3, 2, 1):
        if t in fixed:
            out[t] = fixed[t]
            continue
        lo = max([out.get(t + 1, 0)] + [v for u, v in fixed.items() if u > t])
        hi = min([n] + [v for u, v in fixed.items() if u < t])
        blo, bhi = bounds.get(t, (0, n))
        lo, hi = max(lo, blo), min(hi, bhi)
        out[t] = int(min(max(out.get(t + 1, 0) + round(step[t] * n), lo), hi))
    return out


def _fixed_levels(baselines: list[Baseline], n: int) -> dict[int, int]:
    """Baselines on a status question as counts at a threshold: answers "implementeret" (and
    "under_implementering", ...) fix the count at or above a level; their complement fixes it
    from below."""
    out: dict[int, int] = {}
    for b in baselines:
        levels = sorted(_LEVEL[a] for a in b.survey_answers)
        k = target_count(b, n)
        if levels == list(range(levels[0], 4)):  # level t and above
            out[levels[0]] = k
        elif levels == list(range(0, levels[-1] + 1)):  # below level t
            out[levels[-1] + 1] = n - k
        else:
            raise ValueError(f"{b.id}: a demo cannot meet answers {b.survey_answers}")
    return out


def _status_levels(ctx: _Ctx, ini: Initiative, baselines: list[Baseline]) -> dict[int, int]:
    profile = _PROFILE[ini.kind]
    national = [b for b in baselines if b.survey_region is None]
    regional: dict[int, list[Baseline]] = {}
    for b in baselines:
        if b.survey_region is not None:
            regional.setdefault(b.survey_region, []).append(b)
    nat_fixed = _fixed_levels(national, len(ctx.codes))
    levels: dict[int, int] = {}
    used: dict[int, int] = {}
    rest = list(ctx.codes)
    for region_code, bs in sorted(regional.items()):
        members = [c for c in ctx.codes if ctx.region[c] == region_code]
        rest = [c for c in rest if ctx.region[c] != region_code]
        n = len(members)
        fixed = _fixed_levels(bs, n)
        bounds = {t: (max(0, v - len(rest)), v) for t, v in nat_fixed.items()}
        counts = _thresholds(n, fixed, profile, ctx.rng, bounds)
        levels |= _assign(ctx, members, counts)
        for t, v in counts.items():
            used[t] = used.get(t, 0) + v
    rest_fixed = {t: v - used.get(t, 0) for t, v in nat_fixed.items()}
    levels |= _assign(ctx, rest, _thresholds(len(rest), rest_fixed, profile, ctx.rng, {}))
    return levels


def _assign(ctx: _Ctx, members: list[int], counts: dict[int, int]) -> dict[int, int]:
    score = {c: ctx.propensity[c] + float(ctx.rng.normal(0, 0.8)) for c in members}
    order = sorted(members, key=lambda c: -score[c])
    out = {}
    for i, c in enumerate(order):
        out[c] = 3 if i < counts[3] else 2 if i < counts[2] else 1 if i < counts[1] else 0
    return out


def _years(ctx: _Ctx, answers: dict[int, dict[str, Any]], q: QuestionSpec, year: int) -> None:
    status_q = f"status.{q.initiative_id}"
    for c in ctx.codes:
        level = _LEVEL.get(answers[c].get(status_q, ""), 0)
        if level == 3:
            answers[c][q.qid] = int(year - ctx.rng.choice([0, 1, 1, 2, 2, 3, 4]))
        elif level == 2:
            answers[c][q.qid] = int(year - ctx.rng.choice([0, 0, 1]))


def _pilots(
    ctx: _Ctx,
    answers: dict[int, dict[str, Any]],
    q: QuestionSpec,
    owner: int,
    before: dict[int, Any],
) -> None:
    """Pilots among the owner KKR's municipalities that have come far (under implementation or
    implemented); about half of them with 1-2 neighbours that have come as far."""
    status_q = f"status.{q.initiative_id}"
    far = {c for c in ctx.codes if _LEVEL.get(answers[c].get(status_q, ""), 0) >= 2}
    taken = {c for c, v in before.items() if v.get("pilot") != "nej"}
    for c in ctx.codes:
        answers[c][q.qid] = before.get(c, {"pilot": "nej"})
    chance = 0.3 if not before else 0.12
    for c in sorted(far):
        if ctx.region[c] != owner or c in taken or ctx.rng.random() > chance:
            continue
        mates = [
            m for m in neighbours()[c] if m in far and m not in taken and ctx.region[m] == owner
        ]
        ctx.rng.shuffle(mates)
        group = [c, *mates[: int(ctx.rng.integers(0, 3))]]
        taken |= set(group)
        for m in group:
            others = sorted(set(group) - {m})
            answers[m][q.qid] = {"pilot": "sammen", "med": others} if others else {"pilot": "alene"}


def _choice_counts(baselines: list[Baseline], n: int) -> list[tuple[set[str], int]]:
    return [(set(b.survey_answers), target_count(b, n)) for b in baselines]


def _free(
    ctx: _Ctx, answers: dict[int, dict[str, Any]], q: QuestionSpec, baselines: list[Baseline]
) -> None:
    codes = [c for c in ctx.codes if q.applies_to(c)]
    n = len(codes)
    national = [b for b in baselines if b.survey_region is None]
    score = {c: ctx.propensity[c] + float(ctx.rng.normal(0, 1.0)) for c in codes}
    order = sorted(codes, key=lambda c: -score[c])
    if q.kind == "yesno":
        yes = round(ctx.rng.uniform(0.4, 0.8) * n)
        for wanted, k in _choice_counts(national, n):
            yes = k if wanted == {"ja"} else n - k
        for i, c in enumerate(order):
            answers[c][q.qid] = i < yes
    elif q.kind == "choice":
        values = list(q.choice_values())
        groups = _choice_counts(national, n)
        free_values = [v for v in values if not any(v in g for g, _ in groups)]
        i = 0
        for group, k in groups:
            options = [v for v in values if v in group]
            for c in order[i : i + k]:
                answers[c][q.qid] = str(ctx.rng.choice(options))
            i += k
        for c in order[i:]:
            answers[c][q.qid] = str(ctx.rng.choice(free_values or values))
    elif q.kind == "multichoice":
        _multichoice(ctx, answers, q, national, order)


def _multichoice(
    ctx: _Ctx,
    answers: dict[int, dict[str, Any]],
    q: QuestionSpec,
    baselines: list[Baseline],
    order: list[int],
) -> None:
    values = list(q.choice_values())
    n = len(order)
    quota = {v: round(ctx.rng.uniform(0.4, 0.8) * n) for v in values}
    union: list[int] | None = None
    for wanted, k in _choice_counts(baselines, n):
        if len(wanted) == 1:
            quota[next(iter(wanted))] = k
        elif wanted == set(values):
            union = order[:k]
    coupled = _COUPLED.get(q.qid)
    if coupled is not None:
        members = [c for c in order if answers[c].get(coupled) == "implementeret"]
        if union is None or len(members) == len(union):
            union = members
    chosen: dict[int, set[str]] = {c: set() for c in order}
    pool = order if union is None else union
    if union is not None:  # everyone in the union ticks at least one choice
        left = dict(quota)
        for c in union:
            v = max(values, key=lambda v: (left[v], -values.index(v)))
            chosen[c].add(v)
            left[v] -= 1
        quota = left
    for v in values:
        lacking = [c for c in pool if v not in chosen[c]]
        for c in lacking[: max(quota[v], 0)]:
            chosen[c].add(v)
    for c in order:
        answers[c][q.qid] = [v for v in values if v in chosen[c]]


REMARKS = (
    "Sundhedsprofilen bruges som prioriteringsværktøj i budgetlægningen.",
    "Vi afventer KL's og Danske Regioners udspil om forløbskoordinering.",
    "Arbejdet forankres i den tværgående styregruppe for sundhed.",
    "Kommunalbestyrelsen følger op på målene to gange om året.",
    "Rekruttering af sygeplejersker er en udfordring for akutindsatsen.",
    "Vi samarbejder med nabokommunerne om fælles uddannelse af personalet.",
)


def _number_or_text(
    ctx: _Ctx, answers: dict[int, dict[str, Any]], q: QuestionSpec, before: Any
) -> None:
    for c in ctx.codes:
        if not q.applies_to(c):
            continue
        if q.kind == "number":
            kind = answers[c].get("fri.akutpladser")
            old = (before or {}).get(c, {}).get(q.qid) or 0
            if kind == "nej":
                answers[c][q.qid] = 0
            elif kind == "akutplejeenhed":
                answers[c][q.qid] = max(old, int(ctx.rng.integers(6, 25)))
            else:
                answers[c][q.qid] = max(old, int(ctx.rng.integers(1, 9)))
        elif ctx.rng.random() < 0.2:
            answers[c][q.qid] = str(ctx.rng.choice(REMARKS))


def _follow_up(
    ctx: _Ctx,
    first: dict[int, dict[str, Any]],
    specs: dict[str, QuestionSpec],
    initiatives: dict[str, tuple[int, Initiative]],
) -> dict[int, dict[str, Any]]:
    second: dict[int, dict[str, Any]] = {c: {} for c in ctx.codes}
    for qid, q in specs.items():
        if q.kind != "status" or q.initiative_id not in initiatives:
            continue
        _, ini = initiatives[q.initiative_id]
        p = _PROGRESS[ini.kind]
        for c in ctx.codes:
            old = first[c].get(qid)
            if old is None:
                continue
            level = _LEVEL[old]
            if level < 3 and ctx.rng.random() < p:
                level += 1
            second[c][qid] = STATUS_VALUES[level]
    for qid, q in specs.items():
        if q.kind == "year" and q.initiative_id:
            for c in ctx.codes:
                if first[c].get(qid) is not None:
                    second[c][qid] = first[c][qid]
            started = [c for c in ctx.codes if second[c].get(qid) is None]
            status_q = f"status.{q.initiative_id}"
            for c in started:
                if _LEVEL.get(second[c].get(status_q, ""), 0) >= 2:
                    second[c][qid] = 2014
        elif q.kind == "pilot" and q.initiative_id in initiatives:
            owner, _ = initiatives[q.initiative_id]
            before = {c: first[c][qid] for c in ctx.codes if qid in first[c]}
            _pilots(ctx, second, q, owner, before)
        elif q.kind == "yesno":
            for c in ctx.codes:
                if qid in first[c]:
                    second[c][qid] = bool(first[c][qid]) or ctx.rng.random() < 0.3
        elif q.kind == "choice":
            for c in ctx.codes:
                old = first[c].get(qid)
                if old == "nej" and ctx.rng.random() < 0.4:
                    old = (
                        "midlertidige_pladser"
                        if "midlertidige_pladser" in q.choice_values()
                        else old
                    )
                second[c][qid] = old
        elif q.kind == "multichoice":
            coupled = _COUPLED.get(qid)
            values = list(q.choice_values())
            for c in ctx.codes:
                if qid not in first[c]:
                    continue
                have = set(first[c][qid])
                have |= {v for v in values if ctx.rng.random() < 0.2}
                if coupled is not None:
                    if second[c].get(coupled) != "implementeret":
                        have = set(first[c][qid])
                    elif not have:
                        have = {values[-1]}
                second[c][qid] = [v for v in values if v in have]
    for q in specs.values():
        if q.kind in ("number", "text") and not q.initiative_id:
            _number_or_text(ctx, second, q, first)
    return second


def _tilbagemeldinger(
    ctx: _Ctx,
    answers: dict[int, dict[str, Any]],
    before: dict[int, dict[str, Any]] | None,
    specs: dict[str, QuestionSpec],
    initiatives: dict[str, tuple[int, Initiative]],
) -> dict[int, str]:
    """A short Danish text per municipality: what it will prioritise, what it pilots, and (in
    the follow-up) what it has achieved since the last round."""
    year = 2013 if before is None else 2014
    out = {}
    status_qids = [q for q, s in specs.items() if s.kind == "status" and s.initiative_id]
    for c in ctx.codes:
        a = answers[c]

        def short(qid: str) -> str:
            ini = initiatives[specs[qid].initiative_id or ""][1]
            return ini.short_da or ini.title_da

        def owner(qid: str) -> int:
            return initiatives[specs[qid].initiative_id or ""][0]

        def kind(qid: str) -> str | None:
            return initiatives[specs[qid].initiative_id or ""][1].kind

        # its own KKR's initiatives, else the skal-initiatives (the common frame)
        skal = [q for q in status_qids if owner(q) == ctx.region[c]] or [
            q for q in status_qids if kind(q) == "skal"
        ]
        open_ = [q for q in skal if a.get(q) in ("planlagt", "under_implementering")]
        open_ = open_ or [q for q in skal if a.get(q) == "ikke_paabegyndt"] or skal
        picks = [str(x) for x in ctx.rng.choice(open_, size=min(2, len(open_)), replace=False)]
        focus = " og ".join(short(q) for q in picks)
        parts = []
        if before is not None:
            done = [
                q
                for q in status_qids
                if a.get(q) == "implementeret" and before[c].get(q) != "implementeret"
            ]
            if done:
                parts.append(
                    f"Siden sidste statusrunde har vi indført {short(str(ctx.rng.choice(done)))}."
                )
            else:
                parts.append(
                    "Siden sidste statusrunde har vi konsolideret de eksisterende indsatser."
                )
        when = "i 2013" if year == 2013 else "i 2015"
        parts.append(f"Vi vil {when} særligt prioritere {focus}.")
        pilots = [
            (q, v)
            for q, v in a.items()
            if q.startswith("pilot.") and isinstance(v, dict) and v.get("pilot") != "nej"
        ]
        if pilots:
            q, v = pilots[0]
            what = short("status." + q.split(".", 1)[1])
            if v.get("med"):
                names = [municipality_name(m) for m in v["med"]]
                mates = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " og " + names[-1]
                parts.append(f"Vi er pilotkommune for {what} sammen med {mates}.")
            else:
                parts.append(f"Vi er pilotkommune for {what}.")
        if ctx.rng.random() < 0.5:
            parts.append(str(ctx.rng.choice(REMARKS)))
        out[c] = " ".join(parts)
    return out
