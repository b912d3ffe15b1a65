"""Publishing results into the app database and reading them back.

Reader contract (for the dashboard, the API and the report packs):

* :func:`load_release` ``(release_id=None) -> PublishedResults`` gives the current release (or
  the one asked for) as a plain :class:`naersund.analysis.PublishedResults`: a DataFrame with
  the columns of README "Results" plus where it came from. Releases never change once
  published, so the result is cached per release id in this process; treat it as read-only.
  Raises :class:`NoRelease` when nothing is published (or the id is unknown).
* :func:`current_release` is the ``Release`` row (or None), cheap enough for every request.
* :func:`publish` reads and checks a results file (all-or-nothing) and makes it the current
  release in one transaction; :func:`diff_releases` compares two releases.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils.timezone import localtime

from naersund import fmt
from naersund.analysis import PublishedResults, diff_results
from naersund.analysis.monthly_file import NUMBERS
from naersund.analysis.publishable import read_publishable
from naersund.analysis.results_file import RESULTS_FILE_COLUMNS
from naersund.errors import NaersundError
from naersund.web.dashboard import breakdowns
from naersund.web.dashboard.models import MonthlyRow, Release, ReleaseQuality, ResultRow

FIELDS = RESULTS_FILE_COLUMNS
MONTHLY_FIELDS = [
    "indicator",
    "level",
    "area_code",
    "year",
    "month",
    *NUMBERS,
    "unit",
    "suppressed",
    "note",
]
_cache: dict[tuple[int, dt.datetime], PublishedResults] = {}
_monthly_cache: dict[tuple[int, dt.datetime], pd.DataFrame | None] = {}
_lock = threading.Lock()


class NoRelease(NaersundError):
    """Nothing has been published yet (or the release asked for does not exist)."""


def _date(text: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise NaersundError(
            f"metadatafilens {name} '{text}' er ikke en dato (ÅÅÅÅ-MM-DD)"
        ) from None


QUALITY_KEY = "data_quality"  # the rows compute writes into the results' metadata
STAYS_KEY = "stays_without_specialty"  # and the stays without a specialty beside them


def _none(v: float) -> float | None:
    return None if np.isnan(v) else float(v)


def publish(path: Path) -> Release:
    """Read ``path`` (results + ``.meta.json`` of ``naersund compute``, and the monthly values
    when the run wrote them), refuse it with one Danish message naming file, row and field if it
    is not fit to publish (:func:`naersund.analysis.publishable.read_publishable`: files from
    one run, suppressed with at least the deployment's ``NAERSUND_MIN_COUNT``, values consistent
    with their counts), and store it as the new current release. All or nothing: the previous
    release stays current until the new one is complete, and stays readable afterwards."""
    run = read_publishable(path, settings.NAERSUND_MIN_COUNT)
    checked = run.results
    meta = checked.meta
    period = meta["data_period"]
    if not isinstance(period, list | tuple) or len(period) != 2:
        raise NaersundError(f"{path}.meta.json: data_period skal være [fra, til]")
    try:
        defs = {
            str(k): int(v.get("version", 0)) if isinstance(v, dict) else int(v)
            for k, v in meta["definitions"].items()
        }
    except (TypeError, ValueError):
        raise NaersundError(
            f"{path}.meta.json: definitions skal give hver indikator et versionsnummer (heltal)"
        ) from None
    table = checked.results
    monthly = run.monthly
    # the data-quality rows get their own table (ReleaseQuality), not the release's metadata
    meta = {k: v for k, v in meta.items() if k not in (QUALITY_KEY, STAYS_KEY)}
    quality_rows = checked.meta.get(QUALITY_KEY)
    stays = checked.meta.get(STAYS_KEY)
    with transaction.atomic():
        release = Release.objects.create(
            data_period_start=_date(period[0], "data_period"),
            data_period_end=_date(period[1], "data_period"),
            data_cut=_date(meta["data_cut"], "data_cut"),
            code_version=str(meta["code_version"]),
            definitions=defs,
            source_file=str(path.resolve()),
            synthetic=checked.synthetic,
            # the areas file goes with the release: which municipalities make up each area
            # (columns and rows as written: a JSON object would not keep the column order)
            meta=meta
            if run.areas is None
            else {
                **meta,
                "areas": {"columns": list(run.areas.columns), "rows": run.areas.values.tolist()},
            },
            row_count=len(table),
        )
        if isinstance(quality_rows, list) and quality_rows:
            ReleaseQuality.objects.create(
                release=release,
                rows=quality_rows,
                stays_without_specialty=stays if isinstance(stays, list) else [],
            )
        cols = {c: table[c].to_numpy() for c in FIELDS}
        rows = [
            ResultRow(
                release=release,
                indicator=cols["indicator"][i],
                level=cols["level"][i],
                area_code=int(cols["area_code"][i]),
                year=int(cols["year"][i]),
                numerator=_none(cols["numerator"][i]),
                denominator=_none(cols["denominator"][i]),
                value=_none(cols["value"][i]),
                lower_ci=_none(cols["lower_ci"][i]),
                upper_ci=_none(cols["upper_ci"][i]),
                std_value=_none(cols["std_value"][i]),
                std_lower_ci=_none(cols["std_lower_ci"][i]),
                std_upper_ci=_none(cols["std_upper_ci"][i]),
                comparison=cols["comparison"][i],
                suppressed=bool(cols["suppressed"][i]),
                note=cols["note"][i],
            )
            for i in range(len(table))
        ]
        ResultRow.objects.bulk_create(rows, batch_size=2000)
        if monthly is not None:
            _store_monthly(release, monthly)
        if run.breakdowns is not None:
            breakdowns.store(release, run.breakdowns)
        Release.objects.filter(is_current=True).update(is_current=False)
        Release.objects.filter(pk=release.pk).update(is_current=True)
    release.refresh_from_db()
    return release


def _store_monthly(release: Release, table: pd.DataFrame) -> None:
    records = table[MONTHLY_FIELDS].to_dict("records")
    MonthlyRow.objects.bulk_create(
        [
            MonthlyRow(
                release=release,
                **{k: r[k] for k in ("indicator", "level", "unit", "note")},
                area_code=int(r["area_code"]),
                year=int(r["year"]),
                month=int(r["month"]),
                suppressed=bool(r["suppressed"]),
                **{k: _none(r[k]) for k in NUMBERS},
            )
            for r in records
        ],
        batch_size=2000,
    )


def monthly_of(release: Release) -> pd.DataFrame | None:
    """The release's monthly values (``MONTHLY_FIELDS``; numbers float with NaN), or None when
    it was published without them; cached per release like :func:`results_of`."""
    key = (release.pk, release.created_at)
    if key in _monthly_cache:
        return _monthly_cache[key]
    rows = list(
        release.monthly_rows.order_by(
            "indicator", "level", "area_code", "year", "month"
        ).values_list(*MONTHLY_FIELDS)
    )
    frame = None
    if rows:
        frame = pd.DataFrame.from_records(rows, columns=MONTHLY_FIELDS)
        frame[NUMBERS] = frame[NUMBERS].astype(np.float64)
        frame = frame.astype(
            {"area_code": "int64", "year": "int64", "month": "int64", "suppressed": bool}
        )
    with _lock:
        _monthly_cache[key] = frame
    return frame


def current_release() -> Release | None:
    return Release.objects.filter(is_current=True).first()


def load_release(release_id: int | None = None) -> PublishedResults:
    """The release ``release_id`` (default: the current one) as a :class:`PublishedResults`,
    cached per release in this process (releases are immutable)."""
    if release_id is None:
        release = current_release()
        if release is None:
            raise NoRelease("Der er ikke offentliggjort nogen resultater endnu (naersund publish)")
    else:
        release = Release.objects.filter(pk=release_id).first()
        if release is None:
            raise NoRelease(f"Udgivelse {release_id} findes ikke")
    return results_of(release)


def results_of(release: Release) -> PublishedResults:
    """:func:`load_release` for a ``Release`` row already at hand (no further query when
    cached)."""
    # Keyed by id and time: a rolled-back test transaction may reuse an id, a release never.
    key = (release.pk, release.created_at)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    frame = pd.DataFrame.from_records(
        list(release.rows.order_by("indicator", "level", "area_code", "year").values_list(*FIELDS)),
        columns=FIELDS,
    )
    numbers = FIELDS[4:12]
    frame[numbers] = frame[numbers].astype(np.float64)
    frame = frame.astype({"area_code": "int64", "year": "int64", "suppressed": bool})
    result = PublishedResults(
        release_id=release.pk,
        created_at=release.created_at,
        data_period=(release.data_period_start, release.data_period_end),
        data_cut=release.data_cut,
        code_version=release.code_version,
        definitions={str(k): int(v) for k, v in release.definitions.items()},
        synthetic=release.synthetic,
        source_file=release.source_file,
        results=frame,
        meta=dict(release.meta),
    )
    with _lock:
        _cache[key] = result
    return result


def previous_release(release: Release) -> Release | None:
    """The release published just before ``release``."""
    return Release.objects.filter(pk__lt=release.pk).order_by("-pk").first()


def diff_releases(old_id: int, new_id: int) -> pd.DataFrame:
    """Cells new, removed or changed from release ``old_id`` to ``new_id``
    (:func:`naersund.analysis.diff_results`)."""
    return diff_results(load_release(old_id).results, load_release(new_id).results)


def _describe(release: Release) -> str:
    mark = " SYNTETISKE DATA" if release.synthetic else ""
    current = " (gældende)" if release.is_current else ""
    return (
        f"Udgivelse {release.pk}{current}: {localtime(release.created_at):%Y-%m-%d %H:%M}, "
        f"{release.row_count} rækker, data {release.data_period_start}–{release.data_period_end}, "
        f"dataudtræk {release.data_cut}, version {release.code_version}{mark}"
    )


def release_lines() -> list[str]:
    """One Danish line per release, newest first (``naersund publish --list``)."""
    return [_describe(r) for r in Release.objects.all()] or ["Ingen udgivelser endnu."]


def diff_summary(diff: pd.DataFrame) -> dict[str, int]:
    counts = diff["change"].value_counts()
    return {k: int(counts.get(k, 0)) for k in ("ny", "fjernet", "ændret")}


def _num(v: object) -> str:
    return fmt.number(v, 2) if isinstance(v, float | int) else fmt.DASH


def diff_lines(old_id: int, new_id: int, limit: int = 30) -> list[str]:
    """The diff as Danish text lines (``naersund publish --diff``)."""
    diff = diff_releases(old_id, new_id)
    s = diff_summary(diff)
    lines = [
        f"Fra udgivelse {old_id} til {new_id}: {s['ændret']} ændrede, {s['ny']} nye og "
        f"{s['fjernet']} fjernede celler."
    ]
    for r in diff.head(limit).to_dict("records"):
        old, new = _num(r["old_value"]), _num(r["new_value"])
        fields = f" ({r['fields']})" if r["fields"] else ""
        lines.append(
            f"  {r['change']}: {r['indicator']} {r['level']} {r['area_code']} {r['year']}: "
            f"{old} → {new}{fields}"
        )
    if len(diff) > limit:
        lines.append(f"  … og {len(diff) - limit} flere (se siden Udgivelser)")
    return lines


def published_lines(release: Release) -> list[str]:
    """What ``naersund publish`` prints: the new release and its diff from the previous one."""
    lines = [_describe(release)]
    prev = previous_release(release)
    if prev is None:
        lines.append("Første udgivelse: intet at sammenligne med.")
    else:
        lines.extend(diff_lines(prev.pk, release.pk))
    return lines
