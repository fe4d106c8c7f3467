"""Per-principal request limits on top of a rate-limit backend.

Policy: requests per minute per API key (or per client for access tokens), from the key, else the
client, else `GATEWAY_RATE_LIMIT_PER_MINUTE`, with a burst of `GATEWAY_RATE_LIMIT_BURST` (default: the
per-minute limit). A refusal is 429 with `Retry-After` and leaves an audit event, sampled to one per
key per minute so a flood cannot flood the audit table. When the backend is unreachable and fails
closed, the request is refused with 503 (the backend module explains the choice).

Model tokens per minute (a credential's `tokens_per_minute`) use the cost-weighted form of the same
limiter: a model call first reserves its estimated tokens (prompt size plus the completion cap), and
settles the difference against the usage the model reports once it answered (or returns them all
when it failed), so a budget is charged what was really used without ever being overspent up front.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from service.auth.principal import Principal
from service.errors import ServiceUnavailable, TooManyRequests, Unprocessable, problem_response
from service.ratelimit.backend import BackendUnavailable, Decision, Rate, RateLimitBackend

logger = logging.getLogger("gateway.ratelimit")


class RateLimitExceeded(TooManyRequests):
    def __init__(self, retry_after: int) -> None:
        super().__init__("The rate limit for this credential is exhausted; retry later.",
                         headers={"Retry-After": str(retry_after)})


class TokenBudgetExhausted(TooManyRequests):
    error = "token_budget_exhausted"

    def __init__(self, retry_after: int) -> None:
        super().__init__("The model-token budget for this credential is exhausted; retry later.",
                         headers={"Retry-After": str(retry_after)})


class TokenRequestTooLarge(Unprocessable):
    error = "token_budget_too_small"

    def __init__(self) -> None:
        super().__init__("This request's estimated model tokens exceed the credential's per-minute token budget.")


@dataclass(frozen=True, slots=True)
class TokenReservation:
    key: str
    rate: Rate
    reserved: int


class RateLimiterUnavailable(ServiceUnavailable):
    error = "rate_limiter_unavailable"

    def __init__(self) -> None:
        super().__init__("Rate limiting is temporarily unavailable; retry shortly.", headers={"Retry-After": "1"})


def headers_for(decision: Decision) -> list[tuple[bytes, bytes]]:
    """`RateLimit-*` response headers for a decision (reset rounded up like Retry-After)."""
    return [(b"ratelimit-limit", str(decision.limit).encode()),
            (b"ratelimit-remaining", str(max(0, decision.remaining)).encode()),
            (b"ratelimit-reset", str(whole_seconds(decision.reset_after)).encode())]


class RateLimiter:
    def __init__(self, backend: RateLimitBackend, *, default_per_minute: int, burst: int | None) -> None:
        self.backend = backend
        self.default_per_minute = default_per_minute
        self.burst = burst
        self._last_audit: dict[str, float] = {}
        self._rates: dict[int, Rate] = {}

    def rate_for(self, per_minute: int | None) -> Rate:
        limit = per_minute or self.default_per_minute
        rate = self._rates.get(limit)
        if rate is None:  # a handful of distinct limits in practice; Rate validates on construction
            if len(self._rates) > 10_000:
                self._rates.clear()
            rate = self._rates[limit] = Rate(limit=limit, period=60.0, burst=self.burst or limit)
        return rate

    async def hit(self, key: str, rate: Rate, cost: int = 1) -> Decision:
        return await self.backend.hit(key, rate, cost)

    async def reserve_tokens(self, principal: Principal, estimate: int) -> TokenReservation | None:
        """Reserve `estimate` model tokens of the credential's per-minute token budget (if it has one)
        before calling a model; settle with `settle_tokens` once the real usage is known."""
        limit = principal.tokens_per_minute
        if not limit:
            return None
        estimate = max(1, estimate)
        if estimate > limit:
            raise TokenRequestTooLarge()
        rate = Rate(limit=limit, period=60.0)
        key = f"tpm:{principal.rate_limit_key}"
        decision = await self.backend.hit(key, rate, estimate)
        if not decision.allowed:
            raise TokenBudgetExhausted(retry_after_seconds(decision))
        return TokenReservation(key, rate, estimate)

    async def settle_tokens(self, reservation: TokenReservation | None, actual: int) -> None:
        """Charge the difference between what was reserved and what was used (either way)."""
        if reservation is not None and actual != reservation.reserved:
            await self.backend.adjust(reservation.key, reservation.rate, actual - reservation.reserved)

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
