"""Attacks on bearer credentials (issue 3): every forged, tampered, stale or garbage credential is refused.

Each attack test first shows that the legitimate credential (or a token built by the same forging code
but without the defect) is accepted, then that the attacked one is refused with exactly the same 401:
`WWW-Authenticate: Bearer ... error="invalid_token"`, problem details whose `type`, `title`, `detail`
and `error` never vary with what was wrong. Every refusal must leave an `auth.failed` audit event
carrying an internal reason code, and no audit event may ever contain a token, key or secret.

The app runs with a very high failure-lockout limit so that many attacks from the one test address
are answered by the verifier, not by the brute-force lockout (which has its own tests).
"""

from __future__ import annotations

import os

import asyncio
import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from jose import jwk
from jose import jwt as jose_jwt
from sqlalchemy import select

from service.auth.tokens import generate_private_key, load_key
from service.models import AuditEvent
from tests.fixtures.principals import TestClientCreds as Creds
from tests.fixtures.principals import bearer, get_token, make_client, make_key

PROBLEM = "application/problem+json"
PROBE = "/v1/audit"          # an authenticated no-op: scope audit:read (the victim is an auditor)
ADMIN_ROUTE = "/v1/clients"  # scope admin
OVERRIDES: dict[str, Any] = {"auth_failure_limit": 5_000, "auth_lockout_seconds": 1}

# Fingerprint of every 401 refusal seen in this module (both backends), compared by the last test.
_REFUSALS: list[tuple[Any, ...]] = []


# -- building blocks -----------------------------------------------------------------------------------
def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64json(obj: Any) -> str:
    return b64url(json.dumps(obj, separators=(",", ":")).encode())


def split(token: str) -> tuple[str, str, str]:
    header, payload, signature = token.split(".")
    return header, payload, signature


def decode_part(part: str) -> dict[str, Any]:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def fingerprint(response: httpx.Response) -> tuple[Any, ...]:
    """Everything a caller can see of a refusal, minus the per-request id."""
    body = response.json()
    return (response.status_code, response.headers.get("www-authenticate"),
            response.headers.get("content-type"), tuple(sorted(body)), body.get("type"), body.get("title"),
            body.get("detail"), body.get("error"), body.get("status"))


def change_char(value: str, index: int, alphabet: str) -> str:
    """`value` with the character at `index` replaced by a different one from `alphabet`."""
    old = value[index]
    new = next(c for c in alphabet if c != old)
    return value[:index] + new + value[index + 1:]


