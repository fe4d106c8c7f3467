"""`service.routing.lean_handler` answers exactly as FastAPI's generic request handler would: the same
requests, good and bad, sent to each data-plane route with each handler give the same status, headers
and body (besides the record id of a successful prediction and the rate-limit counters)."""

from __future__ import annotations

import json

import pytest
from fastapi import Request
from fastapi.routing import APIRoute, request_response
from pydantic import BaseModel
from starlette.responses import Response

from service.auth.guards import AdminPrincipal
from service.routing import lean_handler, protected_router
from tests.fixtures.principals import bearer, make_client, make_key

LEAN = {"/v1/redact": {"text": "Call Maria Garcia on +1 415 555 0132 or maria.garcia@example.com."},
        "/v1/redact/batch": {"items": [{"text": "Mail maria.garcia@example.com"}, {"text": "nothing"}]},
        "/v1/predict": {"input": "I love it, thanks Maria Garcia!"},
        "/v1/chat/completions": {"model": "gpt-x", "messages": [{"role": "user", "content": "hi Maria"}]}}
VOLATILE_HEADERS = {"ratelimit-remaining", "ratelimit-reset", "content-length"}


def _routes(app) -> dict[str, APIRoute]:
    return {r.path: r for r in app.router.routes if isinstance(r, APIRoute) and "POST" in r.methods}


def test_the_lean_handler_serves_exactly_the_data_plane_routes(app_sqlite) -> None:
    lean = {path for path, route in _routes(app_sqlite.app).items() if lean_handler(route) is not None}
    assert lean == set(LEAN)
    # (decrypt returns a model, not a Response; the control plane takes sessions and other dependencies)


class Body(BaseModel):
    text: str


def test_routes_of_other_shapes_keep_fastapis_handler() -> None:
    router = protected_router()

    @router.post("/lean")
    async def lean(body: Body, request: Request, principal: AdminPrincipal) -> Response:
        return Response()

    @router.post("/model-out")
    async def model_out(body: Body, request: Request, principal: AdminPrincipal) -> Body:
        return body

    @router.post("/unresolvable")
    async def unresolvable(body: Body, request: Request, principal: AdminPrincipal) -> NoSuchType:  # noqa: F821
        return Response()

    @router.post("/query/{item}")
    async def with_path(item: str, body: Body, principal: AdminPrincipal) -> Response:
        return Response()

    @router.post("/sync")
    def sync(body: Body, principal: AdminPrincipal) -> Response:
        return Response()

    shapes = {r.path: lean_handler(r) is not None for r in router.routes}
    assert shapes == {"/lean": True, "/model-out": False, "/unresolvable": False, "/query/{item}": False,
                      "/sync": False}


def _cases(path: str, good: dict, key: str, other_key: str) -> list[tuple[str, dict[str, str], bytes]]:
    ok = json.dumps(good).encode()
    js = {"Content-Type": "application/json", **bearer(key)}
    first_field = next(iter(good))
    return [
        ("valid", js, ok),
        ("charset", {**js, "Content-Type": "application/json; charset=utf-8"}, ok),
        ("+json", {**js, "Content-Type": "application/merge-patch+json"}, ok),
        ("upper case type", {**js, "Content-Type": "Application/JSON"}, ok),
        ("text/plain", {**js, "Content-Type": "text/plain"}, ok),
        ("no content type", bearer(key), ok),
        ("broken json", js, ok[:-3]),
        ("not utf-8", js, b"\xff\xfe\xfd{"),
        ("empty body", js, b""),
        ("array", js, b"[]"),
        ("extra field", js, json.dumps({**good, "surplus": 1}).encode()),
        ("missing field", js, json.dumps({k: v for k, v in good.items() if k != first_field}).encode()),
        ("wrong type", js, json.dumps({**good, first_field: 12}).encode()),
        ("surrogate", js, ok.replace(b"Maria", b"\\ud800") if b"Maria" in ok else b'{"text": "\\ud800"}'),
        ("no credential, broken json", {"Content-Type": "application/json"}, ok[:-3]),
        ("no credential, bad body", {"Content-Type": "application/json"}, b"[]"),
        ("bad credential, valid", {**js, "Authorization": "Bearer gk_0123456789abcdef_" + "x" * 40}, ok),
        ("other scope, bad body", {**js, **bearer(other_key)}, b"{}"),
        ("other scope, valid", {**js, **bearer(other_key)}, ok),
    ]


def _normal(response) -> tuple[int, dict[str, str], object]:
    headers = {k: v for k, v in response.headers.items() if k not in VOLATILE_HEADERS}
    try:
        body = response.json()
    except ValueError:
        body = response.content
    if isinstance(body, dict):
        body.pop("id", None)  # a prediction's record id: new on every call
    return response.status_code, headers, body


@pytest.mark.parametrize("path", sorted(LEAN))
async def test_lean_handler_answers_as_fastapis_handler(app_sqlite, path: str) -> None:
    app = app_sqlite.app
    creds = await make_client(app, "redactor", "predictor")
    _, key = await make_key(app, creds.client_id)
    auditor = await make_client(app, "auditor")
    _, other_key = await make_key(app, auditor.client_id)
    route = _routes(app)[path]
    lean_app = route.app
    generic_app = request_response(route.get_route_handler())  # what APIRoute itself builds
    try:
        for name, headers, content in _cases(path, LEAN[path], key, other_key):
            headers = {**headers, "X-Request-ID": "equivalence-check"}
            answers = []
            for handler_app in (lean_app, generic_app):
                route.app = handler_app
                answers.append(_normal(await app_sqlite.client.post(path, headers=headers, content=content)))
            assert answers[0] == answers[1], name
    finally:
        route.app = lean_app
