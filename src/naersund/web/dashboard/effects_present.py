"""What the page "Virker indsatserne?" shows, built from the one effects table
(:func:`naersund.analysis.initiative_effects.effects_table`), out of the views."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from naersund import fmt
from naersund.analysis.initiative_effects import Estimated, effects_table

SORTS = {
    "indsats": ("initiative_name", True),
    "indikator": ("indicator_name", True),
    "effekt": ("relative_estimate", True),
    "praetrend": ("pretrend_p", True),
}
DEFAULT_SORT = "effekt"


@dataclass(frozen=True)
class EffectRow:
    """One initiative x indicator as the page lists it (Danish texts)."""

    initiative: str
    initiative_name: str
    indicator: str
    indicator_name: str
    estimate: str
    interval: str
    relative: str
    relative_interval: str
    groups: str
    pretrend: str
    note: str
    sentence: str
    verdict: str


def _pct(x: float) -> str:
    return fmt.percent(x * 100, 0)


def _verdict(row: dict[Any, Any]) -> str:
    if row["note"]:
        return "intet skøn"
    if row["upper_ci"] < 0:
        return "færre"
    if row["lower_ci"] > 0:
        return "flere"
    return "ikke statistisk sikker"


def effect_rows(estimated: list[Estimated], sort: str) -> list[EffectRow]:
    """The page's rows, sorted by ``sort`` (a key of :data:`SORTS`; estimates before notes)."""
    table = effects_table(estimated)
    names = {e.initiative.id: e.initiative.title_da for e in estimated}
    ind_names = {e.indicator: e.indicator_name for e in estimated}
    table["initiative_name"] = table["initiative"].map(names)
    table["indicator_name"] = table["indicator"].map(ind_names)
    column, ascending = SORTS.get(sort, SORTS[DEFAULT_SORT])
    table = table.sort_values(
        [column, "initiative_name", "indicator_name"], ascending=ascending, na_position="last"
    )
    return [_row(r) for r in table.to_dict("records")]


def _row(r: dict[Any, Any]) -> EffectRow:
    has = not r["note"]
    return EffectRow(
        initiative=r["initiative"],
        initiative_name=r["initiative_name"],
        indicator=r["indicator"],
        indicator_name=r["indicator_name"],
        estimate=fmt.number(r["estimate"], 2) if has else "–",
        interval=(
            f"{fmt.number(r['lower_ci'], 2)} til {fmt.number(r['upper_ci'], 2)}" if has else ""
        ),
        relative=_pct(r["relative_estimate"]) if has else "–",
        relative_interval=(
            f"{_pct(r['relative_lower_ci'])} til {_pct(r['relative_upper_ci'])}" if has else ""
        ),
        groups=f"{r['n_started']} / {r['n_not_started']}",
        pretrend=fmt.number(r["pretrend_p"], 2) if has else "–",
        note=r["note"],
        sentence=r["sentence"],
        verdict=_verdict(r),
    )


def effects_csv(estimated: list[Estimated]) -> str:
    """The table as the command line writes it (UTF-8, comma, decimal point)."""
    return str(effects_table(estimated).to_csv(index=False))


def frame(estimated: list[Estimated]) -> pd.DataFrame:
    return effects_table(estimated)
