"""What metrics and logging cost per request.

    .venv/bin/python bench/observability.py [--requests 20000] [--rounds 5] [--server] [--seconds 5]

1. In-process: the real `GatewayMiddleware` around a trivial ASGI route, called directly (no sockets),
   with observability off, metrics only, and metrics + the request log line through the full logging
   pipeline (JSON, masking included, written to /dev/null). Rounds interleaved, medians reported.
   Run twice: prometheus_client in-memory (one process) and in multiprocess mode (what
   `gateway serve` uses, values in memory-mapped files).
2. `--server` (needs wrk): `gateway serve` (one worker on core 0, wrk on core 1) answering /healthz with
   GATEWAY_LOG_LEVEL=INFO (one log line per request) and WARNING (none); the difference of 1/throughput
   is the logging cost through the real stack. Metrics are always on in a served gateway.
Target (issue 8): metrics + logging under 0.2 ms per request.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
ROOT = Path(__file__).resolve().parents[1]


def _in_process(requests: int, rounds: int) -> dict[str, float]:
    import logging

    from service.config import Settings
    from service.observability import metrics
    from service.observability import middleware as mw
    from service.observability.logging import JsonFormatter

    async def route(scope, receive, send) -> None:  # noqa: ANN001
        scope["route"] = _Route
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok"})

    class _Route:
        path = "/v1/bench/{item_id}"

    class _App:
        class state:  # noqa: N801
            anomaly = None

    gateway = mw.GatewayMiddleware(route, Settings(_env_file=None))  # type: ignore[call-arg]
    sink = open(os.devnull, "w")  # noqa: SIM115
    handler = logging.StreamHandler(sink)
    handler.setFormatter(JsonFormatter())
    access = logging.getLogger("gateway.access")
    access.addHandler(handler)
    access.propagate = False
    access.setLevel(logging.INFO)

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        return None

    def scope() -> dict:
        return {"type": "http", "method": "GET", "path": "/v1/bench/42", "raw_path": b"/v1/bench/42",
                "query_string": b"", "headers": [(b"host", b"bench"), (b"user-agent", b"bench")],
                "client": ("127.0.0.1", 5000), "scheme": "http", "app": _App}

    real_observe, real_gauge = metrics.observe_request, metrics.HTTP_IN_PROGRESS

    class _NoGauge:
        def inc(self) -> None: ...
        def dec(self) -> None: ...

    def configure(metrics_on: bool, logging_on: bool) -> None:
        metrics.observe_request = real_observe if metrics_on else (lambda *a: None)
        metrics.HTTP_IN_PROGRESS = real_gauge if metrics_on else _NoGauge()
        access.disabled = not logging_on

    async def run(n: int) -> float:
        started = time.perf_counter()
        for _ in range(n):
            await gateway(scope(), receive, send)
        return (time.perf_counter() - started) / n * 1e6

    variants = {"off": (False, False), "metrics": (True, False), "metrics+logging": (True, True),
                "logging": (False, True)}
    results: dict[str, list[float]] = {k: [] for k in variants}

    async def main() -> None:
        for name, (m, lg) in variants.items():  # warm-up: label children, engine, caches
            configure(m, lg)
            await run(2000)
        for _ in range(rounds):
            for name, (m, lg) in variants.items():
                configure(m, lg)
                results[name].append(await run(requests))

    asyncio.run(main())
    configure(True, True)
    return {k: statistics.median(v) for k, v in results.items()}


def _child(requests: int, rounds: int, multiprocess: bool) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    with tempfile.TemporaryDirectory() as tmp:
        if multiprocess:
            env["PROMETHEUS_MULTIPROC_DIR"] = tmp
        out = subprocess.run([sys.executable, __file__, "--child", "--requests", str(requests), "--rounds",
                              str(rounds)], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _server(seconds: float, rounds: int) -> dict[str, float]:
    from bench.harness import gateway, median_runs, prepare, require_wrk, wrk

    require_wrk()
    out = {}
    for level in ("WARNING", "INFO"):
        env = prepare(None, log_level=level)
        with gateway(env, workers=1, cpu="0") as base:
            wrk(f"{base}/healthz", seconds=1, connections=16)
            runs = [wrk(f"{base}/healthz", seconds=seconds, connections=16) for _ in range(rounds)]
        out[level] = median_runs(runs)["rps"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--server", action="store_true", help="also measure logging through a served gateway")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_in_process(args.requests, args.rounds)))
        return

    print(f"in-process: GatewayMiddleware around a trivial route, {args.requests:,} requests x {args.rounds} "
          "rounds, medians, µs per request")
    for label, mp in (("in-memory metrics (1 process)", False), ("multiprocess metrics (gateway serve)", True)):
        r = _child(args.requests, args.rounds, mp)
        cost = r["metrics+logging"] - r["off"]
        print(f"  {label}:")
        print(f"    observability off {r['off']:7.1f} | metrics {r['metrics']:7.1f} (+{r['metrics'] - r['off']:.1f})"
              f" | logging {r['logging']:7.1f} (+{r['logging'] - r['off']:.1f})"
              f" | both {r['metrics+logging']:7.1f} (+{cost:.1f})")
        print(f"    metrics + logging cost: {cost / 1000:.3f} ms per request  target < 0.2 ms  "
              f"{'OK' if cost < 200 else 'OVER'}")
    if args.server:
        s = _server(args.seconds, args.rounds)
        cost_us = (1 / s["INFO"] - 1 / s["WARNING"]) * 1e6
        print(f"served /healthz, 1 worker: log level WARNING {s['WARNING']:,.0f}/s, INFO {s['INFO']:,.0f}/s -> "
              f"request log line costs {cost_us:.1f} µs of core per request")


if __name__ == "__main__":
    main()
