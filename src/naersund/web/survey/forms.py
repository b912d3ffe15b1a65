"""The questionnaire as an HTML form without JavaScript, and the import form.

Every question becomes plain inputs named by its qid; the posted text is turned into a value
by the library's :func:`~naersund.survey.answer_values.parse_cell`, so the web form, the import and
the API accept and check values the same way. Each question also sends the version of the
answer the user saw (``version:<qid>``), and the form the response's version
(``version:response``), for the optimistic locking in :func:`services.save_answers`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django import forms
from django.http import QueryDict

from naersund.refdata import KKR_NAMES
from naersund.survey.answer_values import format_value, parse_cell
from naersund.survey.importing import LIMITS, MB
from naersund.survey.kroner import VED_IKKE, kroner_field
from naersund.survey.questions import (
    PILOT_LABELS,
    AnswerError,
    QuestionSpec,
    municipality_name,
    municipality_regions,
)
from naersund.web.params import query_int
from naersund.web.survey.models import Answer, Question

NONE_OF_THEM = "__ingen__"  # the "none of them" box of a multiple-choice question
NOT_ANSWERED = ""


def version_name(qid: str) -> str:
    return f"version:{qid}"


def others_name(qid: str) -> str:
    return f"{qid}:med"


def ved_ikke_name(qid: str) -> str:
    """The "Ved ikke" box of a whole-kroner question."""
    return f"{qid}:ved_ikke"


@dataclass
class Option:
    value: str
    label: str
    checked: bool


@dataclass
class Partner:
    """A municipality the editor may name as a fellow pilot."""

    code: int
    name: str
    checked: bool


@dataclass
class PartnerGroup:
    """The municipalities of one KKR, for the pilot question's list."""

    name: str
    members: list[Partner]


_DANISH_LETTERS = str.maketrans({"æ": "{", "ø": "|", "å": "}"})


def danish_order(name: str) -> str:
    """A sort key that puts æ, ø and å after z, in that order, as a Danish reader expects."""
    return name.casefold().replace("aa", "å").translate(_DANISH_LETTERS)


@cache
def _municipalities_by_kkr() -> tuple[tuple[int, str, tuple[tuple[int, str], ...]], ...]:
    regions = municipality_regions()
    return tuple(
        (
            code,
            name,
            tuple(
                sorted(
                    ((k, municipality_name(k)) for k, r in regions.items() if r == code),
                    key=lambda pair: danish_order(pair[1]),
                )
            ),
        )
        for code, name in sorted(KKR_NAMES.items())
    )


def partner_groups(kommunekode: int, chosen: set[int]) -> list[PartnerGroup]:
    """Every other municipality by KKR, the municipality's own KKR first, names sorted."""
    own = municipality_regions().get(kommunekode)
    groups = sorted(_municipalities_by_kkr(), key=lambda g: g[0] != own)
    return [
        PartnerGroup(
            name,
            [
                Partner(code, label, code in chosen)
                for code, label in members
                if code != kommunekode
            ],
        )
        for _, name, members in groups
    ]


def chosen_codes(text: str) -> set[int]:
    """The kommunekoder in a pilot's "sammen med" text ("147, 151")."""
    return {int(part) for part in re.split(r"[\s,;|]+", text) if part.isascii() and part.isdigit()}


@dataclass
class Item:
    """One question as the template draws it."""

    question: Question
    spec: QuestionSpec
    value: Any
    version: int
    display: str
    answered_by: str = ""
    answered_at: Any = None
    text: str = ""  # the text input's content (year, number, text, pilot's municipalities)
    options: list[Option] = field(default_factory=list)
    error: str = ""
    conflict: str = ""
    previous: str = ""  # the answer in the previous round, as a person reads it
    carried: bool = False  # carried over from the previous round, not saved yet
    partners: list[PartnerGroup] = field(default_factory=list)  # a pilot question's list

    @property
    def ved_ikke(self) -> bool:
        """A whole-kroner question answered "ved ikke" (its box is ticked)."""
        return self.spec.kind == "kroner" and self.value == VED_IKKE

    @property
    def partners_chosen(self) -> list[str]:
        return [p.name for g in self.partners for p in g.members if p.checked]

    @property
    def html_id(self) -> str:
        return "q-" + self.spec.qid.replace(".", "-")

    @property
    def control_id(self) -> str:
        """Where an error summary's link leads: the question's first answer when it is a
        choice (its fieldset cannot take the keyboard's focus), else its input."""
        return f"{self.html_id}-1" if self.options else self.html_id


def _text_of(spec: QuestionSpec, value: Any) -> str:
    if value is None:
        return ""
    if spec.kind == "pilot":
        return ", ".join(str(c) for c in value.get("med", []))
    if spec.kind == "number":
        return format_value(spec, value)
    if spec.kind == "kroner":
        return kroner_field(value)
    if spec.kind in ("year", "text"):
        return str(value)
    return ""


