"""Where the group-commit writer (`service.kit.batching`) puts its batches: one sink per kind of database.

What a batch costs beyond its rows is the transaction's round trip through the driver, so the writer
owns its connection instead of taking a pooled session per batch (measured here, CPU per one-row
batch: session 1.0-1.4 ms; dedicated async connection 0.5 ms on PostgreSQL; for SQLite, whose async
driver hops to a thread for every statement, a synchronous connection: 0.3 ms through one thread
hop per batch, 0.2 ms inline):
- `SqliteSink`: stdlib sqlite3 through a synchronous SQLAlchemy engine on the same file, configured
  identically (WAL, foreign keys, BEGIN IMMEDIATE), committing inline when the database is free and
  in one writer thread (busy timeout as usual) when it is not (see the class);
- `ConnectionSink`: one `AsyncConnection` of the application's engine (PostgreSQL); a batch of one
  table's complete rows goes to asyncpg as one `executemany` in autocommit, one round trip (see
  `ConnectionSink._one_round_trip`), anything else as BEGIN, INSERTs, COMMIT;
- `SessionSink`: a session per batch (anything else, and tests that hand in a sessionmaker).
A sink keeps its connection after a refused row (the transaction is rolled back) and drops it after
any other failure. When the failure was the connection itself (the server restarted, an idle
connection was cut) before COMMIT was sent, the batch is tried once more on a fresh connection, as a
pool's pre-ping would have done; a connection lost during COMMIT is not retried, since the commit may
have happened and a retry could insert the rows twice (the one-round-trip path settles that question
by looking the batch up by primary key instead). A closed sink refuses writes.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, Table, insert, literal, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from service.db import is_sqlite, sqlite_file_engine

logger = logging.getLogger("gateway.batching")

Rows = list[tuple[Table, dict[str, Any]]]
Tables = list[tuple[Table, list[dict[str, Any]]]]


class Sink(Protocol):
    async def commit(self, tables: Tables) -> None: ...

    async def close(self) -> None: ...


class SessionSink:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def commit(self, tables: Tables) -> None:
        async with self._sessionmaker() as session:
            for table, rows in tables:
                await session.execute(insert(table), rows)
            await session.commit()

    async def close(self) -> None:
        return None


class ConnectionSink:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._conn: AsyncConnection | None = None
        self._lock = asyncio.Lock()
        self._closed = False

    async def commit(self, tables: Tables) -> None:
        async with self._lock:
            if self._closed:
                raise RuntimeError("the record writer is closed")
            if len(tables) == 1 and self._engine.dialect.driver == "asyncpg":
                table, rows = tables[0]
                plan = _Insert.of(table, self._engine.dialect)
                params = plan.parameters(rows)
                if params is not None:
                    await self._one_round_trip(table, rows[0], plan.sql, params)
                    return
            for attempt in (1, 2):
                committing = False
                try:
                    if self._conn is None:
                        self._conn = await self._engine.connect()
                    transaction = await self._conn.begin()
                    try:
                        for table, rows in tables:
                            await self._conn.execute(insert(table), rows)
                    except BaseException:
                        with suppress(Exception):  # on a lost connection the rollback fails too
                            await transaction.rollback()
                        raise
                    committing = True
                    await transaction.commit()
                    return
                except BaseException as exc:
                    if _keeps_connection(exc):
                        raise  # a refused row (the transaction is rolled back): the connection is fine
                    await self._drop()
                    # A connection lost during COMMIT may have committed: retrying could insert twice.
                    if attempt == 2 or committing or not _connection_lost(exc):
                        raise

    async def _one_round_trip(self, table: Table, first: dict[str, Any], sql: str,
                              params: list[tuple[Any, ...]]) -> None:
        """The batch as one asyncpg `executemany` outside any transaction: every row, then one Sync, so
        the server runs them in one implicit transaction (atomic since asyncpg 0.22) and the batch costs
        one round trip instead of BEGIN, INSERT and COMMIT. A refused row (a constraint) fails the batch
        and keeps the connection. Any other failure may have struck before or after the server committed:
        the connection is dropped and a fresh one asks whether the first row is there (the batch is
        atomic, so it stands for all of them). Committed: done. Not: tried once more."""
        for attempt in (1, 2):
            try:
                if self._conn is None:
                    self._conn = await self._engine.connect()
                raw = (await self._conn.get_raw_connection()).driver_connection
                if raw.is_in_transaction():  # never left so by this sink; autocommit could not be promised
                    raise RuntimeError("the record writer's connection is inside a transaction")
                await raw.executemany(sql, params)
                return
            except BaseException as exc:
                if _refused(exc):
                    raise
                await self._drop()
                if not isinstance(exc, Exception):  # cancelled: nobody is waiting for the answer
                    raise
                stored = await self._stored(table, first)
                if stored:
                    return
                if stored is None or attempt == 2:
                    raise

    async def _stored(self, table: Table, row: dict[str, Any]) -> bool | None:
        """Whether `row` is in `table` by its primary key, read on a connection of its own; None when the
        row does not carry its key (then nobody can tell, and the batch is not tried again)."""
        key = list(table.primary_key.columns)
        if not key or any(c.key not in row for c in key):
            return None
        async with self._engine.connect() as conn:
            found = await conn.scalar(select(literal(1)).select_from(table)
                                      .where(*(c == row[c.key] for c in key)))
        return found is not None

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with suppress(Exception):
                await conn.invalidate()
            with suppress(Exception):
                await conn.close()

    async def close(self) -> None:
        async with self._lock:
            self._closed = True
            await self._drop()


class SqliteSink:
    """SQLite: commit on the event loop's thread when the database is free, else in the writer thread.

    A hop to a thread and back costs more CPU here than a small WAL commit itself (measured: about
    180 µs against 80-190 µs), so a batch is first tried inline, on a connection that never blocks (busy
    timeout 0, no automatic checkpoints: under synchronous=NORMAL a WAL commit only appends to the
    log, it does not sync). If the database is locked (another worker or connection is writing), the
    batch goes to the writer thread, whose connection waits for the lock as usual.

    Every `CHECKPOINT_EVERY` inline commits a background thread checkpoints the WAL (PASSIVE: it never
    waits for readers or writers), so the log does not grow unbounded. Nobody awaits that checkpoint:
    inline commits go on appending to the log while it runs. (When a batch waited for it, every request
    of that batch stalled for the whole copy, 10-30 ms every couple of seconds under load: the p99.)
    That thread runs at the lowest CPU priority: where the server shares its core (a worker pinned to
    a CPU), copying pages at normal priority took half the core for several milliseconds and slowed the
    requests of that moment by as much; at nice 19 the copy fills the gaps between them instead.
    The log restarts from its beginning only when a write transaction *begins* after a checkpoint has
    copied all of it, which never happens while inline commits run beside the checkpoint. So once a
    background checkpoint reports more than `RESTART_FRAMES` frames in the log (16 MiB of 4 KiB pages),
    the next inline commit first copies the rest itself (what was written since that checkpoint began:
    a few milliseconds of the loop's time) and then begins its transaction, which restarts the log; its
    size therefore stays bounded under any load. Doing that after every background checkpoint (a log of
    about 2 MB) put those milliseconds on one wave of requests every third of a second under load,
    which was the p99; at 16 MiB it is one wave every few seconds. (Handing that batch to the thread
    instead cost its requests 1.5-2.5 ms more: the thread waits for the GIL held by the busy loop.)
    """

    CHECKPOINT_EVERY = 64
    RESTART_FRAMES = 4096

    def __init__(self, engine: Engine, inline: Engine | None = None) -> None:
        self._engine = engine
        self._inline = inline
        self._conn: Connection | None = None  # touched only in the executor's one thread
        self._inline_conn: Connection | None = None  # touched only on the event loop's thread
        self._inline_commits = 0
        self._checkpointing: asyncio.Future[int] | None = None
        self._catch_up = False  # a checkpoint found the log past RESTART_FRAMES: the next commit copies the rest
        self._closed = False
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="record-writer")
        # Checkpoints have a thread (and connection) of their own, at the lowest CPU priority: see the class.
        self._checkpointer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="record-checkpoint",
                                                initializer=_lowest_cpu_priority)
        self._checkpoint_conn: Connection | None = None  # touched only in the checkpointer's thread

    async def commit(self, tables: Tables) -> None:
        if self._closed:
            raise RuntimeError("the record writer is closed")
        loop = asyncio.get_running_loop()
        if self._inline is not None and self._catch_up:
            self._catch_up = False
            self._checkpoint_inline()
        if self._inline is not None and self._try_inline(tables):
            self._inline_commits += 1
            if self._inline_commits >= self.CHECKPOINT_EVERY and self._checkpointing is None:
                self._inline_commits = 0
                self._checkpointing = loop.run_in_executor(self._checkpointer, self._checkpoint)
                self._checkpointing.add_done_callback(self._checkpointed)
            return
        await loop.run_in_executor(self._executor, self._commit, tables)

    def _try_inline(self, tables: Tables) -> bool:
        """True once committed; False when the database was busy (nothing written). Raises on other errors."""
        assert self._inline is not None
        try:
            if self._inline_conn is None:
                self._inline_conn = self._inline.connect()
            _insert_all(self._inline_conn, tables)
            return True
        except OperationalError as exc:
            if _busy(exc):  # BEGIN IMMEDIATE was refused: no transaction, the connection is fine
                with suppress(Exception):
                    self._inline_conn.rollback()  # type: ignore[union-attr]
                return False
            self._inline_conn = _dropped(self._inline_conn)
            raise
        except BaseException as exc:
            if not _keeps_connection(exc):
                self._inline_conn = _dropped(self._inline_conn)
            raise

    def _commit(self, tables: Tables) -> None:
        for attempt in (1, 2):
            try:
                if self._conn is None:
                    self._conn = self._engine.connect()
                _insert_all(self._conn, tables)
                break
            except BaseException as exc:
                if _keeps_connection(exc):
                    raise
                self._conn = _dropped(self._conn)
                if attempt == 2 or not _connection_lost(exc):
                    raise

    def _checkpoint(self) -> int:
        """In the checkpointer's thread, beside the inline commits; returns the frames in the log."""
        self._checkpoint_conn, frames = _passive_checkpoint(self._checkpoint_conn, self._engine)
        return frames

    def _checkpoint_inline(self) -> None:
        """On the loop's thread, between two transactions: copy what the background checkpoint left."""
        assert self._inline is not None
        self._inline_conn, _ = _passive_checkpoint(self._inline_conn, self._inline)

    def _checkpointed(self, future: asyncio.Future[int]) -> None:
        self._checkpointing = None
        # (_checkpoint handles its own errors: a result is always there unless the loop is closing)
        if not future.cancelled() and future.exception() is None and future.result() >= self.RESTART_FRAMES:
            self._catch_up = True

    def _close_thread_connection(self) -> None:
        self._conn = _dropped(self._conn)

    def _close_checkpoint_connection(self) -> None:
        self._checkpoint_conn = _dropped(self._checkpoint_conn)

    async def close(self) -> None:
        self._closed = True
        self._inline_conn = _dropped(self._inline_conn)
        with suppress(Exception):  # runs after any commit still queued in the thread
            await asyncio.get_running_loop().run_in_executor(self._executor, self._close_thread_connection)
        with suppress(Exception):  # after a checkpoint still running
            await asyncio.get_running_loop().run_in_executor(self._checkpointer, self._close_checkpoint_connection)
        self._executor.shutdown(wait=False)
        self._checkpointer.shutdown(wait=False)
        self._engine.dispose()
        if self._inline is not None:
            self._inline.dispose()


def _insert_all(conn: Connection, tables: Tables) -> None:
    with conn.begin():
        for table, rows in tables:
            fast = _Insert.of(table, conn.dialect)
            params = fast.parameters(rows)
            if params is None:
                conn.execute(insert(table), rows)
            else:
                conn.exec_driver_sql(fast.sql, params)  # type: ignore[arg-type]


class _Insert:
    """An INSERT of every column of a table through the driver's own executemany.

    Executing `insert(table)` through SQLAlchemy costs about 130 µs per 16-row batch beyond the
    driver's own work, on the hot path of every recorded request. A row that names every column needs
    none of what that buys (defaults, expressions): its values go through the same bind processors
    SQLAlchemy would apply (`TypeEngine.bind_processor` of each column's type for this dialect), in
    the order of the statement SQLAlchemy's compiler renders for this dialect (casts included), so the
    stored values are identical (tests/test_batching.py compares them). Any other row (one that leaves
    a column to its default), or a dialect with named parameters, takes the SQLAlchemy path. Values are
    always bound parameters.
    """

    _cache: dict[tuple[Table, Any], _Insert] = {}  # by dialect instance: its engine's JSON serialiser etc.

    def __init__(self, table: Table, dialect: Any) -> None:
        compiled = insert(table).compile(dialect=dialect)
        self.sql = compiled.string
        by_key = {c.key: c for c in table.columns}
        self._width = len(by_key) if compiled.positional else -1  # -1: no row fits, take SQLAlchemy's path
        self._columns = [(key, by_key[key].type.dialect_impl(dialect).bind_processor(dialect))
                         for key in compiled.positiontup or ()]

    @classmethod
    def of(cls, table: Table, dialect: Any) -> _Insert:
        plan = cls._cache.get((table, dialect))
        if plan is None:
            plan = cls._cache[(table, dialect)] = cls(table, dialect)
        return plan

    def parameters(self, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]] | None:
        """Positional parameters for every row, or None when a row does not name every column."""
        if any(len(row) != self._width for row in rows):
            return None
        try:
            return [tuple(row[key] if process is None else process(row[key]) for key, process in self._columns)
                    for row in rows]
        except KeyError:
            return None


