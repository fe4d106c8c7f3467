"""Router factories. Every route of a `protected_router()` must declare a guard (`RequireScopes`, through
a domain's alias such as `PredictionInvoke`); a route without one is refused when it is added, at import,
so an unauthenticated route cannot be mounted at all.

The guard itself authenticates (principal → rate limit → scopes → role). Checking at registration
instead of adding a second, router-level authentication dependency saves a dependency resolution on
every request, and the guard-coverage test checks the result through HTTP.
"""

from __future__ import annotations

import email.message
import inspect
import json
from collections.abc import Awaitable, Callable
from typing import Any, get_type_hints

from fastapi import APIRouter, FastAPI, params
from fastapi._body_limit import get_body_limit_error
from fastapi.datastructures import DefaultPlaceholder
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import request_body_to_args
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic_core import PydanticUndefined as Undefined
from starlette._exception_handler import wrap_app_handling_exceptions
from starlette.exceptions import HTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from service.auth.guards import RequireScopes

_AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing, malformed, expired, revoked or invalid credential"},
    403: {"description": "The credential lacks the needed scope"},
    429: {"description": "Rate limited; see Retry-After"},
}


def guarded(dependant: Dependant) -> bool:
    return any(isinstance(d.call, RequireScopes) or guarded(d) for d in dependant.dependencies)


class ProtectedRouter(APIRouter):
    def add_api_route(self, path: str, endpoint: Any, **kwargs: Any) -> None:
        super().add_api_route(path, endpoint, **kwargs)
        route = self.routes[-1]
        if isinstance(route, APIRoute) and not guarded(route.dependant):
            raise RuntimeError(f"protected route {path} declares no guard (RequireScopes alias)")


def public_router(**kwargs: Any) -> APIRouter:
    return APIRouter(**kwargs)


def protected_router(**kwargs: Any) -> APIRouter:
    responses = {**_AUTH_RESPONSES, **kwargs.pop("responses", {})}
    return ProtectedRouter(responses=responses, **kwargs)


def mount(app: FastAPI, routers: list[APIRouter]) -> None:
    """Put every router's routes on the app's own router, in order.

    `app.include_router()` in this FastAPI keeps each router behind a lazy inclusion layer that matches
    every candidate route twice per request (once to select the router, once to dispatch), which cost
    ~60 µs of a ~100 µs request here with forty routes. Our routers take no prefix, tags or dependencies
    at inclusion (an `APIRoute` already carries its router's prefix, tags, responses and dependencies
    from when it was added), so their routes can live on the app's router directly, where matching is
    one regex per route until the first match. What inclusion would add and this does not: the app's
    `dependency_overrides` and a router's own lifespan handlers (neither is used here).

    Routes of the data plane's shape then get `lean_handler` in place of FastAPI's generic one.
    """
    for router in routers:
        app.router.routes.extend(router.routes)
    for route in app.router.routes:
        if isinstance(route, APIRoute) and (handler := lean_handler(route)) is not None:
            route.app = lean_app(handler)


# -- the data plane's request handler ----------------------------------------------------------------
_JSON_TYPES: dict[str, bool] = {}  # Content-Type value -> JSON per FastAPI's own test (bounded)


def _is_json_type(value: str) -> bool:
    """FastAPI's test of a Content-Type (its email.message parse), remembered per header value."""
    known = _JSON_TYPES.get(value)
    if known is None:
        message = email.message.Message()
        message["content-type"] = value
        subtype = message.get_content_subtype()
        known = message.get_content_maintype() == "application" and (subtype == "json" or subtype.endswith("+json"))
        if len(_JSON_TYPES) < 256:
            _JSON_TYPES[value] = known
    return known


def _content_type(scope: Scope) -> str | None:
    for key, value in scope["headers"]:
        if key == b"content-type":
            return value.decode("latin-1")
    return None


def lean_handler(route: APIRoute) -> Callable[[Request], Awaitable[Response]] | None:
    """For a route shaped like the data plane's (an async endpoint returning a `Response`, one JSON body
    model, the `Request`, one guard and nothing else), a request handler that does what FastAPI's
    generic one does for that shape, in the same order and with the same errors: read the body, parse it
    as JSON when the Content-Type says so, run the guard, validate the body, call the endpoint. None for
    any other route (FastAPI's handler stays). FastAPI's generic handler walks the dependency tree,
    builds cache keys, exit stacks and a response object per request whatever the route uses."""
    dependant = route.dependant
    if (route.max_body_size is not None or route._embed_body_fields or len(dependant.body_params) != 1
            or dependant.path_params or dependant.query_params or dependant.header_params
            or dependant.cookie_params or dependant.background_tasks_param_name or dependant.response_param_name
            or dependant.security_scopes_param_name or dependant.http_connection_param_name
            or dependant.websocket_param_name or len(dependant.dependencies) != 1):
        return None
    guard_dep = dependant.dependencies[0]
    if (not isinstance(guard_dep.call, RequireScopes) or guard_dep.dependencies or guard_dep.name is None
            or guard_dep.body_params or guard_dep.path_params or guard_dep.query_params or guard_dep.header_params
            or guard_dep.cookie_params or guard_dep.request_param_name is None):
        return None
    body_field = dependant.body_params[0]
    if isinstance(body_field.field_info, params.Form) or not inspect.iscoroutinefunction(route.endpoint):
        return None
    try:
        returns = get_type_hints(route.endpoint).get("return")
    except Exception:  # noqa: BLE001 - annotations that do not resolve: leave the route to FastAPI
        return None
    if returns is not Response:
        return None
    strict = route.strict_content_type
    strict = strict.value if isinstance(strict, DefaultPlaceholder) else strict
    endpoint, guard, guard_name = route.endpoint, guard_dep.call, guard_dep.name
    request_name = dependant.request_param_name

    async def handler(request: Request) -> Response:
        try:
            body: Any = Undefined
            body_bytes = await request.body()
            if body_bytes:
                content_type = _content_type(request.scope)
                if (not strict) if not content_type else _is_json_type(content_type):
                    body = await request.json()
                else:
                    body = body_bytes
        except json.JSONDecodeError as e:
            raise RequestValidationError(
                [{"type": "json_invalid", "loc": ("body", e.pos), "msg": "JSON decode error", "input": {},
                  "ctx": {"error": e.msg}}], body=e.doc) from e
        except HTTPException:
            raise
        except Exception as e:
            if MAX_BODY_SIZE_SCOPE_KEY in request.scope and (error := get_body_limit_error(e)):
                raise error from e
            raise HTTPException(status_code=400, detail="There was an error parsing the body") from e
        values = {guard_name: await guard(request)}
        value, errors = await request_body_to_args(body_fields=[body_field], received_body=body,
                                                   embed_body_fields=False)
        if errors:
            raise RequestValidationError(errors, body=None if body is Undefined else body)
        values.update(value)
        if request_name:
            values[request_name] = request
        return await endpoint(**values)

    return handler


def lean_app(handler: Callable[[Request], Awaitable[Response]]) -> ASGIApp:
    """The ASGI side of FastAPI's `request_response` for a handler that needs no exit stacks (no
    dependency with `yield`): the app's exception handlers still answer whatever it raises."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive, send)

        async def respond(scope: Scope, receive: Receive, send: Send) -> None:
            response = await handler(request)
            await response(scope, receive, send)

        await wrap_app_handling_exceptions(respond, request)(scope, receive, send)

    return app
