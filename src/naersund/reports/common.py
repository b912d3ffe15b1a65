"""Helpers the three levels share: areas, the one figure per cell
(:meth:`naersund.analysis.published.PublishedResults.figure`), standard tables."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from naersund import refdata
from naersund.analysis.published import Figure
from naersund.catalogue import Initiative, Kkr
from naersund.catalogue.central import central_order
from naersund.errors import NaersundError
from naersund.indicators.model import IndicatorDefinition
from naersund.reports.model import Area, Column, ReportInput, Table
from naersund.reports.narrative import LIGHTS
from naersund.survey.aggregate import NO_ANSWER_LABEL, status_qid
from naersund.survey.questions import STATUS_LABELS

COMPARISON_TEXT = {k: text for k, (_, text) in LIGHTS.items()}
TOO_FEW = "Ikke sammenlignet (under 10 tilfælde)"


def area_of(level: str, code: int) -> Area:
    """The municipality or KKR with that code; a clear error for an unknown code."""
    if level == "kommune":
        m = refdata.municipalities().set_index("kommunekode")
        if code not in m.index:
            raise NaersundError(f"ukendt kommunekode {code} (kendte koder: 101-860)")
        r = m.loc[code].to_dict()
        return Area("kommune", code, str(r["name"]), int(r["region_code"]))
    names = refdata.KKR_NAMES
    if code not in names:
        raise NaersundError(f"ukendt KKR-kode {code} (KKR har koderne 1081-1085)")
    return Area("region", code, names[code], code)


def municipalities_of(region_code: int) -> list[Area]:
    m = refdata.municipalities()
    m = m[m["region_code"] == region_code].sort_values("name")
    return [
        Area("kommune", int(code), str(name), region_code)
        for code, name in zip(m["kommunekode"].tolist(), m["name"].tolist(), strict=True)
    ]


def num(x: Any) -> float | None:
    """A float, or None for missing (suppressed) values."""
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def figure(data: ReportInput, indicator: str, level: str, code: int, year: int) -> Figure:
    """The one figure of an indicator × area × year (:meth:`PublishedResults.figure`), with
    the target of the pack's catalogue."""
    return data.published.figure(indicator, level, code, year, data.catalogue)


def indicators_in(data: ReportInput) -> list[IndicatorDefinition]:
    """The definitions that have results in the release, in the definitions' order."""
    present = set(data.results["indicator"].unique())
    return [d for d in data.definitions if d.id in present]


def central_ids(data: ReportInput, region_code: int) -> list[str]:
    """The KKR's central indicators in its chosen order (those the release has)."""
    return central_order(data.catalogue, region_code, [d.id for d in indicators_in(data)]).central


def central_first(data: ReportInput, region_code: int) -> list[IndicatorDefinition]:
    """The release's indicators with the KKR's central ones first, in the chosen order
    (:func:`naersund.catalogue.central.central_order`, as the web's front page and Områdeoverblik)."""
    by_id = {d.id: d for d in indicators_in(data)}
    return [by_id[i] for i in central_order(data.catalogue, region_code, by_id).ordered]


def name_with_status(d: IndicatorDefinition) -> str:
    """The indicator's name with its definition's status beside it, as every pack shows it:
    "Akutte medicinske korttidsindlæggelser (under omdefinering)", "... (gældende)"."""
    return f"{d.name_da} ({d.status})"


# Words written for the people who maintain the definitions, not for a report's reader.
_DEVELOPER_CLAUSE = re.compile(
    r"[^.;:]*\b(?:denne fil|YAML|kan (?:ændres|udskiftes) i)\b[^.;]*", re.IGNORECASE
)


def for_readers(text: str) -> str:
    """``text`` without Markdown backticks and without clauses meant for maintainers ("den
    kan udskiftes i denne fil"): definitions' texts are data shared with the developers."""
    out = _DEVELOPER_CLAUSE.sub("", text.replace("`", ""))
    out = re.sub(r"\s*[;.]\s*\.", ".", out)  # "liste; <removed>." -> "liste."
    out = re.sub(r"\s+([.;,])", r"\1", out)
    return re.sub(r"\s{2,}", " ", out).strip()


def unit_of(d: IndicatorDefinition) -> str:
    return "pct." if d.is_proportion else d.unit_da


def measure_text(data: ReportInput, d: IndicatorDefinition) -> str:
    """ "aldersstandardiseret" or "rå": which value the pack shows for the indicator."""
    return data.published.measure(d.id)