def _lowest_cpu_priority() -> None:
    """Run the calling thread at nice 19 (Linux, where a thread id names a schedulable task; elsewhere
    the call would name the whole process, so nothing is done). Lowering one's priority needs no privilege."""
    if sys.platform == "linux":
        with suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


def _passive_checkpoint(conn: Connection | None, engine: Engine) -> tuple[Connection | None, int]:
    """Checkpoint the WAL on `conn` (opened from `engine` if need be); returns the connection to keep and
    the number of frames in the log (0 if unknown). PASSIVE copies what it can without waiting for
    readers or writers; it runs outside any transaction, on the driver's connection (SQLAlchemy would
    begin one around it). A failure is logged and the connection dropped: the next round tries again."""
    try:
        if conn is None:
            conn = engine.connect()
        raw = conn.connection.driver_connection
        row = raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()  # type: ignore[union-attr]
        return conn, max(int(row[1]), 0) if row else 0
    except Exception as exc:  # noqa: BLE001
        logger.warning("WAL checkpoint failed", extra={"exc_type": type(exc).__name__})
        return _dropped(conn), 0


def _dropped(conn: Connection | None) -> None:
    if conn is not None:
        with suppress(Exception):
            conn.invalidate()
        with suppress(Exception):
            conn.close()
    return None


def _busy(exc: OperationalError) -> bool:
    code = getattr(exc.orig, "sqlite_errorcode", None)  # extended code: the primary one is its low byte
    return code is not None and (code & 0xFF) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _connection_lost(exc: BaseException) -> bool:
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def _refused(exc: BaseException) -> bool:
    """asyncpg's own error for a row the server refused (integrity or data): its transaction is rolled
    back and the connection is fine."""
    import asyncpg

    return isinstance(exc, asyncpg.IntegrityConstraintViolationError | asyncpg.DataError)


def _keeps_connection(exc: BaseException) -> bool:
    """A statement the database refused (a constraint, say): rolled back, and the connection is healthy."""
    return isinstance(exc, IntegrityError) and not exc.connection_invalidated


def sink_for(engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]) -> Sink:
    """The cheapest sink for the application's database."""
    url = engine.url.render_as_string(hide_password=False)
    if is_sqlite(url):
        sync = sqlite_file_engine(url)
        return SqliteSink(sync, sqlite_file_engine(url, wait=False)) if sync is not None else SessionSink(sessionmaker)
    return ConnectionSink(engine)
