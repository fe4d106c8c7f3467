"""The OpenAPI document: security schemes, and each protected operation's scopes.

Guards are single dependencies (see `service.auth.guards`), so the security requirements are written
here from the same objects that enforce them: an operation is protected when its dependency tree holds
a `RequireScopes` guard, and its scopes are those of that guard.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from service.auth.guards import RequireScopes
from service.auth.principal import get_principal
from service.auth.scopes import SCOPE_DESCRIPTIONS

SECURITY_SCHEMES: dict[str, Any] = {
    "OAuth2": {"type": "oauth2", "description": "OAuth2 client credentials: a short-lived JWT access token.",
               "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": dict(SCOPE_DESCRIPTIONS)}}},
    "ApiKey": {"type": "http", "scheme": "bearer", "bearerFormat": "gk_<key id>_<secret>",
               "description": "A long-lived API key, sent as a bearer token."},
}


def _walk(dependant: Dependant) -> tuple[bool, list[str]]:
    protected, scopes = False, []
    for dep in dependant.dependencies:
        if dep.call is get_principal:
            protected = True
        elif isinstance(dep.call, RequireScopes):
            protected = True
            scopes += [s for s in dep.call.scopes if s not in scopes]
        sub_protected, sub_scopes = _walk(dep)
        protected = protected or sub_protected
        scopes += [s for s in sub_scopes if s not in scopes]
    return protected, scopes


def install_openapi(app: FastAPI, routers: list[APIRouter]) -> None:
    """Serve a document whose operations carry the security of their guards (routers mounted unprefixed)."""
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        schema.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
        for route in (r for router in routers for r in router.routes):
            if not isinstance(route, APIRoute) or not route.include_in_schema:
                continue
            protected, scopes = _walk(route.dependant)
            if not protected:
                continue
            for method in route.methods:
                operation = schema["paths"].get(route.path_format, {}).get(method.lower())
                if operation is not None:
                    operation["security"] = [{"OAuth2": scopes}, {"ApiKey": scopes}]
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
