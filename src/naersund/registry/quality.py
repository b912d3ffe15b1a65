"""Data quality per source, month and region, written at ingest (``quality.csv`` beside the
data), carried by ``compute`` into a release, and shown on the web and in the professional pack,
so that an analyst sees a break (such as the LPR2 -> LPR3 change of 2019) before trusting a trend.

One row per source (``LPR2``, ``LPR3``, ``canonical``), month (of the contact's start) and region
(1081-1085, and 0 for Denmark as a whole), with:

- ``contacts``: the contacts written; ``acute``, ``acute_share``: how many of them are acute;
- ``without_diagnosis``: rows read whose diagnosis is missing or not a valid code (ingest
  refuses such rows: they are among ``rejected``), and their share of all rows read;
- ``without_specialty``: contacts written without a specialty (never "medical" for
  ``akutte_korttidsindlaeggelser``), and their share of the contacts;
- ``rejected``: rows of the month left out (with ``--rejects``);
- ``weekend``: contacts written that start on a Saturday or Sunday (for :func:`exposure`);
- ``expected`` and ``flag`` (empty, ``afvigende måned`` or ``niveauskift``): see
  :func:`flag_months`.

Rows whose municipality code is invalid count only for Denmark as a whole.
"""

from __future__ import annotations

import calendar
import io
import itertools
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import duckdb
import pandas as pd

from naersund import fmt
from naersund.refdata import region_of, regions

QUALITY_FILE = "quality.csv"
NATIONAL = 0  # region_code of Denmark as a whole
SOURCE_NAMES = {"canonical": "canonical", "lpr2": "LPR2", "lpr3": "LPR3"}
COUNTS = ("contacts", "acute", "without_diagnosis", "without_specialty", "rejected", "weekend")
COLUMNS = [
    "source", "month", "region_code", "region", "contacts", "acute", "acute_share", "without_diagnosis",
    "without_diagnosis_share", "without_specialty", "without_specialty_share", "rejected",
    "weekend", "expected", "flag",
]  # fmt: skip
# The flag rule (a Hampel identifier on contacts per day; see flag_months)
HALF_WINDOW = 6  # months each side: the window is 13 months, a whole year around the month
MIN_WINDOW = 7  # months with data needed in the window before a month can be flagged
K = 3.5  # robust z-score above which a month is flagged (Iglewicz & Hoaglin 1993)
MAD_TO_SD = 1.4826  # MAD x 1.4826 estimates the standard deviation of normal noise


def monthly_counts(con: duckdb.DuckDBPyConnection, rows: str, dups: str | None) -> pd.DataFrame:
    """Counts per month and municipality from a checked contacts table: ``rows`` is its staging
    (every row read, typed, ``_reason`` NULL when good) and ``dups`` the duplicate rows (None:
    there are none). Speed (issue 16): the rows are counted per day first (a national extract
    has over 100 M rows and a few hundred thousand days and municipalities), and only the days
    are turned into months and weekdays."""
    good = "s._reason IS NULL"
    source = f"{rows} s"
    if dups is not None:
        good += " AND d._row IS NULL"
        source += f" LEFT JOIN {dups} d ON s._fileno = d._fileno AND s._row = d._row"
    frame = con.execute(f"""
        WITH s AS (SELECT s."start", s.kommunekode, s.acute, s.primary_diagnosis, s.specialty,
                       {good} AS good
                   FROM {source}),
        days AS (
            SELECT CAST("start" AS DATE) AS day, kommunekode,
                count(*) FILTER (WHERE good) AS contacts,
                count(*) FILTER (WHERE good AND acute) AS acute,
                count(*) FILTER (WHERE primary_diagnosis IS NULL) AS without_diagnosis,
                count(*) FILTER (WHERE good AND specialty IS NULL) AS without_specialty,
                count(*) FILTER (WHERE NOT good) AS rejected
            FROM s WHERE "start" IS NOT NULL GROUP BY ALL)
        SELECT strftime(day, '%Y-%m') AS month, kommunekode,
            sum(contacts) AS contacts, sum(acute) AS acute,
            sum(without_diagnosis) AS without_diagnosis,
            sum(without_specialty) AS without_specialty, sum(rejected) AS rejected,
            coalesce(sum(contacts) FILTER (WHERE isodow(day) >= 6), 0) AS weekend
        FROM days GROUP BY ALL""").df()  # fmt: skip
    return frame.astype({c: "int64" for c in COUNTS})


