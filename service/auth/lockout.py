"""Brute-force protection for credentials.

Threat model: an attacker guessing client secrets or API keys, or spraying one guess across many
clients. Every failure is charged to a bucket per source address (trusted-proxy aware, resolved by the
middleware) and, for client authentication, per client id. A bucket holds `auth_failure_limit`
failures and refills one every `auth_lockout_seconds`: after a burst of failures the subject is locked
out for that period, and every further failure extends it. While locked out, requests are refused with
429 and `Retry-After` *before* the secret is checked, so a locked-out guesser learns nothing, and the
state lives in the shared rate-limit backend (Redis when configured), so it holds across workers.
"""

from __future__ import annotations

import math

from service.auth.exceptions import AuthLockedOut
from service.ratelimit.backend import Rate, RateLimitBackend


class Lockout:
    def __init__(self, backend: RateLimitBackend, *, limit: int, period_seconds: int) -> None:
        self.backend = backend
        self.rate = Rate(limit=limit, period=float(period_seconds) * limit, burst=limit)

    async def check(self, subjects: list[str]) -> None:
        for subject in subjects:
            decision = await self.backend.peek(f"lockout:{subject}", self.rate)
            if not decision.degraded and decision.remaining < 1:  # degraded: store down, failing open
                # Seconds until one more attempt fits: the debt beyond the tolerance, plus one interval.
                wait = decision.reset_after + (self.rate.interval_ns - self.rate.tolerance_ns) / 1e9
                raise AuthLockedOut(max(1, math.ceil(wait)))

    async def failure(self, subjects: list[str]) -> None:
        for subject in subjects:
            await self.backend.hit(f"lockout:{subject}", self.rate)
