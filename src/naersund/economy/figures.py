"""The economic figures per municipality, KKR and Denmark by year, from imported budgets or
accounts: health spending excluding KMF, its growth ("løftet") in kr. and pct. against the
adjusted base, spending per citizen and per citizen 65+, KMF per citizen as its own series, and
each area's expected share of the ØA lift against its actual growth.

**Løftet** (see ``data/regulation.yaml`` for the source and what is not verified)::

    grundlag(år) = udgift(år-1) × (1 + PL(år)) + regulering(år) × andel af udgift(år-1)
    løft(år)     = udgift(år) - grundlag(år);   vækst(år) = løft(år) / grundlag(år)

where ``udgift`` is health spending excl. KMF (operations, current prices) and a municipality's
share of the year's regulation is its share of last year's spending, so that municipalities add
up to their KKR and to Denmark. A year without regulation data is compared with last year
unadjusted (``adjusted`` False), and the texts say so.

KMF exists until ``functions.kmf_last_year`` (2026); later years are "ikke relevant", never 0.
A municipality with a missing amount (``..``) in a health function has no figure that year, and
then neither have its KKR and Denmark (a sum with a hole would look like a fall).

:func:`compute_figures` is pure; :class:`EconomyFigures` is what pages and packs both read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from naersund.economy.config import HealthFunctions, Regulation
from naersund.economy.population import Citizens
from naersund.economy.text import kr_mio, pct
from naersund.refdata import KKR_NAMES, NATIONAL_CODE, municipalities, official_name

AreaLevel = Literal["kommune", "kkr", "land"]
KMF_NOT_RELEVANT = "ikke relevant"
KMF_MISSING = "ikke oplyst"
COLUMNS = (
    "level", "code", "name", "year", "health", "kmf", "kmf_status", "base", "growth",
    "growth_pct", "adjusted", "citizens", "citizens_65", "per_citizen", "per_citizen_65",
    "kmf_per_citizen", "expected_lift", "lift_gap",
)  # fmt: skip


@dataclass(frozen=True)
class SourceFile:
    """The imported file a year's figures come from."""

    file_name: str
    imported: str  # date of the import, ISO
    synthetic: bool


@dataclass(frozen=True)
class Provenance:
    """Where the figures come from, for every page and pack that shows them."""

    table: str  # BUDK32 or REGK31
    kind: str  # budget or regnskab
    files: dict[int, SourceFile]  # year -> the file its figures come from
    functions_version: int
    regulation_version: int
    regulation_verified: bool
    population_source: str
    key_source: str

    @property
    def synthetic(self) -> bool:
        return any(f.synthetic for f in self.files.values())

    def line(self, year: int) -> str:
        """One line naming source file, table, year and the definition versions."""
        f = self.files.get(year)
        marker = "SYNTETISKE DATA. " if f is not None and f.synthetic else ""
        where = f"fil {f.file_name} indlæst {f.imported}" if f is not None else "ingen fil"
        verified = "" if self.regulation_verified else ", ikke verificeret"
        return (
            f"{marker}Kilde: Danmarks Statistik, {self.table} ({self.kind}), {where}; år "
            f"{year}. Sundhedsområdet: funktionsliste v{self.functions_version}; løft mod "
            f"reguleret grundlag (regulering v{self.regulation_version}{verified}). Befolkning: "
            f"{self.population_source}. Fordelingsnøgle: {self.key_source}."
        )


@dataclass(frozen=True)
class EconomyFigure:
    """One area's figures in one year (money in 1.000 kr., per citizen in kr.)."""

    level: AreaLevel
    code: int
    name: str
    year: int
    health: float | None
    kmf: float | None
    kmf_status: str  # "" (shown), "ikke relevant" or "ikke oplyst"
    base: float | None
    growth: float | None
    growth_pct: float | None
    adjusted: bool
    per_citizen: float | None
    per_citizen_65: float | None
    kmf_per_citizen: float | None
    expected_lift: float | None
    lift_gap: float | None

    @property
    def kmf_text(self) -> str:
        """KMF per citizen as shown: kr., or why there is none."""
        if self.kmf_status:
            return self.kmf_status
        return f"{kr_mio(self.kmf_per_citizen, 0, unit='kr.')}"


