"""Token issuance and authenticated requests per second, against running servers.

    .venv/bin/python bench/tokens.py [--seconds 5] [--rounds 3] [--database-url URL]

- tokens/s: POST /oauth/token (client_secret_basic, RS256 by default) on `gateway serve --workers 2`.
- authenticated no-op: GET /v1/me (authentication + rate-limit guard + middleware) with a JWT and with
  an API key, on one worker pinned to core 0, against a bare FastAPI GET with a declared return type
  on the same core, interleaved, wrk pinned to core 1. Targets (issue 3): >= 1,000 tokens/s, and the
  authenticated route >= 50% of the bare endpoint's throughput.
"""

from __future__ import annotations

import argparse
import base64
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402

from bench.harness import bare, cli, gateway, median_runs, prepare, require_wrk, wrk  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp dir")
    parser.add_argument("--algorithm", default="RS256", choices=["RS256", "ES256", "HS256"])
    args = parser.parse_args()
    require_wrk()

    env = prepare(args.database_url, jwt_algorithm=args.algorithm)
    client = cli(env, "create-client", "--name", "bench", "--role", "auditor")
    key = cli(env, "create-key", "--client", client["client_id"])["api_key"]
    basic = "Basic " + base64.b64encode(f"{client['client_id']}:{client['client_secret']}".encode()).decode()
    form = {"Content-Type": "application/x-www-form-urlencoded", "Authorization": basic}

    print(f"database: {args.database_url or 'sqlite'}; algorithm {args.algorithm}; wrk -c{args.connections}, "
          f"{args.seconds:g}s x {args.rounds} rounds")
    with gateway(env, workers=2, cpu=None) as base:
        runs = [wrk(f"{base}/oauth/token", method="POST", body="grant_type=client_credentials", headers=form,
                    seconds=args.seconds, connections=args.connections, cpu=None) for _ in range(args.rounds)]
    t = median_runs(runs)
    print(f"tokens issued   : {t['rps']:>8,.0f}/s  p50 {t['p50_ms']:.2f} ms  p99 {t['p99_ms']:.2f} ms  "
          f"(2 workers; non-2xx {t['errors']:.0f})  target >= 1,000/s")

    results: dict[str, list[dict[str, float]]] = {"bare": [], "jwt": [], "api_key": []}
    with gateway(env, workers=1, cpu="0") as base, bare(cpu="0") as bare_base:
        token = httpx.post(f"{base}/oauth/token", data={"grant_type": "client_credentials"},
                           headers={"Authorization": basic}).json()["access_token"]
        targets = {"bare": (f"{bare_base}/bare", {}),
                   "jwt": (f"{base}/v1/me", {"Authorization": f"Bearer {token}"}),
                   "api_key": (f"{base}/v1/me", {"Authorization": f"Bearer {key}"})}
        for url, headers in targets.values():  # warm up
            wrk(url, headers=headers, seconds=1, connections=args.connections)
        for _ in range(args.rounds):
            for name, (url, headers) in targets.items():
                results[name].append(wrk(url, headers=headers, seconds=args.seconds, connections=args.connections))
    med = {name: median_runs(r) for name, r in results.items()}
    for name, m in med.items():
        ratio = m["rps"] / med["bare"]["rps"]
        print(f"{name:<16}: {m['rps']:>8,.0f} req/s  p50 {m['p50_ms']:.2f} ms  p99 {m['p99_ms']:.2f} ms  "
              f"{ratio:6.1%} of bare  (non-2xx {m['errors']:.0f})")
    print("target: authenticated no-op >= 50% of bare")


if __name__ == "__main__":
    main()
