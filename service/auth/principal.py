"""Who a request acts for, resolved once per request from its bearer credential."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlows
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, OAuth2

from service.auth.exceptions import InvalidCredential, MissingCredential
from service.auth.roles import READ_ALL_ROLES
from service.auth.scopes import SCOPE_DESCRIPTIONS

# Both schemes read the same `Authorization: Bearer` header; declaring both lets Swagger UI offer the
# client-credentials flow and a plain API-key box, and shows each operation's scopes.
oauth2_scheme = OAuth2(
    flows=OAuthFlows(clientCredentials=OAuthFlowClientCredentials(tokenUrl="/oauth/token",
                                                                  scopes=dict(SCOPE_DESCRIPTIONS))),
    scheme_name="OAuth2", description="OAuth2 client credentials: a short-lived JWT access token.",
    auto_error=False)
api_key_scheme = HTTPBearer(scheme_name="ApiKey", bearerFormat="gk_<key id>_<secret>",
                            description="A long-lived API key, sent as a bearer token.", auto_error=False)


@dataclass(frozen=True, slots=True)
class Principal:
    client_id: str
    scopes: frozenset[str]
    roles: tuple[str, ...]
    key_id: str | None = None
    jti: str | None = None
    expires_at: float | None = None
    rate_limit_per_minute: int | None = None
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
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return ""
    return value.strip()


async def get_principal(
    request: Request,
    _oauth: Annotated[str | None, Security(oauth2_scheme)],
    _key: Annotated[HTTPAuthorizationCredentials | None, Security(api_key_scheme)],
) -> Principal:
    """Authenticate the bearer credential (JWT or `gk_` API key); 401 for anything not currently valid."""
    credential = bearer_credential(request)
    authenticator = request.app.state.authenticator
    state = request.scope.setdefault("state", {})
    if credential is None:
        await authenticator.check_source_allowed(state.get("client_ip"))
        error: InvalidCredential | MissingCredential = MissingCredential()
        await authenticator.note_failure(error.reason, state.get("client_ip"), state.get("request_id"))
        raise error
    principal = await authenticator.authenticate(credential, state.get("client_ip"), state.get("request_id"))
    state["principal_id"] = principal.client_id
    state["principal"] = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]
