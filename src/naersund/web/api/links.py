"""OpenAPI links between the API's operations: how a value in one answer is the parameter of
the next call (a round's slug from the list of rounds, a municipality's code from the list of
answers, a release's id from the list of releases).

They tell a client (and a stateful API tester such as schemathesis) which calls follow one
another: rounds → a round → its questions and answers → one municipality's answer → save,
submit, reopen. drf-spectacular cannot derive them; :func:`add_links` is one of its
``POSTPROCESSING_HOOKS`` (settings ``SPECTACULAR_SETTINGS``).
"""

from __future__ import annotations

from typing import Any

ROUNDS = "/api/rounds/"
ROUND = "/api/rounds/{slug}/"
QUESTIONS = "/api/rounds/{slug}/questions/"
ANSWERS = "/api/rounds/{slug}/answers/"
ANSWER = "/api/rounds/{slug}/answers/{kommunekode}/"
SUBMIT = "/api/rounds/{slug}/answers/{kommunekode}/submit/"
REOPEN = "/api/rounds/{slug}/answers/{kommunekode}/reopen/"
RELEASES = "/api/releases/"
RESULTS = "/api/results/"

# where a parameter comes from, per kind of answer
_ROUND_FROM_LIST = {"slug": "$response.body#/0/slug"}
_ROUND_FROM_ONE = {"slug": "$response.body#/slug"}
_ANSWER_FROM_LIST = {"slug": "$request.path.slug", "kommunekode": "$response.body#/0/kommunekode"}
_ANSWER_FROM_ONE = {"slug": "$response.body#/round", "kommunekode": "$response.body#/kommunekode"}

# (from path, from method) -> [(link name, to path, to method, parameters)]
LINKS: dict[tuple[str, str], list[tuple[str, str, str, dict[str, str]]]] = {
    (ROUNDS, "get"): [("Runde", ROUND, "get", _ROUND_FROM_LIST)],
    (ROUND, "get"): [
        ("Spoergsmaal", QUESTIONS, "get", _ROUND_FROM_ONE),
        ("Besvarelser", ANSWERS, "get", _ROUND_FROM_ONE),
    ],
    (ANSWERS, "get"): [
        ("Besvarelse", ANSWER, "get", _ANSWER_FROM_LIST),
        ("GemSvar", ANSWER, "patch", _ANSWER_FROM_LIST),
        ("Indsend", SUBMIT, "post", _ANSWER_FROM_LIST),
        ("Genaabn", REOPEN, "post", _ANSWER_FROM_LIST),
    ],
    **{
        (path, method): [
            ("Besvarelse", ANSWER, "get", _ANSWER_FROM_ONE),
            ("GemSvar", ANSWER, "patch", _ANSWER_FROM_ONE),
            ("Indsend", SUBMIT, "post", _ANSWER_FROM_ONE),
            ("Genaabn", REOPEN, "post", _ANSWER_FROM_ONE),
        ]
        for path, method in ((ANSWER, "get"), (ANSWER, "patch"), (SUBMIT, "post"), (REOPEN, "post"))
    },
    (RELEASES, "get"): [("Resultater", RESULTS, "get", {"release": "$response.body#/0/id"})],
}


def _operation_id(schema: dict[str, Any], path: str, method: str) -> str | None:
    op = schema.get("paths", {}).get(path, {}).get(method)
    return None if op is None else op.get("operationId")


def add_links(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the links of :data:`LINKS` on each 200 answer."""
    for (path, method), links in LINKS.items():
        op = result.get("paths", {}).get(path, {}).get(method)
        if op is None or "200" not in op.get("responses", {}):
            continue
        out: dict[str, Any] = {}
        for name, to_path, to_method, parameters in links:
            target = _operation_id(result, to_path, to_method)
            if target is not None:
                out[name] = {"operationId": target, "parameters": dict(parameters)}
        if out:
            op["responses"]["200"]["links"] = out
    return result
