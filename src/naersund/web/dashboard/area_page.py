"""The Områdeoverblik's presenter (issue 14): one page for an area of any level (a KKR, a
region, a region of 2027, a sundhedsråd, a user-defined group) with what the KKR-overblik showed
wherever the data exists for the area, and a plain sentence where it does not:

- the goals of the catalogue sections attached to the area (a section of any scope level
  whose municipalities are exactly the area's: KKR Nordjylland's goals also on Region
  Nordjylland's page, which has the same municipalities);
- the area's central indicators first (:func:`naersund.catalogue.central.central_order`, the
  order of the front page and the political pack);
- per municipality its figures (:meth:`PublishedResults.figure`, with its target status), how
  many of its skal-initiatives it has implemented (those of every section it belongs to: its
  KKR's, and its sundhedsråd's where that has goals, as a round asks them) and how many of its
  follow-up questions it answered, only where the user may see its answers
  (:func:`naersund.web.dashboard.context.initiative_status`, ``access.can_view_answers``).

Plain context for ``dashboard/omraade.html``; the view only checks access and caches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from naersund.analysis import area_view
from naersund.analysis.area_view import AreaInfo
from naersund.analysis.overview import REFERENCE_TEXT
from naersund.analysis.profiles import IndicatorInfo
from naersund.analysis.published import Figure, PublishedResults
from naersund.catalogue import Catalogue
from naersund.catalogue.central import SOURCE_SENTENCE_DA, central_order
from naersund.catalogue.model import Goal, Kkr
from naersund.survey.questions import STATUS_LABELS
from naersund.web.dashboard import context as ctx
from naersund.web.dashboard import loop
from naersund.web.survey.models import Round

IMPLEMENTED = STATUS_LABELS["implementeret"]


@dataclass(frozen=True)
class Cell:
    figure: Figure
    target: str | None  # the municipality's target status ("på sporet", ...), else None


@dataclass(frozen=True)
class SkalCount:
    """A municipality's skal-initiatives in the round: None where the user may not see them."""

    visible: bool
    done: int = 0
    answered: int = 0
    total: int = 0


@dataclass(frozen=True)
class Row:
    level: str
    code: int
    name: str
    cells: tuple[Cell, ...]
    skal: SkalCount | None  # None for the area's and Denmark's rows
    followup: str | None  # "1 af 2 besvaret" where the user may see it


def skal_initiatives(catalogue: Catalogue | None, kommunekode: int) -> list[str]:
    """The skal-initiatives a municipality has committed to: those of every catalogue section
    (of any scope level) it belongs to."""
    if catalogue is None:
        return []
    return [
        i.id
        for k in catalogue.kkr
        if kommunekode in k.members
        for g in k.goals
        for i in g.initiatives
        if i.kind == "skal"
    ]


def absent_sentences(
    area: AreaInfo, sections: list[Kkr], n_skal: int, central: list[str], rnd: Round | None
) -> list[str]:
    """What the page does not show for the area, and why, in plain Danish."""
    out = []
    if not sections:
        out.append(
            f"{area.name} har ingen mål, indsatser eller centrale indikatorer i målkataloget, "
            "så siden viser kun kommunernes tal."
        )
    else:
        if not central:
            out.append(
                f"{sections[0].name_da} har ikke valgt centrale indikatorer; indikatorerne står "
                "i definitionernes rækkefølge."
            )
    if not n_skal:
        out.append(
            "Kommunerne i området har ingen skal-indsatser i målkataloget, så der er ingen "
            "skal-status at vise."
        )
    if rnd is None:
        out.append(
            "Der er ingen lukket statusrunde endnu, så kommunernes svar og opfølgning vises ikke."
        )
    return out


def area_context(
    pub: PublishedResults,
    area: AreaInfo,
    year: int,
    standardised: bool,
    user: Any,
    rnd: Round | None,
) -> dict[str, Any]:
    """What the Områdeoverblik shows besides the filters and the map."""
    catalogue = ctx.catalogue_state()[0]
    infos = ctx.infos()
    sections = area_view.catalogue_sections(catalogue, area)
    present = [i for i in infos if not pub.rows(i).empty]
    order = central_order(catalogue, sections[0].region_code if sections else None, present)
    cols: list[IndicatorInfo] = [infos[i] for i in order.ordered]
    overview = area_view.overview_rows(
        pub, area, [i.id for i in cols], year, standardised, catalogue
    )
    goals: list[Goal] = [g for k in sections for g in k.goals]
    members = list(area.members)
    skal_ids = {k: skal_initiatives(catalogue, k) for k in members}
    status = ctx.initiative_status(members, user, rnd)
    coverage: dict[int, str] = loop.kkr_extras(rnd, members, user)["followup_coverage"]
    rows = []
    for r in overview:
        skal = None
        if r.level == "kommune":
            s, own = status.get(r.code), skal_ids[r.code]
            skal = (
                SkalCount(False)
                if s is None
                else SkalCount(
                    True,
                    sum(1 for i in own if s.get(i, ("",))[0] == IMPLEMENTED),
                    sum(1 for i in own if i in s),
                    len(own),
                )
            )
        cells = tuple(
            Cell(f, None if f.target is None else str(f.target.status)) for f in r.figures
        )
        rows.append(
            Row(
                r.level,
                r.code,
                r.name,
                cells,
                skal,
                coverage.get(r.code) if skal is not None else None,
            )
        )
    n_skal = max((len(v) for v in skal_ids.values()), default=0)
    return {
        "area": area,
        "cols": cols,
        "rows": rows,
        "member_names": area_view.member_names(area),
        "sections": sections,
        "goals": goals,
        "infos": infos,
        # the headline measure of each column ("aldersstandardiseret" or "rå")
        "measures": {c.id: rows[0].cells[n].figure.measure for n, c in enumerate(cols)},
        "central": [infos[i] for i in order.central],
        "central_ids": order.central,
        "central_source": SOURCE_SENTENCE_DA,
        "n_skal": n_skal,
        "skal_visible": n_skal > 0 and any(r.skal and r.skal.visible for r in rows),
        "followup_coverage": bool(coverage),
        "absent": absent_sentences(area, sections, n_skal, order.central, rnd),
        # Overblik with the area's municipalities (a group chosen there, every indicator),
        # each compared with the area where Overblik offers its level
        "overblik_query": "&".join(
            [
                f"aar={year}",
                "kkr=alle",
                *([f"sammenlign={area.level}"] if area.level in REFERENCE_TEXT else []),
                *(f"kommuner={k}" for k in area.members),
            ]
        ),
    }


def shown_indicator(
    cols: list[IndicatorInfo], wanted: str | None
) -> tuple[IndicatorInfo | None, int, str]:
    """The indicator the page's map shows, its column and what the page must say about it:
    the one asked for where the release has figures for it; else the first column (the first
    indicator the release has), with a Danish note naming both, so that the selector, the
    map's heading and its colours all show the same indicator; None (and a note) when the
    release has no figures at all."""
    if not cols:
        return None, 0, "Udgivelsen har ingen tal for nogen indikator, så der er intet kort."
    at = next((n for n, i in enumerate(cols) if i.id == wanted), None)
    if at is not None:
        return cols[at], at, ""
    asked = ctx.infos().get(wanted or "")
    if asked is None:
        return cols[0], 0, ""
    return (
        cols[0],
        0,
        (
            f"Udgivelsen har ingen tal for »{asked.name_da}«, så kortet viser i stedet "
            f"»{cols[0].name_da}«, den første indikator, udgivelsen har tal for."
        ),
    )
