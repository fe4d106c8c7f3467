"""OAuth endpoints (token, revocation, introspection, JWKS, metadata) and the admin API for clients and keys."""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache
from typing import Annotated
from urllib.parse import unquote_plus

from fastapi import Depends, Form, Query, Request, Response
from starlette.responses import JSONResponse

from service.audit.service import Action, AuditContext
from service.auth import service as auth_service
from service.auth.credentials import Authenticator
from service.auth.exceptions import OAuthError
from service.auth.guards import AdminPrincipal, Authenticated
from service.auth.principal import Principal
from service.auth.roles import ordered, scopes_for_roles
from service.auth.schemas import (ClientCreate, ClientCreated, ClientList, ClientRead, ClientUpdate,
                                  IntrospectionResponse, JWKSResponse, KeyCreate, KeyCreated, KeyList, KeyRead,
                                  OAuthErrorResponse, PrincipalRead, ServerMetadata, TokenResponse)
from service.auth.scopes import Scope
from service.db import SessionDep
from service.kit.text import dumps_utf8
from service.kit.pagination import decode_cursor, encode_cursor
from service.models import ApiClient, ApiKey
from service.observability import metrics
from service.ratelimit.guards import enforce_token_endpoint_limit
from service.routing import protected_router, public_router

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
OAUTH_ERRORS = {400: {"model": OAuthErrorResponse, "description": "RFC 6749 §5.2 error"},
                401: {"model": OAuthErrorResponse, "description": "Client authentication failed"},
                429: {"description": "Too many attempts; see Retry-After"}}

oauth_router = public_router(tags=["oauth"])
admin_router = protected_router(tags=["admin"])


def _authenticator(request: Request) -> Authenticator:
    return request.app.state.authenticator


AuthenticatorDep = Annotated[Authenticator, Depends(_authenticator)]


def _ctx(request: Request) -> AuditContext:
    state = request.scope.get("state", {})
    return AuditContext(state.get("request_id"), state.get("client_ip"))


def _client_credentials(request: Request, form_id: str | None, form_secret: str | None) -> tuple[str | None, str | None, bool]:
    header = request.headers.get("authorization")
    if header and header[:6].lower() == "basic ":
        if form_secret is not None:
            raise OAuthError("invalid_request", "Use one client authentication method, not two.")
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise OAuthError("invalid_client", "Client authentication failed.", status=401,
                             headers={"WWW-Authenticate": 'Basic realm="gateway"'}, reason="malformed_basic") from None
        client_id, sep, secret = decoded.partition(":")
        if not sep:
            raise OAuthError("invalid_client", "Client authentication failed.", status=401,
                             headers={"WWW-Authenticate": 'Basic realm="gateway"'}, reason="malformed_basic")
        client_id, secret = unquote_plus(client_id), unquote_plus(secret)
        if form_id is not None and form_id != client_id:
            raise OAuthError("invalid_request", "client_id does not match the authenticated client.")
        return client_id, secret, True
    return form_id, form_secret, False


async def oauth_error_handler(request: Request, exc: OAuthError) -> Response:
    body = {"error": exc.oauth_error, "error_description": exc.detail}
    return JSONResponse(body, status_code=exc.oauth_status, headers={**NO_STORE, **exc.headers})


@oauth_router.post("/oauth/token", operation_id="issue_token", response_model=TokenResponse,
                   responses=OAUTH_ERRORS, dependencies=[Depends(enforce_token_endpoint_limit)],
                   summary="Issue an access token (client credentials grant)")
async def issue_token(
    request: Request, auth: AuthenticatorDep,
    grant_type: Annotated[str | None, Form()] = None,
    scope: Annotated[str | None, Form(max_length=1000)] = None,
    client_id: Annotated[str | None, Form(max_length=200)] = None,
    client_secret: Annotated[str | None, Form(max_length=500)] = None,
) -> Response:
    ctx = _ctx(request)
    cid, secret, basic = _client_credentials(request, client_id, client_secret)
    client = await auth_service.authenticate_client(auth, cid, secret, ctx=ctx, basic=basic)
    if grant_type is None:
        raise OAuthError("invalid_request", "grant_type is required.")
    if grant_type != "client_credentials":
        raise OAuthError("unsupported_grant_type", "Only the client_credentials grant is supported.")
    issued = auth_service.issue_token(auth, client, scope)
    await auth.audit.record(Action.TOKEN_ISSUED, ctx=ctx, actor=client.id, target=f"jti:{issued.jti}",
                            details={"scope": issued.scope})
    metrics.token_issued()
    body = TokenResponse(access_token=issued.access_token, expires_in=issued.expires_in, scope=issued.scope)
    return JSONResponse(body.model_dump(), headers=NO_STORE)


