"""Issue 12 in the packs: the municipalities' answers to their follow-up questions next to the
flagged indicators (director pack), and the smoothed values next to the published ones
(director and professional packs).

The answers come in the pack's input (``ReportInput.followup``, read by the web's one reader
``naersund.web.survey.followup_answers.followup_answers``, the same the Kommuneprofil shows);
the smoothed values from :func:`naersund.analysis.smoothed.smoothed_value`, the same the
pages show. Verdicts are always the published ones of the unsmoothed interval."""

from __future__ import annotations

from typing import Any

from naersund.analysis.benchmark import comparison_label
from naersund.analysis.smoothed import LABEL_DA, explanation_da, smoothed_value
from naersund.indicators.model import IndicatorDefinition
from naersund.refdata import KKR_NAMES
from naersund.reports import common as c
from naersund.reports.model import Area, Column, ReportInput, Section, Table
from naersund.survey.followup import coverage


def _areas(area: Area) -> list[Area]:
    return [area] if area.level == "kommune" else c.municipalities_of(area.region_code)


def followup_section(data: ReportInput, area: Area, year: int) -> Section | None:
    """ "Opfølgning på indikatorerne": per municipality, its flagged indicators with the value,
    the verdict and its answer (naming the round), and "3 af 4 besvaret". None when the round
    asked none of the pack's municipalities a follow-up question (or the reader may see none
    of their answers)."""
    areas = [a for a in _areas(area) if c.may_show_answers(data, a.code)]
    codes = {a.code for a in areas}
    answers = {k: a for k, a in data.followup.items() if k[0] in codes}
    if not answers:
        return None
    s = Section("Opfølgning på indikatorerne")
    counts = coverage(answers.values())
    round_title = next(iter(answers.values())).round_title
    s.paragraphs.append(
        "Hvor en udgivelse viste en kommune som dårligere end landet eller ikke på sporet, "
        "spurgte statusrunden kommunen: »Hvad gør kommunen for at forbedre indikatoren?«. "
        f"Svarene er fra statusrunden {round_title}; tallene fra udgivelsen {data.release}."
    )
    s.lists.append(
        (
            "Besvarede opfølgningsspørgsmål pr. kommune:",
            [f"{a.name}: {counts[a.code].text_da}" for a in areas if a.code in counts],
        )
    )
    names = {d.id: c.name_with_status(d) for d in data.definitions}
    rows: list[list[Any]] = []
    for a in areas:
        for (code, indicator), answer in sorted(answers.items()):
            if code != a.code:
                continue
            f = c.figure(data, indicator, "kommune", code, year)
            rows.append(
                [
                    a.name,
                    names.get(indicator, indicator),
                    f.value,
                    comparison_label(f.verdict),
                    answer.summary_da,
                ]
            )
    s.blocks.append(
        Table(
            sheet="Opfølgning",
            title=f"Kommunernes opfølgning ({round_title})",
            columns=[
                Column("Kommune"),
                Column("Indikator"),
                Column(f"Værdi {year}", "number"),
                Column("Sammenlignet med landet"),
                Column("Kommunens svar"),
            ],
            rows=rows,
        )
    )
    return s


def smoothed_section(
    data: ReportInput, area: Area, year: int, members: list[Area] | None = None
) -> Section | None:
    """ "Udjævnede værdier": each municipality's published value and interval, its smoothed
    value and the published verdict, per indicator; None when no cell has one. ``members``:
    the municipalities of an area of another level (default: the KKR's, or the municipality)."""

    def cells(d: IndicatorDefinition, a: Area) -> list[Any] | None:
        sm = smoothed_value(data.published, d.id, a.code, year)
        if sm is None:
            return None
        f = c.figure(data, d.id, "kommune", a.code, year)
        return [
            c.measure_text(data, d),
            f.value,
            f.lower,
            f.upper,
            sm.value,
            sm.weight,
            comparison_label(f.verdict),
        ]

    table = c.indicator_area_table(
        data,
        _areas(area) if members is None else members,
        cells,
        sheet="Udjævnede værdier",
        title=f"Offentliggjort og udjævnet værdi, {year}",
        area_column="Kommune",
        columns=[
            Column("Opgørelse"),
            Column("Værdi", "number"),
            Column("Nedre 95 %", "number"),
            Column("Øvre 95 %", "number"),
            Column(LABEL_DA, "number"),
            Column("Vægt på egen værdi", "number", decimals=2),
            Column("Sammenlignet med landet (ikke-udjævnet)"),
        ],
        notes=[
            "Udjævnet på samme mål som værdien: aldersstandardiseret, hvor indikatoren "
            "standardiseres, ellers rå. Skjulte celler (få tilfælde) har ingen udjævnet "
            "værdi og indgår ikke i KKR'ens rate."
        ],
    )
    if table is None:
        return None
    s = Section("Udjævnede værdier (empirisk Bayes)")
    # an area of another level: each municipality is drawn towards its own KKR ("...s rate")
    group = KKR_NAMES.get(area.region_code, "KKR'en") if members is None else "kommunens KKR'"
    s.paragraphs.append(explanation_da(group))
    s.blocks.append(table)
    return s
