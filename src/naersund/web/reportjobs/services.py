"""Ordering, finding and running report jobs: the only writer of :class:`ReportJob`.

A job is claimed with one conditional UPDATE (``status`` from queued to running), which is
atomic on SQLite and PostgreSQL alike, so two workers (two server processes) never run the
same job. A running job touches ``heartbeat_at`` at each step; one whose heartbeat is older
than :data:`STALE_AFTER` (its server stopped) is failed with a Danish message, not left
running for ever.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from naersund import reports
from naersund.errors import NaersundError
from naersund.reports.job import make_reports
from naersund.web.accounts.access import can_view_dashboard
from naersund.web.reportjobs import area_choices
from naersund.web.reportjobs.choices import PackChoice
from naersund.web.reportjobs.models import ReportJob

log = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(minutes=15)
KEEP_FOR = dt.timedelta(days=30)  # finished jobs and their files are deleted after this
UNEXPECTED = (
    "Rapporten kunne ikke laves på grund af en uventet fejl. Fejlen er skrevet i serverens log; "
    "bestil rapporten igen, og kontakt en administrator, hvis det sker igen."
)
STOPPED = "Serveren stoppede, mens rapporten blev lavet, så den blev ikke færdig. Bestil den igen."


def reports_dir() -> Path:
    return Path(settings.NAERSUND_REPORTS_DIR)


def order(user: Any, choice: PackChoice, release_id: int | None) -> ReportJob:
    """Queue a pack for ``user`` (the worker is woken by the caller)."""
    return ReportJob.objects.create(
        user=user,
        level=choice.level,
        area_level=choice.area.level,
        area_code=choice.area.code,
        with_municipalities=choice.with_municipalities,
        year=choice.year,
        fmt=choice.fmt,
        round_slug=choice.round_slug,
        release_id=release_id,
        title=choice.title,
        message="Venter på at blive lavet",
    )


def jobs_of(user: Any) -> QuerySet[ReportJob]:
    """The user's own jobs, newest first (never anyone else's); the page shows them in pages."""
    if not can_view_dashboard(user):
        return ReportJob.objects.none()
    return ReportJob.objects.filter(user=user)


def get_job_for_user(user: Any, pk: int) -> ReportJob:
    """The job ``pk`` if ``user`` ordered it; 404 otherwise (another user's job is not
    admitted to exist)."""
    job = ReportJob.objects.filter(pk=pk, user=user).first()
    if job is None or not can_view_dashboard(user):
        raise Http404("Rapporten findes ikke")
    return job


def file_of(job: ReportJob) -> Path:
    return reports_dir() / f"job-{job.pk}.{job.fmt}"


def claim_next() -> ReportJob | None:
    """Take the oldest queued job (None when there is none or another worker took it)."""
    for pk in (
        ReportJob.objects.filter(status=ReportJob.Status.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)[:5]
    ):
        now = timezone.now()
        taken = ReportJob.objects.filter(pk=pk, status=ReportJob.Status.QUEUED).update(
            status=ReportJob.Status.RUNNING,
            started_at=now,
            heartbeat_at=now,
            message="Går i gang",
            progress=0.0,
        )
        if taken:
            return ReportJob.objects.get(pk=pk)
    return None


def _step(job: ReportJob, message: str, fraction: float) -> None:
    ReportJob.objects.filter(pk=job.pk).update(
        message=message[:300], progress=max(0.0, min(1.0, fraction)), heartbeat_at=timezone.now()
    )


def _finish(job: ReportJob, **fields: Any) -> None:
    ReportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now(), **fields)


def run(job: ReportJob) -> None:
    """Make the job's pack and keep the file; a failure is stored as a Danish message (the
    traceback of an unexpected one goes to the log, never to the user)."""
    from naersund.web.reportdata import report_input

    try:
        _step(job, "Læser udgivelsen, målkataloget og statusrunden", 0.02)
        data = report_input(
            job.year,
            job.release_id,
            user=job.user,
            round_slug=job.round_slug or None,
            level=job.level,
        )
        out = file_of(job)
        kommune = job.area_code if job.area_level == "kommune" else None
        kkr = job.area_code if job.area_level == "region" else None
        other = job.area_level not in ("kommune", "region")  # any other level (issue 14)
        make_reports(
            data,
            job.level,  # type: ignore[arg-type]
            job.year,
            job.fmt,  # type: ignore[arg-type]
            out,
            kommune=kommune,
            kkr=kkr,
            all_municipalities=job.with_municipalities,
            progress=lambda message, fraction: _step(job, message, 0.05 + 0.9 * fraction),
            omraade=f"{job.area_level}:{job.area_code}" if other else None,
        )
        area = area_choices.area_of(job.area_level, job.area_code)
        pack_name = reports.file_name_for(
            job.level,  # type: ignore[arg-type]
            area,
            job.year,
            job.fmt,  # type: ignore[arg-type]
            job.with_municipalities,
        )
        _finish(
            job,
            status=ReportJob.Status.DONE,
            progress=1.0,
            message="Færdig",
            file_name=pack_name,
            size=out.stat().st_size,
        )
    except NaersundError as exc:  # NoRelease, an unknown year ...: the message is Danish
        _finish(job, status=ReportJob.Status.FAILED, message="Fejlet", error=str(exc))
    except Exception:
        log.exception("rapportjob %s fejlede", job.pk)
        _finish(job, status=ReportJob.Status.FAILED, message="Fejlet", error=UNEXPECTED)


def fail_stale(now: dt.datetime | None = None) -> int:
    """Fail running jobs whose worker has not been heard from for :data:`STALE_AFTER`."""
    limit = (now or timezone.now()) - STALE_AFTER
    return ReportJob.objects.filter(status=ReportJob.Status.RUNNING, heartbeat_at__lt=limit).update(
        status=ReportJob.Status.FAILED, message="Fejlet", error=STOPPED, finished_at=now
    )


def delete_old(now: dt.datetime | None = None) -> int:
    """Delete finished jobs older than :data:`KEEP_FOR`, and their files."""
    limit = (now or timezone.now()) - KEEP_FOR
    old = list(ReportJob.objects.filter(finished_at__lt=limit))
    for job in old:
        file_of(job).unlink(missing_ok=True)
    ReportJob.objects.filter(pk__in=[j.pk for j in old]).delete()
    return len(old)


def run_pending(limit: int | None = None) -> int:
    """Run queued jobs one after another until none is left (or ``limit`` have run); the
    worker's loop body. Returns how many ran."""
    done = 0
    while limit is None or done < limit:
        job = claim_next()
        if job is None:
            break
        run(job)
        done += 1
    return done


def ensure_reports_dir() -> Path:
    path = reports_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path
