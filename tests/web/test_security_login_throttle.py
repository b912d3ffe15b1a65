"""Login throttling (issue 17: 50 wrong passwords in 18 s, then the right one worked). Five
wrong passwords for a user name, or thirty from one address, within 15 minutes lock it: the
right password is refused too, with a Danish message saying when to try again."""

from __future__ import annotations

import base64
import datetime as dt
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import F
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone
from web_personas import Personas

from naersund.web.accounts.models import LoginFailure
from naersund.web.accounts.throttle import client_address

RIGHT = "adgangskode-til-test"  # the personas' password (tests/web/conftest.py)
HERE, ELSEWHERE = "10.1.1.1", "10.2.2.2"
LOCKED = "For mange mislykkede forsøg på at logge ind."
WRONG = "Brugernavn og adgangskode passer ikke sammen"


def _post(username: str, password: str, address: str = HERE, url: str = "/log-ind/") -> tuple:
    client = Client(REMOTE_ADDR=address)
    response = client.post(url, {"username": username, "password": password})
    return client, response


def _fail(username: str, times: int, address: str = HERE) -> None:
    for _ in range(times):
        _, response = _post(username, "forkert", address)
        assert response.status_code in (200, 429)


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_after_five_wrong_passwords_the_right_one_is_refused_in_danish(
    personas: Personas,
) -> None:
    _fail("reader", 4)
    client, response = _post("reader", RIGHT)  # four wrong, then the right one: still fine
    assert _logged_in(client)
    _fail("reader", 5)
    client, response = _post("reader", RIGHT)
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page and WRONG not in page
    assert not _logged_in(client)
    catalogue = client.get("/katalog/")
    assert catalogue.status_code == 302 and b"Indsats" not in catalogue.content


@pytest.mark.django_db
def test_the_message_says_when_to_try_again(personas: Personas) -> None:
    _fail("reader", 5)
    first = LoginFailure.objects.order_by("at").first()
    assert first is not None
    until = timezone.localtime(first.at + dt.timedelta(minutes=15))
    _, response = _post("reader", RIGHT)
    assert (
        f"{LOCKED} Af hensyn til sikkerheden er login spærret til kl. {until:%H.%M} "
        "(om 15 minutter). Prøv igen derefter"
    ) in response.content.decode()
    assert "kontakt en administrator, hvis du har glemt din adgangskode" in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_the_lock_counts_the_user_name_without_regard_to_case(personas: Personas) -> None:
    for name in ["Reader", "READER", " reader", "reader", "rEader"]:
        _post(name, "forkert")
    client, response = _post("reader", RIGHT)
    assert response.status_code == 429 and not _logged_in(client)


@pytest.mark.django_db
def test_another_account_and_another_address_are_unaffected(personas: Personas) -> None:
    _fail("reader", 5, HERE)
    client, _ = _post("albertslund", RIGHT, HERE)  # same address, other account
    assert _logged_in(client)
    client, _ = _post("aalborg", RIGHT, ELSEWHERE)
    assert _logged_in(client)
    client, response = _post("reader", RIGHT, ELSEWHERE)  # the account is locked everywhere
    assert response.status_code == 429 and not _logged_in(client)


@pytest.mark.django_db
def test_thirty_wrong_passwords_from_one_address_lock_the_address(personas: Personas) -> None:
    for i in range(30):
        _post(f"gaet-{i % 10}", "forkert", HERE)  # three per name: no account is locked
    client, response = _post("albertslund", RIGHT, HERE)
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert not _logged_in(client)
    client, _ = _post("albertslund", RIGHT, ELSEWHERE)
    assert _logged_in(client)


@pytest.mark.django_db
def test_after_the_cool_off_the_right_password_works_again(personas: Personas) -> None:
    _fail("reader", 5)
    LoginFailure.objects.update(at=F("at") - dt.timedelta(minutes=14))
    assert _post("reader", RIGHT)[1].status_code == 429  # not yet
    LoginFailure.objects.update(at=F("at") - dt.timedelta(minutes=1, seconds=1))
    client, _ = _post("reader", RIGHT)
    assert _logged_in(client)
    assert not LoginFailure.objects.filter(username="reader").exists()  # forgotten on success


@pytest.mark.django_db
@override_settings(LOGIN_FAILURES_PER_ACCOUNT=3)
def test_the_limit_is_a_setting(personas: Personas) -> None:
    _fail("reader", 3)
    assert _post("reader", RIGHT)[1].status_code == 429


@pytest.mark.django_db
def test_the_admin_login_is_throttled_too(personas: Personas) -> None:
    _fail("admin", 5)
    client, response = _post("admin", RIGHT, url="/admin/login/?next=/admin/")
    assert not _logged_in(client)
    assert LOCKED in response.content.decode()
    users = client.get("/admin/auth/user/")
    assert users.status_code == 302 and b"reader" not in users.content


@pytest.mark.django_db
def test_the_api_is_no_way_around_the_lock(personas: Personas) -> None:
    _fail("admin", 5)
    basic = base64.b64encode(f"admin:{RIGHT}".encode()).decode()
    for headers in ({"Authorization": f"Basic {basic}"}, {}):
        response = Client(REMOTE_ADDR=HERE).get("/api/catalogue/", headers=headers)
        assert response.status_code == 401
        assert "kkr" not in response.json()
    # Code that calls authenticate() itself (without a request) meets the account's lock too.
    assert authenticate(username="admin", password=RIGHT) is None


@pytest.mark.django_db
def test_authenticate_without_a_request_counts_towards_the_lock(personas: Personas) -> None:
    for _ in range(5):
        assert authenticate(username="reader", password="forkert") is None
    client, response = _post("reader", RIGHT)
    assert response.status_code == 429 and not _logged_in(client)


def test_the_address_is_the_clients_or_behind_the_proxy_the_one_the_proxy_added() -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7"
    )
    assert client_address(request) == "127.0.0.1"
    with override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        assert client_address(request) == "192.0.2.7"
    assert client_address(None) is None


@pytest.mark.django_db
def test_unlock_login_lifts_the_lock(personas: Personas) -> None:
    _fail("reader", 5)
    out = io.StringIO()
    call_command("unlock_login", "Reader", stdout=out)
    assert out.getvalue().strip() == ("Ophævet: 5 mislykkede login for Reader tæller ikke længere.")
    client, _ = _post("reader", RIGHT)
    assert _logged_in(client)
    for i in range(30):
        _post(f"gaet-{i % 10}", "forkert", HERE)
    call_command("unlock_login", HERE, stdout=out)
    assert out.getvalue().splitlines()[-1] == (
        f"Ophævet: 30 mislykkede login for {HERE} tæller ikke længere."
    )
    client, _ = _post("albertslund", RIGHT, HERE)
    assert _logged_in(client)
