"""Unusual activity: a spike of refusals from one client or one source address becomes ONE audit event.

Threat model: guessing client secrets or API keys, probing scopes with a stolen credential, floods past
the rate limit, and repeated attempts to push personal data through a client whose policy blocks it.
Each refusal is already audited (floods sampled); what on-call needs is one signal per spike, not one
per request, and never a flood of alerts during an attack.

Counting: per (kind, subject), where the subject is a client id or `ip:<address>`, the times of the
last `threshold` events. When `threshold` of them fall within `window` seconds and no episode is open,
an episode opens: one audit event `anomaly.detected` (actor = the subject, reason = the kind, details
`{"kind", "count", "window_seconds"}`, with the request id and source address of the event that crossed
the threshold) and `gateway_anomalies_total{kind}` + 1. Further events of that kind and subject only
extend the episode; it closes after `quiet` seconds without one, and only then can a new one open.
Details hold counts and codes only, as every audit event.

Bounded: at most `max_subjects` (kind, subject) pairs are tracked; beyond that the least recently
seen is forgotten, so a spray over many addresses costs memory in proportion to the bound only.

Scope: with `GATEWAY_REDIS_URL` the counts and episodes live in Redis (one Lua script per refusal,
Redis's clock), so every worker and replica shares them: exactly one event per episode deployment-wide.
If Redis cannot be reached, or without it, each process counts on its own: under `--workers N` a spike
spread evenly is then noticed after up to N x threshold events, and each worker may report the
episode once. Lockouts and rate limits, the actual defences, are shared through the rate-limit
backend either way; this detector only raises the alarm.

Auto-disable (`GATEWAY_ANOMALY_AUTO_DISABLE`, off by default, because anyone who can make requests
fail in a client's name could otherwise switch that client off): a client whose authentication-failure
or scope-denial episode reaches `auto_disable_after` events is disabled through the auth service, which
audits it as `client.disabled` by actor `anomaly-detector` and revokes its live credentials at once.
"""

from __future__ import annotations

import logging
import os
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from service.audit.service import Action, AuditContext, AuditLog
from service.observability import metrics

logger = logging.getLogger("gateway.anomaly")

AUTH_FAILURES = "auth_failures"
SCOPE_DENIALS = "scope_denials"
RATE_LIMITED = "rate_limited"
PII_BLOCKED = "pii_blocked"
KINDS = (AUTH_FAILURES, SCOPE_DENIALS, RATE_LIMITED, PII_BLOCKED)
DISABLING_KINDS = frozenset({AUTH_FAILURES, SCOPE_DENIALS})
AUTO_DISABLE_ACTOR = "anomaly-detector"

# The detector of the app serving the current request (set by the middleware), so code without the
# request at hand (the auth service) can report to it.
current: ContextVar[AnomalyDetector | None] = ContextVar("gateway_anomaly_detector", default=None)


class _Track:
    __slots__ = ("times", "open", "last", "count", "disabled")

    def __init__(self, threshold: int) -> None:
        self.times: deque[float] = deque(maxlen=threshold)
        self.open = False
        self.last = 0.0
        self.count = 0
        self.disabled = False


# KEYS: the subject's recent event times (sorted set), its open episode (a counter that lives `quiet`).
# ARGV: window ms, threshold, quiet ms, a unique member. Returns {opened, count, open}.
_SHARED_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window, threshold, quiet = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
if redis.call('EXISTS', KEYS[2]) == 1 then
  local count = redis.call('INCR', KEYS[2])
  redis.call('PEXPIRE', KEYS[2], quiet)
  return {0, count, 1}
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
local n = redis.call('ZCARD', KEYS[1])
if n >= threshold then
  redis.call('SET', KEYS[2], n, 'PX', quiet)
  redis.call('DEL', KEYS[1])
  return {1, n, 1}
