"""Shared fixtures: settings, migrated databases, the app with its lifespan, and an ASGI client."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from fastapi import FastAPI

from service.config import Settings, load_settings
from service.main import create_app
from tests.fixtures.database import Databases, backends, database_fixture

# Nothing from the developer's environment leaks into the tests' settings.
for _name in list(os.environ):
    if _name.startswith("GATEWAY_") and not _name.startswith("GATEWAY_TEST_"):
        del os.environ[_name]

MASTER_KEY = Fernet.generate_key().decode()
PEPPER = "test-pepper-" + "k" * 40
CLIENT_ADDR = ("203.0.113.7", 40000)


@pytest.fixture(scope="session")
async def databases(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Databases]:
    dbs = Databases(tmp_path_factory.mktemp("db"))
    yield dbs
    await dbs.close()


@pytest.fixture(params=backends())
async def db_url(request: pytest.FixtureRequest, databases: Databases) -> AsyncIterator[str]:
    """Each storage test runs once on SQLite and once on PostgreSQL."""
    async for url in database_fixture(databases, request.param):
        yield url


@pytest.fixture
async def sqlite_url(databases: Databases) -> AsyncIterator[str]:
    async for url in database_fixture(databases, "sqlite"):
        yield url


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("GATEWAY_TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("GATEWAY_TEST_REDIS_URL is not set and CI=true: Redis tests must run in CI")
        pytest.skip("GATEWAY_TEST_REDIS_URL is not set (Redis runs are required in CI)")
    return url


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    def build(database_url: str, **overrides: Any) -> Settings:
        values: dict[str, Any] = dict(env="test", data_dir=tmp_path / "data", database_url=database_url,
                                      master_keys=MASTER_KEY, key_pepper=PEPPER, rate_limit_per_minute=10_000,
                                      token_requests_per_minute=10_000, log_level="INFO", _env_file=None)
        values.update(overrides)
        return load_settings(**values)

    return build


class Running:
    """An app inside its lifespan plus an ASGI client bound to it."""

    def __init__(self, app: FastAPI, client: httpx.AsyncClient) -> None:
        self.app = app
        self.client = client


@pytest.fixture
async def start_app() -> AsyncIterator[Callable[..., Any]]:
    stack: list[Any] = []

    async def start(settings: Settings, *, client_addr: tuple[str, int] = CLIENT_ADDR,
                    setup: Callable[[FastAPI], None] | None = None) -> Running:
        app = create_app(settings)
        if setup:
            setup(app)
        ctx = app.router.lifespan_context(app)
        await ctx.__aenter__()
        stack.append(ctx)
        transport = httpx.ASGITransport(app=app, client=client_addr)
        client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        stack.append(client)
        return Running(app, client)

    yield start
    for item in reversed(stack):
        if isinstance(item, httpx.AsyncClient):
            await item.aclose()
        else:
            await item.__aexit__(None, None, None)


@pytest.fixture
async def gateway(start_app: Callable[..., Any], make_settings: Callable[..., Settings], db_url: str) -> Running:
    """The app on each database backend."""
    return await start_app(make_settings(db_url))


@pytest.fixture
async def app_sqlite(start_app: Callable[..., Any], make_settings: Callable[..., Settings], sqlite_url: str) -> Running:
    """The app on SQLite only, for tests that are not about storage."""
    return await start_app(make_settings(sqlite_url))


@pytest.fixture(scope="session")
def upstream_server():
    from tests.fixtures.upstream import UpstreamServer

    with UpstreamServer() as state:
        yield state


@pytest.fixture
def upstream(upstream_server):
    """The test upstream with an empty request log."""
    upstream_server.received.clear()
    upstream_server.calls = 0
    return upstream_server
