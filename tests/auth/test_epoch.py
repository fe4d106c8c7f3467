"""The auth epoch read (`service.auth.epoch`): shared within one batch of the event loop, never beyond it,
and exact under load: a key revoked by another process is refused by every request sent afterwards."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest

from service.auth.epoch import SqliteEpoch
from tests.conftest import MASTER_KEY, PEPPER
from tests.fixtures.server import gateway_env, run_cli, serve


class _Counting:
    """Stands in for the epoch reader's sqlite3 connection and counts the queries it runs."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.queries = 0

    def execute(self, sql: str):  # noqa: ANN201
        self.queries += 1
        return self.conn.execute(sql)

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def epoch_db(tmp_path: Path) -> Path:
    path = tmp_path / "epoch.db"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE auth_state (id INTEGER PRIMARY KEY, epoch INTEGER NOT NULL)")
        conn.execute("INSERT INTO auth_state VALUES (1, 1)")
    return path


def _bump(path: Path, value: int) -> None:
    with sqlite3.connect(path) as conn:  # another connection, as another worker or process would be
        conn.execute("UPDATE auth_state SET epoch = ? WHERE id = 1", (value,))


async def _counting_source(path: Path) -> tuple[SqliteEpoch, _Counting]:
    source = SqliteEpoch(str(path))
    await source.read()
    counting = _Counting(source._conn)  # noqa: SLF001
    source._conn = counting  # type: ignore[assignment]  # noqa: SLF001
    await asyncio.sleep(0)  # past the batch of that first read
    return source, counting


async def test_authentications_in_one_batch_of_callbacks_share_one_read(epoch_db: Path) -> None:
    source, counting = await _counting_source(epoch_db)
    try:
        # ten request tasks whose steps run in the same batch, as uvicorn starts the requests of one poll
        assert await asyncio.gather(*(source.read() for _ in range(10))) == [1] * 10
        assert counting.queries == 1
        await asyncio.gather(*(source.read() for _ in range(10)))  # the next batch reads afresh
        assert counting.queries == 2
    finally:
        await source.close()


async def test_a_change_committed_before_the_next_batch_is_seen_by_it(epoch_db: Path) -> None:
    source, counting = await _counting_source(epoch_db)
    try:
        assert await source.read() == 1
        _bump(epoch_db, 2)
        await asyncio.sleep(0)  # whatever reports the change to the loop does so through a poll
        assert await source.read() == 2
        assert counting.queries == 2
    finally:
        await source.close()


async def test_nothing_is_shared_under_a_task_factory(epoch_db: Path) -> None:
    # An eager task factory runs a request's first step inside the poll that received it, after a
    # read made earlier in the batch: sharing would no longer be exact, so it stops.
    loop = asyncio.get_running_loop()
    source, counting = await _counting_source(epoch_db)
    loop.set_task_factory(lambda loop, coro, **kw: asyncio.Task(coro, loop=loop, **kw))
    try:
        await asyncio.gather(*(source.read() for _ in range(5)))
        assert counting.queries == 5
    finally:
        loop.set_task_factory(None)
        await source.close()


def test_a_key_revoked_by_another_process_is_refused_by_every_request_sent_after(tmp_path: Path) -> None:
    """Two servers on one SQLite database; eight clients keep one of them busy (so requests share
    batches, and reads) while the other revokes the key they use."""
    env = gateway_env(data_dir=str(tmp_path), master_keys=MASTER_KEY, key_pepper=PEPPER,
                      rate_limit_per_minute="1000000",
                      auth_failure_limit="100000", auth_lockout_seconds="10")
    assert run_cli("migrate", env=env).returncode == 0
    admin = json.loads(run_cli("create-client", "--name", "admin", "--role", "admin", env=env).stdout)
    user = json.loads(run_cli("create-client", "--name", "user", "--role", "redactor", env=env).stdout)
    key = json.loads(run_cli("create-key", "--client", user["client_id"], env=env).stdout)
    with serve(env) as busy, serve(env) as other:
        token = httpx.post(f"{other}/oauth/token", data={"grant_type": "client_credentials"},
                           auth=(admin["client_id"], admin["client_secret"])).json()["access_token"]
        results: list[tuple[float, int]] = []
        stop = threading.Event()

        def hammer() -> None:
            with httpx.Client(base_url=busy, headers={"Authorization": f"Bearer {key['api_key']}"}) as client:
                while not stop.is_set():
                    sent = time.monotonic()
                    results.append((sent, client.get("/v1/me").status_code))

        threads = [threading.Thread(target=hammer) for _ in range(8)]
        for t in threads:
            t.start()
        try:
            time.sleep(1.0)
            revoked = httpx.delete(f"{other}/v1/keys/{key['key_id']}", headers={"Authorization": f"Bearer {token}"})
            done = time.monotonic()
            assert revoked.status_code == 200
            time.sleep(1.0)
        finally:
            stop.set()
            for t in threads:
                t.join()
    before = [code for sent, code in results if sent < done]
    after = [code for sent, code in results if sent > done]
    assert before.count(200) > 50 and len(after) > 50  # the server was busy on both sides of the revocation
    assert set(after) == {401}
