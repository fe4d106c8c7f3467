"""The upstream model server: any OpenAI-compatible API at `GATEWAY_UPSTREAM_URL`.

Threat model and invariants:
- The upstream sees only what `service` hands over (redacted messages) and the server-held
  `GATEWAY_UPSTREAM_API_KEY`; the caller's bearer credential and headers are never forwarded.
- Nothing of the upstream leaks back: its headers are dropped, its error bodies are read and
  discarded, and failures become 502 (or 504 on a timeout) problem details with a fixed message,
  so neither the upstream key nor its URL, nor its internals, ever reach a caller or a log line.
- Retries (bounded, with exponential backoff and jitter) happen only before any byte of a response
  reached the caller, and only where the model cannot have run the request: when no connection could
  be made, and on 429/502/503 answers. An upstream that hangs up after the request was sent is a 502,
  not a retry (it may have run the completion, and a retry would run and bill it twice).
- One pooled `httpx.AsyncClient` (built in the lifespan by `build_http_client`) serves every request.

Its transport is aiohttp's connection pool (`httpx-aiohttp`, the transport the OpenAI SDK offers as
its aiohttp option) rather than httpcore's: httpcore re-checks every pooled connection, with a socket
poll each, whenever it assigns a request, so with a few dozen requests in flight the pool cost more
than the rest of the proxy (measured here at 32 concurrent chat calls: 213 req/s with httpcore, 583
with aiohttp, same gateway otherwise). The transport's own mapping of aiohttp errors is coarse (a
refused connection becomes a timeout); `_Transport` maps them to the httpx errors the retry and
502/504 rules below are written for.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

from service.errors import UpstreamFailed, UpstreamTimeout
from service.observability import metrics

logger = logging.getLogger("gateway.upstream")

RETRY_STATUSES = frozenset({429, 502, 503})


def _httpx_error(exc: BaseException) -> type[httpx.TransportError] | None:
    """The httpx error an aiohttp failure stands for (the most specific cause first)."""
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout
    if isinstance(exc, (aiohttp.ServerTimeoutError, asyncio.TimeoutError)):
        return httpx.ReadTimeout
    if isinstance(exc, aiohttp.ClientConnectorError):  # refused, unreachable, DNS: nothing was sent
        return httpx.ConnectError
    if isinstance(exc, (aiohttp.ServerDisconnectedError, aiohttp.ClientResponseError)):
        return httpx.RemoteProtocolError  # hung up, or not HTTP (bad status line, bad headers)
    if isinstance(exc, aiohttp.ClientPayloadError):
        return httpx.ReadError
    if isinstance(exc, aiohttp.ClientError):
        return httpx.TransportError
    return None


def _translated(exc: BaseException) -> httpx.TransportError:
    """Any failure of the aiohttp transport as an httpx error with a fixed message (aiohttp's own messages
    name the upstream's address)."""
    cause = exc.__cause__ if isinstance(exc, httpx.TransportError) and exc.__cause__ is not None else exc
    kind = _httpx_error(cause) or (type(exc) if isinstance(exc, httpx.TransportError) else httpx.TransportError)
    return kind("upstream transport error")


_TRANSPORT_ERRORS = (httpx.TransportError, aiohttp.ClientError, asyncio.TimeoutError)


class _TranslatedStream(httpx.AsyncByteStream):
    def __init__(self, stream: httpx.AsyncByteStream) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._stream:
                yield chunk
        except _TRANSPORT_ERRORS as exc:
            raise _translated(exc) from None

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        except _TRANSPORT_ERRORS as exc:
            raise _translated(exc) from None


class _Transport(AiohttpTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await super().handle_async_request(request)
        except _TRANSPORT_ERRORS as exc:
            raise _translated(exc) from None
        response.stream = _TranslatedStream(response.stream)  # type: ignore[arg-type]
        return response


# Idle connections are dropped before the 5 s that servers such as uvicorn keep them, so a request is
# not sent on a connection the upstream is closing (it would fail, and is not retried: see below).
_KEEPALIVE_SECONDS = 4.0


def build_http_client(connect_timeout: float, read_timeout: float) -> httpx.AsyncClient:
    """The one pooled client for upstream calls: no redirects, no proxy or certificate settings from the
    environment (the upstream is configured explicitly), and no cookies kept in either layer (an
    upstream's cookie would otherwise travel with every later caller's request)."""
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50, keepalive_expiry=_KEEPALIVE_SECONDS)
    ssl_context = httpx.create_ssl_context(trust_env=False)

    def session() -> aiohttp.ClientSession:  # built on first use, inside the running loop
        connector = aiohttp.TCPConnector(limit=200, keepalive_timeout=_KEEPALIVE_SECONDS, ssl=ssl_context)
        return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())

    no_cookies = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    return httpx.AsyncClient(timeout=httpx.Timeout(read_timeout, connect=connect_timeout), limits=limits,
                             follow_redirects=False, trust_env=False, cookies=no_cookies,
                             transport=_Transport(limits=limits, trust_env=False, client=session))