@oauth_router.post("/oauth/revoke", operation_id="revoke_token", responses=OAUTH_ERRORS,
                   dependencies=[Depends(enforce_token_endpoint_limit)], summary="Revoke a token or API key (RFC 7009)")
async def revoke_token(
    request: Request, session: SessionDep, auth: AuthenticatorDep,
    token: Annotated[str | None, Form(max_length=8192)] = None,
    token_type_hint: Annotated[str | None, Form(max_length=50)] = None,
    client_id: Annotated[str | None, Form(max_length=200)] = None,
    client_secret: Annotated[str | None, Form(max_length=500)] = None,
) -> Response:
    cid, secret, basic = _client_credentials(request, client_id, client_secret)
    client = await auth_service.authenticate_client(auth, cid, secret, ctx=_ctx(request), basic=basic)
    if not token:
        raise OAuthError("invalid_request", "token is required.")
    await auth_service.revoke(session, auth, client, token, ctx=_ctx(request))
    return Response(status_code=200, headers=NO_STORE)


@oauth_router.post("/oauth/introspect", operation_id="introspect_token", response_model=IntrospectionResponse,
                   responses=OAUTH_ERRORS, dependencies=[Depends(enforce_token_endpoint_limit)],
                   summary="Introspect a token or API key (RFC 7662)")
async def introspect_token(
    request: Request, auth: AuthenticatorDep,
    token: Annotated[str | None, Form(max_length=8192)] = None,
    token_type_hint: Annotated[str | None, Form(max_length=50)] = None,
    client_id: Annotated[str | None, Form(max_length=200)] = None,
    client_secret: Annotated[str | None, Form(max_length=500)] = None,
) -> Response:
    cid, secret, basic = _client_credentials(request, client_id, client_secret)
    client = await auth_service.authenticate_client(auth, cid, secret, ctx=_ctx(request), basic=basic)
    if not token:
        raise OAuthError("invalid_request", "token is required.")
    return JSONResponse(await auth_service.introspect(auth, client, token), headers=NO_STORE)


@oauth_router.get("/.well-known/jwks.json", operation_id="get_jwks", response_model=JWKSResponse,
                  summary="Public keys that verify access tokens")
async def get_jwks(auth: AuthenticatorDep) -> Response:
    await auth.sync()
    return JSONResponse({"keys": auth.jwks()}, headers={"Cache-Control": "public, max-age=60"})


@oauth_router.get("/.well-known/oauth-authorization-server", operation_id="get_server_metadata",
                  summary="Authorization server metadata (RFC 8414)")
async def get_server_metadata(request: Request) -> ServerMetadata:
    settings = request.app.state.settings
    base = settings.jwt_issuer.rstrip("/")
    methods = ["client_secret_basic", "client_secret_post"]
    return ServerMetadata(
        issuer=settings.jwt_issuer, token_endpoint=f"{base}/oauth/token", revocation_endpoint=f"{base}/oauth/revoke",
        introspection_endpoint=f"{base}/oauth/introspect", jwks_uri=f"{base}/.well-known/jwks.json",
        grant_types_supported=["client_credentials"], token_endpoint_auth_methods_supported=methods,
        revocation_endpoint_auth_methods_supported=methods, introspection_endpoint_auth_methods_supported=methods,
        scopes_supported=[s.value for s in Scope], response_types_supported=[])


@admin_router.get("/v1/me", operation_id="get_current_principal", tags=["identity"], response_model=PrincipalRead,
                   summary="Who the presented credential acts for (any valid credential)")
async def get_current_principal(principal: Authenticated) -> Response:
    # Serialised directly (the schema is PrincipalRead): a credential check that SDKs call often.
    return Response(_principal_body(principal), media_type="application/json")


@lru_cache(maxsize=4096)
def _principal_body(principal: Principal) -> bytes:
    """The body depends on nothing but the (immutable) principal, which the authenticator keeps per
    credential and auth epoch: serialised once per principal."""
    return dumps_utf8({"client_id": principal.client_id, "key_id": principal.key_id, "roles": list(principal.roles),
                       "scopes": ordered(principal.scopes), "credential": principal.credential,
                       "expires_at": int(principal.expires_at) if principal.expires_at else None})


# -- admin ------------------------------------------------------------------------------------------
def _client_read(client: ApiClient) -> dict:  # type: ignore[type-arg]
    return dict(client_id=client.id, name=client.name, roles=list(client.roles),
                scopes=ordered(scopes_for_roles(client.roles)), rate_limit_per_minute=client.rate_limit_per_minute,
                tokens_per_minute=client.tokens_per_minute, pii_policy=client.pii_policy, disabled=client.disabled_at is not None, created_at=client.created_at,
                updated_at=client.updated_at)


