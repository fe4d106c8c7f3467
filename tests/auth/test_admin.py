"""The admin API for clients and keys, and the CLI that does the same."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import MASTER_KEY, PEPPER
from tests.fixtures.principals import bearer, get_token, make_client
from tests.fixtures.server import gateway_env, run_cli


@pytest.fixture
async def admin(gateway):
    creds = await make_client(gateway.app, "admin")
    return bearer(await get_token(gateway.client, creds))


class TestClients:
    async def test_create_returns_secret_once_and_it_works(self, gateway, admin) -> None:
        created = await gateway.client.post("/v1/clients", headers=admin,
                                            json={"name": "svc", "roles": ["predictor"], "rate_limit_per_minute": 30})
        assert created.status_code == 201
        body = created.json()
        assert body["client_id"].startswith("cl_") and len(body["client_secret"]) >= 43
        assert body["scopes"] == ["predict", "redact"] and body["rate_limit_per_minute"] == 30
        fetched = (await gateway.client.get(f"/v1/clients/{body['client_id']}", headers=admin)).json()
        assert "client_secret" not in fetched and "secret_hash" not in json.dumps(fetched)
        token = await gateway.client.post("/oauth/token", auth=(body["client_id"], body["client_secret"]),
                                          data={"grant_type": "client_credentials"})
        assert token.status_code == 200

    async def test_secret_is_stored_only_as_a_keyed_hash(self, gateway, admin) -> None:
        from sqlalchemy import select

        from service.models import ApiClient

        body = (await gateway.client.post("/v1/clients", headers=admin, json={"name": "s", "roles": ["redactor"]})).json()
        async with gateway.app.state.sessionmaker() as session:
            row = await session.scalar(select(ApiClient).where(ApiClient.id == body["client_id"]))
        assert len(row.secret_hash) == 32 and body["client_secret"].encode() not in row.secret_hash

    @pytest.mark.parametrize("payload", [
        {"name": "x", "roles": ["superuser"]}, {"name": "x", "roles": []}, {"name": "", "roles": ["admin"]},
        {"name": "x", "roles": ["admin"], "rate_limit_per_minute": 0}, {"name": "x\n", "roles": ["admin"]},
        {"name": "x", "roles": ["admin"], "extra": 1},
    ])
    async def test_invalid_client_payloads_are_422(self, gateway, admin, payload) -> None:
        response = await gateway.client.post("/v1/clients", headers=admin, json=payload)
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")

    async def test_list_paginates_with_a_cursor(self, gateway, admin) -> None:
        for i in range(5):
            await make_client(gateway.app, "redactor", name=f"c{i}")
        seen, cursor = [], None
        while True:
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = (await gateway.client.get("/v1/clients", headers=admin, params=params)).json()
            seen += [c["client_id"] for c in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert len(seen) == len(set(seen)) == 6  # five plus the admin

    async def test_patch_changes_roles_and_unknown_client_is_404(self, gateway, admin) -> None:
        creds = await make_client(gateway.app, "redactor")
        patched = await gateway.client.patch(f"/v1/clients/{creds.client_id}", headers=admin,
                                             json={"roles": ["predictor"], "name": "renamed"})
        assert patched.status_code == 200 and patched.json()["roles"] == ["predictor"]
        assert (await gateway.client.get("/v1/clients/cl_nope", headers=admin)).status_code == 404

    async def test_disable_stops_tokens_and_keys_at_once(self, gateway, admin) -> None:
        creds = await make_client(gateway.app, "auditor")
        token = await get_token(gateway.client, creds)
        key = (await gateway.client.post(f"/v1/clients/{creds.client_id}/keys", headers=admin, json={})).json()["api_key"]
        for credential in (token, key):
            assert (await gateway.client.get("/v1/audit", headers=bearer(credential))).status_code == 200
        assert (await gateway.client.delete(f"/v1/clients/{creds.client_id}", headers=admin)).json()["disabled"] is True
        for credential in (token, key):
            assert (await gateway.client.get("/v1/audit", headers=bearer(credential))).status_code == 401


class TestKeys:
    async def test_key_scopes_must_be_within_the_clients_roles(self, gateway, admin) -> None:
        creds = await make_client(gateway.app, "redactor")
        refused = await gateway.client.post(f"/v1/clients/{creds.client_id}/keys", headers=admin,
                                            json={"scopes": ["predict"]})
        assert refused.status_code == 422
        made = await gateway.client.post(f"/v1/clients/{creds.client_id}/keys", headers=admin,
                                         json={"scopes": ["redact"], "name": "ci", "rate_limit_per_minute": 5})
        assert made.status_code == 201
        body = made.json()
        assert body["api_key"].startswith(f"gk_{body['key_id']}_") and body["scopes"] == ["redact"]
        listed = (await gateway.client.get(f"/v1/clients/{creds.client_id}/keys", headers=admin)).json()["items"]
        assert [k["key_id"] for k in listed] == [body["key_id"]] and "api_key" not in listed[0]

    async def test_expired_key_creation_is_refused(self, gateway, admin) -> None:
        creds = await make_client(gateway.app, "redactor")
        past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
        response = await gateway.client.post(f"/v1/clients/{creds.client_id}/keys", headers=admin,
                                             json={"expires_at": past})
        assert response.status_code == 422

    async def test_revoked_key_stops_at_once_and_unknown_key_is_404(self, gateway, admin) -> None:
        creds = await make_client(gateway.app, "auditor")
        body = (await gateway.client.post(f"/v1/clients/{creds.client_id}/keys", headers=admin, json={})).json()
        assert (await gateway.client.get("/v1/audit", headers=bearer(body["api_key"]))).status_code == 200
        revoked = await gateway.client.delete(f"/v1/keys/{body['key_id']}", headers=admin)
        assert revoked.status_code == 200 and revoked.json()["revoked"] is True
        assert (await gateway.client.get("/v1/audit", headers=bearer(body["api_key"]))).status_code == 401
        assert (await gateway.client.delete("/v1/keys/0000000000000000", headers=admin)).status_code == 404


class TestAuthorization:
    @pytest.mark.parametrize("role", ["predictor", "redactor", "auditor"])
    async def test_non_admin_roles_get_403_insufficient_scope_on_admin_routes(self, gateway, role) -> None:
        token = await get_token(gateway.client, await make_client(gateway.app, role))
        response = await gateway.client.get("/v1/clients", headers=bearer(token))
        assert response.status_code == 403
        assert 'error="insufficient_scope"' in response.headers["www-authenticate"]
        assert 'scope="admin"' in response.headers["www-authenticate"]
        assert response.json()["error"] == "insufficient_scope"

    async def test_admin_routes_without_credentials_are_401(self, gateway) -> None:
        response = await gateway.client.post("/v1/clients", json={"name": "x", "roles": ["admin"]})
        assert response.status_code == 401 and response.headers["www-authenticate"].startswith("Bearer")

    async def test_scope_denials_are_audited(self, gateway) -> None:
        creds = await make_client(gateway.app, "predictor")
        await gateway.client.get("/v1/clients", headers=bearer(await get_token(gateway.client, creds)))
        auditor = await get_token(gateway.client, await make_client(gateway.app, "auditor"))
        events = (await gateway.client.get("/v1/audit", params={"action": "scope.denied"},
                                           headers=bearer(auditor))).json()["items"]
        assert [e["actor"] for e in events] == [creds.client_id]


class TestAuditTrail:
    async def test_flow_leaves_events_newest_first_with_cursor_pagination(self, gateway, admin) -> None:
        creds = await make_client(gateway.app, "auditor")
        for _ in range(3):
            await get_token(gateway.client, creds)
        token = await get_token(gateway.client, creds)
        first = (await gateway.client.get("/v1/audit", params={"limit": 2}, headers=bearer(token))).json()
        second = (await gateway.client.get("/v1/audit", params={"limit": 2, "cursor": first["next_cursor"]},
                                           headers=bearer(token))).json()
        ids = [e["id"] for e in first["items"] + second["items"]]
        assert ids == sorted(ids, reverse=True) and len(set(ids)) == 4
        assert all(e["action"] == "token.issued" for e in first["items"])
        assert first["items"][0]["source_ip"] == "203.0.113.7" and first["items"][0]["request_id"]
        assert all(e["target"].startswith("jti:") and e["actor"] == creds.client_id for e in first["items"])

    async def test_bad_cursor_is_400(self, gateway, admin) -> None:
        response = await gateway.client.get("/v1/audit", params={"cursor": "!!!"}, headers=admin)
        assert response.status_code == 400


class TestCommandLine:
    def test_create_client_and_key_print_one_json_object(self, tmp_path: Path) -> None:
        env = gateway_env(data_dir=str(tmp_path / "d"), master_keys=MASTER_KEY, key_pepper=PEPPER)
        assert run_cli("migrate", env=env).returncode == 0
        made = run_cli("create-client", "--name", "ops", "--role", "predictor", "--role", "auditor",
                       "--rate-limit", "50", env=env)
        assert made.returncode == 0, made.stderr
        client = json.loads(made.stdout)
        assert set(client) == {"client_id", "client_secret", "roles", "scopes"}
        assert client["scopes"] == ["predict", "redact", "records:read", "audit:read"]
        key = run_cli("create-key", "--client", client["client_id"], "--scope", "redact", env=env)
        assert key.returncode == 0, key.stderr
        assert json.loads(key.stdout)["api_key"].startswith("gk_")
        assert client["client_secret"] not in made.stderr

    def test_create_key_for_unknown_client_fails_with_one_line(self, tmp_path: Path) -> None:
        env = gateway_env(data_dir=str(tmp_path / "d"), master_keys=MASTER_KEY, key_pepper=PEPPER)
        assert run_cli("migrate", env=env).returncode == 0
        result = run_cli("create-key", "--client", "cl_missing", env=env)
        assert result.returncode == 1 and result.stderr.count("\n") == 1 and result.stdout == ""

    def test_unknown_role_is_a_usage_error(self, tmp_path: Path) -> None:
        env = gateway_env(data_dir=str(tmp_path / "d"), master_keys=MASTER_KEY, key_pepper=PEPPER)
        assert run_cli("create-client", "--name", "x", "--role", "root", env=env).returncode == 2


class TestKeyUse:
    async def test_last_used_at_is_recorded_in_batches(self, gateway, admin) -> None:
        creds = await make_client(gateway.app, "auditor")
        body = (await gateway.client.post(f"/v1/clients/{creds.client_id}/keys", headers=admin, json={})).json()
        assert body["last_used_at"] is None
        assert (await gateway.client.get("/v1/me", headers=bearer(body["api_key"]))).status_code == 200
        await gateway.app.state.authenticator._flush_touched()  # what the 15-second task does
        keys = (await gateway.client.get(f"/v1/clients/{creds.client_id}/keys", headers=admin)).json()["items"]
        used = datetime.fromisoformat(keys[0]["last_used_at"])
        assert abs((datetime.now(UTC) - used).total_seconds()) < 60
