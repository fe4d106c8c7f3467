"""Rate-limiter benchmark: decisions per second for each backend, and (TODO, lead) per-request overhead.

    .venv/bin/python bench/ratelimit.py [--seconds 3] [--redis-url redis://127.0.0.1:6379/0] [--no-uvloop]

Each decision is one ``hit`` as the guard makes it: no pipelining or batching. The Redis figure comes
from many coroutines in flight on ONE event loop (one core) sharing the backend's connection pool,
which is how concurrent requests in one worker use it; the Redis server runs on another core.
Targets (issue 4): >= 20,000 in-process and >= 5,000 Redis decisions/s on one core.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.ratelimit.backend import MemoryBackend, Rate, RedisBackend  # noqa: E402

RATE = Rate(600, 60.0)  # mostly refusals after warm-up on hot keys; both paths are timed
KEYS = [f"client-{i}" for i in range(1000)]


async def bench_memory(seconds: float) -> dict:
    backend = MemoryBackend()
    hit, keys, n = backend.hit, KEYS, len(KEYS)
    count, allowed = 0, 0
    cpu0, deadline = time.process_time(), time.perf_counter() + seconds
    start = time.perf_counter()
    while time.perf_counter() < deadline:
        for i in range(1000):
            allowed += (await hit(keys[i % n], RATE)).allowed
        count += 1000
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu0
    return {"decisions": count, "per_s": count / elapsed, "cpu_us_per_decision": cpu / count * 1e6,
            "admitted": allowed}


async def bench_redis(url: str, seconds: float, concurrency: int) -> dict:
    prefix = f"gw:rl:bench:{uuid.uuid4().hex}:"
    backend = RedisBackend(url, prefix=prefix, max_connections=concurrency)
    latencies: list[float] = []
    stop = False

    async def worker(w: int) -> int:
        done = 0
        while not stop:
            t0 = time.perf_counter()
            await backend.hit(KEYS[(w * 7919 + done) % len(KEYS)], RATE)
            latencies.append(time.perf_counter() - t0)
            done += 1
        return done

    await asyncio.gather(*(backend.peek(KEYS[0], RATE) for _ in range(concurrency)))  # open the pool
    cpu0, start = time.process_time(), time.perf_counter()
    tasks = [asyncio.create_task(worker(w)) for w in range(concurrency)]
    await asyncio.sleep(seconds)
    stop = True
    count = sum(await asyncio.gather(*tasks))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu0
    await _cleanup(backend, prefix)
    await backend.close()
    latencies.sort()
    return {"concurrency": concurrency, "decisions": count, "per_s": count / elapsed,
            "cpu_us_per_decision": cpu / count * 1e6,
            "p50_ms": statistics.median(latencies) * 1e3, "p99_ms": latencies[int(len(latencies) * 0.99)] * 1e3}


async def _cleanup(backend: RedisBackend, prefix: str) -> None:
    keys = [k async for k in backend._redis.scan_iter(match=prefix + "*", count=1000)]
    for i in range(0, len(keys), 500):
        await backend._redis.delete(*keys[i:i + 500])


# ---------------------------------------------------------------------------------------------
# Per-request overhead through the real server: GET /v1/me (authentication + rate-limit guard) on one
# worker pinned to core 0, wrk pinned to core 1, with the in-process limiter and with Redis on
# loopback, interleaved. Latency at one connection shows what one decision adds to a request; the
# in-process guard itself costs the ~1-2 us measured above. Target: < 0.5 ms added with Redis.
# ---------------------------------------------------------------------------------------------
async def bench_http_overhead(redis_url: str | None, seconds: float, rounds: int = 3) -> dict | None:
    import shutil

    from bench.harness import cli, gateway, median_runs, prepare, wrk

    if not redis_url or not shutil.which("wrk"):
        return None
    envs = {"memory": prepare(), "redis": prepare(redis_url=redis_url,
                                                   redis_key_prefix=f"gw:bench:{uuid.uuid4().hex}:")}
    keys = {}
    for name, env in envs.items():
        client = cli(env, "create-client", "--name", "bench", "--role", "auditor")
        keys[name] = cli(env, "create-key", "--client", client["client_id"])["api_key"]
    out: dict[str, dict[str, list[dict[str, float]]]] = {n: {"c1": [], "c32": []} for n in envs}
    for _ in range(rounds):
        for name, env in envs.items():
            with gateway(env, cpu="0") as base:
                headers = {"Authorization": f"Bearer {keys[name]}"}
                wrk(f"{base}/v1/me", headers=headers, seconds=1, connections=8)  # warm up
                out[name]["c1"].append(wrk(f"{base}/v1/me", headers=headers, seconds=seconds, connections=1))
                out[name]["c32"].append(wrk(f"{base}/v1/me", headers=headers, seconds=seconds, connections=32))
    med = {n: {c: median_runs(r) for c, r in d.items()} for n, d in out.items()}
    added = med["redis"]["c1"]["p50_ms"] - med["memory"]["c1"]["p50_ms"]
    return {
        "in-process, 1 connection": f"p50 {med['memory']['c1']['p50_ms']:.3f} ms, {med['memory']['c1']['rps']:,.0f} req/s",
        "Redis, 1 connection": f"p50 {med['redis']['c1']['p50_ms']:.3f} ms, {med['redis']['c1']['rps']:,.0f} req/s",
        "added by Redis per request (p50)": f"{added:.3f} ms  target < 0.5 ms  {'OK' if added < 0.5 else 'ABOVE TARGET'}",
        "in-process, 32 connections": f"{med['memory']['c32']['rps']:,.0f} req/s, p99 {med['memory']['c32']['p99_ms']:.2f} ms",
        "Redis, 32 connections": f"{med['redis']['c32']['rps']:,.0f} req/s, p99 {med['redis']['c32']['p99_ms']:.2f} ms",
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--redis-url", default=os.environ.get("GATEWAY_REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--concurrency", type=int, nargs="*", default=[1, 16, 64])
    parser.add_argument("--no-uvloop", action="store_true", help="use the stock asyncio loop")
    args = parser.parse_args()

    loop_name = type(asyncio.get_running_loop()).__module__.split(".")[0]
    print(f"event loop: {loop_name}; python {sys.version.split()[0]}; one process, one thread")
    m = await bench_memory(args.seconds)
    print(f"MemoryBackend : {m['per_s']:>10,.0f} decisions/s  ({m['cpu_us_per_decision']:.2f} us CPU each)"
          f"  target >= 20,000  {'OK' if m['per_s'] >= 20_000 else 'BELOW TARGET'}")
    for c in args.concurrency:
        try:
            r = await bench_redis(args.redis_url, args.seconds, c)
        except Exception as exc:  # noqa: BLE001 - report and go on
            print(f"RedisBackend  : unavailable ({type(exc).__name__})")
            break
        print(f"RedisBackend  : {r['per_s']:>10,.0f} decisions/s  with {c:>3} in flight"
              f"  ({r['cpu_us_per_decision']:.1f} us client CPU each; p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms)"
              f"  target >= 5,000  {'OK' if r['per_s'] >= 5_000 else 'below target'}")
    http = await bench_http_overhead(args.redis_url, args.seconds)
    if http:
        for name, value in http.items():
            print(f"HTTP overhead : {name}: {value}")


if __name__ == "__main__":
    if "--no-uvloop" not in sys.argv:
        try:
            import uvloop  # the server runs on uvloop (uvicorn[standard])

            uvloop.install()
        except ImportError:
            pass
    asyncio.run(main())
