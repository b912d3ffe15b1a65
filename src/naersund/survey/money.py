"""The money questions of a status round: "det skal være tydeligt, hvad pengene bruges til".

A round made with money questions (``services.create_round(money=True)``, the box
"Spørg til økonomien" on Opret statusrunde) asks, besides the catalogue's questions:

- per initiative, right after its status, start year and pilot questions (qid
  ``kroner.<initiative>``, asked of whoever is asked the initiative): "Hvor mange kr. af
  kommunens sundhedsbudget bruges på indsatsen i <år>?";
- once, in the section "Hvad bruges løftet til?" before the free questions, one question per
  theme of the seeds (qid ``loeft.<theme>``, asked of every municipality): how many kr. of the
  municipality's lift on the health area (its growth excl. KMF, as on the page Økonomi) go to
  rehabilitering, ældre, kronikere, forebyggelse, akutfunktioner and andet.

All are optional, in whole kroner, with "ved ikke" (kind ``kroner``,
:mod:`naersund.survey.kroner`). The themes are asked in **kr., not as shares**: the economy's
figures are kr., a share is derived from kr. (each theme's part of the themes' total,
:mod:`naersund.survey.money_aggregate`) but kr. cannot be derived from a share without a
lift figure the municipality may not have; and kr. of several municipalities add up, shares
do not. The amounts need not add up to the lift (a municipality may know some themes only).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from naersund.survey.questions import QuestionSpec

MONEY_PREFIX = "kroner."
THEME_PREFIX = "loeft."
THEME_SECTION = "Hvad bruges løftet til?"
# The seeds' themes (KL's "Det nære sundhedsvæsen": where the lift is to go), in their order.
THEMES: tuple[tuple[str, str], ...] = (
    ("rehabilitering", "Rehabilitering"),
    ("aeldre", "Ældre"),
    ("kronikere", "Kronikere"),
    ("forebyggelse", "Forebyggelse"),
    ("akutfunktioner", "Akutfunktioner"),
    ("andet", "Andet"),
)
THEME_LABELS = dict(THEMES)
MONEY_HELP = (
    "Hele kroner (fx 1.250.000). Spørgsmålet er frivilligt; sæt kryds i »Ved ikke«, hvis "
    "kommunen ikke kender beløbet."
)


def money_qid(initiative_id: str) -> str:
    return MONEY_PREFIX + initiative_id


def theme_qid(theme: str) -> str:
    return THEME_PREFIX + theme


def is_money_question(qid: str) -> bool:
    return qid.startswith((MONEY_PREFIX, THEME_PREFIX))


def money_question_text(year: int) -> str:
    return f"Hvor mange kr. af kommunens sundhedsbudget bruges på indsatsen i {year}?"


def theme_questions(year: int) -> list[QuestionSpec]:
    """The questions "Hvad bruges løftet til?", one per theme, asked of every municipality."""
    return [
        QuestionSpec(
            qid=theme_qid(theme),
            kind="kroner",
            text_da=f"Løftet i {year} brugt på: {label.lower()}",
            help_da=(
                f"Kr. af kommunens løft på sundhedsområdet i {year} (væksten ekskl. KMF), der "
                "bruges på temaet. " + MONEY_HELP
            ),
            section_da=f"{THEME_SECTION} ({year})",
        )
        for theme, label in THEMES
    ]


def with_money_questions(specs: Sequence[QuestionSpec], year: int) -> list[QuestionSpec]:
    """``specs`` (a round's questions in order) with the money questions added: each
    initiative's after its last question, the theme questions before the first question that
    belongs to no initiative; numbered again in that order."""
    out: list[QuestionSpec] = []
    themes_done = False
    for i, spec in enumerate(specs):
        if spec.initiative_id is None and not themes_done:
            out.extend(theme_questions(year))
            themes_done = True
        out.append(spec)
        following = specs[i + 1] if i + 1 < len(specs) else None
        ini = spec.initiative_id
        if (
            ini is not None
            and spec.kommunekode is None
            and (following is None or following.initiative_id != ini)
        ):
            out.append(
                QuestionSpec(
                    qid=money_qid(ini),
                    kind="kroner",
                    text_da=money_question_text(year),
                    help_da=MONEY_HELP,
                    initiative_id=ini,
                    initiative_kind=spec.initiative_kind,
                    owner_region_code=spec.owner_region_code,
                    region_code=spec.region_code,
                    section_da=spec.section_da,
                )
            )
    if not themes_done:
        out.extend(theme_questions(year))
    return [replace(s, position=n) for n, s in enumerate(out)]
