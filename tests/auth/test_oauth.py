"""The OAuth endpoints: token issuance, revocation, introspection, JWKS and metadata."""

from __future__ import annotations

import base64
import time

import pytest
from jose import jwk as jose_jwk
from jose import jwt as jose_jwt

from tests.fixtures.principals import bearer, get_token, make_client, make_key


def _basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


class TestTokenEndpoint:
    async def test_client_secret_basic_issues_a_bearer_jwt_with_all_claims(self, gateway) -> None:
        creds = await make_client(gateway.app, "predictor")
        response = await gateway.client.post("/oauth/token", data={"grant_type": "client_credentials"},
                                             headers=_basic(creds.client_id, creds.secret))
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store"
        body = response.json()
        assert body["token_type"] == "Bearer" and body["scope"] == "predict redact"
        settings = gateway.app.state.settings
        assert body["expires_in"] == settings.access_token_ttl_seconds
        header = jose_jwt.get_unverified_header(body["access_token"])
        assert header["alg"] == "RS256" and header["typ"] == "at+jwt" and header["kid"]
        claims = jose_jwt.get_unverified_claims(body["access_token"])
        assert {"iss", "sub", "aud", "iat", "nbf", "exp", "jti", "client_id", "scope"} <= set(claims)
        assert claims["sub"] == claims["client_id"] == creds.client_id
        assert claims["exp"] - claims["iat"] == settings.access_token_ttl_seconds

    async def test_client_secret_post_works_too(self, gateway) -> None:
        creds = await make_client(gateway.app, "redactor")
        response = await gateway.client.post("/oauth/token", data={
            "grant_type": "client_credentials", "client_id": creds.client_id, "client_secret": creds.secret})
        assert response.status_code == 200 and response.json()["scope"] == "redact"

    async def test_scope_parameter_narrows_the_token(self, gateway) -> None:
        creds = await make_client(gateway.app, "admin")
        token = await get_token(gateway.client, creds, scope="audit:read")
        assert jose_jwt.get_unverified_claims(token)["scope"] == "audit:read"
        assert (await gateway.client.get("/v1/audit", headers=bearer(token))).status_code == 200
        refused = await gateway.client.get("/v1/clients", headers=bearer(token))
        assert refused.status_code == 403

    async def test_scope_beyond_roles_is_invalid_scope(self, gateway) -> None:
        creds = await make_client(gateway.app, "redactor")
        response = await gateway.client.post("/oauth/token", auth=creds.basic(),
                                             data={"grant_type": "client_credentials", "scope": "redact admin"})
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_scope"
        assert response.headers["content-type"].startswith("application/json")

    async def test_wrong_secret_is_invalid_client_401(self, gateway) -> None:
        creds = await make_client(gateway.app, "redactor")
        response = await gateway.client.post("/oauth/token", data={"grant_type": "client_credentials"},
                                             headers=_basic(creds.client_id, creds.secret[:-1] + "x"))
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"
        assert response.headers["www-authenticate"].startswith("Basic")

    async def test_unknown_client_gets_the_same_answer_as_a_wrong_secret(self, gateway) -> None:
        creds = await make_client(gateway.app, "redactor")
        wrong = await gateway.client.post("/oauth/token", data={"grant_type": "client_credentials"},
                                          headers=_basic(creds.client_id, "x" * 43))
        unknown = await gateway.client.post("/oauth/token", data={"grant_type": "client_credentials"},
                                            headers=_basic("cl_0000000000000000", "x" * 43))
        assert wrong.status_code == unknown.status_code == 401
        assert wrong.json() == unknown.json()

    @pytest.mark.parametrize("data, error", [
        ({}, "invalid_request"),
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"grant_type": "authorization_code"}, "unsupported_grant_type"),
    ])
    async def test_grant_errors_follow_rfc6749(self, gateway, data: dict, error: str) -> None:
        creds = await make_client(gateway.app, "redactor")
        response = await gateway.client.post("/oauth/token", data=data, auth=creds.basic())
        assert response.status_code == 400 and response.json()["error"] == error

    async def test_two_authentication_methods_at_once_is_invalid_request(self, gateway) -> None:
        creds = await make_client(gateway.app, "redactor")
        response = await gateway.client.post("/oauth/token", auth=creds.basic(), data={
            "grant_type": "client_credentials", "client_id": creds.client_id, "client_secret": creds.secret})
        assert response.status_code == 400 and response.json()["error"] == "invalid_request"

    async def test_disabled_client_cannot_get_tokens(self, gateway) -> None:
        admin = await make_client(gateway.app, "admin")
        victim = await make_client(gateway.app, "redactor")
        token = await get_token(gateway.client, admin)
        assert (await gateway.client.delete(f"/v1/clients/{victim.client_id}", headers=bearer(token))).status_code == 200
        response = await gateway.client.post("/oauth/token", auth=victim.basic(), data={"grant_type": "client_credentials"})
        assert response.status_code == 401 and response.json()["error"] == "invalid_client"

    async def test_issued_tokens_authenticate_and_verify_against_jwks(self, gateway) -> None:
        creds = await make_client(gateway.app, "auditor")
        token = await get_token(gateway.client, creds)
        jwks = (await gateway.client.get("/.well-known/jwks.json")).json()
        kid = jose_jwt.get_unverified_header(token)["kid"]
        public = next(k for k in jwks["keys"] if k["kid"] == kid)
        assert "d" not in public and public["use"] == "sig"
        settings = gateway.app.state.settings
        claims = jose_jwt.decode(token, jose_jwk.construct(public, "RS256"), algorithms=["RS256"],
                                 audience=settings.jwt_audience, issuer=settings.jwt_issuer)
        assert claims["client_id"] == creds.client_id


