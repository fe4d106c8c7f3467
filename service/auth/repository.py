"""Queries of the identity tables. The only place in the auth domain that builds SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from service.models import ApiClient, ApiKey, RevokedToken, SigningKey
from service.models.auth_state import AuthState


class ClientRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_by_id(self, client_id: str) -> ApiClient | None:
        return await self.session.get(ApiClient, client_id)

    async def list(self, *, limit: int, after_id: str | None) -> Sequence[ApiClient]:
        stmt = select(ApiClient).order_by(ApiClient.id).limit(limit)
        if after_id:
            stmt = stmt.where(ApiClient.id > after_id)
        return (await self.session.scalars(stmt)).all()

    async def add(self, client: ApiClient) -> ApiClient:
        self.session.add(client)
        await self.session.flush()
        return client


class KeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_by_id(self, key_id: str) -> ApiKey | None:
        return await self.session.get(ApiKey, key_id)

    async def list_for_client(self, client_id: str) -> Sequence[ApiKey]:
        stmt = select(ApiKey).where(ApiKey.client_id == client_id).order_by(ApiKey.created_at, ApiKey.id)
        return (await self.session.scalars(stmt)).all()

    async def add(self, key: ApiKey) -> ApiKey:
        self.session.add(key)
        await self.session.flush()
        return key

    async def revoke_all_for_client(self, client_id: str, at: datetime) -> None:
        await self.session.execute(update(ApiKey).where(ApiKey.client_id == client_id, ApiKey.revoked_at.is_(None))
                                   .values(revoked_at=at))

    async def touch(self, key_id: str, at: datetime) -> None:
        await self.session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=at))


class RevocationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def is_revoked(self, jti: str) -> bool:
        return (await self.session.scalar(select(RevokedToken.jti).where(RevokedToken.jti == jti))) is not None

    async def add(self, jti: str, client_id: str, expires_at: datetime) -> bool:
        if await self.is_revoked(jti):
            return False
        self.session.add(RevokedToken(jti=jti, client_id=client_id, expires_at=expires_at))
        await self.session.flush()
        return True

    async def purge_expired(self, now: datetime) -> int:
        result = await self.session.execute(delete(RevokedToken).where(RevokedToken.expires_at < now))
        return result.rowcount or 0


class SigningKeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_valid(self, algorithm: str, retired_after: datetime) -> Sequence[SigningKey]:
        stmt = (select(SigningKey)
                .where(SigningKey.algorithm == algorithm,
                       or_(SigningKey.retired_at.is_(None), SigningKey.retired_at > retired_after))
                .order_by(SigningKey.created_at.desc(), SigningKey.kid))
        return (await self.session.scalars(stmt)).all()

    async def add(self, key: SigningKey) -> None:
        self.session.add(key)
        await self.session.flush()

    async def retire_current(self, algorithm: str, at: datetime, keep_kid: str) -> None:
        await self.session.execute(update(SigningKey).where(SigningKey.algorithm == algorithm,
                                                            SigningKey.retired_at.is_(None),
                                                            SigningKey.kid != keep_kid).values(retired_at=at))


class AuthStateRepository:
    """The single-row generation counter that every credential-affecting change increments."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def epoch(self) -> int:
        value = await self.session.scalar(select(AuthState.epoch).where(AuthState.id == 1))
        return int(value or 0)

    async def bump(self) -> None:
        result = await self.session.execute(update(AuthState).where(AuthState.id == 1)
                                            .values(epoch=AuthState.epoch + 1))
        if not result.rowcount:
            self.session.add(AuthState(id=1, epoch=1))
            await self.session.flush()
