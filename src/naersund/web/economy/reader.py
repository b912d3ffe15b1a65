"""The one function that gives the economic figures to the page "Økonomi" and to the report
packs: :func:`economy_figures` (a :class:`naersund.economy.figures.EconomyFigures` built from
the stored imports, the data directory's population and the configured YAML files)."""

from __future__ import annotations

import threading
from typing import Any

import pandas as pd
from django.conf import settings
from django.utils import timezone

from naersund.economy.config import load_functions, load_regulation
from naersund.economy.figures import EconomyFigures, Provenance, SourceFile, compute_figures
from naersund.economy.population import citizens
from naersund.web.economy.models import DistributionKey, EconomyAmount, EconomyImport

KINDS = {"budget": "BUDK32", "regnskab": "REGK31"}
POPULATION_FILE = "population.csv"
_cache: dict[tuple[Any, ...], EconomyFigures] = {}
_lock = threading.Lock()


def _year_sources(table: str) -> dict[int, EconomyImport]:
    """For each year, the newest import of ``table`` that holds it."""
    out: dict[int, EconomyImport] = {}
    for source in EconomyImport.objects.filter(table=table).order_by("-imported_at", "-pk"):
        for year in range(source.first_year, source.last_year + 1):
            out.setdefault(year, source)
    return out


def available_kinds() -> list[str]:
    """The kinds (``budget``, ``regnskab``) that have an import, budget first."""
    tables = set(EconomyImport.objects.values_list("table", flat=True))
    return [k for k, t in KINDS.items() if t in tables]


def economy_figures(kind: str = "budget") -> EconomyFigures | None:
    """The figures of ``kind`` (``budget`` or ``regnskab``), or None without an import."""
    table = KINDS[kind]
    sources = _year_sources(table)
    if not sources:
        return None
    key_row = DistributionKey.objects.first()
    population = settings.DATA_DIR / POPULATION_FILE
    stamp = population.stat().st_mtime if population.exists() else None
    cache_key = (
        table,
        tuple(sorted((y, s.pk, s.file_name, s.imported_at) for y, s in sources.items())),
        key_row.pk if key_row else None,
        stamp,
    )
    with _lock:
        if cache_key in _cache:
            return _cache[cache_key]
    parts = []
    for year, source in sources.items():
        rows = EconomyAmount.objects.filter(source=source, year=year).values_list(
            "year", "kommunekode", "function", "amount"
        )
        parts.append(
            pd.DataFrame(list(rows), columns=["year", "kommunekode", "function", "amount"])
        )
    amounts = pd.concat(parts, ignore_index=True)
    amounts["amount"] = amounts["amount"].astype(float)
    years = sorted(sources)
    people = citizens(years, population)
    key = None
    key_source = "befolkningsandel (standard)"
    if key_row is not None:
        key = pd.DataFrame(
            {
                "kommunekode": [int(k) for k in key_row.shares],
                "share": list(key_row.shares.values()),
            }
        )
        key_source = f"{key_row.file_name} indlæst {_date(key_row.imported_at)}"
    functions, regulation = load_functions(), load_regulation()
    provenance = Provenance(
        table=table,
        kind=kind,
        files={
            y: SourceFile(s.file_name, _date(s.imported_at), s.synthetic)
            for y, s in sources.items()
        },
        functions_version=functions.version,
        regulation_version=regulation.version,
        regulation_verified=regulation.verified,
        population_source=people.source,
        key_source=key_source,
    )
    figures = compute_figures(amounts, kind, functions, regulation, people, provenance, key)
    with _lock:
        if len(_cache) > 4:  # an import makes the old sets stale
            _cache.clear()
        _cache[cache_key] = figures
    return figures


def _date(moment: Any) -> str:
    return str(timezone.localtime(moment).date().isoformat())
