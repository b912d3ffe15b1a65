"""Concurrent saves with real threads, each on its own database connection, on SQLite and on
PostgreSQL.

The other survey tests show the optimistic check one save after another. Here several editors
press *Gem* at the same moment: they must take turns (PostgreSQL: the response row lock,
``select_for_update``; SQLite: ``BEGIN IMMEDIATE``, the settings' ``transaction_mode``, which
takes the database's write lock when the transaction starts), so that exactly one wins, the
others are refused with :class:`Conflict` (a 409 in the API) and nothing is written twice.
Before ``BEGIN IMMEDIATE``, SQLite refused the late editors with "database is locked" (a 500).

The tests use ``transactional_db``: the test's own connection must not sit in a transaction,
since on SQLite that alone holds the write lock. The database is emptied afterwards, so the
rows every web test counts on are made again (:func:`web_personas.create_shared_rows`).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connections
from django.test import Client
from test_survey_services import HJEMMEBESOEG, open_round
from web_personas import ALBERTSLUND, create_shared_rows

from naersund.web.survey import services
from naersund.web.survey.models import Answer, Change, Response, Round

# every editor picks a different status, or a save of the value already stored would write
# nothing and need no refusal
STATUSES = ["implementeret", "under_implementering", "ikke_paabegyndt", "planlagt"]


@pytest.fixture(autouse=True)
def slow_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every save holds its transaction open a little longer after reading the stored answers,
    so that the editors' transactions surely overlap instead of finishing one by one."""
    read = services.answers_of

    def slow(response: Response | None) -> dict[str, Answer]:
        found = read(response)
        time.sleep(0.2)
        return found

    monkeypatch.setattr(services, "answers_of", slow)


@pytest.fixture
def shared_rows_again(django_db_blocker: Any) -> Iterator[None]:
    """Set up before ``transactional_db``, so torn down after it has emptied the database."""
    yield
    with django_db_blocker.unblock():
        create_shared_rows()


@pytest.fixture
def committed_round(shared_rows_again: None, transactional_db: None) -> Round:
    """An open round, committed where every connection sees it."""
    return open_round(slug=f"samtidig-{uuid.uuid4().hex[:8]}")


def race(editors: int, action: Callable[[int], object]) -> list[str]:
    """Run ``action(i)`` for ``editors`` editors at once, each in its own thread and
    connection; per editor "ok" or "conflict"."""
    start = threading.Barrier(editors)

    def one(i: int) -> str:
        try:
            start.wait()
            action(i)
            return "ok"
        except services.Conflict:
            return "conflict"
        finally:
            connections.close_all()  # this thread's connection

    with ThreadPoolExecutor(editors) as pool:
        return list(pool.map(one, range(editors)))


def test_of_editors_saving_the_same_answer_at_once_one_wins_and_the_rest_are_refused(
    committed_round: Round,
) -> None:
    rnd = committed_round
    editor = User.objects.get(username="albertslund")

    def first_save() -> dict[str, int]:
        services.save_answers(rnd, ALBERTSLUND, editor, {HJEMMEBESOEG: "planlagt"})
        return services.versions_of(services.response_of(rnd, ALBERTSLUND))

    seen = first_save()  # all three editors opened the page after this
    values = STATUSES[:3]  # each a change from the stored "planlagt"

    outcome = race(
        3,
        lambda i: services.save_answers(rnd, ALBERTSLUND, editor, {HJEMMEBESOEG: values[i]}, seen),
    )

    assert sorted(outcome) == ["conflict", "conflict", "ok"]
    answer = Answer.objects.get(response__round=rnd, question__qid=HJEMMEBESOEG)
    assert answer.version == 2  # written once after the first save, not once per editor
    assert answer.value == values[outcome.index("ok")]
    history = Change.objects.filter(response__round=rnd, question__qid=HJEMMEBESOEG)
    assert [c.new_value for c in history.order_by("changed_at", "pk")] == ["planlagt", answer.value]


def test_of_editors_opening_an_unanswered_questionnaire_at_once_one_response_is_made(
    committed_round: Round,
) -> None:
    rnd = committed_round
    editor = User.objects.get(username="albertslund")

    # nobody has answered: every editor saw version 0, and the response does not exist yet
    outcome = race(
        4,
        lambda i: services.save_answers(
            rnd, ALBERTSLUND, editor, {HJEMMEBESOEG: STATUSES[i]}, {HJEMMEBESOEG: 0}
        ),
    )

    assert sorted(outcome) == ["conflict", "conflict", "conflict", "ok"]
    assert Response.objects.filter(round=rnd, kommunekode=ALBERTSLUND).count() == 1
    answer = Answer.objects.get(response__round=rnd, question__qid=HJEMMEBESOEG)
    assert (answer.version, answer.value) == (1, STATUSES[outcome.index("ok")])


def test_of_editors_saving_through_the_api_at_once_none_gets_a_server_error(
    committed_round: Round,
) -> None:
    """The issue's case: many PATCHes at once. On SQLite 7 of 24 were a 500 ("database is
    locked"); now each is a 200 or a Danish 409."""
    rnd = committed_round
    editor = User.objects.get(username="albertslund")
    services.save_answers(rnd, ALBERTSLUND, editor, {HJEMMEBESOEG: "planlagt"})
    seen = services.versions_of(services.response_of(rnd, ALBERTSLUND))
    url = f"/api/rounds/{rnd.slug}/answers/{ALBERTSLUND}/"
    editors = 12
    clients = [Client() for _ in range(editors)]
    for client in clients:
        client.force_login(editor)
    responses: dict[int, Any] = {}

    def patch(i: int) -> None:
        # a different text each, so that every late save would change something
        body = {"tilbagemelding": f"Udkast nr. {i}", "response_version": 0, "versions": seen}
        responses[i] = clients[i].patch(url, data=json.dumps(body), content_type="application/json")

    race(editors, patch)

    statuses = sorted(r.status_code for r in responses.values())
    assert statuses == [200] + [409] * (editors - 1)
    refused = [json.loads(r.content.decode()) for r in responses.values() if r.status_code == 409]
    assert {b["kode"] for b in refused} == {"konflikt"}
    assert all("Tilbagemeldingen er ændret af" in b["fejl"] for b in refused)
    winner = next(i for i, r in responses.items() if r.status_code == 200)
    stored = services.response_of(rnd, ALBERTSLUND)
    assert stored is not None
    assert (stored.tilbagemelding, stored.version) == (f"Udkast nr. {winner}", 1)
