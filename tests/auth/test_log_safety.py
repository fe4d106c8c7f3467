"""Secrets, tokens and keys appear in no log line: a full flow against a real server, logs captured."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.conftest import MASTER_KEY, PEPPER
from tests.fixtures.server import gateway_env, run_cli, serve


def test_full_flow_logs_no_secret_token_or_key(tmp_path: Path) -> None:
    env = gateway_env(data_dir=str(tmp_path / "d"), master_keys=MASTER_KEY, key_pepper=PEPPER, log_level="DEBUG",
                      auth_failure_limit="1000")
    assert run_cli("migrate", env=env).returncode == 0
    made = run_cli("create-client", "--name", "admin", "--role", "admin", env=env)
    admin = json.loads(made.stdout)
    log = tmp_path / "server.log"
    secrets: list[str] = [admin["client_secret"], PEPPER, MASTER_KEY]
    with serve(env, log=log) as base, httpx.Client(base_url=base) as c:
        auth = (admin["client_id"], admin["client_secret"])
        token = c.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=auth).json()["access_token"]
        h = {"Authorization": f"Bearer {token}"}
        other = c.post("/v1/clients", json={"name": "svc", "roles": ["auditor"]}, headers=h).json()
        key = c.post(f"/v1/clients/{other['client_id']}/keys", json={}, headers=h).json()
        secrets += [token, other["client_secret"], key["api_key"], key["api_key"].rsplit("_", 1)[1]]
        assert c.get("/v1/audit", headers={"Authorization": f"Bearer {key['api_key']}"}).status_code == 200
        # failures of every kind, carrying secrets in places a careless logger would print
        c.get("/v1/audit", headers={"Authorization": f"Bearer {key['api_key'][:-1]}x"})
        c.get("/v1/audit", headers={"Authorization": f"Bearer {token[:-2]}xx"})
        c.post("/oauth/token", data={"grant_type": "client_credentials", "client_id": admin["client_id"],
                                     "client_secret": admin["client_secret"] + "tail"})
        c.get(f"/v1/clients?token={token}", headers=h)
        c.post("/oauth/introspect", data={"token": token}, auth=auth)
        c.post("/oauth/revoke", data={"token": token}, auth=auth)
        c.get("/v1/audit", headers=h)
        c.delete(f"/v1/keys/{key['key_id']}", headers={"Authorization": f"Bearer {token}"})
    text = log.read_text()
    assert '"route":"/oauth/token"' in text and '"status":401' in text  # the log did capture the flow
    for secret in secrets:
        assert secret not in text
        assert secret[:24] not in text