end
return {0, n, 0}
"""


class SharedCounts:
    """Counts and episodes in Redis, shared by every worker and replica."""

    def __init__(self, redis_url: str, prefix: str, *, timeout: float = 0.25) -> None:
        from redis.asyncio import Redis

        self._redis = Redis.from_url(redis_url, socket_timeout=timeout, socket_connect_timeout=timeout)
        self._script = self._redis.register_script(_SHARED_SCRIPT)
        self._prefix = prefix
        self._n = 0

    async def note(self, kind: str, subject: str, *, threshold: int, window: float,
                   quiet: float) -> tuple[bool, int, bool]:
        self._n += 1
        base = f"{self._prefix}{kind}:{subject}"
        opened, count, is_open = await self._script(
            keys=[f"{base}:w", f"{base}:e"],
            args=[int(window * 1000), threshold, int(quiet * 1000), f"{time.time_ns()}:{os.getpid()}:{self._n}"])
        return bool(opened), int(count), bool(is_open)

    async def close(self) -> None:
        await self._redis.aclose()


class AnomalyDetector:
    def __init__(self, audit: AuditLog, *, thresholds: dict[str, int], window: float, quiet: float,
                 auto_disable: bool = False, auto_disable_after: int = 100, sessionmaker: Any = None,
                 clock: Callable[[], float] = time.monotonic, max_subjects: int = 100_000,
                 shared: SharedCounts | None = None) -> None:
        self.audit = audit
        self.thresholds = thresholds
        self.window = window
        self.quiet = quiet
        self.auto_disable = auto_disable and sessionmaker is not None
        self.auto_disable_after = auto_disable_after
        self._sessionmaker = sessionmaker
        self._clock = clock
        self._max = max_subjects
        self._tracks: OrderedDict[tuple[str, str], _Track] = OrderedDict()
        self._sampled: dict[str, float] = {}
        self._shared = shared
        self._shared_down_until = 0.0

    @classmethod
    def from_settings(cls, settings: Any, audit: AuditLog, sessionmaker: Any = None) -> AnomalyDetector:
        return cls(audit, thresholds={AUTH_FAILURES: settings.anomaly_auth_failures,
                                      SCOPE_DENIALS: settings.anomaly_scope_denials,
                                      RATE_LIMITED: settings.anomaly_rate_limited,
                                      PII_BLOCKED: settings.anomaly_pii_blocked},
                   window=float(settings.anomaly_window_seconds), quiet=float(settings.anomaly_quiet_seconds),
                   auto_disable=settings.anomaly_auto_disable,
                   auto_disable_after=settings.anomaly_auto_disable_after, sessionmaker=sessionmaker,
                   shared=SharedCounts(settings.redis_url, f"{settings.redis_key_prefix}anomaly:")
                   if settings.redis_url else None)

    async def close(self) -> None:
        if self._shared is not None:
            await self._shared.close()

    async def report(self, kind: str, *, client_id: str | None = None, source_ip: str | None = None,
                     request_id: str | None = None) -> None:
        """Count one refusal of `kind` against its client (when known) and its source address.

        Never raises: a failure to alert must not turn a refusal into a 500."""
        threshold = self.thresholds.get(kind)
        if threshold is None:
            return
        now = self._clock()
        ctx = AuditContext(request_id, source_ip)
        for subject, is_client in ((client_id, True), (f"ip:{source_ip}" if source_ip else None, False)):
            if not subject:
                continue
            track = self._track(kind, subject, threshold)
            opened, count, is_open = await self._count(kind, subject, track, now, threshold)
            try:
                if opened:
                    await self._emit(kind, subject, count, ctx)
                if (self.auto_disable and kind in DISABLING_KINDS and is_client and is_open
                        and not track.disabled and count >= self.auto_disable_after):
                    track.disabled = True
                    await self._disable(subject, ctx)
            except Exception as exc:  # noqa: BLE001
                logger.error("anomaly alert failed", extra={"kind": kind, "exc_type": type(exc).__name__})

    def first_in(self, key: str, seconds: float = 60.0) -> bool:
        """True at most once per `key` per `seconds` (sampling for audit events of repeated refusals)."""
        now = self._clock()
        if now - self._sampled.get(key, -1e18) < seconds:
            return False
        if len(self._sampled) >= self._max:
            self._sampled.clear()
        self._sampled[key] = now
        return True

    def _track(self, kind: str, subject: str, threshold: int) -> _Track:
        key = (kind, subject)
        track = self._tracks.get(key)
        if track is None:
            if len(self._tracks) >= self._max:
                self._tracks.popitem(last=False)
            track = self._tracks[key] = _Track(threshold)
        else:
            self._tracks.move_to_end(key)
        return track

    async def _count(self, kind: str, subject: str, track: _Track, now: float,
                     threshold: int) -> tuple[bool, int, bool]:
        """(opened an episode, count, episode open) from Redis when it answers, else from this process."""
        if self._shared is not None and now >= self._shared_down_until:
            try:
                return await self._shared.note(kind, subject, threshold=threshold, window=self.window,
                                               quiet=self.quiet)
            except Exception as exc:  # noqa: BLE001 - fall back to local counts for a while
                self._shared_down_until = now + 5.0
                logger.warning("anomaly counts unshared: Redis unreachable", extra={"exc_type": type(exc).__name__})
        opened = self._note(track, now, threshold)
        return opened, track.count if track.open else len(track.times), track.open

    def _note(self, track: _Track, now: float, threshold: int) -> bool:
        """Add one event; True when it opens an episode. Synchronous, so concurrent requests cannot
        both open the same episode."""
        if track.open and now - track.last > self.quiet:
            track.open = False
            track.times.clear()
        track.last = now
        if track.open:
            track.count += 1
            return False
        track.times.append(now)
        if len(track.times) >= threshold and now - track.times[0] <= self.window:
            track.open = True
            track.count = len(track.times)
            return True
        return False

    async def _emit(self, kind: str, subject: str, count: int, ctx: AuditContext) -> None:
        metrics.anomaly_detected(kind)
        logger.warning("unusual activity", extra={"kind": kind, "count": count, "window_seconds": int(self.window),
                                                  "subject": "address" if subject.startswith("ip:") else "client"})
        await self.audit.record(Action.ANOMALY_DETECTED, ctx=ctx, outcome="detected", actor=subject, reason=kind,
                                details={"kind": kind, "count": count, "window_seconds": int(self.window)})

    async def _disable(self, client_id: str, ctx: AuditContext) -> None:
        from service.auth import service as auth_service
        from service.errors import NotFound

        try:
            async with self._sessionmaker() as session:
                await auth_service.disable_client(session, client_id, actor=AUTO_DISABLE_ACTOR, ctx=ctx)
                await session.commit()
        except NotFound:
            return
        metrics.client_auto_disabled()
        logger.warning("client disabled after repeated failures", extra={"client_id": client_id})


async def report(kind: str, *, client_id: str | None = None, source_ip: str | None = None,
                 request_id: str | None = None) -> None:
    """Report to the current request's detector, if any (for code that has no `request` at hand)."""
    detector = current.get()
    if detector is not None:
        await detector.report(kind, client_id=client_id, source_ip=source_ip, request_id=request_id)
