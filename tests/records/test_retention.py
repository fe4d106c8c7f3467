"""Purge and erasure remove what they promise and nothing else."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from datetime import timedelta

import pytest
from cryptography.fernet import InvalidToken
from sqlalchemy import func, select, update

from service.auth.repository import AuthStateRepository
from service.kit.crypto import master_fernet
from service.kit.keystore import DataKeyStore
from service.models import AuditEvent, ClientDataKey, RequestRecord
from service.models.types import utcnow
from service.records import cli as records_cli
from service.records import retention
from service.records import service as records_service
from tests.conftest import MASTER_KEY
from tests.fixtures.principals import bearer, get_token, make_client
from tests.records.conftest import principal_of, with_records, write


async def _age(app, record_ids: list[str], days: float) -> None:
    async with app.state.sessionmaker() as session:
        await session.execute(update(RequestRecord).where(RequestRecord.id.in_(record_ids))
                              .values(created_at=utcnow() - timedelta(days=days)))
        await session.commit()


async def _ids(app) -> set[str]:
    async with app.state.sessionmaker() as session:
        return set((await session.scalars(select(RequestRecord.id))).all())


async def _key_clients(app) -> set[str]:
    async with app.state.sessionmaker() as session:
        return set((await session.scalars(select(ClientDataKey.client_id))).all())


async def _events(app, action: str) -> list[AuditEvent]:
    async with app.state.sessionmaker() as session:
        return list((await session.scalars(select(AuditEvent).where(AuditEvent.action == action))).all())


@pytest.fixture
async def aged(records_gateway):
    """Records of two clients: 40, 10 and 0 days old each."""
    app = records_gateway.app
    ids: dict[tuple[str, int], str] = {}
    for client in ("cl_one", "cl_two"):
        for days in (40, 10, 0):
            ids[(client, days)] = await write(app, principal_of(client, "predictor"), content={"d": days})
            if days:
                await _age(app, [ids[(client, days)]], days)
    return records_gateway, ids


class TestPurge:
    async def test_purge_deletes_only_records_older_than_the_cutoff(self, aged) -> None:
        gw, ids = aged
        deleted = await retention.purge(gw.app.state.sessionmaker, older_than=timedelta(days=30))
        assert deleted == 2
        assert await _ids(gw.app) == {v for (c, d), v in ids.items() if d < 30}
        assert await _key_clients(gw.app) == {"cl_one", "cl_two"}  # keys are not records
        [event] = await _events(gw.app, "records.purged")
        assert event.details == {"records": 2, "older_than_days": 30}

    async def test_purge_in_chunks(self, aged, monkeypatch) -> None:
        gw, ids = aged
        monkeypatch.setattr(retention, "CHUNK", 1)
        assert await retention.purge(gw.app.state.sessionmaker, older_than=timedelta(days=5)) == 4
        assert await _ids(gw.app) == {ids[("cl_one", 0)], ids[("cl_two", 0)]}

    async def test_nothing_to_purge_leaves_no_event(self, aged) -> None:
        gw, _ = aged
        assert await retention.purge(gw.app.state.sessionmaker, older_than=timedelta(days=100)) == 0
        assert await _events(gw.app, "records.purged") == []

    async def test_cli_purge_uses_the_retention_setting_or_older_than(self, aged, make_settings, capsys) -> None:
        gw, ids = aged
        settings = gw.app.state.settings
        assert await asyncio.to_thread(records_cli.purge, settings, None) == 0  # default: 30 days
        assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == {"records_deleted": 2, "older_than_days": 30}
        assert await asyncio.to_thread(records_cli.purge, settings, 5) == 0
        assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["records_deleted"] == 2
        assert await _ids(gw.app) == {ids[("cl_one", 0)], ids[("cl_two", 0)]}

    async def test_cli_refuses_an_implicit_purge_when_retention_is_off(self, aged, make_settings, capsys) -> None:
        gw, ids = aged
        off = make_settings(gw.app.state.settings.sqlalchemy_url, record_retention_days=0)
        assert await asyncio.to_thread(records_cli.purge, off, None) == 2
        assert await asyncio.to_thread(records_cli.purge, off, -1) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 2 and "--older-than" in err
        assert await _ids(gw.app) == set(ids.values())

    async def test_periodic_task_purges_by_the_retention_setting(self, aged, monkeypatch) -> None:
        gw, ids = aged
        monkeypatch.setattr(retention, "FIRST_RUN_SECONDS", 0.01)
        task = asyncio.get_running_loop().create_task(retention.retention_loop(gw.app))
        try:
            for _ in range(200):
                if len(await _ids(gw.app)) == 4:
                    break
                await asyncio.sleep(0.05)
        finally:
            task.cancel()
        assert await _ids(gw.app) == {v for (c, d), v in ids.items() if d < 30}

    async def test_periodic_task_is_off_at_zero_days(self, start_app, make_settings, db_url) -> None:
        settings = make_settings(db_url, record_retention_days=0)
        app = (await start_app(settings, setup=with_records(settings))).app
        await asyncio.wait_for(retention.retention_loop(app), timeout=1)  # returns at once


class TestErasure:
    async def test_erasure_removes_the_clients_records_and_key_only(self, aged) -> None:
        gw, ids = aged
        app, client = gw.app, gw.client
        admin = await make_client(app, "admin")
        async with app.state.sessionmaker() as session:
            epoch_before = await AuthStateRepository(session).epoch()
            backup = (await session.get(RequestRecord, ids[("cl_one", 0)])).content  # a copy an attacker kept
        response = await client.delete("/v1/clients/cl_one/data", headers=bearer(await get_token(client, admin)))
        assert response.status_code == 200
        assert response.json() == {"client_id": "cl_one", "records_deleted": 3, "data_key_destroyed": True}
        assert await _ids(app) == {v for (c, d), v in ids.items() if c == "cl_two"}
        assert await _key_clients(app) == {"cl_two"}
        async with app.state.sessionmaker() as session:
            assert await AuthStateRepository(session).epoch() == epoch_before + 1
        [event] = await _events(app, "client.data_erased")
        assert (event.actor, event.target, event.details) == (admin.client_id, "client:cl_one",
                                                              {"records": 3, "data_key": True})
        # Crypto-shredding: no key left in the database opens the copy.
        master = master_fernet([MASTER_KEY])
        async with app.state.sessionmaker() as session:
            for wrapped in (await session.scalars(select(ClientDataKey.wrapped_key))).all():
                from cryptography.fernet import Fernet

                with pytest.raises(InvalidToken):
                    Fernet(master.decrypt(wrapped.token)).decrypt(backup.token)

    async def test_erasure_is_idempotent(self, aged) -> None:
        gw, ids = aged
        admin = bearer(await get_token(gw.client, await make_client(gw.app, "admin")))
        await gw.client.delete("/v1/clients/cl_two/data", headers=admin)
        again = await gw.client.delete("/v1/clients/cl_two/data", headers=admin)
        assert again.json() == {"client_id": "cl_two", "records_deleted": 0, "data_key_destroyed": False}
        assert await _ids(gw.app) == {v for (c, d), v in ids.items() if c == "cl_one"}

    async def test_other_workers_stop_using_the_shredded_key_on_the_next_request(self, aged) -> None:
        gw, _ = aged
        app = gw.app
        other_worker = DataKeyStore(app.state.sessionmaker, master_fernet([MASTER_KEY]))
        epoch = await app.state.authenticator.sync()
        old = await other_worker.key_for("cl_one", epoch)
        admin = bearer(await get_token(gw.client, await make_client(app, "admin")))
        assert (await gw.client.delete("/v1/clients/cl_one/data", headers=admin)).status_code == 200
        next_request_epoch = await app.state.authenticator.sync()  # what the next request reads on arrival
        assert next_request_epoch > epoch
        assert (await other_worker.key_for("cl_one", next_request_epoch)).id != old.id

    async def test_a_write_in_flight_during_erasure_lands_under_a_fresh_key(self, aged, monkeypatch) -> None:
        gw, _ = aged
        refused: list[bool] = []
        check = records_service._key_was_erased

        async def spy(*args):  # noqa: ANN002
            refused.append(await check(*args))
            return refused[-1]

        monkeypatch.setattr(records_service, "_key_was_erased", spy)
        app = gw.app
        worker = DataKeyStore(app.state.sessionmaker, master_fernet([MASTER_KEY]))  # another process's store
        stale_epoch = await app.state.authenticator.sync()
        stale = await worker.key_for("cl_one", stale_epoch)  # cached before the erasure
        admin = bearer(await get_token(gw.client, await make_client(app, "admin")))
        assert (await gw.client.delete("/v1/clients/cl_one/data", headers=admin)).status_code == 200
        # The request arrived before the erasure, so it still holds the old epoch and the old key: the
        # foreign key refuses the row, and the write is retried under the client's next key.
        sinks = SimpleNamespace(writer=app.state.writer, keystore=worker, settings=app.state.settings,
                                authenticator=app.state.authenticator)
        record_id = await write(SimpleNamespace(state=sinks), principal_of("cl_one", "predictor"),
                                content={"late": True}, epoch=stale_epoch)
        async with app.state.sessionmaker() as session:
            row = await session.get(RequestRecord, record_id)
            key_ids = set((await session.scalars(select(ClientDataKey.id)
                                                 .where(ClientDataKey.client_id == "cl_one"))).all())
            assert await session.scalar(select(func.count()).select_from(RequestRecord)
                                        .where(RequestRecord.client_id == "cl_one")) == 1
        assert key_ids == {row.data_key_id} and row.data_key_id != stale.id
        assert refused == [True]  # the database refused the row under the shredded key
        auditor = bearer(await get_token(gw.client, await make_client(app, "auditor")))
        body = (await gw.client.get(f"/v1/records/{record_id}", headers=auditor)).json()
        assert body["content"] == {"late": True}

    async def test_unknown_client_id_is_validated(self, records_gateway) -> None:
        gw = records_gateway
        admin = bearer(await get_token(gw.client, await make_client(gw.app, "admin")))
        assert (await gw.client.delete(f"/v1/clients/{'x' * 41}/data", headers=admin)).status_code == 422
