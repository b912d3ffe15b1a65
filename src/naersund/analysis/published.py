"""A published release of results as the library sees it (no Django): the table and where it
came from. The web app builds these from its database (``naersund.web.dashboard.releases``);
report builders and analyses take them as input.

This is the one owner of "the figure": which value is the headline (standardised where the
indicator is standardised, as municipalities are compared on it; crude otherwise), its
interval, its verdict against Denmark, Denmark's and the KKR's value and the target status.
Web pages, report packs and the API all ask :meth:`PublishedResults.figure` (and
:meth:`PublishedResults.series`) instead of choosing columns themselves.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd

from naersund.catalogue import Catalogue, Target
from naersund.catalogue.progress import UNKNOWN, Direction, Status, on_track
from naersund.refdata import NATIONAL_CODE, region_of

Measure = Literal["aldersstandardiseret", "rå"]
STANDARDISED: Measure = "aldersstandardiseret"
CRUDE: Measure = "rå"


@dataclass(frozen=True)
class TargetFigure:
    """A target of the goal catalogue and the area's status against its glide path in the
    figure's year, judged on the headline measure."""

    target: Target
    baseline_value: float | None
    target_value: float | None
    value: float | None
    status: Status
    scope: Literal["kommune", "kkr"]

    @property
    def gap(self) -> float | None:
        """Value minus target value (positive: above the target)."""
        if self.value is None or self.target_value is None:
            return None
        return self.value - self.target_value


@dataclass(frozen=True)
class Figure:
    """One indicator × area × year as every page, pack and API answer shows it.

    ``value, lower, upper`` are the headline measure (``measure``: "aldersstandardiseret" or
    "rå"); ``verdict`` (better / similar / worse / not_compared) compares that interval with
    Denmark's, whose value in the same measure is ``denmark``; ``kkr`` is the area's KKR in
    the same measure. Suppressed and missing cells have no numbers (None).
    """

    indicator: str
    level: str
    area_code: int
    year: int
    value: float | None
    lower: float | None
    upper: float | None
    measure: Measure
    verdict: str
    denmark: float | None
    kkr: float | None
    numerator: float | None
    denominator: float | None
    suppressed: bool
    present: bool  # False when the release has no row for the cell
    release_id: int
    definition_id: str
    definition_version: int | None
    data_period: tuple[dt.date, dt.date]
    target: TargetFigure | None = None
    # the area's parent on the level asked for (``figure(parent_level=...)``), in the same
    # measure: the area of that level that holds all of the area's municipalities
    parent_level: str | None = None
    parent_code: int | None = None
    parent: float | None = None

    @property
    def standardised(self) -> bool:
        return self.measure == STANDARDISED

    @property
    def too_few_to_standardise(self) -> bool:
        """A published cell of a standardised indicator without a standardised value: under
        10 events (``naersund compute`` publishes no directly standardised rate then), so it
        is neither shown nor compared; the crude value is not put in its place."""
        return self.present and not self.suppressed and self.value is None

    @property
    def target_status(self) -> Status | None:
        return None if self.target is None else self.target.status

    @property
    def provenance_da(self) -> str:
        """Where the figure comes from, in one Danish line."""
        version = f" v{self.definition_version}" if self.definition_version is not None else ""
        start, end = self.data_period
        return (
            f"Udgivelse {self.release_id}, definition {self.definition_id}{version}, "
            f"data {start:%d.%m.%Y}-{end:%d.%m.%Y}"
        )


def _num(x: Any) -> float | None:
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


@cache
def _directions() -> dict[str, Direction]:
    from naersund.indicators import load_definitions

    return {d.id: d.direction for d in load_definitions()}


