from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Query

from service.audit import service as audit_service
from service.audit.schemas import AuditEventList, AuditEventRead
from service.auth.guards import AuditReader
from service.db import SessionDep
from service.routing import protected_router

router = protected_router(tags=["audit"])


@router.get("/v1/audit", operation_id="list_audit_events", summary="Security events, newest first")
async def list_audit_events(
    session: SessionDep, principal: AuditReader,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=300)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    actor: Annotated[str | None, Query(max_length=64)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> AuditEventList:
    page = await audit_service.list_events(session, limit=limit, cursor=cursor, action=action, actor=actor,
                                           since=since, until=until)
    return AuditEventList(items=[AuditEventRead.model_validate(e, from_attributes=True) for e in page.items],
                          next_cursor=page.next_cursor)
