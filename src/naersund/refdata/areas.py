"""Area levels as versioned data: every way naersund groups the 98 municipalities.

A *level* (``kommune``, ``region``, ``region2027``, ``kkr``, ``sundhedsraad``, ``land``) is a
partition of the municipalities: every municipality belongs to exactly one area of the level.
A level has one or more *versions*, each with a validity period, a source, whether that source
is verified, and a file of members (``kommunekode,area_code,area_name``, one row per
municipality). The shipped levels are declared in ``data/areas/levels.yaml``; adding a level or a
version is a change to that file and a CSV beside it, not to code.

*User-defined groups* (a tværkommunalt samarbejde, a network of similar municipalities) are
named sets of municipalities read from a CSV (``group_id,group_name,kommunekode``). Each group
is a level of its own with one area (code 1) that is not a partition.

Results on a level are always the sums of its municipalities' counts, so a level can be computed
for every year of data, also the years before it existed as an organisation ("beregnet som
summen af kommunerne"); :attr:`AreaLevel.exists_from` says when that was.

This module is reference data, the bottom layer: it imports nothing of naersund's. Its errors
(:class:`AreaError`) carry a Danish message naming the file, row (or line) and field.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

#: What every page and file says of a level whose source is not verified.
UNVERIFIED_NOTE = "ikke verificeret mod officiel liste"
#: How a result on any level above the municipality is made.
SUM_NOTE = "beregnet som summen af kommunerne"
#: The code of a user-defined group's one area.
GROUP_AREA_CODE = 1
MEMBER_COLUMNS = ("kommunekode", "area_code", "area_name")
GROUP_COLUMNS = ("group_id", "group_name", "kommunekode")
AREAS_FILE_COLUMNS = ("level", "area_code", "area_name", "kommunekode", "valid_from", "valid_to")
#: The levels the demo computes and publishes (issue 14): every shipped level; ``region`` (the
#: five regions to 2026) stays beside ``region2027`` because the KKR pages and targets use it.
DEMO_LEVELS = ("kommune", "region", "region2027", "kkr", "sundhedsraad", "land")
_ID = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
_MAX_ERRORS = 20


class AreaError(ValueError):
    """An area file that cannot be used; the message (Danish) names file, row and field."""


@dataclass(frozen=True)
class Area:
    """One area of a level: its code (unique within the level), name and municipalities."""

    level: str
    code: int
    name: str
    members: tuple[int, ...]


@dataclass(frozen=True)
class LevelVersion:
    """One version of a level: the areas valid from ``valid_from`` to ``valid_to`` (inclusive;
    None = open), with the source of the membership and whether it is verified."""

    file: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    source: str
    verified: bool
    areas: tuple[Area, ...]

    def area_of(self) -> dict[int, int]:
        """kommunekode -> area code."""
        return {k: a.code for a in self.areas for k in a.members}

    def names(self) -> dict[int, str]:
        """area code -> name."""
        return {a.code: a.name for a in self.areas}

    def covers(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True)
class AreaLevel:
    """A level: a partition of the municipalities (or, for a user group, one named set)."""

    id: str
    name_da: str
    description_da: str
    partition: bool
    versions: tuple[LevelVersion, ...]

    @property
    def latest(self) -> LevelVersion:
        """The newest version: the one results are computed with, back-cast to every year."""
        return self.versions[-1]

    @property
    def exists_from(self) -> dt.date | None:
        """When the level's areas first existed as organisations (None: not known / always)."""
        return self.versions[0].valid_from

    @property
    def verified(self) -> bool:
        return self.latest.verified

    def version_at(self, day: dt.date) -> LevelVersion | None:
        return next((v for v in self.versions if v.covers(day)), None)

    def notes_da(self) -> list[str]:
        """What a page or file says beside this level's figures."""
        notes = [] if self.id == "kommune" else [SUM_NOTE]
        start = self.exists_from
        if start is not None and start.year > 2007:
            notes.append(f"findes som organisation fra {start.year}")
        if not self.verified:
            notes.append(UNVERIFIED_NOTE)
        return notes


