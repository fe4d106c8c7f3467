from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class AuditEventRead(BaseModel):
    id: int
    created_at: datetime
    action: str
    outcome: str
    actor: str | None
    target: str | None
    reason: str | None
    request_id: str | None
    source_ip: str | None
    details: dict[str, Any] | None


class AuditEventList(BaseModel):
    items: list[AuditEventRead]
    next_cursor: str | None = None
