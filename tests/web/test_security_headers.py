"""HTTP headers and CSRF answers (issue 17): a Content-Security-Policy without inline script or
style on every page, nothing a logged-in user gets is stored by a cache, and a change missing
its CSRF token is told so, in Danish (the API said "your role gives no access")."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from matrix_api import api_round
from web_personas import ALBERTSLUND, Personas

import naersund.web

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
WEB = Path(naersund.web.__file__).parent


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("anonymous", "/log-ind/"),
        ("reader", "/katalog/"),
        ("admin", "/admin/"),
        ("albertslund", "/indikatorer/"),
        ("reader", "/api/catalogue/"),
        ("reader", "/findes-ikke/"),
    ],
)
def test_every_answer_carries_the_content_security_policy(
    personas: Personas, persona: str, path: str
) -> None:
    response = personas.client(persona).get(path)
    assert response["Content-Security-Policy"] == POLICY


# What a policy without 'unsafe-inline' refuses: an inline script (a data block of type
# application/json is not run, so it is allowed), a <style> element, a style attribute, an
# event-handler attribute and a javascript: URL.
INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I),
    "<style> element": re.compile(r"<style[\s>]", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event-handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_no_template_has_inline_script_or_style() -> None:
    templates = sorted(WEB.glob("**/templates/**/*.html"))
    assert len(templates) > 20
    found = [
        f"{t.relative_to(WEB)}: {what}"
        for t in templates
        for what, pattern in INLINE.items()
        if pattern.search(t.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_chart_script_draws_without_eval_or_inline_style() -> None:
    script = (WEB / "dashboard" / "static" / "dashboard" / "dashboard.js").read_text()
    assert "ast: true" in script  # Vega interprets its expressions instead of new Function
    assert "defaultStyle: false" in script
    assert "tooltip: { disableDefaultStyle: true }" in script


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("albertslund", "/status/"),
        ("kkr_hovedstaden", "/katalog/"),
        ("admin", "/admin/auth/user/"),
        ("albertslund", f"/api/rounds/{'{round}'}/answers/{ALBERTSLUND}/"),
    ],
)
def test_nothing_a_logged_in_user_gets_is_kept_by_a_cache(
    personas: Personas, persona: str, path: str
) -> None:
    response = personas.client(persona).get(path.format(round=api_round()))
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


def test_api_answers_to_a_token_are_not_kept_by_a_cache(personas: Personas) -> None:
    out = io.StringIO()
    call_command("create_api_token", "kkr_hovedstaden", stdout=out)
    response = Client().get(
        f"/api/rounds/{api_round()}/answers/",
        headers={"Authorization": f"Token {out.getvalue().strip()}"},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def _patch(client: Client, **headers: str) -> tuple[int, dict[str, str]]:
    response = client.patch(
        f"/api/rounds/{api_round()}/answers/{ALBERTSLUND}/",
        data=json.dumps({"answers": {}}),
        content_type="application/json",
        headers=headers,
    )
    return response.status_code, json.loads(response.content)


def test_an_api_change_without_its_csrf_token_is_told_the_token_is_missing(
    personas: Personas,
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.albertslund)
    client.get("/log-ind/")  # the CSRF cookie, as any page sets it
    status, body = _patch(client)
    assert status == 403
    assert body == {
        "fejl": "CSRF-tokenen mangler: en ændring med browserens login (sessionen) skal sende "
        "tokenen fra cookien csrftoken i headeren X-CSRFToken. Scripts logger i stedet ind med "
        "en token (Authorization: Token ...) og skal ikke sende nogen CSRF-token.",
        "kode": "csrf_token_mangler",
    }


def test_an_api_change_with_a_wrong_csrf_token_is_told_it_does_not_match(
    personas: Personas,
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.albertslund)
    client.get("/log-ind/")
    status, body = _patch(client, X_CSRFToken="x" * 64)
    assert status == 403
    assert body["kode"] == "csrf_afvist"
    assert body["fejl"].startswith(
        "CSRF-kontrollen afviste ændringen: Tokenen passer ikke til cookien. Hent en side"
    )


def test_a_form_without_its_csrf_token_gets_a_danish_page(personas: Personas) -> None:
    response = Client(enforce_csrf_checks=True).post(
        "/log-ind/", {"username": "reader", "password": "adgangskode-til-test"}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "Formularen blev afvist (CSRF-kontrol)" in page
    assert "CSRF verification failed" not in page