def _options(spec: QuestionSpec, value: Any) -> list[Option]:
    kind = spec.kind
    if kind in ("status", "choice"):
        opts = [Option(c.value, c.label_da, value == c.value) for c in spec.choices]
        return [*opts, Option(NOT_ANSWERED, "Ikke besvaret", value is None)]
    if kind == "yesno":
        return [
            Option("ja", "Ja", value is True),
            Option("nej", "Nej", value is False),
            Option(NOT_ANSWERED, "Ikke besvaret", value is None),
        ]
    if kind == "pilot":
        chosen = value.get("pilot") if value else None
        opts = [Option(v, label, chosen == v) for v, label in PILOT_LABELS.items()]
        return [*opts, Option(NOT_ANSWERED, "Ikke besvaret", value is None)]
    if kind == "multichoice":
        chosen = value or []
        opts = [Option(c.value, c.label_da, c.value in chosen) for c in spec.choices]
        return [*opts, Option(NONE_OF_THEM, "Ingen af disse", value == [])]
    return []


def build_items(
    questions: list[Question],
    answers: dict[str, Answer],
    values: dict[str, Any] | None = None,
    texts: dict[str, str] | None = None,
    versions: dict[str, int] | None = None,
) -> list[Item]:
    """The questions with their stored answers, or with ``values`` (what the user posted) where
    given; ``texts`` keeps text inputs as typed when they could not be read."""
    items = []
    for q in questions:
        spec = q.spec()
        answer = answers.get(q.qid)
        stored = answer.value if answer is not None else None
        value = values[q.qid] if values is not None and q.qid in values else stored
        version = answer.version if answer is not None else 0
        if versions is not None and q.qid in versions:
            version = versions[q.qid]
        text = texts[q.qid] if texts is not None and q.qid in texts else _text_of(spec, value)
        items.append(
            Item(
                question=q,
                spec=spec,
                value=value,
                version=version,
                display=format_value(spec, stored),
                answered_by=(
                    answer.updated_by.get_username() if answer and answer.updated_by else ""
                ),
                answered_at=answer.updated_at if answer is not None else None,
                text=text,
                options=_options(spec, value),
            )
        )
    return items


@dataclass
class Posted:
    values: dict[str, Any]
    texts: dict[str, str]
    versions: dict[str, int]
    errors: dict[str, str]
    tilbagemelding: str
    response_version: int | None


def read_post(data: QueryDict, questions: list[Question], kommunekode: int) -> Posted:
    """The posted answers as values (qid -> value, ``None`` = not answered), the versions the
    user saw, and a Danish message per question that could not be read. A version that is not
    a plain number (the page sends them hidden) is refused with :class:`BadParameter` (400)."""
    values: dict[str, Any] = {}
    texts: dict[str, str] = {}
    versions: dict[str, int] = {}
    errors: dict[str, str] = {}
    for q in questions:
        spec = q.spec()
        version = query_int(data, version_name(q.qid))
        if version is not None:
            versions[q.qid] = version
        kind = spec.kind
        if kind == "multichoice":
            picked = data.getlist(q.qid)
            if NONE_OF_THEM in picked and len(picked) > 1:
                errors[q.qid] = "Vælg enten »Ingen af disse« eller en eller flere muligheder."
                values[q.qid] = [v for v in picked if v != NONE_OF_THEM]
                continue
            raw = "-" if picked == [NONE_OF_THEM] else "|".join(picked)
        elif kind == "pilot":
            choice = data.get(q.qid, "")
            # checked municipalities (the page's list) or typed codes (older pages, scripts)
            others = ", ".join(v.strip() for v in data.getlist(others_name(q.qid)) if v.strip())
            texts[q.qid] = others
            if others and choice in ("", "nej", "alene"):
                errors[q.qid] = (
                    "Angiv kun andre kommuner, når kommunen er pilot sammen med andre; "
                    "vælg »Pilotkommune sammen med andre kommuner«."
                )
                values[q.qid] = {"pilot": choice} if choice else None
                continue
            raw = f"sammen: {others}" if choice == "sammen" else choice
        elif kind == "kroner":
            raw = data.get(q.qid, "")
            texts[q.qid] = raw
            if data.get(ved_ikke_name(q.qid)):
                if raw.strip():
                    errors[q.qid] = "Skriv enten et beløb eller sæt kryds i »Ved ikke«, ikke begge."
                    values[q.qid] = None
                    continue
                raw = "ved ikke"
        else:
            raw = data.get(q.qid, "")
            if kind in ("year", "number", "text"):
                texts[q.qid] = raw
        try:
            values[q.qid] = parse_cell(spec, raw, kommunekode)
        except AnswerError as exc:
            errors[q.qid] = str(exc)
            choice = data.get(q.qid, "")
            values[q.qid] = {"pilot": choice} if kind == "pilot" and choice else None
    return Posted(
        values=values,
        texts=texts,
        versions=versions,
        errors=errors,
        tilbagemelding=data.get("tilbagemelding", ""),
        response_version=query_int(data, version_name("response")),
    )


def others_text(value: Any) -> str:
    """The named other municipalities of a pilot answer, for display."""
    if not value or value.get("pilot") != "sammen":
        return ""
    return ", ".join(f"{municipality_name(c)} ({c})" for c in value.get("med", []))


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Fil med svar (XLSX eller CSV)",
        help_text=f"Højst {LIMITS.max_bytes // MB} MB. Se formatet nedenfor.",
    )
    submit_after = forms.BooleanField(
        label="Marker de indlæste besvarelser som indsendt",
        required=False,
        initial=True,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > LIMITS.max_bytes:
            raise forms.ValidationError(f"Filen er større end {LIMITS.max_bytes // MB} MB.")
        return upload
