"""Report packs at three levels (politisk, direktør, fagligt) as HTML, PDF and XLSX.

A pack is built from published numbers only (:class:`ReportInput`: a release's suppressed
results and metadata, the goal catalogue, survey status, suppressed drill-down tables) by
:func:`build_pack`, and rendered by :func:`render`. No Django here: the web and the CLI read
the release and call this.
"""

from __future__ import annotations

import contextlib
import errno
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from naersund.errors import NaersundError
from naersund.reports import common, director, kkr, political, professional
from naersund.reports import rendering as _render
from naersund.reports.model import LEVELS, Area, Level, Pack, ReportInput

Format = Literal["pdf", "xlsx", "html"]
FORMATS: tuple[Format, ...] = ("pdf", "xlsx", "html")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}

__all__ = [
    "FORMATS",
    "LEVELS",
    "MEDIA_TYPES",
    "Area",
    "Format",
    "Level",
    "Pack",
    "ReportInput",
    "area_of",
    "build_kkr_pack",
    "build_pack",
    "file_name",
    "file_name_for",
    "render",
    "write",
    "write_kkr_packs",
]

area_of = common.area_of


def footnotes(data: ReportInput, year: int) -> list[str]:
    """The notes at the end of every pack (synthetic data, estimated population, small
    numbers, data period, definition versions)."""
    return _footnotes(data, year)


def _footnotes(data: ReportInput, year: int) -> list[str]:
    meta = data.meta
    notes = []
    if data.synthetic:
        notes.append(
            "SYNTETISKE DATA: tallene er lavet af syntetiske data og beskriver ikke virkelige borgere."
        )
    if year in meta.get("population_estimated_years", []):
        notes.append(
            f"Befolkningstallet for {year} er estimeret (interpoleret og afstemt), ikke opgjort."
        )
    for ind, text in (meta.get("indicator_notes") or {}).items():
        if str(text).startswith(f"{year}:"):  # notes name the year they concern
            name = meta.get("definitions", {}).get(ind, {}).get("name_da", ind)
            notes.append(f"{name}: {text}.")
    notes.append(
        f"Små tal: tællinger fra 1 til {int(meta.get('suppression_min_count', 5)) - 1} og tal, der "
        "kunne afsløre dem, vises ikke (–)."
    )
    period = meta.get("data_period")
    cut = meta.get("data_cut")
    if period:
        notes.append(
            f"Dataperiode {period[0]} til {period[1]}; datoudtræk {cut}; programversion {meta.get('code_version', '?')}."
        )
    versions = meta.get("definitions") or {}
    if versions:
        notes.append(
            "Definitionsversioner: "
            + ", ".join(f"{v.get('name_da', k)} v{v.get('version')}" for k, v in versions.items())
            + "."
        )
    return notes


def build_pack(data: ReportInput, level: Level, area: Area, year: int) -> Pack:
    """Assemble one pack for ``area`` (a municipality or a KKR) and ``year``."""
    if level not in LEVELS:
        raise NaersundError(f"ukendt niveau '{level}' (vælg politisk, direktoer eller fagligt)")
    years = sorted(int(y) for y in data.results["year"].unique())
    if year not in years:
        span = f"{years[0]}-{years[-1]}" if years else "ingen"
        raise NaersundError(f"året {year} findes ikke i udgivelsen (år: {span})")
    if level == "politisk":
        sections = political.build(data, area, year)
    elif level == "direktoer":
        sections = director.build(data, area, year)
    else:
        sections = professional.build(data, area, year)
    return Pack(level, area, year, data.synthetic, data.release, sections, _footnotes(data, year))


def build_kkr_pack(
    data: ReportInput,
    level: Level,
    region_code: int,
    year: int,
    progress: Callable[[str, float], None] | None = None,
) -> Pack:
    """The KKR's pack followed by a section for each of its municipalities (one document)."""
    report = progress or (lambda _m, _f: None)
    report("KKR'ens egne afsnit", 0.0)
    pack = build_pack(data, level, common.area_of("region", region_code), year)
    members = common.municipalities_of(region_code)
    for i, m in enumerate(members):
        report(f"{m.title} ({i + 1} af {len(members)})", (i + 1) / (len(members) + 1))
        pack.sections += kkr.municipality_sections(data, level, m, year)
    pack.with_municipalities = True
    return pack