def by_region(counts: pd.DataFrame, source: str) -> pd.DataFrame:
    """Counts per month and municipality -> per month and region, plus Denmark (region 0)."""
    regions = region_of()
    c = counts.assign(region_code=counts["kommunekode"].map(regions))
    known = c.dropna(subset=["region_code"]).astype({"region_code": "int64"})
    keys = ["month", "region_code"]
    regional = known.groupby(keys, as_index=False)[list(COUNTS)].sum()
    national = c.groupby("month", as_index=False)[list(COUNTS)].sum().assign(region_code=NATIONAL)
    out = pd.concat([regional, national[regional.columns]], ignore_index=True)
    out.insert(0, "source", SOURCE_NAMES.get(source, source))
    return out


OUTLIER, SHIFT = "afvigende måned", "niveauskift"


def _robust_sd(values: Sequence[float], level: float, days: float) -> float:
    """1.4826 x the MAD of ``values`` around ``level`` (per day), but at least the Poisson
    standard deviation of ``level`` contacts a day over ``days`` days."""
    mad = statistics.median(abs(v - level) for v in values) if len(values) else 0.0
    poisson = math.sqrt(level * days) / days if level > 0 else 0.0
    return max(MAD_TO_SD * mad, poisson)


MIN_SEASONS = 3  # years of a calendar month needed before its seasonal factor is used


def seasonal_factors(per_day: Sequence[float], months: Sequence[str]) -> dict[str, float]:
    """Calendar month (``"07"``) -> its usual level against the year around it: the median,
    over the years, of a month's contacts per day divided by the median of the 13 months
    around it; 1 for a calendar month seen in fewer than 3 years (too few to tell a season
    from a one-off)."""
    ratios: dict[str, list[float]] = {}
    for i, m in enumerate(months):
        window = per_day[max(0, i - HALF_WINDOW) : i + HALF_WINDOW + 1]
        level = statistics.median(window)
        if len(window) >= MIN_WINDOW and level > 0:
            ratios.setdefault(m[5:7], []).append(per_day[i] / level)
    out = {f"{k:02d}": 1.0 for k in range(1, 13)}
    for k, values in ratios.items():
        factor = statistics.median(values)
        if len(values) >= MIN_SEASONS and factor > 0:
            out[k] = factor
    return out


def exposure(
    months: Sequence[str], contacts: Sequence[float], weekend: Sequence[float]
) -> list[float]:
    """Each month's days, a Saturday or Sunday weighed as the series' weekend days weigh
    against its weekdays (planned activity is low at weekends, so a month with five weekends
    has fewer contacts without anything being wrong). Plain days when the weights cannot be
    told (no weekday contacts)."""
    cal = calendar.Calendar()
    weekend_days, weekdays = [], []
    for m in months:
        found = [wd for d, wd in cal.itermonthdays2(int(m[:4]), int(m[5:7])) if d]
        weekend_days.append(sum(1 for wd in found if wd >= 5))
        weekdays.append(len(found) - weekend_days[-1])
    on_weekend, on_weekdays = sum(weekend), sum(contacts) - sum(weekend)
    if on_weekdays <= 0 or sum(weekend_days) == 0:
        return [float(a + b) for a, b in zip(weekdays, weekend_days, strict=True)]
    ratio = (on_weekend / sum(weekend_days)) / (on_weekdays / sum(weekdays))
    return [wd + ratio * we for wd, we in zip(weekdays, weekend_days, strict=True)]


