"""Report packs ordered on the web: the order, the job page and its JSON status, the real
worker (in this process's thread, as ``naersund serve`` runs it), the finished file, a failure
in Danish, and who may see which job."""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from dashboard_data import results_for
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader
from web_personas import ALBERTSLUND, HOVEDSTADEN, Personas, create_shared_rows

from naersund.refdata import official_name
from naersund.reports.common import municipalities_of
from naersund.web.dashboard import releases
from naersund.web.reportjobs import services
from naersund.web.reportjobs.models import ReportJob
from naersund.web.reportjobs.worker import ReportWorker

YEAR = 2014


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


@pytest.fixture(autouse=True)
def reports_dir(settings: Any, tmp_path: Path) -> Path:
    settings.NAERSUND_REPORTS_DIR = tmp_path / "rapporter"
    return Path(settings.NAERSUND_REPORTS_DIR)


@pytest.fixture
def release(results_file: Path, db: None) -> releases.PublishedResults:
    releases.publish(results_file)
    return releases.load_release()


def _order(client: Client, area: str, level: str = "politisk", form: str = "pdf") -> Any:
    return client.post(
        "/rapporter/", {"omraade": area, "niveau": level, "aar": str(YEAR), "format": form}
    )


def _job_id(response: Any) -> int:
    assert response.status_code == 302, response.content.decode()[:500]
    return int(response["Location"].rstrip("/").split("/")[-1])


