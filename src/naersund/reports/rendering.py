"""Packs to HTML (Jinja2), PDF (WeasyPrint; A4, page numbers, a header naming level, area and
year, "SYNTETISKE DATA" on every page made from synthetic data) and XLSX (openpyxl; one sheet
per table, numbers as numbers, text escaped so that no cell is read as a formula)."""

from __future__ import annotations

import functools
import io
from typing import Any

import jinja2
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from naersund import fmt
from naersund.reports.model import LEVEL_NAMES, MARKS, Column, Pack, Table

SYNTHETIC = "SYNTETISKE DATA"


@functools.lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("naersund.reports", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["cell"] = cell_text
    env.filters["num"] = fmt.number
    env.filters["nobreak"] = fmt.nobreak
    return env


def cell_text(value: Any, column: Column) -> str:
    """A cell as printed (Danish numbers; an en dash for an empty cell)."""
    if value is None:
        return fmt.DASH
    if column.kind == "number":
        return fmt.number(value, column.decimals)
    if column.kind == "integer":
        return fmt.integer(value)
    if column.kind == "percent":
        return fmt.percent(value, column.decimals)
    if column.short is not None:
        return column.short.get(str(value), str(value))
    return str(value)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def html(pack: Pack, for_print: bool = False) -> str:
    """The pack as one self-contained HTML page (charts inline as SVG)."""
    header = f"{LEVEL_NAMES[pack.level]} · {pack.area.title} · {pack.year}"
    return (
        _env()
        .get_template("pack.html.j2")
        .render(
            pack=pack,
            header_css=_css_string(header),
            marker_css=_css_string(SYNTHETIC if pack.synthetic else ""),
            synthetic_text=SYNTHETIC,
            for_print=for_print,
            is_table=lambda b: isinstance(b, Table),
        )
    )


def pdf(pack: Pack) -> bytes:
    return pdf_of_html(html(pack, for_print=True))


def pdf_of_html(page: str) -> bytes:
    """A print HTML page (``@page`` rules inline) as PDF; the packs and the booklet of good
    practice (:mod:`.booklet`) share it."""
    import weasyprint

    document = weasyprint.HTML(string=page).render()
    out: bytes = document.write_pdf()
    return out


def environment() -> jinja2.Environment:
    """The Jinja2 environment of this package's templates (autoescaped, strict)."""
    return _env()


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string (for ``@page`` margin boxes)."""
    return _css_string(text)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text that a spreadsheet will not run as a formula (OWASP CSV/formula injection)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Ark"
    candidate, i = base, 2
    while candidate.lower() in used:
        suffix = f" {i}"
        candidate, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(candidate.lower())
    return candidate


def xlsx(pack: Pack) -> bytes:
    """One sheet per table (numbers as numbers), after a front sheet naming the pack."""
    wb = Workbook()
    front = wb.active
    assert front is not None
    front.title = "Om rapporten"
    lines = [pack.title]
    if pack.synthetic:
        lines.append(
            f"{SYNTHETIC}: tallene er lavet af syntetiske data og beskriver ikke virkelige borgere."
        )
    lines += [f"Udgivelse: {pack.release}" if pack.release else "", *pack.footnotes]
    for i, line in enumerate(x for x in lines if x):
        front.cell(row=i + 1, column=1, value=safe_text(line)).font = Font(bold=i == 0)
    front.column_dimensions["A"].width = 110
    _key_sheet(wb, pack.synthetic)
    used = {"om rapporten", "forklaring"}
    bold = Font(bold=True)
    mark = PatternFill("solid", fgColor="FDE7E4")
    for table in pack.tables():
        ws = wb.create_sheet(_sheet_name(table.sheet, used))
        r = 1
        if pack.synthetic:
            ws.cell(row=r, column=1, value=SYNTHETIC).font = Font(bold=True, color="B3261E")
            r += 1
        ws.cell(row=r, column=1, value=safe_text(table.title)).font = Font(bold=True, size=12)
        r += 2
        header_row = r
        for j, col in enumerate(table.columns, start=1):
            cell = ws.cell(row=r, column=j, value=safe_text(col.label))
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for i, values in enumerate(table.rows):
            r += 1
            for j, (col, v) in enumerate(zip(table.columns, values, strict=True), start=1):
                cell = ws.cell(row=r, column=j, value=_xlsx_value(v, col))
                if col.kind in ("number", "percent"):
                    cell.number_format = "#,##0" + (
                        "." + "0" * col.decimals if col.decimals else ""
                    )
                elif col.kind == "integer":
                    cell.number_format = "#,##0"
                if col.marks and v in col.marks:
                    cell.fill = PatternFill("solid", fgColor=MARKS[col.marks[v]])
                elif i in table.highlight_rows:
                    cell.fill = mark
        for note in table.notes:
            r += 2
            ws.cell(row=r, column=1, value=safe_text(note))
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        for j, col in enumerate(table.columns, start=1):
            width = max(
                [len(col.label)]
                + [len(cell_text(v, col)) for v in (row[j - 1] for row in table.rows)]
            )
            ws.column_dimensions[get_column_letter(j)].width = min(max(10, width + 2), 60)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# The key sheet ("Forklaring"): what the words, colours and signs of the pack mean.
KEY: list[tuple[str, str, str | None]] = [
    ("Opgørelse", "", None),
    (
        "aldersstandardiseret",
        "Tallet er standardiseret direkte efter alder og køn til Danmarks befolkning i "
        "referenceåret, så kommuner med forskellig alderssammensætning kan sammenlignes. Værdi, "
        "interval, hele landet og sammenligningen er alle i denne opgørelse.",
        None,
    ),
    ("rå", "Tallet er ikke standardiseret (fx færdigbehandlingsdage og andele).", None),
    ("Sammenlignet med landet", "", None),
    (
        "Signifikant bedre / dårligere",
        "Hele 95 %-konfidensintervallet ligger på den gode / dårlige side af landets værdi.",
        None,
    ),
    ("På niveau med landet", "Intervallet overlapper landets værdi.", None),
    (
        "Diskretioneret (–)",
        "Tallet vises ikke, fordi det bygger på få personer, eller fordi det kunne afsløre et "
        "andet tal, der bygger på få personer.",
        None,
    ),
    ("Definitionens status (i parentes efter indikatorens navn)", "", None),
    ("gældende", "Den gældende nationale definition.", None),
    (
        "under omdefinering",
        "Den nationale definition er ved at blive lavet om; tallet kan ændre sig.",
        None,
    ),
    ("lokal variant", "En lokal variant, der afviger fra den nationale definition.", None),
    ("Indsatsernes status (Bilag 1)", "", None),
    ("✓ Implementeret", "Indsatsen er implementeret i kommunen.", "good"),
    ("◐ Under implementering", "Kommunen er i gang med at implementere indsatsen.", "progress"),
    ("○ Planlagt", "Indsatsen er planlagt, men ikke påbegyndt.", "planned"),
    ("✗ Ikke påbegyndt", "Kommunen har ikke påbegyndt indsatsen.", "none"),
    ("– Ikke besvaret", "Kommunen har ikke svaret for indsatsen i statusrunden.", "blank"),
    ("Øvrigt", "", None),
    ("Nedre 95 % / Øvre 95 %", "95 %-konfidensintervallets grænser.", None),
    ("Tæller / Nævner", "Antal hændelser og antal borgere (eller indlæggelser) bag tallet.", None),
    ("Fremhævet række", "Rapportens egen kommune (lyserød baggrund).", None),
]


def _key_sheet(wb: Workbook, synthetic: bool) -> None:
    ws = wb.create_sheet("Forklaring")
    r = 1
    if synthetic:
        ws.cell(row=r, column=1, value=SYNTHETIC).font = Font(bold=True, color="B3261E")
        r += 1
    ws.cell(row=r, column=1, value="Forklaring til rapporten").font = Font(bold=True, size=12)
    r += 1
    for term, meaning, colour in KEY:
        r += 1
        cell = ws.cell(row=r, column=1, value=term)
        if not meaning:  # a heading
            cell.font = Font(bold=True)
            continue
        ws.cell(row=r, column=2, value=meaning).alignment = Alignment(wrap_text=True)
        if colour is not None:
            cell.fill = PatternFill("solid", fgColor=MARKS[colour])
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 100


def _xlsx_value(v: Any, col: Column) -> Any:
    if v is None:
        return None
    if col.kind in ("number", "integer", "percent"):
        return float(v) if col.kind != "integer" else round(float(v))
    return safe_text(str(v))
