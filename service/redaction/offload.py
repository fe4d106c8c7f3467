"""Worker processes that redact long texts off the event loop, each call under a deadline.

`OffloadPool` keeps `workers` spawned processes (sharing nothing with the server's threads), each with
its own engine, started on first use. A call takes an idle worker (waiting at most the deadline, plus
the start-up time of a worker still starting: that is the pool's cost, not the text's), sends it the
text and any state the call needs, and waits in a thread of the pool's own (the event loop never
blocks on the pipe). Past the deadline the worker is killed (SIGKILL: a pathological text cannot
hold it) and a fresh one is started; the caller gets `RedactionTimeout` (503 `redaction_timeout`).
A worker that dies likewise answers 503. Nothing is ever returned unredacted.

State: a pseudonym vault (or an encryption key) travels with the call; the worker runs the engine on
an exact copy and sends the vault back, whose contents then replace the caller's, so a vault reads the
same as after an in-process call. A vault serves one sequential flow (one request); it must not be used
by another call while one is out.

Threat model: texts, vault values and client keys cross a pipe to a child process of the same user,
are held there for one call only and are never logged; replies carry results or an exception's type
name (or an OperatorError's own message, which never holds a value), never the text.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from service.redaction.engine import Finding, OperatorError, OperatorKeys, OperatorSpec, RedactionResult, Vault

logger = logging.getLogger("gateway.redaction")

# Default offload threshold in characters. Measured (tests/redaction/test_linear.py families, this
# 2-core machine): the slowest adversarial text of this size among the e-mail, secret, URL, IPv6/MAC,
# crypto and normalisation paths costs about 7 ms; typical prompts of this size about 1 ms.
OFFLOAD_CHARS = 2048
START_SECONDS = 120.0  # how long a call may wait for a worker that is still starting (imports, engine)


def _serve(conn: Any, recognizers_file: str | None) -> None:
    """A worker's main loop: one call at a time, until the pipe closes."""
    from service.redaction.engine import RedactionEngine

    engine = RedactionEngine.default(recognizers_file)  # (the server checked the file at start-up)
    conn.send(("ready",))
    while True:
        try:
            op, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if op == "redact":
                text, entities, allow_list, operator, keys, vault = args
                reply: tuple[Any, ...] = ("ok", (engine.redact(text, entities, allow_list, operator, keys, vault),
                                                 vault))
            else:
                reply = ("ok", engine.analyze(*args))
        except OperatorError as exc:
            reply = ("operator", str(exc))
        except Exception as exc:  # noqa: BLE001 - reported by type only
            reply = ("error", type(exc).__name__)
        conn.send(reply)


class _Worker:
    __slots__ = ("conn", "process")

    def __init__(self, ctx: Any, recognizers_file: str | None) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, recognizers_file), daemon=True,
                                   name="redaction-worker")
        self.process.start()
        child.close()

    def ready(self, timeout: float) -> bool:
        try:
            return bool(self.conn.poll(timeout)) and self.conn.recv() == ("ready",)
        except (EOFError, OSError):
            return False

    def exchange(self, message: tuple[Any, ...], timeout: float) -> tuple[Any, ...]:
        """Blocking (runs in the pool's threads): send one call, wait for its reply up to `timeout`."""
        try:
            self.conn.send(message)
            if not self.conn.poll(timeout):
                return ("timeout",)
            return self.conn.recv()
        except (EOFError, OSError):
            return ("dead",)

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.join(5)
        finally:
            self.conn.close()


def _timeout() -> Exception:
    from service.errors import RedactionTimeout  # (lazy: worker processes never need the web layer)

    return RedactionTimeout()


