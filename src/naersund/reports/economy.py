"""The economy in the packs: the political pack gets one sentence and one figure for the
area (the seeds' sentence, spending per citizen beside the KKR and Denmark); the director pack
the KKR's municipalities compared (table and the lift against the expected share of the ØA
lift). The numbers come from ``ReportInput.economy``, the same
:class:`~naersund.economy.figures.EconomyFigures` the page "Økonomi" shows."""

from __future__ import annotations

from naersund.charts.economy import lift_chart, spending_chart
from naersund.economy.figures import EconomyFigures
from naersund.economy.tables import COLUMNS, lift_rows, row_values, spending_series
from naersund.fmt import number
from naersund.refdata import KKR_NAMES
from naersund.reports.model import Area, Column, ReportInput, Section, Table

KMF_COLUMN = 6  # index of "KMF, kr. pr. indbygger" in COLUMNS: a number or why there is none


def economy_year(figures: EconomyFigures, year: int) -> int | None:
    """The pack's year if the economy has it, else its latest year before; None if none."""
    earlier = [y for y in figures.years if y <= year]
    return max(earlier) if earlier else None


def _where(area: Area) -> tuple[str, int]:
    return ("kommune", area.code) if area.level == "kommune" else ("kkr", area.region_code)


def political_section(data: ReportInput, area: Area, year: int) -> Section | None:
    """One sentence and one figure for the area, or None without economy data for the year."""
    figures = data.economy
    if figures is None or (y := economy_year(figures, year)) is None:
        return None
    level, code = _where(area)
    s = Section(f"Økonomi {y}")
    sentence = figures.sentence(level, code, y)  # type: ignore[arg-type]
    s.paragraphs.append(sentence or f"Der er ingen vækst at vise for {y}: året før mangler.")
    kommune = area.code if area.level == "kommune" else None
    series = spending_series(figures, kommune, area.region_code)
    s.blocks.append(
        spending_chart(series, f"Sundhedsudgifter ekskl. KMF pr. indbygger ({figures.kind})")
    )
    s.paragraphs.append(figures.provenance.line(y))
    return s


def _columns() -> list[Column]:
    out = []
    for i, (label, decimals) in enumerate(COLUMNS):
        if decimals is None or i == KMF_COLUMN:
            out.append(Column(label))
        else:
            out.append(Column(label, "number", decimals))
    return out


def director_section(data: ReportInput, area: Area, year: int) -> Section | None:
    """The KKR's municipalities compared (table and lift chart), or None without data."""
    figures = data.economy
    if figures is None or (y := economy_year(figures, year)) is None:
        return None
    kkr = KKR_NAMES[area.region_code]
    s = Section(f"Økonomi: kommunerne i {kkr} {y}", page_break=True)
    sentence = figures.sentence("kkr", area.region_code, y)
    if sentence:
        s.paragraphs.append(sentence)
    munis = figures.municipalities_of(area.region_code, y)
    rows = []
    highlight = set()
    for i, f in enumerate(munis):
        values = row_values(f)
        kmf = values[KMF_COLUMN]
        values[KMF_COLUMN] = kmf if isinstance(kmf, str) else number(kmf, 0)
        rows.append(values)
        if area.level == "kommune" and f.code == area.code:
            highlight.add(i)
    for extra in (figures.figure("kkr", area.region_code, y), figures.figure("land", 0, y)):
        if extra is not None:
            values = row_values(extra)
            kmf = values[KMF_COLUMN]
            values[KMF_COLUMN] = kmf if isinstance(kmf, str) else number(kmf, 0)
            rows.append(values)
    s.blocks.append(
        Table(
            sheet="Økonomi",
            title=f"Sundhedsudgifter ekskl. KMF, {kkr} {y} ({figures.kind})",
            columns=_columns(),
            rows=rows,
            notes=[figures.provenance.line(y)],
            highlight_rows=highlight,
            landscape=True,
        )
    )
    s.blocks.append(
        lift_chart(
            lift_rows(figures, area.region_code, y),
            f"Løft og forventet andel af ØA-løftet, {kkr} {y}",
        )
    )
    s.landscape = True
    return s