def _pdf_text(body: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_an_order_is_queued_and_its_page_and_status_say_so(
    personas: Personas, release: object
) -> None:
    client = personas.client("reader")
    pk = _job_id(_order(client, f"kommune-{ALBERTSLUND}"))
    page = client.get(f"/rapporter/job/{pk}/").content.decode()
    assert "Politisk niveau · Albertslund Kommune · 2014 · PDF" in page
    assert "I kø" in page and '<progress id="job-progress"' in page
    assert "genindlæs siden" in page  # works without JavaScript
    status = client.get(f"/rapporter/job/{pk}/status/").json()
    assert status["status"] == "venter" and status["finished"] is False
    assert status["download_url"] == ""
    listing = client.get("/rapporter/").content.decode()
    assert "Politisk niveau · Albertslund Kommune · 2014 · PDF" in listing


def test_the_kkr_document_has_a_section_for_every_municipality(
    personas: Personas, release: object, reports_dir: Path
) -> None:
    client = personas.client("kkr_hovedstaden")
    pk = _job_id(_order(client, f"kkr-{HOVEDSTADEN}-alle", "direktoer"))
    assert services.run_pending() == 1
    status = client.get(f"/rapporter/job/{pk}/status/").json()
    assert status["status"] == "faerdig" and status["progress"] == 100, status
    assert status["file_name"] == "direktoer_1084_kkr-hovedstaden_med-kommuner_2014.pdf"
    response = client.get(status["download_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "direktoer_1084_kkr-hovedstaden_med-kommuner_2014.pdf" in response["Content-Disposition"]
    text = _pdf_text(_body(response))
    for m in municipalities_of(HOVEDSTADEN):
        assert official_name(m.code) in text, m.name
    assert "Københavns Kommune" in text and "Bornholms Regionskommune" in text
    assert "Bilag 1" in text  # the secretariat sees every municipality's answers
    page = client.get(f"/rapporter/job/{pk}/").content.decode()
    assert "Hent rapporten" in page and "<progress" not in page


def test_the_worker_thread_makes_the_pack_and_keeps_a_group_readable_file(
    committed_release: releases.PublishedResults, reports_dir: Path
) -> None:
    user = User.objects.get(username="albertslund")
    client = Client()
    client.force_login(user)
    old = os.umask(0o022)
    worker = ReportWorker(poll_seconds=0.2)
    worker.start()
    try:
        pk = _job_id(_order(client, f"kommune-{ALBERTSLUND}", "direktoer", "xlsx"))
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            job = ReportJob.objects.get(pk=pk)
            if job.finished:
                break
            time.sleep(0.3)
    finally:
        worker.stop(30)
        os.umask(old)
    job = ReportJob.objects.get(pk=pk)
    assert job.status == ReportJob.Status.DONE, job.error
    assert job.started_at is not None and job.finished_at is not None
    path = services.file_of(job)
    assert path.parent == reports_dir
    assert path.stat().st_mode & 0o777 == 0o644
    wb = openpyxl.load_workbook(path)
    assert "Forklaring" in wb.sheetnames and "Resumé" in wb.sheetnames


def test_a_failed_job_says_why_in_danish(
    personas: Personas, release: object, settings: Any, tmp_path: Path
) -> None:
    blocked = tmp_path / "ikke-en-mappe"
    blocked.write_text("x", encoding="utf-8")
    settings.NAERSUND_REPORTS_DIR = blocked  # a file where the folder should be
    client = personas.client("reader")
    pk = _job_id(_order(client, f"kommune-{ALBERTSLUND}"))
    services.run_pending()
    job = ReportJob.objects.get(pk=pk)
    assert job.status == ReportJob.Status.FAILED
    assert job.error == (
        f"{blocked}/job-{pk}.pdf: rapporten kan ikke skrives (en del af stien er en fil, ikke en mappe)"
    )
    page = client.get(f"/rapporter/job/{pk}/").content.decode()
    assert "Fejlet" in page and "rapporten kan ikke skrives" in page
    assert "Traceback" not in page
    assert client.get(f"/rapporter/job/{pk}/hent/").status_code == 404


def test_a_job_for_a_release_that_is_gone_fails_with_its_danish_message(
    personas: Personas, release: releases.PublishedResults
) -> None:
    client = personas.client("reader")
    pk = _job_id(_order(client, f"kommune-{ALBERTSLUND}"))
    ReportJob.objects.filter(pk=pk).update(release_id=999999)
    services.run_pending()
    job = ReportJob.objects.get(pk=pk)
    assert (job.status, job.error) == (ReportJob.Status.FAILED, "Udgivelse 999999 findes ikke")


def test_a_job_whose_worker_stopped_is_failed_not_left_running(
    personas: Personas, release: object
) -> None:
    client = personas.client("reader")
    pk = _job_id(_order(client, f"kommune-{ALBERTSLUND}"))
    assert services.claim_next() is not None
    assert services.claim_next() is None  # claimed once only
    long_ago = timezone.now() - dt.timedelta(hours=1)
    ReportJob.objects.filter(pk=pk).update(heartbeat_at=long_ago)
    assert services.fail_stale() == 1
    job = ReportJob.objects.get(pk=pk)
    assert job.status == ReportJob.Status.FAILED and job.error == services.STOPPED


def test_nobody_else_sees_or_downloads_a_users_job(personas: Personas, release: object) -> None:
    owner = personas.client("albertslund")
    pk = _job_id(_order(owner, f"kommune-{ALBERTSLUND}", "politisk", "xlsx"))
    services.run_pending()
    title = "Politisk niveau · Albertslund Kommune · 2014 · Excel (XLSX)"
    assert owner.get(f"/rapporter/job/{pk}/hent/").status_code == 200
    for other in ("aalborg", "reader", "kkr_hovedstaden", "admin"):
        client = personas.client(other)
        for url in (
            f"/rapporter/job/{pk}/",
            f"/rapporter/job/{pk}/status/",
            f"/rapporter/job/{pk}/hent/",
        ):
            response = client.get(url)
            assert response.status_code == 404, (other, url)
            assert title not in response.content.decode(), (other, url)
        assert title not in client.get("/rapporter/").content.decode()
    anonymous = personas.client("anonymous")
    assert anonymous.get(f"/rapporter/job/{pk}/hent/").status_code == 302
    assert anonymous.post("/rapporter/", {"omraade": "kommune-165"}).status_code == 302
    assert ReportJob.objects.count() == 1


def test_a_readers_kkr_pack_leaves_out_the_answers_a_secretary_sees(
    personas: Personas, release: object
) -> None:
    jobs = {}
    for persona in ("reader", "kkr_hovedstaden"):
        jobs[persona] = _job_id(
            _order(personas.client(persona), f"kkr-{HOVEDSTADEN}", "direktoer", "xlsx")
        )
    services.run_pending()
    sheets = {
        p: openpyxl.load_workbook(
            io.BytesIO(_body(personas.client(p).get(f"/rapporter/job/{pk}/hent/")))
        ).sheetnames
        for p, pk in jobs.items()
    }
    assert "Bilag 1" in sheets["kkr_hovedstaden"]
    assert "Bilag 1" not in sheets["reader"]
    assert "Indsatsdækning" in sheets["reader"]


def test_a_bad_order_is_refused_with_danish_messages(personas: Personas, release: object) -> None:
    response = personas.client("reader").post(
        "/rapporter/", {"omraade": "kommune-165-alle", "niveau": "minister", "aar": "1999"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    # in DKFDS's error box above the form, which a screen reader announces
    box = page.split('<div class="alert alert-error" role="alert"')[1].split("</div></div>")[0]
    assert "Rapporten kunne ikke bestilles" in box
    for message in (
        "Vælg en kommune, en KKR eller et andet område.",
        "Vælg et niveau: politisk, direktør eller fagligt.",
        "Vælg et format: PDF, Excel eller HTML.",
        "Vælg et år mellem 2013 og 2014.",
    ):
        assert f"<li>{message}</li>" in box
    assert page.index("alert-error") < page.index('class="report-form"')
    assert ReportJob.objects.count() == 0


def test_the_form_offers_the_kkr_document_and_official_names(
    personas: Personas, release: object
) -> None:
    page = personas.client("reader").get("/rapporter/").content.decode()
    assert 'value="kkr-1084-alle"' in page
    assert "KKR Hovedstaden med et afsnit for hver kommune" in page
    assert ">Københavns Kommune<" in page and ">Bornholms Regionskommune<" in page
    assert 'method="post"' in page and "csrfmiddlewaretoken" in page


# --- the thread test needs committed rows: other connections cannot see a test transaction --


@pytest.fixture
def shared_rows_again(django_db_blocker: Any) -> Iterator[None]:
    """Set up before ``transactional_db``, so torn down after it has emptied the database."""
    yield
    with django_db_blocker.unblock():
        create_shared_rows()


@pytest.fixture
def committed_release(
    shared_rows_again: None, transactional_db: None, results_file: Path
) -> releases.PublishedResults:
    releases.publish(results_file)
    return releases.load_release()