HEX = "0123456789abcdef"
URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@dataclass
class Scene:
    """One app with an admin, a victim client (role auditor) and the victim's legitimate credentials."""

    running: Any
    admin: Creds
    victim: Creds
    admin_token: str
    token: str
    used: set[str] = field(default_factory=set)  # every credential and secret sent: must never be audited
    reference: tuple[Any, ...] | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        return self.running.client

    @property
    def app(self) -> Any:
        return self.running.app

    @property
    def key(self) -> Any:
        return self.app.state.authenticator.current_key

    # -- requests ---------------------------------------------------------------------------------
    async def call(self, credential: str, path: str = PROBE, client: httpx.AsyncClient | None = None,
                   ) -> httpx.Response:
        self.used.add(credential)
        return await (client or self.client).get(path, headers={**bearer(credential),
                                                                "X-Request-ID": uuid.uuid4().hex})

    async def assert_accepted(self, credential: str, path: str = PROBE,
                              client: httpx.AsyncClient | None = None) -> None:
        response = await self.call(credential, path, client)
        assert response.status_code == 200, response.text

    async def refused(self, response: httpx.Response, reasons: str | set[str] | None,
                      running: Any = None) -> dict[str, Any]:
        """Assert the one indistinguishable 401 and its `auth.failed` audit event; returns the body."""
        assert response.status_code == 401, response.text
        challenge = response.headers.get("www-authenticate", "")
        assert challenge.startswith("Bearer") and 'error="invalid_token"' in challenge, challenge
        assert response.headers["content-type"].startswith(PROBLEM)
        body = response.json()
        assert {"type", "title", "status", "detail", "request_id"} <= set(body)
        assert body["status"] == 401 and body["request_id"] == response.headers["x-request-id"]
        if self.reference is None:
            self.reference = fingerprint(await self.client.get(PROBE, headers=bearer("not-a-credential")))
        assert fingerprint(response) == self.reference, "a refusal differs from the others"
        _REFUSALS.append(fingerprint(response))
        event = await self.audit_event(response.headers["x-request-id"], running)
        assert event is not None, "refusal left no audit event"
        assert event.action == "auth.failed" and event.outcome == "failure"
        assert event.reason and event.reason.replace("_", "").isalpha(), event.reason
        if reasons is not None:
            expected = {reasons} if isinstance(reasons, str) else reasons
            assert event.reason in expected, f"audit reason {event.reason!r}, expected one of {expected}"
        return body

    async def assert_refused(self, credential: str, reasons: str | set[str] | None, path: str = PROBE,
                             running: Any = None) -> dict[str, Any]:
        client = running.client if running is not None else None
        return await self.refused(await self.call(credential, path, client), reasons, running)

    async def refused_raw(self, headers: dict[str, Any], reasons: str | set[str] | None) -> dict[str, Any]:
        response = await self.client.get(PROBE, headers={**headers, "X-Request-ID": uuid.uuid4().hex})
        return await self.refused(response, reasons)

    # -- audit ------------------------------------------------------------------------------------
    async def audit_event(self, request_id: str, running: Any = None) -> AuditEvent | None:
        async with (running or self.running).app.state.sessionmaker() as session:
            rows = (await session.scalars(select(AuditEvent).where(AuditEvent.request_id == request_id)
                                          .where(AuditEvent.action == "auth.failed"))).all()
        return rows[0] if rows else None

    async def assert_audit_clean(self) -> None:
        async with self.app.state.sessionmaker() as session:
            events = (await session.scalars(select(AuditEvent))).all()
        dump = "\n".join(json.dumps({c.name: getattr(e, c.name) for c in AuditEvent.__table__.columns},
                                    default=str) for e in events)
        needles: set[str] = {self.admin.secret, self.victim.secret}
        for credential in self.used:
            if credential.startswith("gk_") and credential.count("_") >= 2:
                needles.add(credential.split("_", 2)[2])  # the key's secret part
            elif credential.count(".") == 2:
                needles.update(p for p in credential.split(".") if len(p) >= 16)
            if len(credential) >= 16:
                needles.add(credential)
        leaked = sorted(n[:12] + "..." for n in needles if len(n) >= 16 and n in dump)
        assert not leaked, f"audit events contain credentials: {leaked}"

    # -- forging ----------------------------------------------------------------------------------
    def claims(self, **changes: Any) -> dict[str, Any]:
        """Valid claims for the victim; a change to None removes that claim."""
        settings = self.app.state.settings
        now = int(time.time())
        claims: dict[str, Any] = {"iss": settings.jwt_issuer, "sub": self.victim.client_id,
                                  "aud": settings.jwt_audience, "iat": now, "nbf": now, "exp": now + 300,
                                  "jti": uuid.uuid4().hex, "client_id": self.victim.client_id,
                                  "scope": "records:read audit:read"}
        claims.update(changes)
        return {k: v for k, v in claims.items() if v is not None}

    def header(self, **changes: Any) -> dict[str, Any]:
        header: dict[str, Any] = {"alg": self.key.algorithm, "typ": "at+jwt", "kid": self.key.kid}
        header.update(changes)
        return {k: v for k, v in header.items() if v is not None}

    def sign(self, claims: dict[str, Any] | None = None, header: dict[str, Any] | None = None,
             signer: Any = None) -> str:
        """A JWT signed with the real current key (or `signer`), header and claims exactly as given."""
        signing_input = f"{b64json(header or self.header())}.{b64json(claims or self.claims())}"
        signature = (signer or self.key.signer).sign(signing_input.encode("ascii"))
        return f"{signing_input}.{b64url(signature)}"

    def jose_sign(self, claims: dict[str, Any], **header: Any) -> str:
        """The brief's recipe: python-jose with the real key."""
        return jose_jwt.encode(claims, self.key.signer, algorithm=self.key.algorithm,
                               headers={"kid": self.key.kid, "typ": "at+jwt", **header})


async def start_scene(start_app: Callable[..., Any], make_settings: Callable[..., Any], db_url: str) -> Scene:
    running = await start_app(make_settings(db_url, **OVERRIDES))
    admin = await make_client(running.app, "admin", name="attack admin")
    victim = await make_client(running.app, "auditor", name="attack victim")
    return Scene(running, admin, victim, await get_token(running.client, admin),
                 await get_token(running.client, victim))


@pytest.fixture
async def scene(start_app, make_settings, db_url) -> Any:
    """Each attack runs on SQLite and on PostgreSQL; afterwards no audit event may hold a credential."""
    s = await start_scene(start_app, make_settings, db_url)
    assert s.key is not None and s.key.algorithm == "RS256"
    yield s
    await s.assert_audit_clean()


@pytest.fixture
async def scene_sqlite(start_app, make_settings, sqlite_url) -> Any:
    s = await start_scene(start_app, make_settings, sqlite_url)
    yield s
    await s.assert_audit_clean()


