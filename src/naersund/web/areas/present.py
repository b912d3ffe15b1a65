"""What the pages show of areas beyond the partitions: the user-defined groups as "compare
with" choices on Overblik, and the Kommuneprofil's block "Sammenlignelige kommuner" (the
``k`` most similar municipalities from :mod:`naersund.analysis.neighbours`, with a link that
compares with them on Overblik, the group passed as municipality codes in the address)."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from django.http import QueryDict
from django.urls import reverse

from naersund.analysis.neighbours import K, comparable_municipalities, features_of_year
from naersund.analysis.profiles import municipality_names
from naersund.web.areas.models import MunicipalityGroup
from naersund.web.dashboard.overblik import CHOSEN, OverblikParams
from naersund.web.dashboard.overblik import _query as overblik_query

METHOD_DA = (
    "Hver kommunes kendetegn standardiseres (minus gennemsnittet for de 98 kommuner, divideret "
    "med standardafvigelsen), så ingen vejer mere for sin enhed. Afstanden mellem to kommuner "
    "er den euklidiske afstand mellem deres standardiserede kendetegn; de {k} nærmeste vises, "
    "ved lige afstand den med den laveste kommunekode. Indbyggertal og tæthed indgår på "
    "logaritmisk skala. Beregningen har ingen tilfældighed og giver samme resultat hver gang."
)
SOURCES_DA = (
    "Befolkning 1. januar {year} efter kommune, alder og køn: Danmarks Statistik, FOLK1A, som "
    "leveret med naersund (år uden udgivne tal anslås som i beregningen af indikatorerne). "
    "Areal: kommunegrænserne fra DAGI (Klimadatastyrelsen), arealet beregnet geodætisk på "
    "WGS84-ellipsoiden med pyproj."
)


@dataclass(frozen=True)
class GroupLink:
    name: str
    size: int
    url: str
    active: bool


def group_links(p: OverblikParams) -> list[GroupLink]:
    """One link per user-defined group: Overblik with the group as the chosen municipalities
    (``kommuner``), everything else as shown."""
    out = []
    for g in MunicipalityGroup.objects.all():
        codes = g.codes()
        url = overblik_query(dataclasses.replace(p, chosen=codes))
        out.append(GroupLink(g.name_da, len(codes), url, codes == p.chosen))
    return out


@dataclass(frozen=True)
class Characteristics:
    kommunekode: int
    name: str
    population: int
    share_65: float
    share_80: float
    density: float
    own: bool


@dataclass(frozen=True)
class Comparable:
    """The Kommuneprofil's block: the municipality, its ``k`` neighbours (nearest first) with
    their characteristics, and a link to Overblik with the six of them."""

    name: str
    year: int
    k: int
    rows: list[Characteristics]
    overblik_url: str
    method_da: str
    sources_da: str

    @property
    def neighbours(self) -> list[Characteristics]:
        return [r for r in self.rows if not r.own]


def comparable(kommunekode: int, year: int, k: int = K) -> Comparable:
    names = municipality_names()
    codes = comparable_municipalities(year, k)[kommunekode]
    features = {
        column: {int(k): float(v) for k, v in values.items()}
        for column, values in features_of_year(year).to_dict().items()
    }
    rows = [
        Characteristics(
            code,
            names[code],
            round(math.exp(features["log_population"][code])),
            features["share_65"][code] * 100,
            features["share_80"][code] * 100,
            math.exp(features["log_density"][code]),
            code == kommunekode,
        )
        for code in [kommunekode, *codes]
    ]
    q = QueryDict(mutable=True)
    q["aar"] = str(year)
    q["kkr"] = "alle"
    q.setlist(CHOSEN, [str(c) for c in sorted([kommunekode, *codes])])
    return Comparable(
        name=names[kommunekode],
        year=year,
        k=k,
        rows=rows,
        overblik_url=f"{reverse('dashboard:overblik')}?{q.urlencode()}",
        method_da=METHOD_DA.format(k=k),
        sources_da=SOURCES_DA.format(year=year),
    )
