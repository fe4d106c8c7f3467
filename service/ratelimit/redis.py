"""Redis rate-limit backend: one limit shared by every worker and replica.

Threat model: as in ``core``, with the attacker also spreading requests over workers and replicas,
whose clocks may disagree, and possibly degrading Redis itself (floods, failover, network faults).

Invariants:

* Each decision is ONE Lua script run atomically on the server (EVALSHA, reloaded on NOSCRIPT). It
  reads the clock with ``TIME`` on the server, so client clock skew cannot widen a limit, and it
  sets ``PX`` on every write, so an idle key's state disappears once its bucket is full again.
* The stored value is the TAT as decimal seconds with nanosecond digits (``"1764392640.123456789"``);
  the script splits it into integer seconds and nanoseconds so all arithmetic is exact in Lua doubles.
* Connections come from a bounded pool with short socket timeouts; a stalled Redis costs a request
  at most ``timeout`` seconds (plus one reconnect), never the default 5 s or an unbounded queue.
* No key value or client identifier is ever logged.

Redis unreachable (connection refused or reset, timeout, pool exhausted, LOADING, READONLY, OOM...):

* ``failure_mode="closed"`` (the default) raises ``BackendUnavailable``; the guard answers 503 with
  ``Retry-After``. It is not a 429, because the client did not exceed its quota and should retry
  (or go to another replica), not back off as if throttled.
* ``failure_mode="open"`` admits the request with ``Decision(degraded=True)`` and counts nothing.
* ``adjust`` never raises: a settlement that cannot be written is dropped (and counted), because the
  response it settles has already been produced and paid for.

Why closed by default: the gateway sits in front of paid models and holds credentials. Failing open
turns a Redis outage, or anything an attacker can do to make Redis slow or unreachable, into
unlimited spend, unthrottled credential and scope probing, and an unbounded flood onto the model
provider; those costs are unbounded and silent. Failing closed bounds them at the price of
availability, and that price is small and visible: the outage is loud (503, logs, counter), lasts
only while Redis is down (the backend recovers by itself, no restart), and Redis is a single
dependency operators already monitor. Deployments that value availability above spend can opt in
to ``open``.

Every degraded decision increments ``unavailable_events`` and calls ``on_error``. Logging is one line
when Redis becomes unreachable, at most one summary line per ``log_interval`` while it stays so, and
one line on recovery, so that an outage cannot also flood the logs. While unreachable, calls within
``retry_interval`` of the last failure fail fast without touching the network, then one call probes.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Literal

from redis import exceptions as redis_errors
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from service.ratelimit.core import (
    BackendUnavailable,
    Decision,
    Rate,
    check_cost,
    check_delta,
    seconds_up,
)

logger = logging.getLogger("gateway.ratelimit")

# KEYS[1] = bucket key; ARGV = mode ("h" hit / "a" adjust), interval_ns, tolerance_ns, n, max_debt_ns.
# Returns {allowed, remaining, reset_ns, retry_ns} for "h", and 1 for "a".
GCRA_LUA = """
local interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local n = tonumber(ARGV[4])
local max_debt = tonumber(ARGV[5])
local t = redis.call('TIME')
local now_s = tonumber(t[1])
local now_ns = tonumber(t[2]) * 1000
local debt = 0
local v = redis.call('GET', KEYS[1])
if v then
  local dot = string.find(v, '.', 1, true)
  debt = (tonumber(string.sub(v, 1, dot - 1)) - now_s) * 1000000000
       + (tonumber(string.sub(v, dot + 1)) - now_ns)
  if debt < 0 then debt = 0 end
end
local function floordiv(a, b)
  local q = math.floor(a / b)
  if q * b > a then q = q - 1 elseif (q + 1) * b <= a then q = q + 1 end
  return q
end
local function store(d)
  if d <= 0 then
    redis.call('DEL', KEYS[1])
    return
  end
  local total = now_ns + d
  local carry = floordiv(total, 1000000000)
  redis.call('SET', KEYS[1],
    string.format('%d.%09d', now_s + carry, total - carry * 1000000000),
    'PX', floordiv(d, 1000000) + 1)
end
if ARGV[1] == 'a' then
  local new = debt + n * interval
  if new < 0 then new = 0 end
  if new > max_debt then new = max_debt end
  store(new)
  return 1
end
local new = debt + n * interval
if new <= tolerance then
  if n > 0 then store(new) end
  return {1, floordiv(tolerance - new, interval), new, 0}
