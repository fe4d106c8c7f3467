"""Master key rotation: records written under A stay readable once A is retired after `rotate-keys`;
a wrong or missing master key is refused at start with one line. Each test gets its own database, because
rotation re-wraps the signing keys that the shared test databases keep across tests."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from service.kit.crypto import master_fernet
from service.kit.keystore import DataKeyStore, MasterKeyMismatch
from service.records import cli as records_cli
from tests.fixtures.database import migrated, scratch_postgres
from tests.fixtures.principals import bearer, get_token, make_client
from tests.records.conftest import with_records


@pytest.fixture(params=["sqlite", "postgresql"])
async def fresh_url(request, tmp_path: Path):
    if request.param == "sqlite":
        yield await migrated(f"sqlite+aiosqlite:///{tmp_path / 'rotation.db'}", tmp_path)
        return
    async with scratch_postgres() as url:
        yield await migrated(url, tmp_path)


async def _start(start_app, settings):
    return await start_app(settings, setup=with_records(settings))


async def test_records_survive_retiring_the_old_master_key(fresh_url, start_app, make_settings, capsys) -> None:
    key_a, key_b = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    under_a = await _start(start_app, make_settings(fresh_url, master_keys=key_a))
    written: dict[str, str] = {}
    for text in ("first client's text", "second client's text"):
        creds = await make_client(under_a.app, "predictor")
        response = await under_a.client.post("/test/echo", json={"input": text},
                                             headers=bearer(await get_token(under_a.client, creds)))
        written[response.json()["id"]] = text

    assert await asyncio.to_thread(records_cli.rotate_keys, make_settings(fresh_url, master_keys=f"{key_b},{key_a}")) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["data_keys_rewrapped"] == 2 and summary["signing_keys_rewrapped"] >= 1

    under_b = await _start(start_app, make_settings(fresh_url, master_keys=key_b))  # A retired
    auditor = bearer(await get_token(under_b.client, await make_client(under_b.app, "auditor")))
    for record_id, text in written.items():
        body = (await under_b.client.get(f"/v1/records/{record_id}", headers=auditor)).json()
        assert body["content"]["input"] == text and body["content_state"] == "ok"


@pytest.mark.parametrize("configured", ["wrong", "missing"])
async def test_a_wrong_or_missing_master_key_is_refused_with_one_line(fresh_url, start_app, make_settings,
                                                                      configured, capsys) -> None:
    good = make_settings(fresh_url, master_keys=Fernet.generate_key().decode())
    app = (await _start(start_app, good)).app
    await app.state.keystore.fernet_for("cl_someone", 0)
    bad = make_settings(fresh_url, master_keys=Fernet.generate_key().decode() if configured == "wrong" else None)
    assert bad.master_key_list != good.master_key_list  # "missing" generated a development key
    store = DataKeyStore(app.state.sessionmaker, master_fernet(bad.master_key_list))
    with pytest.raises(MasterKeyMismatch) as info:
        await store.verify_all()
    assert "\n" not in str(info.value) and "GATEWAY_MASTER_KEYS" in str(info.value)
    for key in good.master_key_list + bad.master_key_list:
        assert key not in str(info.value)
    assert await asyncio.to_thread(records_cli.rotate_keys, bad) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "GATEWAY_MASTER_KEYS" in err
    await DataKeyStore(app.state.sessionmaker, master_fernet(good.master_key_list)).verify_all()  # nothing changed


async def test_serve_precheck_refuses_a_wrong_master_key_and_ignores_an_unreachable_database(
        fresh_url, start_app, make_settings) -> None:
    good = make_settings(fresh_url, master_keys=Fernet.generate_key().decode())
    app = (await _start(start_app, good)).app
    await asyncio.to_thread(records_cli.check_master_keys, good)  # signing key only so far
    await app.state.keystore.fernet_for("cl_someone", 0)
    await asyncio.to_thread(records_cli.check_master_keys, good)
    wrong = make_settings(fresh_url, master_keys=Fernet.generate_key().decode())
    with pytest.raises(MasterKeyMismatch) as info:
        await asyncio.to_thread(records_cli.check_master_keys, wrong)
    assert "\n" not in str(info.value)
    async with app.state.sessionmaker() as session:  # no data keys left: the signing key still gives it away
        from sqlalchemy import delete

        from service.models import ClientDataKey

        await session.execute(delete(ClientDataKey))
        await session.commit()
    with pytest.raises(MasterKeyMismatch, match="signing keys"):
        await asyncio.to_thread(records_cli.check_master_keys, wrong)
    unreachable = make_settings("postgresql+asyncpg://postgres@127.0.0.1:1/nowhere")
    await asyncio.to_thread(records_cli.check_master_keys, unreachable)