def areas_dir() -> Path:
    """The shipped area files (``levels.yaml`` and one CSV per level version)."""
    return Path(str(resources.files("naersund.refdata") / "data" / "areas"))


def _municipality_names() -> dict[int, str]:
    path = Path(str(resources.files("naersund.refdata") / "data" / "municipalities.csv"))
    with path.open(encoding="utf-8", newline="") as f:
        return {int(r["kommunekode"]): r["name"] for r in csv.DictReader(f)}


@cache
def area_levels() -> dict[str, AreaLevel]:
    """The shipped levels by id, in the order ``levels.yaml`` declares them."""
    return load_levels(areas_dir() / "levels.yaml")


def level_ids() -> list[str]:
    return list(area_levels())


# ---------------------------------------------------------------------------------------------
# levels.yaml


def _line(node: yaml.Node | None, loc: Iterable[str | int]) -> int | None:
    """1-based line of the YAML node at ``loc`` (or of its nearest parent that exists)."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        found: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            found = node.value[key] if key < len(node.value) else None
        if found is None:
            break
        node = found
        line = node.start_mark.line + 1
    return line


def _field(loc: list[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


class _Yaml:
    def __init__(self, path: Path, node: yaml.Node | None) -> None:
        self.path, self.node = path, node

    def error(self, loc: list[str | int], message: str) -> AreaError:
        return AreaError(
            f"{self.path}, linje {_line(self.node, loc)}, felt '{_field(loc)}': {message}"
        )


def load_levels(path: Path) -> dict[str, AreaLevel]:
    """Read a ``levels.yaml`` and every member file it names (relative to it), checking that
    each version of each level lists every municipality exactly once."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AreaError(f"{path}: kan ikke læse filen ({exc})") from None
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", linje {mark.line + 1}" if mark is not None else ""
        raise AreaError(f"{path}{where}: ugyldig YAML ({getattr(exc, 'problem', exc)})") from None
    doc = _Yaml(path, node)
    if not isinstance(data, dict) or not isinstance(data.get("levels"), list) or not data["levels"]:
        raise AreaError(f"{path}: filen skal have en liste 'levels' med mindst ét niveau")
    names = _municipality_names()
    levels: dict[str, AreaLevel] = {}
    for i, raw in enumerate(data["levels"]):
        level = _level(doc, raw, ["levels", i], names)
        if level.id in levels:
            raise doc.error(["levels", i, "id"], f"niveauet '{level.id}' er defineret to gange")
        levels[level.id] = level
    return levels


