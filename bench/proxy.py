"""The chat proxy's added latency over calling the upstream directly, and time to first token.

    .venv/bin/python bench/proxy.py [--requests 300] [--seconds 5] [--token-delay-ms 20]

A test upstream (tests/fixtures/upstream.py: a real OpenAI-compatible server) answers an echo model;
the gateway (one worker, pinned to core 0) proxies it. Requests carry a 1 KB prompt with personal
data, so redaction and restoration are part of what is measured.
- concurrency 1: sequential requests from one client, direct and through the gateway, interleaved;
- concurrency 32: wrk, direct and through the gateway;
- streaming: time to the first content token, with the upstream pacing chunks like a real model.
Targets (issue 6): under 5 ms p50 added for a 1 KB prompt; first token within 10 ms of the upstream's.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402

from bench.harness import PY, ROOT, cli, free_port, gateway, prepare, require_wrk, wrk  # noqa: E402
from tests.fixtures.upstream import UPSTREAM_KEY  # noqa: E402

PROMPT = ("Please summarise the following note for Maria Gonzalez (maria.gonzalez@example.org, +1 415 555 0132). "
          + "The quarterly review went well and the team agreed to move the launch to the second week of May. " * 9)[:1024]


def start_upstream(delay_ms: float) -> tuple[subprocess.Popen, str]:
    port = free_port()
    code = ("import sys, uvicorn; sys.path.insert(0, %r)\n"
            "from tests.fixtures.upstream import Upstream, build_app\n"
            "state = Upstream(token_delay=%f, log=False)\n"
            "uvicorn.run(build_app(state), host='127.0.0.1', port=%d, log_level='warning', access_log=False)"
            % (str(ROOT), delay_ms / 1000, port))
    cmd = (["taskset", "-c", "1"] if os.path.exists("/usr/bin/taskset") else []) + [PY, "-c", code]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}/v1"
    for _ in range(100):
        try:
            httpx.get(f"{base}/models", headers={"Authorization": f"Bearer {UPSTREAM_KEY}"}, timeout=1)
            return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("upstream did not start")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def sequential(url: str, headers: dict[str, str], body: dict, n: int) -> list[float]:
    out = []
    with httpx.Client(timeout=30) as client:
        for _ in range(5):
            client.post(url, headers=headers, json=body)
        for _ in range(n):
            t = time.perf_counter()
            r = client.post(url, headers=headers, json=body)
            out.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, r.text
    return out


def first_token_ms(url: str, headers: dict[str, str], body: dict, n: int) -> list[float]:
    out = []
    with httpx.Client(timeout=30) as client:
        for _ in range(n):
            t = time.perf_counter()
            first = None
            with client.stream("POST", url, headers=headers, json={**body, "stream": True}) as r:
                for line in r.iter_lines():
                    if first is None and line.startswith("data: {"):
                        delta = (json.loads(line[6:]).get("choices") or [{}])[0].get("delta") or {}
                        if delta.get("content"):
                            first = (time.perf_counter() - t) * 1000
            out.append(first if first is not None else float("nan"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--token-delay-ms", type=float, default=20)
    args = parser.parse_args()
    require_wrk()

    body = {"model": "echo-1", "messages": [{"role": "user", "content": PROMPT}]}
    upstream, up_base = start_upstream(0)
    paced, paced_base = start_upstream(args.token_delay_ms)
    try:
        direct_h = {"Authorization": f"Bearer {UPSTREAM_KEY}"}
        results = {}
        for name, base in (("instant", up_base), ("paced", paced_base)):
            env = prepare(upstream_url=base, upstream_api_key=UPSTREAM_KEY)
            client = cli(env, "create-client", "--name", "bench", "--role", "predictor")
            with gateway(env, cpu="0") as gw:
                token = httpx.post(f"{gw}/oauth/token", data={"grant_type": "client_credentials"},
                                   auth=(client["client_id"], client["client_secret"])).json()["access_token"]
                gw_h = {"Authorization": f"Bearer {token}"}
                if name == "instant":
                    direct, via = [], []
                    for _ in range(3):  # interleaved
                        direct += sequential(f"{base}/chat/completions", direct_h, body, args.requests // 3)
                        via += sequential(f"{gw}/v1/chat/completions", gw_h, body, args.requests // 3)
                    results["c1"] = (direct, via)
                    post = {"Content-Type": "application/json"}
                    results["c32_direct"] = wrk(f"{base}/chat/completions", method="POST", body=json.dumps(body),
                                                headers={**post, **direct_h}, seconds=args.seconds, cpu="1")
                    results["c32_gw"] = wrk(f"{gw}/v1/chat/completions", method="POST", body=json.dumps(body),
                                            headers={**post, **gw_h}, seconds=args.seconds, cpu="1")
                else:
                    results["ttft"] = (first_token_ms(f"{base}/chat/completions", direct_h, body, 20),
                                       first_token_ms(f"{gw}/v1/chat/completions", gw_h, body, 20))
    finally:
        for proc in (upstream, paced):
            os.killpg(proc.pid, signal.SIGTERM)

    direct, via = results["c1"]
    added = statistics.median(via) - statistics.median(direct)
    print(f"prompt {len(PROMPT)} bytes with personal data; gateway: 1 worker on core 0")
    print(f"concurrency 1  direct  p50 {statistics.median(direct):.2f} ms  p99 {pct(direct, .99):.2f} ms")
    print(f"concurrency 1  gateway p50 {statistics.median(via):.2f} ms  p99 {pct(via, .99):.2f} ms")
    print(f"added p50 {added:.2f} ms  (p99 {pct(via, .99) - pct(direct, .99):.2f} ms)  target < 5 ms  "
          f"{'OK' if added < 5 else 'ABOVE TARGET'}")
    d, g = results["c32_direct"], results["c32_gw"]
    print(f"concurrency 32 direct  {d['rps']:,.0f} req/s  p50 {d['p50_ms']:.2f} ms  p99 {d['p99_ms']:.2f} ms")
    print(f"concurrency 32 gateway {g['rps']:,.0f} req/s  p50 {g['p50_ms']:.2f} ms  p99 {g['p99_ms']:.2f} ms "
          f"(added p50 {g['p50_ms'] - d['p50_ms']:.2f} ms; non-2xx {g['errors']})")
    t_direct, t_via = results["ttft"]
    gap = statistics.median(t_via) - statistics.median(t_direct)
    print(f"first token ({args.token_delay_ms:g} ms between upstream chunks): direct {statistics.median(t_direct):.1f} ms, "
          f"gateway {statistics.median(t_via):.1f} ms, gap {gap:.1f} ms  target <= 10 ms  {'OK' if gap <= 10 else 'ABOVE TARGET'}")


if __name__ == "__main__":
    main()
