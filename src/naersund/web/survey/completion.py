"""How far the municipalities are with a survey round: per municipality, not started, a draft
or submitted, and how many of its questions are answered (the round's page and the front
page's overview). Reads only; the answers are written by :mod:`naersund.web.survey.services`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from naersund.web.survey.models import Answer, Round


@dataclass(frozen=True)
class CompletionRow:
    kommunekode: int
    name: str
    region_code: int
    state: str  # "not_started", "draft" or "submitted"
    answered: int
    asked: int
    submitted_at: dt.datetime | None
    updated_at: dt.datetime | None

    @property
    def state_da(self) -> str:
        return COMPLETION_LABELS[self.state]


COMPLETION_LABELS = {
    "not_started": "Ikke påbegyndt",
    "draft": "Kladde",
    "submitted": "Indsendt",
}


def completion(rnd: Round, region_code: int | None = None) -> list[CompletionRow]:
    """One row per municipality (of the area ``region_code``, a KKR or a sundhedsråd, or all
    98), sorted by name. ``CompletionRow.region_code`` is the municipality's KKR."""
    from naersund.refdata import municipalities, scopes

    m = municipalities()
    if region_code is not None:
        m = m[m["kommunekode"].isin(scopes.members(region_code))]
    responses = {r.kommunekode: r for r in rnd.responses.all()}
    answered: dict[int, int] = {}
    for code in Answer.objects.filter(response__round=rnd, value__isnull=False).values_list(
        "response__kommunekode", flat=True
    ):
        answered[code] = answered.get(code, 0) + 1
    specs = [q.spec() for q in rnd.questions.all()]
    rows = []
    for code, name, region in zip(m["kommunekode"], m["name"], m["region_code"], strict=True):
        code = int(code)
        r = responses.get(code)
        rows.append(
            CompletionRow(
                kommunekode=code,
                name=str(name),
                region_code=int(region),
                state="not_started" if r is None else r.state,
                answered=answered.get(code, 0),
                asked=sum(1 for s in specs if s.applies_to(code)),
                submitted_at=r.submitted_at if r is not None and r.is_submitted else None,
                updated_at=r.updated_at if r is not None else None,
            )
        )
    return sorted(rows, key=lambda row: row.name)
