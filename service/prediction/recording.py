"""Leaving a record of every data-plane request (wired to the records domain)."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from service.auth.principal import Principal


def new_record_id() -> str:
    """UUIDv7: 48-bit millisecond timestamp, version and variant bits, 74 random bits."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms << 80) | (0x7 << 76) | ((rand >> 62) & 0xFFF) << 64 | (0b10 << 62) | (rand & ((1 << 62) - 1))
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@dataclass
class Recorder:
    record_id: str
    outcome: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


@asynccontextmanager
async def record_outcome(request: Request, principal: Principal, *, route: str, model: str | None,
                         started: float) -> AsyncIterator[Recorder]:
    rec = Recorder(new_record_id())
    yield rec
