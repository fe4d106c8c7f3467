"""The write path: nothing readable at rest, nothing lost or doubled under load, no answer without a record."""

from __future__ import annotations

import asyncio
import logging
import secrets
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.engine import make_url

from service.cli import migrate
from service.db import create_engine, create_sessionmaker
from service.errors import ServiceUnavailable
from service.kit.batching import BatchWriter
from service.kit.crypto import PendingCiphertext, master_fernet
from service.kit.keystore import DataKeyStore
from service.models import RequestRecord
from service.records import service as records_service
from tests.conftest import MASTER_KEY
from tests.fixtures.database import database_fixture
from tests.fixtures.principals import bearer, get_token, make_client
from tests.records.conftest import principal_of, with_records, write

UNREACHABLE = {"sqlite": "sqlite+aiosqlite:////nonexistent-gateway-dir/x.db",
               "postgresql": "postgresql+asyncpg://postgres@127.0.0.1:1/nowhere"}


def _needles(value: str) -> list[bytes]:
    raw = value.encode()
    return [raw, raw.hex().encode(), raw.hex().upper().encode()]


def _found_in(blob: bytes, value: str) -> bool:
    return any(n in blob for n in _needles(value))


def _pg_dump(url: str) -> bytes:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(["/usr/bin/pg_dump", "--no-owner", "-d", dsn], capture_output=True, timeout=120, check=True)
    return done.stdout


@pytest.fixture(params=["sqlite", "postgresql"])
async def canary_db(request, databases, tmp_path: Path):
    """(backend, url): SQLite in a fresh file under the app's data dir, or the session's PostgreSQL database."""
    if request.param == "sqlite":
        yield "sqlite", f"sqlite+aiosqlite:///{tmp_path / 'data' / 'gateway.db'}"
        return
    async for url in database_fixture(databases, "postgresql"):
        yield "postgresql", url


class TestCanary:
    async def test_canary_is_nowhere_at_rest_or_in_logs_yet_an_auditor_reads_it(
            self, canary_db, start_app, make_settings, tmp_path: Path, caplog) -> None:
        caplog.set_level(logging.INFO)
        caplog.set_level(logging.DEBUG, logger="gateway")
        backend, url = canary_db
        data_dir = tmp_path / "data"
        settings = make_settings(url)
        if backend == "sqlite":
            await asyncio.to_thread(migrate, settings)
        running = await start_app(settings, setup=with_records(settings))
        app, client = running.app, running.client
        canary = f"canary-{secrets.token_hex(12)}@example.com"
        control = f"control-{secrets.token_hex(8)}"
        predictor = await make_client(app, "predictor")
        auditor = await make_client(app, "auditor")
        sent = await client.post("/test/echo", json={"input": canary}, headers=bearer(await get_token(client, predictor)))
        assert sent.status_code == 200
        direct = await write(app, principal_of(predictor.client_id, "predictor"), model=control,
                             content={"input": canary, "output": {"text": canary * 3}})
        auditor_headers = bearer(await get_token(client, auditor))
        for record_id in (sent.json()["id"], direct):
            got = await client.get(f"/v1/records/{record_id}", headers=auditor_headers)
            assert got.status_code == 200 and got.json()["content"]["input"] == canary
        listing = await client.get("/v1/records", headers=auditor_headers)
        assert canary not in listing.text and len(listing.json()["items"]) == 2

        if backend == "sqlite":
            blob = b"".join(p.read_bytes() for p in sorted(data_dir.rglob("*")) if p.is_file())
            names = {p.name for p in data_dir.rglob("*")}
            assert "gateway.db-wal" in names  # the WAL, where fresh writes live, was scanned
        else:
            blob = _pg_dump(url)
        assert _found_in(blob, control), "positive control: the scan must see freshly written rows"
        assert not _found_in(blob, canary)
        assert canary not in caplog.text


