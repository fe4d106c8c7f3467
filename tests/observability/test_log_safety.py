"""Logs never carry personal data, secrets or tokens, whatever path they came in by; and the audit trail
has every security-relevant action with who, what, outcome, request id and address, filterable."""

from __future__ import annotations

import base64
import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from service.observability.logging import ConsoleFormatter, JsonFormatter, mask_text
from tests.conftest import CLIENT_ADDR, MASTER_KEY, PEPPER
from tests.fixtures.principals import bearer, get_token, make_client, make_key
from tests.fixtures.server import gateway_env, run_cli, serve
from tests.fixtures.upstream import INTERNALS, UPSTREAM_KEY

EMAIL = "jane.canary@corp-example.com"
PHONE = "+44 20 7946 0123"
SSN = "536-22-8765"
CARD = "4111 1111 1111 1111"
IBAN = "GB82 WEST 1234 5698 7654 32"
AWS = "AKIAQ3EGRT7VX2KPLM4N"
GITHUB = "ghp_x7Yq2Lm9Pz4Rt6Wv8Bn3Kd5Hs1Jf0Gc2Ae4Ui"
FAKE_KEY = "gk_0123456789abcdef_CanaryKeyCanaryKeyCanaryKeyCanaryKey42"
FAKE_JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.Q2FuYXJ5U2lnbmF0dXJlQ2FuYXJ5"
PII = f"Mail {EMAIL}, call {PHONE}, SSN {SSN}, card {CARD}, IBAN {IBAN}, keys {AWS} {GITHUB}"
CANARIES = [EMAIL, "jane.canary", PHONE, "7946 0123", SSN, CARD, "4111 1111", IBAN, "WEST 1234", AWS, GITHUB,
            FAKE_KEY, "CanaryKeyCanary", FAKE_JWT, "Q2FuYXJ5U2lnbmF0dXJl", UPSTREAM_KEY, "upstream-internal-canary",
            "/srv/model/app.py"]


def _drive_every_input_path(c: httpx.Client, admin: tuple[str, str]) -> list[str]:
    """Plant the canaries in bodies, headers, query strings, error-causing payloads and upstream errors."""
    token = c.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=admin).json()["access_token"]
    h = bearer(token)
    user = c.post("/v1/clients", json={"name": "svc", "roles": ["predictor"]}, headers=h).json()
    key = c.post(f"/v1/clients/{user['client_id']}/keys", json={}, headers=h).json()
    uh = bearer(key["api_key"])
    secrets = [token, key["api_key"], user["client_secret"]]
    noisy = {"User-Agent": f"agent {EMAIL}", "X-Request-ID": SSN, "Cookie": f"session={GITHUB}",
             "X-Forwarded-For": "198.51.100.77", "X-Debug": PII, "Referer": f"https://example.org/?card={CARD}"}
    # client authentication with canaries as credentials, both methods
    c.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=(EMAIL, AWS), headers=noisy)
    c.post("/oauth/token", data={"grant_type": "client_credentials", "client_id": user["client_id"],
                                 "client_secret": FAKE_JWT, "scope": PII})
    c.post("/oauth/token", headers={"Authorization": "Basic " + base64.b64encode(f"{PHONE}".encode()).decode()})
    c.post("/oauth/introspect", data={"token": FAKE_KEY}, auth=admin)
    c.post("/oauth/revoke", data={"token": FAKE_JWT}, auth=admin)
    # bearer credentials that are not ours
    for credential in (FAKE_KEY, FAKE_JWT, GITHUB, f"{FAKE_JWT} {EMAIL}"):
        c.get("/v1/me", headers={**noisy, "Authorization": f"Bearer {credential}"})
    # query strings (valid and invalid parameters)
    c.get("/v1/audit", params={"actor": EMAIL, "token": FAKE_KEY, "limit": 5}, headers={**noisy, **h})
    c.get("/v1/clients", params={"cursor": SSN}, headers=h)
    c.get("/v1/audit", params={"since": PHONE}, headers=h)
    c.get(f"/v1/clients/{EMAIL}", headers=h)
    c.get(f"/nowhere/{CARD}", params={"q": IBAN})
    # bodies: accepted, invalid JSON, wrong schema, unknown entity, too large
    c.post("/v1/redact", json={"text": PII}, headers={**noisy, **uh})
    c.post("/v1/redact", content=f'{{"text": "{PII}"'.encode(), headers={**uh, "Content-Type": "application/json"})
    c.post("/v1/redact", json={"text": 42, "entities": [EMAIL], "operator": {"type": PII}}, headers=uh)
    c.post("/v1/redact", json={"text": PII, "entities": [EMAIL]}, headers=uh)
    c.post("/v1/redact", json={"text": PII * 5000}, headers=uh)
    c.post("/v1/clients", json={"name": PII, "roles": [EMAIL]}, headers=h)
    c.post("/v1/predict", json={"input": PII}, headers=uh)
    # the upstream: a normal call, a model name that is personal data, and one that fails with internals
    c.post("/v1/chat/completions", json={"model": "echo-1", "messages": [{"role": "user", "content": PII}]},
           headers={**noisy, **uh})
    c.post("/v1/chat/completions", json={"model": EMAIL, "messages": [{"role": "user", "content": PII}]}, headers=uh)
    c.post("/v1/chat/completions", json={"model": "fail-500", "messages": [{"role": "user", "content": PII}]},
           headers=uh)
    c.post("/v1/chat/completions", json={"model": "echo-1", "stream": True,
                                         "messages": [{"role": "user", "content": PII}]}, headers=uh)
    return secrets


