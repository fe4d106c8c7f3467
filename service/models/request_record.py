from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base
from service.kit.crypto import Ciphertext
from service.models.types import EncryptedBytes, UTCDateTime, utcnow


class RequestRecord(Base):
    """The trace of one data-plane request. Content is Fernet ciphertext under the client's data key;
    everything else is metadata (ids, counts, timings) and never holds submitted text."""

    __tablename__ = "request_record"
    __table_args__ = (Index("ix_request_record_client_id_id", "client_id", "id"),)

    # Time-ordered (UUIDv7), so ordering by id is ordering by arrival and keyset cursors are stable.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(40))
    key_id: Mapped[str | None] = mapped_column(String(40), default=None)
    route: Mapped[str] = mapped_column(String(64))
    model: Mapped[str | None] = mapped_column(String(200), default=None)
    status: Mapped[int] = mapped_column(Integer)
    latency_ms: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    entity_counts: Mapped[dict] = mapped_column(JSON)  # type: ignore[type-arg]
    usage: Mapped[dict | None] = mapped_column(JSON, default=None)  # type: ignore[type-arg]
    raw_input: Mapped[bool] = mapped_column(Boolean, default=False)
    # Null when the route keeps metadata only (data minimisation).
    data_key_id: Mapped[str | None] = mapped_column(
        ForeignKey("client_data_key.id", ondelete="CASCADE"), default=None, index=True)
    content: Mapped[Ciphertext | None] = mapped_column(EncryptedBytes, default=None)

    def __repr__(self) -> str:
        return f"RequestRecord(id={self.id!r}, client_id={self.client_id!r}, route={self.route!r})"