def value_columns(first: str) -> list[Column]:
    return [
        Column(first),
        Column("Tæller", "integer"),
        Column("Nævner", "integer"),
        Column("Værdi", "number"),
        Column("Nedre 95 %", "number"),
        Column("Øvre 95 %", "number"),
        Column("Opgørelse"),
        Column("Sammenlignet med landet"),
    ]


def value_cells(f: Figure) -> list[Any]:
    """The cells of a figure (the headline measure, labelled); empty (None) for suppressed
    or missing cells."""
    if not f.present:
        return [None] * 5 + [f.measure, "Ingen data"]
    if f.suppressed:
        return [None] * 5 + [f.measure, "Diskretioneret"]
    if f.too_few_to_standardise:
        return [f.numerator, f.denominator, None, None, None, f.measure, TOO_FEW]
    return [
        f.numerator,
        f.denominator,
        f.value,
        f.lower,
        f.upper,
        f.measure,
        COMPARISON_TEXT.get(f.verdict, "Ikke sammenlignet"),
    ]


def comparison_table(
    data: ReportInput,
    d: IndicatorDefinition,
    region_code: int,
    year: int,
    sheet: str,
    highlight: int | None = None,
) -> Table:
    """The KKR's municipalities (then the KKR and Denmark) for one indicator and year."""
    rows: list[list[Any]] = []
    highlight_rows: set[int] = set()
    for m in municipalities_of(region_code):
        if m.code == highlight:
            highlight_rows.add(len(rows))
        rows.append([m.name, *value_cells(figure(data, d.id, "kommune", m.code, year))])
    rows.append(
        [
            refdata.KKR_NAMES[region_code],
            *value_cells(figure(data, d.id, "region", region_code, year)),
        ]
    )
    rows.append(["Hele landet", *value_cells(figure(data, d.id, "land", 0, year))])
    return Table(
        sheet=sheet,
        title=f"{name_with_status(d)}, {year} ({unit_of(d)}, {measure_text(data, d)})",
        columns=value_columns("Område"),
        rows=rows,
        highlight_rows=highlight_rows,
        landscape=False,
    )


def indicator_area_table(
    data: ReportInput,
    areas: list[Area],
    cells: Callable[[IndicatorDefinition, Area], list[Any] | None],
    *,
    sheet: str,
    title: str,
    area_column: str,
    columns: list[Column],
    notes: list[str],
) -> Table | None:
    """One row per indicator (in the pack's order) and area: the indicator's name, the area's,
    then ``cells(d, a)`` under ``columns``; no row where ``cells`` gives None, and no table
    (None) where it gives no row."""
    rows = [
        [name_with_status(d), a.name, *row]
        for d in indicators_in(data)
        for a in areas
        if (row := cells(d, a)) is not None
    ]
    if not rows:
        return None
    return Table(
        sheet=sheet,
        title=title,
        columns=[Column("Indikator"), Column(area_column), *columns],
        rows=rows,
        notes=notes,
    )


def skal_initiatives(kkr: Kkr) -> tuple[list[Initiative], bool]:
    """The KKR's skal-initiatives; when its catalogue names none, every initiative of its
    goals and action plans (second value False)."""
    skal = [i for g in kkr.goals for i in g.initiatives_of("skal")]
    if skal:
        return skal, True
    every = [i for g in kkr.goals for i in g.initiatives]
    every += [i for p in kkr.action_plans for i in p.initiatives]
    return every, False


def name_of(initiative: Initiative) -> str:
    """The initiative's short name where the catalogue has one (tables stay readable)."""
    short = initiative.short_da
    return short[0].upper() + short[1:] if short else initiative.title_da


def may_show_answers(data: ReportInput, kommunekode: int) -> bool:
    """Whether this municipality's own survey answers may appear in the pack."""
    return data.survey_visible is None or kommunekode in data.survey_visible


def survey_status(data: ReportInput, kommunekode: int, initiative_id: str) -> str:
    """The Danish label of the municipality's submitted status ("Ikke besvaret" without one)."""
    if data.survey is None:
        return NO_ANSWER_LABEL
    value = data.survey.value(kommunekode, status_qid(initiative_id))
    return STATUS_LABELS.get(value, NO_ANSWER_LABEL) if isinstance(value, str) else NO_ANSWER_LABEL


def round_text(data: ReportInput) -> str:
    return f" (statusrunde: {data.survey.title_da})" if data.survey is not None else ""
