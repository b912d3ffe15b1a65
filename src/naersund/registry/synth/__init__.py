"""The synthetic national registry: realistic hospital data that no one could mistake for real.

:func:`generate` draws persons from Denmark's real population (municipality × 5-year band ×
sex, :func:`naersund.refdata.derive_population`) scaled by ``scale``, gives them hospital stays
with rates rising steeply with age, readmissions, transfers between hospitals (contacts joined
into one stay), deaths and days ready for discharge, adds outpatient attendances at the real
national volume (:mod:`._outpatient`: planned and acute visits, the chronically ill, visits just
before admissions, emergency-room contacts that become admissions), adds a random
municipality effect and plants initiative effects in chosen municipalities (listed in
``manifest.json``).

Every output is marked ``SYNTETISKE DATA``: a ``SYNTETISKE_DATA.txt`` file, the manifest
(``"synthetic": true``), Parquet metadata ``naersund.synthetic=true``, person ids starting
with ``SYN`` and hospitals named ``Syntetisk ...``. The same seed gives byte-identical files.

The canonical and the LPR2 output of one seed hold the same data except that LPR2 has no
discharge minute: there contact end times are rounded down to the hour. Contacts that end
inside a stay (transfers) always end on the hour, so both outputs join contacts into the
same stays; a few stay lengths near the 12- and 24-hour limits can differ.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from naersund import __version__
from naersund.atomic import locked_dir, switched_dir
from naersund.refdata import AGE_GROUPS, derive_population, municipalities, shipped_population
from naersund.registry.synth import _model as M
from naersund.registry.synth import _outpatient as O
from naersund.registry.synth import _tables as T
from naersund.registry.synth._write import CanonicalWriter, Lpr2Writer, Lpr3Writer

__all__ = ["INITIATIVES", "MARKER", "generate"]

MARKER = T.MARKER
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class Planted:
    """An initiative effect synth plants: the goal catalogue's initiative (and its KKR, whose
    municipalities are the candidates), the model's mechanism that carries it, the indicator
    it moves, the relative effect from the start year on and how many municipalities get it."""

    initiative: str
    region_code: int
    mechanism: str
    indicator: str
    effect: float
    municipalities: int
    description_da: str
    affects: tuple[str, ...] = ()  # the indicators the mechanism moves (for a control: looks at)


# Initiatives of KKR Hovedstaden's goal "genindlæggelser" (the catalogue links them to its
# indicators), so that naersund.analysis.effects can be checked against them on the demo.
INITIATIVES: tuple[Planted, ...] = (
    Planted(
        "hovedstaden_forloebskoordinering",
        1084,
        "opfoelgende_hjemmebesoeg",
        "genindlaeggelser_30d_65",
        -0.15,
        10,
        "Sandsynligheden for en akut genindlæggelse efter en indlæggelse af en borger på 65+ "
        "er 15 % lavere fra startåret.",
        ("genindlaeggelser_30d_65",),
    ),
    Planted(
        "hovedstaden_akutteams_doegnpladser",
        1084,
        "akutteam",
        "forebyggelige_indlaeggelser_65",
        -0.10,
        10,
        "Raten af akutte indlæggelser med forebyggelig diagnose blandt borgere på 65+ (også "
        "genindlæggelser) er 10 % lavere fra startåret.",
        ("forebyggelige_indlaeggelser_65", "genindlaeggelser_30d_65"),
    ),
    Planted(
        "hovedstaden_indsatser_aeldreplejen",
        1084,
        "forloebskoordinator",
        "faerdigbehandlingsdage",
        -0.20,
        8,
        "Sandsynligheden for, at en indlæggelse ender med færdigbehandlingsdage, er 20 % lavere "
        "fra startåret (målkataloget knytter ikke denne indikator til indsatsen).",
        ("faerdigbehandlingsdage",),
    ),
    Planted(
        "hovedstaden_shared_care",
        1084,
        "kontrol",
        "genindlaeggelser_30d_65",
        0.0,
        8,
        "Ingen effekt (kontrol): en analyse bør ikke finde noget her. Kontrollen er plantet i "
        "kommuner uden de andre plantede indsatser på de samme indikatorer, så den tester "
        "metoden og ikke overlappet mellem indsatser.",
        ("forebyggelige_indlaeggelser_65", "genindlaeggelser_30d_65"),
    ),
)

_MARKER_TEXT = """SYNTETISKE DATA

