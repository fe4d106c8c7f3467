"""Authorisation guards: FastAPI dependencies, so a route cannot forget them.

Order on every protected route: principal (authentication) → rate limit → scopes → role. A scope
check uses `Security`, so the OpenAPI document lists each operation's scopes; a refusal is 403
`insufficient_scope` with `WWW-Authenticate` naming the needed scope and leaves an audit event.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Request, Security
from fastapi.security import SecurityScopes

from service.audit.service import Action, AuditContext
from service.auth.exceptions import RoleMissing, ScopeMissing
from service.auth.principal import Principal
from service.auth.scopes import Scope
from service.ratelimit.guards import RateLimitedPrincipal


class RequireScopes:
    async def __call__(self, request: Request, security_scopes: SecurityScopes,
                       principal: RateLimitedPrincipal) -> Principal:
        missing = [s for s in security_scopes.scopes if s not in principal.scopes]
        if missing:
            state = request.scope.get("state", {})
            await request.app.state.audit.record(
                Action.SCOPE_DENIED, ctx=AuditContext(state.get("request_id"), state.get("client_ip")),
                outcome="refused", actor=principal.client_id, target=principal.key_id,
                reason="insufficient_scope", details={"needed": security_scopes.scopes})
            raise ScopeMissing(list(security_scopes.scopes))
        return principal


class RequireRole:
    def __init__(self, *roles: str) -> None:
        self.roles = frozenset(roles)

    async def __call__(self, principal: Annotated[Principal, Security(RequireScopes())]) -> Principal:
        if not self.roles & set(principal.roles):
            raise RoleMissing("This operation needs one of the roles: " + ", ".join(sorted(self.roles)) + ".")
        return principal


require_scopes = RequireScopes()

AdminPrincipal = Annotated[Principal, Security(require_scopes, scopes=[Scope.ADMIN])]
AuditReader = Annotated[Principal, Security(require_scopes, scopes=[Scope.AUDIT_READ])]
