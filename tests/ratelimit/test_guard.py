"""The rate-limit guard through HTTP: exactness, headers, 429s, audit sampling, Redis outages."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from pathlib import Path

import httpx

from tests.conftest import MASTER_KEY, PEPPER
from tests.fixtures.principals import bearer, get_token, make_client, make_key
from tests.fixtures.server import gateway_env, run_cli, serve


async def _burst(client: httpx.AsyncClient, headers: dict[str, str], n: int) -> list[httpx.Response]:
    return list(await asyncio.gather(*(client.get("/v1/me", headers=headers) for _ in range(n))))


class TestExactness:
    async def test_ten_per_minute_admits_exactly_ten_of_thirty_concurrent(self, app_sqlite) -> None:
        creds = await make_client(app_sqlite.app, "auditor")
        _, key = await make_key(app_sqlite.app, creds.client_id, rate_limit_per_minute=10)
        responses = await _burst(app_sqlite.client, bearer(key), 30)
        codes = sorted(r.status_code for r in responses)
        assert codes == [200] * 10 + [429] * 20
        refused = next(r for r in responses if r.status_code == 429)
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert int(refused.headers["retry-after"]) >= 1

    async def test_redis_backend_in_process_is_exact_too(self, start_app, make_settings, sqlite_url, redis_url) -> None:
        running = await start_app(make_settings(sqlite_url, redis_url=redis_url,
                                                redis_key_prefix=f"gw:test:{uuid.uuid4().hex}:"))
        creds = await make_client(running.app, "auditor")
        _, key = await make_key(running.app, creds.client_id, rate_limit_per_minute=10)
        codes = sorted(r.status_code for r in await _burst(running.client, bearer(key), 30))
        assert codes == [200] * 10 + [429] * 20

    def test_two_workers_sharing_redis_admit_exactly_ten(self, redis_url, tmp_path: Path) -> None:
        env = gateway_env(data_dir=str(tmp_path / "d"), master_keys=MASTER_KEY, key_pepper=PEPPER,
                          redis_url=redis_url, redis_key_prefix=f"gw:test:{uuid.uuid4().hex}:")
        assert run_cli("migrate", env=env).returncode == 0
        client = json.loads(run_cli("create-client", "--name", "c", "--role", "auditor", env=env).stdout)
        key = json.loads(run_cli("create-key", "--client", client["client_id"], "--rate-limit", "10", env=env).stdout)
        with serve(env, "--workers", "2") as base:
            async def fire() -> list[int]:
                # one connection per request, so the requests spread over both workers
                async def one() -> int:
                    async with httpx.AsyncClient(base_url=base) as c:
                        return (await c.get("/v1/me", headers=bearer(key["api_key"]))).status_code
                return list(await asyncio.gather(*(one() for _ in range(30))))

            codes = sorted(asyncio.run(fire()))
        assert codes == [200] * 10 + [429] * 20

    async def test_token_principals_are_limited_per_client(self, start_app, make_settings, sqlite_url) -> None:
        running = await start_app(make_settings(sqlite_url))
        creds = await make_client(running.app, "auditor", rate_limit_per_minute=5)
        t1, t2 = await get_token(running.client, creds), await get_token(running.client, creds)
        codes = [(await running.client.get("/v1/me", headers=bearer(t))).status_code for t in (t1, t2) * 4]
        assert codes == [200] * 5 + [429] * 3  # two tokens share their client's budget

    async def test_key_limit_overrides_client_limit_and_default(self, start_app, make_settings, sqlite_url) -> None:
        running = await start_app(make_settings(sqlite_url, rate_limit_per_minute=3))
        creds = await make_client(running.app, "auditor", rate_limit_per_minute=6)
        _, own = await make_key(running.app, creds.client_id, rate_limit_per_minute=2)
        _, inherits = await make_key(running.app, creds.client_id)
        other = await make_client(running.app, "auditor")
        _, default = await make_key(running.app, other.client_id)
        for key, limit in ((own, 2), (inherits, 6), (default, 3)):
            first = await running.client.get("/v1/me", headers=bearer(key))
            assert first.headers["ratelimit-limit"] == str(limit)


class TestHeaders:
    async def test_remaining_counts_down_and_reset_is_honest(self, app_sqlite) -> None:
        creds = await make_client(app_sqlite.app, "auditor")
        _, key = await make_key(app_sqlite.app, creds.client_id, rate_limit_per_minute=6)
        remaining, resets = [], []
        for _ in range(6):
            r = await app_sqlite.client.get("/v1/me", headers=bearer(key))
            assert r.status_code == 200 and r.headers["ratelimit-limit"] == "6"
            remaining.append(int(r.headers["ratelimit-remaining"]))
            resets.append(int(r.headers["ratelimit-reset"]))
        assert remaining == [5, 4, 3, 2, 1, 0]
        # one request costs 10 s of a 6/min bucket: the bucket is full again 10 s per spent request later
        assert resets == [10, 20, 30, 40, 50, 60]
        refused = await app_sqlite.client.get("/v1/me", headers=bearer(key))
        assert refused.status_code == 429 and refused.headers["ratelimit-remaining"] == "0"
        assert int(refused.headers["retry-after"]) == 10

    async def test_retry_after_is_never_early(self, start_app, make_settings, sqlite_url) -> None:
        running = await start_app(make_settings(sqlite_url))
        creds = await make_client(running.app, "auditor")
        _, key = await make_key(running.app, creds.client_id, rate_limit_per_minute=60)  # one per second
        for _ in range(60):
            await running.client.get("/v1/me", headers=bearer(key))
        refused = await running.client.get("/v1/me", headers=bearer(key))
        assert refused.status_code == 429
        wait = int(refused.headers["retry-after"])
        assert wait == 1
        time.sleep(wait)
        assert (await running.client.get("/v1/me", headers=bearer(key))).status_code == 200

    async def test_scope_refusals_spend_quota_and_carry_headers(self, app_sqlite) -> None:
        creds = await make_client(app_sqlite.app, "redactor")
        _, key = await make_key(app_sqlite.app, creds.client_id, rate_limit_per_minute=3)
        codes = []
        for _ in range(4):
            r = await app_sqlite.client.get("/v1/clients", headers=bearer(key))
            codes.append(r.status_code)
            assert "ratelimit-remaining" in r.headers
        assert codes == [403, 403, 403, 429]


class TestAudit:
    async def test_a_flood_leaves_one_sampled_event_per_key_per_minute(self, app_sqlite) -> None:
        creds = await make_client(app_sqlite.app, "auditor")
        _, key = await make_key(app_sqlite.app, creds.client_id, rate_limit_per_minute=2)
        for _ in range(20):
            await app_sqlite.client.get("/v1/me", headers=bearer(key))
        auditor = await get_token(app_sqlite.client, await make_client(app_sqlite.app, "auditor"))
        events = (await app_sqlite.client.get("/v1/audit", params={"action": "rate_limit.exceeded"},
                                              headers=bearer(auditor))).json()["items"]
        assert len(events) == 1 and events[0]["actor"] == creds.client_id


class TestRedisOutage:
    @staticmethod
    def _dead_redis() -> str:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        return f"redis://127.0.0.1:{port}/0"

    async def test_fail_closed_answers_503_with_a_log_line_and_a_counter(self, start_app, make_settings, sqlite_url,
                                                                        caplog) -> None:
        running = await start_app(make_settings(sqlite_url, redis_url=self._dead_redis()))
        creds = await make_client(running.app, "auditor")
        _, key = await make_key(running.app, creds.client_id)
        with caplog.at_level(logging.WARNING):
            r = await running.client.get("/v1/me", headers=bearer(key))
        assert r.status_code == 503 and r.headers["retry-after"]
        assert r.json()["error"] == "rate_limiter_unavailable"
        assert "rate-limit store unreachable" in caplog.text
        assert running.app.state.limiter.backend.unavailable_events >= 1

    async def test_fail_open_admits_and_still_counts(self, start_app, make_settings, sqlite_url) -> None:
        running = await start_app(make_settings(sqlite_url, redis_url=self._dead_redis(),
                                                rate_limit_failure_mode="open"))
        creds = await make_client(running.app, "auditor")
        _, key = await make_key(running.app, creds.client_id)
        r = await running.client.get("/v1/me", headers=bearer(key))
        assert r.status_code == 200
        assert running.app.state.limiter.backend.unavailable_events >= 1
