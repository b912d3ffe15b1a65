"""What a user may ask for on ``/rapporter/``: the choices the form offers and the strict
reading of what was sent (a Danish message per bad field). Shared by the direct download and
the background job, so both accept exactly the same packs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from naersund import reports
from naersund.errors import NaersundError
from naersund.parsing import IntegerError, parse_int
from naersund.refdata import KKR_NAMES, municipalities, official_name
from naersund.reports.model import LEVEL_NAMES
from naersund.web.reportjobs import area_choices

FORMAT_NAMES = {"pdf": "PDF", "xlsx": "Excel (XLSX)", "html": "HTML"}
WHOLE_KKR = "-alle"  # "kkr-1084-alle": the KKR's pack with a section for each municipality


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class PackChoice:
    """One pack, as read from the form."""

    area: reports.Area
    with_municipalities: bool
    level: reports.Level
    year: int
    fmt: reports.Format
    round_slug: str

    @property
    def title(self) -> str:
        whole = " med et afsnit for hver kommune" if self.with_municipalities else ""
        return f"{LEVEL_NAMES[self.level]} · {self.area.title}{whole} · {self.year} · {FORMAT_NAMES[self.fmt]}"


def areas() -> list[tuple[str, list[Choice]]]:
    """Per KKR: the KKR itself, the KKR with a section per municipality, then its
    municipalities by their official names (for an <optgroup> each)."""
    m = municipalities().sort_values("name")
    groups = []
    for code, name in sorted(KKR_NAMES.items(), key=lambda kv: kv[1]):
        members = m[m["region_code"] == code]
        choices = [
            Choice(f"kkr-{code}", f"{name} (hele KKR)"),
            Choice(f"kkr-{code}{WHOLE_KKR}", f"{name} med et afsnit for hver kommune"),
        ]
        choices += [Choice(f"kommune-{k}", official_name(int(k))) for k in members["kommunekode"]]
        groups.append((name, choices))
    for label, options in area_choices.groups():  # the other levels (issue 14)
        groups.append((label, [Choice(v, text) for v, text in options]))
    return groups


def levels() -> list[Choice]:
    return [Choice(k, v) for k, v in LEVEL_NAMES.items()]


def formats() -> list[Choice]:
    return [Choice(k, v) for k, v in FORMAT_NAMES.items()]


def parse_area(value: str) -> tuple[reports.Area, bool] | None:
    """``kommune-165``, ``kkr-1084`` or ``kkr-1084-alle`` (the second value: with a section per
    municipality); None for anything else."""
    other = area_choices.parse(value)  # omraade-sundhedsraad-2712
    if other is not None:
        return other, False
    whole = value.endswith(WHOLE_KKR)
    kind, _, code = value.removesuffix(WHOLE_KKR).partition("-")
    if kind not in ("kommune", "kkr") or (whole and kind != "kkr"):
        return None
    try:
        number = parse_int(code, field="omraade", min_value=0, max_digits=4)
        return reports.area_of("kommune" if kind == "kommune" else "region", number), whole
    except NaersundError:  # IntegerError included
        return None


def parse(query: Mapping[str, str], years: list[int]) -> tuple[PackChoice | None, list[str]]:
    """The pack asked for, or None and a Danish message per bad field."""
    errors = []
    area = parse_area(query.get("omraade", ""))
    if area is None:
        errors.append("Vælg en kommune, en KKR eller et andet område.")
    level = query.get("niveau", "")
    if level not in reports.LEVELS:
        errors.append("Vælg et niveau: politisk, direktør eller fagligt.")
    fmt = query.get("format", "")
    if fmt not in reports.FORMATS:
        errors.append("Vælg et format: PDF, Excel eller HTML.")
    try:
        year: int | None = parse_int(query.get("aar", ""), field="aar", min_value=0, max_digits=4)
    except IntegerError:
        year = None
    if year not in years:
        errors.append(f"Vælg et år mellem {years[0]} og {years[-1]}.")
    if errors or area is None or year is None:
        return None, errors
    return (
        PackChoice(
            area=area[0],
            with_municipalities=area[1],
            level=level,  # type: ignore[arg-type]
            year=year,
            fmt=fmt,  # type: ignore[arg-type]
            round_slug=query.get("runde", "")[:100],
        ),
        [],
    )
