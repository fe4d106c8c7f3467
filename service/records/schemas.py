from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class RecordRead(BaseModel):
    """Record metadata: identifiers, counts and timings, never content."""

    id: str
    client_id: str
    key_id: str | None
    route: str
    model: str | None
    status: int
    latency_ms: float
    created_at: datetime
    entity_counts: dict[str, int]
    usage: dict[str, int] | None
    has_content: bool = Field(description="Whether encrypted content is stored (false: metadata only)")
    raw_input: bool = Field(description="The content holds unredacted input (GATEWAY_STORE_RAW_INPUT was on)")


class RecordList(BaseModel):
    items: list[RecordRead]
    next_cursor: str | None = None


class RecordDetail(RecordRead):
    """One record with its decrypted content (already redacted unless `raw_input`)."""

    content: dict[str, Any] | None
    content_state: Literal["ok", "none", "unavailable"] = Field(
        description="ok: decrypted; none: metadata-only record; unavailable: its data key was erased")


class ErasureRead(BaseModel):
    client_id: str
    records_deleted: int
    data_key_destroyed: bool
