"""A redaction worker that a test holds: deadlines and concurrency tested by order of events, not by timing.

`hold_workers(monkeypatch, folder, mark)` makes every worker the pool starts from then on (spawned, so the
setting travels in the environment) behave exactly like the real one, except for a call whose text holds
`mark`: the worker writes `folder/received`, then waits until `folder/release` exists before it starts
redacting. A call that is never released can only end by the pool's deadline (the worker never answers);
one released by the test completes normally, so whatever the test did in between happened while the text
was being redacted.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

_FOLDER = "GATEWAY_TEST_HOLD_FOLDER"
_MARK = "GATEWAY_TEST_HOLD_MARK"


class _HeldConn:
    __slots__ = ("_conn", "_folder", "_mark")

    def __init__(self, conn: Any, folder: Path, mark: str) -> None:
        self._conn, self._folder, self._mark = conn, folder, mark

    def recv(self) -> Any:
        message = self._conn.recv()
        text = message[1][0] if isinstance(message, tuple) and len(message) == 2 and message[1] else None
        if isinstance(text, str) and self._mark in text:
            (self._folder / "received").touch()
            while not (self._folder / "release").exists():
                time.sleep(0.005)
        return message

    def send(self, obj: Any) -> None:
        self._conn.send(obj)


def serve(conn: Any, recognizers_file: str | None) -> None:
    """The worker's main loop (runs in the spawned process): the real one, on a connection that holds."""
    from service.redaction import offload

    folder, mark = os.environ.get(_FOLDER), os.environ.get(_MARK)
    if folder is None or mark is None:  # (a replacement started while the test was being torn down)
        offload._serve(conn, recognizers_file)
    else:
        offload._serve(_HeldConn(conn, Path(folder), mark), recognizers_file)


def hold_workers(monkeypatch: Any, folder: Path, mark: str) -> None:
    from service.redaction import offload

    monkeypatch.setenv(_FOLDER, str(folder))
    monkeypatch.setenv(_MARK, mark)
    monkeypatch.setattr(offload, "_serve", serve)


async def until_received(folder: Path, call: asyncio.Future[Any]) -> None:
    """Wait until a worker holds the marked text of `call` (a failing test ends here after a minute at
    most, or as soon as the call ends without it)."""
    for _ in range(6000):
        if (folder / "received").exists():
            return
        if call.done():
            raise AssertionError(f"the call ended before a worker received its text: {call.result()!r}")
        await asyncio.sleep(0.01)
    raise AssertionError("no worker received the marked text")


def release(folder: Path) -> None:
    (folder / "release").touch()