def targets_for(
    catalogue: Catalogue | None, indicator: str, level: str, area_code: int
) -> list[Target]:
    """The targets the goal catalogue sets for ``indicator`` in the area: for a municipality
    its own (scope kommune) first, then its KKR's; for a KKR the KKR's. The first one is the
    target a figure is judged against."""
    if catalogue is None or level == "land":
        return []
    region = area_code if level == "region" else region_of().get(int(area_code))
    if region is None:
        return []
    try:
        kkr = catalogue.kkr_by_code(region)
    except KeyError:
        return []
    targets = [t for g in kkr.goals for t in g.targets if t.indicator == indicator]
    own = [
        t
        for t in targets
        if level == "kommune" and t.scope == "kommune" and t.kommunekode == area_code
    ]
    return own + [t for t in targets if t.scope == "kkr"]


@dataclass(frozen=True)
class PublishedResults:
    """One release.

    ``results``: the suppressed results with the columns of README "Results" (``indicator,
    level, area_code, year, numerator, denominator, value, lower_ci, upper_ci, std_value,
    std_lower_ci, std_upper_ci, comparison, suppressed, note``); suppressed rows have NaN counts
    and values. Treat it as read-only (it is shared between callers).
    ``definitions`` maps indicator id to its definition version. ``synthetic`` is true when the
    release was made from synthetic data: everything shown from it must say SYNTETISKE DATA.
    """

    release_id: int
    created_at: dt.datetime
    data_period: tuple[dt.date, dt.date]
    data_cut: dt.date
    code_version: str
    definitions: dict[str, int]
    synthetic: bool
    source_file: str
    results: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_frame(
        cls, results: pd.DataFrame, meta: dict[str, Any], source_file: str = ""
    ) -> PublishedResults:
        """A release read from a results file of ``naersund compute`` (not from the app
        database): its metadata give the period, data cut and definition versions."""
        period = meta.get("data_period") or [None, None]
        versions = {
            str(k): int(v["version"]) if isinstance(v, dict) else int(v)
            for k, v in (meta.get("definitions") or {}).items()
        }

        def date(x: Any) -> dt.date:
            return dt.date.fromisoformat(str(x)[:10]) if x else dt.date(1900, 1, 1)

        return cls(
            release_id=int(meta.get("release_id", 0)),
            created_at=dt.datetime.now(dt.UTC),
            data_period=(date(period[0]), date(period[1])),
            data_cut=date(meta.get("data_cut")),
            code_version=str(meta.get("code_version", "")),
            definitions=versions,
            synthetic=bool(meta.get("synthetic")),
            source_file=source_file,
            results=results,
            meta=meta,
        )

    @cached_property
    def areas(self) -> pd.DataFrame | None:
        """The release's areas file (``level, area_code, area_name, kommunekode, valid_from,
        valid_to``, as text, as ``naersund compute`` wrote it), or None for a release published
        without one."""
        stored = self.meta.get("areas")
        if not isinstance(stored, dict):
            return None
        return pd.DataFrame(stored["rows"], columns=stored["columns"], dtype=str)

    @cached_property
    def membership(self) -> dict[str, dict[int, int]]:
        """level -> kommunekode -> area code for every level of the release: from its areas
        file, else the shipped registry's newest versions."""
        from naersund.analysis import results_levels

        if self.areas is not None:
            return results_levels.membership_from_areas(self.areas)
        return results_levels.registry_membership(str(v) for v in self.results["level"].unique())

    def members(self, level: str, area_code: int) -> list[int]:
        """The municipalities (kommunekode, ascending) that make up an area of the release."""
        area_of = self.membership.get(level, {})
        return sorted(k for k, a in area_of.items() if a == int(area_code))

    def parent_code(self, level: str, area_code: int, parent_level: str) -> int | None:
        """The area of ``parent_level`` that holds every municipality of the area (None when
        the area's municipalities lie in more than one, or the level is not in the release)."""
        members = self.members(level, area_code)
        parents = {self.membership.get(parent_level, {}).get(k) for k in members}
        if len(parents) != 1 or None in parents:
            return None
        return parents.pop()

    @cached_property
    def smoothed(self) -> pd.DataFrame:
        """Every municipality's empirical Bayes smoothed rates, computed once per release
        (:func:`naersund.analysis.smoothed.smoothed_table`; ask
        :func:`naersund.analysis.smoothed.smoothed_value` for one)."""
        from naersund.analysis.smoothed import smoothed_table

        return smoothed_table(self)

    @cached_property
    def smoothed_index(self) -> dict[tuple[str, int, int], int]:
        s = self.smoothed
        keys = zip(s["indicator"], s["kommunekode"], s["year"], strict=True)
        return {(str(i), int(k), int(y)): n for n, (i, k, y) in enumerate(keys)}

    @cached_property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.results["year"].unique())

    def rows(self, indicator: str, year: int | None = None) -> pd.DataFrame:
        """The rows of one indicator (and year), every level."""
        r = self.results
        mask = r["indicator"] == indicator
        if year is not None:
            mask &= r["year"] == year
        return r[mask]

    @cached_property
    def _standardised(self) -> dict[str, bool]:
        has = self.results.groupby("indicator")["std_value"].apply(lambda s: bool(s.notna().any()))
        return {str(k): bool(v) for k, v in has.items()}

    def measure(self, indicator: str) -> Measure:
        """The headline measure of an indicator, decided once for the whole release:
        age-standardised where the indicator has standardised values (municipalities are
        compared on them), crude otherwise (e.g. færdigbehandlingsdage)."""
        return STANDARDISED if self._standardised.get(indicator, False) else CRUDE

    def columns(self, indicator: str) -> tuple[str, str, str]:
        """The ``value, lower, upper`` columns of the headline measure."""
        if self.measure(indicator) == STANDARDISED:
            return "std_value", "std_lower_ci", "std_upper_ci"
        return "value", "lower_ci", "upper_ci"

    @cached_property
    def headline(self) -> pd.DataFrame:
        """Every row with the headline measure as ``h_value, h_lower, h_upper``, its label
        ``measure`` and ``verdict`` (the published comparison, which ``naersund compute``
        makes on the same measure; suppressed cells are not compared)."""
        r = self.results
        std = r["indicator"].map(self._standardised).fillna(False).astype(bool)
        out = r.assign(
            h_value=r["std_value"].where(std, r["value"]),
            h_lower=r["std_lower_ci"].where(std, r["lower_ci"]),
            h_upper=r["std_upper_ci"].where(std, r["upper_ci"]),
            measure=[STANDARDISED if s else CRUDE for s in std],
        )
        verdict = out["comparison"].astype(str).where(~out["suppressed"].astype(bool))
        out["verdict"] = verdict.fillna("not_compared")
        return out.reset_index(drop=True)

    @cached_property
    def crude(self) -> pd.DataFrame:
        """:attr:`headline` with the crude values for every indicator, the verdict redone on
        the crude intervals (for a page where the user asks for crude values)."""
        r = self.results.reset_index(drop=True)
        out = r.assign(
            h_value=r["value"], h_lower=r["lower_ci"], h_upper=r["upper_ci"], measure=CRUDE
        )
        verdicts = pd.Series("not_compared", index=out.index, dtype=object)
        directions = _directions()
        for ind, rows in out.groupby("indicator"):
            nat = rows[rows["level"] == "land"].set_index("year")
            nat_lo = rows["year"].map(nat["lower_ci"])
            nat_hi = rows["year"].map(nat["upper_ci"])
            good_low = directions.get(str(ind), "lower_is_better") == "lower_is_better"
            below = rows["upper_ci"] < nat_lo
            above = rows["lower_ci"] > nat_hi
            v = np.where(
                below,
                "better" if good_low else "worse",
                np.where(above, "worse" if good_low else "better", "similar"),
            )
            missing = (
                rows["lower_ci"].isna()
                | rows["upper_ci"].isna()
                | nat_lo.isna()
                | (rows["level"] == "land")
                | rows["suppressed"].astype(bool)
            )
            verdicts.loc[rows.index] = np.where(missing, "not_compared", v)
        out["verdict"] = verdicts
        return out

    @cached_property
    def figures(self) -> pd.DataFrame:
        """:meth:`figure` for every cell at once (for tables and the API): ``indicator,
        level, area_code, year, value, lower, upper, measure, verdict, denmark, kkr,
        suppressed``; suppressed cells have no numbers."""
        h = self.headline
        hidden = h["suppressed"].astype(bool)
        shown = h.assign(
            value=h["h_value"].where(~hidden),
            lower=h["h_lower"].where(~hidden),
            upper=h["h_upper"].where(~hidden),
        )
        keys = ["indicator", "year"]
        land = shown[shown["level"] == "land"][[*keys, "value"]].rename(
            columns={"value": "denmark"}
        )
        regions = shown[shown["level"] == "region"][[*keys, "area_code", "value"]].rename(
            columns={"area_code": "kkr_code", "value": "kkr"}
        )
        regions_of = region_of()
        shown["kkr_code"] = [
            int(a) if lv == "region" else regions_of.get(int(a), -1) if lv == "kommune" else -1
            for lv, a in zip(shown["level"], shown["area_code"], strict=True)
        ]
        out = shown.merge(land, on=keys, how="left").merge(
            regions, on=[*keys, "kkr_code"], how="left"
        )
        cols = [
            "indicator",
            "level",
            "area_code",
            "year",
            "value",
            "lower",
            "upper",
            "measure",
            "verdict",
            "denmark",
            "kkr",
            "suppressed",
        ]
        return out[cols]

    def _frame(self, indicator: str, measure: Measure | None) -> pd.DataFrame:
        if measure == CRUDE and self.measure(indicator) != CRUDE:
            return self.crude
        return self.headline

    @cached_property
    def _index(self) -> dict[tuple[str, str, int, int], int]:
        h = self.headline
        keys = zip(h["indicator"], h["level"], h["area_code"], h["year"], strict=True)
        return {(str(i), str(lv), int(a), int(y)): n for n, (i, lv, a, y) in enumerate(keys)}

    def _cell(
        self, indicator: str, level: str, area_code: int, year: int, measure: Measure | None = None
    ) -> pd.Series | None:
        n = self._index.get((indicator, level, int(area_code), int(year)))
        return None if n is None else self._frame(indicator, measure).iloc[n]

    def _value(
        self, indicator: str, level: str, area_code: int, year: int, measure: Measure | None = None
    ) -> float | None:
        r = self._cell(indicator, level, area_code, year, measure)
        return None if r is None or bool(r["suppressed"]) else _num(r["h_value"])

    def figure(
        self,
        indicator: str,
        level: str,
        area_code: int,
        year: int,
        catalogue: Catalogue | None = None,
        measure: Measure | None = None,
        parent_level: str | None = None,
    ) -> Figure:
        """Value, interval, verdict, Denmark, KKR and (with a catalogue) the target status of
        one indicator × area × year, all in the indicator's headline measure (``measure="rå"``:
        all in crude values instead, where a user asks for them; always labelled). The area is
        on any level of the release; with ``parent_level`` also the value of the area's parent
        on that level (:meth:`parent_code`), e.g. a municipality's sundhedsråd."""
        r = self._cell(indicator, level, area_code, year, measure)
        suppressed = r is not None and bool(r["suppressed"])
        shown = r is not None and not suppressed
        if level == "kommune":
            kkr_code: int | None = region_of().get(int(area_code))
        elif level == "region":
            kkr_code = int(area_code)
        else:
            kkr_code = None
        target = None
        for t in targets_for(catalogue, indicator, level, area_code)[:1]:
            target = self.target_figure(t, indicator, level, area_code, year, measure)
        parent_code = (
            None if parent_level is None else self.parent_code(level, area_code, parent_level)
        )
        return Figure(
            indicator=indicator,
            level=level,
            area_code=int(area_code),
            year=int(year),
            value=_num(r["h_value"]) if shown and r is not None else None,
            lower=_num(r["h_lower"]) if shown and r is not None else None,
            upper=_num(r["h_upper"]) if shown and r is not None else None,
            measure=CRUDE if measure == CRUDE else self.measure(indicator),
            verdict=str(r["verdict"]) if r is not None else "not_compared",
            denmark=self._value(indicator, "land", NATIONAL_CODE, year, measure),
            kkr=(
                None
                if kkr_code is None
                else self._value(indicator, "region", kkr_code, year, measure)
            ),
            numerator=_num(r["numerator"]) if shown and r is not None else None,
            denominator=_num(r["denominator"]) if shown and r is not None else None,
            suppressed=suppressed,
            present=r is not None,
            release_id=self.release_id,
            definition_id=indicator,
            definition_version=self.definitions.get(indicator),
            data_period=self.data_period,
            target=target,
            parent_level=parent_level,
            parent_code=parent_code,
            parent=(
                None
                if parent_level is None or parent_code is None
                else self._value(indicator, parent_level, parent_code, year, measure)
            ),
        )

    def series(
        self,
        indicator: str,
        level: str,
        area_code: int,
        up_to: int | None = None,
        catalogue: Catalogue | None = None,
        measure: Measure | None = None,
        parent_level: str | None = None,
    ) -> list[Figure]:
        """:meth:`figure` for every year of the release the area has a row (up to ``up_to``)."""
        years = sorted(
            y
            for (i, lv, a, y) in self._index
            if i == indicator and lv == level and a == int(area_code)
        )
        return [
            self.figure(indicator, level, area_code, y, catalogue, measure, parent_level)
            for y in years
            if up_to is None or y <= up_to
        ]

    def series_frame(
        self, indicator: str, level: str, area_code: int, measure: Measure | None = None
    ) -> pd.DataFrame:
        """The area's rows of the indicator with the headline measure as ``value, lower,
        upper`` (and ``year, suppressed, verdict``), sorted by year; suppressed values NaN."""
        h = self._frame(indicator, measure)
        sel = h[(h["indicator"] == indicator) & (h["level"] == level)]
        sel = sel[sel["area_code"] == int(area_code)].sort_values("year")
        hidden = sel["suppressed"].astype(bool)
        return pd.DataFrame(
            {
                "year": sel["year"].astype(int),
                "value": sel["h_value"].where(~hidden),
                "lower": sel["h_lower"].where(~hidden),
                "upper": sel["h_upper"].where(~hidden),
                "suppressed": hidden,
                "verdict": sel["verdict"],
            }
        ).reset_index(drop=True)

    def target_figure(
        self,
        target: Target,
        indicator: str,
        level: str,
        area_code: int,
        year: int,
        measure: Measure | None = None,
    ) -> TargetFigure:
        """``target``'s glide-path status for the area in ``year`` on the headline measure
        (:func:`naersund.catalogue.progress.on_track`): the baseline value is the area's
        headline value in the target's baseline year."""
        base = self._value(indicator, level, area_code, target.baseline_year, measure)
        goal = target.target_value
        if goal is None and base is not None:
            goal = target.value_for(base)
        r = self._cell(indicator, level, area_code, year, measure)
        shown = r is not None and not bool(r["suppressed"])
        value = _num(r["h_value"]) if shown and r is not None else None
        lo = _num(r["h_lower"]) if shown and r is not None else None
        hi = _num(r["h_upper"]) if shown and r is not None else None
        direction = _directions().get(indicator, "lower_is_better")
        status: Status = UNKNOWN
        if base is not None and goal is not None:
            status = on_track(
                target.baseline_year,
                base,
                target.target_year,
                goal,
                year,
                value,
                lo,
                hi,
                direction,
            )
        scope: Literal["kommune", "kkr"] = "kommune" if target.scope == "kommune" else "kkr"
        return TargetFigure(target, base, goal, value, status, scope)
