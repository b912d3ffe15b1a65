"""A bounded schemathesis pass against the served API: no request gives a server error, and
every answer fits the OpenAPI schema (/api/schema/).

The site is served for real (``naersund serve``: waitress on 127.0.0.1, a free port) on a
database of its own made by ``naersund demo --no-serve`` (catalogue, demo users, demo answers
of all 98 municipalities, an open round, a small synthetic release): an SQLite file, or in the
PostgreSQL pass of ``make test`` a database made for it on that server. It is called as a
reader, a municipality editor and a KKR secretary, each with an API token
(``naersund web create_api_token``):

- every operation with schemathesis' generated requests, valid and invalid ones, and with
  Unicode-heavy values in each path and query parameter (``²``, ``¹⁶⁵``, ``١٦٥``, 5,000
  digits, any text);
- the stateful pass along the schema's OpenAPI links (``naersund.web.api.links``): rounds →
  a round → its answers → one municipality's answer → save, submit, reopen; releases → results.

Bounded by a fixed seed, a number of examples per operation and a time limit per request, so
that a pass takes well under two minutes per database. Marked ``slow``; ``make test`` runs it in
both passes.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.slow

# persona -> demo user (naersund.web.accounts.management.commands.create_demo_users)
PERSONAS = {"reader": "laeser", "editor": "albertslund", "kkr_secretary": "kkr-hovedstaden"}
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
EXAMPLES_PER_OPERATION = 12  # per persona and generation mode
STATEFUL_SCENARIOS = 12  # per persona
REQUEST_SECONDS = 30

# What a person might type or paste where a number is wanted, and anything else
UNICODE_VALUES = st.one_of(
    st.sampled_from(
        ["²", "¹⁶⁵", "١٦٥", "１６５", "१६५", "Ⅻ", "½", "9" * 20, "9" * 5000, "-1", " 165", "165\n"]
    ),
    st.text(st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=8),
    st.text(min_size=1, max_size=30),
)


@dataclass(frozen=True)
class Served:
    base: str
    tokens: dict[str, str]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="module")
def database_url() -> Iterator[str | None]:
    """None for SQLite; in the PostgreSQL pass a database of its own on that server."""
    server = os.environ.get("NAERSUND_TEST_DATABASE_URL")
    if not server:
        yield None
        return
    import psycopg

    name = f"naersund_schemathesis_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_with_database(server, "postgres"), autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(server, name)
    finally:
        with psycopg.connect(_with_database(server, "postgres"), autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NAERSUND_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="naersund.web.settings",
        NAERSUND_DATA_DIR=str(data_dir),
        NAERSUND_DEMO="1",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _naersund(cwd: Path, env: dict[str, str], *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "naersund.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"naersund {' '.join(args)}:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, database_url: str | None) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("schemathesis")
    env = _env(tmp / "data", database_url)
    _naersund(
        tmp, env, "demo", "--no-serve", "--out", str(tmp / "data"), "--years", "2013-2014",
        "--scale", "0.01",
    )  # fmt: skip
    tokens = {
        persona: _naersund(tmp, env, "web", "create_api_token", user).strip()
        for persona, user in PERSONAS.items()
    }
    port = _free_port()
    log = (tmp / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "naersund.cli", "serve", "--port", str(port)],
        env=env,
        cwd=tmp,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/log-ind/", timeout=10):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        yield Served(base=base, tokens=tokens)
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
        errors = [line for line in (tmp / "server.log").read_text().splitlines() if "ERROR" in line]
        print("\n".join(errors[:20]))


def _auth(served: Served, persona: str) -> dict[str, str]:
    return {"Authorization": f"Token {served.tokens[persona]}"}


@pytest.fixture(scope="module")
def api_schema(served: Served) -> Any:
    schema = schemathesis.openapi.from_url(
        f"{served.base}/api/schema/", headers=_auth(served, "reader"), timeout=REQUEST_SECONDS
    )
    return schema


def _bounded(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


def _with_unicode(operation: Any) -> Any:
    """Valid requests with one path or query parameter replaced by a Unicode-heavy value."""
    names = [
        (str(p.location.value), p.name)
        for p in operation.iter_parameters()
        if str(p.location.value) in ("path", "query")
    ]
    if not names:
        return None

    def replace(args: tuple[Any, tuple[str, str], str]) -> Any:
        case, (location, name), value = args
        if location == "path":
            case.path_parameters = {**(case.path_parameters or {}), name: value}
        else:
            case.query = {**(case.query or {}), name: value}
        return case

    return st.tuples(
        operation.as_strategy(GenerationMode.POSITIVE), st.sampled_from(names), UNICODE_VALUES
    ).map(replace)


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_operation_answers_with_a_server_error_or_outside_its_schema(
    served: Served, api_schema: Any, persona: str
) -> None:
    headers = _auth(served, persona)
    failures: dict[str, str] = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        strategies = [
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        ]
        unicode = _with_unicode(operation)
        if unicode is not None:
            strategies.append(unicode)
        for i, strategy in enumerate(strategies):

            @given(case=strategy)
            @_bounded(EXAMPLES_PER_OPERATION)
            def run(case: Any) -> None:
                case.call_and_validate(headers=headers, checks=CHECKS, timeout=REQUEST_SECONDS)

            try:
                run()
            except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
                assert i == 1, operation.label
            except (Exception, BaseExceptionGroup) as exc:
                failures[f"{operation.label} ({['positive', 'negative', 'unicode'][i]})"] = str(
                    exc
                )[:2000]
    assert failures == {}, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())


@pytest.mark.parametrize("persona", PERSONAS)
def test_following_the_links_gives_no_server_error(
    served: Served, api_schema: Any, persona: str
) -> None:
    headers = _auth(served, persona)

    class Workflow(api_schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers, "timeout": REQUEST_SECONDS}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS)

    Workflow.run(
        settings=settings(
            Workflow.TestCase.settings,
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=6,
            derandomize=True,
            database=None,
            deadline=None,
        )
    )