end
local remaining = 0
if tolerance > debt then remaining = floordiv(tolerance - debt, interval) end
return {0, remaining, debt, new - tolerance}
"""

_UNAVAILABLE = (redis_errors.RedisError, OSError)


class RedisBackend:
    def __init__(
        self,
        redis_url: str,
        prefix: str = "gw:rl:",
        failure_mode: Literal["open", "closed"] = "closed",
        on_error: Callable[[], None] | None = None,
        *,
        timeout: float = 0.25,
        max_connections: int = 64,
        retry_interval: float = 1.0,
        log_interval: float = 10.0,
    ) -> None:
        """``timeout`` bounds connect, each socket read/write and the wait for a pooled connection.
        Nothing touches the network until the first decision."""
        if failure_mode not in ("open", "closed"):
            raise ValueError("failure_mode must be 'open' or 'closed'")
        self.prefix = prefix
        self.failure_mode = failure_mode
        self.on_error = on_error
        self.retry_interval = retry_interval
        self.log_interval = log_interval
        self.unavailable_events = 0
        self._down_since: float | None = None
        self._retry_at = 0.0
        self._next_log = 0.0
        self._unlogged = 0
        self._pool = BlockingConnectionPool.from_url(
            redis_url,
            max_connections=max_connections,
            timeout=timeout,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            # One immediate retry replaces a pooled connection that died while idle (Redis restart).
            # A retried script may run twice; that only over-counts, it never over-admits.
            retry=Retry(NoBackoff(), 1, (redis_errors.ConnectionError,)),
        )
        self._redis = Redis(connection_pool=self._pool)
        self._script = self._redis.register_script(GCRA_LUA)

    @property
    def available(self) -> bool:
        return self._down_since is None

    async def hit(self, key: str, rate: Rate, cost: int = 1) -> Decision:
        check_cost(cost)
        if cost > rate.burst:  # never admissible; report the state without sending an oversized cost
            decision = await self.hit(key, rate, 0)
            if decision.degraded:
                return decision
            return Decision(False, rate.limit, decision.remaining, decision.reset_after, math.inf)
        try:
            allowed, remaining, reset_ns, retry_ns = await self._run("h", key, rate, cost)
        except _UNAVAILABLE as exc:
            self._failed(exc)
            if self.failure_mode == "closed":
                raise BackendUnavailable(self.retry_interval) from None
            return Decision(True, rate.limit, 0, 0.0, 0.0, degraded=True)
        self._succeeded()
        return Decision(
            bool(allowed), rate.limit, int(remaining), seconds_up(int(reset_ns)), seconds_up(int(retry_ns))
        )

    async def peek(self, key: str, rate: Rate) -> Decision:
        return await self.hit(key, rate, 0)

    async def adjust(self, key: str, rate: Rate, delta: int) -> None:
        check_delta(delta)
        # Clamp so delta * interval stays exact in Lua; the script caps the debt anyway.
        bound = (2**52) // rate.interval_ns
        delta = max(-bound, min(bound, delta))
        try:
            await self._run("a", key, rate, delta)
        except _UNAVAILABLE as exc:
            self._failed(exc)
            return
        self._succeeded()

    async def close(self) -> None:
        await self._redis.aclose()
        await self._pool.disconnect()

    async def _run(self, mode: str, key: str, rate: Rate, n: int):
        if self._down_since is not None and time.monotonic() < self._retry_at:
            raise redis_errors.ConnectionError("circuit open")
        # AsyncScript sends EVALSHA and, on NOSCRIPT (restart, SCRIPT FLUSH, failover), loads the script.
        return await self._script(
            keys=[self.prefix + key], args=[mode, rate.interval_ns, rate.tolerance_ns, n, 2**52]
        )

    def _failed(self, exc: BaseException) -> None:
        now = time.monotonic()
        self.unavailable_events += 1
        self._retry_at = now + self.retry_interval
        if self._down_since is None:
            self._down_since = now
            self._next_log = now + self.log_interval
            self._unlogged = 0
            logger.error(
                "rate-limit store unreachable (%s); failing %s", type(exc).__name__, self.failure_mode
            )
        else:
            self._unlogged += 1
            if now >= self._next_log:
                logger.error(
                    "rate-limit store still unreachable after %.0fs; %d more degraded decisions; failing %s",
                    now - self._down_since, self._unlogged, self.failure_mode,
                )
                self._unlogged = 0
                self._next_log = now + self.log_interval
        if self.on_error is not None:
            try:
                self.on_error()
            except Exception:  # a broken metrics hook must not turn into a 500
                logger.exception("rate-limit on_error hook failed")

    def _succeeded(self) -> None:
        if self._down_since is not None:
            logger.warning(
                "rate-limit store reachable again after %.1fs (%d degraded decisions not logged singly)",
                time.monotonic() - self._down_since, self._unlogged,
            )
            self._down_since = None
