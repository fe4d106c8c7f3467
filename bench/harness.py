"""Shared benchmark plumbing: a prepared data dir, servers pinned to a core, and a load generator.

The load generator is wrk (Debian package `wrk`), pinned to the other core, so server and load tool
never compete for one core. Runs of the things compared are interleaved and medians reported, because
this 2-core machine is noisy.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def require_wrk() -> str:
    path = shutil.which("wrk")
    if not path:
        sys.exit("bench: needs wrk (apt-get install wrk)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# What the HTTP benches send by default (issue 13): the personal-data path is the one that matters, so the
# prompt carries a name, an e-mail address, a phone number and a card number.
PII_PROMPT = ("Hi, this is Maria Garcia (maria.garcia@example.com, +1 415 555 0132). Please refund the "
              "duplicate charge on my card 4111 1111 1111 1111 and confirm by email.")


def prepare(database_url: str | None = None, **settings: str) -> dict[str, str]:
    """Environment for a fresh, migrated gateway with generous limits (we measure cost, not policy) and
    the default logging (an access log line per request, as deployed); pass log_level="WARNING" to
    measure without it."""
    data = tempfile.mkdtemp(prefix="gw-bench-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    env.update({
        "GATEWAY_DATA_DIR": data, "GATEWAY_MASTER_KEYS": Fernet.generate_key().decode(),
        "GATEWAY_KEY_PEPPER": base64.urlsafe_b64encode(os.urandom(36)).decode(),
        "GATEWAY_RATE_LIMIT_PER_MINUTE": "1000000000", "GATEWAY_TOKEN_REQUESTS_PER_MINUTE": "1000000000",
    })
    if database_url:
        env["GATEWAY_DATABASE_URL"] = database_url
    env.update({f"GATEWAY_{k.upper()}": v for k, v in settings.items()})
    subprocess.run([PY, "-m", "service", "migrate"], env=env, check=True, cwd=ROOT, capture_output=True)
    return env


def cli(env: dict[str, str], *args: str) -> dict:
    out = subprocess.run([PY, "-m", "service", *args], env=env, check=True, cwd=ROOT, capture_output=True, text=True)
    return json.loads(out.stdout)


def _wait(base: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


@contextmanager
def _process(cmd: list[str], env: dict[str, str], port: int) -> Iterator[str]:
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, proc)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _pin(cpu: str | None) -> list[str]:
    return ["taskset", "-c", cpu] if cpu is not None and shutil.which("taskset") else []


@contextmanager
def gateway(env: dict[str, str], *, workers: int = 1, cpu: str | None = "0") -> Iterator[str]:
    port = free_port()
    cmd = [*_pin(cpu), PY, "-m", "service", "serve", "--port", str(port), "--workers", str(workers)]
    with _process(cmd, env, port) as base:
        yield base


@contextmanager
def bare(cpu: str | None = "0") -> Iterator[str]:
    """A bare FastAPI app (pydantic body in, declared return type), uvicorn defaults, no access log."""
    port = free_port()
    cmd = [*_pin(cpu), PY, "-m", "uvicorn", "bench.bare_app:app", "--port", str(port), "--no-access-log",
           "--log-level", "warning"]
    with _process(cmd, dict(os.environ), port) as base:
        yield base


def wrk(url: str, *, seconds: float = 5, connections: int = 32, method: str = "GET", body: str | None = None,
        headers: dict[str, str] | None = None, cpu: str | None = "1") -> dict[str, float]:
    """Run wrk; returns requests/s, p50/p99 latency in ms and the count of non-2xx answers."""
    lines = [f'wrk.method = "{method}"']
    if body is not None:
        lines.append(f"wrk.body = {json.dumps(body)}")
    for k, v in (headers or {}).items():
        lines.append(f'wrk.headers["{k}"] = {json.dumps(v)}')
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lines) + "\n")
    cmd = [*_pin(cpu), require_wrk(), "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "-s", script.name, url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p50_ms": _ms(out, "50%"), "p99_ms": _ms(out, "99%"),
            "errors": int(non2xx.group(1)) if non2xx else 0}


def _ms(out: str, pct: str) -> float:
    m = re.search(rf"{re.escape(pct)}\s+([\d.]+)(us|ms|s)", out)
    if not m:
        return float("nan")
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def median_runs(runs: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def pii_side_by_side(*, seconds: float = 5, rounds: int = 3, connections: int = 16,
                     database_url: str | None = None, **settings: str) -> dict[str, dict[str, float]]:
    """The issue-13 HTTP targets in one run: bare FastAPI POST, `/v1/redact` and `/v1/predict` (records on),
    each sent `PII_PROMPT` with the default logging, one gateway worker and the bare app both pinned to core 0,
    wrk on core 1, the three interleaved `rounds` times. Returns the median of each
    ({"bare"|"redact"|"predict": wrk figures}), with "ratio" added to the two gateway routes."""
    env = prepare(database_url, **settings)
    client = cli(env, "create-client", "--name", "bench", "--role", "redactor", "--role", "predictor")
    key = cli(env, "create-key", "--client", client["client_id"])["api_key"]
    post = {"Content-Type": "application/json"}
    auth = {**post, "Authorization": f"Bearer {key}"}
    runs: dict[str, list[dict[str, float]]] = {"bare": [], "redact": [], "predict": []}
    with gateway(env, cpu="0") as base, bare(cpu="0") as bare_base:
        targets = {"bare": (f"{bare_base}/bare", json.dumps({"input": PII_PROMPT}), post),
                   "redact": (f"{base}/v1/redact", json.dumps({"text": PII_PROMPT}), auth),
                   "predict": (f"{base}/v1/predict", json.dumps({"input": PII_PROMPT}), auth)}
        for url, body, headers in targets.values():  # warm-up: connections, caches, first records
            wrk(url, method="POST", body=body, headers=headers, seconds=1, connections=connections)
        for _ in range(rounds):
            for name, (url, body, headers) in targets.items():
                runs[name].append(wrk(url, method="POST", body=body, headers=headers, seconds=seconds,
                                      connections=connections))
    med = {k: median_runs(v) for k, v in runs.items()}
    for name in ("redact", "predict"):
        med[name]["ratio"] = med[name]["rps"] / med["bare"]["rps"]
    return med


PII_TARGETS = {"redact": 0.35, "predict": 0.30}


def format_side_by_side(med: dict[str, dict[str, float]], connections: int = 16) -> str:
    lines = [f"HTTP, {len(PII_PROMPT.encode())}-byte prompt with a name, an e-mail, a phone and a card, default "
             f"logging, wrk -c{connections}: bare FastAPI {med['bare']['rps']:,.0f} req/s "
             f"(p50 {med['bare']['p50_ms']:.2f} ms)"]
    for name, path in (("redact", "/v1/redact"), ("predict", "/v1/predict (records on)")):
        m, target = med[name], PII_TARGETS[name]
        lines.append(f"  {path:<26} {m['rps']:>8,.0f} req/s (p50 {m['p50_ms']:.2f} ms, p99 {m['p99_ms']:.2f} ms, "
                     f"non-2xx {m['errors']:.0f}) = {m['ratio']:.1%} of bare; target >= {target:.0%} "
                     f"{'OK' if m['ratio'] >= target else 'BELOW TARGET'}")
    return "\n".join(lines)
