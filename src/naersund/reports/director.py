"""Direktørniveau: the KKR's municipalities compared, over time, in funnels; target gaps;
initiative coverage; Bilag 1 (municipality × initiative status)."""

from __future__ import annotations

from typing import Any

from naersund import fmt, refdata
from naersund.catalogue import Kkr
from naersund.indicators.model import IndicatorDefinition
from naersund.reports import common as c
from naersund.reports import economy, figures, loop, political
from naersund.reports.comparable import comparable_section
from naersund.reports.effects import effects_sections
from naersund.reports.model import Area, Column, ReportInput, Section, Table
from naersund.reports.political import coverage_table
from naersund.survey.aggregate import kkr_area, status_counts


def _short(indicator: str) -> str:
    return {
        "forebyggelige_indlaeggelser_65": "Forebyggelige",
        "genindlaeggelser_30d_65": "Genindlæggelser",
        "akutte_korttidsindlaeggelser": "Korttidsindl.",
        "faerdigbehandlingsdage": "Færdigbeh.dage",
    }.get(indicator, indicator[:20])


def comparison_section(data: ReportInput, area: Area, year: int) -> Section:
    kkr = refdata.KKR_NAMES[area.region_code]
    s = Section(f"Sammenligning af kommunerne i {kkr}", page_break=True)
    s.paragraphs.append(
        "Værdier med 95 %-konfidensintervaller. Sammenligningen med landet bygger på alders- og "
        "kønsstandardiserede tal, hvor indikatoren standardiseres; figurerne viser de samme."
        + (f" {area.name} er fremhævet." if area.level == "kommune" else "")
    )
    highlight = area.code if area.level == "kommune" else None
    for d in c.indicators_in(data):
        chart = figures.comparison_chart(data, d, area.region_code, year, highlight)
        if chart is not None:
            s.blocks.append(chart)
        s.blocks.append(
            c.comparison_table(
                data, d, area.region_code, year, f"Sammenligning {_short(d.id)}", highlight
            )
        )
    return s


def trend_section(data: ReportInput, area: Area, year: int) -> Section:
    s = Section("Udvikling over tid", page_break=True)
    years = sorted(int(y) for y in data.results["year"].unique() if int(y) <= year)
    highlight = area.code if area.level == "kommune" else None
    for d in c.indicators_in(data):
        chart = figures.trend_chart(data, area, d, year)
        if chart is not None:
            s.blocks.append(chart)
        rows: list[list[Any]] = []
        marked: set[int] = set()
        # A municipality's pack: itself against its KKR and Denmark (the KKR's pack has every
        # municipality, and the comparison section compares them year by year).
        if area.level == "kommune":
            places = [(area.name, "kommune", area.code)]
        else:
            places = [(m.name, "kommune", m.code) for m in c.municipalities_of(area.region_code)]
        places += [
            (refdata.KKR_NAMES[area.region_code], "region", area.region_code),
            ("Hele landet", "land", 0),
        ]
        for name, level, code in places:
            by_year = {f.year: f for f in data.published.series(d.id, level, code, year)}
            if code == highlight and level == "kommune":
                marked.add(len(rows))
            rows.append([name, *(by_year[y].value if y in by_year else None for y in years)])
        s.blocks.append(
            Table(
                sheet=f"Udvikling {_short(d.id)}",
                title=f"{c.name_with_status(d)}: {c.unit_of(d)}, {c.measure_text(data, d)}, "
                f"{years[0]}-{years[-1]}",
                columns=[Column("Område"), *(Column(str(y), "number") for y in years)],
                rows=rows,
                highlight_rows=marked,
            )
        )
    return s


def funnel_section(data: ReportInput, area: Area, year: int) -> Section:
    s = Section("Tragtdiagrammer", page_break=True)
    s.paragraphs.append(
        "Et tragtdiagram viser hver kommunes værdi mod dens størrelse. Små kommuner svinger mere "
        "af tilfældige grunde; en kommune uden for grænserne (95 % stiplet, 99,8 % fuld linje) "
        "afviger mere end tilfældigheder forklarer. Værdierne er de samme som i resten af "
        "rapporten (aldersstandardiserede, hvor indikatoren standardiseres), undtagen for "
        "andele, hvis grænser kun findes for rå andele; figurens akse siger hvilken."
    )
    highlight = area.code if area.level == "kommune" else None
    for d in c.indicators_in(data):
        chart = figures.funnel_chart(data, d, area.region_code, year, highlight)
        if chart is not None:
            s.blocks.append(chart)
    return s