def render(pack: Pack, fmt: Format) -> bytes:
    if fmt == "pdf":
        return _render.pdf(pack)
    if fmt == "xlsx":
        return _render.xlsx(pack)
    if fmt == "html":
        return _render.html(pack).encode("utf-8")
    raise NaersundError(f"ukendt format '{fmt}' (vælg pdf, xlsx eller html)")


def file_name(pack: Pack, fmt: Format) -> str:
    """``politisk_0165_albertslund_2014.pdf``: ASCII, sortable, one per area."""
    return file_name_for(pack.level, pack.area, pack.year, fmt, pack.with_municipalities)


def file_name_for(
    level: Level, area: Area, year: int, fmt: Format, with_municipalities: bool = False
) -> str:
    """:func:`file_name` without the pack at hand (the web names a finished job's file)."""
    slug = area.name.lower()
    for a, b in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), (" ", "-"), ("'", "")):
        slug = slug.replace(a, b)
    slug = "".join(ch for ch in slug if ch.isascii() and (ch.isalnum() or ch == "-"))
    whole = "_med-kommuner" if with_municipalities else ""
    return f"{level}_{area.code:04d}_{slug}{whole}_{year}.{fmt}"


def write(pack: Pack, fmt: Format, out: Path) -> Path:
    """Render ``pack`` to ``out`` atomically (nothing half-written on error). The file gets
    the mode any new file gets here (0644 under the usual umask 022), so that the group can
    read it: a report is meant to be passed on, unlike the registry data."""
    data = render(pack, fmt)
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex}.tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, out)
    except OSError as exc:
        raise NaersundError(f"{out}: rapporten kan ikke skrives ({_why(exc)})") from None
    finally:
        with contextlib.suppress(OSError):  # no temporary file could be made there
            tmp.unlink(missing_ok=True)
    return out


def _why(exc: OSError) -> str:
    """An operating-system error in Danish words."""
    return {
        errno.EACCES: "ingen adgang til at skrive der",
        errno.EPERM: "ingen adgang til at skrive der",
        errno.ENOENT: "mappen findes ikke",
        errno.ENOTDIR: "en del af stien er ikke en mappe",
        errno.EEXIST: "en del af stien er en fil, ikke en mappe",
        errno.EISDIR: "det er en mappe; angiv et filnavn",
        errno.ENOSPC: "disken er fuld",
        errno.EROFS: "filsystemet kan kun læses",
    }.get(exc.errno or 0, f"systemfejl {exc.errno}")


_WORKER_INPUT: ReportInput | None = None


def _init_worker(data: ReportInput) -> None:
    global _WORKER_INPUT
    _WORKER_INPUT = data


def _write_one(job: tuple[Level, str, int, int, Format, Path]) -> Path:
    level, area_level, code, year, fmt, out_dir = job
    assert _WORKER_INPUT is not None
    pack = build_pack(_WORKER_INPUT, level, common.area_of(area_level, code), year)
    return write(pack, fmt, out_dir / file_name(pack, fmt))


def write_kkr_packs(
    data: ReportInput,
    level: Level,
    region_code: int,
    year: int,
    fmt: Format,
    out_dir: Path,
    jobs: int = 1,
    progress: Callable[[str, float], None] | None = None,
) -> list[Path]:
    """One file per area into ``out_dir``: the KKR's own pack, then each of its
    municipalities' (see :func:`file_name`). ``jobs`` > 1 renders in that many processes."""
    area = common.area_of("region", region_code)
    areas = [("region", region_code)] + [
        ("kommune", m.code) for m in common.municipalities_of(region_code)
    ]
    build_pack(data, level, area, year)  # fail early (unknown year ...) before any work
    work = [(level, a, code, year, fmt, out_dir) for a, code in areas]
    report = progress or (lambda _m, _f: None)
    done: list[Path] = []
    if jobs <= 1:
        _init_worker(data)
        for i, job in enumerate(work):
            done.append(_write_one(job))
            report(f"Rapporter ({i + 1}/{len(work)})", (i + 1) / len(work))
        return done
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(data,)) as pool:
        for i, path in enumerate(pool.imap(_write_one, work)):
            done.append(path)
            report(f"Rapporter ({i + 1}/{len(work)})", (i + 1) / len(work))
    return done
