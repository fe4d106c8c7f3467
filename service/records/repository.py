"""Queries of the records table. The only place in the records domain that builds SQL.

Every read that serves a caller takes `owner`: None only for principals that read all records, else
the caller's client id, so the ownership filter is part of the statement rather than a later check."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from service.models import RequestRecord

# Everything but the ciphertext: listings never load content.
METADATA_COLUMNS = (RequestRecord.id, RequestRecord.client_id, RequestRecord.key_id, RequestRecord.route,
                    RequestRecord.model, RequestRecord.status, RequestRecord.latency_ms, RequestRecord.created_at,
                    RequestRecord.entity_counts, RequestRecord.usage, RequestRecord.raw_input,
                    RequestRecord.data_key_id.is_not(None).label("has_content"))


class RecordRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list(self, *, owner: str | None, limit: int, before_id: str | None, client_id: str | None,
                   since: datetime | None, until: datetime | None, route: str | None) -> Sequence[Row]:  # type: ignore[type-arg]
        stmt = select(*METADATA_COLUMNS).order_by(RequestRecord.id.desc()).limit(limit)
        if owner is not None:
            stmt = stmt.where(RequestRecord.client_id == owner)
        if client_id is not None:
            stmt = stmt.where(RequestRecord.client_id == client_id)
        if before_id is not None:
            stmt = stmt.where(RequestRecord.id < before_id)
        if since is not None:
            stmt = stmt.where(RequestRecord.created_at >= since)
        if until is not None:
            stmt = stmt.where(RequestRecord.created_at < until)
        if route is not None:
            stmt = stmt.where(RequestRecord.route == route)
        return (await self.session.execute(stmt)).all()

    async def get_by_id(self, record_id: str, *, owner: str | None) -> RequestRecord | None:
        stmt = select(RequestRecord).where(RequestRecord.id == record_id)
        if owner is not None:
            stmt = stmt.where(RequestRecord.client_id == owner)
        return await self.session.scalar(stmt)

    async def delete_for_client(self, client_id: str) -> int:
        result = await self.session.execute(delete(RequestRecord).where(RequestRecord.client_id == client_id))
        return result.rowcount or 0

    async def ids_older_than(self, cutoff: datetime, limit: int) -> Sequence[str]:
        stmt = (select(RequestRecord.id).where(RequestRecord.created_at < cutoff)
                .order_by(RequestRecord.created_at).limit(limit))
        return (await self.session.scalars(stmt)).all()

    async def delete_ids(self, ids: Sequence[str]) -> int:
        result = await self.session.execute(delete(RequestRecord).where(RequestRecord.id.in_(ids)))
        return result.rowcount or 0