# -- JWT forgeries -----------------------------------------------------------------------------------
class TestSignatureForgery:
    async def test_our_forging_code_makes_tokens_the_service_accepts(self, scene) -> None:
        # The control for every forged token below: the same code without the defect is accepted.
        await scene.assert_accepted(scene.sign())
        await scene.assert_accepted(scene.jose_sign(scene.claims()))
        await scene.assert_accepted(scene.token)

    async def test_alg_none_with_empty_signature_is_refused(self, scene) -> None:
        await scene.assert_accepted(scene.sign())
        header, payload, _ = split(scene.sign())
        none_header = b64json(scene.header(alg="none"))
        await scene.assert_refused(f"{none_header}.{payload}.", {"algorithm_mismatch", "bad_signature"})
        await scene.assert_refused(f"{b64json(scene.header(alg='None'))}.{payload}.",
                                   {"algorithm_mismatch", "bad_signature"})

    async def test_alg_none_without_a_signature_part_is_refused(self, scene) -> None:
        await scene.assert_accepted(scene.sign())
        _, payload, _ = split(scene.sign())
        await scene.assert_refused(f"{b64json(scene.header(alg='none'))}.{payload}", "malformed")

    async def test_alg_none_keeping_the_real_signature_is_refused(self, scene) -> None:
        header, payload, signature = split(scene.token)
        await scene.assert_accepted(scene.token)
        await scene.assert_refused(f"{b64json(scene.header(alg='none'))}.{payload}.{signature}",
                                   {"algorithm_mismatch", "bad_signature"})

    @pytest.mark.parametrize("secret_form", ["pem", "pem-stripped", "jwk-json", "jwks-document"])
    async def test_hs256_signed_with_the_public_key_is_refused(self, scene, secret_form: str) -> None:
        # Algorithm confusion: the attacker knows only what JWKS publishes and uses it as an HMAC secret.
        jwks = (await scene.client.get("/.well-known/jwks.json")).json()
        public = next(k for k in jwks["keys"] if k["kid"] == scene.key.kid)
        pem = jwk.construct(public, "RS256").to_pem()
        secret = {"pem": pem, "pem-stripped": pem.strip(), "jwk-json": json.dumps(public).encode(),
                  "jwks-document": json.dumps(jwks).encode()}[secret_form]
        await scene.assert_accepted(scene.sign())
        signing_input = f"{b64json(scene.header(alg='HS256'))}.{b64json(scene.claims())}"
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        await scene.assert_refused(f"{signing_input}.{b64url(mac)}", {"algorithm_mismatch", "bad_signature"})
        # ...and without a kid, hoping for a fallback to "any key that verifies".
        signing_input = f"{b64json(scene.header(alg='HS256', kid=None))}.{b64json(scene.claims())}"
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        await scene.assert_refused(f"{signing_input}.{b64url(mac)}", {"bad_kid", "algorithm_mismatch"})

    async def test_token_signed_by_an_attacker_key_with_the_real_kid_is_refused(self, scene) -> None:
        attacker = load_key("RS256", generate_private_key("RS256"))
        await scene.assert_accepted(scene.sign())
        await scene.assert_refused(scene.sign(signer=attacker.signer), "bad_signature")

    async def test_signature_spliced_from_another_valid_token_is_refused(self, scene) -> None:
        other = scene.sign()
        await scene.assert_accepted(other)
        header, payload, _ = split(scene.token)
        await scene.assert_refused(f"{header}.{payload}.{split(other)[2]}", "bad_signature")


class TestTamperedPayload:
    async def test_scope_escalated_to_admin_with_the_original_signature_is_refused(self, scene) -> None:
        header, payload, signature = split(scene.token)
        claims = decode_part(payload)
        assert "admin" not in claims["scope"].split()
        assert (await scene.call(scene.token, ADMIN_ROUTE)).status_code == 403
        claims["scope"] = "predict redact records:read audit:read admin"
        await scene.assert_refused(f"{header}.{b64json(claims)}.{signature}", "bad_signature", ADMIN_ROUTE)

    async def test_sub_changed_to_the_admin_client_with_the_original_signature_is_refused(self, scene) -> None:
        header, payload, signature = split(scene.token)
        claims = decode_part(payload)
        claims["sub"] = claims["client_id"] = scene.admin.client_id
        await scene.assert_accepted(scene.admin_token, ADMIN_ROUTE)
        await scene.assert_refused(f"{header}.{b64json(claims)}.{signature}", "bad_signature", ADMIN_ROUTE)

    async def test_expiry_extended_with_the_original_signature_is_refused(self, scene) -> None:
        header, payload, signature = split(scene.token)
        claims = decode_part(payload)
        claims["exp"] += 86_400
        await scene.assert_accepted(scene.token)
        await scene.assert_refused(f"{header}.{b64json(claims)}.{signature}", "bad_signature")

    async def test_kid_changed_in_a_valid_token_is_refused(self, scene) -> None:
        _, payload, signature = split(scene.token)
        await scene.assert_accepted(scene.token)
        await scene.assert_refused(f"{b64json(scene.header(kid='other-kid'))}.{payload}.{signature}",
                                   "unknown_kid")


