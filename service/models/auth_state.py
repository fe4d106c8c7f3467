from __future__ import annotations

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base


class AuthState(Base):
    """One row (id 1) whose `epoch` grows with every change to credentials, so workers know when to
    drop what they cached (see `service.auth.credentials`)."""

    __tablename__ = "auth_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    epoch: Mapped[int] = mapped_column(BigInteger, default=0)
