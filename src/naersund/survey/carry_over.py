"""Carrying a municipality's answers of the previous round over into this round's form.

Most answers do not change from one round to the next (a skal-initiative that was
"Implementeret" stays so), so an editor starts from last round's answers and changes only what
has moved. qids are the same in every round made from the same (or a compatible later)
catalogue, so an answer carries over to the question with the same qid.

Only questions the editor has left empty are filled: what the editor has typed in this round
is never overwritten. A previous answer that no longer fits the question (a choice the round no
longer offers, a question not asked of the municipality) is left behind, not guessed at.
The money questions' amounts (kind ``kroner``) are not carried: they are the kr. of the round's
year (shown beside the question, not copied). Nothing is saved here; the editor sees the carried answers in the form and saves or submits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from naersund.survey.answer_values import clean_value
from naersund.survey.questions import AnswerError, QuestionSpec


def carry_over(
    specs: Iterable[QuestionSpec],
    current: Mapping[str, Any],
    previous: Mapping[str, Any],
    kommunekode: int,
) -> dict[str, Any]:
    """The previous round's answers (qid -> value) for the questions of ``specs`` that the
    municipality is asked and that are unanswered in ``current`` (absent or ``None``), each
    checked against this round's question."""
    out: dict[str, Any] = {}
    for spec in specs:
        if not spec.applies_to(kommunekode) or current.get(spec.qid) is not None:
            continue
        if spec.kind == "kroner":  # a year's kr. (money questions) are that year's only
            continue
        old = previous.get(spec.qid)
        if old is None:
            continue
        try:
            value = clean_value(spec, old, kommunekode)
        except AnswerError:
            continue
        if value is not None:
            out[spec.qid] = value
    return out
