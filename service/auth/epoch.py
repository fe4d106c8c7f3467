"""Reading the auth epoch (see `credentials`) on every authentication, as cheaply as exactness allows.

The read must begin after the request arrived, so it cannot be cached across requests that arrived
after it; what can be cut is its cost, and how many requests one read serves:
- SQLite: the database is a local file, so a dedicated read-only `sqlite3` connection answers an indexed
  one-row SELECT in microseconds, synchronously, without the async ORM's thread hop. One read serves
  every authentication in the same batch of the event loop's ready callbacks (`SameBatch`, which says
  why that is exact).
- PostgreSQL: a dedicated asyncpg connection with a prepared statement, shared by concurrent requests
  through `FreshRead` (one query serves everyone who arrived before it started).
- Anything else: an ORM session, also through `FreshRead`.
Only bound, fixed statements are run.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Generic, Protocol, TypeVar

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

T = TypeVar("T")
_QUERY = "SELECT epoch FROM auth_state WHERE id = 1"


class FreshRead(Generic[T]):
    """Single-flight read whose result is never older than the caller: a caller that arrives while a
    read is in flight waits for the next one, which then serves everybody who queued behind it."""

    def __init__(self, fetch: Callable[[], Awaitable[T]]) -> None:
        self._fetch = fetch
        self._waiters: list[asyncio.Future[T]] = []
        self._running = False

    async def get(self) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._waiters.append(future)
        if not self._running:
            self._running = True
            loop.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._waiters:
                waiters, self._waiters = self._waiters, []
                try:
                    value = await self._fetch()
                except Exception as exc:  # noqa: BLE001 - handed to every waiter
                    for w in waiters:
                        if not w.done():
                            w.set_exception(exc)
                else:
                    for w in waiters:
                        if not w.done():
                            w.set_result(value)
        finally:
            self._running = False


class SameBatch:
    """Whether a value read earlier in the event loop's current batch of ready callbacks may be reused.

    The loop runs its ready callbacks in batches, with an I/O poll between two batches; a callback
    scheduled during a batch runs in a later one. Bytes reach a request only in a poll, and a server
    (uvicorn, like any asyncio server) runs the application in a task whose steps are ready callbacks.
    So every request whose handler runs in batch B was received before B began, and a read made
    anywhere in B began after it arrived: the exactness `credentials` needs. A revocation committed
    by this or another process becomes known to the loop only through I/O, so nothing that ran after
    it shares a batch with a read made before it. `fresh` turns false as the next batch starts (a
    callback scheduled at the read runs then).

    It would not hold if a request's first step ran inside the poll itself, which is what an eager
    task factory does (asyncio.eager_task_factory): with any task factory set, nothing is shared.
    """

    def __init__(self) -> None:
        self.fresh = False

    def mark(self) -> None:
        loop = asyncio.get_running_loop()
        if loop.get_task_factory() is None:
            self.fresh = True
            loop.call_soon(self._expire)

    def _expire(self) -> None:
        self.fresh = False


class EpochSource(Protocol):
    async def read(self) -> int: ...

    async def close(self) -> None: ...


class SqliteEpoch:
    def __init__(self, path: str) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = None
        self._batch = SameBatch()
        self._value = 0

    async def read(self) -> int:
        if self._batch.fresh:
            return self._value
        if self._conn is None:
            self._conn = sqlite3.connect(f"file:{self._path}?mode=ro", uri=True, check_same_thread=False,
                                         isolation_level=None, timeout=5)
        row = self._conn.execute(_QUERY).fetchone()
        self._value = int(row[0]) if row else 0
        self._batch.mark()
        return self._value

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class PostgresEpoch:
    def __init__(self, url: str) -> None:
        self._dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self._conn: object | None = None
        self._lock = asyncio.Lock()
        self._fresh: FreshRead[int] = FreshRead(self._fetch)

    async def _fetch(self) -> int:
        import asyncpg

        if self._conn is None or self._conn.is_closed():  # type: ignore[attr-defined]
            async with self._lock:
                if self._conn is None or self._conn.is_closed():  # type: ignore[attr-defined]
                    self._conn = await asyncio.wait_for(asyncpg.connect(self._dsn), timeout=5)
        try:
            # asyncpg's own timeout: asyncio.wait_for would wrap every read in a task of its own
            value = await self._conn.fetchval(_QUERY, timeout=5)  # type: ignore[attr-defined]
        except Exception:
            conn, self._conn = self._conn, None
            if conn is not None:
                conn.terminate()  # type: ignore[attr-defined]
            raise
        return int(value or 0)

    async def read(self) -> int:
        return await self._fresh.get()

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()  # type: ignore[attr-defined]
            self._conn = None


class OrmEpoch:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        self._fresh: FreshRead[int] = FreshRead(self._fetch)

    async def _fetch(self) -> int:
        from service.auth.repository import AuthStateRepository

        async with self._sessionmaker() as session:
            return await AuthStateRepository(session).epoch()

    async def read(self) -> int:
        return await self._fresh.get()

    async def close(self) -> None:
        return None


def epoch_source(url: str, sessionmaker: async_sessionmaker[AsyncSession]) -> EpochSource:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        return SqliteEpoch(parsed.database)
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() == "asyncpg":
        return PostgresEpoch(url)
    return OrmEpoch(sessionmaker)
