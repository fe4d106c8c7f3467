"""The outermost layer of every request: identity of the request, transport policy, body limit, logging.

One pure-ASGI middleware (no BaseHTTPMiddleware: it costs a task and a copy per request) that
- assigns the request id (the caller's `X-Request-ID` if it is sane, else a fresh one) and echoes it;
- resolves the client address and scheme, believing `X-Forwarded-For`/`X-Forwarded-Proto` only when the
  TCP peer is in `GATEWAY_TRUSTED_PROXIES` (otherwise anyone could pick the address our lockouts key on);
- with `GATEWAY_FORCE_HTTPS`, redirects plain-HTTP GET/HEAD to https and refuses other methods (the
  body was already exposed, but the client learns to fix its URL instead of silently continuing);
  only the health probes stay on plain HTTP, since they carry nothing;
- enforces the body limit on the bytes actually read, so a chunked upload without Content-Length is
  cut off at the limit rather than buffered;
- adds security headers (HSTS only over https, where browsers honour it);
- writes one JSON log line per request with ids, route template, status and latency: never the path's
  query string, headers or body; counts the request in the Prometheus metrics (route template, method,
  status, latency: no caller-chosen value ever becomes a label);
- refuses a caller's `X-Request-ID` that the log masker would change (it would carry personal data or a
  credential into logs, audit events and responses) and uses a fresh one instead;
- makes the app's unusual-activity detector reachable from anywhere in the request (a context variable),
  and reports requests refused by a client's PII policy to it;
- answers any exception that escaped the app with a generic 500 problem and logs only its type, so
  no server prints a traceback that could quote input.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import time
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.config import Settings
from service.errors import problem_response
from service.ratelimit.service import headers_for
from service.observability import anomaly, metrics
from service.observability.logging import mask_text, new_request_id

logger = logging.getLogger("gateway.access")
error_logger = logging.getLogger("gateway.errors")

_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}")
_DOCS_PATHS = ("/docs", "/redoc")
# Orchestrators probe liveness over plain HTTP inside the host; these carry no data, so they stay reachable.
_PROBE_PATHS = frozenset({"/healthz", "/readyz"})
_PII_BLOCKED = b'"error":"pii_blocked"'
_API_CSP = b"default-src 'none'; frame-ancestors 'none'"
_DOCS_CSP = (b"default-src 'none'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
             b"style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https:; "
             b"connect-src 'self'; frame-ancestors 'none'")
_COMMON_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]


class BodyTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(413, "The request body exceeds the configured limit.")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def resolve_client(scope: Scope, trusted: tuple[Any, ...]) -> tuple[str | None, str]:
    """(client ip, scheme), honouring X-Forwarded-* only from trusted proxies."""
    peer = scope["client"][0] if scope.get("client") else None
    scheme = scope.get("scheme", "http")
    if not trusted or peer is None or not _in(peer, trusted):
        return peer, scheme
    client = peer
    forwarded = _header(scope, b"x-forwarded-for")
    if forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        for hop in reversed(hops):
            if not _valid_ip(hop):
                break
            client = hop
            if not _in(hop, trusted):
                break
    proto = _header(scope, b"x-forwarded-proto")
    if proto:
        last = proto.split(",")[-1].strip().lower()
        if last in ("http", "https"):
            scheme = last
    return client, scheme


def _valid_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _in(ip: str, networks: tuple[Any, ...]) -> bool:
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(addr in net for net in networks)


class GatewayMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.max_body = settings.max_body_bytes
        self.force_https = settings.force_https
        self.trusted = settings.trusted_proxy_networks
        hsts = (b"strict-transport-security", f"max-age={settings.hsts_max_age}; includeSubDomains".encode())
        # The security headers by (documentation page?, over https?), built once.
        self._security = {
            (docs, secure): (*_COMMON_HEADERS, (b"content-security-policy", _DOCS_CSP if docs else _API_CSP),
                             *((hsts,) if secure else ()))
            for docs in (False, True) for secure in (False, True)}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started_at = time.perf_counter()
        state = scope.setdefault("state", {})
        incoming = declared = None
        for key, value in scope.get("headers", ()):  # one pass over the headers, on every request
            if key == b"x-request-id" and incoming is None:
                incoming = value.decode("latin-1")
            elif key == b"content-length" and declared is None:
                declared = value.decode("latin-1")
        request_id = incoming if incoming and _REQUEST_ID.fullmatch(incoming) and mask_text(incoming) == incoming \
            else new_request_id()
        client_ip, scheme = resolve_client(scope, self.trusted)
        secure = scheme == "https"
        state["request_id"] = request_id
        state["client_ip"] = client_ip
        state["secure"] = secure
        status_holder = [0]
        blocked = [False]
        path = scope.get("path", "")
        extra_headers = ((b"x-request-id", request_id.encode()),
                         *self._security[(path.startswith(_DOCS_PATHS), secure)])

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
                headers = list(message.get("headers", ()))
                names = {k.lower() for k, _ in headers}
                headers.extend(h for h in extra_headers if h[0] not in names)
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                decision = state.get("ratelimit")
                if decision is not None:
                    headers.extend(headers_for(decision))
                message = {**message, "headers": headers}
            elif status_holder[0] == 422 and message["type"] == "http.response.body" \
                    and _PII_BLOCKED in message.get("body", b""):
                blocked[0] = True
            await send(message)

        detector = getattr(scope["app"].state, "anomaly", None) if "app" in scope else None
        token = anomaly.current.set(detector)
        metrics.HTTP_IN_PROGRESS.inc()
        try:
            if self.force_https and not secure and path not in _PROBE_PATHS:
                await self._refuse_plain_http(scope, receive, send_wrapper)
                return
            if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
                status = 413 if declared.isdigit() else 400
                await problem_response(Request(scope), status)(scope, receive, send_wrapper)
                return
            await self.app(scope, self._limited(receive), send_wrapper)
        except BodyTooLarge:
            if not status_holder[0]:
                await problem_response(Request(scope), 413, detail="The request body exceeds the configured limit.")(
                    scope, receive, send_wrapper)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            error_logger.error("unhandled exception", extra={"exc_type": type(exc).__name__,
                                                              "request_id": request_id})
            if not status_holder[0]:
                await problem_response(Request(scope), 500, detail="An unexpected error occurred.")(
                    scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - started_at
            metrics.HTTP_IN_PROGRESS.dec()
            route = getattr(scope.get("route"), "path", None) or "<unmatched>"
            method = scope.get("method", "")
            status = status_holder[0] or 500
            metrics.observe_request(route, method, status, elapsed)
            if logger.isEnabledFor(logging.INFO):
                logger.info("request", extra={
                    "request_id": request_id,
                    "method": metrics.method_label(method),
                    "route": route,
                    "status": status,
                    "latency_ms": round(elapsed * 1000, 2),
                    "principal": state.get("principal_id"),
                })
            anomaly.current.reset(token)
            if blocked[0] and detector is not None:  # report() never raises
                await detector.report(anomaly.PII_BLOCKED, client_id=state.get("principal_id"),
                                      source_ip=client_ip, request_id=request_id)

    def _limited(self, receive: Receive) -> Receive:
        limit = self.max_body
        seen = 0

        async def receive_limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge()
            return message

        return receive_limited

    async def _refuse_plain_http(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        if scope.get("method") in ("GET", "HEAD"):
            host = _header(scope, b"host") or "localhost"
            query = scope.get("query_string", b"").decode("latin-1")
            location = f"https://{host}{scope.get('raw_path', b'').decode('latin-1') or scope['path']}"
            if query:
                location += f"?{query}"
            response = problem_response(request, 308, error="https_required", title="Permanent Redirect",
                                        detail="This gateway is served over HTTPS only.",
                                        headers={"Location": location})
        else:
            response = problem_response(request, 403, error="https_required", title="HTTPS Required",
                                        detail="This gateway accepts requests over HTTPS only.")
        await response(scope, receive, send)
