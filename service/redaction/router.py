"""Data-plane routes for redaction: /v1/redact, its batch and decrypt forms, and /v1/entities."""

from __future__ import annotations

import time
from typing import Any

from fastapi import Request
from starlette.responses import Response

from service.auth.principal import Principal
from service.errors import REDACTION_TIMEOUT_RESPONSE, PayloadTooLarge, ServiceUnavailable, Unprocessable
from service.kit.text import dumps_utf8
from service.observability import metrics
from service.records import service as records_service
from service.redaction import service as redaction_service
from service.redaction.guards import EntitiesRead, RedactionInvoke
from service.redaction.schemas import (DecryptRequest, DecryptResponse, EntityTypeList, EntityTypeRead,
                                       RedactBatchRequest, RedactBatchResponse, RedactRequest, RedactResponse)
from service.routing import protected_router

router = protected_router(tags=["redaction"])


async def _keys(request: Request, principal: Principal, operator: str) -> redaction_service.OperatorKeys:
    state = request.app.state
    if operator == "hash":
        return redaction_service.OperatorKeys(hmac_key=state.redaction_hash_key)
    if operator == "encrypt":
        keystore = getattr(state, "keystore", None)
        if keystore is None:
            raise ServiceUnavailable("Encryption keys are not available.")
        return redaction_service.OperatorKeys(fernet=await keystore.fernet_for(principal.client_id,
                                                                              state.authenticator.epoch))
    return redaction_service.OperatorKeys()


async def _redact_one(request: Request, principal: Principal, body: RedactRequest) -> dict[str, Any]:
    engine = request.app.state.redaction
    if len(body.text) > request.app.state.settings.max_text_chars:
        raise PayloadTooLarge("The text exceeds the configured maximum size.")
    if body.entities is not None and any(e not in request.app.state.entity_names for e in body.entities):
        raise Unprocessable("Unknown entity type; GET /v1/entities lists them.")
    op = body.operator
    try:
        spec = redaction_service.OperatorSpec(type=op.type, masking_char=op.masking_char,
                                              chars_to_mask=op.chars_to_mask, from_end=op.from_end,
                                              keep_last=op.keep_last)
    except redaction_service.OperatorError as exc:
        raise Unprocessable(str(exc)) from None
    keys = await _keys(request, principal, op.type)
    result = await redaction_service.redact(engine, body.text, entities=body.entities, allow_list=body.allow_list,
                                            operator=spec, keys=keys, pool=request.app.state.redaction_pool)
    # Plain dicts serialised once (the hot path of the data plane; the schema is RedactResponse).
    return {"text": result.text, "entities": [
        {"entity_type": i.entity_type, "start": i.start, "end": i.end, "score": i.score, "replacement": i.replacement}
        for i in result.items]}


def _json(body: dict[str, Any]) -> Response:
    return Response(dumps_utf8(body), media_type="application/json")


@router.post("/v1/redact", operation_id="redact_text", response_model=RedactResponse,
             responses=REDACTION_TIMEOUT_RESPONSE, summary="Find and redact personal data in a text")
async def redact_text(body: RedactRequest, request: Request, principal: RedactionInvoke) -> Response:
    async with records_service.record_request(request.app.state, principal, route="/v1/redact", model=None,
                                              started=time.perf_counter()) as rec:
        response = await _redact_one(request, principal, body)
        rec.entity_types = [e["entity_type"] for e in response["entities"]]
        metrics.observe_redactions(rec.entity_types)
    return _json(response)


@router.post("/v1/redact/batch", operation_id="redact_batch", response_model=RedactBatchResponse,
             responses=REDACTION_TIMEOUT_RESPONSE, summary="Redact many texts in one call")
async def redact_batch(body: RedactBatchRequest, request: Request, principal: RedactionInvoke) -> Response:
    if sum(len(i.text) for i in body.items) > request.app.state.settings.max_text_chars:
        raise PayloadTooLarge("The texts exceed the configured maximum size in total.")
    async with records_service.record_request(request.app.state, principal, route="/v1/redact/batch",
                                              model=None, started=time.perf_counter()) as rec:
        items = [await _redact_one(request, principal, item) for item in body.items]
        rec.entity_types = [e["entity_type"] for i in items for e in i["entities"]]
        metrics.observe_redactions(rec.entity_types)
    return _json({"items": items})


@router.post("/v1/redact/decrypt", operation_id="decrypt_text",
             summary="Reverse the encrypt operator (only for the client that encrypted)")
async def decrypt_text(body: DecryptRequest, request: Request, principal: RedactionInvoke) -> DecryptResponse:
    if len(body.text) > request.app.state.settings.max_text_chars:
        raise PayloadTooLarge("The text exceeds the configured maximum size.")
    keys = await _keys(request, principal, "encrypt")
    return DecryptResponse(text=redaction_service.decrypt_text(body.text, keys.fernet))


@router.get("/v1/entities", operation_id="list_entity_types", summary="The entity types the detector knows")
async def list_entity_types(request: Request, principal: EntitiesRead) -> EntityTypeList:
    return EntityTypeList(items=[EntityTypeRead(entity_type=name, description=desc)
                                 for name, desc in request.app.state.redaction.entity_types()])

