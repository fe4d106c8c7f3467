"""Prometheus metrics: every definition in one place, the `/metrics` route and multiprocess mode.

Threat model and invariants:
- Metrics are read by dashboards and scrapers with weaker access control than the database, and a
  label value is stored verbatim in every series. So no label ever holds a client id, key id, address,
  model name or any text a caller chose: labels are route TEMPLATES, HTTP methods from a fixed set,
  status codes, reason codes and entity types written by our code (each re-checked against a strict
  pattern here, anything else becomes `other`), and backend names. Series stay bounded as a result.
- `GET /metrics` needs scope `admin`. With `GATEWAY_METRICS_ADDRESS` set, `gateway serve` also runs a
  plain listener without authentication there; the settings refuse a non-loopback address unless
  `GATEWAY_METRICS_ALLOW_REMOTE` says the network in between is trusted.
- With several workers (`gateway serve --workers N`) each process counts on its own, so prometheus_client
  runs in multiprocess mode: `gateway serve` points `PROMETHEUS_MULTIPROC_DIR` at a fresh directory
  under the data dir *before* any worker starts (the mode is fixed when prometheus_client is imported),
  every worker writes its values to per-process memory-mapped files there, and a scrape of any worker
  (or of the separate listener, in the supervisor) sums the files of all of them. Gauges state how
  they combine (`multiprocess_mode`); a worker that stops marks itself dead so its live gauges drop out.
  A single worker keeps prometheus_client's ordinary in-memory registry (the listener then runs in the
  same process), since every file-backed observation costs about three times as much.
"""

import asyncio
import os
import platform
import re
from collections import Counter as Tally
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from fastapi import Response
from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge, Histogram,
                               generate_latest)

from service import __version__

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_CODE = re.compile(r"[a-z][a-z0-9_.]{0,47}")
_ENTITY = re.compile(r"[A-Z][A-Z0-9_]{0,47}")
_NAME = re.compile(r"[a-z][a-z0-9_.-]{0,31}")
_ROUTE = re.compile(r"/[A-Za-z0-9_./{}:\-]{0,200}|<unmatched>")

# -- definitions ------------------------------------------------------------------------------------
HTTP_REQUESTS = Counter("gateway_http_requests", "HTTP requests by route template, method and status code",
                        ["route", "method", "status"])
HTTP_LATENCY = Histogram("gateway_http_request_duration_seconds", "Time to the last response byte, per route",
                         ["route", "method"], buckets=_LATENCY_BUCKETS)
HTTP_IN_PROGRESS = Gauge("gateway_http_requests_in_progress", "Requests being served", multiprocess_mode="livesum")
GUARD_DECISIONS = Counter("gateway_guard_decisions",
                          "Bearer guard outcomes: authenticated (reason: credential type), refused (reason code), "
                          "rate_limited (reason: bucket)", ["decision", "reason"])
CLIENT_AUTH = Counter("gateway_client_auth", "OAuth client authentications on /oauth/*", ["outcome", "reason"])
TOKENS_ISSUED = Counter("gateway_tokens_issued", "Access tokens issued")
REDACTIONS = Counter("gateway_redactions", "Values redacted, by entity type and where they were found",
                     ["entity_type", "stage"])
PREDICTIONS = Counter("gateway_predictions", "Predictions by route template, model backend and outcome",
                      ["route", "backend", "outcome"])
PREDICTION_LATENCY = Histogram("gateway_prediction_duration_seconds", "Prediction time, per route and backend",
                               ["route", "backend"], buckets=_LATENCY_BUCKETS)
UPSTREAM_LATENCY = Histogram("gateway_upstream_request_duration_seconds",
                             "Upstream model server round trips (to the response head), per operation",
                             ["operation"], buckets=_LATENCY_BUCKETS)
UPSTREAM_ERRORS = Counter("gateway_upstream_errors", "Upstream failures by kind (timeout, unreachable, "
                                                     "transport, status_4xx, status_5xx, invalid_response)",
                          ["operation", "kind"])
UPSTREAM_RETRIES = Counter("gateway_upstream_retries", "Upstream attempts retried", ["operation"])
RECORD_WRITES = Counter("gateway_record_writes", "Request records written, by outcome", ["outcome"])
DB_WRITE_FAILURES = Counter("gateway_db_write_failures", "Group-commit writes that failed (per request)")
RATELIMIT_BACKEND_ERRORS = Counter("gateway_ratelimit_backend_errors",
                                   "Rate-limit decisions made without the shared store", ["backend"])
ANOMALIES = Counter("gateway_anomalies", "Unusual-activity episodes detected", ["kind"])
CLIENTS_AUTO_DISABLED = Counter("gateway_clients_auto_disabled", "Clients disabled by the anomaly detector")
BUILD_INFO = Gauge("gateway_build_info", "Gateway build; the value is always 1", ["version", "python"],
                   multiprocess_mode="max")


# -- label hygiene ----------------------------------------------------------------------------------
def code_label(value: object) -> str:
    return value if isinstance(value, str) and _CODE.fullmatch(value) else "other"


def entity_label(value: object) -> str:
    return value if isinstance(value, str) and _ENTITY.fullmatch(value) else "OTHER"


def name_label(value: object) -> str:
    return value if isinstance(value, str) and _NAME.fullmatch(value) else "other"


def method_label(value: object) -> str:
    return value if value in _METHODS else "OTHER"  # type: ignore[return-value]


def route_label(value: object) -> str:
    return value if isinstance(value, str) and _ROUTE.fullmatch(value) else "<unmatched>"