class TestKid:
    async def test_unknown_kid_is_refused(self, scene) -> None:
        await scene.assert_accepted(scene.sign())
        await scene.assert_refused(scene.sign(header=scene.header(kid="no-such-key-0001")), "unknown_kid")

    @pytest.mark.parametrize("kid", ["../../etc/passwd", "http://evil/", "/dev/null", "k" * 65, "k" * 5000,
                                     "kid\x00", "ключ", ""],
                             ids=["dotdot", "url", "abs-path", "65-chars", "5000-chars", "nul", "non-ascii",
                                  "empty"])
    async def test_path_like_or_oversized_kid_is_refused(self, scene, kid: str) -> None:
        await scene.assert_accepted(scene.sign())
        await scene.assert_refused(scene.sign(header=scene.header(kid=kid)), {"bad_kid", "malformed"})

    @pytest.mark.parametrize("kid", [None, 1234, ["kid"], {"kid": "x"}], ids=["missing", "int", "list", "object"])
    async def test_missing_or_non_string_kid_is_refused(self, scene, kid: Any) -> None:
        await scene.assert_accepted(scene.sign())
        header = scene.header(kid=None)
        if kid is not None:
            header["kid"] = kid
        await scene.assert_refused(scene.sign(header=header), "bad_kid")


class TestClaims:
    async def test_expired_token_signed_with_the_real_key_is_refused(self, scene) -> None:
        now = int(time.time())
        await scene.assert_accepted(scene.jose_sign(scene.claims(iat=now - 900, nbf=now - 900, exp=now + 60)))
        await scene.assert_refused(scene.jose_sign(scene.claims(iat=now - 900, nbf=now - 900, exp=now - 60)),
                                   "expired")

    async def test_token_expired_one_second_ago_is_refused(self, scene) -> None:
        now = int(time.time())
        await scene.assert_refused(scene.jose_sign(scene.claims(iat=now - 60, nbf=now - 60, exp=now - 1)),
                                   "expired")

    async def test_token_accepted_while_valid_is_refused_once_it_expires(self, scene) -> None:
        # The verified-token cache must not outlive `exp`.
        token = scene.jose_sign(scene.claims(exp=int(time.time()) + 2))
        await scene.assert_accepted(token)
        await asyncio.sleep(max(0.0, decode_part(split(token)[1])["exp"] - time.time()) + 0.3)
        await scene.assert_refused(token, "expired")

    async def test_nbf_in_the_future_is_refused(self, scene) -> None:
        now = int(time.time())
        await scene.assert_accepted(scene.jose_sign(scene.claims(nbf=now - 5)))
        await scene.assert_refused(scene.jose_sign(scene.claims(nbf=now + 600, exp=now + 1200)),
                                   "not_yet_valid")

    async def test_wrong_issuer_is_refused(self, scene) -> None:
        await scene.assert_accepted(scene.jose_sign(scene.claims()))
        await scene.assert_refused(scene.jose_sign(scene.claims(iss="https://evil.example")), "bad_issuer")

    async def test_wrong_audience_is_refused(self, scene) -> None:
        await scene.assert_accepted(scene.jose_sign(scene.claims()))
        await scene.assert_refused(scene.jose_sign(scene.claims(aud="some-other-api")), "bad_audience")
        await scene.assert_refused(scene.jose_sign(scene.claims(aud=["some-other-api"])), "bad_audience")

    async def test_missing_jti_is_refused(self, scene) -> None:
        await scene.assert_accepted(scene.jose_sign(scene.claims()))
        # python-jose reports a missing required claim as a plain JWTError: it must be audited as
        # "bad_claims", not lumped in with forged signatures.
        await scene.assert_refused(scene.jose_sign(scene.claims(jti=None)), "bad_claims")

    async def test_missing_exp_is_refused(self, scene) -> None:
        await scene.assert_accepted(scene.jose_sign(scene.claims()))
        await scene.assert_refused(scene.jose_sign(scene.claims(exp=None)), "bad_claims")

    @pytest.mark.parametrize("claim", ["iss", "aud", "sub", "client_id", "iat", "nbf"])
    async def test_any_other_missing_required_claim_is_refused(self, scene, claim: str) -> None:
        await scene.assert_accepted(scene.jose_sign(scene.claims()))
        await scene.assert_refused(scene.jose_sign(scene.claims(**{claim: None})), None)

    async def test_sub_differing_from_client_id_is_refused(self, scene) -> None:
        await scene.assert_accepted(scene.jose_sign(scene.claims()))
        await scene.assert_refused(scene.jose_sign(scene.claims(sub=scene.admin.client_id)), "bad_claims")

    async def test_token_for_a_client_that_does_not_exist_is_refused(self, scene) -> None:
        await scene.assert_accepted(scene.jose_sign(scene.claims()))
        ghost = "cl_0000000000000000"
        await scene.assert_refused(scene.jose_sign(scene.claims(sub=ghost, client_id=ghost)),
                                   {"unknown_client", "client_disabled"})

    async def test_non_string_scope_is_refused(self, scene) -> None:
        await scene.assert_refused(scene.jose_sign(scene.claims(scope=["admin"])), "bad_claims")

    @pytest.mark.parametrize("typ", ["JWT", "jwt", "at+JWT ", "JOSE", None], ids=["JWT", "jwt", "spaced", "JOSE",
                                                                                    "missing"])
    async def test_wrong_typ_header_is_refused(self, scene, typ: str | None) -> None:
        await scene.assert_accepted(scene.sign(header=scene.header(typ="at+jwt")))
        await scene.assert_refused(scene.sign(header=scene.header(typ=typ)), "wrong_type")


