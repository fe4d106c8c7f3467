"""Liveness and readiness. Neither needs credentials, and neither says more than up or down."""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import text

from service.errors import ServiceUnavailable

logger = logging.getLogger("gateway.health")
router = APIRouter(tags=["operations"])


class HealthRead(BaseModel):
    status: str


@router.get("/healthz", operation_id="get_health", summary="The process is alive")
async def get_health() -> HealthRead:
    return HealthRead(status="ok")


@router.get("/readyz", operation_id="get_readiness", summary="The database is reachable",
            responses={503: {"description": "A dependency is unreachable"}})
async def get_readiness(request: Request) -> HealthRead:
    try:
        async with asyncio.timeout(3):
            async with request.app.state.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        logger.warning("readiness check failed", extra={"exc_type": type(exc).__name__})
        raise ServiceUnavailable("The database is unreachable.") from None
    return HealthRead(status="ready")
