"""Retention: records older than `GATEWAY_RECORD_RETENTION_DAYS` are deleted, by `gateway purge` and by a
periodic task in every server process (deletes are idempotent, so several workers may run it).

Deletion goes in chunks of ids, one short transaction each, so a large purge never holds a long write
lock (SQLite) or a huge transaction (PostgreSQL) against the request path. Data keys are kept: a
client's key outlives its records until the client's data is erased.
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service.audit import service as audit_service
from service.models.types import utcnow
from service.records.repository import RecordRepository
from service.records.service import RECORDS_PURGED

logger = logging.getLogger("gateway.records")

CHUNK = 2000
INTERVAL_SECONDS = 3600.0
FIRST_RUN_SECONDS = 30.0


async def purge(sessionmaker: async_sessionmaker[AsyncSession], *, older_than: timedelta,
                now: datetime | None = None, actor: str = "retention") -> int:
    """Delete every record created before `now - older_than`; returns how many were deleted.

    Leaves one `records.purged` audit event (with the count) when anything was deleted."""
    cutoff = (now or utcnow()) - older_than
    total = 0
    while True:
        async with sessionmaker() as session:
            repo = RecordRepository(session)
            ids = await repo.ids_older_than(cutoff, CHUNK)
            if not ids:
                break
            total += await repo.delete_ids(ids)
            await session.commit()
        if len(ids) < CHUNK:
            break
    if total:
        async with sessionmaker() as session:
            audit_service.record_in(session, RECORDS_PURGED, actor=actor,
                                    details={"records": total, "older_than_days": older_than.days})
            await session.commit()
    return total


async def retention_loop(app: Any) -> None:
    """Purge expired records now and then, for as long as the server runs (cancel it at shutdown).

    `GATEWAY_RECORD_RETENTION_DAYS=0` turns the periodic purge off (`gateway purge --older-than` still works).
    A failed run is logged by type and retried at the next interval; it never stops the server."""
    settings = app.state.settings
    days = settings.record_retention_days
    if days <= 0:
        return
    # Jitter, so the workers of one deployment do not all purge in the same second.
    await asyncio.sleep(FIRST_RUN_SECONDS * (0.5 + random.random()))
    while True:
        try:
            deleted = await purge(app.state.sessionmaker, older_than=timedelta(days=days))
            if deleted:
                logger.info("purged expired records", extra={"records": deleted, "retention_days": days})
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - retention must never take the server down
            logger.warning("record purge failed", extra={"exc_type": type(exc).__name__})
        await asyncio.sleep(INTERVAL_SECONDS * (0.9 + 0.2 * random.random()))
