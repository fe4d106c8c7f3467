"""Group commit through the writer's own connection, on SQLite and PostgreSQL (`service.kit.batching`,
`service.kit.sinks`)."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, insert, select, text
from sqlalchemy.engine import make_url

from service.db import create_engine, create_sessionmaker, sqlite_file_engine
from service.kit.crypto import Ciphertext
from service.kit.batching import BatchWriter
from service.kit.sinks import ConnectionSink, SessionSink, SqliteSink, sink_for
from service.models import AuditEvent, RequestRecord
from service.models.types import utcnow
from service.records.service import new_record_id

AUDIT = AuditEvent.__table__
RECORDS = RequestRecord.__table__


def _event(action: str) -> dict:
    return {"action": action, "outcome": "success", "created_at": utcnow()}


def _orphan_record() -> dict:
    """A record naming a data key that does not exist (an erased client's): the foreign key refuses it."""
    return {"id": new_record_id(), "client_id": "cl_missing", "key_id": None, "route": "/v1/redact", "model": None,
            "status": 200, "latency_ms": 1.0, "created_at": utcnow(), "entity_counts": {}, "usage": None,
            "raw_input": False, "data_key_id": "dk_erased", "content": None}


@pytest.fixture
async def storage(db_url: str):
    engine = create_engine(db_url)
    sessionmaker = create_sessionmaker(engine)
    writer = BatchWriter(sink=sink_for(engine, sessionmaker))
    writer.start()
    try:
        yield engine, sessionmaker, writer
    finally:
        await writer.close()
        await engine.dispose()


async def _actions(sessionmaker, prefix: str) -> list[str]:
    async with sessionmaker() as session:
        return list(await session.scalars(select(AuditEvent.action).where(AuditEvent.action.startswith(prefix))))


async def test_each_database_gets_the_writer_connection_that_suits_it(db_url: str) -> None:
    engine = create_engine(db_url)
    memory = create_engine("sqlite+aiosqlite://")
    try:
        expected = SqliteSink if make_url(db_url).get_backend_name() == "sqlite" else ConnectionSink
        sink = sink_for(engine, create_sessionmaker(engine))
        assert isinstance(sink, expected)
        await sink.close()
        # an in-memory SQLite database is private to its connection: only a session sees it
        assert isinstance(sink_for(memory, create_sessionmaker(memory)), SessionSink)
    finally:
        await engine.dispose()
        await memory.dispose()


async def test_concurrent_writes_are_each_committed_exactly_once_before_they_return(storage) -> None:
    engine, sessionmaker, writer = storage
    seen_committed: list[bool] = []

    async def one(i: int) -> None:
        await writer.write([(AUDIT, _event(f"batch.test.{i:04d}"))])
        # visible from another connection the moment write() returns: it was committed, not queued
        async with sessionmaker() as session:
            found = await session.scalar(select(func.count()).select_from(AuditEvent)
                                         .where(AuditEvent.action == f"batch.test.{i:04d}"))
        seen_committed.append(found == 1)

    await asyncio.gather(*(one(i) for i in range(300)))
    actions = await _actions(sessionmaker, "batch.test.")
    assert len(actions) == 300 and len(set(actions)) == 300
    assert all(seen_committed)


class _CountingSink:
    """Wraps a real sink and records the size of every batch it commits."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.batches: list[int] = []

    async def commit(self, tables) -> None:
        self.batches.append(sum(len(rows) for _, rows in tables))
        await self.inner.commit(tables)

    async def close(self) -> None:
        await self.inner.close()


async def test_a_wave_of_requests_a_few_loop_iterations_apart_shares_one_commit(db_url: str) -> None:
    engine = create_engine(db_url)
    sink = _CountingSink(sink_for(engine, create_sessionmaker(engine)))
    writer = BatchWriter(sink=sink)
    writer.start()

    async def request(i: int) -> None:
        for _ in range(i % 4):  # as requests whose bytes arrived in later polls of the loop
            await asyncio.sleep(0)
        await writer.write([(AUDIT, _event(f"batch.wave.{i:02d}"))])

    try:
        await asyncio.gather(*(request(i) for i in range(16)))
        assert sink.batches == [16]
        # a lone write is not held back waiting for company: one commit, promptly
        started = asyncio.get_running_loop().time()
        await writer.write([(AUDIT, _event("batch.wave.alone"))])
        assert sink.batches == [16, 1]
        assert asyncio.get_running_loop().time() - started < 0.5
        assert len(await _actions(create_sessionmaker(engine), "batch.wave.")) == 17
    finally:
        await writer.close()
        await engine.dispose()


async def test_a_refused_row_fails_only_its_own_request(storage) -> None:
    _, sessionmaker, writer = storage
    writes = [writer.write([(AUDIT, _event(f"batch.fk.{i}"))]) for i in range(20)]
    writes.insert(7, writer.write([(RECORDS, _orphan_record())]))  # foreign keys hold on the writer's connection
    results = await asyncio.gather(*writes, return_exceptions=True)
    failed = [i for i, r in enumerate(results) if isinstance(r, Exception)]
    assert failed == [7]
    assert len(await _actions(sessionmaker, "batch.fk.")) == 20
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(RequestRecord)
                                    .where(RequestRecord.client_id == "cl_missing")) == 0
    # and the writer goes on working after the refusal
    await writer.write([(AUDIT, _event("batch.fk.after"))])
    assert "batch.fk.after" in await _actions(sessionmaker, "batch.fk.")


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # a server-side disconnect needs a server
async def test_the_writer_survives_its_connection_being_cut(storage) -> None:
    engine, sessionmaker, writer = storage
    await writer.write([(AUDIT, _event("batch.cut.before"))])
    own = writer._sink._conn  # noqa: SLF001 - the writer's own connection, and no other, is cut
    writer_pid = await own.scalar(text("SELECT pg_backend_pid()"))
    await own.rollback()
    async with engine.connect() as admin:
        killed = await admin.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": writer_pid})
    assert killed
    await writer.write([(AUDIT, _event("batch.cut.after"))])  # a fresh connection, no error to the caller
    assert sorted(await _actions(sessionmaker, "batch.cut.")) == ["batch.cut.after", "batch.cut.before"]


def _record(**changes) -> dict:
    return {**_orphan_record(), "data_key_id": None, "id": new_record_id(), **changes}


async def _record_count(sessionmaker, ids: list[str]) -> int:
    async with sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(RequestRecord).where(RequestRecord.id.in_(ids)))


async def test_a_refused_record_fails_only_its_own_request(storage) -> None:
    """Batches of complete rows skip the ORM layer (an asyncpg executemany in autocommit on PostgreSQL,
    a raw executemany on SQLite); a refused row still fails only its own request."""
    _, sessionmaker, writer = storage
    rows = [_record() for _ in range(12)]
    writes = [writer.write([(RECORDS, row)]) for row in rows]
    writes.insert(5, writer.write([(RECORDS, _orphan_record())]))
    results = await asyncio.gather(*writes, return_exceptions=True)
    assert [i for i, r in enumerate(results) if isinstance(r, Exception)] == [5]
    assert await _record_count(sessionmaker, [r["id"] for r in rows]) == 12
    after = _record()
    await writer.write([(RECORDS, after)])
    assert await _record_count(sessionmaker, [after["id"]]) == 1


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
class TestPostgresOneRoundTrip:
    async def test_complete_rows_store_exactly_what_the_orm_layer_would(self, storage, monkeypatch) -> None:
        import asyncpg
        from sqlalchemy.ext.asyncio import AsyncConnection

        engine, sessionmaker, writer = storage
        rows = [_record(content=Ciphertext(b"\x00sealed\xff")),
                _record(key_id="k_1", model="m\u00e9", usage={"prompt_tokens": 3},
                        entity_counts={"PERSON": 2, "\u00c9": 1}, raw_input=True, latency_ms=0.1),
                _record(status=503)]
        twins = [{**row, "id": new_record_id()} for row in rows]
        async with engine.begin() as conn:
            await conn.execute(insert(RECORDS), rows)
        through_orm: list[object] = []
        batches: list[int] = []
        execute, executemany = AsyncConnection.execute, asyncpg.Connection.executemany

        async def orm_spy(self, statement, *args, **kwargs):  # noqa: ANN001, ANN202
            through_orm.append(statement)
            return await execute(self, statement, *args, **kwargs)

        async def driver_spy(self, command, args, **kwargs):  # noqa: ANN001, ANN202
            args = list(args)
            batches.append(len(args))
            return await executemany(self, command, args, **kwargs)

        monkeypatch.setattr(AsyncConnection, "execute", orm_spy)
        monkeypatch.setattr(asyncpg.Connection, "executemany", driver_spy)
        await asyncio.gather(*(writer.write([(RECORDS, row)]) for row in twins))
        assert through_orm == [] and sum(batches) == 3
        monkeypatch.undo()
        columns = [c for c in RECORDS.columns if c.key != "id"]

        async def stored(row_id: str) -> tuple:
            async with engine.connect() as conn:
                return tuple((await conn.execute(select(*columns).where(RECORDS.c.id == row_id))).one())

        assert [await stored(r["id"]) for r in twins] == [await stored(r["id"]) for r in rows]

    async def test_an_idle_connection_cut_by_the_server_is_replaced(self, storage) -> None:
        engine, sessionmaker, writer = storage
        await writer.write([(RECORDS, _record())])
        own = writer._sink._conn  # noqa: SLF001 - the writer's own connection, and no other, is cut
        writer_pid = (await own.get_raw_connection()).driver_connection.get_server_pid()
        async with engine.connect() as admin:
            assert await admin.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": writer_pid})
        row = _record()
        await writer.write([(RECORDS, row)])  # no error to the caller
        assert await _record_count(sessionmaker, [row["id"]]) == 1

    @pytest.mark.parametrize("when", ["after the commit", "before sending", "before sending, twice"])
    async def test_a_lost_connection_is_settled_by_looking_the_batch_up(self, storage, monkeypatch, when) -> None:
        """The reply to the one round trip can be lost before or after the server committed: the batch
        is looked up by primary key on a fresh connection, then either done or tried once more."""
        import asyncpg

        _, sessionmaker, writer = storage
        await writer.write([(RECORDS, _record())])  # the writer has its connection
        executemany = asyncpg.Connection.executemany
        failures = {"after the commit": 1, "before sending": 1, "before sending, twice": 2}[when]
        calls: list[int] = []

        async def lossy(self, command, args, **kwargs):  # noqa: ANN001, ANN202
            calls.append(self.get_server_pid())
            if len(calls) <= failures:
                if when == "after the commit":
                    await executemany(self, command, args, **kwargs)
                self.terminate()
                raise asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation")
            return await executemany(self, command, args, **kwargs)

        monkeypatch.setattr(asyncpg.Connection, "executemany", lossy)
        rows = [_record() for _ in range(4)]
        results = await asyncio.gather(*(writer.write([(RECORDS, row)]) for row in rows), return_exceptions=True)
        # lost after the commit: found, done (a blind retry would collide with its own rows and fail them);
        # lost before: not found, tried once more; lost twice: the batch fails and the writer retries
        # each request on its own. Either way every request succeeds and every row is stored once.
        assert results == [None] * 4
        assert await _record_count(sessionmaker, [r["id"] for r in rows]) == 4
        assert len(calls) == {"after the commit": 1, "before sending": 2, "before sending, twice": 6}[when]
        extra = _record()
        await writer.write([(RECORDS, extra)])
        assert await _record_count(sessionmaker, [extra["id"]]) == 1
        for lost in range(failures):  # each lost connection was dropped: the next call had a fresh one
            assert calls[lost + 1] != calls[lost]


async def test_a_closed_writer_refuses_instead_of_opening_connections(db_url: str) -> None:
    engine = create_engine(db_url)
    writer = BatchWriter(sink=sink_for(engine, create_sessionmaker(engine)))
    writer.start()
    await writer.write([(AUDIT, _event("batch.closed.before"))])
    await writer.close()
    try:
        with pytest.raises(RuntimeError):
            await writer.write([(AUDIT, _event("batch.closed.after"))])
        assert await _actions(create_sessionmaker(engine), "batch.closed.") == ["batch.closed.before"]
    finally:
        await engine.dispose()


async def test_an_unreachable_database_fails_the_write(tmp_path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'missing-dir' / 'x.db'}")
    writer = BatchWriter(sink=sink_for(engine, create_sessionmaker(engine)))
    writer.start()
    try:
        with pytest.raises(RuntimeError):
            await writer.write([(AUDIT, _event("never"))])
    finally:
        await writer.close()
        await engine.dispose()


class TestSqliteInline:
    """SQLite commits on the event loop only while the database is free, and never stalls the loop."""

    @pytest.fixture
    async def sqlite_writer(self, sqlite_url: str):
        engine = create_engine(sqlite_url)
        sessionmaker = create_sessionmaker(engine)
        sink = sink_for(engine, sessionmaker)
        writer = BatchWriter(sink=sink)
        writer.start()
        try:
            yield sqlite_url, sessionmaker, writer, sink
        finally:
            await writer.close()
            await engine.dispose()

    async def test_a_locked_database_waits_in_the_writer_thread_not_on_the_loop(self, sqlite_writer) -> None:
        url, sessionmaker, writer, _ = sqlite_writer
        path = make_url(url).database
        holder = sqlite3.connect(path, isolation_level=None, timeout=5)
        holder.execute("BEGIN IMMEDIATE")  # another connection (another worker, say) holds the write lock
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        tick_task = asyncio.create_task(ticker())
        write = asyncio.create_task(writer.write([(AUDIT, _event("batch.locked.1"))]))
        await asyncio.sleep(0.3)
        assert not write.done()  # waiting for the lock...
        assert ticks >= 8  # ...while the event loop kept running (30 ticks if nothing else ran)
        holder.execute("COMMIT")
        holder.close()
        await asyncio.wait_for(write, 10)
        tick_task.cancel()
        assert await _actions(sessionmaker, "batch.locked.") == ["batch.locked.1"]

    async def test_the_write_ahead_log_is_checkpointed_although_inline_commits_never_do_it(
            self, sqlite_writer, monkeypatch) -> None:
        url, _, writer, sink = sqlite_writer
        wal = Path(make_url(url).database + "-wal")

        async def grow(n: int) -> list[int]:
            sizes = []
            for _ in range(n):
                await writer.write([(AUDIT, {**_event("batch.wal"), "details": {"pad": "x" * 3000}})])
                sizes.append(wal.stat().st_size)
            return sizes

        # Background checkpoints copy the log; once one reports more than RESTART_FRAMES frames in it, the
        # next commit catches up and the log restarts from its beginning: the file stops growing.
        monkeypatch.setattr(sink, "CHECKPOINT_EVERY", 8)
        monkeypatch.setattr(sink, "RESTART_FRAMES", 64)
        bounded = await grow(300)
        # without checkpoints the same writes only grow it (about 16 KB each)
        monkeypatch.setattr(sink, "CHECKPOINT_EVERY", 10**9)
        unchecked = await grow(300)
        assert unchecked[-1] - unchecked[99] > 2_000_000
        assert bounded[-1] - bounded[99] < (unchecked[-1] - unchecked[99]) / 4

    async def test_the_log_restarts_only_once_a_checkpoint_reports_it_past_the_bound(self, sqlite_writer) -> None:
        *_, sink = sqlite_writer
        loop = asyncio.get_running_loop()
        for frames, catch_up in ((sink.RESTART_FRAMES - 1, False), (sink.RESTART_FRAMES, True), (0, False)):
            sink._catch_up = False  # noqa: SLF001
            done = loop.create_future()
            done.set_result(frames)
            sink._checkpointed(done)  # noqa: SLF001 - as the background checkpoint's completion reports
            assert sink._catch_up is catch_up  # noqa: SLF001

    async def test_checkpoints_run_in_their_own_thread_at_the_lowest_priority(self, sqlite_writer,
                                                                              monkeypatch) -> None:
        """On Linux (where a thread's niceness is its own); the writer thread keeps the normal priority."""
        *_, writer, sink = sqlite_writer
        seen: list[tuple[str, int]] = []
        checkpoint = sink._checkpoint  # noqa: SLF001

        def spy() -> int:
            seen.append((threading.current_thread().name, os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
            return checkpoint()

        monkeypatch.setattr(sink, "_checkpoint", spy)
        monkeypatch.setattr(sink, "CHECKPOINT_EVERY", 2)
        for i in range(4):
            await writer.write([(AUDIT, _event(f"batch.nice.{i}"))])
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.02)
        (name, nice), *_ = seen
        assert name.startswith("record-checkpoint")
        if sys.platform == "linux":
            assert nice == 19
        # the writer thread (commits while the database is locked) is not lowered
        writer_nice = await asyncio.get_running_loop().run_in_executor(
            sink._executor, lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))  # noqa: SLF001
        assert writer_nice == os.getpriority(os.PRIO_PROCESS, 0)

    async def test_no_request_waits_for_a_checkpoint(self, sqlite_writer, monkeypatch) -> None:
        _, sessionmaker, writer, sink = sqlite_writer
        started, release = threading.Event(), threading.Event()
        checkpoint = sink._checkpoint  # noqa: SLF001

        def slow_checkpoint() -> None:  # as a checkpoint copying a large log would be
            started.set()
            release.wait(10)
            checkpoint()

        monkeypatch.setattr(sink, "_checkpoint", slow_checkpoint)
        monkeypatch.setattr(sink, "CHECKPOINT_EVERY", 4)
        for i in range(4):
            await writer.write([(AUDIT, _event(f"batch.ckpt.{i:02d}"))])
        assert await asyncio.to_thread(started.wait, 5)  # the checkpoint is under way in the thread...
        try:
            for i in range(4, 24):  # ...and commits go on meanwhile, without waiting for it
                await asyncio.wait_for(writer.write([(AUDIT, _event(f"batch.ckpt.{i:02d}"))]), 2)
        finally:
            release.set()
        assert len(await _actions(sessionmaker, "batch.ckpt.")) == 24

    async def test_after_a_background_checkpoint_the_next_commit_catches_up_and_restarts_the_log(
            self, sqlite_writer, monkeypatch) -> None:
        url, sessionmaker, writer, sink = sqlite_writer
        monkeypatch.setattr(sink, "CHECKPOINT_EVERY", 10**9)
        for i in range(30):
            await writer.write([(AUDIT, {**_event(f"batch.behind.{i:02d}"), "details": {"pad": "x" * 3000}})])
        sink._catch_up = True  # noqa: SLF001 - as a background checkpoint that just ended reports
        monkeypatch.setattr(sink, "_commit", lambda tables: pytest.fail("handed to the thread"))
        await writer.write([(AUDIT, _event("batch.behind.last"))])  # inline, as every other commit
        assert not sink._catch_up  # noqa: SLF001
        probe = sqlite3.connect(make_url(url).database, isolation_level=None)
        try:  # the log restarted: it holds that last commit only, not the ~30 padded ones before it
            _, logged, _ = probe.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            probe.close()
        assert 0 < logged < 10
        assert len(await _actions(sessionmaker, "batch.behind.")) == 31

    async def test_complete_rows_bypass_the_orm_layer_and_store_exactly_what_it_would(
            self, sqlite_writer, monkeypatch) -> None:
        url, sessionmaker, writer, _ = sqlite_writer
        base = {**_orphan_record(), "data_key_id": None}
        rows = [{**base, "id": new_record_id(), "content": Ciphertext(b"\x00sealed\xff")},
                {**base, "id": new_record_id(), "key_id": "k_1", "model": "m\u00e9", "usage": {"prompt_tokens": 3},
                 "entity_counts": {"PERSON": 2, "\u00c9": 1}, "raw_input": True, "latency_ms": 0.1},
                {**base, "id": new_record_id(), "entity_counts": {}, "status": 503}]
        twins = [{**row, "id": new_record_id()} for row in rows]
        reference = sqlite_file_engine(url)
        try:
            with reference.begin() as conn:  # what SQLAlchemy's own insert stores
                conn.execute(insert(RECORDS), rows)
        finally:
            reference.dispose()
        through_orm: list[object] = []
        execute = Connection.execute

        def spy(self, statement, *args, **kwargs):  # noqa: ANN001, ANN202
            through_orm.append(statement)
            return execute(self, statement, *args, **kwargs)

        monkeypatch.setattr(Connection, "execute", spy)
        await asyncio.gather(*(writer.write([(RECORDS, row)]) for row in twins))
        assert through_orm == []
        raw = sqlite3.connect(make_url(url).database)
        try:
            def stored(row_id: str) -> tuple:
                return raw.execute("SELECT * FROM request_record WHERE id = ?", (row_id,)).fetchone()[1:]
            assert [stored(r["id"]) for r in twins] == [stored(r["id"]) for r in rows]
        finally:
            raw.close()
        # a row that leaves a column to its default (an audit event's id) still goes through SQLAlchemy
        await writer.write([(AUDIT, _event("batch.fast.audit"))])
        assert len(through_orm) == 1 and await _actions(sessionmaker, "batch.fast.") == ["batch.fast.audit"]

