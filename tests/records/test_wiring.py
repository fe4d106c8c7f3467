"""Checks of the records wiring in `service.main` and `service.cli`."""

from __future__ import annotations

import json
from pathlib import Path

from cryptography.fernet import Fernet
from starlette.routing import NoMatchFound

from service.cli import build_parser
from service.main import create_app
from tests.conftest import PEPPER
from tests.fixtures.principals import bearer, get_token, make_client
from tests.fixtures.server import gateway_env, run_cli


def _wired_app(settings) -> bool:  # noqa: ANN001
    try:
        create_app(settings).url_path_for("list_records")
    except NoMatchFound:
        return False
    return True


def _cli_has(command: str) -> bool:
    return command in build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]


async def test_main_serves_records_with_guards_in_openapi(start_app, make_settings, sqlite_url) -> None:
    settings = make_settings(sqlite_url)
    assert _wired_app(settings)
    running = await start_app(settings)
    assert running.app.state.keystore is not None
    schema = (await running.client.get("/openapi.json")).json()
    assert schema["paths"]["/v1/records"]["get"]["security"][0] == {"OAuth2": ["records:read"]}
    assert schema["paths"]["/v1/clients/{client_id}/data"]["delete"]["security"][0] == {"OAuth2": ["admin"]}
    admin = bearer(await get_token(running.client, await make_client(running.app, "admin")))
    assert (await running.client.get("/v1/records", headers=admin)).status_code == 200
    assert (await running.client.delete("/v1/clients/cl_x/data", headers=admin)).status_code == 200


def test_cli_rotate_keys_and_purge(tmp_path: Path) -> None:
    assert _cli_has("rotate-keys") and _cli_has("purge")
    key_a, key_b = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    env = gateway_env(data_dir=str(tmp_path / "d"), master_keys=key_a, key_pepper=PEPPER)
    assert run_cli("migrate", env=env).returncode == 0
    assert run_cli("rotate-signing-key", env=env).returncode == 0  # something wrapped by the master key
    rotated = run_cli("rotate-keys", env={**env, "GATEWAY_MASTER_KEYS": f"{key_b},{key_a}"})
    assert rotated.returncode == 0, rotated.stderr
    assert json.loads(rotated.stdout)["signing_keys_rewrapped"] >= 1
    purged = run_cli("purge", "--older-than", "0", env={**env, "GATEWAY_MASTER_KEYS": key_b})
    assert purged.returncode == 0 and json.loads(purged.stdout)["records_deleted"] == 0
    wrong = run_cli("rotate-keys", env={**env, "GATEWAY_MASTER_KEYS": key_a})
    assert wrong.returncode == 2 and len(wrong.stderr.strip().splitlines()) == 1


def test_serve_refuses_a_wrong_master_key_with_one_line(tmp_path: Path) -> None:
    env = gateway_env(data_dir=str(tmp_path / "d"), master_keys=Fernet.generate_key().decode(), key_pepper=PEPPER)
    assert run_cli("migrate", env=env).returncode == 0
    assert run_cli("rotate-signing-key", env=env).returncode == 0
    wrong = run_cli("serve", "--port", "1", env={**env, "GATEWAY_MASTER_KEYS": Fernet.generate_key().decode()},
                    timeout=60)
    assert wrong.returncode == 2
    assert len(wrong.stderr.strip().splitlines()) == 1 and "GATEWAY_MASTER_KEYS" in wrong.stderr