class TestConcurrency:
    async def test_300_concurrent_requests_make_300_records_each_listed_once(self, records_gateway) -> None:
        app, client = records_gateway.app, records_gateway.client
        predictor = await make_client(app, "predictor")
        auditor = await make_client(app, "auditor")
        headers = bearer(await get_token(client, predictor))

        async def one(i: int) -> str:
            response = await client.post("/test/echo", json={"input": f"request {i}"}, headers=headers)
            assert response.status_code == 200, response.text
            return response.json()["id"]

        ids = await asyncio.gather(*(one(i) for i in range(300)))
        assert len(set(ids)) == 300
        async with app.state.sessionmaker() as session:
            assert await session.scalar(select(func.count()).select_from(RequestRecord)) == 300
        seen: list[str] = []
        cursor = None
        auditor_headers = bearer(await get_token(client, auditor))
        while True:
            params = {"limit": 37, **({"cursor": cursor} if cursor else {})}
            page = (await client.get("/v1/records", params=params, headers=auditor_headers)).json()
            seen += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert len(seen) == 300 and set(seen) == set(ids)
        assert seen == sorted(seen, reverse=True)  # newest first


class TestDurability:
    @pytest.mark.parametrize("broken", ["writer", "keystore"])
    async def test_database_unavailable_raises_service_unavailable(self, db_url, make_settings, broken) -> None:
        backend = make_url(db_url).get_backend_name()
        good, bad = create_engine(db_url), create_engine(UNREACHABLE[backend])
        good_sm, bad_sm = create_sessionmaker(good), create_sessionmaker(bad)
        master = master_fernet([MASTER_KEY])
        writer = BatchWriter(bad_sm if broken == "writer" else good_sm)
        writer.start()
        keystore = DataKeyStore(bad_sm if broken == "keystore" else good_sm, master)
        sinks = SimpleNamespace(writer=writer, keystore=keystore, settings=make_settings(db_url),
                                authenticator=SimpleNamespace(epoch=1))
        try:
            with pytest.raises(ServiceUnavailable) as info:
                await write(SimpleNamespace(state=sinks), principal_of("cl_dur", "predictor"))  # type: ignore[arg-type]
            assert info.value.status_code == 503 and info.value.headers.get("Retry-After")
            async with good_sm() as session:
                assert await session.scalar(select(func.count()).select_from(RequestRecord)) == 0
        finally:
            await writer.close()
            await good.dispose()
            await bad.dispose()

    async def test_route_answers_503_problem_json_when_its_record_cannot_be_committed(self, records_gateway) -> None:
        app, client = records_gateway.app, records_gateway.client
        backend = make_url(app.state.settings.sqlalchemy_url).get_backend_name()
        predictor = await make_client(app, "predictor")
        headers = bearer(await get_token(client, predictor))
        assert (await client.post("/test/echo", json={"input": "warm"}, headers=headers)).status_code == 200
        bad = create_engine(UNREACHABLE[backend])
        broken = BatchWriter(create_sessionmaker(bad))
        broken.start()
        working, app.state.writer = app.state.writer, broken
        try:
            response = await client.post("/test/echo", json={"input": "secret text"}, headers=headers)
        finally:
            app.state.writer = working
            await broken.close()
            await bad.dispose()
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "secret text" not in response.text
        async with app.state.sessionmaker() as session:
            assert await session.scalar(select(func.count()).select_from(RequestRecord)) == 1


