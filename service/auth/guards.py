"""Authorisation guards: FastAPI dependencies, so a route cannot forget them.

Order on every protected route: principal (authentication; `protected_router()` refuses a route without a guard) → rate
limit → scopes → role. A refused scope is 403 `insufficient_scope` with `WWW-Authenticate` naming the
needed scope, and leaves an audit event; refused calls have already spent quota, which slows probing.

Each alias is one dependency that runs the whole chain in order, instead of FastAPI `Security` scopes
on nested dependencies: FastAPI keys its dependency cache on the scopes in effect, so a nested chain
would authenticate twice per request (and count a failure twice), and every extra node costs time on
every request. The OpenAPI document still shows each operation's scopes (`service.openapi`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from service.audit.service import Action, AuditContext
from service.auth.exceptions import RoleMissing, ScopeMissing
from service.auth.principal import Principal, get_principal
from service.auth.scopes import Scope
from service.observability import anomaly, metrics
from service.ratelimit.guards import enforce_rate_limit


class RequireScopes:
    """Authenticated, within its rate limit, and holding every one of `scopes`."""

    def __init__(self, *scopes: str, roles: tuple[str, ...] = ()) -> None:
        self.scopes = tuple(str(s) for s in scopes)
        self.roles = frozenset(roles)

    async def __call__(self, request: Request) -> Principal:
        principal = await get_principal(request)
        await enforce_rate_limit(request, principal)
        missing = [s for s in self.scopes if s not in principal.scopes]
        if missing:
            state = request.scope.get("state", {})
            metrics.guard_refused("insufficient_scope")
            await request.app.state.audit.record(
                Action.SCOPE_DENIED, ctx=AuditContext(state.get("request_id"), state.get("client_ip")),
                outcome="refused", actor=principal.client_id, target=principal.key_id,
                reason="insufficient_scope", details={"needed": list(self.scopes)})
            await _report(request, anomaly.SCOPE_DENIALS, principal)
            raise ScopeMissing(list(self.scopes))
        if self.roles and not self.roles & set(principal.roles):
            metrics.guard_refused("insufficient_role")
            state = request.scope.get("state", {})
            await request.app.state.audit.record(
                Action.SCOPE_DENIED, ctx=AuditContext(state.get("request_id"), state.get("client_ip")),
                outcome="refused", actor=principal.client_id, target=principal.key_id,
                reason="insufficient_role", details={"needed_roles": sorted(self.roles)})
            await _report(request, anomaly.SCOPE_DENIALS, principal)
            raise RoleMissing("This operation needs one of the roles: " + ", ".join(sorted(self.roles)) + ".")
        return principal


async def _report(request: Request, kind: str, principal: Principal) -> None:
    detector = getattr(request.app.state, "anomaly", None)
    if detector is not None:
        state = request.scope.get("state", {})
        await detector.report(kind, client_id=principal.client_id, source_ip=state.get("client_ip"),
                              request_id=state.get("request_id"))


def require(*scopes: str, roles: tuple[str, ...] = ()) -> type[Principal]:
    """An `Annotated` principal type guarded by the given scopes (and optionally roles)."""
    return Annotated[Principal, Depends(RequireScopes(*scopes, roles=roles))]  # type: ignore[return-value]


Authenticated = require()
AdminPrincipal = require(Scope.ADMIN)
AuditReader = require(Scope.AUDIT_READ)
