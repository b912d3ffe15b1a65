"""Documents attached to good-practice entries (issue 13): PDF only, by their bytes, not their
name; at most NAERSUND_PRACTICE_ATTACHMENT_BYTES; Danish errors naming the field; stored
through Django's storage; downloaded only by those who may read the entry (the document's
bytes absent for everyone else); every addition and removal a version of the entry."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from web_personas import ALBERTSLUND, EVERYONE, Personas

from naersund.practice import pdf_problem
from naersund.web.practice import services
from naersund.web.practice.models import Attachment, Entry

MB = 1024 * 1024
# a minimal PDF (ISO 32000-1: header, one empty page, cross-reference table, trailer)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n"
)
SECRET_BYTES = b"% hemmelig bilagstekst om natsygepleje\n"
DRAFT_READERS = ("admin", "kkr_hovedstaden", "albertslund", "sr_amager_vestegnen")


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "dokumenter"
    return Path(settings.MEDIA_ROOT)


def _pdf(name: str = "akutteam.pdf", body: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body.replace(b"%%EOF", SECRET_BYTES + b"%%EOF"), "text/plain")


def _draft() -> Entry:
    entry = Entry(title="Akutteam", kommunekode=ALBERTSLUND, target_group="akut", what="Tekst")
    return services.save_draft(entry, None)


def _messages(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def _files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.mark.django_db
def test_an_editor_attaches_a_pdf_that_only_the_drafts_readers_download(
    personas: Personas, media: Path
) -> None:
    entry = _draft()
    editor = personas.client("albertslund")
    page = editor.post(f"/god-praksis/{entry.pk}/dokumenter/", {"dokument": _pdf()}, follow=True)
    assert "»akutteam.pdf« er lagt ved indslaget." in _messages(page)
    stored = Attachment.objects.get(entry=entry)
    assert stored.name == "akutteam.pdf" and stored.uploaded_by == personas.albertslund
    # stored under a name of our own, through the storage
    assert [p.suffix for p in _files(media)] == [".pdf"]
    assert "akutteam" not in stored.file.name
    assert entry.versions.first().action == "Dokument tilføjet: akutteam.pdf"  # type: ignore[union-attr]
    url = f"/god-praksis/{entry.pk}/dokumenter/{stored.pk}/"
    assert url in page.content.decode()

    for who in EVERYONE[1:]:
        response = personas.client(who).get(url)
        if who in DRAFT_READERS:
            body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
            assert response.status_code == 200 and SECRET_BYTES in body
            assert response["Content-Type"] == "application/pdf"
            assert 'filename="akutteam.pdf"' in response["Content-Disposition"]
        else:
            assert response.status_code == 404
            assert SECRET_BYTES not in response.content
            entry_page = personas.client(who).get(f"/god-praksis/{entry.pk}/")
            assert "akutteam.pdf" not in entry_page.content.decode()
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and SECRET_BYTES not in anonymous.content

    # once published, every logged-in user reads it; nobody can change the documents
    services.publish(services.submit(entry, None), None)
    response = personas.client("reader").get(url)
    assert SECRET_BYTES in b"".join(response.streaming_content)  # type: ignore[attr-defined]
    refused = editor.post(f"/god-praksis/{entry.pk}/dokumenter/", {"dokument": _pdf()}, follow=True)
    assert "dokumenterne kan ikke ændres nu" in _messages(refused)
    assert (
        personas.client("aalborg")
        .post(f"/god-praksis/{entry.pk}/dokumenter/", {"dokument": _pdf()})
        .status_code
        == 403
    )
    assert Attachment.objects.filter(entry=entry).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("notat.pdf", b"PK\x03\x04 et Word-dokument", "application/pdf"),
            "Dokument (PDF): Filen »notat.pdf« er ikke en PDF: den begynder ikke som en PDF-fil.",
        ),
        (
            SimpleUploadedFile("notat.docx", PDF, "application/pdf"),
            "Dokument (PDF): Filen »notat.docx« er ikke en PDF-fil (navnet skal ende på .pdf).",
        ),
        (
            SimpleUploadedFile("halv.pdf", PDF[:100], "application/pdf"),
            "Dokument (PDF): Filen »halv.pdf« er ikke en hel PDF: slutningen mangler.",
        ),
        (
            SimpleUploadedFile("tom.pdf", b"", "application/pdf"),
            "Dokument (PDF): Filen »tom.pdf« er tom.",
        ),
        (None, "Dokument (PDF): vælg en PDF-fil på højst 10 MB."),
    ],
)
def test_what_is_not_a_pdf_is_refused_in_danish_and_nothing_is_kept(
    personas: Personas, media: Path, upload: SimpleUploadedFile | None, message: str
) -> None:
    entry = _draft()
    data = {"dokument": upload} if upload is not None else {}
    page = personas.client("albertslund").post(
        f"/god-praksis/{entry.pk}/dokumenter/", data, follow=True
    )
    assert message in _messages(page)
    assert not Attachment.objects.exists() and _files(media) == []
    assert entry.versions.count() == 1


@pytest.mark.django_db
def test_a_document_over_the_limit_is_refused_by_its_size(
    personas: Personas, media: Path, settings: Any
) -> None:
    settings.NAERSUND_PRACTICE_ATTACHMENT_BYTES = 1 * MB
    entry = _draft()
    editor = personas.client("albertslund")
    big = PDF.replace(b"%%EOF", b"%" + b"x" * MB + b"\n%%EOF")
    page = editor.post(
        f"/god-praksis/{entry.pk}/dokumenter/", {"dokument": _pdf("stor.pdf", big)}, follow=True
    )
    assert "Dokument (PDF): Filen »stor.pdf« fylder 1,0 MB; den må højst fylde 1 MB." in _messages(
        page
    )
    # a body far over the limit is refused by its Content-Length, before it is read
    huge = PDF.replace(b"%%EOF", b"%" + b"x" * (2 * MB) + b"\n%%EOF")
    page = editor.post(
        f"/god-praksis/{entry.pk}/dokumenter/", {"dokument": _pdf("kæmpe.pdf", huge)}, follow=True
    )
    assert "Dokument (PDF): filen er for stor; den må højst fylde 1 MB." in _messages(page)
    assert not Attachment.objects.exists() and _files(media) == []


@pytest.mark.django_db
def test_removing_a_document_deletes_its_file_once_committed_and_is_a_version(
    personas: Personas, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    entry = _draft()
    editor = personas.client("albertslund")
    editor.post(f"/god-praksis/{entry.pk}/dokumenter/", {"dokument": _pdf()})
    stored = Attachment.objects.get(entry=entry)
    # only the entry's editors remove it
    for who in ("aalborg", "reader"):
        response = personas.client(who).post(
            f"/god-praksis/{entry.pk}/dokumenter/{stored.pk}/fjern/"
        )
        assert response.status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        page = editor.post(f"/god-praksis/{entry.pk}/dokumenter/{stored.pk}/fjern/", follow=True)
    assert "»akutteam.pdf« er fjernet fra indslaget." in _messages(page)
    assert not Attachment.objects.exists() and _files(media) == []
    assert [v.action for v in entry.versions.all()[:2]] == [
        "Dokument fjernet: akutteam.pdf",
        "Dokument tilføjet: akutteam.pdf",
    ]
    assert editor.get(f"/god-praksis/{entry.pk}/dokumenter/{stored.pk}/").status_code == 404


def test_the_pdf_check_reads_the_bytes_and_says_why_in_danish() -> None:
    assert pdf_problem("a.pdf", PDF[:1024], PDF[-1024:], len(PDF), MB) is None
    assert pdf_problem("A.PDF", PDF[:1024], PDF[-1024:], len(PDF), MB) is None
    assert (
        pdf_problem("a.pdf", b"<html>", b"%%EOF", 6, MB)
        == "Filen »a.pdf« er ikke en PDF: den begynder ikke som en PDF-fil."
    )
    assert pdf_problem("a\x00b.pdf", b"", b"", 0, MB) == "Filen »uden navn« er tom."
    assert (
        pdf_problem("a.pdf", PDF, PDF, int(2.5 * MB), 2 * MB)
        == "Filen »a.pdf« fylder 2,5 MB; den må højst fylde 2 MB."
    )


@pytest.mark.django_db
def test_the_upload_form_is_on_the_drafts_page_for_its_editor_only(personas: Personas) -> None:
    entry = _draft()
    assert (
        'name="dokument"'
        in personas.client("albertslund").get(f"/god-praksis/{entry.pk}/").content.decode()
    )
    page = personas.client("kkr_hovedstaden").get(f"/god-praksis/{entry.pk}/").content.decode()
    assert 'name="dokument"' not in page
    assert re.search(
        r"Kun PDF, højst 10 MB",
        personas.client("admin").get(f"/god-praksis/{entry.pk}/").content.decode(),
    )


@pytest.mark.django_db
def test_the_api_and_the_booklet_name_the_documents_of_readable_entries_only(
    personas: Personas,
) -> None:
    entry = _draft()
    personas.client("albertslund").post(
        f"/god-praksis/{entry.pk}/dokumenter/", {"dokument": _pdf()}
    )
    stored = Attachment.objects.get(entry=entry)
    url = f"/god-praksis/{entry.pk}/dokumenter/{stored.pk}/"
    data = personas.client("kkr_hovedstaden").get(f"/api/practice/{entry.pk}/").json()
    assert data["attachments"] == [{"name": "akutteam.pdf", "size": stored.size, "url": url}]
    assert "akutteam.pdf" not in personas.client("aalborg").get("/api/practice/").content.decode()
    services.publish(services.submit(entry, None), None)
    assert (
        personas.client("aalborg").get("/api/practice/").json()[0]["attachments"][0]["url"] == url
    )
    xlsx = personas.client("reader").get("/god-praksis/katalog.xlsx").content
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(xlsx)).active
    assert ws is not None
    assert "akutteam.pdf" in [c.value for row in ws.iter_rows() for c in row]