def flag_months(
    contacts: pd.Series, months: Sequence[str], weekend: pd.Series | None = None
) -> tuple[list[float], list[str]]:
    """The expected count and the flag (``""``, :data:`OUTLIER` or :data:`SHIFT`) of each month
    of one series (one region, all sources), from the contacts per day of each month (per day,
    because months differ in length: February is 10 % shorter than January; with ``weekend``,
    the contacts starting on a Saturday or Sunday, a weekend day counts as the series' weekend
    days weigh, :func:`exposure`, since a month with five weekends has fewer planned
    contacts), divided by the
    calendar month's seasonal factor (:func:`seasonal_factors`: with 3 or more years, the July
    every year has is expected, not flagged). Months are the consecutive calendar months from
    the first to the last; a month without contacts is 0.

    *Afvigende måned* (a Hampel identifier, Hampel 1974): a month more than ``K`` = 3.5 robust
    standard deviations from the median of the 13 months around it (6 each side and itself: a
    whole year, so every season weighs alike); ``expected`` is that median times the month's
    seasonal factor and days. A month with fewer
    than 7 months of data in its window is not judged (``expected`` empty).

    *Niveauskift* (a break, such as the LPR2 -> LPR3 change): the mean of the 6 months from the
    month on differs from the mean of the 6 months before it by more than ``K`` robust standard
    deviations (of the 12 months around their own side's median), and by more than at any other
    month within 6 months (so a break is flagged once, at its first month); a month flagged as
    afvigende counts at its expected level here, so that one outlier makes no break. The Hampel
    rule does not see a clean break: each month agrees with the majority of its own window.

    The robust standard deviation is 1.4826 x the median absolute deviation (it estimates the
    standard deviation of normal noise without being pulled by the outliers it should find),
    but at least the Poisson standard deviation of the expected count: a series of a few
    contacts a month is not flagged for the chance variation of small numbers, and a run of
    identical months (MAD 0) does not flag one contact more.

    Why 3.5 (Iglewicz & Hoaglin 1993's cut-off for robust z-scores): for normal noise with a
    known spread it flags about one month in 2,000 by chance; a MAD from 13 months is itself
    uncertain, and real series vary more than Poisson (holidays move, calendars differ), so
    in practice it flags more. Measured on synthetic data with no break planted (2012-2022,
    scale 0.05, Denmark and 5 regions, 792 months): 4 months flagged, one of them real (January
    2012 lacks the stays begun in December 2011), so about 1 in 260 months by chance. A lower
    threshold would bury a real break among chance flags; a higher one would miss a break of
    5-10 % in a region, the size of an LPR2 -> LPR3 registration change."""
    counts = [float(n) for n in contacts.tolist()]
    if weekend is None:
        days = [float(calendar.monthrange(int(m[:4]), int(m[5:7]))[1]) for m in months]
    else:
        days = exposure(months, counts, [float(n) for n in weekend.tolist()])
    raw = [n / d for n, d in zip(counts, days, strict=True)]
    season = seasonal_factors(raw, months)
    x = [v / season[m[5:7]] for v, m in zip(raw, months, strict=True)]
    n = len(x)
    expected: list[float] = []
    flags = [""] * n
    for i in range(n):
        window = x[max(0, i - HALF_WINDOW) : i + HALF_WINDOW + 1]
        if len(window) < MIN_WINDOW:
            expected.append(math.nan)
            continue
        med = statistics.median(window)
        expected.append(med * season[months[i][5:7]] * days[i])
        scale = _robust_sd(window, med, days[i])
        if scale > 0 and abs(x[i] - med) > K * scale:
            flags[i] = OUTLIER
    # a month already flagged counts at its expected level, so one outlier makes no break
    y = [
        e / d / season[m[5:7]] if f and not math.isnan(e) else v
        for v, e, d, f, m in zip(x, expected, days, flags, months, strict=True)
    ]
    step = [0.0] * n
    for i in range(HALF_WINDOW, n - HALF_WINDOW + 1):
        before, after = y[i - HALF_WINDOW : i], y[i : i + HALF_WINDOW]
        mb, ma = statistics.median(before), statistics.median(after)
        spread = [v - mb for v in before] + [v - ma for v in after]
        scale = _robust_sd([abs(v) for v in spread], 0.0, days[i])
        scale = max(scale, math.sqrt(max(mb, ma) * days[i]) / days[i])
        d = abs(sum(after) / len(after) - sum(before) / len(before))
        if scale > 0 and d > K * scale:
            step[i] = d
    for i in range(n):
        near = step[max(0, i - HALF_WINDOW) : i + HALF_WINDOW + 1]
        if step[i] > 0 and step[i] == max(near) and flags[i] == "":
            flags[i] = SHIFT
    return expected, flags


