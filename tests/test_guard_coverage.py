"""Every protected route, found from the OpenAPI document: 401 without a credential, 403 without its
scope, 429 past its rate limit. A route added without a guard fails here."""

from __future__ import annotations

import re

import pytest

from tests.fixtures.principals import bearer, make_client, make_key

SCOPE_OF_ROLE = {"predict": "predictor", "redact": "redactor", "records:read": "auditor",
                 "audit:read": "auditor", "admin": "admin"}


def _operations(app) -> list[tuple[str, str, list[str]]]:
    ops = []
    for path, item in app.openapi()["paths"].items():
        for method, op in item.items():
            if "security" in op:
                ops.append((method.upper(), re.sub(r"\{[^}]+\}", "x0", path), op["security"][0]["OAuth2"]))
    return sorted(ops)


@pytest.fixture
async def app_sqlite(start_app, make_settings, sqlite_url):
    """Many deliberate failures from one address: keep the lockout out of the way."""
    return await start_app(make_settings(sqlite_url, auth_failure_limit=1000, auth_lockout_seconds=60))


async def _call(client, method: str, path: str, headers: dict[str, str] | None = None):
    kwargs = {"json": {}} if method in ("POST", "PATCH", "PUT") else {}
    return await client.request(method, path, headers=headers or {}, **kwargs)


async def test_every_data_and_admin_route_is_protected(app_sqlite) -> None:
    ops = _operations(app_sqlite.app)
    paths = {p for _, p, _ in ops}
    for expected in ("/v1/redact", "/v1/predict", "/v1/chat/completions", "/v1/models", "/v1/records",
                     "/v1/records/x0", "/v1/audit", "/v1/clients", "/v1/keys/x0", "/v1/clients/x0/data", "/v1/me"):
        assert expected in paths, expected
    for method, path, _ in ops:
        r = await _call(app_sqlite.client, method, path)
        assert r.status_code == 401, (method, path, r.status_code)
        assert 'error="invalid_token"' in r.headers["www-authenticate"]


async def test_every_scoped_route_refuses_a_credential_without_its_scope(app_sqlite) -> None:
    for method, path, scopes in _operations(app_sqlite.app):
        if not scopes:
            continue
        needed = scopes[0]
        other = next(s for s in ("redact", "audit:read") if s != needed and SCOPE_OF_ROLE[s] != SCOPE_OF_ROLE[needed])
        creds = await make_client(app_sqlite.app, SCOPE_OF_ROLE[other])
        _, key = await make_key(app_sqlite.app, creds.client_id, scopes=[other])
        r = await _call(app_sqlite.client, method, path, bearer(key))
        assert r.status_code == 403, (method, path, r.status_code)
        assert f'scope="{" ".join(scopes)}"' in r.headers["www-authenticate"]


@pytest.mark.parametrize("index", range(0, 40))
async def test_every_route_is_rate_limited(app_sqlite, index: int) -> None:
    ops = _operations(app_sqlite.app)
    if index >= len(ops):
        return
    method, path, scopes = ops[index]
    creds = await make_client(app_sqlite.app, "admin")
    _, key = await make_key(app_sqlite.app, creds.client_id, rate_limit_per_minute=1)
    first = await _call(app_sqlite.client, method, path, bearer(key))
    assert first.status_code != 429 and first.headers["ratelimit-remaining"] == "0"
    second = await _call(app_sqlite.client, method, path, bearer(key))
    assert second.status_code == 429, (method, path)
    assert int(second.headers["retry-after"]) >= 1


def test_the_route_count_stays_within_the_parametrised_range(app_sqlite_sync_spec) -> None:
    assert len(app_sqlite_sync_spec) <= 40


@pytest.fixture
def app_sqlite_sync_spec(make_settings, tmp_path):
    from service.main import create_app

    return _operations(create_app(make_settings(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")))


def test_a_protected_route_without_a_guard_is_refused_at_definition() -> None:
    from fastapi import Request

    from service.routing import protected_router

    router = protected_router()
    with pytest.raises(RuntimeError, match="declares no guard"):
        @router.get("/unguarded")
        async def unguarded(request: Request) -> dict:
            return {}