Alle data i denne mappe er syntetiske. De er dannet tilfældigt af naersund {version}
(seed {seed}, år {years}, skala {scale}) ud fra befolkningens fordeling på kommune, alder og køn.
Ingen række beskriver en virkelig person, kontakt, indlæggelse eller et virkeligt sygehus:
person-id'er begynder med "SYN", og sygehusene hedder "Syntetisk ...".

Rater, kommuneforskelle og initiativeffekter er opfundne og plantet med vilje (se
manifest.json, "planted_effects"). Data må ikke bruges som eller forveksles med rigtige
registerdata, og resultater beregnet på dem siger intet om virkelige kommuner.
"""


def _by_mechanism() -> dict[str, Planted]:
    return {p.mechanism: p for p in INITIATIVES}


def _effects(
    seed: int, years: list[int], region: np.ndarray, last_start: int | None = None
) -> M.Effects:
    """Municipality effects and planted initiatives (independent of scale and format): each
    planted initiative in the given number of its KKR's municipalities, starting in a year
    after the first (and not after ``last_start``, when given)."""
    rng = np.random.default_rng([seed, 0])
    n = len(region)

    def lognormal(sd: float) -> np.ndarray:
        return np.asarray(rng.lognormal(-(sd**2) / 2, sd, n))

    common = lognormal(T.MUNI_SD_COMMON)
    muni = {s: common * lognormal(T.MUNI_SD_STREAM) for s in (*T.STREAMS, "readmit")}
    ready = lognormal(T.MUNI_SD_READY)
    pick = np.random.default_rng([seed, 1])
    starts = [y for y in years[1:] if last_start is None or y <= last_start] or years[1:] or years
    planted: list[tuple[int, str, int, float]] = []
    for p in INITIATIVES:
        members = np.flatnonzero(region == p.region_code)
        if p.effect == 0:  # a control: away from the planted effects on what it looks at
            busy = {
                m
                for m, name, _, effect in planted
                if effect != 0 and set(_by_mechanism()[name].affects) & set(p.affects)
            }
            members = np.array([m for m in members if m not in busy], dtype=members.dtype)
        for m in np.sort(
            pick.choice(members, size=min(p.municipalities, len(members)), replace=False)
        ):
            planted.append((int(m), p.mechanism, int(pick.choice(starts)), p.effect))
    return M.Effects(muni=muni, ready=ready, region=region, initiatives=planted)


def _cubes(pop: pd.DataFrame, codes: np.ndarray) -> dict[int, np.ndarray]:
    """year -> counts[municipality, band, sex]."""
    out = {}
    band = pd.Categorical(pop["age_group"], categories=list(AGE_GROUPS)).codes
    kidx = np.searchsorted(codes, pop["kommunekode"].to_numpy())
    sex = (pop["sex"] == "F").to_numpy().astype(int)
    for year in pop["year"].unique():
        m = (pop["year"] == year).to_numpy()
        cube = np.zeros((len(codes), len(AGE_GROUPS), 2), dtype=np.int64)
        np.add.at(cube, (kidx[m], band[m], sex[m]), pop["count"].to_numpy()[m])
        out[int(year)] = cube
    return out


def _simulate_year(
    seed: int, year: int, counts: np.ndarray, fx: M.Effects, dead: np.ndarray
) -> tuple[M.Stays, M.Stays]:
    """All stays whose story starts in ``year`` -> (contacts, ready-for-discharge periods).

    The admissions have the random stream ``[seed, year]``; the outpatient attendances
    (``_outpatient``) their own, so adding them left the admissions as they were."""
    rng = np.random.default_rng([seed, year])
    extra = np.random.default_rng([seed, year, 7])
    batches = M.draw_base(rng, year, counts, fx, dead)
    chronic = O.chronic_persons(year, counts, dead)
    O.to_cohort(extra, batches, chronic)
    generation = M.concat(batches)
    for _ in range(3):  # readmissions of readmissions
        generation = M.readmissions(rng, generation, fx, year)
        batches.append(generation)
    stays = M.concat(batches)
    stays = M.concat([stays, M.near_misses(rng, stays, fx, year)])
    ready = M.take(stays, np.flatnonzero(stays["ready_day"] >= 0))
    visits = O.outpatient(extra, year, counts, fx, dead, chronic, stays)
    contacts = M.contacts(rng, O.emergency_rooms(extra, stays), fx.region)
    return M.concat([contacts, visits]), ready


def _split(rows: M.Stays, field: str, lo: int, hi: int) -> tuple[M.Stays, M.Stays]:
    """Rows with ``lo <= field < hi`` and the rows after (carried to the next year)."""
    v = rows[field]
    return M.take(rows, (v >= lo) & (v < hi)), M.take(rows, v >= hi)


def generate(
    out: Path,
    years: Sequence[int],
    scale: float = 1.0,
    seed: int = 1,
    fmt: Literal["canonical", "lpr2", "lpr3"] = "canonical",
    progress: Progress | None = None,
    *,
    sas: bool = False,
    planted_last_start: int | None = None,
    write_years: Sequence[int] | None = None,
) -> dict[str, Any]:
    """Write a synthetic registry for ``years`` to the folder ``out`` and return its manifest.

    ``scale`` multiplies the population and so the number of persons and contacts (1.0 is
    Denmark at the real volume: about 12.5 million contacts in 2022, outpatient attendances
    included, see ``_outpatient``); the population written is the real one
    times ``scale``, so rates stay realistic. ``fmt="canonical"`` writes Parquet partitioned
    by year (``contacts/year=YYYY/part-0.parquet``, ``ready_for_discharge/year=YYYY/...``,
    ``population/population.parquet``); ``fmt="lpr2"`` writes an LPR2-style CSV extract
    (``LPR_ADM.csv``, ``LPR_DIAG.csv``, ``CPR_PERSON.csv``) with the same contacts, their end
    times rounded down to the hour, plus ``ready_for_discharge.csv`` and ``population.csv``;
    ``fmt="lpr3"`` writes an LPR3-style extract (``kontakter``, ``diagnoser``, ``CPR_PERSON``)
    with the same contacts, as CSV or, with ``sas``, as SAS transport files (``.xpt``).
    All have ``manifest.json`` and ``SYNTETISKE_DATA.txt``. Contacts are partitioned by the
    year of their start; contacts after the last year are left out. ``out`` is replaced
    whole, only once everything is written: it is a link to a version folder beside it,
    switched in one rename (:func:`naersund.atomic.switched_dir`, as ``naersund ingest``), so
    that a synth that fails or is killed leaves the previous ``out`` as it was; a second synth
    to the same ``out`` is refused while one runs.
    ``progress(step, fraction)`` is told how far.
    ``planted_last_start`` keeps the planted initiatives' start years at or before it (the
    demo: the year of its last status round, so that the round can report every start).
    ``write_years`` (default: all of ``years``) writes only those years of the series simulated
    for ``years``: two calls with the same seed and ``years`` and disjoint ``write_years`` give
    two extracts of one series (e.g. LPR2 to 2018 and LPR3 from 2019, to test the splice).
    """
    years = sorted({int(y) for y in years})
    if not years or years[0] < 1990 or years[-1] > 2060:
        raise ValueError("years: give at least one year between 1990 and 2060")
    if not 0 < scale <= 50:
        raise ValueError(f"scale must be above 0 and at most 50, not {scale}")
    if seed < 0:
        raise ValueError(f"seed must be 0 or more, not {seed}")
    if fmt not in ("canonical", "lpr2", "lpr3"):
        raise ValueError(f"fmt must be 'canonical', 'lpr2' or 'lpr3', not '{fmt}'")
    if sas and fmt != "lpr3":
        raise ValueError("sas: only with fmt='lpr3'")
    written = set(years) if write_years is None else {int(y) for y in write_years}
    if not written or not written <= set(years):
        raise ValueError("write_years: give one or more of the years simulated")
    report = progress or (lambda step, fraction: None)
    report("Forbereder befolkning og kommuneeffekter", 0.0)
    munis = municipalities().sort_values("kommunekode")
    codes = munis["kommunekode"].to_numpy()
    pop = derive_population(shipped_population(), years)
    pop["count"] = np.rint(pop["count"] * scale).astype("int64")
    cubes = _cubes(pop, codes)
    fx = _effects(seed, years, munis["region_code"].to_numpy(), planted_last_start)
    counts: dict[str, dict[str, int]] = {"contacts": {}, "ready_for_discharge": {}}
    # (out becomes a link to a version folder, switched in one rename: see ingest)
    with locked_dir(Path(out)), switched_dir(Path(out)) as tmp:
        writer: CanonicalWriter | Lpr2Writer | Lpr3Writer
        if fmt == "lpr3":
            writer = Lpr3Writer(tmp, codes, seed, sas=sas)
        else:
            writer = (CanonicalWriter if fmt == "canonical" else Lpr2Writer)(tmp, codes, seed)
        dead = persons = np.empty(0, dtype=np.int64)
        carry: tuple[M.Stays, M.Stays] | None = None
        for i, year in enumerate(years):
            step = 0.95 / len(years)
            report(f"Danner syntetiske kontakter for {year}", i * step)
            c, r = _simulate_year(seed, year, cubes[year], fx, dead)
            if carry is not None:
                c, r = M.concat([carry[0], c]), M.concat([carry[1], r])
            c, r = M.drop_after_death(c, r)
            c = O.distinct_contacts(M.died_on_the_day(c))
            dead = M.sorted_union(dead, c["key"][c["died"]])
            lo, hi = M.days_of(year), M.days_of(year + 1)
            c, c_next = _split(c, "start", lo * M.DAY, hi * M.DAY)
            r, r_next = _split(r, "ready_day", lo, hi)
            r = M.distinct_ready(r)
            carry = (c_next, r_next)
            if year not in written:
                continue
            report(f"Skriver {year}", (i + 0.7) * step)
            writer.year(year, c, r)
            persons = M.sorted_union(persons, c["key"])
            counts["contacts"][str(year)] = len(c["key"])
            counts["ready_for_discharge"][str(year)] = len(r["key"])
        report("Skriver befolkning og manifest", 0.96)
        writer.finish(pop, persons)
        manifest = _manifest(seed, years, scale, fmt, counts, len(persons), pop, fx, munis)
        if write_years is not None:
            manifest["years_written"] = sorted(written)
        (tmp / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        text = _MARKER_TEXT.format(version=__version__, seed=seed, years=years, scale=scale)
        (tmp / "SYNTETISKE_DATA.txt").write_text(text, encoding="utf-8")
    report("Færdig", 1.0)
    return manifest


def _manifest(
    seed: int,
    years: list[int],
    scale: float,
    fmt: str,
    counts: dict[str, dict[str, int]],
    n_persons: int,
    pop: pd.DataFrame,
    fx: M.Effects,
    munis: pd.DataFrame,
) -> dict[str, Any]:
    info = {p.mechanism: p for p in INITIATIVES}
    names = munis["name"].tolist()
    codes = munis["kommunekode"].tolist()
    planted = [
        {
            "kommunekode": int(codes[m]),
            "kommune": names[m],
            "initiative": info[name].initiative,
            "region_code": info[name].region_code,
            "mechanism": name,
            "start_year": start,
            "indicator": info[name].indicator,
            "relative_effect": effect,
            "description_da": info[name].description_da,
        }
        for m, name, start, effect in sorted(fx.initiatives, key=lambda x: (x[1], x[0]))
    ]
    return {
        "synthetic": True,
        "marker": MARKER,
        "generator": f"naersund.registry.synth {__version__}",
        "format": fmt,
        "seed": seed,
        "years": years,
        "scale": scale,
        "counts": counts
        | {
            "contacts_total": sum(counts["contacts"].values()),
            "persons": n_persons,
            "population": {str(y): int(g.sum()) for y, g in pop.groupby("year")["count"]},
        },
        "planted_effects": planted,
        "notes_da": [
            "Befolkningen er den virkelige befolkning (1. januar) ganget med skalaen og afrundet.",
            "Effekterne er sat på de genererende sandsynligheder; den målte effekt på en "
            "indikator kan være lidt mindre, fordi andre ophold ikke påvirkes.",
            "Kontakter efter det sidste år er udeladt; genindlæggelser efter en udskrivning "
            "sidst i det sidste år mangler derfor.",
            "I LPR2-formatet er kontakternes sluttidspunkt rundet ned til hele timer.",
        ],
    }
