from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base
from service.kit.crypto import Ciphertext
from service.models.types import EncryptedBytes, UTCDateTime, utcnow


class ClientDataKey(Base):
    """A client's Fernet data key, stored only wrapped (encrypted) by the master keys.

    Deleting the row crypto-shreds every record encrypted under it; records reference it with
    ON DELETE CASCADE, so the database also removes their ciphertext and refuses a late insert under
    a key that no longer exists (see `service.kit.keystore`)."""

    __tablename__ = "client_data_key"

    # A fresh id per key generation: a key created after an erasure is a different row.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(40), unique=True)
    wrapped_key: Mapped[Ciphertext] = mapped_column(EncryptedBytes)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rewrapped_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    def __repr__(self) -> str:
        return f"ClientDataKey(id={self.id!r}, client_id={self.client_id!r})"
