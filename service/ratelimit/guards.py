"""Rate-limit guards. They run after authentication and before scope checks, so refused and
scope-probing calls still spend quota. The decision is left in the request state; the middleware
turns it into `RateLimit-*` headers on whatever response follows (success or error)."""

from __future__ import annotations

from fastapi import Request

from service.audit.service import Action, AuditContext
from service.auth.principal import Principal
from service.observability import anomaly, metrics
from service.ratelimit.service import RateLimiter, RateLimitExceeded, retry_after_seconds


async def enforce_rate_limit(request: Request, principal: Principal) -> Principal:
    limiter: RateLimiter = request.app.state.limiter
    key = f"req:{principal.rate_limit_key}"
    decision = await limiter.hit(key, limiter.rate_for(principal.rate_limit_per_minute))
    state = request.scope.setdefault("state", {})
    state["ratelimit"] = decision
    if not decision.allowed:
        metrics.guard_rate_limited("credential")
        if limiter.should_audit(key):
            await request.app.state.audit.record(
                Action.RATE_LIMITED, ctx=AuditContext(state.get("request_id"), state.get("client_ip")),
                outcome="refused", actor=principal.client_id, target=principal.key_id,
                details={"limit": decision.limit})
        await _report(request, principal.client_id)
        raise RateLimitExceeded(retry_after_seconds(decision))
    return principal


async def _report(request: Request, client_id: str | None) -> None:
    detector = getattr(request.app.state, "anomaly", None)
    if detector is not None:
        state = request.scope.get("state", {})
        await detector.report(anomaly.RATE_LIMITED, client_id=client_id, source_ip=state.get("client_ip"),
                              request_id=state.get("request_id"))


async def enforce_token_endpoint_limit(request: Request) -> None:
    """Pre-authentication limit per source address on the token endpoint."""
    limiter: RateLimiter = request.app.state.limiter
    state = request.scope.setdefault("state", {})
    settings = request.app.state.settings
    rate = limiter.rate_for(settings.token_requests_per_minute)
    key = f"token:ip:{state.get('client_ip')}"
    decision = await limiter.hit(key, rate)
    if not decision.allowed:
        metrics.guard_rate_limited("token_endpoint")
        if limiter.should_audit(key):
            await request.app.state.audit.record(
                Action.RATE_LIMITED, ctx=AuditContext(state.get("request_id"), state.get("client_ip")),
                outcome="refused", actor=f"ip:{state.get('client_ip')}", reason="token_endpoint",
                details={"limit": decision.limit})
        await _report(request, None)
        raise RateLimitExceeded(retry_after_seconds(decision))
