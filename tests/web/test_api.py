"""The JSON API: who reads and writes what, tokens and sessions, conflicts, Danish errors."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from matrix_api import api_round
from web_personas import AALBORG, ALBERTSLUND, Personas

from naersund.web.api.errors import exception_handler
from naersund.web.survey import services
from naersund.web.survey.models import Answer, Change, Round


def _json(response: Any) -> Any:
    return json.loads(response.content.decode())


def _status_qids(kommunekode: int) -> list[str]:
    rnd = Round.objects.get(slug=api_round())
    return [q.qid for q in services.questions_for(rnd, kommunekode) if q.kind == "status"]


def _patch(client: Client, kommunekode: int, body: dict[str, Any], **headers: str) -> Any:
    return client.patch(
        f"/api/rounds/{api_round()}/answers/{kommunekode}/",
        data=json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def _token(username: str, *args: str) -> str:
    out = io.StringIO()
    call_command("create_api_token", username, *args, stdout=out)
    return out.getvalue().strip()


# --- authentication ---------------------------------------------------------------------------


def test_anonymous_requests_are_refused_in_danish_json_asking_for_a_token(
    personas: Personas,
) -> None:
    response = Client().get("/api/rounds/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert _json(response) == {
        "fejl": "Du er ikke logget ind. Send en token (Authorization: Token ...) eller log ind "
        "i browseren.",
        "kode": "ikke_logget_ind",
    }


def test_a_script_reads_with_a_token(personas: Personas) -> None:
    token = _token("reader")
    assert len(token) == 40
    response = Client().get("/api/catalogue/", headers={"Authorization": f"Token {token}"})
    assert response.status_code == 200
    assert [k["region_code"] for k in _json(response)["kkr"]] == [1081, 1082, 1083, 1084, 1085]


def test_the_token_command_gives_the_same_token_until_asked_for_a_new_one(
    personas: Personas,
) -> None:
    first = _token("albertslund")
    assert _token("albertslund") == first
    new = _token("albertslund", "--ny")
    assert new != first
    old = Client().get("/api/rounds/", headers={"Authorization": f"Token {first}"})
    assert old.status_code == 401
    assert _json(old)["fejl"] == (
        "Login mislykkedes: tokenen er ugyldig, eller brugeren er deaktiveret."
    )
    ok = Client().get("/api/rounds/", headers={"Authorization": f"Token {new}"})
    assert ok.status_code == 200


def test_the_token_command_names_an_unknown_user(personas: Personas) -> None:
    with pytest.raises(CommandError, match="Der findes ingen bruger med brugernavnet 'ukendt'"):
        _token("ukendt")


def test_a_deactivated_users_token_stops_working(personas: Personas) -> None:
    token = _token("aalborg")
    personas.aalborg.is_active = False
    personas.aalborg.save()
    response = Client().get("/api/rounds/", headers={"Authorization": f"Token {token}"})
    assert response.status_code == 401


def test_a_browser_session_must_send_the_csrf_token_to_write(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.albertslund)
    qid = _status_qids(ALBERTSLUND)[0]
    body = {"answers": {qid: "planlagt"}, "versions": {qid: 0}}
    refused = _patch(client, ALBERTSLUND, body)
    assert refused.status_code == 403
    assert _json(refused)["kode"] == "csrf_token_mangler"
    client.get("/log-ind/")  # sets the CSRF cookie, as any page of the site does
    ok = _patch(client, ALBERTSLUND, body, X_CSRFToken=client.cookies["csrftoken"].value)
    assert ok.status_code == 200, ok.content
    assert _json(ok)["answers"][qid]["value"] == "planlagt"


# --- reading ----------------------------------------------------------------------------------


def test_rounds_and_questions_are_read_by_every_logged_in_user(personas: Personas) -> None:
    slug = api_round()
    client = personas.client("reader")
    rounds = _json(client.get("/api/rounds/"))
    assert [r["slug"] for r in rounds] == [slug]
    assert rounds[0]["phase"] == "aaben" and rounds[0]["phase_da"] == "Åben"
    everything = _json(client.get(f"/api/rounds/{slug}/questions/"))
    albertslund = _json(client.get(f"/api/rounds/{slug}/questions/?kommune={ALBERTSLUND}"))
    aalborg = _json(client.get(f"/api/rounds/{slug}/questions/?kommune={AALBORG}"))
    assert {q["qid"] for q in albertslund} <= {q["qid"] for q in everything}
    # a question limited to one KKR is asked of that KKR's municipalities only
    assert {q["region_code"] for q in albertslund} <= {None, 1084}
    assert {q["region_code"] for q in aalborg} <= {None, 1081}
    assert len(albertslund) > 0 and len(aalborg) > 0
    assert all(
        q["kind"] in {"status", "year", "pilot"} or q["qid"].startswith("fri.") for q in everything
    )


def test_an_unknown_municipality_in_the_question_filter_is_named(personas: Personas) -> None:
    response = personas.client("reader").get(f"/api/rounds/{api_round()}/questions/?kommune=12")
    assert response.status_code == 400
    assert _json(response)["fejl_pr_felt"] == {"kommune": "Ukendt kommunekode '12'."}


def test_each_role_lists_the_answers_it_may_read(personas: Personas) -> None:
    slug = api_round()

    def listed(name: str) -> list[int]:
        response = personas.client(name).get(f"/api/rounds/{slug}/answers/")
        assert response.status_code == 200
        return [r["kommunekode"] for r in _json(response)]

    assert listed("albertslund") == [ALBERTSLUND]
    assert listed("aalborg") == [AALBORG]
    assert listed("reader") == []
    hovedstaden = listed("kkr_hovedstaden")
    assert len(hovedstaden) == 29 and ALBERTSLUND in hovedstaden and AALBORG not in hovedstaden
    assert len(listed("admin")) == 98


def test_an_answer_shows_who_changed_it_in_danish(personas: Personas) -> None:
    qid = _status_qids(ALBERTSLUND)[0]
    _patch(
        personas.client("albertslund"),
        ALBERTSLUND,
        {"answers": {qid: "implementeret"}, "versions": {qid: 0}},
    )
    got = _json(personas.client("kkr_hovedstaden").get(f"/api/rounds/{api_round()}/answers/165/"))
    assert got["municipality"] == "Albertslund" and got["state"] == "draft"
    assert got["state_da"] == "Kladde"
    answer = got["answers"][qid]
    assert answer["value"] == "implementeret" and answer["value_da"] == "Implementeret"
    assert answer["version"] == 1 and answer["updated_by"] == "albertslund"


def test_a_municipality_that_has_not_started_is_shown_as_such(personas: Personas) -> None:
    got = _json(personas.client("aalborg").get(f"/api/rounds/{api_round()}/answers/{AALBORG}/"))
    assert got["state"] == "not_started" and got["state_da"] == "Ikke påbegyndt"
    assert got["version"] == 0 and got["answers"] == {}


# --- writing ----------------------------------------------------------------------------------


def test_an_editor_writes_her_own_municipality_and_the_history_says_api(
    personas: Personas,
) -> None:
    qid = _status_qids(ALBERTSLUND)[0]
    response = _patch(
        personas.client("albertslund"),
        ALBERTSLUND,
        {
            "answers": {qid: "planlagt"},
            "versions": {qid: 0},
            "tilbagemelding": "Vi arbejder med målene i sundhedsudvalget.",
            "response_version": 0,
        },
    )
    assert response.status_code == 200, response.content
    body = _json(response)
    assert body["answers"][qid]["version"] == 1
    assert body["tilbagemelding"] == "Vi arbejder med målene i sundhedsudvalget."
    changes = Change.objects.filter(response__kommunekode=ALBERTSLUND)
    assert {c.source for c in changes} == {"api"}
    assert {c.field for c in changes} == {"state", "answer", "tilbagemelding"}


@pytest.mark.parametrize("persona", ["aalborg", "reader", "kkr_hovedstaden"])
def test_others_cannot_write_albertslunds_answers(personas: Personas, persona: str) -> None:
    qid = _status_qids(ALBERTSLUND)[0]
    response = _patch(
        personas.client(persona), ALBERTSLUND, {"answers": {qid: "planlagt"}, "versions": {qid: 0}}
    )
    assert response.status_code == 403
    assert _json(response) == {
        "fejl": "Din rolle giver ikke adgang til dette.",
        "kode": "ingen_adgang",
    }
    assert not Answer.objects.filter(response__kommunekode=ALBERTSLUND).exists()


@pytest.mark.parametrize("version", ["١", "²", "1" * 5000, 2**31, -1])
def test_a_version_that_is_no_plain_number_is_refused_naming_it(
    personas: Personas, version: object
) -> None:
    qid = _status_qids(ALBERTSLUND)[0]
    for body in (
        {"answers": {qid: "planlagt"}, "versions": {qid: version}},
        {"tilbagemelding": "Udkast.", "response_version": version},
    ):
        response = _patch(personas.client("albertslund"), ALBERTSLUND, body)
        assert response.status_code == 400
        assert _json(response)["kode"] == "ugyldig_forespoergsel"
        assert set(_json(response)["fejl_pr_felt"]) == set(body) - {"answers", "tilbagemelding"}
    assert not Answer.objects.filter(response__kommunekode=ALBERTSLUND).exists()


def test_the_national_admin_may_write_any_municipality(personas: Personas) -> None:
    qid = _status_qids(AALBORG)[0]
    response = _patch(
        personas.client("admin"), AALBORG, {"answers": {qid: "planlagt"}, "versions": {qid: 0}}
    )
    assert response.status_code == 200


def test_a_second_save_from_a_stale_version_is_refused_with_409(personas: Personas) -> None:
    qid, other = _status_qids(ALBERTSLUND)[:2]
    first = _patch(
        personas.client("albertslund"),
        ALBERTSLUND,
        {"answers": {qid: "planlagt"}, "versions": {qid: 0}},
    )
    assert first.status_code == 200
    # a second person opened the answer before the first saved (saw no answer, version 0)
    late = _patch(
        personas.client("admin"),
        ALBERTSLUND,
        {"answers": {qid: "implementeret", other: "planlagt"}, "versions": {qid: 0, other: 0}},
    )
    assert late.status_code == 409
    body = _json(late)
    assert body["kode"] == "konflikt"
    assert "er ændret af albertslund kl." in body["fejl"]
    assert body["fejl"].endswith("Dine ændringer er ikke gemt; genindlæs og prøv igen.")
    assert list(body["konflikter"]) == [qid]
    # nothing of the refused save was written, not even the other answer
    stored = {a.question.qid: a.value for a in Answer.objects.filter(response__kommunekode=165)}
    assert stored == {qid: "planlagt"}
    # with the version the first save gave, the second person's save goes through
    again = _patch(
        personas.client("admin"),
        ALBERTSLUND,
        {"answers": {qid: "implementeret"}, "versions": {qid: 1}},
    )
    assert again.status_code == 200
    assert _json(again)["answers"][qid] == _json(again)["answers"][qid] | {
        "value": "implementeret",
        "version": 2,
    }


def test_a_stale_tilbagemelding_is_refused_with_409(personas: Personas) -> None:
    client = personas.client("albertslund")
    ok = _patch(client, ALBERTSLUND, {"tilbagemelding": "Første udkast.", "response_version": 0})
    assert ok.status_code == 200
    late = _patch(client, ALBERTSLUND, {"tilbagemelding": "Andet udkast.", "response_version": 0})
    assert late.status_code == 409
    assert _json(late)["fejl"].startswith("Tilbagemeldingen er ændret af albertslund kl.")


def test_every_answer_sent_needs_the_version_that_was_seen(personas: Personas) -> None:
    qid = _status_qids(ALBERTSLUND)[0]
    response = _patch(personas.client("albertslund"), ALBERTSLUND, {"answers": {qid: "planlagt"}})
    assert response.status_code == 400
    assert _json(response)["fejl_pr_felt"]["versions"] == [
        f"Angiv den version, du så, for hvert svar (0 = intet svar endnu). Mangler for: {qid}."
    ]


def test_a_value_that_does_not_fit_is_named_by_question(personas: Personas) -> None:
    qid = _status_qids(ALBERTSLUND)[0]
    response = _patch(
        personas.client("albertslund"),
        ALBERTSLUND,
        {
            "answers": {qid: "færdig", "fri.findes-ikke": 1},
            "versions": {qid: 0, "fri.findes-ikke": 0},
        },
    )
    assert response.status_code == 400
    body = _json(response)
    assert body["kode"] == "ugyldige_svar"
    assert body["fejl"] == "2 svar kunne ikke gemmes; ret dem og prøv igen."
    assert (
        body["fejl_pr_felt"]["fri.findes-ikke"]
        == "Runden har intet spørgsmål med id 'fri.findes-ikke'."
    )
    assert qid in body["fejl_pr_felt"]


def test_submit_needs_every_status_then_locks_until_reopened(personas: Personas) -> None:
    client = personas.client("albertslund")
    base = f"/api/rounds/{api_round()}/answers/{ALBERTSLUND}/"
    early = client.post(base + "submit/")
    assert early.status_code == 409
    assert _json(early)["fejl"].startswith("Besvarelsen kan ikke indsendes:")
    qids = _status_qids(ALBERTSLUND)
    body = {"answers": dict.fromkeys(qids, "planlagt"), "versions": dict.fromkeys(qids, 0)}
    assert _patch(client, ALBERTSLUND, body).status_code == 200
    submitted = client.post(base + "submit/")
    assert submitted.status_code == 200
    assert _json(submitted)["state"] == "submitted"
    assert _json(submitted)["submitted_by"] == "albertslund"
    locked = _patch(
        client, ALBERTSLUND, {"answers": {qids[0]: "implementeret"}, "versions": {qids[0]: 1}}
    )
    assert locked.status_code == 409 and _json(locked)["kode"] == "forkert_tilstand"
    assert personas.client("aalborg").post(base + "reopen/").status_code == 403
    assert _json(client.post(base + "reopen/"))["state"] == "draft"


def test_a_closed_round_refuses_writes(personas: Personas) -> None:
    rnd = Round.objects.get(slug=api_round())
    rnd.opens_on = dt.date(2014, 1, 1)
    rnd.closes_on = dt.date(2014, 3, 31)
    rnd.save()
    qid = _status_qids(ALBERTSLUND)[0]
    response = _patch(
        personas.client("albertslund"),
        ALBERTSLUND,
        {"answers": {qid: "planlagt"}, "versions": {qid: 0}},
    )
    assert response.status_code == 409
    assert _json(response) == {
        "fejl": "Runden »Opfølgning (API-test)« lukkede 31.03.2014; intet er gemt.",
        "kode": "runden_er_lukket",
    }


# --- errors -----------------------------------------------------------------------------------


def test_bad_json_and_wrong_methods_get_danish_messages(personas: Personas) -> None:
    client = personas.client("albertslund")
    url = f"/api/rounds/{api_round()}/answers/{ALBERTSLUND}/"
    bad = client.patch(url, data="{ikke json", content_type="application/json")
    assert bad.status_code == 400 and _json(bad)["fejl"] == "Forespørgslen er ikke gyldig JSON."
    form = client.patch(url, data="a=1", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415
    assert _json(form)["fejl"] == "Send JSON (Content-Type: application/json)."
    delete = client.delete(url)
    assert delete.status_code == 405 and _json(delete)["kode"] == "metode_ikke_tilladt"


@pytest.mark.parametrize("url", ["/api/intet/her", "/api/rounds/a%0Ab/answers/165/"])
def test_unknown_api_urls_are_danish_json(personas: Personas, url: str) -> None:
    # the second has a newline in it (found by test_security_schemathesis): it was Django's HTML
    response = Client().get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert _json(response)["fejl"] == "Det findes ikke. Se /api/docs/ for API'ets adresser."


def test_a_write_to_an_unknown_api_url_is_a_danish_json_404_not_a_csrf_page(
    personas: Personas,
) -> None:
    # a kommunekode of 20 digits matches no endpoint; the browser session's PATCH without a
    # CSRF token got Django's English HTML 403 (found by test_security_schemathesis)
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.albertslund)
    response = client.patch(f"/api/rounds/x/answers/{'9' * 20}/", data="{}")
    assert response.status_code == 404
    assert _json(response)["kode"] == "findes_ikke"


def test_an_unexpected_error_is_a_danish_500_without_the_details() -> None:
    response = exception_handler(RuntimeError("hemmelig intern detalje"), {})
    assert response.status_code == 500
    assert response.data["kode"] == "intern_fejl"
    assert "hemmelig" not in json.dumps(response.data)


# --- schema -----------------------------------------------------------------------------------


def test_the_openapi_schema_is_valid_and_names_every_endpoint(personas: Personas) -> None:
    from drf_spectacular.validation import validate_schema

    response = personas.client("reader").get("/api/schema/")
    assert response.status_code == 200
    schema = _json(response)
    validate_schema(schema)  # raises on an invalid OpenAPI 3.1 document
    assert schema["openapi"].startswith("3.1")
    assert set(schema["paths"]) >= {
        "/api/catalogue/",
        "/api/rounds/",
        "/api/rounds/{slug}/",
        "/api/rounds/{slug}/questions/",
        "/api/rounds/{slug}/answers/",
        "/api/rounds/{slug}/answers/{kommunekode}/",
        "/api/rounds/{slug}/answers/{kommunekode}/submit/",
        "/api/rounds/{slug}/answers/{kommunekode}/reopen/",
        "/api/releases/",
        "/api/results/",
    }
    assert set(schema["paths"]["/api/rounds/{slug}/answers/{kommunekode}/"]) == {"get", "patch"}
    assert (
        "409" in schema["paths"]["/api/rounds/{slug}/answers/{kommunekode}/"]["patch"]["responses"]
    )
    schemes = schema["components"]["securitySchemes"]
    assert {"tokenAuth", "cookieAuth"} <= set(schemes)
    assert "Catalogue" in schema["components"]["schemas"]


# --- indicator results ------------------------------------------------------------------------


@pytest.fixture
def published(personas: Personas, synthetic_dir: Any, tmp_path_factory: Any) -> Any:
    from dashboard_data import results_for

    from naersund.web.dashboard import releases

    return releases.publish(results_for(synthetic_dir, tmp_path_factory.mktemp("api-results")))


def test_every_logged_in_user_reads_the_published_results(
    personas: Personas, published: Any
) -> None:
    from naersund.web.dashboard.models import ResultRow

    url = f"/api/results/?level=kommune&area={ALBERTSLUND}&year=2014"
    assert Client().get(url).status_code == 401
    body = _json(personas.client("reader").get(url))
    assert body["release"]["id"] == published.pk and body["release"]["synthetic"] is True
    stored = ResultRow.objects.filter(release=published, level="kommune", area_code=165, year=2014)
    assert body["count"] == stored.count() > 0
    by_indicator = {r["indicator"]: r for r in body["results"]}
    for row in stored:
        assert by_indicator[row.indicator]["value"] == row.value
        assert by_indicator[row.indicator]["suppressed"] == row.suppressed
    for row in body["results"]:
        if row["suppressed"]:  # a suppressed cell has no numbers
            assert row["value"] is None and row["numerator"] is None


def test_results_can_be_read_from_an_earlier_release(personas: Personas, published: Any) -> None:
    releases = _json(personas.client("aalborg").get("/api/releases/"))
    assert releases[0]["id"] == published.pk  # newest first
    body = _json(personas.client("aalborg").get(f"/api/results/?release={published.pk}&level=land"))
    assert {r["area_code"] for r in body["results"]} == {0}
    missing = personas.client("aalborg").get("/api/results/?release=99999")
    assert missing.status_code == 404 and _json(missing)["kode"] == "findes_ikke"


def test_a_bad_results_filter_is_named(personas: Personas, published: Any) -> None:
    level = personas.client("reader").get("/api/results/?level=by")
    assert level.status_code == 400
    assert _json(level)["fejl_pr_felt"] == {
        "level": "'by' skal være et af områdeniveauerne kommune, region, region2027, kkr, "
        "sundhedsraad, land."
    }
    year = personas.client("reader").get("/api/results/?year=sidste")
    assert _json(year)["fejl_pr_felt"] == {"year": "'sidste' er ikke et heltal (kun cifrene 0-9)."}


def test_the_docs_page_describes_every_endpoint_in_danish(personas: Personas) -> None:
    page = personas.client("reader").get("/api/docs/").content.decode()
    for line in (
        "GET /api/catalogue/",
        "PATCH /api/rounds/{slug}/answers/{kommunekode}/",
        "POST /api/rounds/{slug}/answers/{kommunekode}/submit/",
        "GET /api/results/",
    ):
        assert line in page
    assert "Authorization: Token &lt;token&gt;" in page
    # rendered on the server: the only scripts are the site's own static files (the page frame)
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and all('src="/static/' in s for s in scripts), scripts


def test_the_schema_links_each_answer_to_the_calls_that_take_its_values(
    personas: Personas,
) -> None:
    from naersund.web.api.links import LINKS

    schema = _json(personas.client("reader").get("/api/schema/"))
    operation_ids = {
        (path, method): op["operationId"]
        for path, item in schema["paths"].items()
        for method, op in item.items()
    }
    for (path, method), links in LINKS.items():
        got = schema["paths"][path][method]["responses"]["200"]["links"]
        assert got == {
            name: {"operationId": operation_ids[(to_path, to_method)], "parameters": parameters}
            for name, to_path, to_method, parameters in links
        }
    answers = schema["paths"]["/api/rounds/{slug}/answers/"]["get"]["responses"]["200"]
    assert answers["links"]["GemSvar"]["parameters"] == {
        "slug": "$request.path.slug",
        "kommunekode": "$response.body#/0/kommunekode",
    }
