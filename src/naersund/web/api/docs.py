"""/api/docs/: the API described for people, from the same OpenAPI schema as /api/schema/,
rendered on the server (no JavaScript, nothing from a CDN)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator

from naersund.web.accounts import access

PATH_PARAMETERS = {
    "slug": "Rundens id, fx opfoelgning-2014 (se GET /api/rounds/).",
    "kommunekode": "Kommunens kode, fx 165 for Albertslund.",
}
METHODS = ("get", "post", "put", "patch", "delete")
STATUS_DA = {
    "200": "OK",
    "400": "Ugyldig forespørgsel",
    "401": "Ikke logget ind",
    "403": "Ingen adgang",
    "404": "Findes ikke",
    "409": "Konflikt",
}


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    ops = []
    for path, item in schema["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [
                {
                    "name": p["name"],
                    "where": {"path": "i adressen", "query": "i forespørgslen"}.get(
                        p["in"], p["in"]
                    ),
                    "required": p.get("required", False),
                    "description": p.get("description") or PATH_PARAMETERS.get(p["name"], ""),
                }
                for p in op.get("parameters", [])
            ]
            ops.append(
                {
                    "id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", "").replace("``", ""),
                    "parameters": params,
                    "has_body": "requestBody" in op,
                    "responses": [
                        (code, STATUS_DA.get(code, "")) for code in sorted(op.get("responses", {}))
                    ],
                }
            )
    return ops


@login_required
def docs(request: HttpRequest) -> HttpResponse:
    if not access.can_view_catalogue(request.user):
        raise PermissionDenied
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return render(request, "api/docs.html", {"operations": _operations(schema)})
