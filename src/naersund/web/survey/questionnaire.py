"""The questionnaire page as plain context objects (the view only checks access and renders).

A municipality's questions (its own KKR's initiatives and the free questions) in sections, each
section with its progress ("5 af 12 besvaret") and a table of contents; beside each question
the municipality's answer in the previous round; and the carry-over of those answers into the
form (:func:`naersund.survey.carry_over.carry_over`), which fills the form and saves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from naersund.refdata import KKR_NAMES
from naersund.survey.answer_values import format_value
from naersund.survey.carry_over import carry_over
from naersund.survey.questions import (
    PILOT_LABELS,
    STATUS_LABELS,
    municipality_name,
    municipality_regions,
    scope_members,
)
from naersund.web.accounts import access
from naersund.web.survey import services
from naersund.web.survey.forms import (
    NONE_OF_THEM,
    Item,
    Posted,
    build_items,
    chosen_codes,
    others_name,
    partner_groups,
    ved_ikke_name,
    version_name,
)
from naersund.web.survey.models import Question, Round


@dataclass
class Group:
    """The questions of one initiative (or one free question) under one heading."""

    title: str
    kind: str
    html_id: str
    free: bool
    items: list[Item] = field(default_factory=list)

    def _of(self, kind: str) -> Item | None:
        return next((i for i in self.items if i.spec.kind == kind), None)

    @property
    def status(self) -> Item | None:
        return self._of("status")

    @property
    def year(self) -> Item | None:
        return self._of("year")

    @property
    def pilot(self) -> Item | None:
        return self._of("pilot")

    @property
    def money(self) -> Item | None:
        """The initiative's question "Hvor mange kr. ... bruges på indsatsen" (money rounds)."""
        return self._of("kroner") if not self.free else None


@dataclass
class Section:
    title: str
    html_id: str
    groups: list[Group] = field(default_factory=list)

    @property
    def free(self) -> bool:
        return all(g.free for g in self.groups)

    @property
    def items(self) -> list[Item]:
        return [i for g in self.groups for i in g.items]

    @property
    def asked(self) -> int:
        return len(self.items)

    @property
    def answered(self) -> int:
        return sum(1 for i in self.items if i.value is not None)

    @property
    def complete(self) -> bool:
        return self.answered == self.asked


def sections_of(items: list[Item]) -> list[Section]:
    """The items under their section headings, an initiative's questions in one group."""
    sections: list[Section] = []
    groups: dict[str, Group] = {}
    for item in items:
        spec = item.spec
        if not sections or sections[-1].title != spec.section_da:
            sections.append(Section(spec.section_da, f"s{len(sections) + 1}"))
        key = spec.initiative_id or spec.qid
        group = groups.get(key)
        if group is None:
            title = item.question.text_da if spec.kind == "status" or not spec.initiative_id else ""
            group = Group(
                title,
                spec.initiative_kind or "",
                "g-" + key.replace(".", "-"),
                free=spec.initiative_id is None,
            )
            groups[key] = group
            sections[-1].groups.append(group)
        group.items.append(item)
    return sections


def own_kkr_first(questions: list[Question], kommunekode: int) -> list[Question]:
    """The initiatives of the municipality's own areas (its KKR, its sundhedsråd) first, then
    other areas' (only a round made with ``national`` asks them), then the free questions."""

    def rank(q: Question) -> tuple[int, int]:
        if q.owner_region_code is None:
            return (2, q.position)
        own = kommunekode in scope_members(q.owner_region_code)
        return (0 if own else 1, q.position)

    return sorted(questions, key=rank)


def questions_of(rnd: Round, kommunekode: int) -> list[Question]:
    """The questions the municipality is asked, in the order the page shows them."""
    return own_kkr_first(services.questions_for(rnd, kommunekode), kommunekode)


