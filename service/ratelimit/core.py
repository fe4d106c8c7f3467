"""GCRA: the rate-limit algorithm shared by every backend.

Threat model: a client (or a flood of unauthenticated requests keyed on a source address) tries to
get more work out of the gateway than its policy allows, by bursting at window edges, by racing
many concurrent requests, or by spreading requests over workers and replicas. Each decision must
therefore be exact, atomic per key, and computed from one clock per store.

Algorithm (Generic Cell Rate Algorithm, equivalent to a token bucket of capacity ``burst`` that
refills one unit every ``T = period / limit`` seconds). The only state per key is the theoretical
arrival time ``TAT`` (one number). With ``debt = max(TAT - now, 0)`` and ``tau = burst * T``:

* a hit of ``cost`` units is admitted iff ``debt + cost*T <= tau``; then ``TAT = now + debt + cost*T``;
* ``remaining = floor((tau - debt') / T)`` (whole units admissible now, exactly the admission test);
* ``reset_after = debt'`` (seconds until the bucket is full and the state can be dropped);
* a refusal leaves the state untouched and ``retry_after = debt + cost*T - tau`` (exact, rounded up).

Invariants (all arithmetic is on integer nanoseconds, so there is no float drift):

* For every closed interval ``[a, b]`` the units admitted at instants inside it are at most
  ``burst + floor((b - a) / T)``; for a window of one ``period`` that is ``burst + limit``, and no
  fixed-window edge allows more. The bound is tight (a full burst at ``a``, then one unit every T).
* From an empty bucket, exactly ``k`` units are admissible ``k*T`` later (capped at ``burst``).
* A refused caller that retries ``retry_after`` later is admitted if nothing else consumed meanwhile.
* ``T`` is rounded *up* to a whole nanosecond, so rounding can only make the limiter stricter.
* A key whose ``TAT <= now`` is indistinguishable from an absent key, so idle state may be dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

NS_PER_S = 1_000_000_000
# Debt is capped so that Redis' Lua (IEEE doubles) stays exact: 2**52 ns is about 52 days.
MAX_DEBT_NS = 2**52


class BackendUnavailable(Exception):
    """The shared store could not be consulted and the backend is configured to fail closed.

    Carries no key and no client identifier; the guard maps it to 503 with ``Retry-After``.
    """

    def __init__(self, retry_after: float = 1.0) -> None:
        super().__init__("rate-limit backend unavailable")
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Rate:
    """``limit`` units per ``period`` seconds; a fresh key may spend ``burst`` (default ``limit``) at once."""

    limit: int
    period: float = 60.0
    burst: int | None = None
    interval_ns: int = field(init=False, repr=False, compare=False)
    tolerance_ns: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.limit, bool) or not isinstance(self.limit, int) or self.limit < 1:
            raise ValueError("limit must be an int >= 1")
        if not (isinstance(self.period, (int, float)) and math.isfinite(self.period) and self.period > 0):
            raise ValueError("period must be a finite number of seconds > 0")
        burst = self.limit if self.burst is None else self.burst
        if isinstance(burst, bool) or not isinstance(burst, int) or burst < 1:
            raise ValueError("burst must be an int >= 1")
        period_ns = round(self.period * NS_PER_S)
        interval = max(1, -(-period_ns // self.limit))  # ceil: never faster than the policy
        tolerance = burst * interval
        if tolerance > MAX_DEBT_NS // 2:
            raise ValueError("burst * period / limit is too large (over ~26 days)")
        object.__setattr__(self, "burst", burst)
        object.__setattr__(self, "interval_ns", interval)
        object.__setattr__(self, "tolerance_ns", tolerance)


@dataclass(frozen=True, slots=True)
class Decision:
    """Outcome of one check. ``degraded`` is True when the store was unreachable and the backend
    failed open: the request was admitted without being counted."""

    allowed: bool
    limit: int
    remaining: int
    reset_after: float
    retry_after: float
    degraded: bool = False


@runtime_checkable
class RateLimitBackend(Protocol):
    async def hit(self, key: str, rate: Rate, cost: int = 1) -> Decision:
        """Atomically check and consume ``cost`` units. ``cost > rate.burst`` can never be admitted:
        it is refused with ``retry_after = inf`` and consumes nothing."""
        ...

    async def adjust(self, key: str, rate: Rate, delta: int) -> None:
        """Settle a reservation: ``delta > 0`` consumes more (never refuses, may overdraw),
        ``delta < 0`` gives units back (never beyond an empty bucket)."""
        ...

    async def peek(self, key: str, rate: Rate) -> Decision:
        """Report the state without consuming: a zero-cost hit, so ``allowed`` is False only while the
        key is overdrawn by ``adjust``; read ``remaining`` to know whether a unit would pass."""
        ...

    async def close(self) -> None: ...


def seconds_up(ns: int) -> float:
    """Nanoseconds to float seconds, never below the exact value (so callers never retry early)."""
    return math.nextafter(ns / NS_PER_S, math.inf) if ns > 0 else 0.0


def check_cost(cost: int) -> None:
    if isinstance(cost, bool) or not isinstance(cost, int) or cost < 0:
        raise ValueError("cost must be an int >= 0")


def check_delta(delta: int) -> None:
    if isinstance(delta, bool) or not isinstance(delta, int):
        raise ValueError("delta must be an int")


def decide(debt: int, rate: Rate, cost: int) -> tuple[Decision, int | None]:
    """Apply GCRA to the current ``debt`` (ns). Returns the decision and the new debt to store
    (``None`` when nothing changes)."""
    interval, tolerance = rate.interval_ns, rate.tolerance_ns
    new = debt + cost * interval
    if new <= tolerance:
        return (
            Decision(True, rate.limit, (tolerance - new) // interval, seconds_up(new), 0.0),
            new if cost else None,
        )
    remaining = max(0, (tolerance - debt) // interval)
    retry = math.inf if cost > rate.burst else seconds_up(new - tolerance)
    return Decision(False, rate.limit, remaining, seconds_up(debt), retry), None


def settle(debt: int, rate: Rate, delta: int) -> int:
    """New debt after ``adjust``: bounded below by an empty bucket and above by ``MAX_DEBT_NS``."""
    return min(max(debt + delta * rate.interval_ns, 0), MAX_DEBT_NS)
