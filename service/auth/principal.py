"""Who a request acts for, resolved once per request from its bearer credential."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from service.audit.service import Action, AuditContext
from service.auth.exceptions import AuthLockedOut, InvalidCredential
from service.auth.roles import READ_ALL_ROLES
from service.observability import anomaly, metrics

@dataclass(frozen=True, slots=True)
class Principal:
    client_id: str
    scopes: frozenset[str]
    roles: tuple[str, ...]
    key_id: str | None = None
    jti: str | None = None
    expires_at: float | None = None
    rate_limit_per_minute: int | None = None
    tokens_per_minute: int | None = None
    pii_policy: str = "redact"
    credential: str = field(default="token")

    @property
    def rate_limit_key(self) -> str:
        return f"key:{self.key_id}" if self.key_id else f"client:{self.client_id}"

    @property
    def reads_all(self) -> bool:
        return any(role in READ_ALL_ROLES for role in self.roles)

    @property
    def log_context(self) -> dict[str, str | None]:
        return {"client_id": self.client_id, "key_id": self.key_id}


def bearer_credential(request: Request) -> str | None:
    header = None
    for name, value in request.scope.get("headers", ()):  # no Headers object: this runs on every request
        if name == b"authorization":
            header = value.decode("latin-1")
            break
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return ""
    return value.strip()


async def get_principal(request: Request) -> Principal:
    """Authenticate the bearer credential (JWT or `gk_` API key); 401 for anything not currently valid.

    Resolved once per request and kept in the request state, so every guard that asks again gets the
    same principal without a second verification (or a second failure count)."""
    state = request.scope.setdefault("state", {})
    principal = state.get("principal")
    if principal is not None:
        return principal
    credential = bearer_credential(request)
    authenticator = request.app.state.authenticator
    client_ip, request_id = state.get("client_ip"), state.get("request_id")
    try:
        if not credential:
            await authenticator.check_source_allowed(client_ip)
            # API.md: a missing credential gets the same `invalid_token` answer as a wrong one.
            error = InvalidCredential("missing" if credential is None else "malformed")
            await authenticator.note_failure(error.reason, client_ip, request_id)
            raise error
        principal = await authenticator.authenticate(credential, client_ip, request_id)
    except (InvalidCredential, AuthLockedOut) as exc:
        reason = exc.reason if isinstance(exc, InvalidCredential) else "locked_out"
        metrics.guard_refused(reason)
        detector = getattr(request.app.state, "anomaly", None)
        if detector is not None:
            if reason == "locked_out" and client_ip and detector.first_in(f"locked:ip:{client_ip}"):
                await request.app.state.audit.record(
                    Action.AUTH_LOCKED, ctx=AuditContext(request_id, client_ip), outcome="refused",
                    actor=f"ip:{client_ip}", reason="locked_out")
            await detector.report(anomaly.AUTH_FAILURES, source_ip=client_ip, request_id=request_id)
        raise
    metrics.guard_authenticated(principal.credential)
    state["principal_id"] = principal.client_id
    state["principal"] = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]