@dataclass(frozen=True)
class Previous:
    """The municipality's answers in the round before (``rnd.previous``), by qid."""

    round: Round | None
    values: dict[str, Any]

    @property
    def title(self) -> str:
        return self.round.title_da if self.round is not None else ""


def previous_answers(rnd: Round, kommunekode: int) -> Previous:
    """The stored answers of the municipality in the previous round (none without one)."""
    before = rnd.previous
    if before is None:
        return Previous(None, {})
    answers = services.answers_of(services.response_of(before, kommunekode))
    return Previous(before, {qid: a.value for qid, a in answers.items() if a.value is not None})


def _decorate(items: list[Item], previous: Previous, kommunekode: int) -> list[Item]:
    """Each item with its previous answer, a pilot question with its list of municipalities."""
    for item in items:
        old = previous.values.get(item.spec.qid)
        item.previous = format_value(item.spec, old) if old is not None else ""
        if item.spec.kind == "pilot":
            item.partners = partner_groups(kommunekode, chosen_codes(item.text))
    return items


def page_context(
    user: Any, rnd: Round, kommunekode: int, items: list[Item] | None = None
) -> dict[str, Any]:
    """Everything the questionnaire template shows; ``items`` are the form's (posted or
    carried-over) answers, by default the stored ones."""
    response = services.response_of(rnd, kommunekode)
    previous = previous_answers(rnd, kommunekode)
    if items is None:
        items = build_items(questions_of(rnd, kommunekode), services.answers_of(response))
    _decorate(items, previous, kommunekode)
    may_edit = access.can_edit_municipality(user, kommunekode)
    is_open = rnd.is_open()
    submitted = response is not None and response.is_submitted
    editable = may_edit and is_open and not submitted
    carriable = carry_over(
        [i.spec for i in items],
        {i.spec.qid: i.value for i in items},
        previous.values,
        kommunekode,
    )
    return {
        "round": rnd,
        "kommunekode": kommunekode,
        "name": municipality_name(kommunekode),
        "region_name": KKR_NAMES.get(municipality_regions()[kommunekode], ""),
        "response": response,
        "sections": sections_of(items),
        "editable": editable,
        "can_reopen": may_edit and is_open and submitted,
        "may_edit": may_edit,
        "is_open": is_open,
        "answered": sum(1 for i in items if i.value is not None),
        "asked": len(items),
        "previous_round": previous.round,
        "previous_title": previous.title,
        "can_carry_over": editable and bool(carriable),
        "carriable": len(carriable),
        "response_version": response.version if response is not None else 0,
        "tilbagemelding": response.tilbagemelding if response is not None else "",
        "none_of_them": NONE_OF_THEM,
        "status_labels": STATUS_LABELS,
        "pilot_labels": PILOT_LABELS,
        "version_prefix": version_name(""),
        "others_suffix": others_name(""),
        "ved_ikke_suffix": ved_ikke_name(""),
        "has_money": any(i.spec.kind == "kroner" and i.spec.initiative_id for i in items),
    }


def carried_items(
    rnd: Round, kommunekode: int, questions: list[Question], posted: Posted
) -> tuple[list[Item], int]:
    """The form as posted, with the previous round's answers filled in where the editor has
    left a question empty (a question whose text could not be read keeps the text); and how
    many answers were carried over. Nothing is saved."""
    previous = previous_answers(rnd, kommunekode)
    current = dict(posted.values)
    for qid in posted.errors:
        current[qid] = current.get(qid) or "(fejl)"  # keep what the editor typed
    carried = carry_over([q.spec() for q in questions], current, previous.values, kommunekode)
    values = posted.values | carried
    texts = {qid: t for qid, t in posted.texts.items() if qid not in carried}
    answers = services.answers_of(services.response_of(rnd, kommunekode))
    items = build_items(questions, answers, values, texts, posted.versions)
    for item in items:
        item.error = posted.errors.get(item.spec.qid, "")
        item.carried = item.spec.qid in carried
    return items, len(carried)
