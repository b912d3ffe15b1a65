"""Fagligt niveau: detailed numbers, drill-down by diagnosis group, age band, sex and month,
the indicator definitions, and data-quality notes."""

from __future__ import annotations

from typing import Any

from naersund import fmt
from naersund.analysis.breakdowns import breakdown_years, breakdowns_for
from naersund.registry import quality
from naersund.reports import common as c
from naersund.reports import loop
from naersund.reports.effects import effects_sections
from naersund.reports.model import Area, CellKind, Column, ReportInput, Section, Table

_DIRECTION = {"lower_is_better": "lavere er bedre", "higher_is_better": "højere er bedre"}


def details_section(data: ReportInput, area: Area, year: int) -> Section:
    s = Section("Detaljerede tal")
    s.paragraphs.append(
        f"Alle offentliggjorte tal for {area.title} år for år: tæller, nævner og værdien med "
        "95 %-interval, den samme som i de øvrige rapporter og på dashboardet: "
        "aldersstandardiseret (alder og køn; standardpopulation: "
        f"{data.meta.get('standard_population', 'Danmarks befolkning 2013')}), hvor "
        "indikatoren standardiseres, ellers rå (se kolonnen med opgørelsen)."
    )
    for d in c.indicators_in(data):
        rows: list[list[Any]] = []
        for f in data.published.series(d.id, area.level, area.code, year, data.catalogue):
            rows.append([str(f.year), *c.value_cells(f)])
        s.blocks.append(
            Table(
                sheet=f"Tal {d.id}"[:31],
                title=f"{c.name_with_status(d)}, {c.unit_of(d)}",
                columns=c.value_columns("År"),
                rows=rows,
            )
        )
    return s


def drilldown_section(data: ReportInput, area: Area, year: int) -> Section:
    s = Section("Opdeling", page_break=True)
    dd = data.drilldown
    if area.level != "kommune":
        s.page_break = False
        s.paragraphs.append(
            "Opdelingen på diagnosegruppe, aldersgruppe, køn og måned vises i kommunernes faglige "
            "rapporter."
        )
        return s
    if dd is None:
        s.page_break = False  # one paragraph: no page of its own
        s.paragraphs.append(
            "Denne rapport har ingen opdeling på diagnosegruppe, aldersgruppe, køn og måned. "
            "Opdelingen beregnes fra registerdata, hvor de ligger, og diskretioneres som de "
            "øvrige tal; bed den, der laver rapporterne, om en rapport med opdeling."
        )
        return s
    s.paragraphs.append(
        f"Antal hændelser i {year} fordelt på undergrupper. Celler med små tal (og celler, der "
        "kunne afsløre dem) vises som –."
    )
    for d in c.indicators_in(data):
        # the same reader as the web page's breakdowns (one function, the same cells)
        for b in breakdowns_for(dd, d, area.code, year):
            rows: list[list[Any]] = [
                [cell.category, *(None if n is None else c.num(n) for n in b.numbers(cell))]
                for cell in b.cells
            ]
            kinds: list[CellKind] = (
                ["integer", "integer", "number"] if b.proportion else ["integer", "number"]
            )
            headers = b.headers_da()
            columns = [Column(headers[0])] + [
                Column(h, k) for h, k in zip(headers[1:], kinds, strict=True)
            ]
            s.blocks.append(
                Table(
                    sheet=f"{b.dimension} {d.id}"[:31],
                    title=f"{c.name_with_status(d)} efter {b.label_da}, {year}",
                    columns=columns,
                    rows=rows,
                )
            )
    if not s.tables:
        years = breakdown_years(dd, area.code)
        s.paragraphs.append(
            f"Ingen opdelte tal for {area.title} i {year}"
            + (f" (opdelingen findes for {', '.join(map(str, years))})." if years else ".")
        )
    return s


STATUS_MEANING = {
    "gældende": "den gældende nationale definition",
    "under omdefinering": "den nationale definition er ved at blive lavet om (eSundhed); "
    "tallet kan ændre sig, når den nye definition kommer",
    "lokal variant": "en lokal variant, der afviger fra den nationale definition",
}


def definitions_section(data: ReportInput) -> Section:
    """Each indicator under its own heading (its name and status), its facts as bullets."""
    s = Section("Definitioner", page_break=True, headed_lists=True)
    for d in c.indicators_in(data):
        items = [
            c.for_readers(d.description_da),
            f"Status: {d.status} ({STATUS_MEANING.get(d.status, d.status)}); "
            f"definitionsversion {d.version}; id {d.id}.",
            f"Enhed: {c.unit_of(d)}; retning: {_DIRECTION[d.direction]}; "
            f"konfidensinterval: {'Wilson' if d.ci_method == 'wilson' else 'Byar (eksakt Poisson under 10)'}.",
        ]
        if d.standardisation is not None:
            items.append(
                "Standardiseret direkte efter alder og køn til Danmarks befolkning 1. januar "
                f"{d.standardisation.reference_year}."
            )
        if d.selection is not None and d.selection.diagnosis_groups:
            groups = "; ".join(
                f"{g.label_da}: {', '.join(g.codes)}" for g in d.selection.diagnosis_groups.values()
            )
            items.append(f"Diagnosegrupper (aktionsdiagnose, SKS-præfiks): {groups}.")
        if not d.codes_verified and d.diagnosis_prefixes:
            items.append(
                "Kodelisten er en dokumenteret standard, der endnu ikke er verificeret mod eSundhed."
            )
        items.append(f"Kilde: {c.for_readers(d.source)}")
        s.lists.append((c.name_with_status(d), items))
    return s


