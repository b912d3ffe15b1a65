"""Concurrent saves with real threads, each on its own database connection, on PostgreSQL.

The other survey tests show the optimistic check one save after another. Here several editors
press *Gem* at the same moment: the response row lock (``select_for_update``) must make them
take turns, so that exactly one wins and the others are refused with :class:`Conflict`, and
nothing is written twice. SQLite has no row locks (it refuses a second writer outright), so
these run in the PostgreSQL pass of ``make test`` and are skipped on SQLite.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections
from test_survey_services import HJEMMEBESOEG, open_round
from web_personas import ALBERTSLUND

from naersund.web.survey import services
from naersund.web.survey.models import Answer, Change, Response, Round
from require import ONLY_ON_POSTGRESQL

# every editor picks a different status, or a save of the value already stored would write
# nothing and need no refusal
T = TypeVar("T")
STATUSES = ["implementeret", "under_implementering", "ikke_paabegyndt", "planlagt"]


def elsewhere(fn: Callable[[], T]) -> T:
    """``fn()`` on a thread of its own, so on a connection of its own that commits: the test's
    connection sits in a transaction that the editors' connections cannot see into."""

    def run() -> T:
        try:
            return fn()
        finally:
            connections.close_all()  # this thread's connection

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


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
def committed_round(db: None) -> Iterator[Round]:
    """An open round committed where every connection sees it, deleted again with everything
    in it afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip(ONLY_ON_POSTGRESQL)
    rnd = elsewhere(lambda: open_round(slug=f"samtidig-{uuid.uuid4().hex[:8]}"))
    try:
        yield rnd
    finally:
        elsewhere(rnd.delete)


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


# The test's own connection reads what the editors committed (PostgreSQL's READ COMMITTED
# shows each statement what was committed before it), but writes only through elsewhere().


def test_of_editors_saving_the_same_answer_at_once_one_wins_and_the_rest_are_refused(
    committed_round: Round,
) -> None:
    rnd = committed_round
    editor = User.objects.get(username="albertslund")

    def first_save() -> dict[str, int]:
        services.save_answers(rnd, ALBERTSLUND, editor, {HJEMMEBESOEG: "planlagt"})
        return services.versions_of(services.response_of(rnd, ALBERTSLUND))

    seen = elsewhere(first_save)  # all three editors opened the page after this
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
