"""The follow-up questions of a status round ("closing the loop") and their answers, as data.

Where a release marks a municipality "dårligere end landet" or "ikke på sporet" for an
indicator (:func:`naersund.analysis.followup.proposals`), the KKR secretariat keeps or drops
the proposal when it creates the next round; each kept proposal becomes two questions asked of
that one municipality only (``QuestionSpec.kommunekode``):

==========================================  ===========  =====================================
qid                                         kind         asked
==========================================  ===========  =====================================
``opfoelgning.<kommunekode>-<indicator>``   multichoice  "Hvad gør kommunen for at forbedre
                                                         <indikator>?": the initiatives the
                                                         KKR's goals link to the indicator
                                                         (only when there are any)
``opfoelgningtekst.<kommunekode>-<ind.>``   text         the same question in free text
==========================================  ===========  =====================================

The kommunekode is part of the qid because a qid is unique within a round and several
municipalities may be asked about the same indicator. :func:`answers_from` turns stored values
into :class:`FollowupAnswer` (what the Kommuneprofil and the director pack show next to the
indicator), :func:`coverage` into "3 af 4 besvaret".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from naersund.survey.questions import Choice, QuestionSpec

CHOICE_PREFIX = "opfoelgning"
TEXT_PREFIX = "opfoelgningtekst"
SECTION_DA = "Opfølgning på indikatorerne"
_QID = re.compile(rf"^({CHOICE_PREFIX}|{TEXT_PREFIX})\.(\d{{1,4}})-([a-z0-9_-]+)$")


def choice_qid(kommunekode: int, indicator: str) -> str:
    return f"{CHOICE_PREFIX}.{kommunekode}-{indicator}"


def text_qid(kommunekode: int, indicator: str) -> str:
    return f"{TEXT_PREFIX}.{kommunekode}-{indicator}"


def parse_qid(qid: str) -> tuple[str, int, str] | None:
    """``(kind, kommunekode, indicator)`` of a follow-up qid (kind ``choice`` or ``text``),
    None for any other qid."""
    m = _QID.match(qid)
    if m is None:
        return None
    kind = "choice" if m.group(1) == CHOICE_PREFIX else "text"
    return kind, int(m.group(2)), m.group(3)


def is_followup(qid: str) -> bool:
    return parse_qid(qid) is not None


def question_text(indicator_name: str) -> str:
    return f"Hvad gør kommunen for at forbedre {indicator_name[:1].lower()}{indicator_name[1:]}?"


def followup_questions(
    kept: Iterable[tuple[int, str, str, tuple[str, ...], tuple[str, ...]]],
    initiative_title: Callable[[str], str],
    start_position: int = 0,
) -> list[QuestionSpec]:
    """The questions for the kept proposals: each ``(kommunekode, indicator, indicator name,
    reasons, initiative ids)`` gives a multichoice question over the linked initiatives (none
    when no initiative is linked) and a free-text question, both asked of that municipality
    only; numbered from ``start_position``."""
    out: list[QuestionSpec] = []
    for kommunekode, indicator, name, reasons, initiatives in kept:
        why = " og ".join(reasons)
        common: dict[str, Any] = {"section_da": SECTION_DA, "kommunekode": kommunekode}
        if initiatives:
            out.append(
                QuestionSpec(
                    qid=choice_qid(kommunekode, indicator),
                    kind="multichoice",
                    text_da=question_text(name),
                    help_da=(
                        f"Den seneste udgivelse viser kommunen som {why}. Sæt kryds ved de "
                        "indsatser i målkataloget, kommunen bruger for at forbedre indikatoren "
                        "(ingen krydser: ingen af dem)."
                    ),
                    choices=tuple(Choice(i, initiative_title(i)) for i in initiatives),
                    **common,
                )
            )
        out.append(
            QuestionSpec(
                qid=text_qid(kommunekode, indicator),
                kind="text",
                text_da=f"{question_text(name)} (fritekst)",
                help_da=(
                    "Beskriv kort, hvad kommunen gør eller vil gøre."
                    if initiatives
                    else f"Den seneste udgivelse viser kommunen som {why}. Beskriv kort, hvad "
                    "kommunen gør eller vil gøre."
                ),
                **common,
            )
        )
    return [replace(spec, position=start_position + i) for i, spec in enumerate(out)]


@dataclass(frozen=True)
class FollowupAnswer:
    """A municipality's answer to "Hvad gør kommunen for at forbedre <indikator>?" in one
    round: the chosen initiatives (their titles) and the free text; ``answered`` is false when
    the question was asked but left open (or the response is not submitted)."""

    kommunekode: int
    indicator: str
    round_title: str
    initiatives: tuple[str, ...]
    text: str
    answered: bool

    @property
    def short_da(self) -> str:
        """ "Besvaret: 2 indsatser og fritekst" (for a table cell)."""
        if not self.answered:
            return "Ikke besvaret"
        n = len(self.initiatives)
        parts = [f"{n} indsats{'er' if n != 1 else ''}"] if n else []
        if self.text:
            parts.append("fritekst")
        return "Besvaret: " + (" og ".join(parts) if parts else "ingen af indsatserne")

    @property
    def summary_da(self) -> str:
        """The answer in one Danish line (what the profile and the pack print)."""
        if not self.answered:
            return "Ikke besvaret"
        parts = []
        if self.initiatives:
            parts.append("Indsatser: " + ", ".join(self.initiatives))
        if self.text:
            parts.append(self.text)
        return ". ".join(parts) if parts else "Ingen af indsatserne"


def answers_from(
    questions: Iterable[QuestionSpec],
    values: Mapping[tuple[int, str], Any],
    round_title: str,
) -> dict[tuple[int, str], FollowupAnswer]:
    """(kommunekode, indicator) -> its :class:`FollowupAnswer`, for every follow-up question
    in ``questions``; ``values`` maps (kommunekode, qid) to the stored value of a submitted
    answer (missing or None: not answered)."""
    found: dict[tuple[int, str], dict[str, Any]] = {}
    for spec in questions:
        parsed = parse_qid(spec.qid)
        if parsed is None:
            continue
        kind, kommunekode, indicator = parsed
        entry = found.setdefault((kommunekode, indicator), {"choice": None, "text": None})
        value = values.get((kommunekode, spec.qid))
        if kind == "choice" and value is not None:
            entry["choice"] = [spec.label_of(v) for v in value]
        elif kind == "text" and value:
            entry["text"] = str(value)
    return {
        key: FollowupAnswer(
            kommunekode=key[0],
            indicator=key[1],
            round_title=round_title,
            initiatives=tuple(e["choice"] or ()),
            text=e["text"] or "",
            answered=e["choice"] is not None or e["text"] is not None,
        )
        for key, e in found.items()
    }


@dataclass(frozen=True)
class Coverage:
    """How many of a municipality's follow-up questions (flagged indicators) got an answer."""

    answered: int
    asked: int

    @property
    def text_da(self) -> str:
        return f"{self.answered} af {self.asked} besvaret"


def coverage(answers: Iterable[FollowupAnswer]) -> dict[int, Coverage]:
    """Per municipality: answered and asked follow-up indicators."""
    counts: dict[int, list[int]] = {}
    for a in answers:
        c = counts.setdefault(a.kommunekode, [0, 0])
        c[0] += int(a.answered)
        c[1] += 1
    return {k: Coverage(v[0], v[1]) for k, v in counts.items()}