def gaps_section(data: ReportInput, area: Area, year: int) -> Section:
    s = Section("Afstand til målene")
    areas = [area] if area.level == "kommune" else [area, *c.municipalities_of(area.region_code)]

    def cells(d: IndicatorDefinition, a: Area) -> list[Any] | None:
        gap = c.figure(data, d.id, a.level, a.code, year).target
        if gap is None:
            return None
        return [
            gap.target.target_year,
            gap.target_value,
            gap.value,
            gap.gap,
            gap.status.capitalize(),
        ]

    table = c.indicator_area_table(
        data,
        areas,
        cells,
        sheet="Målafstand",
        title=f"Afstand til målene, {year}",
        area_column="Område",
        columns=[
            Column("Målår", "integer"),
            Column("Målværdi", "number"),
            Column(f"Værdi {year}", "number"),
            Column("Afstand", "number"),
            Column("Status (glidebane)"),
        ],
        notes=[
            "Afstand = værdi minus målværdi. Status efter glidebanen fra basisåret til målåret, vurderet med 95 %-intervallet. "
            "Værdierne er de samme som overalt: aldersstandardiserede, hvor indikatoren standardiseres, ellers rå."
        ],
    )
    if table is None:
        s.paragraphs.append(
            "Målkataloget har endnu ingen talmål for indikatorerne i denne KKR, så der er ingen "
            "målafstand at vise. Når KKR'en fastsætter mål, vises de her."
        )
        return s
    s.blocks.append(table)
    return s


def coverage_section(data: ReportInput, area: Area) -> Section:
    s = Section("Indsatsernes udbredelse")
    try:
        kkr = data.catalogue.kkr_by_code(area.region_code)
    except KeyError:
        s.paragraphs.append("KKR'en har ingen indsatser i målkataloget.")
        return s
    initiatives, _ = c.skal_initiatives(kkr)
    if data.survey is None:
        s.paragraphs.append("Der er endnu ingen statusrunde med svar.")
    s.blocks.append(coverage_table(data, area.region_code, initiatives))
    return s


# Bilag 1: every status with a symbol and a colour (the symbol and word carry the meaning
# without colour, in print and XLSX alike).
STATUS_MARK = {
    "Implementeret": "good",
    "Under implementering": "progress",
    "Planlagt": "planned",
    "Ikke påbegyndt": "none",
    "Ikke besvaret": "blank",
}
SHORT_STATUS = {
    "Implementeret": "✓ Impl.",
    "Under implementering": "◐ Under impl.",
    "Planlagt": "○ Planlagt",
    "Ikke påbegyndt": "✗ Ikke påb.",
    "Ikke besvaret": "– Ikke besv.",
}
BILAG1_KEY = (
    "Tegn og farver: ✓ implementeret (grøn), ◐ under implementering (gul), ○ planlagt (blå), "
    "✗ ikke påbegyndt (rød), – ikke besvaret (grå)."
)
COLUMNS_PER_TABLE = 7  # initiatives side by side on a landscape page, names readable


def _initiative_groups(kkr: Kkr) -> list[tuple[str, list[Any]]]:
    """The section's skal-indsatser, then its kan-opgaver (or every initiative where the
    catalogue names neither)."""
    skal = [i for g in kkr.goals for i in g.initiatives_of("skal")]
    kan = [i for g in kkr.goals for i in g.initiatives_of("kan")]
    if not skal and not kan:
        every, _ = c.skal_initiatives(kkr)
        return [("Indsatser", every)] if every else []
    return [
        (title, items) for title, items in (("Skal-indsatser", skal), ("Kan-opgaver", kan)) if items
    ]


def bilag1_section(data: ReportInput, area: Area) -> Section:
    try:
        kkr = data.catalogue.kkr_by_code(area.region_code)
    except KeyError:
        kkr = None
    parts = [] if kkr is None else [(kkr, c.municipalities_of(area.region_code))]
    highlight = area.code if area.level == "kommune" else None
    return bilag1_of(data, parts, highlight)


def bilag1_of(
    data: ReportInput, parts: list[tuple[Kkr, list[Area]]], highlight: int | None = None
) -> Section:
    """Bilag 1: for each catalogue section (a KKR's, a sundhedsråd's) the status of its
    initiatives for the given municipalities (``highlight``: one marked), or why not."""
    s = Section("Bilag 1: Kommunefordelte data (indsatser)", page_break=True, landscape=True)
    parts = [(kkr, members) for kkr, members in parts if _initiative_groups(kkr)]
    if not parts:
        s.paragraphs.append("KKR'en har ingen indsatser i målkataloget.")
        return s
    if not all(c.may_show_answers(data, m.code) for _, members in parts for m in members):
        s.paragraphs.append(
            "Bilag 1 viser hver kommunes svar og vises kun for KKR-sekretariatet og nationale "
            "administratorer, og for alle, når statusrunden er offentliggjort. Udbredelsen i "
            "KKR'en står i afsnittet om indsatsernes udbredelse."
        )
        return s
    whose = " og ".join(f"{kkr.name_da}s" for kkr, _ in parts)
    s.paragraphs.append(
        f"Hver kommunes status for {whose} skal-indsatser og kan-opgaver"
        f"{c.round_text(data)}. {BILAG1_KEY}"
    )
    for kkr, members in parts:
        for title, initiatives in _initiative_groups(kkr):
            s.blocks += _bilag1_tables(data, kkr, members, title, initiatives, highlight)
    return s


