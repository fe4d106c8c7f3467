"""Group commit: many concurrent requests share one transaction, each still awaiting its own commit.

One async SQLAlchemy transaction costs about 600 µs of core on this machine (PERFORMANCE.md), most of
it in the ORM layer, so a write per request caps throughput. Here requests queue their rows and await
a future; a single writer task inserts whatever is queued in one transaction (one executemany per
table) and resolves every future of that batch when the commit returns. A successful await therefore
means the row is committed (durability is unchanged); only the transaction is shared. If a batch
fails, its rows are retried one request at a time, so one bad row cannot fail its neighbours.

Where the rows go is a `Sink` (`service.kit.sinks`: which one for which database, and why).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service.kit.sinks import Rows, SessionSink, Sink
from service.observability import metrics

logger = logging.getLogger("gateway.batching")


class BatchWriter:
    GATHER_YIELDS = 8
    GATHER_SECONDS = 0.002

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession] | None = None, *, sink: Sink | None = None,
                 max_batch: int = 512) -> None:
        if sink is None:
            if sessionmaker is None:
                raise ValueError("BatchWriter needs a sessionmaker or a sink")
            sink = SessionSink(sessionmaker)
        self._sink = sink
        self._max_batch = max_batch
        self._queue: list[tuple[Rows, asyncio.Future[None]]] = []
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="batch-writer")

    async def write(self, rows: Rows) -> None:
        """Insert `rows` ((table, values) pairs) and return once they are committed; raises on failure."""
        if self._closing or self._task is None:
            await self._commit([(rows, None)])
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append((rows, future))
        self._wakeup.set()
        await future

    def submit(self, rows: Rows) -> None:
        """Queue rows without waiting (best-effort bookkeeping such as `last_used_at`)."""
        if self._task is None or self._closing:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        future.add_done_callback(lambda f: f.cancelled() or f.exception())
        self._queue.append((rows, future))
        self._wakeup.set()

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            await self._gather()
            while self._queue:
                batch, self._queue = self._queue[: self._max_batch], self._queue[self._max_batch:]
                await self._flush(batch)
            if self._closing:
                return

    async def _gather(self) -> None:
        """Let requests already under way reach the queue before the batch is cut.

        The writer wakes when the first row of a wave of concurrent requests is queued; the rest of the
        wave is usually one or two loop iterations behind (its data arrived in the next poll). Cutting
        at once commits a fraction of the wave and makes the rest wait a whole extra commit, which both
        multiplies the per-commit cost and doubles those requests' latency. So the writer yields while
        the queue keeps growing, at most `GATHER_YIELDS` iterations or `GATHER_SECONDS`; a lone
        request pays one loop iteration.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.GATHER_SECONDS
        seen = len(self._queue)
        for _ in range(self.GATHER_YIELDS):
            await asyncio.sleep(0)
            now = len(self._queue)
            if now == seen or now >= self._max_batch or loop.time() >= deadline:
                return
            seen = now

    async def _flush(self, batch: list[tuple[Rows, asyncio.Future[None] | None]]) -> None:
        try:
            await self._commit(batch)
        except Exception:  # noqa: BLE001 - retried per request below
            if len(batch) == 1:
                metrics.db_write_failed()
                self._finish(batch, RuntimeError("write failed"))
                return
            for item in batch:
                try:
                    await self._commit([item])
                except Exception as exc:  # noqa: BLE001
                    logger.error("batched write failed", extra={"exc_type": type(exc).__name__})
                    metrics.db_write_failed()
                    self._finish([item], RuntimeError("write failed"))
                else:
                    self._finish([item], None)
        else:
            self._finish(batch, None)

    async def _commit(self, batch: list[tuple[Rows, asyncio.Future[None] | None]]) -> None:
        by_table: dict[Table, list[dict[str, Any]]] = defaultdict(list)
        order: list[Table] = []
        for rows, _ in batch:
            for table, values in rows:
                if table not in by_table:
                    order.append(table)
                by_table[table].append(values)
        await self._sink.commit([(table, by_table[table]) for table in order])

    @staticmethod
    def _finish(batch: list[tuple[Rows, asyncio.Future[None] | None]], error: Exception | None) -> None:
        for _, future in batch:
            if future is None or future.done():
                continue
            if error is None:
                future.set_result(None)
            else:
                future.set_exception(error)

    async def close(self) -> None:
        self._closing = True
        self._wakeup.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, timeout=10)
            except (TimeoutError, asyncio.CancelledError):
                self._task.cancel()
        await self._sink.close()