def _all_months(first: str, last: str) -> list[str]:
    return [p.strftime("%Y-%m") for p in pd.period_range(first, last, freq="M")]


def finish(rows: pd.DataFrame) -> pd.DataFrame:
    """Shares, region names and the flags, on the rows of every source together."""
    out = rows.copy()
    out["expected"], out["flag"] = math.nan, ""
    for region, group in out.groupby("region_code"):
        total = group.groupby("month")[["contacts", "weekend"]].sum()
        months = _all_months(str(total.index.min()), str(total.index.max()))
        series = total.reindex(months, fill_value=0)
        expected, flags = flag_months(series["contacts"], months, series["weekend"])
        at = dict(zip(months, zip(expected, flags, strict=True), strict=True))
        mask = out["region_code"] == region
        out.loc[mask, "expected"] = [at[m][0] for m in out.loc[mask, "month"]]
        out.loc[mask, "flag"] = [at[m][1] for m in out.loc[mask, "month"]]
    read = out["contacts"] + out["rejected"]
    out["acute_share"] = (out["acute"] / out["contacts"].where(out["contacts"] > 0)).round(4)
    out["without_diagnosis_share"] = (out["without_diagnosis"] / read.where(read > 0)).round(4)
    out["without_specialty_share"] = (
        out["without_specialty"] / out["contacts"].where(out["contacts"] > 0)
    ).round(4)
    out["expected"] = out["expected"].round(1)
    names = dict(zip(regions()["region_code"], regions()["region_name"], strict=True))
    out["region"] = out["region_code"].map(lambda c: names.get(int(c), "Hele landet"))
    out = out.sort_values(["region_code", "month", "source"], ignore_index=True)
    return out[COLUMNS]


def read_rows(text: str) -> pd.DataFrame:
    """``quality.csv`` as written by :func:`write`."""
    frame = pd.read_csv(io.StringIO(text), dtype={"month": str, "source": str, "region": str})
    return frame


def combined(new: pd.DataFrame, old_text: str | None) -> pd.DataFrame:
    """The rows of a new source and those an earlier ingest wrote (``--append``), flagged on
    the series of both."""
    if old_text is None:
        return finish(new)
    old = read_rows(old_text)[["source", "month", "region_code", *COUNTS]]
    return finish(pd.concat([old, new], ignore_index=True))


def write(rows: pd.DataFrame, path: Path) -> None:
    rows.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


# --- in a release --------------------------------------------------------------------------


