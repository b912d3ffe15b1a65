"""Overblik (the "tartan rug"): every municipality × every published indicator for one year,
each cell the headline figure (:attr:`PublishedResults.figures`, the one owner of figures), its
comparison with Denmark or with the municipality's own area on a published level (its KKR,
sundhedsråd or 2027 region: :func:`parent_verdicts`, one rule for every level), and its recent
trend (:func:`naersund.analysis.trend.trend_directions`).

:func:`overview` builds the table once; the web page, its CSV and its XLSX all show
:meth:`Overview.records` (so a download has exactly the cells on the screen).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from naersund import fmt
from naersund.analysis import area_view
from naersund.analysis.benchmark import COMPARISON_TEXT
from naersund.analysis.profiles import IndicatorInfo, municipality_names, municipality_region
from naersund.analysis.published import Measure, PublishedResults
from naersund.analysis.trend import TREND_SYMBOL, TREND_TEXT, trend_directions
from naersund.catalogue.progress import Direction
from naersund.refdata import KKR_NAMES

#: What a municipality is compared with: Denmark (``land``) or its own area on a level
Reference = str
#: the comparisons Overblik offers, as the running text names them ("sammenlignet med ...")
REFERENCE_TEXT: dict[str, str] = {
    "land": "landet",
    "kkr": "kommunens KKR",
    "sundhedsraad": "kommunens sundhedsråd",
    "region2027": "kommunens region (fra 2027)",
}
REFERENCES: tuple[Reference, ...] = tuple(REFERENCE_TEXT)
#: the reference as a verdict names it ("Bedre end sundhedsrådet")
REFERENCE_SHORT: dict[str, str] = {
    "land": "landet",
    "kkr": "KKR",
    "sundhedsraad": "sundhedsrådet",
    "region2027": "regionen",
}
VERDICT_SYMBOL = {"better": "▲", "similar": "●", "worse": "▼", "not_compared": "–"}
NAME_SORT = "kommune"
DECIMALS = 1


def verdict_text(verdict: str, reference: Reference) -> str:
    """``"Bedre end landet"``, ``"Som KKR"``, ``"Dårligere end sundhedsrådet"``,
    ``"Ikke sammenlignet"``."""
    text = COMPARISON_TEXT.get(verdict, COMPARISON_TEXT["not_compared"])
    return text.replace("landet", REFERENCE_SHORT.get(reference, "landet"))


def reference_level(pub: PublishedResults, reference: Reference) -> str | None:
    """The published level whose figures ``reference`` compares with, or None when the release
    has no such level (or Overblik offers no such comparison): the KKR are their five regions
    in a release computed before the ``kkr`` level existed (same codes, same municipalities)."""
    if reference not in REFERENCE_TEXT:
        return None
    if reference == "kkr" and "kkr" not in pub.membership:
        reference = "region"
    return reference if reference in pub.membership else None


def reference_choices(pub: PublishedResults) -> list[tuple[Reference, str]]:
    """The "Sammenlign med" choices the release allows: ``(value, label)``."""
    return [
        (r, REFERENCE_TEXT[r][:1].upper() + REFERENCE_TEXT[r][1:])
        for r in REFERENCES
        if reference_level(pub, r) is not None
    ]


def parent_verdicts(
    pub: PublishedResults,
    now: pd.DataFrame,
    level: str,
    directions: dict[str, Direction],
) -> pd.DataFrame:
    """``now`` (figures of municipalities: ``indicator, area_code, lower, upper, suppressed``)
    with ``ref_code`` (the municipality's area on ``level``) and ``verdict`` against that
    area's published interval of the same indicator and year (:func:`compare_intervals`;
    ``not_compared`` for a suppressed cell, or where either interval is missing)."""
    figures = pub.figures
    ref = figures[(figures["level"] == level) & figures["year"].isin(now["year"].unique())]
    ref = ref[["indicator", "year", "area_code", "lower", "upper"]].rename(
        columns={"area_code": "ref_code", "lower": "ref_lower", "upper": "ref_upper"}
    )
    area_of = pub.membership.get(level, {})
    out = now.assign(ref_code=now["area_code"].map(lambda k: area_of.get(int(k), -1)))
    out = out.merge(ref, on=["indicator", "year", "ref_code"], how="left")
    out.index = now.index
    verdict = pd.Series("not_compared", index=out.index, dtype=object)
    for ind, part in out.groupby("indicator"):
        verdict[part.index] = compare_intervals(
            part["lower"],
            part["upper"],
            part["ref_lower"],
            part["ref_upper"],
            directions.get(str(ind), "lower_is_better") == "lower_is_better",
        )
    return out.assign(verdict=verdict.where(~out["suppressed"].astype(bool), "not_compared"))


def compare_intervals(
    lower: pd.Series, upper: pd.Series, ref_lower: pd.Series, ref_upper: pd.Series, good_low: bool
) -> np.ndarray:
    """better / similar / worse by overlap of 95 % intervals, the rule ``naersund compute``
    uses for the comparison with Denmark (``engine.results.compare_with_national``), here
    against another reference area (the KKR, the sundhedsråd, ...); ``not_compared`` where an
    interval is missing."""
    below = (upper < ref_lower).to_numpy()
    above = (lower > ref_upper).to_numpy()
    verdict = np.where(
        below,
        "better" if good_low else "worse",
        np.where(above, "worse" if good_low else "better", "similar"),
    )
    missing = (lower.isna() | upper.isna() | ref_lower.isna() | ref_upper.isna()).to_numpy()
    return np.where(missing, "not_compared", verdict)


@dataclass(frozen=True)
class OverviewColumn:
    indicator: str
    name_da: str
    unit_da: str
    measure: Measure
    direction: Direction
    definition_version: int | None

    @property
    def heading(self) -> str:
        """The column's heading in the downloads: name, unit, measure and definition version."""
        version = f", def. v{self.definition_version}" if self.definition_version else ""
        return f"{self.name_da} ({self.unit_da}, {self.measure}{version})"


