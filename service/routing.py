"""Router factories. `protected_router()` attaches authentication at router level, so no route mounted
on it can be reached without a valid credential, whatever its own dependencies say."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from service.auth.principal import get_principal

_AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing, malformed, expired, revoked or invalid credential"},
    403: {"description": "The credential lacks the needed scope"},
    429: {"description": "Rate limited; see Retry-After"},
}


def public_router(**kwargs: Any) -> APIRouter:
    return APIRouter(**kwargs)


def protected_router(**kwargs: Any) -> APIRouter:
    responses = {**_AUTH_RESPONSES, **kwargs.pop("responses", {})}
    return APIRouter(dependencies=[Depends(get_principal)], responses=responses, **kwargs)
