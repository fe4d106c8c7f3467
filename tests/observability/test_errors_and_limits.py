"""Problem details for every error, the body limit, request ids and security headers."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi import FastAPI

from tests.fixtures.principals import bearer, get_token, make_client

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert {"type", "title", "status", "detail", "request_id"} <= set(body)
    assert body["status"] == status
    assert body["request_id"] == response.headers["x-request-id"]
    return body


def _boom(app: FastAPI) -> None:
    @app.get("/test/boom")
    async def boom() -> dict:
        raise RuntimeError("canary-7f3a secret text in an exception")

    @app.post("/test/echo")
    async def echo(body: dict) -> dict:
        return {"keys": len(body)}


class TestHealth:
    async def test_healthz_and_readyz_answer_200(self, gateway) -> None:
        assert (await gateway.client.get("/healthz")).json() == {"status": "ok"}
        ready = await gateway.client.get("/readyz")
        assert ready.status_code == 200 and ready.json() == {"status": "ready"}

    async def test_readyz_is_503_problem_when_the_database_is_unreachable(self, start_app, make_settings,
                                                                          sqlite_url) -> None:
        running = await start_app(make_settings(sqlite_url))
        await running.app.state.engine.dispose()
        from service.db import create_engine

        running.app.state.engine = create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
        body = assert_problem(await running.client.get("/readyz"), 503)
        assert "127.0.0.1" not in json.dumps(body)


class TestProblemDetails:
    async def test_unknown_path_is_404_problem(self, app_sqlite) -> None:
        assert_problem(await app_sqlite.client.get("/no/such/path"), 404)

    async def test_wrong_method_is_405_problem(self, app_sqlite) -> None:
        assert_problem(await app_sqlite.client.delete("/healthz"), 405)

    async def test_exception_in_route_is_generic_500_without_internals(self, start_app, make_settings, sqlite_url,
                                                                      caplog) -> None:
        running = await start_app(make_settings(sqlite_url), setup=_boom)
        with caplog.at_level(logging.INFO):
            response = await running.client.get("/test/boom")
        body = assert_problem(response, 500)
        assert "canary" not in response.text and "RuntimeError" not in response.text
        assert "Traceback" not in response.text and "boom" not in body["detail"]
        assert "canary" not in caplog.text

    async def test_malformed_json_is_422_problem_without_echo(self, start_app, make_settings, sqlite_url) -> None:
        running = await start_app(make_settings(sqlite_url), setup=_boom)
        response = await running.client.post("/test/echo", content=b'{"a": "canary-91ce", ',
                                             headers={"content-type": "application/json"})
        body = assert_problem(response, 422)
        assert "canary" not in response.text
        assert body["errors"] and all(set(e) == {"loc", "msg", "type"} for e in body["errors"])

    async def test_schema_violation_does_not_echo_input(self, start_app, make_settings, sqlite_url) -> None:
        running = await start_app(make_settings(sqlite_url), setup=_boom)
        response = await running.client.post("/test/echo", json=["canary-4411"])
        assert_problem(response, 422)
        assert "canary" not in response.text

    async def test_malformed_json_on_a_real_route_is_422(self, app_sqlite) -> None:
        admin = await make_client(app_sqlite.app, "admin")
        token = await get_token(app_sqlite.client, admin)
        response = await app_sqlite.client.post("/v1/clients", content=b"{nope",
                                                headers={**bearer(token), "content-type": "application/json"})
        assert_problem(response, 422)


class TestBodyLimit:
    async def test_declared_oversized_body_is_413(self, start_app, make_settings, sqlite_url) -> None:
        running = await start_app(make_settings(sqlite_url), setup=_boom)
        response = await running.client.post("/test/echo", content=b"x" * (3 * 1024 * 1024),
                                             headers={"content-type": "application/json"})
        assert_problem(response, 413)

    async def test_chunked_oversized_body_without_content_length_is_413(self, start_app, make_settings,
                                                                         sqlite_url) -> None:
        running = await start_app(make_settings(sqlite_url), setup=_boom)
        sent = 0

        async def chunks():
            nonlocal sent
            for _ in range(48):  # 3 MiB in 64 KiB chunks
                sent += 1
                yield b"x" * 65536

        response = await running.client.post("/test/echo", content=chunks(),
                                             headers={"content-type": "application/json"})
        assert "content-length" not in response.request.headers
        assert_problem(response, 413)

    async def test_body_under_the_limit_passes(self, start_app, make_settings, sqlite_url) -> None:
        running = await start_app(make_settings(sqlite_url, max_body_bytes=4096), setup=_boom)
        ok = await running.client.post("/test/echo", json={"a": "x" * 1000})
        assert ok.status_code == 200
        assert_problem(await running.client.post("/test/echo", json={"a": "x" * 5000}), 413)

    async def test_non_numeric_content_length_is_400(self, start_app, make_settings, sqlite_url) -> None:
        running = await start_app(make_settings(sqlite_url), setup=_boom)
        from service.observability.middleware import GatewayMiddleware

        sent: list[dict] = []

        async def receive():
            return {"type": "http.request", "body": b"{}", "more_body": False}

        async def send(message):
            sent.append(message)

        middleware = GatewayMiddleware(running.app, running.app.state.settings)
        scope = {"type": "http", "method": "POST", "path": "/test/echo", "raw_path": b"/test/echo",
                 "query_string": b"", "headers": [(b"content-length", b"12abc")], "client": ("1.2.3.4", 5),
                 "scheme": "http", "server": ("t", 80), "http_version": "1.1", "root_path": ""}
        await middleware(scope, receive, send)
        assert sent[0]["status"] == 400


class TestRequestIdAndHeaders:
    async def test_sane_request_id_is_echoed(self, app_sqlite) -> None:
        response = await app_sqlite.client.get("/healthz", headers={"X-Request-ID": "abc-123.def"})
        assert response.headers["x-request-id"] == "abc-123.def"

    @pytest.mark.parametrize("value", ["has space", "a" * 300, "<script>", "x\ty", "../../etc"])
    async def test_insane_request_id_is_replaced(self, app_sqlite, value: str) -> None:
        response = await app_sqlite.client.get("/healthz", headers={"X-Request-ID": value})
        assert response.headers["x-request-id"] != value
        assert len(response.headers["x-request-id"]) == 32

    async def test_security_headers_on_every_response(self, app_sqlite) -> None:
        for response in (await app_sqlite.client.get("/healthz"), await app_sqlite.client.get("/missing")):
            h = response.headers
            assert h["x-content-type-options"] == "nosniff"
            assert h["x-frame-options"] == "DENY"
            assert h["referrer-policy"] == "no-referrer"
            assert "frame-ancestors 'none'" in h["content-security-policy"]
            assert h["cache-control"] == "no-store"
            assert "strict-transport-security" not in h  # plain http: browsers ignore it, we don't send it

    async def test_request_log_line_has_ids_and_template_but_no_query(self, app_sqlite, caplog) -> None:
        with caplog.at_level(logging.INFO, logger="gateway.access"):
            await app_sqlite.client.get("/v1/clients/cl_x?secret=canary-q-55", headers={"X-Request-ID": "rid-1"})
        records = [r for r in caplog.records if r.name == "gateway.access"]
        assert records and records[-1].request_id == "rid-1"
        assert records[-1].route == "/v1/clients/{client_id}"
        assert records[-1].status == 401
        assert "canary" not in caplog.text


class TestDocs:
    async def test_openapi_document_is_valid_openapi_31(self, app_sqlite) -> None:
        from openapi_spec_validator import validate

        spec = (await app_sqlite.client.get("/openapi.json")).json()
        assert spec["openapi"].startswith("3.1")
        validate(spec)

    async def test_docs_page_serves_swagger_ui_for_the_spec(self, app_sqlite) -> None:
        response = await app_sqlite.client.get("/docs")
        assert response.status_code == 200
        assert "swagger-ui" in response.text and "/openapi.json" in response.text
        assert "cdn.jsdelivr.net" in response.headers["content-security-policy"]
