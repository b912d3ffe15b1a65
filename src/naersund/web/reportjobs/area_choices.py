"""The /rapporter/ form's areas beyond the municipalities and KKR (issue 14): the areas of every
other partition level (Region Østdanmark and the other regions of 2027, the sundhedsråd), as
``omraade-<level>-<code>``, made as the area pack (:mod:`naersund.reports.area_pack`)."""

from __future__ import annotations

from naersund import reports
from naersund.errors import NaersundError
from naersund.parsing import parse_int
from naersund.refdata import areas

PREFIX = "omraade-"
#: levels the form offers otherwise (kommune-, kkr-) or not at all (land)
OWN = ("kommune", "region", "kkr", "land")


def groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """``(group label, [(value, label), ...])`` per level, areas by name; an unverified level
    says so in its label."""
    out = []
    for lv in areas.area_levels().values():
        if lv.id in OWN or not lv.partition:
            continue
        mark = "" if lv.verified else f" ({areas.UNVERIFIED_NOTE})"
        choices = [
            (f"{PREFIX}{lv.id}-{a.code}", a.name)
            for a in sorted(lv.latest.areas, key=lambda a: a.name)
        ]
        out.append((f"{lv.name_da}{mark}", choices))
    return out


def parse(value: str) -> reports.Area | None:
    """``omraade-sundhedsraad-2712`` as the pack's area; None for anything else."""
    if not value.startswith(PREFIX):
        return None
    level, _, code = value.removeprefix(PREFIX).rpartition("-")
    lv = areas.area_levels().get(level)
    if lv is None or level in OWN:
        return None
    try:
        number = parse_int(code, field="omraade", min_value=0, max_digits=4)
    except NaersundError:
        return None
    found = next((a for a in lv.latest.areas if a.code == number), None)
    if found is None:
        return None
    return area_of(level, number)


def area_of(level: str, code: int) -> reports.Area:
    """The pack's area for a job's ``(area_level, area_code)`` of any level."""
    if level in ("kommune", "region"):
        return reports.area_of(level, code)
    lv = areas.area_levels()[level]
    found = next(a for a in lv.latest.areas if a.code == code)
    regions = {
        r for k, r in areas.area_levels()["region"].latest.area_of().items() if k in found.members
    }
    region = regions.pop() if len(regions) == 1 else 0
    return reports.Area(level, code, found.name, region)  # type: ignore[arg-type]
