"""The catalogue of good practice as a booklet: "Katalog over god praksis" as PDF (WeasyPrint,
A4, a table of contents with page numbers, one entry per page) and as XLSX (one row per entry).

Fed plain data (:class:`Booklet` of :class:`BookletEntry`, every field already the Danish text
a reader sees), so that the web app only chooses which entries a user may read. Demo examples
are marked DEMOEKSEMPEL on their page and row; a booklet made on a demo site (or holding
effect estimates from synthetic data) carries the marker in every page's margin."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from naersund.reports import rendering

TITLE = "Katalog over god praksis"
DEMO_ENTRY = "DEMOEKSEMPEL"
DEMO_NOTE = (
    "Titlen er et dokument fra KL's materiale om det nære sundhedsvæsen; beskrivelsen er et "
    "eksempel til demoen og siger intet om kommunens faktiske indsats eller resultater."
)


@dataclass(frozen=True)
class BookletEntry:
    """One published entry as printed (Danish text throughout; empty strings are left out)."""

    title: str
    municipalities: str
    kkr: str
    target_group: str
    what: str
    evidence: str
    cost: str
    initiatives: Sequence[str] = ()
    indicators: Sequence[str] = ()
    organisation: str = ""
    staff: str = ""
    results: str = ""
    contact: str = ""
    links: Sequence[str] = ()
    documents: Sequence[str] = ()  # names of the attached PDFs (downloaded from the entry's page)
    started: str = ""
    published: str = ""
    demo: bool = False
    #: effect estimates of the linked initiatives: (sentence, provenance) per estimate
    effects: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True)
class Booklet:
    entries: Sequence[BookletEntry]
    made_on: str  # "6. december 2026"
    marker: str = ""  # "DEMO" / "SYNTETISKE DATA" in every page's margin, or ""
    introduction: Sequence[str] = field(default_factory=tuple)


def html(booklet: Booklet, for_print: bool = False) -> str:
    """The booklet as one self-contained HTML page."""
    return (
        rendering.environment()
        .get_template("booklet.html.j2")
        .render(
            booklet=booklet,
            title=TITLE,
            header_css=rendering.css_string(TITLE),
            marker_css=rendering.css_string(booklet.marker),
            demo_entry=DEMO_ENTRY,
            demo_note=DEMO_NOTE,
            for_print=for_print,
        )
    )


def pdf(booklet: Booklet) -> bytes:
    return rendering.pdf_of_html(html(booklet, for_print=True))


XLSX_COLUMNS: list[tuple[str, int]] = [
    ("Titel", 40),
    ("Kommune", 28),
    ("KKR", 16),
    ("Målgruppe", 24),
    ("Indsatser i målkataloget", 40),
    ("Indikatorer", 34),
    ("Hvad gøres, og hvordan", 60),
    ("Organisering", 40),
    ("Personale og kompetencer", 40),
    ("Udgift pr. år", 16),
    ("Resultater", 50),
    ("Evidensniveau", 24),
    ("Effektskøn for indsatserne", 60),
    ("Kontakt", 30),
    ("Links", 40),
    ("Dokumenter", 30),
    ("Startet", 14),
    ("Offentliggjort", 14),
    ("Demoeksempel", 14),
]


def _row(e: BookletEntry) -> list[str]:
    return [
        e.title,
        e.municipalities,
        e.kkr,
        e.target_group,
        "\n".join(e.initiatives),
        "\n".join(e.indicators),
        e.what,
        e.organisation,
        e.staff,
        e.cost,
        e.results,
        e.evidence,
        "\n".join(f"{sentence} ({source})" for sentence, source in e.effects),
        e.contact,
        "\n".join(e.links),
        "\n".join(e.documents),
        e.started,
        e.published,
        "Ja" if e.demo else "",
    ]


def xlsx(booklet: Booklet) -> bytes:
    """One sheet, one row per entry (in the booklet's order), text escaped so that no cell is
    read as a formula; the marker and the date above the table."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "God praksis"
    r = 1
    if booklet.marker:
        ws.cell(row=r, column=1, value=booklet.marker).font = Font(bold=True, color="B3261E")
        r += 1
    ws.cell(row=r, column=1, value=TITLE).font = Font(bold=True, size=12)
    ws.cell(row=r + 1, column=1, value=f"Udtrukket {booklet.made_on}; {len(booklet.entries)} "
            "offentliggjorte indslag.")  # fmt: skip
    r += 3
    header_row = r
    for j, (label, width) in enumerate(XLSX_COLUMNS, start=1):
        ws.cell(row=r, column=j, value=label).font = Font(bold=True)
        ws.column_dimensions[ws.cell(row=r, column=j).column_letter].width = width
    top = Alignment(wrap_text=True, vertical="top")
    for entry in booklet.entries:
        r += 1
        for j, value in enumerate(_row(entry), start=1):
            ws.cell(row=r, column=j, value=rendering.safe_text(value) or None).alignment = top
    ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
