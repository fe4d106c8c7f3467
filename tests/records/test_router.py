"""The records routes: who sees what (every route, every pair of roles), filters, pagination, audited reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from service.models import AuditEvent, RequestRecord
from tests.fixtures.principals import bearer, get_token, make_client
from tests.records.conftest import principal_of, write

ROLES = ["admin", "auditor", "predictor", "redactor"]
READS_ALL = {"admin", "auditor"}


@pytest.fixture
async def world(records_gateway):
    """One client per role (plus a records:read-only principal), each with one record; headers per reader."""
    app, client = records_gateway.app, records_gateway.client
    owners: dict[str, str] = {}
    headers: dict[str, dict[str, str]] = {}
    records: dict[str, str] = {}
    for role in ROLES:
        creds = await make_client(app, role, name=role)
        owners[role] = creds.client_id
        headers[role] = bearer(await get_token(client, creds))
        records[role] = await write(app, principal_of(creds.client_id, role), content={"input": f"of {role}"})
    reader = await make_client(app, "redactor", name="reader")  # a real client id; acts as records:read only
    owners["reader"] = reader.client_id
    headers["reader"] = {"X-Test-Principal": reader.client_id}
    records["reader"] = await write(app, principal_of(reader.client_id, "redactor"), content={"input": "of reader"})
    return records_gateway, owners, headers, records


class TestReadMatrix:
    @pytest.mark.parametrize("reader", ROLES + ["reader"])
    @pytest.mark.parametrize("owner", ROLES + ["reader"])
    async def test_get_one_record(self, world, reader: str, owner: str) -> None:
        gw, owners, headers, records = world
        response = await gw.client.get(f"/v1/records/{records[owner]}", headers=headers[reader])
        if reader in READS_ALL or reader == "reader":
            if reader in READS_ALL or reader == owner:
                assert response.status_code == 200, response.text
                assert response.json()["content"] == {"input": f"of {owner}"}
                assert response.json()["client_id"] == owners[owner]
            else:
                assert response.status_code == 404  # another client's record: not found, not forbidden
                assert response.json()["detail"] == "No record with this id."
                assert f"of {owner}" not in response.text
        else:
            assert response.status_code == 403
            assert 'error="insufficient_scope", scope="records:read"' in response.headers["www-authenticate"]

    @pytest.mark.parametrize("reader", ROLES + ["reader"])
    async def test_list(self, world, reader: str) -> None:
        gw, owners, headers, records = world
        response = await gw.client.get("/v1/records", headers=headers[reader])
        if reader not in READS_ALL and reader != "reader":
            assert response.status_code == 403
            return
        assert response.status_code == 200
        ids = {item["id"] for item in response.json()["items"]}
        assert ids == (set(records.values()) if reader in READS_ALL else {records["reader"]})
        assert "of " not in response.text and "content" not in response.json()["items"][0]

    @pytest.mark.parametrize("reader", sorted(READS_ALL) + ["reader"])
    @pytest.mark.parametrize("owner", ROLES + ["reader"])
    async def test_list_filtered_by_client(self, world, reader: str, owner: str) -> None:
        gw, owners, headers, records = world
        response = await gw.client.get("/v1/records", params={"client_id": owners[owner]}, headers=headers[reader])
        ids = [item["id"] for item in response.json()["items"]]
        visible = reader in READS_ALL or reader == owner
        assert ids == ([records[owner]] if visible else [])

    @pytest.mark.parametrize("caller", ROLES + ["reader"])
    @pytest.mark.parametrize("owner", ROLES + ["reader"])
    async def test_erase(self, world, caller: str, owner: str) -> None:
        gw, owners, headers, records = world
        response = await gw.client.delete(f"/v1/clients/{owners[owner]}/data", headers=headers[caller])
        async with gw.app.state.sessionmaker() as session:
            left = set((await session.scalars(select(RequestRecord.id))).all())
        if caller == "admin":
            assert response.status_code == 200 and response.json()["records_deleted"] == 1
            assert left == set(records.values()) - {records[owner]}
        else:
            assert response.status_code == 403
            assert left == set(records.values())

    @pytest.mark.parametrize("method,path", [("GET", "/v1/records"), ("GET", "/v1/records/{id}"),
                                             ("DELETE", "/v1/clients/{client}/data")])
    async def test_no_credential_is_401(self, world, method: str, path: str) -> None:
        gw, owners, headers, records = world
        url = path.format(id=records["admin"], client=owners["admin"])
        response = await gw.client.request(method, url)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")

    async def test_missing_and_malformed_ids_are_404(self, world) -> None:
        gw, owners, headers, records = world
        for record_id in ("01890000-0000-7000-8000-000000000000", "nope", "x" * 64):
            assert (await gw.client.get(f"/v1/records/{record_id}", headers=headers["admin"])).status_code == 404


class TestAuditedReads:
    async def test_reading_content_writes_an_audit_event_naming_the_record(self, world) -> None:
        gw, owners, headers, records = world
        assert (await gw.client.get(f"/v1/records/{records['predictor']}", headers=headers["auditor"])).status_code == 200
        async with gw.app.state.sessionmaker() as session:
            events = (await session.scalars(select(AuditEvent).where(AuditEvent.action == "record.read"))).all()
        assert [(e.actor, e.target) for e in events] == [(owners["auditor"], f"record:{records['predictor']}")]
        assert events[0].details == {"client_id": owners["predictor"], "content": "ok"}

    async def test_listing_and_refused_reads_write_no_read_event(self, world) -> None:
        gw, owners, headers, records = world
        await gw.client.get("/v1/records", headers=headers["auditor"])
        await gw.client.get(f"/v1/records/{records['admin']}", headers=headers["reader"])  # 404
        async with gw.app.state.sessionmaker() as session:
            count = await session.scalar(select(func.count()).select_from(AuditEvent)
                                         .where(AuditEvent.action == "record.read"))
        assert count == 0


class TestListing:
    async def test_filters_by_route_and_time(self, records_gateway) -> None:
        app, client = records_gateway.app, records_gateway.client
        auditor = bearer(await get_token(client, await make_client(app, "auditor")))
        who = principal_of("cl_f", "predictor")
        predict = await write(app, who, route="/v1/predict")
        redact = await write(app, who, route="/v1/redact", content=None)
        got = (await client.get("/v1/records", params={"route": "/v1/redact"}, headers=auditor)).json()
        assert [i["id"] for i in got["items"]] == [redact] and got["items"][0]["has_content"] is False
        now = datetime.now(UTC)
        later = (await client.get("/v1/records", params={"since": (now + timedelta(minutes=1)).isoformat()},
                                  headers=auditor)).json()
        assert later["items"] == []
        window = (await client.get("/v1/records", params={"since": (now - timedelta(minutes=1)).isoformat(),
                                                          "until": (now + timedelta(minutes=1)).isoformat()},
                                   headers=auditor)).json()
        assert [i["id"] for i in window["items"]] == [redact, predict]
        naive = (await client.get("/v1/records", params={"since": "2000-01-01T00:00:00"}, headers=auditor))
        assert naive.status_code == 200 and len(naive.json()["items"]) == 2

    async def test_metadata_fields(self, records_gateway) -> None:
        app, client = records_gateway.app, records_gateway.client
        auditor = bearer(await get_token(client, await make_client(app, "auditor")))
        record_id = await write(app, principal_of("cl_m", "predictor", key_id="k1"), model="gpt-x", status=502,
                                latency_ms=12.5, entity_counts={"EMAIL_ADDRESS": 2}, usage={"total_tokens": 9})
        item = (await client.get("/v1/records", headers=auditor)).json()["items"][0]
        assert item == {**item, "id": record_id, "client_id": "cl_m", "key_id": "k1", "route": "/v1/predict",
                        "model": "gpt-x", "status": 502, "latency_ms": 12.5, "entity_counts": {"EMAIL_ADDRESS": 2},
                        "usage": {"total_tokens": 9}, "has_content": True, "raw_input": False}

    @pytest.mark.parametrize("cursor", ["!!!", "bm90LWFuLWlk", "x" * 301])
    async def test_bad_cursors_are_rejected(self, records_gateway, cursor: str) -> None:
        app, client = records_gateway.app, records_gateway.client
        auditor = bearer(await get_token(client, await make_client(app, "auditor")))
        response = await client.get("/v1/records", params={"cursor": cursor}, headers=auditor)
        assert response.status_code in (400, 422)
        assert response.headers["content-type"].startswith("application/problem+json")
