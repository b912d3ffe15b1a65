"""Citizens and citizens 65+ per municipality and year, for spending per citizen.

From the data directory's ``population.csv`` (naersund's population format, e.g. written by
``naersund refdata import-folk1a --out DATA/population.csv``) when there is one, else from the
shipped population (Statistics Denmark, estimated between the known years; see
:func:`naersund.refdata.derive_population`). The name of the source goes with the figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from naersund.errors import InputError
from naersund.refdata import AGE_GROUPS, derive_population, shipped_population

OLD = tuple(g for g in AGE_GROUPS if int(g.split("-")[0].rstrip("+")) >= 65)
SHIPPED = "Danmarks Statistik (BY2/FOLK1A, medfølgende; mellemliggende år skønnet)"


@dataclass(frozen=True)
class Citizens:
    """``frame``: ``year, kommunekode, citizens, citizens_65`` (1 January); ``source``: where
    it came from, for the provenance line."""

    frame: pd.DataFrame
    source: str


def citizens(years: Iterable[int], data_file: Path | None = None) -> Citizens:
    """Citizens and citizens 65+ per municipality for ``years``."""
    wanted = sorted(set(years))
    if data_file is not None and data_file.exists():
        try:
            raw = pd.read_csv(data_file, dtype={"age_group": str, "sex": str})
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            raise InputError(f"{data_file}: befolkningen kan ikke læses ({exc})") from None
        missing = {"year", "kommunekode", "age_group", "sex", "count"} - set(raw.columns)
        if missing:
            raise InputError(f"{data_file}: kolonnen {', '.join(sorted(missing))} mangler")
        source = f"{data_file.name} i datamappen"
        pop = raw[raw["sex"].isin(["M", "F"]) & raw["age_group"].isin(AGE_GROUPS)]
        if not set(wanted) <= set(pop["year"].astype(int)):
            pop = derive_population(raw, wanted)
            source += " (manglende år skønnet)"
    else:
        pop = derive_population(shipped_population(), wanted)
        source = SHIPPED
    pop = pop[pop["year"].astype(int).isin(wanted)]
    old = pop[pop["age_group"].isin(OLD)]
    total = pop.groupby(["year", "kommunekode"])["count"].sum().rename("citizens")
    total_65 = old.groupby(["year", "kommunekode"])["count"].sum().rename("citizens_65")
    frame = pd.concat([total, total_65], axis=1).fillna(0).reset_index()
    frame = frame.astype({"year": "int64", "kommunekode": "int64"})
    return Citizens(frame, source)
