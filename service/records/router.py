"""Record reads (metadata list, one record with content) and erasure of a client's data."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Path, Query, Request

from service.audit.service import AuditContext
from service.db import SessionDep
from service.records import service as records_service
from service.records.guards import DataEraser, RecordsReader
from service.records.schemas import ErasureRead, RecordDetail, RecordList, RecordRead
from service.routing import protected_router

router = protected_router(tags=["records"])


def _ctx(request: Request) -> AuditContext:
    state = request.scope.get("state", {})
    return AuditContext(state.get("request_id"), state.get("client_ip"))


def _metadata(row: Any) -> dict[str, Any]:
    """Fields of a listing row (which carries `has_content`) or of an ORM record."""
    has_content = getattr(row, "has_content", None)
    return dict(id=row.id, client_id=row.client_id, key_id=row.key_id, route=row.route, model=row.model,
                status=row.status, latency_ms=row.latency_ms, created_at=row.created_at,
                entity_counts=row.entity_counts or {}, usage=row.usage, raw_input=row.raw_input,
                has_content=bool(row.data_key_id is not None if has_content is None else has_content))


@router.get("/v1/records", operation_id="list_records", summary="Record metadata, newest first (never content)")
async def list_records(
    session: SessionDep, principal: RecordsReader,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=300)] = None,
    client_id: Annotated[str | None, Query(max_length=40)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    route: Annotated[str | None, Query(max_length=64)] = None,
) -> RecordList:
    page = await records_service.list_records(session, principal, limit=limit, cursor=cursor, client_id=client_id,
                                              since=since, until=until, route=route)
    return RecordList(items=[RecordRead(**_metadata(r)) for r in page.items], next_cursor=page.next_cursor)


@router.get("/v1/records/{record_id}", operation_id="get_record",
            summary="One record with its decrypted content (an audited read)")
async def get_record(record_id: Annotated[str, Path(max_length=64)], request: Request, session: SessionDep,
                     principal: RecordsReader) -> RecordDetail:
    state = request.app.state
    found = await records_service.read_record(session, state.keystore, principal, record_id,
                                              epoch=state.authenticator.epoch, ctx=_ctx(request))
    return RecordDetail(**_metadata(found.record), content=found.content,
                        content_state=found.content_state)  # type: ignore[arg-type]


@router.delete("/v1/clients/{client_id}/data", operation_id="erase_client_data", tags=["admin"],
               summary="Erase every record of a client and crypto-shred its data key")
async def erase_client_data(client_id: Annotated[str, Path(max_length=40)], request: Request, session: SessionDep,
                            principal: DataEraser) -> ErasureRead:
    erased = await records_service.erase_client_data(session, request.app.state.keystore, client_id,
                                                     actor=principal.client_id, ctx=_ctx(request))
    return ErasureRead(client_id=erased.client_id, records_deleted=erased.records_deleted,
                       data_key_destroyed=erased.data_key_destroyed)
