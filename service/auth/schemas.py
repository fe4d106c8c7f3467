from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from service.auth.roles import Role
from service.auth.scopes import Scope

Name = Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")
RateLimitField = Field(default=None, ge=1, le=10_000_000)


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int
    scope: str


class OAuthErrorResponse(BaseModel):
    error: str
    error_description: str | None = None


class IntrospectionResponse(BaseModel):
    model_config = ConfigDict(extra="allow")
    active: bool


class JWKSResponse(BaseModel):
    keys: list[dict]


class ServerMetadata(BaseModel):
    issuer: str
    token_endpoint: str
    revocation_endpoint: str
    introspection_endpoint: str
    jwks_uri: str
    grant_types_supported: list[str]
    token_endpoint_auth_methods_supported: list[str]
    revocation_endpoint_auth_methods_supported: list[str]
    introspection_endpoint_auth_methods_supported: list[str]
    scopes_supported: list[str]
    response_types_supported: list[str]
    token_endpoint_auth_signing_alg_values_supported: list[str] | None = None


class ClientCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Name
    roles: list[Role] = Field(min_length=1, max_length=4)
    rate_limit_per_minute: int | None = RateLimitField
    tokens_per_minute: int | None = Field(default=None, ge=1, le=1_000_000_000,
                                          description="Model tokens per minute (prompt + completion)")
    pii_policy: Literal["redact", "block", "allow"] = "redact"


class ClientUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")
    roles: list[Role] | None = Field(default=None, min_length=1, max_length=4)
    rate_limit_per_minute: int | None = RateLimitField
    tokens_per_minute: int | None = Field(default=None, ge=1, le=1_000_000_000)
    pii_policy: Literal["redact", "block", "allow"] | None = None
    disabled: bool | None = None


class ClientRead(BaseModel):
    client_id: str
    name: str
    roles: list[str]
    scopes: list[str]
    rate_limit_per_minute: int | None
    tokens_per_minute: int | None = None
    pii_policy: str
    disabled: bool
    created_at: datetime
    updated_at: datetime


class ClientCreated(ClientRead):
    client_secret: str = Field(description="Shown once; store it now.")


class ClientList(BaseModel):
    items: list[ClientRead]
    next_cursor: str | None = None


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")
    scopes: list[Scope] | None = Field(default=None, min_length=1, max_length=5)
    expires_at: datetime | None = None
    rate_limit_per_minute: int | None = RateLimitField
    tokens_per_minute: int | None = Field(default=None, ge=1, le=1_000_000_000)


class KeyRead(BaseModel):
    key_id: str
    client_id: str
    name: str | None
    scopes: list[str]
    rate_limit_per_minute: int | None
    tokens_per_minute: int | None = None
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked: bool


class KeyCreated(KeyRead):
    api_key: str = Field(description="Shown once; store it now.")


class KeyList(BaseModel):
    items: list[KeyRead]


class PrincipalRead(BaseModel):
    client_id: str
    key_id: str | None
    roles: list[str]
    scopes: list[str]
    credential: Literal["token", "api_key"]
    expires_at: int | None = None
