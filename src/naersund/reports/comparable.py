"""The director pack's "Sammenlignelige kommuner" (issue 14): each municipality of the pack next
to its ``k`` comparable municipalities (:mod:`naersund.analysis.neighbours`) on the KKR's central
indicators. The numbers are :func:`naersund.analysis.group_compare.group_figures`, the function
the web's Sammenlign with ``?gruppe=sammenlignelige`` shows, so pack and page agree."""

from __future__ import annotations

from typing import Any

from naersund.analysis import group_compare as gc
from naersund.analysis.neighbours import K
from naersund.analysis.profiles import municipality_names
from naersund.refdata.groups import COMPARABLE
from naersund.reports import common as c
from naersund.reports.model import Area, Column, ReportInput, Section, Table

METHOD_DA = (
    f"De {K} sammenlignelige kommuner er de {K} kommuner, der ligner kommunen mest på "
    "indbyggertal, andel 65+, andel 80+ og befolkningstæthed (standardiserede kendetegn, "
    "euklidisk afstand; samme beregning som kommuneprofilen på nettet). Værdierne er de samme "
    "som i resten af rapporten og på nettets sammenligning med en gruppe: "
    "aldersstandardiserede, hvor indikatoren "
    "standardiseres, ellers rå. Et tomt felt er skjult (få tilfælde) eller uden værdi."
)


def _indicators(data: ReportInput, region_code: int) -> list[Any]:
    """The KKR's central indicators, or every indicator of the release where it chose none."""
    by_id = {d.id: d for d in c.indicators_in(data)}
    central = [by_id[i] for i in c.central_ids(data, region_code) if i in by_id]
    return central or list(by_id.values())


def comparable_table(data: ReportInput, kommunekode: int, region_code: int, year: int) -> Table:
    """One municipality (first, marked), its comparable municipalities (by name) and Denmark
    on the central indicators in ``year``."""
    pub = data.published
    names = municipality_names()
    group = gc.resolve(pub, kommunekode, COMPARABLE, year, [])
    assert group is not None  # every municipality has comparable municipalities
    defs = _indicators(data, region_code)
    figs = [gc.group_figures(pub, group, kommunekode, d.id, year) for d in defs]
    rows: list[list[Any]] = [[names[kommunekode], *(f.own.value for f in figs)]]
    for n, (code, _) in enumerate(figs[0].members if figs else []):
        rows.append([names[code], *(f.members[n][1].value for f in figs)])
    rows.append(["Hele landet", *(f.denmark.value for f in figs)])
    versions = ", ".join(
        f"{d.id} v{pub.definitions[d.id]}" for d in defs if d.id in pub.definitions
    )
    return Table(
        sheet="Sammenlignelige",
        title=f"{names[kommunekode]} og de {K} sammenlignelige kommuner, {year}",
        columns=[
            Column("Kommune"),
            *(
                Column(f"{d.name_da} ({c.unit_of(d)}, {c.measure_text(data, d)})", "number")
                for d in defs
            ),
        ],
        rows=rows,
        notes=[f"Udgivelse {pub.release_id}, år {year}; definitioner: {versions}."],
        highlight_rows={0},
    )


def comparable_section(data: ReportInput, area: Area, year: int) -> Section:
    """A municipality's pack: the municipality and its comparable municipalities; a KKR's
    pack: one table per municipality of the KKR."""
    s = Section("Sammenlignelige kommuner", page_break=True)
    s.paragraphs.append(METHOD_DA)
    members = [area] if area.level == "kommune" else c.municipalities_of(area.region_code)
    for m in members:
        s.blocks.append(comparable_table(data, m.code, area.region_code, year))
    return s