class OffloadPool:
    """`workers` redaction processes for texts longer than `threshold` characters, `timeout` seconds each."""

    def __init__(self, recognizers_file: str | None, workers: int = 1, timeout: float = 5.0,
                 threshold: int = OFFLOAD_CHARS) -> None:
        self.threshold = threshold
        self.timeout = timeout
        self._file = recognizers_file
        self._size = max(1, workers)
        self._ctx = multiprocessing.get_context("spawn")
        self._threads = ThreadPoolExecutor(max_workers=2 * self._size + 1, thread_name_prefix="redaction-offload")
        self._idle: asyncio.Queue[_Worker | None] | None = None
        self._live: set[_Worker] = set()
        self._starting = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    def __repr__(self) -> str:
        return f"OffloadPool(workers={self._size}, live={len(self._live)}, threshold={self.threshold})"

    async def redact(self, text: str, entities: Iterable[str] | None, allow_list: Sequence[str],
                     operator: OperatorSpec | None, keys: OperatorKeys | None, vault: Vault | None
                     ) -> RedactionResult:
        result, returned = await self._call(("redact", (text, None if entities is None else list(entities),
                                                        list(allow_list), operator, keys, vault)))
        if vault is not None:
            for slot in Vault.__slots__:  # the worker's copy, updated: now the caller's
                setattr(vault, slot, getattr(returned, slot))
        return result

    async def analyze(self, text: str, entities: Iterable[str] | None, allow_list: Sequence[str]) -> list[Finding]:
        return await self._call(("analyze", (text, None if entities is None else list(entities), list(allow_list))))

    def close(self) -> None:
        self._closed = True
        for task in self._tasks:
            task.cancel()
        for worker in list(self._live):
            worker.kill()
        self._live.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)

    # -- workers ------------------------------------------------------------------------------

    def _launch(self) -> _Worker | None:
        worker = _Worker(self._ctx, self._file)
        if worker.ready(START_SECONDS):
            return worker
        worker.kill()
        return None  # (it died or hung while starting)

    async def _start_one(self) -> None:
        loop = asyncio.get_running_loop()
        try:  # (counted in `_starting` from when it is scheduled)
            worker = await loop.run_in_executor(self._threads, self._launch)
        except Exception as exc:  # noqa: BLE001 - reported by type; the next call tries again
            logger.error("redaction worker failed to start", extra={"exc_type": type(exc).__name__})
            worker = None
        finally:
            self._starting -= 1
        assert self._idle is not None
        if worker is None:
            self._idle.put_nowait(None)  # one waiting call fails now instead of at its deadline
            return
        if self._closed:
            await loop.run_in_executor(self._threads, worker.kill)
            return
        self._live.add(worker)
        self._idle.put_nowait(worker)

    def _ensure(self) -> asyncio.Queue[_Worker | None]:
        if self._idle is None:
            self._idle = asyncio.Queue()
        for _ in range(self._size - len(self._live) - self._starting):
            self._starting += 1
            task = asyncio.get_running_loop().create_task(self._start_one(), name="redaction-worker-start")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return self._idle

    def _release(self, worker: _Worker, reply: tuple[Any, ...]) -> None:
        if self._closed:
            return  # (close() killed every worker)
        if reply[0] in ("timeout", "dead"):
            self._live.discard(worker)
            asyncio.get_running_loop().run_in_executor(self._threads, worker.kill)
            self._ensure()  # a replacement starts now
        else:
            assert self._idle is not None
            self._idle.put_nowait(worker)

    async def _call(self, message: tuple[Any, ...]) -> Any:
        if self._closed:
            raise _timeout()
        idle = self._ensure()
        wait = self.timeout + (START_SECONDS if self._starting else 0.0)
        try:
            worker = await asyncio.wait_for(idle.get(), wait)
        except TimeoutError:
            raise _timeout() from None
        if worker is None:
            raise _timeout()
        future = asyncio.get_running_loop().run_in_executor(self._threads, worker.exchange, message, self.timeout)
        try:
            reply = await asyncio.shield(future)
        except asyncio.CancelledError:  # the caller left: the worker comes back (or is replaced) when done
            future.add_done_callback(lambda f: self._release(worker, ("dead",) if f.cancelled() or f.exception()
                                                             else f.result()))
            raise
        self._release(worker, reply)
        kind = reply[0]
        if kind == "ok":
            return reply[1]
        if kind == "operator":
            raise OperatorError(reply[1])
        if kind in ("timeout", "dead"):
            if kind == "dead":
                logger.error("redaction worker stopped during a call")
            raise _timeout()
        logger.error("redaction worker error", extra={"exc_type": reply[1]})
        raise RuntimeError("redaction worker failed")