@dataclass(frozen=True)
class OverviewCell:
    value: float | None  # rounded as shown; None when suppressed or missing
    verdict: str  # better / similar / worse / not_compared against the reference
    verdict_text: str
    trend: str  # better / worse / unchanged / too_few / unknown
    suppressed: bool

    @property
    def value_text(self) -> str:
        if self.suppressed:
            return "skjult"
        return fmt.number(self.value, DECIMALS)

    @property
    def symbol(self) -> str:
        return VERDICT_SYMBOL.get(self.verdict, "–")

    @property
    def trend_symbol(self) -> str:
        return TREND_SYMBOL.get(self.trend, "")

    @property
    def trend_text(self) -> str:
        return TREND_TEXT.get(self.trend, "ukendt")


@dataclass(frozen=True)
class OverviewRow:
    kommunekode: int
    name: str
    region_code: int
    kkr_name: str
    cells: tuple[OverviewCell, ...]
    reference_name: str = ""  # the municipality's area compared with (none for Denmark)


@dataclass(frozen=True)
class OverviewGroup:
    region_code: int
    name: str
    rows: tuple[OverviewRow, ...]


@dataclass(frozen=True)
class Overview:
    """The table of one year: ``groups`` (one per KKR, in code order, or only the chosen
    KKR), each with its municipalities sorted by ``sort`` (an indicator id or ``"kommune"``)."""

    year: int
    reference: Reference
    region_code: int | None
    sort: str
    descending: bool
    columns: tuple[OverviewColumn, ...]
    groups: tuple[OverviewGroup, ...]
    release_id: int
    synthetic: bool
    chosen: frozenset[int] = frozenset()
    # what must be said beside the reference areas' figures (area_view.level_notes)
    reference_notes: tuple[str, ...] = ()

    @property
    def rows(self) -> list[OverviewRow]:
        return [r for g in self.groups for r in g.rows]

    @property
    def reference_text(self) -> str:
        return REFERENCE_TEXT[self.reference]

    @property
    def reference_short(self) -> str:
        return REFERENCE_SHORT[self.reference]

    @property
    def by_area(self) -> bool:
        """Whether each municipality is compared with its own area (not with Denmark)."""
        return self.reference != "land"

    def headers(self) -> list[str]:
        """The download's column headings: the municipality (and, compared with an area, that
        area), then per indicator its value, the comparison and the trend."""
        out = ["KKR", "Kommune", "Kommunekode"]
        if self.by_area:
            out.append(f"Sammenlignet med ({self.reference_text})")
        for c in self.columns:
            out += [
                c.heading,
                f"{c.name_da}: sammenlignet med {self.reference_text}",
                f"{c.name_da}: udvikling",
            ]
        return out

    def records(self) -> list[list[str | int | float | None]]:
        """One list per shown row, in the shown order: the cells of :meth:`headers` (values
        rounded as shown, ``None`` for a hidden or missing value; its comparison says
        which)."""
        out: list[list[str | int | float | None]] = []
        for row in self.rows:
            rec: list[str | int | float | None] = [row.kkr_name, row.name, row.kommunekode]
            if self.by_area:
                rec.append(row.reference_name)
            for cell in row.cells:
                shown = "Skjult (få tilfælde)" if cell.suppressed else cell.verdict_text
                rec += [cell.value, shown, cell.trend_text]
            out.append(rec)
        return out

    def filename(self, ext: str) -> str:
        area = f"kkr-{self.region_code}" if self.region_code else "hele-landet"
        if self.chosen:
            area += f"-{len(self.chosen)}-valgte"
        return f"overblik-{self.year}-{area}-udgivelse-{self.release_id}.{ext}"

    def csv(self) -> str:
        """The table as CSV for Danish spreadsheets (``;``, decimal comma, UTF-8 BOM), like
        every other CSV download of the dashboard."""
        frame = pd.DataFrame(self.records(), columns=self.headers())
        buf = io.StringIO()
        frame.to_csv(buf, sep=";", decimal=",", index=False)
        return "\ufeff" + buf.getvalue()

    def xlsx(self) -> bytes:
        """The table as XLSX (numbers as numbers), and a sheet "Om tallene" saying where they
        come from."""
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = "Overblik"
        ws.append(self.headers())
        for rec in self.records():
            ws.append(rec)
        ws.freeze_panes = "E2" if self.by_area else "D2"
        about = wb.create_sheet("Om tallene")
        about.append(["Udgivelse", self.release_id])
        about.append(["År", self.year])
        about.append(["Sammenlignet med", self.reference_text])
        for note in self.reference_notes:
            about.append(["Note", note])
        if self.synthetic:
            about.append(["SYNTETISKE DATA", "tallene siger intet om virkelige kommuner"])
        for c in self.columns:
            about.append([c.name_da, f"definition {c.indicator} v{c.definition_version or '?'}"])
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()


