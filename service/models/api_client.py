from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db import Base
from service.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from service.models.api_key import ApiKey


class ApiClient(Base):
    """An OAuth2 confidential client. The secret is kept only as an HMAC under the server pepper."""

    __tablename__ = "api_client"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    roles: Mapped[list[str]] = mapped_column(JSON)
    rate_limit_per_minute: Mapped[int | None] = mapped_column(default=None)
    tokens_per_minute: Mapped[int | None] = mapped_column(default=None)
    pii_policy: Mapped[str] = mapped_column(String(16), default="redact", server_default="redact")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    keys: Mapped[list[ApiKey]] = relationship(back_populates="client", cascade="all, delete-orphan",
                                              passive_deletes=True, lazy="raise")

    def __repr__(self) -> str:
        return f"ApiClient(id={self.id!r}, roles={self.roles!r}, disabled={self.disabled_at is not None})"
