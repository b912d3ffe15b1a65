"""The money answers as the page shows them and as spreadsheet tables (XLSX), both from
:func:`naersund.survey.money_aggregate.money_aggregates`, and each municipality's own money
answers for those who may see them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from naersund import fmt
from naersund.survey.export import Cell, Table
from naersund.survey.kroner import VED_IKKE, kroner_text
from naersund.survey.money_aggregate import MoneyAggregates, MoneyRow
from naersund.survey.questions import QuestionSpec, municipality_name

HIDDEN_TEXT = "Vises ikke (færre end {n} beløb)"
#: a sum of enough amounts hidden because another area's would give a small group's away
DIFFERENCE_TEXT = "Vises ikke (et andet område kan trækkes fra)"


def amount_text(row: MoneyRow, min_amounts: int) -> str:
    """The row's kr. as the page shows them."""
    if row.hidden:
        if row.with_amount >= min_amounts:
            return DIFFERENCE_TEXT
        return HIDDEN_TEXT.format(n=min_amounts)
    if row.kroner is None:
        return "–"
    return kroner_text(row.kroner)


def share_text(row: MoneyRow) -> str:
    if row.share_pct is None:
        return "–"
    return f"{fmt.number(row.share_pct, 1)} pct."


def notes(agg: MoneyAggregates, synthetic: bool) -> list[str]:
    """The lines above each table: round, year, area, who answered, the small-group rule."""
    out = [
        f"{'SYNTETISKE DATA. ' if synthetic else ''}Statusrunde {agg.round_title_da} "
        f"({agg.round_key}), kr. i {agg.year}: {agg.area.name_da}",
        f"Indsendte besvarelser: {agg.submitted} af {len(agg.area.members)} kommuner",
        f"Beløb vises, hvor mindst {agg.min_amounts} kommuner har oplyst et beløb, og hvor "
        "summen ikke kan trækkes fra et andet områdes og afsløre færre beløb; andele er af "
        "summen af de viste beløb",
    ]
    if agg.effects_source:
        out.append(f"Effektskøn: {agg.effects_source}")
    return out


def _cells(row: MoneyRow) -> list[Cell]:
    return [
        row.kroner,
        None if row.share_pct is None else round(row.share_pct, 1),
        row.with_amount,
        row.ved_ikke,
        row.not_answered,
        row.asked,
        "ja" if row.hidden else "",
    ]


_COUNTS = [
    "Kr. i alt",
    "Andel (pct.)",
    "Kommuner med beløb",
    "Ved ikke",
    "Ikke besvaret",
    "Kommuner spurgt (indsendt)",
    "Skjult (for få beløb)",
]


def money_tables(agg: MoneyAggregates, synthetic: bool) -> list[Table]:
    """The sheets "Kr. pr. indsats" and "Løftet pr. tema"."""
    lines = notes(agg, synthetic)
    initiatives = Table(
        "Kr. pr. indsats",
        [
            "Indsats",
            "Skal/kan",
            *_COUNTS,
            "Implementeret (pct.)",
            "Under implementering (pct.)",
            "Effektskøn",
        ],
        [
            [
                i.money.label_da,
                i.kind or "",
                *_cells(i.money),
                i.implemented.pct,
                i.under_way.pct,
                " | ".join(i.effects),
            ]
            for i in agg.initiatives
        ],
        lines,
    )
    themes = Table(
        "Løftet pr. tema",
        ["Tema", *_COUNTS],
        [[t.label_da, *_cells(t)] for t in agg.themes],
        lines,
    )
    return [initiatives, themes]


@dataclass(frozen=True)
class MunicipalityMoney:
    """One municipality's own money answers, as a person reads them."""

    kommunekode: int
    name: str
    values: list[str]  # in the order of the columns


def municipality_money(
    answers: Mapping[int, Mapping[str, Any]],
    specs: Sequence[QuestionSpec],
    codes: Iterable[int],
) -> list[MunicipalityMoney]:
    """For each of ``codes`` that has submitted (a key of ``answers``): its answer to each
    money question of ``specs`` ("Ikke besvaret", "Ved ikke", "1.250.000 kr.", "–" when the
    question was not put to it)."""
    out = []
    for code in sorted(codes):
        if code not in answers:
            continue
        values = []
        for spec in specs:
            value = answers[code].get(spec.qid)
            if not spec.applies_to(code):
                values.append("–")
            elif value is None:
                values.append("Ikke besvaret")
            else:
                values.append("Ved ikke" if value == VED_IKKE else kroner_text(value))
        out.append(MunicipalityMoney(code, municipality_name(code), values))
    return sorted(out, key=lambda m: m.name)