def _key_read(key: ApiKey) -> dict:  # type: ignore[type-arg]
    return dict(key_id=key.id, client_id=key.client_id, name=key.name, scopes=list(key.scopes),
                rate_limit_per_minute=key.rate_limit_per_minute, tokens_per_minute=key.tokens_per_minute,
                created_at=key.created_at,
                expires_at=key.expires_at, last_used_at=key.last_used_at, revoked=key.revoked_at is not None)


@admin_router.post("/v1/clients", operation_id="create_client", status_code=201, summary="Create a client")
async def create_client(body: ClientCreate, request: Request, session: SessionDep, principal: AdminPrincipal,
                        auth: AuthenticatorDep, response: Response) -> ClientCreated:
    client, secret = await auth_service.create_client(
        session, auth, name=body.name, roles=[r.value for r in body.roles],
        rate_limit_per_minute=body.rate_limit_per_minute, pii_policy=body.pii_policy,
        tokens_per_minute=body.tokens_per_minute, actor=principal.client_id, ctx=_ctx(request))
    response.headers["Location"] = f"/v1/clients/{client.id}"
    return ClientCreated(**_client_read(client), client_secret=secret)


@admin_router.get("/v1/clients", operation_id="list_clients", summary="List clients")
async def list_clients(session: SessionDep, principal: AdminPrincipal,
                       limit: Annotated[int, Query(ge=1, le=200)] = 50,
                       cursor: Annotated[str | None, Query(max_length=300)] = None) -> ClientList:
    after = decode_cursor(cursor) if cursor else None
    rows = await auth_service.list_clients(session, limit=limit + 1, after_id=after)
    more = len(rows) > limit
    rows = list(rows[:limit])
    return ClientList(items=[ClientRead(**_client_read(c)) for c in rows],
                      next_cursor=encode_cursor(rows[-1].id) if more and rows else None)


@admin_router.get("/v1/clients/{client_id}", operation_id="get_client", summary="Get a client")
async def get_client(client_id: str, session: SessionDep, principal: AdminPrincipal) -> ClientRead:
    return ClientRead(**_client_read(await auth_service.get_client(session, client_id)))


@admin_router.patch("/v1/clients/{client_id}", operation_id="update_client", summary="Update a client")
async def update_client(client_id: str, body: ClientUpdate, request: Request, session: SessionDep,
                        principal: AdminPrincipal) -> ClientRead:
    changes = body.model_dump(exclude_unset=True)
    if "roles" in changes and changes["roles"] is not None:
        changes["roles"] = [r.value if hasattr(r, "value") else r for r in changes["roles"]]
    changes = {k: v for k, v in changes.items() if v is not None or k in ("rate_limit_per_minute", "tokens_per_minute")}
    client = await auth_service.update_client(session, client_id, changes, actor=principal.client_id, ctx=_ctx(request))
    return ClientRead(**_client_read(client))


@admin_router.delete("/v1/clients/{client_id}", operation_id="disable_client",
                     summary="Disable a client: its tokens and keys stop working at once")
async def disable_client(client_id: str, request: Request, session: SessionDep, principal: AdminPrincipal) -> ClientRead:
    client = await auth_service.disable_client(session, client_id, actor=principal.client_id, ctx=_ctx(request))
    return ClientRead(**_client_read(client))


@admin_router.post("/v1/clients/{client_id}/keys", operation_id="create_key", status_code=201,
                   summary="Create an API key for a client")
async def create_key(client_id: str, body: KeyCreate, request: Request, session: SessionDep,
                     principal: AdminPrincipal, auth: AuthenticatorDep) -> KeyCreated:
    key, api_key = await auth_service.create_key(
        session, auth, client_id, name=body.name, scopes=[s.value for s in body.scopes] if body.scopes else None,
        expires_at=body.expires_at, rate_limit_per_minute=body.rate_limit_per_minute,
        tokens_per_minute=body.tokens_per_minute, actor=principal.client_id, ctx=_ctx(request))
    return KeyCreated(**_key_read(key), api_key=api_key)


@admin_router.get("/v1/clients/{client_id}/keys", operation_id="list_keys", summary="List a client's API keys")
async def list_keys(client_id: str, session: SessionDep, principal: AdminPrincipal) -> KeyList:
    return KeyList(items=[KeyRead(**_key_read(k)) for k in await auth_service.list_keys(session, client_id)])


@admin_router.delete("/v1/keys/{key_id}", operation_id="revoke_key", summary="Revoke an API key at once")
async def revoke_key(key_id: str, request: Request, session: SessionDep, principal: AdminPrincipal) -> KeyRead:
    key = await auth_service.revoke_key(session, key_id, actor=principal.client_id, ctx=_ctx(request))
    return KeyRead(**_key_read(key))