def _bilag1_tables(
    data: ReportInput,
    kkr: Kkr,
    members: list[Area],
    title: str,
    initiatives: list[Any],
    highlight: int | None,
) -> list[Table]:
    chunks = [
        initiatives[i : i + COLUMNS_PER_TABLE]
        for i in range(0, len(initiatives), COLUMNS_PER_TABLE)
    ]
    out = []
    for n, chunk in enumerate(chunks):
        rows: list[list[Any]] = []
        marked: set[int] = set()
        for m in members:
            if m.code == highlight:
                marked.add(len(rows))
            rows.append([m.name, *(c.survey_status(data, m.code, x.id) for x in chunk)])
        part = f" ({n + 1} af {len(chunks)})" if len(chunks) > 1 else ""
        sheet = "Bilag 1" if title != "Kan-opgaver" else "Bilag 1 kan"
        out.append(
            Table(
                sheet=sheet if n == 0 else f"{sheet} ({n + 1})",
                title=f"{title}{part}: status pr. kommune i {kkr.name_da}",
                columns=[
                    Column("Kommune"),
                    *(Column(c.name_of(x), short=SHORT_STATUS, marks=STATUS_MARK) for x in chunk),
                ],
                rows=rows,
                highlight_rows=marked,
                landscape=True,
            )
        )
    return out


def summary_section(data: ReportInput, area: Area, year: int) -> Section:
    """One page first: the headline figures with their verdicts, in words and as a table,
    how the KKR's municipalities lie against Denmark, and the initiatives' coverage."""
    s = Section(f"Resumé: {area.title} {year}")
    items = political.headlines(data, area, year)
    bullets = [h.sentence for h in items]
    if area.level == "region":
        members = c.municipalities_of(area.region_code)
        for d in c.indicators_in(data):
            verdicts = [c.figure(data, d.id, "kommune", m.code, year).verdict for m in members]
            better, worse = verdicts.count("better"), verdicts.count("worse")
            bullets.append(
                f"{d.name_da}: {better} af {len(members)} kommuner ligger signifikant bedre "
                f"end landet, {worse} signifikant dårligere."
            )
    s.lists.append(("Hovedpunkter:", bullets))  # the initiatives' line is added below
    s.blocks.append(
        Table(
            sheet="Resumé",
            title=f"Nøgletal for {area.title} {year}",
            columns=[
                Column("Indikator (definitionens status)"),
                Column("Værdi", "number"),
                Column("Hele landet", "number"),
                Column("Opgørelse"),
                Column("Sammenlignet med landet"),
                Column("Målstatus"),
            ],
            rows=[
                [h.name, h.value, h.national, h.measure, h.light_text, h.target_text] for h in items
            ],
        )
    )
    try:
        kkr = data.catalogue.kkr_by_code(area.region_code)
    except KeyError:
        return s
    initiatives, are_skal = c.skal_initiatives(kkr)
    if data.survey is not None and initiatives:
        region = kkr_area(area.region_code)
        done = [status_counts(data.survey, i.id, region) for i in initiatives]
        shares = [
            float(pct)
            for d in done
            if d.total and (pct := d.share("implementeret").pct) is not None
        ]
        kind = "skal-indsatser" if are_skal else "indsatser"
        if shares:
            bullets.append(
                f"Indsatserne{c.round_text(data)}: i gennemsnit har "
                f"{fmt.number(sum(shares) / len(shares), 0)} % af kommunerne i {kkr.name_da} "
                f"implementeret hver af de {len(initiatives)} {kind}; afsnittet om indsatsernes "
                "udbredelse viser hver indsats."
            )
    return s


def overview_section(data: ReportInput, area: Area, year: int) -> Section:
    """A municipality at a glance: the spine chart against all municipalities and its key
    figures over the years."""
    from naersund.reports.kkr import key_table, spine

    s = Section(f"Overblik over {area.title}")
    chart = spine(data, area, year)
    if chart is not None:
        s.blocks.append(chart)
    s.blocks.append(key_table(data, area, year))
    return s


def build(data: ReportInput, area: Area, year: int) -> list[Section]:
    first = [summary_section(data, area, year)]
    if area.level == "kommune":
        overview = overview_section(data, area, year)
        overview.page_break = True
        first.append(overview)
    followup = loop.followup_section(data, area, year)
    smoothed = loop.smoothed_section(data, area, year)
    return [
        *first,
        comparison_section(data, area, year),
        comparable_section(data, area, year),
        trend_section(data, area, year),
        funnel_section(data, area, year),
        *([smoothed] if smoothed is not None else []),
        gaps_section(data, area, year),
        *[s for s in (economy.director_section(data, area, year),) if s is not None],
        *([followup] if followup is not None else []),
        coverage_section(data, area),
        *effects_sections(data, area),
        bilag1_section(data, area),
    ]
