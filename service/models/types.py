"""Column types shared by the tables."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, DateTime, Integer, LargeBinary, TypeDecorator
from sqlalchemy.engine import Dialect

from service.kit.crypto import Ciphertext, PendingCiphertext

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both backends (SQLite stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class EncryptedBytes(TypeDecorator[Ciphertext]):
    """Ciphertext stored as bytes and loaded as `Ciphertext`, whose repr never shows its contents."""

    impl = LargeBinary()
    cache_ok = True

    def process_bind_param(self, value: Ciphertext | PendingCiphertext | bytes | None,
                           dialect: Dialect) -> bytes | None:
        if value is None:
            return None
        if isinstance(value, PendingCiphertext):
            return value.seal().token
        return value.token if isinstance(value, Ciphertext) else bytes(value)

    def process_result_value(self, value: bytes | None, dialect: Dialect) -> Ciphertext | None:
        return None if value is None else Ciphertext(bytes(value))