# -- the per-request hot path -----------------------------------------------------------------------
_request_children: dict[tuple[str, str, int], tuple[Any, Any]] = {}


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    """Count one HTTP request. Label children are cached: `.labels()` costs a lock and a tuple per call."""
    key = (route, method, status)
    children = _request_children.get(key)
    if children is None:
        r, m = route_label(route), method_label(method)
        s = str(status) if 100 <= status <= 599 else "500"
        children = (HTTP_REQUESTS.labels(r, m, s), HTTP_LATENCY.labels(r, m))
        if len(_request_children) < 10_000:
            _request_children[key] = children
    children[0].inc()
    children[1].observe(seconds)


_children: dict[tuple[Any, ...], Any] = {}


def _child(metric: Any, clean: tuple[Callable[[Any], str], ...], *raw: Any) -> Any:
    """`metric.labels(...)` of the `raw` values each passed through its `clean` sanitiser, cached by the raw
    values (their sanitised form is deterministic), so a repeat costs one dict lookup: `.labels()` takes
    a lock and builds tuples, and the sanitisers run regular expressions."""
    key = (metric, *raw)
    child = _children.get(key)
    if child is None:
        child = metric.labels(*(f(v) for f, v in zip(clean, raw, strict=True)))
        if len(_children) < 10_000:
            _children[key] = child
    return child


_CODE2 = (code_label, code_label)


def _guard(decision: str, code: str) -> None:
    _child(GUARD_DECISIONS, _CODE2, decision, code).inc()


# -- helpers the domains call -----------------------------------------------------------------------
def guard_authenticated(credential: str) -> None:
    _guard("authenticated", credential)


def guard_refused(reason: str) -> None:
    _guard("refused", reason)


def guard_rate_limited(bucket: str) -> None:
    _guard("rate_limited", bucket)


def client_auth(outcome: str, reason: str) -> None:
    CLIENT_AUTH.labels(code_label(outcome), code_label(reason)).inc()


def token_issued() -> None:
    TOKENS_ISSUED.inc()


def observe_redactions(entity_types: Iterable[str], stage: str = "input") -> None:
    """One increment per redacted value: pass each value's entity type (repeats count again)."""
    observe_redaction_counts(Tally(entity_types), stage)


def observe_redaction_counts(counts: Mapping[str, int], stage: str = "input") -> None:
    """`counts[entity_type]` values redacted at `stage`."""
    for entity_type, n in counts.items():
        if n > 0:
            _child(REDACTIONS, (entity_label, code_label), entity_type, stage).inc(n)


_predictions: dict[tuple[str, str, str], tuple[Any, Any]] = {}


def observe_prediction(route: str, model_backend: str, seconds: float, outcome: str) -> None:
    """One finished prediction. `route` is the route template, `outcome` a code such as `ok`, `blocked`,
    `upstream_error`, `timeout`, `error` (never a message)."""
    key = (route, model_backend, outcome)
    children = _predictions.get(key)
    if children is None:
        r, b = route_label(route), name_label(model_backend)
        children = (PREDICTIONS.labels(r, b, code_label(outcome)), PREDICTION_LATENCY.labels(r, b))
        if len(_predictions) < 10_000:
            _predictions[key] = children
    children[0].inc()
    children[1].observe(seconds)


def observe_upstream(operation: str, seconds: float) -> None:
    _child(UPSTREAM_LATENCY, (code_label,), operation).observe(seconds)


def upstream_error(operation: str, kind: str) -> None:
    UPSTREAM_ERRORS.labels(code_label(operation), code_label(kind)).inc()


def upstream_retry(operation: str) -> None:
    UPSTREAM_RETRIES.labels(code_label(operation)).inc()


def record_write(ok: bool) -> None:
    _child(RECORD_WRITES, (str,), "ok" if ok else "failed").inc()


def db_write_failed(count: int = 1) -> None:
    DB_WRITE_FAILURES.inc(count)


def ratelimit_backend_error(backend: str = "redis") -> None:
    RATELIMIT_BACKEND_ERRORS.labels(name_label(backend)).inc()


def anomaly_detected(kind: str) -> None:
    ANOMALIES.labels(code_label(kind)).inc()


def client_auto_disabled() -> None:
    CLIENTS_AUTO_DISABLED.inc()


# -- process lifecycle ------------------------------------------------------------------------------
def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def start_process() -> None:
    """Called once per worker at start-up (lifespan)."""
    BUILD_INFO.labels(__version__, platform.python_version()).set(1)


def stop_process() -> None:
    """Called once per worker at shutdown: its live gauges leave the sums."""
    path = multiprocess_dir()
    if path and os.path.isdir(path):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid(), path)


def collecting_registry() -> CollectorRegistry:
    """The registry a scrape reads: every worker's files in multiprocess mode, else this process."""
    path = multiprocess_dir()
    if not path:
        return REGISTRY
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=path)
    return registry


def render() -> bytes:
    return generate_latest(collecting_registry())


# -- GET /metrics -----------------------------------------------------------------------------------
def metrics_router() -> Any:
    """The `/metrics` route behind the admin guard. Built on demand: the guards import this module."""
    from service.auth.guards import AdminPrincipal
    from service.routing import protected_router

    router = protected_router(tags=["operations"])

    @router.get("/metrics", operation_id="get_metrics", summary="Prometheus metrics of every worker (scope admin)",
                response_class=Response,
                responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"}})
    async def get_metrics(principal: AdminPrincipal) -> Response:
        # Reading every worker's files is blocking file I/O: keep it off the event loop.
        body = await asyncio.to_thread(render)
        return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})

    return router


# -- the separate listener ----------------------------------------------------------------------------
def start_listener(address: str) -> Any:
    """Serve the metrics of every worker at `address` (no authentication) from a daemon thread."""
    from prometheus_client import start_http_server

    from service.config import parse_address

    host, port = parse_address(address)
    server, _thread = start_http_server(port, addr=host, registry=collecting_registry())
    return server
