"""The app with the records domain wired in (as `service.main` will wire it), and record factories.

`with_records` adds to an app, before its lifespan runs, what the lead adds to `create_app`: the data
key store (verified at start), the retention task, the records router, and for these tests a stand-in
data-plane route (`POST /test/echo`, scope `predict`) that records its request like `/v1/predict`.
A test-only middleware lets a request act as a synthetic principal (`X-Test-Principal`), to reach the
"records:read without auditor/admin" branch that no built-in role grants today.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from fastapi import FastAPI, Request
from pydantic import BaseModel
from starlette.routing import NoMatchFound

from service.auth.guards import require
from service.auth.principal import Principal
from service.auth.scopes import Scope
from service.config import Settings
from service.kit.crypto import master_fernet
from service.kit.keystore import DataKeyStore
from service.records import router as records_router
from service.records import service as records_service
from service.records.retention import retention_loop
from service.routing import protected_router

Predictor = require(Scope.PREDICT)


class EchoIn(BaseModel):
    input: str


class EchoOut(BaseModel):
    id: str
    output: str


def _echo_router() -> Any:
    router = protected_router(tags=["test"])

    @router.post("/test/echo")
    async def echo(body: EchoIn, request: Request, principal: Predictor) -> EchoOut:
        started = time.perf_counter()
        record_id = records_service.new_record_id()
        await records_service.write_record(
            request.app.state, principal=principal, route="/v1/predict", model="echo", status=200,
            latency_ms=(time.perf_counter() - started) * 1000, entity_counts={"EMAIL_ADDRESS": 1},
            usage={"prompt_tokens": 3, "completion_tokens": 3},
            content={"input": body.input, "output": {"text": body.input}}, record_id=record_id)
        return EchoOut(id=record_id, output=body.input)

    return router


class _TestPrincipal:
    """Outermost ASGI middleware: `X-Test-Principal: <client id>` acts as a records:read-only principal."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:  # type: ignore[type-arg]
        if scope["type"] == "http":
            for name, value in scope.get("headers", []):
                if name == b"x-test-principal":
                    scope.setdefault("state", {})["principal"] = Principal(
                        client_id=value.decode(), scopes=frozenset({Scope.RECORDS_READ.value}), roles=("reader",))
        await self.app(scope, receive, send)


def with_records(settings: Settings, *, retention: bool = False) -> Callable[[FastAPI], None]:
    def setup(app: FastAPI) -> None:
        try:
            app.url_path_for("list_records")  # already wired by service.main
        except NoMatchFound:
            app.include_router(records_router.router)
        app.include_router(_echo_router())
        app.add_middleware(_TestPrincipal)
        inner = app.router.lifespan_context

        @asynccontextmanager
        async def lifespan(app: FastAPI) -> AsyncIterator[None]:
            async with inner(app):
                if getattr(app.state, "keystore", None) is None:
                    app.state.keystore = DataKeyStore(app.state.sessionmaker, master_fernet(settings.master_key_list))
                    await app.state.keystore.verify_all()
                task = asyncio.get_running_loop().create_task(retention_loop(app)) if retention else None
                try:
                    yield
                finally:
                    if task:
                        task.cancel()

        app.router.lifespan_context = lifespan

    return setup


@pytest.fixture
async def records_gateway(start_app: Callable[..., Any], make_settings: Callable[..., Settings], db_url: str) -> Any:
    """The app with records, on SQLite and on PostgreSQL."""
    settings = make_settings(db_url)
    return await start_app(settings, setup=with_records(settings))


def principal_of(client_id: str, *roles: str, key_id: str | None = None) -> Principal:
    from service.auth.roles import scopes_for_roles

    return Principal(client_id=client_id, scopes=scopes_for_roles(roles), roles=tuple(roles), key_id=key_id)


async def write(app: FastAPI, principal: Principal, *, route: str = "/v1/predict", **kwargs: Any) -> str:
    """write_record with defaults for everything but the principal (content defaults to a small dict)."""
    values: dict[str, Any] = dict(model="m", status=200, latency_ms=1.5, entity_counts={"PERSON": 1},
                                  usage={"prompt_tokens": 1}, content={"input": "x"})
    values.update(kwargs)
    return await records_service.write_record(app.state, principal=principal, route=route, **values)