class TestAlgorithms:
    @pytest.mark.parametrize("algorithm", ["ES256", "HS256"])
    async def test_other_algorithms_are_selectable(self, start_app, make_settings, sqlite_url, algorithm) -> None:
        running = await start_app(make_settings(sqlite_url, jwt_algorithm=algorithm))
        creds = await make_client(running.app, "auditor")
        token = await get_token(running.client, creds)
        assert jose_jwt.get_unverified_header(token)["alg"] == algorithm
        assert (await running.client.get("/v1/audit", headers=bearer(token))).status_code == 200
        keys = (await running.client.get("/.well-known/jwks.json")).json()["keys"]
        if algorithm == "HS256":
            assert keys == []  # a shared secret is never published
        else:
            assert keys and all(k["alg"] == "ES256" and k["kty"] == "EC" for k in keys)

    async def test_configured_signing_key_is_used(self, start_app, make_settings, sqlite_url) -> None:
        from service.auth.tokens import generate_private_key, load_key

        pem = generate_private_key("RS256")
        running = await start_app(make_settings(sqlite_url, jwt_signing_key=pem.decode()))
        token = await get_token(running.client, await make_client(running.app, "auditor"))
        assert jose_jwt.get_unverified_header(token)["kid"] == load_key("RS256", pem).kid


class TestSigningKeyRotation:
    async def test_rotation_keeps_old_tokens_valid_and_publishes_both_keys(self, gateway) -> None:
        creds = await make_client(gateway.app, "auditor")
        old = await get_token(gateway.client, creds)
        old_kid = jose_jwt.get_unverified_header(old)["kid"]
        new_kid = await gateway.app.state.authenticator.rotate_signing_key()
        new = await get_token(gateway.client, creds)
        assert jose_jwt.get_unverified_header(new)["kid"] == new_kid != old_kid
        kids = {k["kid"] for k in (await gateway.client.get("/.well-known/jwks.json")).json()["keys"]}
        assert {old_kid, new_kid} <= kids
        for token in (old, new):
            assert (await gateway.client.get("/v1/audit", headers=bearer(token))).status_code == 200

    async def test_retired_key_leaves_jwks_after_its_tokens_expired(self, gateway) -> None:
        from datetime import timedelta

        from sqlalchemy import update

        from service.models import SigningKey
        from service.models.types import utcnow

        auth = gateway.app.state.authenticator
        old_kid = auth.current_key.kid
        await auth.rotate_signing_key()
        ttl = gateway.app.state.settings.access_token_ttl_seconds
        async with gateway.app.state.sessionmaker() as session:
            await session.execute(update(SigningKey).where(SigningKey.kid == old_kid)
                                  .values(retired_at=utcnow() - timedelta(seconds=ttl + 120)))
            await session.commit()
        await auth._load_keys()
        kids = {k["kid"] for k in (await gateway.client.get("/.well-known/jwks.json")).json()["keys"]}
        assert old_kid not in kids