# -- revocation and client state ----------------------------------------------------------------------
class TestRevocation:
    async def test_token_revoked_via_oauth_revoke_is_refused_on_reuse(self, scene) -> None:
        await scene.assert_accepted(scene.token)
        response = await scene.client.post("/oauth/revoke", data={"token": scene.token},
                                           auth=scene.victim.basic())
        assert response.status_code == 200
        await scene.assert_refused(scene.token, "revoked")
        await scene.assert_refused(scene.token, "revoked")  # and stays refused (no cache resurrects it)
        introspection = await scene.client.post("/oauth/introspect", data={"token": scene.token},
                                                auth=scene.victim.basic())
        assert introspection.json() == {"active": False}

    async def test_revocation_by_another_client_is_ignored(self, scene) -> None:
        other = await make_client(scene.app, "auditor", name="bystander")
        response = await scene.client.post("/oauth/revoke", data={"token": scene.token}, auth=other.basic())
        assert response.status_code == 200
        await scene.assert_accepted(scene.token)

    async def test_token_of_a_client_disabled_by_an_admin_is_refused(self, scene) -> None:
        _, api_key = await make_key(scene.app, scene.victim.client_id)
        await scene.assert_accepted(scene.token)
        await scene.assert_accepted(api_key)
        response = await scene.client.delete(f"/v1/clients/{scene.victim.client_id}",
                                             headers=bearer(scene.admin_token))
        assert response.status_code == 200 and response.json()["disabled"] is True
        await scene.assert_refused(scene.token, "client_disabled")
        await scene.assert_refused(api_key, "client_disabled")
        denied = await scene.client.post("/oauth/token", data={"grant_type": "client_credentials"},
                                         auth=scene.victim.basic())
        assert denied.status_code == 401 and denied.json()["error"] == "invalid_client"

    async def test_narrowing_a_clients_roles_removes_the_scope_from_its_live_token(self, scene) -> None:
        ops = await make_client(scene.app, "admin", name="ops")
        token = await get_token(scene.client, ops)
        _, api_key = await make_key(scene.app, ops.client_id)
        await scene.assert_accepted(token, ADMIN_ROUTE)
        await scene.assert_accepted(api_key, ADMIN_ROUTE)
        response = await scene.client.patch(f"/v1/clients/{ops.client_id}", json={"roles": ["auditor"]},
                                             headers=bearer(scene.admin_token))
        assert response.status_code == 200, response.text
        for credential in (token, api_key):
            denied = await scene.call(credential, ADMIN_ROUTE)
            assert denied.status_code == 403, denied.text  # still authenticated: 403, not 401
            challenge = denied.headers["www-authenticate"]
            assert 'error="insufficient_scope"' in challenge and 'scope="admin"' in challenge
            await scene.assert_accepted(credential, PROBE)  # the scopes the new role grants still work


