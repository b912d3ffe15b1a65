"""The economy's table columns and chart data, shared by the page "Økonomi" and the report
packs so that both show the same numbers under the same headings."""

from __future__ import annotations

from typing import Any

import pandas as pd

from naersund.economy.figures import EconomyFigure, EconomyFigures

# heading, decimals (None: text)
COLUMNS: tuple[tuple[str, int | None], ...] = (
    ("Område", None),
    ("Sundhedsudgifter ekskl. KMF (mio. kr.)", 1),
    ("Løft (mio. kr.)", 1),
    ("Vækst (pct.)", 1),
    ("Kr. pr. indbygger", 0),
    ("Kr. pr. indbygger 65+", 0),
    ("KMF, kr. pr. indbygger", 0),
    ("Forventet andel af ØA-løftet (mio. kr.)", 1),
    ("Løft minus forventet (mio. kr.)", 1),
)


def _mio(x: float | None) -> float | None:
    return None if x is None else x / 1000


def row_values(f: EconomyFigure) -> list[Any]:
    """One area's row (``COLUMNS``): numbers, None where missing, KMF's reason as text."""
    return [
        f.name,
        _mio(f.health),
        _mio(f.growth),
        f.growth_pct,
        f.per_citizen,
        f.per_citizen_65,
        f.kmf_status or f.kmf_per_citizen,
        _mio(f.expected_lift),
        _mio(f.lift_gap),
    ]


def spending_series(
    figures: EconomyFigures, kommunekode: int | None, region_code: int | None
) -> pd.DataFrame:
    """``year, area, value`` (kr. per citizen) for the municipality, its KKR and Denmark."""
    wanted: list[tuple[str, int]] = []
    if kommunekode is not None:
        wanted.append(("kommune", kommunekode))
    if region_code is not None:
        wanted.append(("kkr", region_code))
    wanted.append(("land", 0))
    rows = [
        (f.year, f.name, f.per_citizen)
        for level, code in wanted
        for f in figures.series(level, code)  # type: ignore[arg-type]
        if f.per_citizen is not None
    ]
    return pd.DataFrame(rows, columns=["year", "area", "value"])


def lift_rows(figures: EconomyFigures, region_code: int, year: int) -> pd.DataFrame:
    """``area, growth, expected`` (mio. kr.) of the KKR's municipalities in ``year``."""
    rows = [
        (f.name, _mio(f.growth), _mio(f.expected_lift))
        for f in figures.municipalities_of(region_code, year)
    ]
    return pd.DataFrame(rows, columns=["area", "growth", "expected"])
