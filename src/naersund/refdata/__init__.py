"""Shipped reference data: municipalities, regions (= KKR), population and boundaries.

The files in ``data/`` are copies of ``shared/data`` with their sources in ``data/SOURCES.md``.
Population exists by municipality × 5-year band × sex only for some years (2013 and 2020);
:func:`derive_population` fills every other year and marks those rows ``estimated``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

NATIONAL_CODE = 0  # area_code of Denmark as a whole

#: The 5-year age bands of population and results (``85+`` open-ended).
AGE_GROUPS: tuple[str, ...] = (
    "0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44",
    "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85+",
)  # fmt: skip

KKR_NAMES = {
    1081: "KKR Nordjylland",
    1082: "KKR Midtjylland",
    1083: "KKR Syddanmark",
    1084: "KKR Hovedstaden",
    1085: "KKR Sjælland",
}


def data_path(name: str) -> Path:
    """Path of a shipped reference file (``municipalities.csv``, ``population.csv``, ...)."""
    return Path(str(resources.files("naersund.refdata") / "data" / name))


@cache
def municipalities() -> pd.DataFrame:
    """The 98 municipalities: ``kommunekode, name, region_code, region_name``."""
    df = pd.read_csv(data_path("municipalities.csv"), dtype={"name": str, "region_name": str})
    return df.astype({"kommunekode": "int64", "region_code": "int64"})


# The official names are "<name> Kommune" (DAGI's municipality name with "Kommune", e.g.
# "Nordfyns Kommune", "Vesthimmerlands Kommune"), except these two.
OFFICIAL_NAME_EXCEPTIONS = {101: "Københavns Kommune", 400: "Bornholms Regionskommune"}


def official_name(kommunekode: int) -> str:
    """The municipality's official name ("Albertslund Kommune", "Københavns Kommune",
    "Bornholms Regionskommune"), for titles and choices; tables keep the short name."""
    if kommunekode in OFFICIAL_NAME_EXCEPTIONS:
        return OFFICIAL_NAME_EXCEPTIONS[kommunekode]
    return f"{_short_names()[kommunekode]} Kommune"


@cache
def _short_names() -> dict[int, str]:
    m = municipalities()
    return dict(zip(m["kommunekode"].tolist(), m["name"].tolist(), strict=True))


def regions() -> pd.DataFrame:
    """The five regions with their KKR: ``region_code, region_name, kkr_name, n_municipalities``."""
    m = municipalities()
    out = (
        m.groupby(["region_code", "region_name"], as_index=False)
        .size()
        .rename(columns={"size": "n_municipalities"})
    )
    out["kkr_name"] = out["region_code"].map(KKR_NAMES)
    return out[["region_code", "region_name", "kkr_name", "n_municipalities"]]


def region_of() -> dict[int, int]:
    """kommunekode -> region code (1081-1085)."""
    m = municipalities()
    return dict(zip(m["kommunekode"].tolist(), m["region_code"].tolist(), strict=True))


def boundaries_path() -> Path:
    """GeoJSON with one MultiPolygon per municipality (property ``kommunekode``)."""
    return data_path("municipalities.geojson")


@cache
def shipped_population() -> pd.DataFrame:
    """The shipped ``population.csv`` as it is (with ``T``, ``65+`` and ``total`` rows)."""
    df = pd.read_csv(data_path("population.csv"), dtype={"age_group": str, "sex": str})
    return df.astype({"year": "int64", "kommunekode": "int64", "count": "int64"})


def _bands(raw: pd.DataFrame) -> pd.DataFrame:
    """Only the additive cells: 5-year bands by M/F (drops ``T``, ``65+`` and ``total``)."""
    return raw[raw["sex"].isin(["M", "F"]) & raw["age_group"].isin(AGE_GROUPS)]


def _totals(raw: pd.DataFrame) -> pd.DataFrame:
    """Known municipal totals by year: ``total``/``T`` rows where present, else the band sums."""
    explicit = raw[(raw["age_group"] == "total") & (raw["sex"] == "T")][
        ["year", "kommunekode", "count"]
    ]
    summed = _bands(raw).groupby(["year", "kommunekode"], as_index=False)["count"].sum()
    both = pd.concat([explicit, summed]).drop_duplicates(["year", "kommunekode"], keep="first")
    return both[both["kommunekode"] != NATIONAL_CODE]


def _cube(bands: pd.DataFrame, year: int, codes: np.ndarray) -> np.ndarray:
    """municipality × (band, sex) matrix of counts for one year."""
    cells = [(a, s) for a in AGE_GROUPS for s in ("M", "F")]
    wide = (
        bands[bands["year"] == year]
        .pivot_table(
            index="kommunekode", columns=["age_group", "sex"], values="count", aggfunc="sum"
        )
        .reindex(index=codes, columns=pd.MultiIndex.from_tuples(cells))
    )
    return np.nan_to_num(wide.to_numpy(dtype=float))


def _rake(cube: np.ndarray, row_totals: np.ndarray, col_totals: np.ndarray | None) -> np.ndarray:
    """Iterative proportional fitting to municipal totals (rows) and national cells (columns)."""
    out = cube.copy()
    for _ in range(50):
        rows = out.sum(axis=1, keepdims=True)
        out *= np.divide(row_totals[:, None], rows, out=np.ones_like(rows), where=rows > 0)
        if col_totals is None:
            break
        cols = out.sum(axis=0, keepdims=True)
        target = col_totals * row_totals.sum() / col_totals.sum()
        out *= np.divide(target[None, :], cols, out=np.ones_like(cols), where=cols > 0)
        if np.allclose(out.sum(axis=1), row_totals, rtol=1e-9):
            break
    return out


def _interp(years: list[int], values: list[np.ndarray], year: int) -> np.ndarray:
    """Linear between the nearest known years; the nearest known year outside their range."""
    if year <= years[0]:
        return values[0]
    if year >= years[-1]:
        return values[-1]
    hi = next(i for i, y in enumerate(years) if y >= year)
    y0, y1 = years[hi - 1], years[hi]
    w = (year - y0) / (y1 - y0)
    return values[hi - 1] * (1 - w) + values[hi] * w


def derive_population(raw: pd.DataFrame, years: Iterable[int]) -> pd.DataFrame:
    """Population by ``year, kommunekode, age_group, sex`` for every requested year.

    ``raw`` is in the shipped file's format. Years with every municipality's bands known are
    used as they are. Other years are estimated: each cell is interpolated linearly between the
    nearest known years (held at the nearest known year outside them), then raked to the known
    municipal totals of that year (interpolated when unknown) and, where Denmark's bands are
    known for that year (``kommunekode`` 0), to those too. Estimated rows have
    ``estimated = True``; counts are rounded to whole persons.
    """
    codes = municipalities()["kommunekode"].to_numpy()
    bands = _bands(raw)
    munis = bands[bands["kommunekode"] != NATIONAL_CODE]
    present = munis[munis["kommunekode"].isin(codes)].groupby("year")["kommunekode"].nunique()
    full = sorted(present[present == len(codes)].index.astype(int).tolist())
    if not full:
        raise ValueError(
            "population: no year has every municipality by age group and sex; cannot derive"
        )
    cubes = [_cube(munis, y, codes) for y in full]
    totals = _totals(raw)
    n_totals = totals.groupby("year")["kommunekode"].nunique()
    tot_years = sorted(n_totals[n_totals >= len(codes)].index.astype(int).tolist())
    tot_vals = [
        totals[totals["year"] == y].set_index("kommunekode")["count"].reindex(codes).to_numpy(float)
        for y in tot_years
    ]
    national = bands[bands["kommunekode"] == NATIONAL_CODE]
    cells = pd.MultiIndex.from_tuples([(a, s) for a in AGE_GROUPS for s in ("M", "F")])
    frames = []
    for year in sorted(set(years)):
        if year in full:
            cube, estimated = cubes[full.index(year)], False
        else:
            cube = _interp(full, cubes, year)
            row_totals = _interp(tot_years, tot_vals, year)
            nat = national[national["year"] == year]
            col_totals = None
            if len(nat):
                col_totals = (
                    nat.set_index(["age_group", "sex"])["count"].reindex(cells).to_numpy(float)
                )
            cube, estimated = _rake(cube, row_totals, col_totals), True
        # long format, one row per municipality and cell in the cube's (C) order
        frames.append(
            pd.DataFrame(
                {
                    "year": year,
                    "kommunekode": np.repeat(codes, len(cells)),
                    "age_group": np.tile(cells.get_level_values(0), len(codes)),
                    "sex": np.tile(cells.get_level_values(1), len(codes)),
                    "count": np.rint(cube).ravel(),
                    "estimated": estimated,
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    return out.astype({"year": "int64", "kommunekode": "int64", "count": "int64"})


def standard_population(raw: pd.DataFrame, year: int = 2013) -> pd.DataFrame:
    """Denmark's population of ``year`` by ``age_group, sex`` (the standardisation reference).

    Uses the national rows (``kommunekode`` 0) when present, else the sum of municipalities.
    """
    bands = _bands(raw[raw["year"] == year])
    nat = bands[bands["kommunekode"] == NATIONAL_CODE]
    if nat.empty:
        nat = bands[bands["kommunekode"] != NATIONAL_CODE]
    if nat.empty:
        raise ValueError(f"population: no population for the standard year {year}")
    return nat.groupby(["age_group", "sex"], as_index=False).agg(standard_pop=("count", "sum"))