# -- API keys ---------------------------------------------------------------------------------------------
class TestApiKeys:
    async def test_key_with_one_character_changed_in_the_key_id_is_refused(self, scene) -> None:
        key_id, api_key = await make_key(scene.app, scene.victim.client_id)
        await scene.assert_accepted(api_key)
        start = len("gk_")
        for index in (start, start + 7, start + len(key_id) - 1):
            await scene.assert_refused(change_char(api_key, index, HEX), "unknown_key")
        # outside the key id's alphabet: refused by shape
        await scene.assert_refused(change_char(api_key, start, "g"), "malformed_key")

    async def test_key_with_one_character_changed_in_the_secret_is_refused(self, scene) -> None:
        key_id, api_key = await make_key(scene.app, scene.victim.client_id)
        await scene.assert_accepted(api_key)
        start = len(f"gk_{key_id}_")
        for index in (start, (start + len(api_key)) // 2, len(api_key) - 1):
            await scene.assert_refused(change_char(api_key, index, URLSAFE), "bad_key")
        await scene.assert_refused(change_char(api_key, len(api_key) - 1, "+"), "malformed_key")

    async def test_key_with_its_prefix_or_separator_altered_is_refused(self, scene) -> None:
        key_id, api_key = await make_key(scene.app, scene.victim.client_id)
        await scene.assert_accepted(api_key)
        await scene.assert_refused("GK_" + api_key[3:], "malformed")  # not a key, not a JWT
        await scene.assert_refused(api_key.replace(f"{key_id}_", f"{key_id}-", 1), "malformed_key")
        await scene.assert_refused(api_key[:-1], "bad_key")  # truncated secret
        await scene.assert_refused(api_key + "A", "bad_key")  # extended secret

    async def test_revoked_key_is_refused(self, scene) -> None:
        key_id, api_key = await make_key(scene.app, scene.victim.client_id)
        await scene.assert_accepted(api_key)
        response = await scene.client.delete(f"/v1/keys/{key_id}", headers=bearer(scene.admin_token))
        assert response.status_code == 200 and response.json()["revoked"] is True
        await scene.assert_refused(api_key, "key_revoked")

    async def test_key_revoked_by_its_owner_via_oauth_revoke_is_refused(self, scene) -> None:
        _, api_key = await make_key(scene.app, scene.victim.client_id)
        await scene.assert_accepted(api_key)
        response = await scene.client.post("/oauth/revoke", data={"token": api_key}, auth=scene.victim.basic())
        assert response.status_code == 200
        await scene.assert_refused(api_key, "key_revoked")

    async def test_expired_key_is_refused(self, scene) -> None:
        expires = datetime.now(UTC) + timedelta(seconds=1)
        _, api_key = await make_key(scene.app, scene.victim.client_id, expires_at=expires)
        await scene.assert_accepted(api_key)
        await asyncio.sleep(max(0.0, (expires - datetime.now(UTC)).total_seconds()) + 0.2)
        await scene.assert_refused(api_key, "key_expired")

    async def test_another_clients_key_id_with_this_clients_secret_is_refused(self, scene) -> None:
        other = await make_client(scene.app, "auditor", name="other client")
        other_id, other_key = await make_key(scene.app, other.client_id)
        own_id, own_key = await make_key(scene.app, scene.victim.client_id)
        await scene.assert_accepted(other_key)
        await scene.assert_accepted(own_key)
        own_secret = own_key.split("_", 2)[2]
        other_secret = other_key.split("_", 2)[2]
        await scene.assert_refused(f"gk_{other_id}_{own_secret}", "bad_key")
        await scene.assert_refused(f"gk_{own_id}_{other_secret}", "bad_key")

    async def test_client_secret_used_as_a_key_secret_is_refused(self, scene) -> None:
        key_id, api_key = await make_key(scene.app, scene.victim.client_id)
        await scene.assert_accepted(api_key)
        await scene.assert_refused(f"gk_{key_id}_{scene.victim.secret}", "bad_key")


# -- garbage ------------------------------------------------------------------------------------------
class TestGarbageBearer:
    async def test_empty_bearer_value_is_refused(self, scene) -> None:
        await scene.assert_accepted(scene.token)
        await scene.refused_raw({"Authorization": "Bearer "}, "malformed")
        await scene.refused_raw({"Authorization": "Bearer    "}, "malformed")

    async def test_scheme_only_is_refused(self, scene) -> None:
        await scene.refused_raw({"Authorization": "Bearer"}, "malformed")

    async def test_empty_authorization_header_is_refused_as_invalid_token(self, scene) -> None:
        # API.md: a missing credential gets the same invalid_token answer as a wrong one.
        await scene.refused_raw({"Authorization": ""}, {"malformed", "missing"})

    async def test_request_without_authorization_gets_the_same_refusal(self, scene) -> None:
        await scene.assert_accepted(scene.token)
        await scene.refused_raw({}, "missing")

    async def test_non_ascii_bearer_is_refused(self, scene) -> None:
        for value in ("ключ", "ключ.токен.подпись", "gk_ключ_секрет", "é" * 40, "tok\u00a0en"):
            await scene.refused_raw({"Authorization": b"Bearer " + value.encode("utf-8")},
                                    {"malformed", "malformed_key"})
        await scene.refused_raw({"Authorization": b"Bearer \xff\xfe.\xff.\xff"}, "malformed")

    async def test_10kb_bearer_is_refused(self, scene) -> None:
        await scene.refused_raw(bearer("a" * 10_240), "malformed")
        await scene.refused_raw(bearer(".".join(["a" * 3400] * 3)), "malformed")
        await scene.refused_raw(bearer("gk_" + "a" * 10_240), "malformed_key")

    async def test_token_with_padding_or_extra_parts_is_refused(self, scene) -> None:
        await scene.assert_accepted(scene.token)
        header, payload, signature = split(scene.token)
        await scene.assert_refused(f"{scene.token}.", "malformed")
        await scene.assert_refused(f"{header}.{payload}.{signature}.{signature}", "malformed")
        await scene.assert_refused(f"{header}=.{payload}.{signature}", None)

    async def test_basic_scheme_is_refused_even_with_the_clients_real_secret(self, scene) -> None:
        basic = base64.b64encode(f"{scene.victim.client_id}:{scene.victim.secret}".encode()).decode()
        await scene.refused_raw({"Authorization": f"Basic {basic}"}, "malformed")
        await scene.refused_raw({"Authorization": "Basic dXNlcjpwYXNz"}, "malformed")

    async def test_valid_token_in_the_query_string_or_a_cookie_is_not_accepted(self, scene) -> None:
        await scene.assert_accepted(scene.token)
        scene.used.add(scene.token)
        response = await scene.client.get(PROBE, params={"access_token": scene.token},
                                          headers={"Cookie": f"access_token={scene.token}"})
        await scene.refused(response, "missing")

    async def test_valid_token_under_another_scheme_is_refused(self, scene) -> None:
        await scene.assert_accepted(scene.token)
        for scheme in ("Token", "JWT", "Bearer:"):
            await scene.refused_raw({"Authorization": f"{scheme} {scene.token}"}, "malformed")


class TestOtherAlgorithms:
    async def test_hs256_gateway_publishes_no_key_and_refuses_none_and_rs256_forgeries(
            self, start_app, make_settings, sqlite_url) -> None:
        running = await start_app(make_settings(sqlite_url, jwt_algorithm="HS256", **OVERRIDES))
        admin = await make_client(running.app, "admin", name="hs admin")
        victim = await make_client(running.app, "auditor", name="hs victim")
        s = Scene(running, admin, victim, await get_token(running.client, admin),
                  await get_token(running.client, victim))
        assert s.key.algorithm == "HS256"
        assert (await s.client.get("/.well-known/jwks.json")).json() == {"keys": []}
        await s.assert_accepted(s.token)
        await s.assert_accepted(s.sign())
        _, payload, _ = split(s.sign())
        await s.assert_refused(f"{b64json(s.header(alg='none'))}.{payload}.", "algorithm_mismatch")
        attacker = load_key("RS256", generate_private_key("RS256"))
        await s.assert_refused(s.sign(header=s.header(alg="RS256"), signer=attacker.signer), "algorithm_mismatch")
        await s.assert_refused(s.sign(signer=load_key("HS256", b"k" * 32).signer), "bad_signature")
        await s.assert_audit_clean()


# -- several app instances on one database -----------------------------------------------------------
class TestAcrossInstances:
    async def test_token_revoked_on_one_instance_is_refused_by_another_sharing_the_database(
            self, scene, start_app, make_settings, db_url) -> None:
        second = await start_app(make_settings(db_url, **OVERRIDES))
        await scene.assert_accepted(scene.token)
        await scene.assert_accepted(scene.token, client=second.client)  # now cached in the second instance
        response = await scene.client.post("/oauth/revoke", data={"token": scene.token},
                                           auth=scene.victim.basic())
        assert response.status_code == 200
        await scene.assert_refused(scene.token, "revoked", running=second)
        third = await start_app(make_settings(db_url, **OVERRIDES))  # started after the revocation
        await scene.assert_refused(scene.token, "revoked", running=third)

    async def test_client_disabled_on_one_instance_is_refused_by_another(self, scene, start_app, make_settings,
                                                                         db_url) -> None:
        second = await start_app(make_settings(db_url, **OVERRIDES))
        _, api_key = await make_key(scene.app, scene.victim.client_id)
        for credential in (scene.token, api_key):
            await scene.assert_accepted(credential, client=second.client)
        response = await scene.client.delete(f"/v1/clients/{scene.victim.client_id}",
                                             headers=bearer(scene.admin_token))
        assert response.status_code == 200
        await scene.assert_refused(scene.token, "client_disabled", running=second)
        await scene.assert_refused(api_key, "client_disabled", running=second)

    async def test_key_revoked_on_one_instance_is_refused_by_another(self, scene, start_app, make_settings,
                                                                     db_url) -> None:
        second = await start_app(make_settings(db_url, **OVERRIDES))
        key_id, api_key = await make_key(scene.app, scene.victim.client_id)
        await scene.assert_accepted(api_key, client=second.client)
        response = await scene.client.delete(f"/v1/keys/{key_id}", headers=bearer(scene.admin_token))
        assert response.status_code == 200
        await scene.assert_refused(api_key, "key_revoked", running=second)


# -- scopes -----------------------------------------------------------------------------------------------
class TestScopeEscalation:
    async def _token_request(self, scene: Scene, creds: Creds, scope: str) -> httpx.Response:
        return await scene.client.post("/oauth/token", data={"grant_type": "client_credentials", "scope": scope},
                                       auth=creds.basic())

    async def test_requesting_a_scope_beyond_the_clients_roles_is_invalid_scope(self, scene) -> None:
        ok = await self._token_request(scene, scene.victim, "audit:read")
        assert ok.status_code == 200 and ok.json()["scope"] == "audit:read"
        for scope in ("admin", "audit:read admin", "predict", "superuser", "audit:read  admin"):
            response = await self._token_request(scene, scene.victim, scope)
            assert response.status_code == 400, (scope, response.text)
            assert response.json()["error"] == "invalid_scope"
            assert "access_token" not in response.json()

    async def test_predictor_token_on_an_admin_route_is_403_insufficient_scope(self, scene) -> None:
        predictor = await make_client(scene.app, "predictor", name="predictor")
        _, api_key = await make_key(scene.app, predictor.client_id)
        await scene.assert_accepted(scene.admin_token, ADMIN_ROUTE)
        for credential in (await get_token(scene.client, predictor), api_key):
            response = await scene.call(credential, ADMIN_ROUTE)
            assert response.status_code == 403, response.text
            challenge = response.headers["www-authenticate"]
            assert challenge.startswith("Bearer")
            assert 'error="insufficient_scope"' in challenge and 'scope="admin"' in challenge
            assert response.headers["content-type"].startswith(PROBLEM)
            async with scene.app.state.sessionmaker() as session:
                events = (await session.scalars(select(AuditEvent).where(
                    AuditEvent.request_id == response.headers["x-request-id"]))).all()
            assert [e.action for e in events] == ["scope.denied"]
            assert events[0].actor == predictor.client_id

    async def test_redactor_cannot_obtain_a_predict_token(self, scene) -> None:
        redactor = await make_client(scene.app, "redactor", name="redactor")
        ok = await self._token_request(scene, redactor, "redact")
        assert ok.status_code == 200 and ok.json()["scope"] == "redact"
        for scope in ("predict", "redact predict"):
            response = await self._token_request(scene, redactor, scope)
            assert response.status_code == 400 and response.json()["error"] == "invalid_scope"
        default = await get_token(scene.client, redactor)
        assert decode_part(split(default)[1])["scope"] == "redact"

    async def test_redactor_api_key_cannot_be_given_predict(self, scene) -> None:
        from service.errors import Unprocessable

        redactor = await make_client(scene.app, "redactor", name="redactor")
        with pytest.raises(Unprocessable):
            await make_key(scene.app, redactor.client_id, scopes=["predict"])


# -- what the refusals and the audit trail reveal ------------------------------------------------------
class TestNothingLearned:
    async def test_audit_trail_holds_reason_codes_but_no_credential(self, scene_sqlite) -> None:
        s = scene_sqlite
        key_id, api_key = await make_key(s.app, s.victim.client_id)
        header, payload, signature = split(s.token)
        attacks = [s.sign(header=s.header(alg="none")), f"{header}.{payload}.x{signature[1:]}",
                   s.jose_sign(s.claims(exp=int(time.time()) - 10)), change_char(api_key, len(api_key) - 1, URLSAFE),
                   f"gk_{key_id}_{s.victim.secret}", "a" * 10_240]
        request_ids = []
        for credential in attacks:
            response = await s.call(credential)
            await s.refused(response, None)
            request_ids.append(response.headers["x-request-id"])
        async with s.app.state.sessionmaker() as session:
            events = (await session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.failed"))).all()
        by_request = {e.request_id: e for e in events}
        assert all(by_request[r].reason for r in request_ids)
        assert all(by_request[r].source_ip == "203.0.113.7" for r in request_ids)
        await s.assert_audit_clean()
        # the auditor's view of the same events holds no credential either
        listing = await s.client.get("/v1/audit", params={"action": "auth.failed", "limit": 500},
                                     headers=bearer(s.token))
        assert listing.status_code == 200
        assert {r for r in request_ids} <= {item["request_id"] for item in listing.json()["items"]}
        for credential in attacks + [api_key, s.token]:
            assert credential not in listing.text
        assert api_key.split("_", 2)[2] not in listing.text and signature not in listing.text

    async def test_every_refusal_in_this_module_has_the_same_status_headers_and_body(self) -> None:
        if len(_REFUSALS) < 20:
            if os.environ.get("CI") == "true":
                pytest.fail("CI=true runs the whole module, so the refusals it collects must be here")
            pytest.skip("compares the refusals collected by the rest of this module; run the whole module")
        distinct = set(_REFUSALS)
        assert len(distinct) == 1, f"{len(distinct)} different refusals: {distinct}"
        status, challenge, content_type, keys, _type, title, detail, error, _ = next(iter(distinct))
        assert status == 401 and 'error="invalid_token"' in challenge and content_type.startswith(PROBLEM)
        assert error == "invalid_token" and title == "Unauthorized"