class TestRevocationAndIntrospection:
    async def test_revoked_token_stops_working_and_introspects_inactive(self, gateway) -> None:
        creds = await make_client(gateway.app, "auditor")
        token = await get_token(gateway.client, creds)
        active = await gateway.client.post("/oauth/introspect", data={"token": token}, auth=creds.basic())
        assert active.json()["active"] is True and active.json()["client_id"] == creds.client_id
        revoked = await gateway.client.post("/oauth/revoke", data={"token": token}, auth=creds.basic())
        assert revoked.status_code == 200
        assert (await gateway.client.get("/v1/audit", headers=bearer(token))).status_code == 401
        inactive = await gateway.client.post("/oauth/introspect", data={"token": token}, auth=creds.basic())
        assert inactive.json() == {"active": False}

    async def test_revoking_garbage_or_another_clients_token_is_200_and_changes_nothing(self, gateway) -> None:
        owner = await make_client(gateway.app, "auditor")
        other = await make_client(gateway.app, "auditor")
        token = await get_token(gateway.client, owner)
        for value in ("garbage", token):
            response = await gateway.client.post("/oauth/revoke", data={"token": value}, auth=other.basic())
            assert response.status_code == 200
        assert (await gateway.client.get("/v1/audit", headers=bearer(token))).status_code == 200

    async def test_revoke_requires_client_authentication(self, gateway) -> None:
        creds = await make_client(gateway.app, "auditor")
        token = await get_token(gateway.client, creds)
        response = await gateway.client.post("/oauth/revoke", data={"token": token})
        assert response.status_code == 401 and response.json()["error"] == "invalid_client"

    async def test_api_key_can_be_revoked_through_rfc7009(self, gateway) -> None:
        creds = await make_client(gateway.app, "auditor")
        _, api_key = await make_key(gateway.app, creds.client_id)
        assert (await gateway.client.get("/v1/audit", headers=bearer(api_key))).status_code == 200
        await gateway.client.post("/oauth/revoke", data={"token": api_key, "token_type_hint": "api_key"},
                                  auth=creds.basic())
        assert (await gateway.client.get("/v1/audit", headers=bearer(api_key))).status_code == 401

    async def test_client_cannot_introspect_another_clients_token_but_admin_can(self, gateway) -> None:
        owner = await make_client(gateway.app, "auditor")
        other = await make_client(gateway.app, "redactor")
        admin = await make_client(gateway.app, "admin")
        token = await get_token(gateway.client, owner)
        nosy = await gateway.client.post("/oauth/introspect", data={"token": token}, auth=other.basic())
        assert nosy.json() == {"active": False}
        seen = await gateway.client.post("/oauth/introspect", data={"token": token}, auth=admin.basic())
        assert seen.json()["active"] is True and seen.json()["scope"] == "records:read audit:read"


class TestMetadata:
    async def test_rfc8414_metadata_names_every_endpoint(self, gateway) -> None:
        meta = (await gateway.client.get("/.well-known/oauth-authorization-server")).json()
        issuer = gateway.app.state.settings.jwt_issuer
        assert meta["issuer"] == issuer
        assert meta["token_endpoint"].endswith("/oauth/token")
        assert meta["jwks_uri"].endswith("/.well-known/jwks.json")
        assert meta["grant_types_supported"] == ["client_credentials"]
        assert set(meta["token_endpoint_auth_methods_supported"]) == {"client_secret_basic", "client_secret_post"}
        assert {"predict", "redact", "records:read", "audit:read", "admin"} == set(meta["scopes_supported"])


