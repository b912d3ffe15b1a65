"""What ``naersund report`` does once it has the data: which packs, which files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from naersund.errors import NaersundError
from naersund.reports import (
    Format,
    Level,
    ReportInput,
    area_of,
    build_kkr_pack,
    build_pack,
    write,
    write_kkr_packs,
)
from naersund.reports import footnotes as footnotes
from naersund.reports.area_pack import build_area_pack

Progress = Callable[[str, float], None]


def make_reports(
    data: ReportInput,
    level: Level,
    year: int,
    fmt: Format,
    out: Path,
    kommune: int | None = None,
    kkr: int | None = None,
    all_municipalities: bool = False,
    separate_files: bool = False,
    jobs: int = 1,
    progress: Progress | None = None,
    omraade: str | None = None,
) -> list[Path]:
    """Write the packs asked for and return their paths.

    * ``kommune`` or ``kkr``: one pack for that area, written to ``out``;
    * ``omraade`` (``level:code``, e.g. ``sundhedsraad:2712``): the pack of an area of any
      level at any of the three levels (:mod:`naersund.reports.area_pack`), written to ``out``;
    * ``kkr`` with ``all_municipalities``: one document, the KKR's pack followed by a section
      per municipality, written to ``out``;
    * ... and ``separate_files``: one file per area (the KKR's and each municipality's) in the
      folder ``out``, rendered in ``jobs`` processes.
    """
    report = progress or (lambda _m, _f: None)
    if omraade is not None:
        # an area of any level (``sundhedsraad:2712``): the area pack at the chosen level
        if kommune is not None or kkr is not None or all_municipalities:
            raise NaersundError("--omraade bruges alene (uden --kommune, --kkr og --alle-kommuner)")
        report("Samler rapporten", 0.1)
        pack = build_area_pack(data, level, omraade, year, footnotes(data, year))
        report(f"Skriver {fmt.upper()}-filen", 0.4)
        return [write(pack, fmt, out)]
    if (kommune is None) == (kkr is None):
        raise NaersundError("vælg enten --kommune KODE, --kkr KODE eller --omraade NIVEAU:KODE")
    if all_municipalities and kkr is None:
        raise NaersundError("--alle-kommuner kræver --kkr KODE")
    if separate_files and not all_municipalities:
        raise NaersundError("--separate-filer bruges sammen med --kkr KODE --alle-kommuner")
    if kkr is not None and all_municipalities:
        if separate_files:
            if out.exists() and not out.is_dir():
                raise NaersundError(f"{out}: skal være en mappe, når filerne skrives hver for sig")
            return write_kkr_packs(data, level, kkr, year, fmt, out, jobs, report)
        pack = build_kkr_pack(
            data, level, kkr, year, lambda m, f: report(f"Samler rapporten: {m}", 0.6 * f)
        )
        report(f"Skriver {fmt.upper()}-filen", 0.6)
        return [write(pack, fmt, out)]
    area = area_of("kommune", kommune) if kommune is not None else area_of("region", kkr or 0)
    report("Samler rapporten", 0.1)
    pack = build_pack(data, level, area, year)
    report(f"Skriver {fmt.upper()}-filen", 0.4)
    return [write(pack, fmt, out)]
