"""Revocation and disabling hold across real servers: two `gateway serve --workers 2` on one PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import MASTER_KEY, PEPPER
from tests.fixtures.database import scratch_postgres
from tests.fixtures.server import gateway_env, run_cli, serve


@pytest.fixture
async def shared_pg() -> Iterator[str]:
    async with scratch_postgres() as url:
        yield url


def _hits(bases: list[str], headers: dict[str, str], n: int = 24) -> list[int]:
    """Fresh connections each time, so requests land on every worker of every server."""
    codes = []
    for i in range(n):
        with httpx.Client(base_url=bases[i % len(bases)]) as c:
            codes.append(c.get("/v1/audit", params={"limit": 1}, headers=headers).status_code)
    return codes


def test_revocation_and_disabling_take_effect_at_once_everywhere(shared_pg: str, tmp_path: Path) -> None:
    common = dict(database_url=shared_pg, master_keys=MASTER_KEY, key_pepper=PEPPER,
                  rate_limit_per_minute="100000", token_requests_per_minute="100000", auth_failure_limit="1000")
    env_a = gateway_env(data_dir=str(tmp_path / "a"), **common)
    env_b = gateway_env(data_dir=str(tmp_path / "b"), **common)  # separate data dirs: like separate hosts
    assert run_cli("migrate", env=env_a).returncode == 0
    admin = json.loads(run_cli("create-client", "--name", "admin", "--role", "admin", env=env_a).stdout)
    user = json.loads(run_cli("create-client", "--name", "u", "--role", "auditor", env=env_a).stdout)
    with serve(env_a, "--workers", "2") as a, serve(env_b, "--workers", "2") as b:
        bases = [a, b]

        def token(creds: dict, base: str) -> str:
            r = httpx.post(f"{base}/oauth/token", data={"grant_type": "client_credentials"},
                           auth=(creds["client_id"], creds["client_secret"]))
            assert r.status_code == 200, r.text
            return r.json()["access_token"]

        admin_h = {"Authorization": f"Bearer {token(admin, a)}"}
        # 1. a token revoked on A is refused by every worker of A and B on the very next request
        t = token(user, b)
        assert _hits(bases, {"Authorization": f"Bearer {t}"}) == [200] * 24  # warm every cache
        r = httpx.post(f"{a}/oauth/revoke", data={"token": t}, auth=(user["client_id"], user["client_secret"]))
        assert r.status_code == 200
        assert _hits(bases, {"Authorization": f"Bearer {t}"}) == [401] * 24

        # 2. an API key revoked through B's admin API
        key = httpx.post(f"{a}/v1/clients/{user['client_id']}/keys", json={}, headers=admin_h).json()
        key_h = {"Authorization": f"Bearer {key['api_key']}"}
        assert _hits(bases, key_h) == [200] * 24
        assert httpx.delete(f"{b}/v1/keys/{key['key_id']}", headers=admin_h).status_code == 200
        assert _hits(bases, key_h) == [401] * 24

        # 3. disabling a client stops its live tokens and keys everywhere
        t2 = token(user, a)
        key2 = httpx.post(f"{b}/v1/clients/{user['client_id']}/keys", json={}, headers=admin_h).json()["api_key"]
        live = [{"Authorization": f"Bearer {t2}"}, {"Authorization": f"Bearer {key2}"}]
        for h in live:
            assert _hits(bases, h, 8) == [200] * 8
        assert httpx.delete(f"{a}/v1/clients/{user['client_id']}", headers=admin_h).status_code == 200
        for h in live:
            assert _hits(bases, h, 8) == [401] * 8
