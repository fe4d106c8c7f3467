"""The Redis backend against a real server: atomicity across pools and processes, expiry, outages."""

from __future__ import annotations

import asyncio
import logging
import math
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from service.ratelimit.backend import BackendUnavailable, RateLimitBackend, Rate, RedisBackend

ROOT = Path(__file__).resolve().parents[2]
TEN_PER_MINUTE = Rate(10, 60)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
async def backend(redis_url, prefix, redis_client):
    backend = RedisBackend(redis_url, prefix=prefix)
    yield backend
    await backend.close()


class TestRedisDecisions:
    def test_satisfies_the_protocol(self, redis_url):
        assert isinstance(RedisBackend(redis_url), RateLimitBackend)

    async def test_30_concurrent_hits_on_10_per_minute_admit_exactly_10(self, backend):
        decisions = await asyncio.gather(*(backend.hit("k", TEN_PER_MINUTE) for _ in range(30)))
        assert sum(d.allowed for d in decisions) == 10
        assert sorted(d.remaining for d in decisions if d.allowed) == list(range(10))
        assert all(0 < d.retry_after <= 6.0 for d in decisions if not d.allowed)

    async def test_independent_pools_hitting_one_key_admit_exactly_10(self, redis_url, prefix, redis_client):
        backends = [RedisBackend(redis_url, prefix=prefix, max_connections=8) for _ in range(5)]
        try:
            decisions = await asyncio.gather(*(b.hit("k", TEN_PER_MINUTE) for b in backends for _ in range(6)))
        finally:
            await asyncio.gather(*(b.close() for b in backends))
        assert sum(d.allowed for d in decisions) == 10

    async def test_two_os_processes_hitting_one_key_admit_exactly_10(self, redis_url, prefix, redis_client):
        start_at = time.time() + 1.5
        code = (
            "import asyncio, sys, time\n"
            "from service.ratelimit.backend import Rate, RedisBackend\n"
            "async def main():\n"
            "    b = RedisBackend(sys.argv[1], prefix=sys.argv[2])\n"
            "    await b.peek('warm-up', Rate(1))\n"  # connect before the start line
            "    time.sleep(max(0.0, float(sys.argv[3]) - time.time()))\n"
            "    ds = await asyncio.gather(*(b.hit('k', Rate(10, 60)) for _ in range(15)))\n"
            "    await b.close()\n"
            "    print(sum(d.allowed for d in ds))\n"
            "asyncio.run(main())\n"
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        procs = [
            subprocess.Popen([sys.executable, "-c", code, redis_url, prefix, str(start_at)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
            for _ in range(2)
        ]
        counts = []
        for proc in procs:
            out, err = await asyncio.to_thread(proc.communicate, timeout=30)
            assert proc.returncode == 0, err
            counts.append(int(out))
        assert sum(counts) == 10

    async def test_remaining_counts_down_and_headers_are_honest(self, backend):
        rate = Rate(5, 60)
        for i in range(5):
            d = await backend.hit("k", rate)
            assert (d.allowed, d.remaining, d.limit) == (True, 4 - i, 5)
            assert 12.0 * (i + 1) - 1 < d.reset_after <= 12.0 * (i + 1) + 1e-9
        refused = await backend.hit("k", rate)
        assert not refused.allowed and refused.remaining == 0 and 11 < refused.retry_after <= 12 + 1e-9

    async def test_retry_after_is_never_early(self, backend):
        rate = Rate(4, 0.4)
        while (d := await backend.hit("k", rate)).allowed:
            pass
        for _ in range(3):
            await asyncio.sleep(d.retry_after)
            assert (await backend.hit("k", rate)).allowed
            d = await backend.hit("k", rate)
            assert not d.allowed and 0 < d.retry_after <= 0.1

    async def test_cost_weighted_hits_and_adjust(self, backend):
        rate = Rate(1000, 60)
        assert (await backend.hit("tok", rate, 600)).remaining == 400
        assert not (await backend.hit("tok", rate, 500)).allowed
        await backend.adjust("tok", rate, -200)
        assert (await backend.peek("tok", rate)).remaining == 600
        await backend.adjust("tok", rate, -10_000)
        assert (await backend.peek("tok", rate)).remaining == 1000
        await backend.adjust("tok", rate, 1500)
        d = await backend.hit("tok", rate)
        assert not d.allowed and 29 < d.retry_after <= 30.06
        over = await backend.hit("tok", rate, 1001)
        assert not over.allowed and over.retry_after == math.inf

    async def test_state_expires_once_the_bucket_is_full(self, backend, redis_client, prefix):
        rate = Rate(2, 0.2)
        await backend.hit("k", rate)
        ttl = await redis_client.pttl(prefix + "k")
        assert 0 < ttl <= 101
        await asyncio.sleep(0.15)
        assert await redis_client.exists(prefix + "k") == 0
        await backend.hit("k", rate, 0)
        assert await redis_client.exists(prefix + "k") == 0

    async def test_recovers_from_a_flushed_script_cache(self, backend):
        await backend.hit("k", TEN_PER_MINUTE)
        backend._script.sha = "0" * 40  # what EVALSHA sees after SCRIPT FLUSH or a failover
        assert (await backend.hit("k", TEN_PER_MINUTE)).remaining == 8


class TestRedisUnavailable:
    async def test_fail_closed_raises_logs_without_key_and_counts(self, caplog):
        calls = []
        backend = RedisBackend(f"redis://127.0.0.1:{closed_port()}/0", on_error=lambda: calls.append(1))
        caplog.set_level(logging.WARNING, logger="gateway.ratelimit")
        with pytest.raises(BackendUnavailable):
            await backend.hit("client-secret-id", TEN_PER_MINUTE)
        with pytest.raises(BackendUnavailable):
            await backend.hit("client-secret-id", TEN_PER_MINUTE)
        await backend.adjust("client-secret-id", TEN_PER_MINUTE, 5)  # never raises
        assert backend.unavailable_events == 3 and len(calls) == 3 and not backend.available
        assert len(caplog.records) == 1 and "client-secret-id" not in caplog.text
        await backend.close()

    async def test_fail_open_admits_degraded_and_counts(self):
        backend = RedisBackend(f"redis://127.0.0.1:{closed_port()}/0", failure_mode="open")
        d = await backend.hit("k", TEN_PER_MINUTE)
        assert d.allowed and d.degraded
        assert backend.unavailable_events == 1
        await backend.close()

    @pytest.mark.parametrize("failure_mode", ["closed", "open"])
    async def test_outage_mid_way_then_recovery_without_restart(
        self, redis_url, redis_proxy, prefix, redis_client, caplog, failure_mode
    ):
        caplog.set_level(logging.INFO, logger="gateway.ratelimit")
        calls = []
        backend = RedisBackend(redis_proxy.url(redis_url), prefix=prefix, failure_mode=failure_mode,
                               on_error=lambda: calls.append(1), retry_interval=0.05)
        rate = Rate(5, 60)
        assert (await backend.hit("k", rate)).remaining == 4
        await redis_proxy.stop()  # live pooled connections are reset, new ones refused
        for _ in range(3):
            if failure_mode == "closed":
                with pytest.raises(BackendUnavailable):
                    await backend.hit("k", rate)
            else:
                assert (await backend.hit("k", rate)).degraded
        assert backend.unavailable_events == 3 and len(calls) == 3
        await redis_proxy.start()  # same port
        await asyncio.sleep(0.06)
        d = await backend.hit("k", rate)
        assert d.allowed and not d.degraded and d.remaining == 3  # state survived the outage
        assert backend.available and backend.unavailable_events == 3
        messages = [r.getMessage() for r in caplog.records]
        assert any("unreachable" in m for m in messages) and any("reachable again" in m for m in messages)
        assert all(prefix not in m and "k'" not in m for m in messages)
        await backend.close()

    async def test_a_stalled_redis_costs_at_most_the_timeout(self, redis_url, redis_proxy, prefix, redis_client):
        backend = RedisBackend(redis_proxy.url(redis_url), prefix=prefix, timeout=0.1, retry_interval=0.05)
        await backend.hit("k", TEN_PER_MINUTE)
        redis_proxy.stalled = True
        started = time.monotonic()
        with pytest.raises(BackendUnavailable):
            await backend.hit("k", TEN_PER_MINUTE)
        assert time.monotonic() - started < 0.5
        redis_proxy.stalled = False
        await asyncio.sleep(0.06)
        assert (await backend.hit("k", TEN_PER_MINUTE)).allowed
        await backend.close()