@dataclass
class EconomyFigures:
    """All areas' figures of one table (``frame``, ``COLUMNS``), with their provenance."""

    kind: str
    frame: pd.DataFrame
    provenance: Provenance
    years: list[int] = field(default_factory=list)

    def figure(self, level: AreaLevel, code: int, year: int) -> EconomyFigure | None:
        """The figures of one area in one year, or None when the data do not have it."""
        f = self.frame
        hit = f[(f["level"] == level) & (f["code"] == code) & (f["year"] == year)]
        if hit.empty:
            return None
        r = hit.iloc[0]
        return EconomyFigure(
            level=level,
            code=int(code),
            name=str(r["name"]),
            year=int(year),
            adjusted=bool(r["adjusted"]),
            kmf_status=str(r["kmf_status"]),
            **{k: _opt(r[k]) for k in _NUMBERS},
        )

    def series(self, level: AreaLevel, code: int) -> list[EconomyFigure]:
        """The area's figures for every year, oldest first."""
        out = [self.figure(level, code, y) for y in self.years]
        return [x for x in out if x is not None]

    def municipalities_of(self, region_code: int, year: int) -> list[EconomyFigure]:
        """The figures of a KKR's municipalities in one year, by name."""
        members = municipalities()
        codes = members.loc[members["region_code"] == region_code, "kommunekode"].tolist()
        out = [self.figure("kommune", int(k), year) for k in codes]
        return sorted((x for x in out if x is not None), key=lambda x: x.name)

    def sentence(self, level: AreaLevel, code: int, year: int) -> str | None:
        """The seeds' sentence for the area and year, or None without a growth figure."""
        f = self.figure(level, code, year)
        if f is None or f.growth is None or f.growth_pct is None:
            return None
        return lift_sentence(f, self.kind)


_NUMBERS = (
    "health", "kmf", "base", "growth", "growth_pct", "per_citizen", "per_citizen_65",
    "kmf_per_citizen", "expected_lift", "lift_gap",
)  # fmt: skip


def _opt(x: object) -> float | None:
    if x is None:
        return None
    v = float(x)  # type: ignore[arg-type]
    return None if math.isnan(v) else v


def subject(f: EconomyFigure) -> str:
    if f.level == "land":
        return "Kommunerne"
    if f.level == "kkr":
        return f"Kommunerne i {f.name}"
    return official_name(f.code)


def lift_sentence(f: EconomyFigure, kind: str) -> str:
    """ "Kommunerne budgetterer i 2014 med et løft på 311 mio. kr. på sundhedsområdet, svarende
    til en vækst på 4,1 pct. (ekskl. KMF)." (the seeds' wording); a fall is called a fall."""
    assert f.growth is not None and f.growth_pct is not None
    decimals = 0 if f.level != "kommune" else 1
    word = "løft" if f.growth >= 0 else "fald"
    change = "en vækst" if f.growth_pct >= 0 else "et fald"
    amount = kr_mio(abs(f.growth) / 1000, decimals)
    verb = "budgetterer i" if kind == "budget" else "havde i regnskabet for"
    text = (
        f"{subject(f)} {verb} {f.year} med et {word} på {amount} på sundhedsområdet, "
        f"svarende til {change} på {pct(abs(f.growth_pct))} (ekskl. KMF)."
    )
    if not f.adjusted:
        text += " Væksten er ikke pris- og lønreguleret for dette år."
    return text


def _sum_or_nan(values: pd.Series) -> float:
    return float("nan") if values.isna().any() else float(values.sum())