class TestLockout:
    async def test_repeated_failures_lock_the_client_out_then_it_recovers(self, start_app, make_settings,
                                                                          sqlite_url) -> None:
        running = await start_app(make_settings(sqlite_url, auth_failure_limit=3, auth_lockout_seconds=1))
        creds = await make_client(running.app, "redactor")
        wrong = {"grant_type": "client_credentials", "client_id": creds.client_id, "client_secret": "x" * 43}
        for _ in range(3):
            assert (await running.client.post("/oauth/token", data=wrong)).status_code == 401
        locked = await running.client.post("/oauth/token", auth=creds.basic(), data={"grant_type": "client_credentials"})
        assert locked.status_code == 429
        assert 1 <= int(locked.headers["retry-after"]) <= 2
        time.sleep(float(locked.headers["retry-after"]))
        ok = await running.client.post("/oauth/token", auth=creds.basic(), data={"grant_type": "client_credentials"})
        assert ok.status_code == 200

    async def test_lockout_is_per_client_and_per_source_address(self, start_app, make_settings, sqlite_url) -> None:
        settings = make_settings(sqlite_url, auth_failure_limit=3, auth_lockout_seconds=60)
        attacker = await start_app(settings, client_addr=("198.51.100.1", 1))
        creds = await make_client(attacker.app, "redactor")
        bystander = await make_client(attacker.app, "redactor")
        for _ in range(3):  # spraying one client from one address
            await attacker.client.post("/oauth/token", data={"grant_type": "client_credentials",
                                                             "client_id": creds.client_id, "client_secret": "y" * 43})
        # the address is locked, even for another client's correct secret
        blocked = await attacker.client.post("/oauth/token", auth=bystander.basic(),
                                             data={"grant_type": "client_credentials"})
        assert blocked.status_code == 429

    async def test_invalid_api_keys_lock_out_the_source_address(self, start_app, make_settings, sqlite_url) -> None:
        running = await start_app(make_settings(sqlite_url, auth_failure_limit=3, auth_lockout_seconds=60))
        creds = await make_client(running.app, "auditor")
        _, api_key = await make_key(running.app, creds.client_id)
        for i in range(3):
            bad = f"gk_{i:016x}_" + "z" * 43
            assert (await running.client.get("/v1/audit", headers=bearer(bad))).status_code == 401
        locked = await running.client.get("/v1/audit", headers=bearer(api_key))
        assert locked.status_code == 429 and int(locked.headers["retry-after"]) >= 1
        assert locked.headers["content-type"].startswith("application/problem+json")

    async def test_token_endpoint_has_a_pre_auth_limit_per_address(self, start_app, make_settings, sqlite_url) -> None:
        running = await start_app(make_settings(sqlite_url, token_requests_per_minute=5))
        creds = await make_client(running.app, "redactor")
        codes = [(await running.client.post("/oauth/token", auth=creds.basic(),
                                             data={"grant_type": "client_credentials"})).status_code for _ in range(8)]
        assert codes == [200] * 5 + [429] * 3


class TestCurrentPrincipal:
    async def test_me_describes_token_and_key_principals(self, gateway) -> None:
        creds = await make_client(gateway.app, "predictor")
        token = await get_token(gateway.client, creds, scope="redact")
        me = (await gateway.client.get("/v1/me", headers=bearer(token))).json()
        assert me["client_id"] == creds.client_id and me["scopes"] == ["redact"] and me["credential"] == "token"
        assert me["expires_at"] > time.time()
        key_id, api_key = await make_key(gateway.app, creds.client_id, scopes=["predict"])
        me = (await gateway.client.get("/v1/me", headers=bearer(api_key))).json()
        assert me["key_id"] == key_id and me["scopes"] == ["predict"] and me["credential"] == "api_key"
        assert (await gateway.client.get("/v1/me")).status_code == 401
