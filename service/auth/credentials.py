"""Turning a bearer credential into a `Principal`: fast on the hot path, exact on revocation.

Threat model and invariants:
- Revoking a token or key, disabling a client or changing its roles takes effect on the very next
  request in every worker and replica. Each such change increments `auth_state.epoch` in the same
  transaction. Every authentication first reads the epoch with a read that *starts after the request
  arrived* (`service.auth.epoch` makes that read cheap, and shares one read among the requests of
  one batch of the event loop, exact for the reason given there), and anything cached under an
  older epoch is dropped. So a change committed before a request arrived is always seen, while the costly
  parts (signature verification, credential lookups) are done once per credential and epoch.
- API keys and client secrets are checked by HMAC under the pepper, in constant time; an unknown
  client still costs one HMAC so timing does not reveal which client ids exist.
- A token's scopes are intersected with what its client's roles grant *now*, so narrowing a client's
  roles narrows its live tokens at once.
- Failures raise one indistinguishable `InvalidCredential`; the reason code goes to the audit trail.
  Repeated failures from one source address are locked out (see `Lockout`).
- Caches are bounded and keyed by a digest of the token, never the token itself. An API key verified
  under the current epoch is recognised the same way afterwards (BLAKE2b of the whole credential, no
  HMAC per request): a cached digest cannot be produced without the whole key, and a revoked, expired
  or disabled entry is refused from the cache as from the database.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.fernet import MultiFernet
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service.audit.service import Action, AuditContext, AuditLog
from service.auth.epoch import epoch_source
from service.auth.exceptions import InvalidCredential
from service.auth.lockout import Lockout
from service.auth.principal import Principal
from service.auth.repository import (AuthStateRepository, ClientRepository, KeyRepository, RevocationRepository,
                                     SigningKeyRepository)
from service.auth.roles import scopes_for_roles
from service.auth.tokens import KeyMaterial, TokenError, decode_access_token, generate_private_key, load_key
from service.config import Settings
from service.kit.crypto import keyed_hash, verify_keyed_hash
from service.models import SigningKey
from service.models.types import utcnow

logger = logging.getLogger("gateway.auth")

KEY_PREFIX = "gk_"
_API_KEY = re.compile(r"gk_([0-9a-f]{16})_([A-Za-z0-9_-]{32,128})")
CLIENT_SECRET_PURPOSE = b"client-secret"
API_KEY_PURPOSE = b"api-key"
_CACHE_LIMIT = 50_000
_DUMMY_HASH = b"\x00" * 32


@dataclass(frozen=True, slots=True)
class ClientInfo:
    id: str
    secret_hash: bytes
    roles: tuple[str, ...]
    disabled: bool
    rate_limit_per_minute: int | None
    tokens_per_minute: int | None
    pii_policy: str

    def __repr__(self) -> str:
        return f"ClientInfo(id={self.id!r}, roles={self.roles!r}, disabled={self.disabled})"


@dataclass(frozen=True, slots=True)
class _KeyEntry:
    secret_hash: bytes
    principal: Principal
    expires_at: float | None
    revoked: bool
    client_disabled: bool


class Authenticator:
    def __init__(self, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], master: MultiFernet,
                 audit: AuditLog, lockout: Lockout) -> None:
        self.settings = settings
        self._sessionmaker = sessionmaker
        self._master = master
        self._pepper = settings.pepper_bytes
        self.audit = audit
        self.lockout = lockout
        self.keys: dict[str, KeyMaterial] = {}
        self.current_key: KeyMaterial | None = None
        self._epoch = -1
        self._epoch_source = epoch_source(settings.sqlalchemy_url, sessionmaker)
        self._tokens: dict[bytes, tuple[Principal, float]] = {}
        self._api_keys: dict[str, _KeyEntry] = {}
        self._verified_keys: dict[bytes, _KeyEntry] = {}  # digest of a whole verified key -> its entry
        self._clients: dict[str, ClientInfo] = {}
        self._touched: dict[str, float] = {}  # key id -> last use (epoch seconds), flushed in batches
        self._touch_task: asyncio.Task[None] | None = None

    # -- lifecycle ---------------------------------------------------------------------------------
    async def start(self) -> None:
        await self.ensure_signing_key()
        await self.sync()
        self._touch_task = asyncio.get_running_loop().create_task(self._touch_loop(), name="key-touch")

    async def close(self) -> None:
        if self._touch_task:
            self._touch_task.cancel()
            try:
                await self._touch_task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
        await self._flush_touched()
        await self._epoch_source.close()

    @property
    def epoch(self) -> int:
        """The epoch read by the latest authentication: within a request, fresh as of its arrival."""
        return self._epoch

    # -- epoch and caches --------------------------------------------------------------------------
    async def sync(self) -> int:
        """Read the epoch freshly; on a change drop every cache and reload the signing keys."""
        epoch = await self._epoch_source.read()
        if epoch != self._epoch:
            self._tokens.clear()
            self._api_keys.clear()
            self._verified_keys.clear()
            self._clients.clear()
            await self._load_keys()
            self._epoch = epoch
        return epoch

    def _cache(self, store: dict, key: object, value: object, epoch: int) -> None:  # type: ignore[type-arg]
        if epoch != self._epoch:
            return  # read under an older epoch: not trustworthy now
        if len(store) >= _CACHE_LIMIT:
            store.clear()
        store[key] = value

    # -- signing keys ------------------------------------------------------------------------------
    def _configured_key(self) -> KeyMaterial | None:
        secret = self.settings.jwt_signing_key
        if secret is None:
            return None
        raw = secret.get_secret_value().encode()
        return load_key(self.settings.jwt_algorithm, raw)

    async def _load_keys(self) -> None:
        alg = self.settings.jwt_algorithm
        horizon = utcnow() - timedelta(seconds=self.settings.access_token_ttl_seconds + 60)
        async with self._sessionmaker() as session:
            rows = await SigningKeyRepository(session).list_valid(alg, horizon)
        keys: dict[str, KeyMaterial] = {}
        current: KeyMaterial | None = None
        for row in rows:
            material = load_key(row.algorithm, self._master.decrypt(row.encrypted_private_key), kid=row.kid)
            keys[row.kid] = material
            if current is None and row.retired_at is None:
                current = material
        configured = self._configured_key()
        if configured is not None:
            keys[configured.kid] = configured
            current = configured
        self.keys = keys
        self.current_key = current

    async def ensure_signing_key(self) -> None:
        await self._load_keys()
        if self.current_key is None:
            await self.rotate_signing_key()

    async def rotate_signing_key(self) -> str:
        """Make a new current signing key; older ones stay published until their tokens expire."""
        alg = self.settings.jwt_algorithm
        material = load_key(alg, private := generate_private_key(alg))
        now = utcnow()
        async with self._sessionmaker() as session:
            repo = SigningKeyRepository(session)
            await repo.add(SigningKey(kid=material.kid, algorithm=alg, created_at=now,
                                      encrypted_private_key=self._master.encrypt(private),
                                      public_jwk=material.public_jwk))
            await repo.retire_current(alg, now, keep_kid=material.kid)
            await AuthStateRepository(session).bump()
            await session.commit()
        await self._load_keys()
        return material.kid

    def jwks(self) -> list[dict]:  # type: ignore[type-arg]
        return [k.public_jwk for k in self.keys.values() if k.public_jwk is not None]

    # -- clients -----------------------------------------------------------------------------------
    async def client_info(self, client_id: str, epoch: int) -> ClientInfo | None:
        info = self._clients.get(client_id)
        if info is not None:
            return info
        if len(client_id) > 40:
            return None
        async with self._sessionmaker() as session:
            client = await ClientRepository(session).get_by_id(client_id)
        if client is None:
            return None
        info = ClientInfo(id=client.id, secret_hash=client.secret_hash, roles=tuple(client.roles),
                          disabled=client.disabled_at is not None,
                          rate_limit_per_minute=client.rate_limit_per_minute,
                          tokens_per_minute=client.tokens_per_minute, pii_policy=client.pii_policy)
        self._cache(self._clients, client_id, info, epoch)
        return info

    async def verify_client(self, client_id: str, secret: str) -> tuple[ClientInfo | None, str]:
        """(client, "ok") when the secret matches an enabled client, else (client or None, reason)."""
        epoch = await self.sync()
        info = await self.client_info(client_id, epoch)
        ok = verify_keyed_hash(self._pepper, CLIENT_SECRET_PURPOSE, secret,
                               info.secret_hash if info else _DUMMY_HASH)
        if info is None:
            return None, "unknown_client"
        if not ok:
            return info, "bad_secret"
        if info.disabled:
            return info, "client_disabled"
        return info, "ok"

    def hash_client_secret(self, secret: str) -> bytes:
        return keyed_hash(self._pepper, CLIENT_SECRET_PURPOSE, secret)

    def hash_api_key_secret(self, secret: str) -> bytes:
        return keyed_hash(self._pepper, API_KEY_PURPOSE, secret)

    # -- bearer credentials ------------------------------------------------------------------------
    async def check_source_allowed(self, source_ip: str | None) -> None:
        if source_ip:
            await self.lockout.check([f"ip:{source_ip}"])

    async def note_failure(self, reason: str, source_ip: str | None, request_id: str | None,
                           actor: str | None = None) -> None:
        if source_ip:
            await self.lockout.failure([f"ip:{source_ip}"])
        await self.audit.record(Action.AUTH_FAILED, ctx=AuditContext(request_id, source_ip), outcome="failure",
                                actor=actor, reason=reason)

    async def authenticate(self, credential: str, source_ip: str | None = None,
                           request_id: str | None = None) -> Principal:
        """Resolve a bearer credential for a request: verification, lockout, failure audit.

        A credential already verified under the current epoch is answered from memory without a
        lockout check: holding a valid credential is not guessing, and it keeps the hot path free of
        a round trip to the shared limiter. Anything else is checked against the lockout first."""
        epoch = await self.sync()
        cached = self._from_cache(credential)
        if cached is not None:
            return cached
        await self.check_source_allowed(source_ip)
        try:
            return await self._resolve(credential, epoch)
        except InvalidCredential as exc:
            actor = None
            if credential.startswith(KEY_PREFIX) and (m := _API_KEY.fullmatch(credential)):
                actor = f"key:{m.group(1)}"
            await self.note_failure(exc.reason, source_ip, request_id, actor=actor)
            raise

    async def resolve(self, credential: str) -> Principal:
        """Verify a credential; raises InvalidCredential. No lockout, no audit (introspection uses it)."""
        return await self._resolve(credential, await self.sync())

    async def _resolve(self, credential: str, epoch: int) -> Principal:
        if credential.startswith(KEY_PREFIX):
            return await self._api_key(credential, epoch)
        return await self._jwt(credential, epoch)

    def _from_cache(self, credential: str) -> Principal | None:
        """The principal of a credential verified under the current epoch and still valid, else None."""
        if credential.startswith(KEY_PREFIX):
            entry = self._verified_keys.get(_digest(credential))
            if (entry is None or entry.revoked or entry.client_disabled
                    or (entry.expires_at is not None and entry.expires_at <= time.time())):
                return None
            self._touched[entry.principal.key_id] = time.time()  # type: ignore[index]
            return entry.principal
        cached = self._tokens.get(_digest(credential))
        if cached is not None and cached[1] > time.time():
            return cached[0]
        return None

    async def _jwt(self, token: str, epoch: int) -> Principal:
        digest = _digest(token)
        cached = self._tokens.get(digest)
        now = time.time()
        if cached is not None:
            if cached[1] > now:
                return cached[0]
            raise InvalidCredential("expired")
        try:
            claims = decode_access_token(token, self.keys, issuer=self.settings.jwt_issuer,
                                         audience=self.settings.jwt_audience)
        except TokenError as exc:
            raise InvalidCredential(exc.reason) from None
        async with self._sessionmaker() as session:
            revoked = await RevocationRepository(session).is_revoked(claims["jti"])
        if revoked:
            raise InvalidCredential("revoked")
        info = await self.client_info(claims["client_id"], epoch)
        if info is None or info.disabled:
            raise InvalidCredential("client_disabled" if info else "unknown_client")
        scopes = frozenset(claims.get("scope", "").split()) & scopes_for_roles(info.roles)
        principal = Principal(client_id=info.id, scopes=scopes, roles=info.roles, jti=claims["jti"],
                              expires_at=float(claims["exp"]), rate_limit_per_minute=info.rate_limit_per_minute,
                              tokens_per_minute=info.tokens_per_minute, pii_policy=info.pii_policy, credential="token")
        self._cache(self._tokens, digest, (principal, float(claims["exp"])), epoch)
        return principal

    async def _api_key(self, credential: str, epoch: int) -> Principal:
        match = _API_KEY.fullmatch(credential)
        if match is None:
            raise InvalidCredential("malformed_key")
        key_id, secret = match.groups()
        entry = self._api_keys.get(key_id)
        if entry is None:
            entry = await self._load_api_key(key_id, epoch)
        if not verify_keyed_hash(self._pepper, API_KEY_PURPOSE, secret,
                                 entry.secret_hash if entry else _DUMMY_HASH) or entry is None:
            raise InvalidCredential("bad_key" if entry else "unknown_key")
        if entry.revoked:
            raise InvalidCredential("key_revoked")
        if entry.client_disabled:
            raise InvalidCredential("client_disabled")
        if entry.expires_at is not None and entry.expires_at <= time.time():
            raise InvalidCredential("key_expired")
        self._cache(self._verified_keys, _digest(credential), entry, epoch)
        self._touched[key_id] = time.time()
        return entry.principal

    async def _load_api_key(self, key_id: str, epoch: int) -> _KeyEntry | None:
        async with self._sessionmaker() as session:
            key = await KeyRepository(session).get_by_id(key_id)
        if key is None:
            return None
        info = await self.client_info(key.client_id, epoch)
        if info is None:
            return None
        scopes = frozenset(key.scopes) & scopes_for_roles(info.roles)
        principal = Principal(client_id=info.id, scopes=scopes, roles=info.roles, key_id=key.id,
                              rate_limit_per_minute=key.rate_limit_per_minute or info.rate_limit_per_minute,
                              tokens_per_minute=key.tokens_per_minute or info.tokens_per_minute,
                              pii_policy=info.pii_policy, credential="api_key")
        entry = _KeyEntry(secret_hash=key.secret_hash, principal=principal,
                          expires_at=key.expires_at.timestamp() if key.expires_at else None,
                          revoked=key.revoked_at is not None, client_disabled=info.disabled)
        self._cache(self._api_keys, key_id, entry, epoch)
        return entry

    # -- last_used_at bookkeeping --------------------------------------------------------------------
    async def _touch_loop(self) -> None:
        while True:
            await asyncio.sleep(15)
            try:
                await self._flush_touched()
            except Exception as exc:  # noqa: BLE001 - bookkeeping must never take the server down
                logger.warning("could not record key use", extra={"exc_type": type(exc).__name__})

    async def _flush_touched(self) -> None:
        if not self._touched:
            return
        touched, self._touched = self._touched, {}
        async with self._sessionmaker() as session:
            repo = KeyRepository(session)
            for key_id, at in touched.items():
                await repo.touch(key_id, datetime.fromtimestamp(at, UTC))
            await session.commit()


def _digest(token: str) -> bytes:
    return hashlib.blake2b(token.encode("utf-8", "surrogatepass"), digest_size=20).digest()