def compute_figures(
    amounts: pd.DataFrame,
    kind: str,
    functions: HealthFunctions,
    regulation: Regulation,
    citizens: Citizens,
    provenance: Provenance,
    key: pd.DataFrame | None = None,
) -> EconomyFigures:
    """The figures (module docstring) from ``amounts`` (``year, kommunekode, function,
    amount`` in 1.000 kr.) of one kind; ``key``: ``kommunekode, share`` (sums to 1) or None for
    each year's population share."""
    m = municipalities()
    region = dict(zip(m["kommunekode"].astype(int), m["region_code"].astype(int), strict=True))
    names = dict(zip(m["kommunekode"].astype(int), m["name"], strict=True))
    a = amounts.copy()
    a["is_kmf"] = a["function"].map(functions.is_kmf).astype(bool)
    health = a[~a["is_kmf"]].groupby(["year", "kommunekode"])["amount"].agg(_sum_or_nan)
    kmf = a[a["is_kmf"]].groupby(["year", "kommunekode"])["amount"].agg(_sum_or_nan)
    years = sorted(int(y) for y in a["year"].unique())
    grid = pd.MultiIndex.from_product(
        [years, sorted(region)], names=["year", "kommunekode"]
    ).to_frame(index=False)
    base = grid.merge(health.rename("health").reset_index(), how="left")
    base = base.merge(kmf.rename("kmf").reset_index(), how="left")
    base = base.merge(citizens.frame, how="left", on=["year", "kommunekode"])
    base["region_code"] = base["kommunekode"].map(region)
    # the adjusted base: last year's spending, priced to this year, plus its share of regulations
    prev = base[["year", "kommunekode", "health"]].copy()
    prev["year"] = prev["year"] + 1
    base = base.merge(prev.rename(columns={"health": "previous"}), how="left")
    national_prev = base.groupby("year")["previous"].agg(_sum_or_nan)
    pl = {y: r.pl_pct for y, r in regulation.years.items()}
    reg = {y: r.regulation_mio_kr * 1000 for y, r in regulation.years.items()}
    base["adjusted"] = base["year"].isin(list(regulation.years))
    factor = 1 + base["year"].map(pl).fillna(0.0) / 100
    share_prev = base["previous"] / base["year"].map(national_prev)
    base["base"] = base["previous"] * factor + base["year"].map(reg).fillna(0.0) * share_prev
    # the expected share of the ØA lift: by the key, else by this year's population share
    lift = base["year"].map({y: v * 1000 for y, v in regulation.oea_lift_mio_kr.items()})
    if key is not None:
        share = base["kommunekode"].map(dict(zip(key["kommunekode"], key["share"], strict=True)))
    else:
        share = base["citizens"] / base.groupby("year")["citizens"].transform("sum")
    base["expected_lift"] = lift * share
    frames = [_level(base, "kommune", base["kommunekode"], names)]
    frames.append(_level(base, "kkr", base["region_code"], KKR_NAMES))
    frames.append(_level(base, "land", pd.Series(NATIONAL_CODE, index=base.index), None))
    out = pd.concat(frames, ignore_index=True)
    out["growth"] = out["health"] - out["base"]
    out["growth_pct"] = out["growth"] / out["base"] * 100
    out["per_citizen"] = out["health"] * 1000 / out["citizens"]
    out["per_citizen_65"] = out["health"] * 1000 / out["citizens_65"]
    out["kmf_per_citizen"] = out["kmf"] * 1000 / out["citizens"]
    out["lift_gap"] = out["growth"] - out["expected_lift"]
    has_kmf = out["year"].map(functions.has_kmf).astype(bool)
    out["kmf_status"] = np.where(
        ~has_kmf, KMF_NOT_RELEVANT, np.where(out["kmf"].isna(), KMF_MISSING, "")
    )
    out.loc[~has_kmf, ["kmf", "kmf_per_citizen"]] = np.nan
    return EconomyFigures(kind, out[list(COLUMNS)], provenance, years)


def _level(
    base: pd.DataFrame, level: AreaLevel, code: pd.Series, names: dict[int, str] | None
) -> pd.DataFrame:
    """Sums of one area level; a sum with a missing municipality is missing."""
    g = base.assign(code=code.astype(int)).groupby(["year", "code"])
    out = g.agg(
        health=("health", _sum_or_nan),
        kmf=("kmf", _sum_or_nan),
        base=("base", _sum_or_nan),
        citizens=("citizens", "sum"),
        citizens_65=("citizens_65", "sum"),
        expected_lift=("expected_lift", _sum_or_nan),
        adjusted=("adjusted", "all"),
    ).reset_index()
    out["level"] = level
    out["name"] = out["code"].map(names) if names is not None else "Hele landet"
    return out
