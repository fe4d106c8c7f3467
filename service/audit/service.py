"""The security audit trail: who did what to what, with what outcome, from where.

Invariants: an event holds identifiers, action names, outcome and reason codes only; never a secret,
token, key, submitted text or personal value (callers pass ids, and `details` must hold counts and
codes). Events of refused requests are written in their own transaction, so the refusal that rolls
back the request's session still leaves its trace.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from service.audit.repository import AuditRepository
from service.errors import BadRequest
from service.kit.batching import BatchWriter
from service.kit.pagination import Page, decode_cursor, encode_cursor
from service.models import AuditEvent
from service.models.types import utcnow


class Action:
    TOKEN_ISSUED = "token.issued"
    TOKEN_REVOKED = "token.revoked"
    TOKEN_INTROSPECTED = "token.introspected"
    AUTH_FAILED = "auth.failed"
    AUTH_LOCKED = "auth.locked_out"
    SCOPE_DENIED = "scope.denied"
    RATE_LIMITED = "rate_limit.exceeded"
    CLIENT_CREATED = "client.created"
    CLIENT_UPDATED = "client.updated"
    CLIENT_DISABLED = "client.disabled"
    KEY_CREATED = "key.created"
    KEY_REVOKED = "key.revoked"
    SIGNING_KEY_ROTATED = "signing_key.rotated"
    ANOMALY_DETECTED = "anomaly.detected"


@dataclass(frozen=True, slots=True)
class AuditContext:
    request_id: str | None = None
    source_ip: str | None = None


class AuditLog:
    """Writes events through the shared group-commit writer; `record` returns once committed."""

    def __init__(self, writer: BatchWriter) -> None:
        self._writer = writer

    async def record(self, action: str, *, ctx: AuditContext | None = None, outcome: str = "success",
                     actor: str | None = None, target: str | None = None, reason: str | None = None,
                     details: dict[str, Any] | None = None) -> None:
        ctx = ctx or AuditContext()
        await self._writer.write([(AuditEvent.__table__, {
            "created_at": utcnow(), "action": action, "outcome": outcome, "actor": actor, "target": target,
            "reason": reason, "request_id": ctx.request_id, "source_ip": ctx.source_ip, "details": details,
        })])


async def list_events(session: AsyncSession, *, limit: int, cursor: str | None, action: str | None = None,
                      actor: str | None = None, since: datetime | None = None,
                      until: datetime | None = None) -> Page[AuditEvent]:
    before_id = None
    if cursor:
        raw = decode_cursor(cursor)
        if not raw.isdigit():
            raise BadRequest("The cursor is not valid.")
        before_id = int(raw)
    rows = await AuditRepository(session).list(limit=limit + 1, before_id=before_id, action=action, actor=actor,
                                               since=since, until=until)
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_cursor=encode_cursor(str(rows[-1].id)) if more and rows else None)


def record_in(session: AsyncSession, action: str, *, ctx: AuditContext | None = None, outcome: str = "success",
              actor: str | None = None, target: str | None = None, reason: str | None = None,
              details: dict[str, Any] | None = None) -> None:
    """Add an event to the caller's transaction: it commits (or rolls back) with the change it describes."""
    ctx = ctx or AuditContext()
    session.add(AuditEvent(action=action, outcome=outcome, actor=actor, target=target, reason=reason,
                           request_id=ctx.request_id, source_ip=ctx.source_ip, details=details))