class TestContentRules:
    async def test_raw_input_needs_the_setting_and_is_flagged(self, start_app, make_settings, db_url) -> None:
        settings = make_settings(db_url)
        app = (await start_app(settings, setup=with_records(settings))).app
        who = principal_of("cl_raw", "predictor")
        with pytest.raises(ValueError):
            await write(app, who, raw=True)
        raw_settings = make_settings(db_url, store_raw_input=True)
        raw_app = (await start_app(raw_settings, setup=with_records(raw_settings))).app
        record_id = await write(raw_app, who, raw=True, content={"input": "unredacted"})
        async with raw_app.state.sessionmaker() as session:
            row = await session.get(RequestRecord, record_id)
        assert row.raw_input is True

    async def test_metadata_only_records_have_no_key_and_no_ciphertext(self, records_gateway) -> None:
        app = records_gateway.app
        record_id = await write(app, principal_of("cl_meta", "redactor"), route="/v1/redact", content=None)
        async with app.state.sessionmaker() as session:
            row = await session.get(RequestRecord, record_id)
        assert row.content is None and row.data_key_id is None and row.entity_counts == {"PERSON": 1}
        assert await app.state.keystore.existing_key("cl_meta", 0) is None

    async def test_content_that_is_not_json_is_a_programming_error(self, records_gateway) -> None:
        with pytest.raises(TypeError):
            await write(records_gateway.app, principal_of("cl_j", "predictor"), content={"x": object()})

    async def test_ciphertext_repr_is_masked(self, records_gateway) -> None:
        app = records_gateway.app
        record_id = await write(app, principal_of("cl_r", "predictor"), content={"input": "do-not-print"})
        async with app.state.sessionmaker() as session:
            row = await session.get(RequestRecord, record_id)
        assert "bytes>" in repr(row.content) and row.content.token.decode() not in repr(row.content)
        assert "do-not-print" not in repr(row) and repr(app.state.keystore).startswith("DataKeyStore(")

    async def test_content_reaches_the_writer_only_in_a_masked_wrapper(self, records_gateway) -> None:
        """Encryption happens when the writer binds the batch: what the queue holds until then is a
        PendingCiphertext, whose repr shows a length only, and what is stored is a Fernet token."""
        app = records_gateway.app
        queued: list[object] = []
        write_rows = app.state.writer.write

        async def spy(rows):  # noqa: ANN001, ANN202
            queued.extend(values["content"] for _, values in rows)
            return await write_rows(rows)

        app.state.writer.write = spy
        try:
            record_id = await write(app, principal_of("cl_pending", "predictor"), content={"input": "do-not-print"})
        finally:
            app.state.writer.write = write_rows
        assert len(queued) == 1 and isinstance(queued[0], PendingCiphertext)
        assert "do-not-print" not in repr(queued[0]) and "do-not-print" not in str(queued[0])
        async with app.state.sessionmaker() as session:
            row = await session.get(RequestRecord, record_id)
        key = await app.state.keystore.existing_key("cl_pending", app.state.authenticator.epoch)
        assert b"do-not-print" not in row.content.token
        assert b"do-not-print" in key.fernet.decrypt(row.content.token)

    async def test_ciphertext_moved_to_another_record_does_not_open(self, records_gateway) -> None:
        app, client = records_gateway.app, records_gateway.client
        who = principal_of("cl_move", "predictor")
        first = await write(app, who, content={"input": "first"})
        second = await write(app, who, content={"input": "second"})
        async with app.state.sessionmaker() as session:
            stolen = (await session.get(RequestRecord, first)).content
            await session.execute(update(RequestRecord).where(RequestRecord.id == second).values(content=stolen))
            await session.commit()
        auditor = await make_client(app, "auditor")
        body = (await client.get(f"/v1/records/{second}", headers=bearer(await get_token(client, auditor)))).json()
        assert body["content"] is None and body["content_state"] == "unavailable"


class TestIds:
    def test_ids_are_time_ordered_uuid7(self) -> None:
        import uuid

        ids = [records_service.new_record_id() for _ in range(5000)]
        assert ids == sorted(ids) and len(set(ids)) == 5000
        assert all(uuid.UUID(i).version == 7 for i in ids[:10])

    async def test_a_given_record_id_is_used(self, records_gateway) -> None:
        record_id = records_service.new_record_id()
        assert await write(records_gateway.app, principal_of("cl_id", "predictor"), record_id=record_id) == record_id
        with pytest.raises(ValueError):
            await write(records_gateway.app, principal_of("cl_id", "predictor"), record_id="'; drop table x")
