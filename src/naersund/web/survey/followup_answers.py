"""The follow-up answers of a round as the user may see them: the one function the
Kommuneprofil, the KKR overview and the report packs ask (:func:`followup_answers`), so that
an answer shown in two places is the same answer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from naersund.survey.followup import FollowupAnswer, answers_from
from naersund.web.accounts import access
from naersund.web.dashboard import context as ctx
from naersund.web.survey.models import Answer, Question, ResponseState, Round


def followup_answers(
    rnd: Round | None, kommunekoder: Iterable[int], user: Any | None
) -> dict[tuple[int, str], FollowupAnswer]:
    """(kommunekode, indicator) -> the municipality's submitted follow-up answer in ``rnd``,
    for every follow-up question ``rnd`` asks of one of ``kommunekoder`` whose answers the
    user may see (``access.can_view_answers``; ``user`` None: every one, for the command line
    run by an operator of the data). The round is named as every survey figure names it
    ("foreløbig (runden er åben)" while it is open)."""
    if rnd is None:
        return {}
    visible = sorted(
        k for k in kommunekoder if user is None or access.can_view_answers(user, k, rnd)
    )
    questions = list(Question.every.filter(round=rnd, kommunekode__in=visible))
    if not questions:
        return {}
    rows = Answer.objects.filter(
        response__round=rnd,
        response__state=ResponseState.SUBMITTED,
        question__in=questions,
    ).values_list("response__kommunekode", "question__qid", "value")
    values = {(int(k), str(qid)): value for k, qid, value in rows}
    return answers_from([q.spec() for q in questions], values, ctx.round_label(rnd))
