"""The data key store: envelope encryption, epoch-tagged caching, rotation, verification, destruction."""

from __future__ import annotations

import asyncio

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from service.db import create_engine, create_sessionmaker
from service.kit.crypto import master_fernet
from service.kit.keystore import DataKeyStore, MasterKeyMismatch
from service.models import ClientDataKey
from tests.conftest import MASTER_KEY


@pytest.fixture
async def sessionmaker(db_url: str):
    engine = create_engine(db_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


def store_for(sessionmaker, *keys: str) -> DataKeyStore:
    return DataKeyStore(sessionmaker, master_fernet(list(keys or [MASTER_KEY])))


class TestDataKeys:
    async def test_a_key_is_created_once_and_stored_only_wrapped(self, sessionmaker) -> None:
        store = store_for(sessionmaker)
        fernet = await store.fernet_for("cl_a", 1)
        token = fernet.encrypt(b"hello")
        async with sessionmaker() as session:
            row = await session.scalar(select(ClientDataKey).where(ClientDataKey.client_id == "cl_a"))
        raw = master_fernet([MASTER_KEY]).decrypt(row.wrapped_key.token)
        assert Fernet(raw).decrypt(token) == b"hello"
        assert raw not in row.wrapped_key.token
        assert "bytes" in repr(row.wrapped_key) and row.wrapped_key.token.decode() not in repr(row)
        # A second store (another worker) gets the same key.
        assert (await store_for(sessionmaker).fernet_for("cl_a", 1)).decrypt(token) == b"hello"

    async def test_concurrent_first_uses_make_one_key(self, sessionmaker) -> None:
        stores = [store_for(sessionmaker) for _ in range(4)]
        fernets = await asyncio.gather(*(s.fernet_for("cl_b", 1) for s in stores for _ in range(25)))
        token = fernets[0].encrypt(b"x")
        assert all(f.decrypt(token) == b"x" for f in fernets)
        async with sessionmaker() as session:
            assert await session.scalar(select(func.count()).select_from(ClientDataKey)) == 1

    async def test_existing_key_never_creates(self, sessionmaker) -> None:
        store = store_for(sessionmaker)
        assert await store.existing_key("cl_none", 1) is None
        assert await store.count() == 0

    async def test_cached_key_is_not_reused_under_a_newer_epoch(self, sessionmaker) -> None:
        worker, eraser = store_for(sessionmaker), store_for(sessionmaker)
        old = await worker.key_for("cl_c", 5)
        assert (await worker.key_for("cl_c", 5)) is old  # same epoch: from memory
        async with sessionmaker() as session:
            assert await eraser.destroy(session, "cl_c")
            await session.commit()
        assert (await worker.key_for("cl_c", 5)) is old  # the worker has not seen the erasure's epoch yet
        new = await worker.key_for("cl_c", 6)  # the erasure bumped the epoch: the shredded key is gone
        assert new.id != old.id
        assert new.fernet.decrypt(new.fernet.encrypt(b"y")) == b"y"
        with pytest.raises(Exception):
            new.fernet.decrypt(old.fernet.encrypt(b"y"))

    async def test_a_request_with_an_older_epoch_does_not_pollute_the_cache(self, sessionmaker) -> None:
        store = store_for(sessionmaker)
        await store.key_for("cl_d", 7)
        async with sessionmaker() as session:
            await store.destroy(session, "cl_d")
            await session.commit()
        late = await store.key_for("cl_d", 6)  # a straggler from before epoch 7 reads the database
        assert (await store.key_for("cl_d", 7)).id == late.id

    async def test_destroy_only_touches_that_client(self, sessionmaker) -> None:
        store = store_for(sessionmaker)
        keep = await store.key_for("cl_keep", 1)
        await store.key_for("cl_gone", 1)
        async with sessionmaker() as session:
            assert await store.destroy(session, "cl_gone") is True
            assert await store.destroy(session, "cl_never") is False
            await session.commit()
        assert await store.existing_key("cl_gone", 2) is None
        assert (await store.existing_key("cl_keep", 2)).id == keep.id


class TestMasterKeys:
    async def test_rewrap_lets_the_old_master_key_be_retired(self, sessionmaker) -> None:
        key_a, key_b = Fernet.generate_key().decode(), Fernet.generate_key().decode()
        under_a = store_for(sessionmaker, key_a)
        tokens = {c: (await under_a.fernet_for(c, 1)).encrypt(c.encode()) for c in ("cl_1", "cl_2", "cl_3")}
        with pytest.raises(MasterKeyMismatch):
            await store_for(sessionmaker, key_b).verify_all()
        assert await store_for(sessionmaker, key_b, key_a).rewrap_all() == 3
        only_b = store_for(sessionmaker, key_b)
        await only_b.verify_all()
        for client, token in tokens.items():
            assert (await only_b.fernet_for(client, 1)).decrypt(token) == client.encode()

    async def test_verify_all_fails_with_one_line_naming_the_setting(self, sessionmaker) -> None:
        await store_for(sessionmaker).fernet_for("cl_x", 1)
        with pytest.raises(MasterKeyMismatch) as info:
            await store_for(sessionmaker, Fernet.generate_key().decode()).verify_all()
        message = str(info.value)
        assert "\n" not in message and "GATEWAY_MASTER_KEYS" in message and "1 of 1" in message
        assert MASTER_KEY not in message

    async def test_rewrap_with_a_wrong_key_changes_nothing(self, sessionmaker) -> None:
        await store_for(sessionmaker).fernet_for("cl_y", 1)
        with pytest.raises(MasterKeyMismatch):
            await store_for(sessionmaker, Fernet.generate_key().decode()).rewrap_all()
        await store_for(sessionmaker).verify_all()

    async def test_using_a_key_under_a_wrong_master_key_is_refused(self, sessionmaker) -> None:
        await store_for(sessionmaker).fernet_for("cl_z", 1)
        with pytest.raises(MasterKeyMismatch):
            await store_for(sessionmaker, Fernet.generate_key().decode()).fernet_for("cl_z", 1)


class TestSingleFlight:
    async def test_waiters_survive_the_cancellation_of_the_request_that_loads(self, sessionmaker) -> None:
        store = store_for(sessionmaker)
        leader = asyncio.get_running_loop().create_task(store.key_for("cl_sf", 1))
        await asyncio.sleep(0)  # the leader is loading
        followers = [asyncio.get_running_loop().create_task(store.key_for("cl_sf", 1)) for _ in range(5)]
        await asyncio.sleep(0)
        leader.cancel()
        keys = await asyncio.gather(*followers)
        assert len({k.id for k in keys}) == 1
        with pytest.raises(asyncio.CancelledError):
            await leader

    async def test_a_failed_load_reaches_every_waiter(self, sessionmaker, monkeypatch) -> None:
        store = store_for(sessionmaker)

        async def broken(client_id, *, create):  # noqa: ANN001, ANN202
            await asyncio.sleep(0.01)
            raise ConnectionError("down")

        monkeypatch.setattr(store, "_load", broken)
        results = await asyncio.gather(*(store.key_for("cl_f", 1) for _ in range(3)), return_exceptions=True)
        assert all(isinstance(r, ConnectionError) for r in results)
        assert store._inflight == {}