def _num(x: object) -> float | None:
    if x is None:
        return None
    f = float(x)  # type: ignore[arg-type]
    return None if math.isnan(f) else round(f, DECIMALS)


def overview(
    pub: PublishedResults,
    infos: dict[str, IndicatorInfo],
    year: int,
    reference: Reference = "land",
    region_code: int | None = None,
    sort: str = NAME_SORT,
    descending: bool = False,
    chosen: frozenset[int] = frozenset(),
) -> Overview:
    """The Overblik table of ``year`` (see the module's docstring). ``region_code`` keeps one
    KKR's municipalities, ``chosen`` (kommunekoder) a group the user picked (each still
    compared with Denmark or its KKR); ``sort`` is an indicator id (by its value, missing
    values last) or ``"kommune"`` (by name); rows are sorted inside their KKR."""
    figures = pub.figures
    present = set(figures["indicator"].unique())
    columns = tuple(
        OverviewColumn(
            i.id,
            i.name_da,
            i.unit_da,
            pub.measure(i.id),
            i.direction,
            pub.definitions.get(i.id),
        )
        for i in infos.values()
        if i.id in present
    )
    ids = [c.indicator for c in columns]
    if sort not in ids:
        sort = NAME_SORT
    kom = figures[(figures["level"] == "kommune") & figures["indicator"].isin(ids)]
    now = kom[kom["year"] == year]
    level = reference_level(pub, reference)
    if level is None:
        raise ValueError(f"the release has no level to compare with for {reference!r}")
    ref_names: dict[int, str] = {}
    notes: tuple[str, ...] = ()
    if level != "land":
        now = parent_verdicts(pub, now, level, {c.indicator: c.direction for c in columns})
        ref_names = _reference_names(pub, reference, set(pub.membership[level].values()))
        notes = tuple(area_view.level_notes(pub, level))
    history = kom[(kom["year"] <= year)][
        ["indicator", "area_code", "year", "value", "lower", "upper"]
    ]
    trends = trend_directions(history, {c.indicator: c.direction for c in columns})
    trend_of = dict(
        zip(
            zip(trends["indicator"].tolist(), trends["area_code"].tolist(), strict=True),
            trends["trend"].tolist(),
            strict=True,
        )
    )
    texts = {v: verdict_text(v, reference) for v in VERDICT_SYMBOL}
    cells: dict[tuple[str, int], OverviewCell] = {}
    # plain lists: iterating Arrow-backed columns value by value is slow
    for ind, code, value, verdict_, hidden in zip(
        now["indicator"].tolist(),
        now["area_code"].tolist(),
        now["value"].tolist(),
        now["verdict"].tolist(),
        now["suppressed"].astype(bool).tolist(),
        strict=True,
    ):
        v = str(verdict_)
        cells[(str(ind), int(code))] = OverviewCell(
            value=None if hidden else _num(value),
            verdict=v,
            verdict_text=texts.get(v) or verdict_text(v, reference),
            trend=trend_of.get((str(ind), int(code)), "too_few"),
            suppressed=bool(hidden),
        )
    missing = OverviewCell(
        None, "not_compared", verdict_text("not_compared", reference), "too_few", False
    )
    names = municipality_names()
    regions = municipality_region()
    ref_of = pub.membership.get(level, {}) if ref_names else {}
    groups = []
    for code, kkr_name in sorted(KKR_NAMES.items()):
        if region_code is not None and code != region_code:
            continue
        rows = [
            OverviewRow(
                k,
                names[k],
                code,
                kkr_name,
                tuple(cells.get((c.indicator, k), missing) for c in columns),
                ref_names.get(ref_of.get(k, -1), ""),
            )
            for k in sorted((k for k, r in regions.items() if r == code), key=lambda k: names[k])
            if not chosen or k in chosen
        ]
        if not rows:
            continue
        groups.append(OverviewGroup(code, kkr_name, tuple(_sorted(rows, ids, sort, descending))))
    return Overview(
        year=year,
        reference=reference,
        region_code=region_code,
        sort=sort,
        descending=descending,
        columns=columns,
        groups=tuple(groups),
        release_id=pub.release_id,
        synthetic=pub.synthetic,
        chosen=chosen,
        reference_notes=notes,
    )


def _reference_names(
    pub: PublishedResults, reference: Reference, codes: set[int]
) -> dict[int, str]:
    """The names of the reference areas (a KKR by its KKR name also where the release has its
    region's figures: :func:`area_view.find_area`)."""
    out = {}
    for code in codes:
        area = area_view.find_area(pub, reference, code)
        if area is not None:
            out[code] = area.name
    return out


def _sorted(
    rows: list[OverviewRow], ids: list[str], sort: str, descending: bool
) -> list[OverviewRow]:
    if sort == NAME_SORT:
        return sorted(rows, key=lambda r: r.name, reverse=descending)
    i = ids.index(sort)
    known = [r for r in rows if r.cells[i].value is not None]
    unknown = [r for r in rows if r.cells[i].value is None]
    known.sort(key=lambda r: (r.cells[i].value, r.name), reverse=descending)
    return known + unknown  # missing values last either way
