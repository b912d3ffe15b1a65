"""Hostile and broken files on the import page (issue 17): each is refused with its Danish
message on the page, quickly and in little memory, and nothing of it is saved."""

from __future__ import annotations

import datetime as dt
import http.client
import os
import socket
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from web_personas import ALBERTSLUND, Personas

from naersund.web.survey import services
from naersund.web.survey.models import Answer, Change, Response, Round
from upload_bombs import dimension_bomb, huge_sheet, small_book

HJEM = "status.hovedstaden_opfoelgende_hjemmebesoeg"
URL = "/status/runde/import/"


@pytest.fixture
def rnd(db: None) -> Round:
    today = timezone.localdate()
    return services.create_round(
        slug="runde",
        title_da="Opfølgning 2014",
        year=2014,
        opens_on=today - dt.timedelta(days=3),
        closes_on=today + dt.timedelta(days=3),
    )


def post(client: Client, data: bytes, name: str) -> tuple[int, str, float]:
    """Upload ``data``; the status, the page and the peak of Python memory it took (MB)."""
    import openpyxl  # noqa: F401  (imports and templates are not what is measured)

    assert client.get(URL).status_code == 200
    tracemalloc.start()
    try:
        response = client.post(URL, {"file": SimpleUploadedFile(name, data)})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return response.status_code, response.content.decode(), peak / 1024**2


def nothing_saved() -> bool:
    return not (Response.objects.exists() or Answer.objects.exists() or Change.objects.exists())


def test_the_dimension_bomb_is_refused_in_little_memory(rnd: Round, personas: Personas) -> None:
    """5 KB declaring A1:XFD20000 took 35 s and 3.1 GB in the server."""
    data = dimension_bomb([["kommunekode", HJEM], [ALBERTSLUND, "Planlagt"]])
    status, html, peak_mb = post(personas.client("kkr_hovedstaden"), data, "bombe.xlsx")
    assert status == 400
    assert "Filen er ikke indlæst – intet er gemt" in html
    assert (
        "bombe.xlsx: regnearket angiver sit område som A1:XFD20000 (20.000 rækker og 16.384 "
        "kolonner); grænsen er 1.000 rækker og 1.000 kolonner." in html
    )
    assert peak_mb < 50
    assert nothing_saved()


def test_the_full_size_bomb_is_refused_before_unpacking(rnd: Round, personas: Personas) -> None:
    """A sheet of 300 MB unpacked in a file of 1 MB (the library tests also send 150,000 cells
    in one row, measured in a child process)."""
    status, html, peak_mb = post(personas.client("admin"), huge_sheet(300), "bombe.xlsx")
    assert status == 400
    assert "bombe.xlsx: XLSX-filen fylder 300,5 MB udpakket; grænsen er 20 MB." in html
    assert peak_mb < 50
    assert nothing_saved()


def test_a_body_over_the_limit_is_refused_by_its_length(rnd: Round, personas: Personas) -> None:
    data = b"kommunekode;" + HJEM.encode() + b"\r\n165;Planlagt\r\n" + b" " * (6 * 1024 * 1024)
    status, html, _ = post(personas.client("admin"), data, "stor.csv")
    assert status == 413
    assert "Filen er for stor: grænsen er 5 MB. Intet er indlæst." in html
    assert nothing_saved()


def test_a_formula_is_refused_with_its_cell(rnd: Round, personas: Personas) -> None:
    start = "startaar.hovedstaden_opfoelgende_hjemmebesoeg"
    data = small_book([["kommunekode", start], [ALBERTSLUND, "=2000+13"]])
    status, html, _ = post(personas.client("kkr_hovedstaden"), data, "svar.xlsx")
    assert status == 400
    assert (
        f"svar.xlsx, række 2, kolonne B ({start}): Celle B2 indeholder en formel; indsæt "
        "værdien i stedet." in html
    )
    assert nothing_saved()


def test_unicode_digits_in_the_kommunekode_are_a_message_not_a_500(
    rnd: Round, personas: Personas
) -> None:
    data = f"kommunekode;{HJEM}\r\n¹⁶⁵;Planlagt\r\n".encode()
    status, html, _ = post(personas.client("kkr_hovedstaden"), data, "svar.csv")
    assert status == 400
    assert (
        "svar.csv, række 2, kolonne A (kommunekode): &#x27;¹⁶⁵&#x27; er ikke en kommunekode."
        in html
    )
    assert nothing_saved()


def test_an_unclosed_quote_imports_nothing(rnd: Round, personas: Personas) -> None:
    """The issue's file: '165;"oops' and two rows imported 1 municipality and made the other
    rows Albertslund's tilbagemelding."""
    data = f'kommunekode;tilbagemelding;{HJEM}\r\n165;"oops;Planlagt\r\n101;Fint;Planlagt\r\n'
    data += "147;Fint;Planlagt\r\n"
    status, html, _ = post(personas.client("kkr_hovedstaden"), data.encode(), "svar.csv")
    assert status == 400
    assert "svar.csv, række 2: et felt begynder med et anførselstegn (&quot;), som aldrig" in html
    assert nothing_saved()


def test_a_file_mixing_encodings_imports_nothing(rnd: Round, personas: Personas) -> None:
    data = (
        "kommunekode;tilbagemelding\r\n165;Går godt\r\n".encode()
        + "101;Går også godt\r\n".encode("cp1252")
    )
    status, html, _ = post(personas.client("kkr_hovedstaden"), data, "svar.csv")
    assert status == 400
    assert (
        "svar.csv, række 3: rækken er skrevet i tegnsættet Windows-1252, men række 2 er UTF-8"
        in html
    )
    assert nothing_saved()


def test_the_server_refuses_a_body_of_more_than_four_times_the_limit_unread(
    tmp_path: Path,
) -> None:
    """`naersund serve` (waitress) answers 413 from the request's headers alone, so a large body
    is never buffered; bodies between the limit and four times it reach the page's message."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NAERSUND_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="naersund.web.settings",
        NAERSUND_DATA_DIR=str(tmp_path / "data"),
        NAERSUND_DEMO="1",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "naersund.cli", "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        connection.putrequest("POST", URL)
        connection.putheader("Content-Type", "multipart/form-data; boundary=x")
        connection.putheader("Content-Length", str(4 * settings.NAERSUND_MAX_UPLOAD_BYTES + 1))
        connection.endheaders()  # and not one byte of the body
        assert connection.getresponse().status == 413
    finally:
        server.terminate()
        server.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
