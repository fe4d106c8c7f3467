"""Identity operations: clients, API keys, access tokens, revocation and introspection.

Contract: functions take the request's `AsyncSession` (flushed here, committed by `get_session`) and
the runtime `Authenticator`; they raise `GatewayError` subclasses or `OAuthError`. Every change that
affects a live credential bumps the auth epoch in the same transaction (see `credentials`), and every
change leaves an audit event in that transaction too. Secrets are generated here, returned once to
the caller and stored only as keyed hashes.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from service.audit.service import Action, AuditContext, record_in
from service.auth.credentials import KEY_PREFIX, Authenticator, ClientInfo
from service.auth.exceptions import AuthLockedOut, InvalidCredential, OAuthError
from service.auth.principal import Principal
from service.auth.repository import AuthStateRepository, ClientRepository, KeyRepository, RevocationRepository
from service.auth.roles import Role, ordered, scopes_for_roles
from service.auth.scopes import parse_scopes
from service.auth.tokens import encode_access_token
from service.errors import NotFound, Unprocessable
from service.kit.crypto import generate_id, generate_secret
from service.models import ApiClient, ApiKey
from service.models.types import utcnow
from service.observability import anomaly, metrics

PII_POLICIES = ("redact", "block", "allow")


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scope: str
    jti: str

    def __repr__(self) -> str:
        return f"IssuedToken(<redacted>, expires_in={self.expires_in}, scope={self.scope!r})"


def _check_roles(roles: Sequence[str]) -> list[str]:
    unknown = [r for r in roles if r not in Role._value2member_map_]
    if unknown or not roles:
        raise Unprocessable("Roles must be a non-empty list of: " + ", ".join(r.value for r in Role) + ".")
    return list(dict.fromkeys(roles))


# -- clients ---------------------------------------------------------------------------------------
async def create_client(session: AsyncSession, auth: Authenticator, *, name: str, roles: Sequence[str],
                        rate_limit_per_minute: int | None = None, pii_policy: str = "redact",
                        tokens_per_minute: int | None = None, actor: str | None = None,
                        ctx: AuditContext | None = None) -> tuple[ApiClient, str]:
    roles = _check_roles(roles)
    if pii_policy not in PII_POLICIES:
        raise Unprocessable("pii_policy must be one of redact, block, allow.")
    secret = generate_secret(32)
    client = ApiClient(id=f"cl_{generate_id(8)}", name=name, secret_hash=auth.hash_client_secret(secret),
                       roles=roles, rate_limit_per_minute=rate_limit_per_minute, pii_policy=pii_policy,
                       tokens_per_minute=tokens_per_minute)
    await ClientRepository(session).add(client)
    record_in(session, Action.CLIENT_CREATED, ctx=ctx, actor=actor, target=client.id, details={"roles": roles})
    return client, secret


async def get_client(session: AsyncSession, client_id: str) -> ApiClient:
    client = await ClientRepository(session).get_by_id(client_id)
    if client is None:
        raise NotFound("No such client.")
    return client


async def list_clients(session: AsyncSession, *, limit: int, after_id: str | None) -> Sequence[ApiClient]:
    return await ClientRepository(session).list(limit=limit, after_id=after_id)


async def update_client(session: AsyncSession, client_id: str, changes: dict[str, Any], *, actor: str | None,
                        ctx: AuditContext | None = None) -> ApiClient:
    client = await get_client(session, client_id)
    if "roles" in changes:
        client.roles = _check_roles(changes["roles"])
    if "name" in changes:
        client.name = changes["name"]
    if "rate_limit_per_minute" in changes:
        client.rate_limit_per_minute = changes["rate_limit_per_minute"]
    if "tokens_per_minute" in changes:
        client.tokens_per_minute = changes["tokens_per_minute"]
    if "pii_policy" in changes:
        if changes["pii_policy"] not in PII_POLICIES:
            raise Unprocessable("pii_policy must be one of redact, block, allow.")
        client.pii_policy = changes["pii_policy"]
    if "disabled" in changes:
        client.disabled_at = (client.disabled_at or utcnow()) if changes["disabled"] else None
    client.updated_at = utcnow()
    await AuthStateRepository(session).bump()
    record_in(session, Action.CLIENT_UPDATED, ctx=ctx, actor=actor, target=client.id,
              details={"fields": sorted(changes)})
    await session.flush()
    return client


async def disable_client(session: AsyncSession, client_id: str, *, actor: str | None,
                         ctx: AuditContext | None = None) -> ApiClient:
    client = await get_client(session, client_id)
    if client.disabled_at is None:
        client.disabled_at = utcnow()
        client.updated_at = client.disabled_at
        await AuthStateRepository(session).bump()
        record_in(session, Action.CLIENT_DISABLED, ctx=ctx, actor=actor, target=client.id)
        await session.flush()
    return client


# -- API keys --------------------------------------------------------------------------------------
async def create_key(session: AsyncSession, auth: Authenticator, client_id: str, *, name: str | None = None,
                     scopes: Sequence[str] | None = None, expires_at: datetime | None = None,
                     rate_limit_per_minute: int | None = None, tokens_per_minute: int | None = None,
                     actor: str | None = None, ctx: AuditContext | None = None) -> tuple[ApiKey, str]:
    client = await get_client(session, client_id)
    if client.disabled_at is not None:
        raise Unprocessable("The client is disabled.")
    allowed = scopes_for_roles(client.roles)
    wanted = list(dict.fromkeys(scopes)) if scopes is not None else ordered(allowed)
    beyond = [s for s in wanted if s not in allowed]
    if beyond or not wanted:
        raise Unprocessable("An API key's scopes must be a non-empty subset of what its client's roles grant.")
    if expires_at is not None:
        if expires_at.tzinfo is None:
            expires_at = expires_at.replace(tzinfo=UTC)
        if expires_at <= utcnow():
            raise Unprocessable("expires_at must be in the future.")
    key_id, secret = generate_id(8), generate_secret(32)
    key = ApiKey(id=key_id, client_id=client.id, name=name, secret_hash=auth.hash_api_key_secret(secret),
                 scopes=ordered(wanted), expires_at=expires_at, rate_limit_per_minute=rate_limit_per_minute,
                 tokens_per_minute=tokens_per_minute)
    await KeyRepository(session).add(key)
    record_in(session, Action.KEY_CREATED, ctx=ctx, actor=actor, target=key_id,
              details={"client_id": client.id, "scopes": key.scopes})
    return key, f"{KEY_PREFIX}{key_id}_{secret}"


async def list_keys(session: AsyncSession, client_id: str) -> Sequence[ApiKey]:
    await get_client(session, client_id)
    return await KeyRepository(session).list_for_client(client_id)


async def revoke_key(session: AsyncSession, key_id: str, *, actor: str | None,
                     ctx: AuditContext | None = None) -> ApiKey:
    key = await KeyRepository(session).get_by_id(key_id) if len(key_id) <= 40 else None
    if key is None:
        raise NotFound("No such API key.")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        await AuthStateRepository(session).bump()
        record_in(session, Action.KEY_REVOKED, ctx=ctx, actor=actor, target=key.id,
                  details={"client_id": key.client_id})
        await session.flush()
    return key


# -- tokens ----------------------------------------------------------------------------------------
def issue_token(auth: Authenticator, client: ClientInfo, scope_param: str | None) -> IssuedToken:
    """Sign an access token for an authenticated client; scopes narrow to what was asked for."""
    granted = scopes_for_roles(client.roles)
    requested = parse_scopes(scope_param)
    if scope_param is not None and not requested:
        raise OAuthError("invalid_scope", "The scope parameter is empty.")
    if requested and any(s not in granted for s in requested):
        raise OAuthError("invalid_scope", "The requested scope exceeds what this client may be granted.")
    scopes = ordered(requested or granted)
    if not scopes:
        raise OAuthError("unauthorized_client", "This client's roles grant no scope.", reason="no_scope")
    key = auth.current_key
    if key is None:
        raise OAuthError("server_error", "No signing key is available.", status=503)
    settings = auth.settings
    now = int(time.time())
    claims = {"iss": settings.jwt_issuer, "sub": client.id, "aud": settings.jwt_audience, "iat": now,
              "nbf": now, "exp": now + settings.access_token_ttl_seconds, "jti": uuid.uuid4().hex,
              "client_id": client.id, "scope": " ".join(scopes)}
    return IssuedToken(encode_access_token(claims, key), settings.access_token_ttl_seconds, claims["scope"],
                       claims["jti"])


async def revoke(session: AsyncSession, auth: Authenticator, client: ClientInfo, token: str, *,
                 ctx: AuditContext | None = None) -> None:
    """RFC 7009: revoke an access token or API key of this client; anything else is silently ignored."""
    try:
        principal = await auth.resolve(token)
    except InvalidCredential:
        return  # not a currently valid credential: nothing to revoke
    if principal.client_id != client.id:
        return
    if principal.key_id:
        await revoke_key(session, principal.key_id, actor=client.id, ctx=ctx)
        return
    assert principal.jti is not None and principal.expires_at is not None
    expires = datetime.fromtimestamp(principal.expires_at, UTC)
    if await RevocationRepository(session).add(principal.jti, client.id, expires):
        await AuthStateRepository(session).bump()
        record_in(session, Action.TOKEN_REVOKED, ctx=ctx, actor=client.id, target=f"jti:{principal.jti}")


async def introspect(auth: Authenticator, client: ClientInfo, token: str) -> dict[str, Any]:
    """RFC 7662. A client may introspect its own credentials, an admin any; else `active: false`."""
    try:
        principal: Principal = await auth.resolve(token)
    except InvalidCredential:
        return {"active": False}
    if principal.client_id != client.id and Role.ADMIN not in client.roles:
        return {"active": False}
    response: dict[str, Any] = {"active": True, "client_id": principal.client_id, "sub": principal.client_id,
                                "scope": " ".join(ordered(principal.scopes))}
    if principal.key_id:
        response.update(token_type="api_key", key_id=principal.key_id)
    else:
        response.update(token_type="Bearer", exp=int(principal.expires_at or 0), jti=principal.jti,
                        iss=auth.settings.jwt_issuer, aud=auth.settings.jwt_audience)
    return response


async def authenticate_client(auth: Authenticator, client_id: str | None, secret: str | None, *,
                              ctx: AuditContext, basic: bool) -> ClientInfo:
    """Client authentication for the OAuth endpoints, with per-client and per-address lockout."""
    subjects = [f"ip:{ctx.source_ip}"] if ctx.source_ip else []
    if client_id and len(client_id) <= 40:
        subjects.append(f"client:{client_id}")
    try:
        await auth.lockout.check(subjects)
    except AuthLockedOut:
        await _client_auth_failed(auth, "locked_out", client_id, known=False, ctx=ctx)
        raise
    headers = {"WWW-Authenticate": 'Basic realm="gateway"'} if basic else None
    if not client_id or not secret:
        metrics.client_auth("failure", "missing_credentials")
        raise OAuthError("invalid_client", "Client authentication failed.", status=401, headers=headers,
                         reason="missing_credentials")
    info, outcome = await auth.verify_client(client_id, secret)
    if info is None or outcome != "ok":
        await auth.lockout.failure(subjects)
        await auth.audit.record(Action.AUTH_FAILED, ctx=ctx, outcome="failure",
                                actor=client_id if info is not None else None, reason=outcome)
        await _client_auth_failed(auth, outcome, client_id, known=info is not None, ctx=ctx)
        raise OAuthError("invalid_client", "Client authentication failed.", status=401, headers=headers,
                         reason=outcome)
    metrics.client_auth("success", "ok")
    return info


async def _client_auth_failed(auth: Authenticator, reason: str, client_id: str | None, *, known: bool,
                              ctx: AuditContext) -> None:
    """Metrics, a sampled lockout event and the anomaly detector; only a known client id is an actor."""
    metrics.client_auth("locked_out" if reason == "locked_out" else "failure", reason)
    detector = anomaly.current.get()
    if detector is None:
        return
    if reason == "locked_out" and ctx.source_ip and detector.first_in(f"locked:ip:{ctx.source_ip}"):
        await auth.audit.record(Action.AUTH_LOCKED, ctx=ctx, outcome="refused", actor=f"ip:{ctx.source_ip}",
                                reason="locked_out")
    await detector.report(anomaly.AUTH_FAILURES, client_id=client_id if known else None,
                          source_ip=ctx.source_ip, request_id=ctx.request_id)
