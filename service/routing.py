"""Router factories. Every route of a `protected_router()` must declare a guard (`RequireScopes`, through
a domain's alias such as `PredictionInvoke`); a route without one is refused when it is added, at import,
so an unauthenticated route cannot be mounted at all.

The guard itself authenticates (principal → rate limit → scopes → role). Checking at registration
instead of adding a second, router-level authentication dependency saves a dependency resolution on
every request, and the guard-coverage test checks the result through HTTP.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

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
    """
    for router in routers:
        app.router.routes.extend(router.routes)
