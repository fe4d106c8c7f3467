from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base
from service.models.types import BigIntPK, UTCDateTime, utcnow


class AuditEvent(Base):
    """A security event. Holds identifiers and reason codes only: never a secret, token or text."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_action_id", "action", "id"),
                      Index("ix_audit_event_actor_id", "actor", "id"))

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16), default="success")
    actor: Mapped[str | None] = mapped_column(String(64), default=None)
    target: Mapped[str | None] = mapped_column(String(128), default=None)
    reason: Mapped[str | None] = mapped_column(String(64), default=None)
    request_id: Mapped[str | None] = mapped_column(String(128), default=None)
    source_ip: Mapped[str | None] = mapped_column(String(64), default=None)
    details: Mapped[dict | None] = mapped_column(JSON, default=None)