def for_release(text: str | None, min_count: int) -> list[dict[str, Any]] | None:
    """The rows of ``quality.csv`` as a release carries them (compute puts them in its
    metadata): every count from 1 to ``min_count - 1`` and the shares computed from it are
    left out (None), as every published figure is."""
    if text is None:
        return None
    try:
        frame = read_rows(text)
        missing = [c for c in COLUMNS if c not in frame.columns]
    except (ValueError, pd.errors.ParserError):
        return None
    if missing:
        return None
    shares = {
        "contacts": ("acute_share", "without_specialty_share"),
        "acute": ("acute_share",),
        "without_diagnosis": ("without_diagnosis_share",),
        "without_specialty": ("without_specialty_share",),
    }
    out = []
    for r in frame[COLUMNS].to_dict("records"):
        row: dict[str, Any] = {
            str(k): (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()
        }
        for col in COUNTS:
            if 0 < int(row[col]) < min_count:
                row[col] = None
                for share in shares.get(col, ()):
                    row[share] = None
        row["flag"] = str(row["flag"] or "")
        out.append(row)
    return out


@dataclass(frozen=True)
class SourcePeriod:
    source: str
    first: str  # month, ÅÅÅÅ-MM
    last: str


@dataclass(frozen=True)
class QualityView:
    """What the data-quality page and the pack's section show (one reader for both)."""

    sources: list[SourcePeriod]
    national: list[dict[str, Any]]  # Denmark per month and source, oldest first
    flagged: list[dict[str, Any]]  # every flagged row (any region), oldest first
    switches: list[str]  # e.g. "2019-01: LPR2 -> LPR3"

    @property
    def summary(self) -> str:
        """One Danish sentence: the sources, their months and the flagged months."""
        parts = [f"{s.source} {s.first} – {s.last}" for s in self.sources]
        n = len({(r["region_code"], r["month"]) for r in self.flagged})
        flags = "ingen måneder markeret" if n == 0 else f"{fmt.integer(n)} markerede måneder"
        return f"Kilder: {', '.join(parts)}; {flags}."


def view(rows: Iterable[dict[str, Any]]) -> QualityView:
    """The data-quality view of a release's rows (:func:`for_release`)."""
    rows = sorted(rows, key=lambda r: (str(r["month"]), int(r["region_code"]), str(r["source"])))
    periods: dict[str, list[str]] = {}
    for r in rows:
        periods.setdefault(str(r["source"]), []).append(str(r["month"]))
    sources = [SourcePeriod(s, min(m), max(m)) for s, m in periods.items()]
    sources.sort(key=lambda s: s.first)
    switches = [f"{b.first}: {a.source} → {b.source}" for a, b in itertools.pairwise(sources)]
    national = [r for r in rows if int(r["region_code"]) == NATIONAL]
    flagged = [r for r in rows if r["flag"]]
    return QualityView(sources, national, flagged, switches)


# The tables the data-quality page and the professional pack show, from one function each
# (the web formats the cells as the pack prints them): (label, cell kind of reports.model).
Kind = Literal["text", "integer", "percent"]  # a subset of reports.model.CellKind
NATIONAL_COLUMNS: list[tuple[str, Kind]] = [
    ("Måned", "text"), ("Kilde", "text"), ("Kontakter", "integer"), ("Akutte", "percent"),
    ("Uden diagnose", "percent"), ("Uden speciale", "percent"), ("Afviste rækker", "integer"),
    ("Forventet", "integer"), ("Markering", "text"),
]  # fmt: skip
FLAGGED_COLUMNS: list[tuple[str, Kind]] = [
    ("Område", "text"), ("Måned", "text"), ("Kilde", "text"), ("Kontakter", "integer"),
    ("Forventet", "integer"), ("Markering", "text"),
]  # fmt: skip
RULE_DA = (
    "En måned markeres som afvigende, når dens antal kontakter pr. dag (renset for den "
    "sæsonvariation, måneden har haft i mindst 3 år) ligger mere end 3,5 robuste "
    "standardafvigelser fra medianen af de 13 måneder omkring den (et helt år), og som niveauskift, når gennemsnittet af de 6 måneder fra og med "
    "måneden afviger lige så meget fra de 6 måneder før (markeret én gang, i skiftets første "
    "måned). Den robuste standardafvigelse er 1,4826 × medianafvigelsen, dog mindst den "
    "tilfældige variation i små tal (kvadratroden af det forventede antal), og kontakter pr. dag "
    "regnes med weekenddage vægtet, som seriens weekender vejer. Grænsen 3,5 markerer sjældent "
    "en måned ved et tilfælde (på syntetiske data uden brud 3 af 792 måneder), men fanger et "
    "brud på 5-10 % i en regions serie, som et skift i registreringen giver."
)


def _pct(v: float | None) -> float | None:
    return None if v is None else round(100 * float(v), 1)


def national_rows(v: QualityView) -> list[list[Any]]:
    """Denmark per month and source: the rows of the table :data:`NATIONAL_COLUMNS`."""
    return [
        [
            r["month"], r["source"], r["contacts"], _pct(r["acute_share"]),
            _pct(r["without_diagnosis_share"]), _pct(r["without_specialty_share"]),
            r["rejected"], r["expected"], r["flag"],
        ]
        for r in v.national
    ]  # fmt: skip


def flagged_rows(v: QualityView) -> list[list[Any]]:
    """Every flagged month of any area: the rows of the table :data:`FLAGGED_COLUMNS`."""
    return [
        [r["region"], r["month"], r["source"], r["contacts"], r["expected"], r["flag"]]
        for r in v.flagged
    ]


# Stays that a specialty list leaves out for want of a specialty on their first contact
# (naersund.engine.specialty_gaps, counted by compute): one table on the page and in the pack.
STAYS_COLUMNS: list[tuple[str, Kind]] = [
    ("År", "text"), ("Kilde", "text"), ("Indikator", "text"), ("Ophold", "integer"),
]  # fmt: skip
STAYS_NOTE_DA = (
    "Akutte korttidsophold, hvis første kontakt mangler speciale: de tælles ikke med i "
    "indikatoren (en kontakt uden speciale regnes ikke som medicinsk), så et stigende antal her "
    "sænker indikatoren uden at færre borgere er indlagt."
)


def stays_rows(rows: Iterable[dict[str, Any]]) -> list[list[Any]]:
    """The stays without a specialty per year, source and indicator (``stays`` None when
    hidden): the rows of the table :data:`STAYS_COLUMNS`."""
    return [[str(r["year"]), r["source"], r["indicator"], r["stays"]] for r in rows]


def switch_note(v: QualityView) -> str:
    """What the analyst must know about a change of source, in Danish ("" when one source)."""
    if not v.switches:
        return ""
    changes = "; ".join(v.switches)
    return (
        f"Kildeskift: {changes}. Kontakter registreres forskelligt i LPR2 og LPR3; sammenlign "
        "ikke niveauer hen over skiftet uden at se på tallene her."
    )


def format_doc() -> str:
    """The ``quality.csv`` section of docs/input-formats.md."""
    columns = ", ".join(f"`{c}`" for c in COLUMNS)
    return f"""\
### Data quality per month (`quality.csv`)

Ingest also writes `quality.csv` beside the tables (UTF-8, comma): one row per source (`LPR2`,
`LPR3`, `canonical`), month of the contact's start (`ÅÅÅÅ-MM`) and region (`region_code`
1081-1085, and `0` for `Hele landet`; a row with an invalid municipality code counts only for
Denmark), with the columns {columns}:
the contacts written and how many of them are acute; the rows read whose diagnosis is missing
or invalid (refused rows) and their share of all rows read; the contacts without a specialty
(never "medical" for `akutte_korttidsindlaeggelser`) and their share; the rows of the month
refused; the contacts starting on a Saturday or Sunday; the count expected from the months
around it; and `flag`: `afvigende måned` (a month
more than 3.5 robust standard deviations from the median of the 13 months around it, per day and
after the seasonal pattern seen in at least 3 years) or `niveauskift` (the 6 months from the
month on differ that much from the 6 months before: a break, flagged once, at its first month).
The robust standard deviation is 1.4826 times the median absolute deviation, but at least the
square root of the expected count, so that small numbers are not flagged for chance variation;
contacts per day count a weekend day as the series' weekend days weigh. On synthetic data with
no break (2012-2022, Denmark and 5 regions, 792 months) 3 months were flagged by chance, while a
break of 5-10 % in a region's series, the size of a change of registration, is flagged
(`naersund.registry.quality.flag_months` has the reasons). With `--append` the rows of both sources are kept and the flags computed on the
joined series. `naersund compute` carries the rows into the results' metadata (counts under
the suppression limit hidden), and beside them the acute short stays whose first contact has no
specialty, per year and source (`stays_without_specialty`: `akutte_korttidsindlaeggelser`
leaves them out, since a contact without a specialty is not medical; counted in the same pass
as the indicators, `naersund.engine.specialty_gaps`). `naersund publish` stores both in their
own table (`ReleaseQuality`), not in the release's metadata; the web shows them on the
release's page *Datakvalitet* and the professional report pack in its section *Datakvalitet pr.
kilde og måned*.
"""
