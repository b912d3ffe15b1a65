"""The money answers of a round for one reader: the one place the page "Økonomi i
statusrunden", its XLSX and the API get them from (:func:`money_for`), plus the
municipalities' own answers the reader may see (:func:`own_answers`).

Access follows every other answer (``naersund.web.accounts.access``): the aggregates are for
every logged-in user, with small groups' kr. hidden from readers who may not see those
municipalities' own answers (:mod:`naersund.survey.money_aggregate`); each municipality's own
amounts only for those who may see its answers (``access.answers_visible_to``: its editors, its
KKR's or sundhedsråd's secretariat, national administrators, everyone logged in once the round
is published).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404

from naersund import fmt
from naersund.catalogue import Catalogue
from naersund.survey import aggregate as agg
from naersund.survey.money import is_money_question
from naersund.survey.money_aggregate import MoneyAggregates, money_aggregates
from naersund.survey.money_export import MunicipalityMoney, municipality_money
from naersund.web.accounts import access
from naersund.web.catalogue.store import catalogue_from_db, current_version
from naersund.web.dashboard.models import EffectEstimate, EffectSet
from naersund.web.survey.models import Question, Response, ResponseState, Round
from naersund.web.survey.result_areas import area_groups
from naersund.web.survey.views_results import round_answers

DEMO_USER = "demodata"  # the writer of the demo rounds' answers (load_demo_survey)


def money_questions(rnd: Round) -> list[Question]:
    """The round's money questions (shared ones; none in a round made without them)."""
    return [q for q in rnd.questions.order_by("position") if is_money_question(q.qid)]


def latest_money_round() -> Round | None:
    """The newest round that asks the money questions and has a submitted response."""
    return (
        Round.objects.filter(
            questions__qid__startswith="kroner.", responses__state=ResponseState.SUBMITTED
        )
        .distinct()
        .order_by("-year", "-opens_on")
        .first()
    )


def _catalogue(rnd: Round) -> Catalogue:
    version = rnd.catalogue or current_version()
    if version is None:
        raise Http404("Runden har intet katalog")
    return catalogue_from_db(version)


def is_synthetic(rnd: Round) -> bool:
    """The round's answers are demo data: the site runs as a demo, or they were written by
    the demo loader's user."""
    if settings.DEMO:
        return True
    return Response.objects.filter(
        round=rnd, state=ResponseState.SUBMITTED, submitted_by__username=DEMO_USER
    ).exists()


def _pct(x: float | None) -> str:
    if x is None:
        return ""
    return f"{fmt.signed(x * 100, 0)} pct."


def effect_texts(rnd: Round) -> tuple[dict[str, list[str]], str]:
    """initiative id -> its stored effect estimates (``EffectEstimate``) as short Danish texts
    (indicator, relative effect, interval), and where they come from (release and the round
    whose start years they use): this round's set in the current release, else the current
    release's newest set."""
    sets = EffectSet.objects.filter(release__is_current=True).select_related("release", "round")
    chosen = sets.filter(round=rnd).first() or sets.order_by("-computed_at").first()
    if chosen is None:
        return {}, ""
    where = (
        f"udgivelse {chosen.release.pk}, startår fra {chosen.round.title_da}; relativ effekt "
        "med 95 %-konfidensinterval"
    )
    out: dict[str, list[str]] = {}
    for e in EffectEstimate.objects.filter(effect_set=chosen).order_by("position"):
        if e.relative_estimate is None:
            text = f"{e.indicator_name}: intet skøn ({e.note or 'for lidt data'})"
        else:
            text = (
                f"{e.indicator_name}: {_pct(e.relative_estimate)} "
                f"({_pct(e.relative_lower_ci)} til {_pct(e.relative_upper_ci)})"
            )
        out.setdefault(e.initiative, []).append(text)
    return out, where


def money_for(user: Any, rnd: Round, area: agg.Area) -> MoneyAggregates:
    """The round's money aggregates in ``area`` as ``user`` may see them: no small group's sum
    is shown, nor one that the areas the user may choose (the results page's selector) would
    give away by subtraction."""
    answers = round_answers(rnd)
    effects, effects_source = effect_texts(rnd)
    return money_aggregates(
        _catalogue(rnd),
        answers,
        [q.qid for q in money_questions(rnd)],
        area,
        visible=access.answers_visible_to(user, rnd),
        effects=effects,
        effects_source=effects_source,
        others=[a for group in area_groups(user) for a in group.areas],
    )


def own_answers(
    user: Any, rnd: Round, area: agg.Area
) -> tuple[list[Question], list[MunicipalityMoney]]:
    """The money questions and the submitted money answers of the area's municipalities whose
    answers ``user`` may see (none for the others)."""
    questions = money_questions(rnd)
    visible = access.answers_visible_to(user, rnd) & area.members
    if not visible:
        return questions, []
    answers = round_answers(rnd)
    rows = municipality_money(answers.answers, [q.spec() for q in questions], visible)
    return questions, rows
