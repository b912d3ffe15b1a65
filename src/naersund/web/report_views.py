"""Report packs on the web: order a pack (``/rapporter/``), follow it while the worker makes
it, and download it when it is done.

Every logged-in user may order packs for every municipality and KKR, the KKR's pack with a
section per municipality included (they hold published, suppressed results, like the
dashboard: ``access.can_view_dashboard``); a pack shows a municipality's own survey answers only
where the user who ordered it may read them in the pack's round (``access.can_view_answers``,
via :mod:`naersund.web.reportdata`). A job and its file are its orderer's alone: another user
gets a 404 for it, and the list shows only one's own jobs.

The form posts an order and goes to the job's page; the page shows the progress and, with
JavaScript, asks the job's status URL (JSON) every two seconds; without it a reload shows the
same. ``?hent=1`` with the form's fields still answers with the file at once (a pack for one
area: a few seconds), for links and scripts that used it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

import naersund.web.params  # noqa: F401  (registers <number:...>)
from naersund import reports
from naersund.reports.area_pack import build_area_pack
from naersund.web.accounts.access import can_view_dashboard
from naersund.web.dashboard import releases
from naersund.web.dashboard.context import round_choices
from naersund.web.pagination import paginate
from naersund.web.reportdata import report_input
from naersund.web.reportjobs import choices, services
from naersund.web.reportjobs.models import ReportJob
from naersund.web.reportjobs.worker import wake_worker


def _form_context(request: HttpRequest, years: list[int], errors: list[str]) -> dict[str, Any]:
    q = request.POST if request.method == "POST" else request.GET
    pages = paginate(request, services.jobs_of(request.user), "Sider i listen over dine rapporter")
    return {
        "areas": choices.areas(),
        "levels": choices.levels(),
        "formats": choices.formats(),
        "years": years,
        "chosen": {  # what was asked for where valid, else the defaults
            "omraade": q.get("omraade", "") if choices.parse_area(q.get("omraade", "")) else "",
            "niveau": q.get("niveau") if q.get("niveau") in reports.LEVELS else "politisk",
            "aar": q.get("aar") if q.get("aar") in {str(y) for y in years} else str(years[-1]),
            "format": q.get("format") if q.get("format") in reports.FORMATS else "pdf",
            "runde": q.get("runde", ""),
        },
        "rounds": round_choices(),
        "errors": errors,
        "jobs": [_job_view(j) for j in pages.rows],
        "pages": pages,
    }


def _job_view(job: ReportJob) -> dict[str, Any]:
    """What a page or the status URL says about a job (plain data)."""
    done = job.status == ReportJob.Status.DONE
    return {
        "id": job.pk,
        "title": job.title,
        "status": job.status,
        "status_text": job.get_status_display(),
        "progress": round(job.progress * 100),
        "message": job.message,
        "error": job.error,
        "finished": job.finished,
        "created_at": job.created_at,
        "url": reverse("reports:job", args=[job.pk]),
        "download_url": reverse("reports:download", args=[job.pk]) if done else "",
        "file_name": job.file_name,
        "size_kb": round((job.size or 0) / 1024),
    }


def _allowed(request: HttpRequest) -> None:
    if not can_view_dashboard(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """The choice of pack and the user's own jobs; a POST orders a pack."""
    _allowed(request)
    try:
        release = releases.load_release()
    except releases.NoRelease as exc:
        return render(request, "reports/download.html", {"no_release": str(exc)})
    years = release.years
    if request.method == "POST":
        choice, errors = choices.parse(request.POST, years)
        if choice is None:
            context = _form_context(request, years, errors)
            return render(request, "reports/download.html", context, status=400)
        job = services.order(request.user, choice, release.release_id)
        wake_worker()
        return redirect("reports:job", pk=job.pk)
    if "hent" not in request.GET:
        return render(request, "reports/download.html", _form_context(request, years, []))
    return _download_now(request, years)


def _download_now(request: HttpRequest, years: list[int]) -> HttpResponse:
    choice, errors = choices.parse(request.GET, years)
    if choice is None:
        context = _form_context(request, years, errors)
        return render(request, "reports/download.html", context, status=400)
    if choice.with_municipalities:
        context = _form_context(
            request,
            years,
            [
                "En KKR-rapport med et afsnit for hver kommune laves i baggrunden: brug knappen "
                "Bestil rapport."
            ],
        )
        return render(request, "reports/download.html", context, status=400)
    data = report_input(
        choice.year, user=request.user, round_slug=choice.round_slug or None, level=choice.level
    )
    if choice.area.level in ("kommune", "region"):
        pack = reports.build_pack(data, choice.level, choice.area, choice.year)
    else:  # an area of any other level (issue 14)
        spec = f"{choice.area.level}:{choice.area.code}"
        footnotes = reports.footnotes(data, choice.year)
        pack = build_area_pack(data, choice.level, spec, choice.year, footnotes)
    body = reports.render(pack, choice.fmt)
    response = HttpResponse(body, content_type=reports.MEDIA_TYPES[choice.fmt])
    disposition = "inline" if choice.fmt == "html" else "attachment"
    name = reports.file_name(pack, choice.fmt)
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


@login_required
@require_GET
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """One job: its progress while it runs, the download or the reason when it is done."""
    _allowed(request)
    found = services.get_job_for_user(request.user, pk)
    return render(request, "reports/job.html", {"job": _job_view(found)})


@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The job's state as JSON for the page's polling (the same words as the page)."""
    _allowed(request)
    view = _job_view(services.get_job_for_user(request.user, pk))
    view["created_at"] = view["created_at"].isoformat()
    return JsonResponse(view)


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    """The finished job's file, for the user who ordered it."""
    _allowed(request)
    found = services.get_job_for_user(request.user, pk)
    path = services.file_of(found)
    if found.status != ReportJob.Status.DONE or not path.exists():
        raise Http404("Rapporten er ikke færdig")
    response = FileResponse(
        path.open("rb"),
        content_type=reports.MEDIA_TYPES.get(found.fmt, "application/octet-stream"),
        as_attachment=found.fmt != "html",
        filename=found.file_name,
    )
    return response


app_name = "reports"
urlpatterns = [
    path("", index, name="index"),
    path("job/<number:pk>/", job, name="job"),
    path("job/<number:pk>/status/", job_status, name="job_status"),
    path("job/<number:pk>/hent/", download, name="download"),
]