class UpstreamClient:
    def __init__(self, http: httpx.AsyncClient, base_url: str, api_key: str | None, *, retries: int = 2,
                 backoff: float = 0.2) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._headers = {"Accept": "application/json"}
        if api_key:
            self._headers["Authorization"] = f"Bearer {api_key}"
        self._retries = retries
        self._backoff = backoff
        self._models: tuple[float, list[dict[str, Any]]] | None = None

    def __repr__(self) -> str:
        return "UpstreamClient(<configured>)"

    async def _send(self, method: str, path: str, body: dict[str, Any] | None, *, stream: bool) -> httpx.Response:
        operation = "chat" if path == "/chat/completions" else "models"
        started = time.perf_counter()
        try:
            return await self._attempts(method, path, body, stream=stream, operation=operation)
        finally:
            metrics.observe_upstream(operation, time.perf_counter() - started)

    async def _attempts(self, method: str, path: str, body: dict[str, Any] | None, *, stream: bool,
                        operation: str) -> httpx.Response:
        attempt = 0
        while True:
            request = self._http.build_request(method, f"{self._base}{path}", headers=self._headers,
                                               content=json.dumps(body).encode() if body is not None else None)
            if body is not None:
                request.headers["Content-Type"] = "application/json"
            try:
                response = await self._http.send(request, stream=stream)
            except httpx.TimeoutException:
                logger.warning("upstream timed out", extra={"path": path})
                metrics.upstream_error(operation, "timeout")
                raise UpstreamTimeout("The model server did not answer in time.") from None
            except httpx.ConnectError as exc:
                # No connection, so nothing reached the model: safe to retry. A hang-up after the request
                # went out is not retried (below): the model may have run it, and a retry would run it twice.
                if attempt < self._retries:
                    attempt += 1
                    metrics.upstream_retry(operation)
                    await self._sleep(attempt)
                    continue
                logger.warning("upstream unreachable", extra={"path": path, "exc_type": type(exc).__name__})
                metrics.upstream_error(operation, "unreachable")
                raise UpstreamFailed("The model server is unreachable.") from None
            except httpx.TransportError as exc:
                logger.warning("upstream failed", extra={"path": path, "exc_type": type(exc).__name__})
                metrics.upstream_error(operation, "transport")
                raise UpstreamFailed("The model server could not complete the request.") from None
            if response.status_code in RETRY_STATUSES and attempt < self._retries:
                await response.aclose()
                attempt += 1
                metrics.upstream_retry(operation)
                await self._sleep(attempt, response.headers.get("retry-after"))
                continue
            if response.status_code >= 400:
                await response.aclose()
                logger.warning("upstream refused", extra={"path": path, "upstream_status": response.status_code})
                metrics.upstream_error(operation, "status_5xx" if response.status_code >= 500 else "status_4xx")
                if response.status_code == 504:
                    raise UpstreamTimeout("The model server did not answer in time.")
                raise UpstreamFailed("The model server could not complete the request.",
                                     extra={"upstream_status": response.status_code})
            return response

    async def _sleep(self, attempt: int, retry_after: str | None = None) -> None:
        delay = self._backoff * (2 ** (attempt - 1)) * (0.5 + random.random())
        if retry_after and retry_after.isdigit():
            delay = max(delay, min(float(retry_after), 2.0))
        await asyncio.sleep(delay)

    async def chat(self, body: dict[str, Any]) -> dict[str, Any]:
        response = await self._send("POST", "/chat/completions", body, stream=False)
        try:
            data = response.json()
        except ValueError:
            metrics.upstream_error("chat", "invalid_response")
            raise UpstreamFailed("The model server answered with something that is not JSON.") from None
        if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
            metrics.upstream_error("chat", "invalid_response")
            raise UpstreamFailed("The model server's answer is not a chat completion.")
        return data

    @asynccontextmanager
    async def stream_chat(self, body: dict[str, Any]) -> AsyncIterator[AsyncIterator[str]]:
        response = await self._send("POST", "/chat/completions", body, stream=True)
        try:
            yield response.aiter_lines()
        except httpx.TimeoutException:
            metrics.upstream_error("chat", "stream_timeout")
            raise UpstreamTimeout("The model server stopped answering.") from None
        except httpx.TransportError:
            metrics.upstream_error("chat", "stream_dropped")
            raise UpstreamFailed("The model server dropped the stream.") from None
        finally:
            await response.aclose()

    async def list_models(self, ttl: float = 60.0) -> list[dict[str, Any]]:
        """The upstream's models (cached for `ttl` seconds); empty when it cannot be asked."""
        now = time.monotonic()
        if self._models and now - self._models[0] < ttl:
            return self._models[1]
        try:
            response = await self._send("GET", "/models", None, stream=False)
            data = response.json().get("data", [])
            models = [m for m in data if isinstance(m, dict) and isinstance(m.get("id"), str)]
        except Exception:  # noqa: BLE001 - the list is best-effort; predict calls report real errors
            models = []
        self._models = (now, models)
        return models