def _text(doc: _Yaml, raw: dict[str, Any], loc: list[str | int], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise doc.error([*loc, key], "mangler (skal være en tekst)")
    return value.strip()


def _date(doc: _Yaml, raw: dict[str, Any], loc: list[str | int], key: str) -> dt.date | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise doc.error([*loc, key], f"'{value}' er ikke en dato (ÅÅÅÅ-MM-DD)")


def _level(doc: _Yaml, raw: Any, loc: list[str | int], names: Mapping[int, str]) -> AreaLevel:
    if not isinstance(raw, dict):
        raise doc.error(loc, "skal være et niveau med id, name_da og versions")
    level_id = _text(doc, raw, loc, "id")
    if not _ID.match(level_id):
        raise doc.error(
            [*loc, "id"],
            f"'{level_id}' skal være små bogstaver a-z, tal og _ og begynde med et bogstav "
            "(fx sundhedsraad)",
        )
    name = _text(doc, raw, loc, "name_da")
    description = str(raw.get("description_da") or "").strip()
    raw_versions = raw.get("versions")
    if not isinstance(raw_versions, list) or not raw_versions:
        raise doc.error([*loc, "versions"], "skal være en liste med mindst én version")
    versions: list[LevelVersion] = []
    for j, rv in enumerate(raw_versions):
        vloc: list[str | int] = [*loc, "versions", j]
        if not isinstance(rv, dict):
            raise doc.error(vloc, "skal have file, valid_from og source")
        start, end = _date(doc, rv, vloc, "valid_from"), _date(doc, rv, vloc, "valid_to")
        if start is not None and end is not None and end < start:
            raise doc.error([*vloc, "valid_to"], f"{end} ligger før valid_from {start}")
        source = _text(doc, rv, vloc, "source")
        verified = rv.get("verified", True)
        if not isinstance(verified, bool):
            raise doc.error([*vloc, "verified"], f"'{verified}' skal være true eller false")
        file_name = _text(doc, rv, vloc, "file")
        member_file = doc.path.parent / file_name
        if not member_file.is_file():
            raise doc.error([*vloc, "file"], f"filen {member_file} findes ikke")
        areas = read_members(member_file, level_id, names)
        version = LevelVersion(file_name, start, end, source, verified, areas)
        for k, other in enumerate(versions):
            if _overlap(version, other):
                raise doc.error(
                    [*vloc, "valid_from"],
                    f"perioden {_period(version)} overlapper version {k} ({_period(other)}); "
                    "hver dato må kun have én version af et niveau",
                )
        versions.append(version)
    versions.sort(key=lambda v: v.valid_from or dt.date.min)
    return AreaLevel(level_id, name, description, True, tuple(versions))


def _overlap(a: LevelVersion, b: LevelVersion) -> bool:
    lo = max(a.valid_from or dt.date.min, b.valid_from or dt.date.min)
    hi = min(a.valid_to or dt.date.max, b.valid_to or dt.date.max)
    return lo <= hi


def _period(v: LevelVersion) -> str:
    return f"{v.valid_from or '…'} – {v.valid_to or '…'}"


# ---------------------------------------------------------------------------------------------
# member files


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The data rows of a UTF-8 (or Windows-1252) CSV with exactly ``columns``, numbered as a
    spreadsheet numbers them (the header is row 1)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AreaError(f"{path}: kan ikke læse filen ({exc})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if tuple(header) != columns:
        raise AreaError(
            f"{path}, række 1: kolonnerne skal være {', '.join(columns)} "
            f"(fandt: {', '.join(header) or 'ingen'})"
        )
    reader.fieldnames = header
    return [
        (n, {k: (v or "").strip() for k, v in row.items() if k is not None})
        for n, row in enumerate(reader, start=2)
    ]


def _fail(errors: list[str]) -> None:
    if errors:
        more = len(errors) - _MAX_ERRORS
        shown = errors[:_MAX_ERRORS] + ([f"… og {more} fejl mere"] if more > 0 else [])
        raise AreaError("\n".join(shown))


def _kommunekode(
    path: Path, n: int, text: str, names: Mapping[int, str], errors: list[str]
) -> int | None:
    where = f"{path}, række {n}, felt 'kommunekode'"
    if not re.fullmatch(r"\d{1,4}", text):
        errors.append(f"{where}: '{text}' er ikke et heltal")
        return None
    code = int(text)
    if code not in names:
        errors.append(f"{where}: {code} er ikke en af de 98 kommuner")
        return None
    return code


def read_members(
    path: Path, level: str, names: Mapping[int, str] | None = None
) -> tuple[Area, ...]:
    """The areas of one level version from its CSV (``kommunekode,area_code,area_name``):
    every municipality exactly once, an area's name the same on all its rows."""
    names = names if names is not None else _municipality_names()
    errors: list[str] = []
    seen: dict[int, int] = {}
    area_names: dict[int, tuple[str, int]] = {}
    members: dict[int, list[int]] = {}
    for n, row in _rows(path, MEMBER_COLUMNS):
        code = _kommunekode(path, n, row["kommunekode"], names, errors)
        if code is not None and code in seen:
            errors.append(
                f"{path}, række {n}, felt 'kommunekode': kommune {code} står også i række "
                f"{seen[code]}; hver kommune skal høre til præcis ét område"
            )
            code = None
        if code is not None:
            seen[code] = n
        text = row["area_code"]
        if not re.fullmatch(r"\d{1,9}", text):
            errors.append(
                f"{path}, række {n}, felt 'area_code': '{text}' er ikke et heltal på 0 eller derover"
            )
            continue
        area, name = int(text), row["area_name"]
        if not name:
            errors.append(f"{path}, række {n}, felt 'area_name': mangler")
            continue
        first = area_names.setdefault(area, (name, n))
        if first[0] != name:
            errors.append(
                f"{path}, række {n}, felt 'area_name': område {area} hedder '{first[0]}' i "
                f"række {first[1]}, ikke '{name}'"
            )
        if code is not None:
            members.setdefault(area, []).append(code)
    missing = sorted(set(names) - set(seen))
    if missing and not any("kommunekode" in e for e in errors):
        listed = ", ".join(f"{k} {names[k]}" for k in missing[:10])
        more = f" og {len(missing) - 10} flere" if len(missing) > 10 else ""
        errors.append(
            f"{path}: {len(missing)} kommune(r) mangler: {listed}{more}; hver kommune skal høre "
            "til præcis ét område"
        )
    _fail(errors)
    return tuple(
        Area(level, code, area_names[code][0], tuple(sorted(ks)))
        for code, ks in sorted(members.items())
    )


def load_groups(path: Path, reserved: Iterable[str] = ()) -> dict[str, AreaLevel]:
    """User-defined groups from a CSV ``group_id,group_name,kommunekode`` (one row per member):
    each group a level of its own with one area (code 1), not a partition. ``reserved`` are
    level ids a group may not take (the shipped levels)."""
    names = _municipality_names()
    taken = set(reserved)
    errors: list[str] = []
    groups: dict[str, tuple[str, int, list[int]]] = {}
    for n, row in _rows(path, GROUP_COLUMNS):
        gid, gname = row["group_id"], row["group_name"]
        if not _ID.match(gid):
            errors.append(
                f"{path}, række {n}, felt 'group_id': '{gid}' skal være små bogstaver a-z, tal "
                "og _ og begynde med et bogstav"
            )
            continue
        if gid in taken:
            errors.append(
                f"{path}, række {n}, felt 'group_id': '{gid}' er allerede et niveau i naersund; "
                "vælg et andet id"
            )
            continue
        if not gname:
            errors.append(f"{path}, række {n}, felt 'group_name': mangler")
            continue
        name, first, members = groups.setdefault(gid, (gname, n, []))
        if name != gname:
            errors.append(
                f"{path}, række {n}, felt 'group_name': gruppen {gid} hedder '{name}' i række "
                f"{first}, ikke '{gname}'"
            )
        code = _kommunekode(path, n, row["kommunekode"], names, errors)
        if code is not None and code in members:
            errors.append(
                f"{path}, række {n}, felt 'kommunekode': kommune {code} står to gange i gruppen "
                f"{gid}"
            )
        elif code is not None:
            members.append(code)
    if not groups and not errors:
        errors.append(f"{path}: filen har ingen grupper")
    _fail(errors)
    out: dict[str, AreaLevel] = {}
    for gid, (gname, _, members) in groups.items():
        area = Area(gid, GROUP_AREA_CODE, gname, tuple(sorted(members)))
        version = LevelVersion(
            path.name, None, None, f"brugerdefineret gruppe ({path.name})", True, (area,)
        )
        out[gid] = AreaLevel(gid, gname, "Brugerdefineret gruppe af kommuner.", False, (version,))
    return out


# ---------------------------------------------------------------------------------------------
# outputs


def areas_frame(levels: Iterable[AreaLevel]) -> pd.DataFrame:
    """Which municipalities make up every area of ``levels`` (their latest versions), as
    ``compute`` writes it beside the results: ``level, area_code, area_name, kommunekode,
    valid_from, valid_to`` (dates ISO, empty when open)."""
    rows = [
        (lv.id, a.code, a.name, k, _iso(lv.latest.valid_from), _iso(lv.latest.valid_to))
        for lv in levels
        for a in lv.latest.areas
        for k in a.members
    ]
    out = pd.DataFrame(rows, columns=list(AREAS_FILE_COLUMNS))
    return out.astype({"area_code": "int64", "kommunekode": "int64"})


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else ""


def levels_markdown(levels: Mapping[str, AreaLevel]) -> str:
    """The generated docs page of the area levels (``docs/areas.md``)."""
    out = [
        "# Områdeniveauer (area levels)",
        "",
        "Generated by `naersund docs` from `src/naersund/refdata/data/areas/`. Edit the data, not "
        "this page. Every level is a partition of the 98 municipalities; results on a level are "
        f"the sums of its municipalities' counts ({SUM_NOTE}), for every year of data, also "
        "before the level existed as an organisation. `naersund compute --levels` (or the "
        "setting `NAERSUND_LEVELS`) chooses the levels; the newest version of each is used. "
        "`naersund publish` publishes every level with its areas file; the Områdeoverblik "
        "(`/indikatorer/omraade/<id>/<kode>/`), Sammenlign and Udvikling (`?niveau=<id>`), the "
        "API (`/api/results/?level=<id>`) and `naersund report --omraade <id>:<kode>` show any "
        "area, and say when its level did not yet exist as an organisation.",
        "",
        "| id | navn | områder | gyldig | kilde verificeret |",
        "| --- | --- | --- | --- | --- |",
    ]
    for lv in levels.values():
        v = lv.latest
        out.append(
            f"| `{lv.id}` | {lv.name_da} | {len(v.areas)} | {_period(v)} | "
            f"{'ja' if v.verified else 'nej: ' + UNVERIFIED_NOTE} |"
        )
    for lv in levels.values():
        out += ["", f"## `{lv.id}`: {lv.name_da}", "", lv.description_da, ""]
        if lv.notes_da():
            out += [f"Noter: {'; '.join(lv.notes_da())}.", ""]
        for v in lv.versions:
            out += [
                f"### Version {_period(v)} (`{v.file}`)",
                "",
                f"Kilde: {v.source}",
                "",
            ]
            if not v.verified:
                out += [f"**{UNVERIFIED_NOTE[0].upper()}{UNVERIFIED_NOTE[1:]}.**", ""]
            if lv.id == "kommune":
                out += [f"{len(v.areas)} kommuner, hver sit område.", ""]
                continue
            names = _municipality_names()
            out += ["| kode | område | kommuner |", "| --- | --- | --- |"]
            for a in v.areas:
                members = ", ".join(names[k] for k in a.members)
                out.append(f"| {a.code} | {a.name} | {len(a.members)}: {members} |")
            out.append("")
    out += [
        "## Brugerdefinerede grupper",
        "",
        "A named group of municipalities (not a partition) is read from a CSV with the columns "
        f"`{', '.join(GROUP_COLUMNS)}`, one row per member, and behaves like a level with one "
        f"area (code {GROUP_AREA_CODE}): `naersund compute --groups FILE --levels kommune,land,"
        "<group_id>`.",
        "",
    ]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out))


def choose_levels(
    ids: Iterable[str], groups: Mapping[str, AreaLevel] | None = None
) -> list[AreaLevel]:
    """The levels with these ids (shipped, or a user group from ``groups``), in the given
    order without repeats; an unknown id is an :class:`AreaError` listing the known ones."""
    known = {**area_levels(), **(groups or {})}
    wanted = list(dict.fromkeys(i.strip() for i in ids if i.strip()))
    unknown = [i for i in wanted if i not in known]
    if unknown:
        raise AreaError(
            f"ukendt områdeniveau: {', '.join(unknown)} (kendte niveauer: {', '.join(known)})"
        )
    if not wanted:
        raise AreaError(f"vælg mindst ét områdeniveau (kendte niveauer: {', '.join(known)})")
    return [known[i] for i in wanted]


def level_info(level: AreaLevel) -> dict[str, Any]:
    """What a results file's metadata says of a level (JSON-ready)."""
    v = level.latest
    return {
        "name_da": level.name_da,
        "partition": level.partition,
        "valid_from": _iso(v.valid_from),
        "valid_to": _iso(v.valid_to),
        "source": v.source,
        "verified": v.verified,
        "notes": level.notes_da(),
    }