def quality_section(data: ReportInput, area: Area, year: int) -> Section:
    s = Section("Datakvalitet")
    meta = data.meta
    notes: list[str] = []
    est = [int(y) for y in meta.get("population_estimated_years", [])]
    if est:
        notes.append(
            "Befolkningstallet er estimeret (interpoleret mellem kendte år og afstemt med kendte "
            f"totaler) for: {', '.join(map(str, est))}."
            + (f" Det gælder også {year}." if year in est else "")
        )
    else:
        notes.append("Befolkningstallene er opgjorte tal for alle år.")
    r = data.results
    mine = r[(r["level"] == area.level) & (r["area_code"] == area.code)]
    hidden = int(mine["suppressed"].astype(bool).sum())
    notes.append(
        f"Diskretionerede celler for {area.title}: {hidden} af {len(mine)} "
        f"(grænse: tællinger under {int(meta.get('suppression_min_count', 5))})."
    )
    if data.drilldown is not None and area.level == "kommune":
        dd = data.drilldown
        dd = dd[(dd["kommunekode"] == area.code) & (dd["year"] == year)]
        notes.append(
            f"Diskretionerede celler i opdelingen {year}: {int(dd['suppressed'].astype(bool).sum())} af {len(dd)}."
        )
    if data.rejected_rows is None:
        notes.append("Antal afviste inputrækker ved indlæsningen er ikke registreret i udgivelsen.")
    else:
        per_table = (meta.get("ingest") or {}).get("rejected") or {}
        parts = ", ".join(f"{t} {fmt.integer(n)}" for t, n in sorted(per_table.items()) if n)
        notes.append(
            f"Afviste inputrækker ved indlæsningen: {fmt.integer(data.rejected_rows)}"
            + (f" ({parts})." if parts else ".")
        )
    for ind, text in (meta.get("indicator_notes") or {}).items():
        notes.append(f"{meta.get('definitions', {}).get(ind, {}).get('name_da', ind)}: {text}.")
    for ind, text in (meta.get("left_out") or {}).items():
        notes.append(f"{ind} er ikke beregnet: {text}.")
    if data.synthetic:
        notes.append("Tallene er lavet af syntetiske data (SYNTETISKE DATA).")
    s.lists.append(("", notes))
    return s


def source_quality_section(data: ReportInput) -> Section | None:
    """Data quality per source and month (``quality.csv`` of the ingest, carried by the
    release: ``data.data_quality`` on the web, the results' metadata otherwise), so that a break such as LPR2 -> LPR3 is seen before a trend is trusted; None when
    the release has none (its data did not come through ``naersund ingest``)."""
    rows = data.data_quality if data.data_quality is not None else data.meta.get("data_quality")
    if not rows:
        return None
    v = quality.view(rows)
    s = Section("Datakvalitet pr. kilde og måned", page_break=True)
    release = f"udgivelse {data.release}" if data.release else "udgivelsen"
    s.paragraphs.append(
        f"Fra indlæsningen af registerdata til {release} (dataudtræk "
        f"{data.meta.get('data_cut', 'ukendt')}): kontakter pr. måned for hele landet, andelen "
        "af dem, der er akutte, og af dem uden speciale, andelen af de indlæste rækker uden "
        f"(gyldig) diagnose og de afviste rækker. {v.summary}"
    )
    note = quality.switch_note(v)
    if note:
        s.paragraphs.append(note)
    s.paragraphs.append(quality.RULE_DA)
    hidden = (
        f"– : skjult (tal under {int(data.meta.get('suppression_min_count', 5))}) eller ikke "
        "beregnet (for få måneder til at bedømme)."
    )
    columns = [Column(label, kind, decimals=1) for label, kind in quality.FLAGGED_COLUMNS]
    s.blocks.append(
        Table(
            sheet="Markerede måneder",
            title="Markerede måneder (alle områder)",
            columns=columns,
            rows=quality.flagged_rows(v),
            notes=[] if v.flagged else ["Ingen måneder er markeret."],
        )
    )
    columns = [Column(label, kind, decimals=1) for label, kind in quality.NATIONAL_COLUMNS]
    s.blocks.append(
        Table(
            sheet="Datakvalitet pr. måned",
            title="Hele landet pr. måned og kilde",
            columns=columns,
            rows=quality.national_rows(v),
            notes=[hidden],
        )
    )
    stays = (
        data.stays_without_specialty
        if data.stays_without_specialty is not None
        else data.meta.get("stays_without_specialty")
    )
    if stays:
        columns = [Column(label, kind) for label, kind in quality.STAYS_COLUMNS]
        s.blocks.append(
            Table(
                sheet="Ophold uden speciale",
                title="Akutte korttidsophold uden speciale på første kontakt, hele landet",
                columns=columns,
                rows=quality.stays_rows(stays),
                notes=[quality.STAYS_NOTE_DA, hidden],
            )
        )
    return s


def build(data: ReportInput, area: Area, year: int) -> list[Section]:
    smoothed = loop.smoothed_section(data, area, year)
    sections = [
        details_section(data, area, year),
        *([smoothed] if smoothed is not None else []),
        drilldown_section(data, area, year),
        *effects_sections(data, area, detailed=True),
        definitions_section(data),
        quality_section(data, area, year),
    ]
    by_source = source_quality_section(data)
    return sections if by_source is None else [*sections, by_source]
