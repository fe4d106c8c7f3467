"""Per-principal request limits on top of a rate-limit backend.

Policy: requests per minute per API key (or per client for access tokens), from the key, else the
client, else `GATEWAY_RATE_LIMIT_PER_MINUTE`, with a burst of `GATEWAY_RATE_LIMIT_BURST` (default: the
per-minute limit). A refusal is 429 with `Retry-After` and leaves an audit event, sampled to one per
key per minute so a flood cannot flood the audit table. When the backend is unreachable and fails
closed, the request is refused with 503 (the backend module explains the choice).
"""

from __future__ import annotations

import logging
import math
import time

from starlette.requests import Request
from starlette.responses import Response

from service.errors import ServiceUnavailable, TooManyRequests, problem_response
from service.ratelimit.backend import BackendUnavailable, Decision, Rate, RateLimitBackend

logger = logging.getLogger("gateway.ratelimit")


class RateLimitExceeded(TooManyRequests):
    def __init__(self, retry_after: int) -> None:
        super().__init__("The rate limit for this credential is exhausted; retry later.",
                         headers={"Retry-After": str(retry_after)})


class RateLimiterUnavailable(ServiceUnavailable):
    error = "rate_limiter_unavailable"

    def __init__(self) -> None:
        super().__init__("Rate limiting is temporarily unavailable; retry shortly.", headers={"Retry-After": "1"})


class RateLimiterUnavailable(ServiceUnavailable):
    error = "rate_limiter_unavailable"

    def __init__(self) -> None:
        super().__init__("Rate limiting is temporarily unavailable; retry shortly.", headers={"Retry-After": "1"})


def headers_for(decision: Decision) -> list[tuple[bytes, bytes]]:
    return [(b"ratelimit-limit", str(decision.limit).encode()),
            (b"ratelimit-remaining", str(max(0, decision.remaining)).encode()),
            (b"ratelimit-reset", str(max(0, math.ceil(decision.reset_after))).encode())]


class RateLimiter:
    def __init__(self, backend: RateLimitBackend, *, default_per_minute: int, burst: int | None) -> None:
        self.backend = backend
        self.default_per_minute = default_per_minute
        self.burst = burst
        self._last_audit: dict[str, float] = {}

    def rate_for(self, per_minute: int | None) -> Rate:
        limit = per_minute or self.default_per_minute
        return Rate(limit=limit, period=60.0, burst=self.burst or limit)

    async def hit(self, key: str, rate: Rate, cost: int = 1) -> Decision:
        return await self.backend.hit(key, rate, cost)

    def should_audit(self, key: str) -> bool:
        """At most one refusal event per key per minute."""
        now = time.monotonic()
        if now - self._last_audit.get(key, -1e9) < 60:
            return False
        if len(self._last_audit) > 100_000:
            self._last_audit.clear()
        self._last_audit[key] = now
        return True


def whole_seconds(value: float) -> int:
    """Seconds rounded up for a header. The backends report times one float ulp above the exact
    nanosecond value; rounding to the microsecond first keeps an exact 10 s from becoming 11 s, and
    nothing is reported more than a microsecond early."""
    return max(0, math.ceil(round(value, 6)))


def retry_after_seconds(decision: Decision) -> int:
    # Rounded up, so a client that waits this long is admitted (never early).
    return max(1, whole_seconds(decision.retry_after))


async def backend_unavailable_handler(request: Request, exc: BackendUnavailable) -> Response:
    """Any decision (request limits, lockouts) that could not be made fails closed as a 503."""
    error = RateLimiterUnavailable()
    return problem_response(request, error.status_code, detail=error.detail, error=error.error,
                            title=error.title, headers=error.headers)