def test_canaries_in_every_input_path_reach_no_log_line(tmp_path: Path, upstream) -> None:
    env = gateway_env(data_dir=str(tmp_path / "d"), master_keys=MASTER_KEY, key_pepper=PEPPER, log_level="DEBUG",
                      auth_failure_limit="1000", upstream_url=upstream.base_url, upstream_api_key=UPSTREAM_KEY,
                      upstream_retries="0", max_body_bytes="65536")
    assert run_cli("migrate", env=env).returncode == 0
    admin = json.loads(run_cli("create-client", "--name", "admin", "--role", "admin", env=env).stdout)
    log = tmp_path / "server.log"
    with serve(env, log=log) as base, httpx.Client(base_url=base, timeout=30) as c:
        secrets = _drive_every_input_path(c, (admin["client_id"], admin["client_secret"]))
    text = log.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    routes = {line.get("route") for line in lines}
    assert {"/oauth/token", "/v1/redact", "/v1/chat/completions", "/v1/me", "<unmatched>"} <= routes
    assert any(line.get("logger") == "gateway.upstream" for line in lines)  # the upstream failure was logged
    for canary in CANARIES + secrets + [admin["client_secret"], INTERNALS[:30]]:
        assert canary not in text, canary
        assert canary[:16] not in text, canary


class TestPipeline:
    def record(self, msg: str, *args: object, exc: bool = False, **extra: object) -> logging.LogRecord:
        exc_info = None
        if exc:
            try:
                raise ValueError(f"input was {EMAIL}")
            except ValueError:
                import sys

                exc_info = sys.exc_info()
        record = logging.LogRecord("gateway.test", logging.INFO, __file__, 1, msg, args, exc_info)
        record.__dict__.update(extra)
        return record

    def test_messages_arguments_and_fields_are_masked_in_both_formats(self) -> None:
        for formatter in (JsonFormatter(), ConsoleFormatter()):
            line = formatter.format(self.record("user %s sent %s", EMAIL, FAKE_JWT, exc=True, note=PII,
                                                nested={"k": GITHUB}, count=3))
            for canary in (EMAIL, FAKE_JWT, PHONE, SSN, CARD, GITHUB, AWS):
                assert canary not in line
            assert "<EMAIL_ADDRESS>" in line and "ValueError" in line

    def test_bodies_headers_and_query_strings_are_dropped(self) -> None:
        line = json.loads(JsonFormatter().format(self.record(
            "call", body="anything", headers={"x": "y"}, query_string="a=b", authorization="x",
            path="/v1/clients?token=abc&limit=1", route="/v1/clients")))
        assert not {"body", "headers", "query_string", "authorization"} & set(line)
        assert line["path"] == "/v1/clients?<dropped>" and line["route"] == "/v1/clients"

    def test_identifiers_pass_unchanged(self) -> None:
        for value in ("/v1/chat/completions", "cl_0a1b2c3d", "9c501a7292641fdf6003967f7aa71fda", "request",
                      "upstream refused", "/v1/clients/{client_id}"):
            assert mask_text(value) == value

    def test_a_request_id_carrying_personal_data_is_replaced(self) -> None:
        from starlette.applications import Starlette
        from starlette.responses import PlainTextResponse
        from starlette.testclient import TestClient

        from service.config import Settings
        from service.observability.middleware import GatewayMiddleware

        app = Starlette()
        app.add_route("/", lambda request: PlainTextResponse(request.scope["state"]["request_id"]))
        app.add_middleware(GatewayMiddleware, settings=Settings(_env_file=None))  # type: ignore[call-arg]
        with TestClient(app) as client:
            assert client.get("/", headers={"X-Request-ID": "trace-42.a"}).text == "trace-42.a"
            replaced = client.get("/", headers={"X-Request-ID": SSN})
            assert replaced.text != SSN and replaced.headers["x-request-id"] == replaced.text


