"""Records left by the real data-plane routes: /v1/predict, the chat proxy and /v1/redact."""

from __future__ import annotations

import asyncio
import logging
import secrets
from pathlib import Path

from sqlalchemy import func, select

from service.cli import migrate
from service.kit.batching import BatchWriter
from service.models import RequestRecord
from tests.fixtures.principals import bearer, get_token, make_client
from tests.fixtures.upstream import UPSTREAM_KEY
from tests.records.test_write import _found_in, _pg_dump, canary_db  # noqa: F401 - fixture


class TestPredictRecords:
    async def test_canary_sent_to_predict_is_nowhere_at_rest_or_in_logs_yet_an_auditor_reads_it(
            self, canary_db, start_app, make_settings, tmp_path: Path, caplog) -> None:  # noqa: F811
        caplog.set_level(logging.DEBUG)
        backend, url = canary_db
        settings = make_settings(url, log_level="DEBUG")
        if backend == "sqlite":
            await asyncio.to_thread(migrate, settings)
        running = await start_app(settings)
        canary = f"zebracanary{secrets.token_hex(6)}"
        pii = "maria.gonzalez@example.org"
        token = await get_token(running.client, await make_client(running.app, "predictor"))
        r = await running.client.post("/v1/predict", headers=bearer(token),
                                      json={"input": f"I love the {canary} plan, write to {pii}"})
        assert r.status_code == 200, r.text
        auditor = bearer(await get_token(running.client, await make_client(running.app, "auditor")))
        got = (await running.client.get(f"/v1/records/{r.json()['id']}", headers=auditor)).json()
        assert canary in got["content"]["input"] and pii not in str(got)  # stored redacted
        assert got["content"]["output"]["label"] == "positive"
        assert got["route"] == "/v1/predict" and got["entity_counts"] == {"EMAIL_ADDRESS": 1}
        blob = (b"".join(p.read_bytes() for p in sorted((tmp_path / "data").rglob("*")) if p.is_file())
                if backend == "sqlite" else _pg_dump(url))
        assert _found_in(blob, r.json()["id"]), "positive control: the scan sees the fresh record"
        assert not _found_in(blob, canary) and not _found_in(blob, pii)
        assert canary not in caplog.text and pii not in caplog.text

    async def test_300_concurrent_predictions_make_300_records_each_listed_once(self, gateway) -> None:
        token = await get_token(gateway.client, await make_client(gateway.app, "predictor"))
        responses = await asyncio.gather(*(gateway.client.post("/v1/predict", headers=bearer(token),
                                                               json={"input": f"request {i} is great"})
                                           for i in range(300)))
        assert all(r.status_code == 200 for r in responses)
        ids = {r.json()["id"] for r in responses}
        assert len(ids) == 300
        async with gateway.app.state.sessionmaker() as session:
            assert await session.scalar(select(func.count()).select_from(RequestRecord)) == 300
        auditor = bearer(await get_token(gateway.client, await make_client(gateway.app, "auditor")))
        seen, cursor = [], None
        while True:
            page = (await gateway.client.get("/v1/records", headers=auditor,
                                             params={"limit": 41, **({"cursor": cursor} if cursor else {})})).json()
            seen += [item["id"] for item in page["items"]]
            cursor = page.get("next_cursor")
            if not cursor:
                break
        assert len(seen) == 300 and set(seen) == ids

    async def test_database_down_means_503_not_an_unrecorded_answer(self, start_app, make_settings,
                                                                      sqlite_url) -> None:
        running = await start_app(make_settings(sqlite_url))
        token = await get_token(running.client, await make_client(running.app, "predictor"))
        from service.db import create_engine, create_sessionmaker

        dead = create_sessionmaker(create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none"))
        running.app.state.writer = BatchWriter(dead)
        r = await running.client.post("/v1/predict", headers=bearer(token), json={"input": "fine"})
        assert r.status_code == 503 and r.headers["content-type"].startswith("application/problem+json")


class TestOtherRoutes:
    async def test_redact_keeps_metadata_only(self, app_sqlite) -> None:
        token = await get_token(app_sqlite.client, await make_client(app_sqlite.app, "redactor"))
        r = await app_sqlite.client.post("/v1/redact", headers=bearer(token), json={"text": "mail a@example.org"})
        assert r.status_code == 200
        async with app_sqlite.app.state.sessionmaker() as session:
            row = (await session.scalars(select(RequestRecord))).one()
        assert row.route == "/v1/redact" and row.content is None and row.entity_counts == {"EMAIL_ADDRESS": 1}

    async def test_chat_records_redacted_messages_usage_and_upstream_failures(self, start_app, make_settings,
                                                                            sqlite_url, upstream) -> None:
        running = await start_app(make_settings(sqlite_url, upstream_url=upstream.base_url,
                                                upstream_api_key=UPSTREAM_KEY))
        token = await get_token(running.client, await make_client(running.app, "predictor"))
        ok = await running.client.post("/v1/chat/completions", headers=bearer(token), json={
            "model": "echo-1", "messages": [{"role": "user", "content": "call +1 415 555 0132"}]})
        failed = await running.client.post("/v1/chat/completions", headers=bearer(token), json={
            "model": "fail-500", "messages": [{"role": "user", "content": "hi"}]})
        assert ok.status_code == 200 and failed.status_code == 502
        auditor = bearer(await get_token(running.client, await make_client(running.app, "auditor")))
        record = (await running.client.get(f"/v1/records/{ok.headers['x-record-id']}", headers=auditor)).json()
        assert "415" not in str(record["content"]) and "<PHONE_NUMBER_1>" in str(record["content"])
        assert record["usage"]["total_tokens"] > 0
        listed = (await running.client.get("/v1/records", headers=auditor)).json()["items"]
        assert sorted(item["status"] for item in listed) == [200, 502]

    async def test_streamed_chat_is_recorded_before_done(self, start_app, make_settings, sqlite_url, upstream) -> None:
        running = await start_app(make_settings(sqlite_url, upstream_url=upstream.base_url,
                                                upstream_api_key=UPSTREAM_KEY))
        token = await get_token(running.client, await make_client(running.app, "predictor"))
        async with running.client.stream("POST", "/v1/chat/completions", headers=bearer(token), json={
                "model": "echo-1", "stream": True, "messages": [{"role": "user", "content": "hello there"}]}) as r:
            record_id = r.headers["x-record-id"]
            async for line in r.aiter_lines():
                if line == "data: [DONE]":
                    async with running.app.state.sessionmaker() as session:
                        assert await session.get(RequestRecord, record_id) is not None
        auditor = bearer(await get_token(running.client, await make_client(running.app, "auditor")))
        record = (await running.client.get(f"/v1/records/{record_id}", headers=auditor)).json()
        assert record["content"]["output"]["choices"][0]["content"] == "You said: hello there"
