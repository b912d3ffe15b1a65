"""The area levels of a results file at publication: which levels and areas it may have, which
municipalities make up each area, and the checks that tie every aggregate to them.

A run of ``naersund compute --levels`` writes ``<results>.areas.csv`` (``level, area_code,
area_name, kommunekode, valid_from, valid_to``) beside its results. Publication reads the
membership from that file (:func:`membership_from_areas`), or, for a results file without one,
from the shipped registry (:func:`naersund.refdata.areas.area_levels`), and then:

* every row's level is a shipped level or a user group the metadata declare, and its area code
  is one of that level's areas (:func:`known_codes`);
* a shipped partition level in the areas file is the registry's newest version of it (the one
  ``compute`` uses): the same areas with the same municipalities (:func:`areas_problems`);
* every aggregate of a level beyond kommune → region → land is the sum of its municipalities
  where they are all shown, and no less than the shown ones where some are masked
  (:func:`member_sum_problems`); today's hierarchy keeps
  :func:`naersund.analysis.consistency.sum_problems`.

Messages are Danish; the caller adds file and row where it has them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from naersund.analysis.consistency import RTOL, Problem
from naersund.refdata import NATIONAL_CODE, areas, region_of
from naersund.suppression_levels import HIERARCHY

#: level id -> kommunekode -> area code (a user group maps only its members)
Membership = dict[str, dict[int, int]]


def registry_membership(levels: Iterable[str]) -> Membership:
    """The shipped registry's membership (newest versions) of ``levels`` that it knows, with
    ``kommune`` and ``land`` always."""
    known = areas.area_levels()
    out: Membership = {
        "kommune": {k: k for k in region_of()},
        "land": dict.fromkeys(region_of(), NATIONAL_CODE),
    }
    for level in levels:
        if level in known and level not in out:
            out[level] = known[level].latest.area_of()
    return out


def membership_from_areas(table: pd.DataFrame) -> Membership:
    """The membership an areas file (read as text, columns ``AREAS_FILE_COLUMNS``) states, with
    ``kommune`` and ``land`` always (from the registry when the file leaves them out)."""
    out = registry_membership(())
    frame = table.astype({"area_code": "int64", "kommunekode": "int64"})
    for level, rows in frame.groupby("level", sort=False):
        codes = rows["kommunekode"].tolist()
        out[str(level)] = dict(zip(codes, rows["area_code"].tolist(), strict=True))
    return out


def declared_levels(meta: Mapping[str, Any]) -> set[str]:
    """The levels a run's metadata declare (``meta["levels"]``, written by ``compute``)."""
    declared = meta.get("levels")
    return {str(k) for k in declared} if isinstance(declared, dict) else set()


def allowed_levels(meta: Mapping[str, Any]) -> list[str]:
    """The levels a results file may have: every shipped level, and the user groups its
    metadata declare."""
    return list(dict.fromkeys([*areas.level_ids(), *sorted(declared_levels(meta))]))


def known_codes(membership: Membership) -> dict[str, set[int]]:
    """level -> the area codes it has."""
    return {level: set(area_of.values()) for level, area_of in membership.items()}


def areas_problems(table: pd.DataFrame, source: str) -> list[str]:
    """An areas file's shipped partition levels that are not the registry's newest version:
    the message names the file, row and field (the header is row 1)."""
    known = areas.area_levels()
    problems: list[str] = []
    codes = pd.to_numeric(table["kommunekode"], errors="coerce")
    area_codes = pd.to_numeric(table["area_code"], errors="coerce")
    for n in np.flatnonzero((codes.isna() | area_codes.isna()).to_numpy()):
        field = "kommunekode" if math.isnan(codes.iloc[n]) else "area_code"
        problems.append(
            f"{source}, række {n + 2}, felt '{field}': '{table[field].iloc[n]}' er ikke et heltal"
        )
    if problems:
        return problems
    for level, rows in table.groupby("level", sort=False):
        lv = known.get(str(level))
        if lv is None or not lv.partition:
            continue
        expected = lv.latest.area_of()
        seen: set[int] = set()
        for n, k, a in zip(
            rows.index,
            codes[rows.index].astype(int),
            area_codes[rows.index].astype(int),
            strict=True,
        ):
            where = f"{source}, række {int(n) + 2}"
            if k in seen:
                problems.append(
                    f"{where}, felt 'kommunekode': kommune {k} står to gange i niveauet {level}"
                )
            elif expected.get(k) != a:
                problems.append(
                    f"{where}, felt 'area_code': kommune {k} hører til område {expected.get(k)} "
                    f"i niveauet {level} (docs/areas.md), ikke {a}"
                )
            seen.add(k)
        missing = sorted(set(expected) - seen)
        if missing:
            problems.append(
                f"{source}: niveauet {level} mangler {len(missing)} kommune(r) (fx {missing[0]}); "
                "hver kommune skal høre til præcis ét område"
            )
    return problems


def member_sum_problems(
    table: pd.DataFrame, membership: Membership, columns: tuple[str, ...]
) -> list[Problem]:
    """Aggregates of levels beyond kommune → region → land that are not the sum of their
    municipalities: where every member is shown the total must equal their sum, where some are
    masked it cannot be less than the shown ones. ``table`` is one indicator and year;
    positions are into it."""
    level = table["level"].to_numpy()
    area = table["area_code"].to_numpy(np.int64)
    kommune = {int(a): j for j, a in enumerate(area) if level[j] == "kommune"}
    problems: list[Problem] = []
    extra = [j for j in range(len(table)) if level[j] not in HIERARCHY and level[j] in membership]
    if not extra:
        return problems
    members: dict[tuple[str, int], list[int]] = {}
    for lv in {str(level[j]) for j in extra}:
        for k, a in membership[lv].items():
            members.setdefault((lv, int(a)), []).append(int(k))
    for column in columns:
        values = table[column].to_numpy(np.float64)
        for j in extra:
            total = values[j]
            parts = members.get((str(level[j]), int(area[j])), [])
            if math.isnan(total) or not parts or any(k not in kommune for k in parts):
                continue
            part_values = values[[kommune[k] for k in parts]]
            shown = part_values[~np.isnan(part_values)]
            part_sum = float(shown.sum())
            slack = RTOL * max(abs(part_sum), 1.0)
            if len(shown) == len(parts) and abs(total - part_sum) > slack:
                problems.append(
                    (j, column, f"{total:g} er ikke summen af områdets kommuner ({part_sum:g})")
                )
            elif total < part_sum - slack:
                problems.append(
                    (
                        j,
                        column,
                        f"{total:g} er mindre end summen af områdets viste kommuner ({part_sum:g})",
                    )
                )
    return problems