class TestAuditTrail:
    """Every security-relevant action is in /v1/audit with actor, action, target, outcome, request id and
    address, and the list filters by action, actor and time."""

    async def test_security_events_carry_who_what_outcome_request_and_address(self, app_sqlite) -> None:
        c = app_sqlite.client
        admin = await make_client(app_sqlite.app, "admin")
        h = bearer(await get_token(c, admin))
        made = (await c.post("/v1/clients", json={"name": "x", "roles": ["redactor"]}, headers=h)).json()
        key_id, api_key = await make_key(app_sqlite.app, made["client_id"])
        await c.patch(f"/v1/clients/{made['client_id']}", json={"name": "y"}, headers=h)
        await c.get("/v1/clients", headers=bearer(api_key))  # scope denied
        await c.get("/v1/me", headers=bearer("forged"))  # auth failed
        await c.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=(made["client_id"], "bad"))
        await c.delete(f"/v1/keys/{key_id}", headers=h)
        await c.delete(f"/v1/clients/{made['client_id']}", headers=h)
        events = (await c.get("/v1/audit", params={"limit": 500}, headers=h)).json()["items"]
        by_action: dict[str, list[dict]] = {}
        for event in events:
            by_action.setdefault(event["action"], []).append(event)
        expected = {"token.issued": admin.client_id, "client.created": admin.client_id,
                    "client.updated": admin.client_id, "scope.denied": made["client_id"], "auth.failed": None,
                    "key.revoked": admin.client_id, "client.disabled": admin.client_id}
        for action, actor in expected.items():
            assert action in by_action, action
            event = by_action[action][0]
            assert event["source_ip"] == CLIENT_ADDR[0], action
            assert event["outcome"] in ("success", "failure", "refused"), action
            if action != "client.created" or event["request_id"]:
                assert event["request_id"], action
            if actor:
                assert any(e["actor"] == actor for e in by_action[action]), action
        assert by_action["client.disabled"][0]["target"] == made["client_id"]
        assert by_action["scope.denied"][0]["target"] == key_id
        assert {e["reason"] for e in by_action["auth.failed"]} >= {"bad_secret"}

    async def test_filters_by_action_actor_and_time(self, app_sqlite) -> None:
        c = app_sqlite.client
        admin = await make_client(app_sqlite.app, "admin")
        h = bearer(await get_token(c, admin))
        other = await make_client(app_sqlite.app, "auditor", name="other")
        await get_token(c, other)
        issued = (await c.get("/v1/audit", params={"action": "token.issued"}, headers=h)).json()["items"]
        assert {e["actor"] for e in issued} == {admin.client_id, other.client_id}
        mine = (await c.get("/v1/audit", params={"action": "token.issued", "actor": other.client_id},
                            headers=h)).json()["items"]
        assert [e["actor"] for e in mine] == [other.client_id]
        now = datetime.now(UTC)
        recent = (await c.get("/v1/audit", params={"since": (now - timedelta(minutes=5)).isoformat()},
                              headers=h)).json()["items"]
        future = (await c.get("/v1/audit", params={"since": (now + timedelta(minutes=5)).isoformat()},
                              headers=h)).json()["items"]
        past = (await c.get("/v1/audit", params={"until": (now - timedelta(minutes=5)).isoformat()},
                            headers=h)).json()["items"]
        assert len(recent) >= 2 and future == [] and past == []
