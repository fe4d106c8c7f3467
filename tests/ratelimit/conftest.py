"""Fixtures for the rate-limit backend tests: a fake clock, the test Redis, and a TCP proxy we control.

Redis tests use ``GATEWAY_TEST_REDIS_URL``. Unset, they skip locally but fail under ``CI=true``, so a
CI job that forgot its Redis cannot pass by skipping.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest


class FakeClock:
    """Integer-nanosecond clock for ``MemoryBackend(clock=...)``."""

    def __init__(self, start: int = 1_000 * 10**9) -> None:
        self.now = start

    def __call__(self) -> int:
        return self.now

    def advance(self, ns: int) -> None:
        assert ns >= 0
        self.now += ns


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("GATEWAY_TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("GATEWAY_TEST_REDIS_URL is not set and CI=true: Redis tests must run in CI")
        pytest.skip("GATEWAY_TEST_REDIS_URL is not set")
    return url


@pytest.fixture
def prefix() -> str:
    """A fresh key namespace per test, so tests never share buckets (and can run against a shared Redis)."""
    return f"gw:rl:test:{uuid.uuid4().hex}:"


@pytest.fixture
async def redis_client(redis_url: str, prefix: str):
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url)
    yield client
    keys = [k async for k in client.scan_iter(match=prefix + "*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


class TcpProxy:
    """Forwards a local port to Redis; can drop every connection, refuse new ones, or stall traffic."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self.stalled = False
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening (new connects are refused) and reset every live connection."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, up_writer))
        for src, dst in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pipe(src, dst))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _pipe(self, src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            while data := await src.read(65536):
                while self.stalled:
                    await asyncio.sleep(0.01)
                dst.write(data)
                await dst.drain()
        dst.transport.abort()
        self._writers.discard(dst)

    def url(self, redis_url: str) -> str:
        parts = urlsplit(redis_url)
        netloc = parts.netloc.rsplit("@", 1)
        host = f"127.0.0.1:{self.port}"
        netloc = f"{netloc[0]}@{host}" if len(netloc) == 2 else host
        return urlunsplit(parts._replace(netloc=netloc))


@pytest.fixture
async def redis_proxy(redis_url: str):
    parts = urlsplit(redis_url)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 6379)
    await proxy.start()
    yield proxy
    await proxy.stop()
