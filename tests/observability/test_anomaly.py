"""Unusual activity: one `anomaly.detected` audit event per episode, per client and per source address."""

from __future__ import annotations

from typing import Any

import pytest

from service.audit import service as audit_service
from service.audit.schemas import AuditEventRead
from service.observability import metrics
from service.observability.anomaly import AUTH_FAILURES, AnomalyDetector
from tests.conftest import CLIENT_ADDR
from tests.fixtures.principals import bearer, get_token, make_client

IP_ACTOR = f"ip:{CLIENT_ADDR[0]}"


async def audit_events(running: Any, **filters: str) -> list[dict]:
    """Straight from the audit service: asking /v1/audit from the attacking address would be locked out
    (the HTTP filters are tested in test_log_safety's audit trail tests)."""
    async with running.app.state.sessionmaker() as session:
        page = await audit_service.list_events(session, limit=500, cursor=None, **filters)
    return [AuditEventRead.model_validate(e, from_attributes=True).model_dump(mode="json") for e in page.items]


def anomaly_total(kind: str) -> float:
    from tests.observability.test_metrics import total

    return total(metrics.render().decode(), "gateway_anomalies_total", kind=kind)


@pytest.fixture
async def watched(start_app, make_settings, sqlite_url):
    async def start(**overrides: Any):
        values = dict(anomaly_auth_failures=5, anomaly_scope_denials=3, anomaly_rate_limited=10,
                      anomaly_pii_blocked=3, anomaly_window_seconds=60, anomaly_quiet_seconds=300)
        values.update(overrides)
        return await start_app(make_settings(sqlite_url, **values))

    return start


class TestEpisodes:
    async def test_brute_force_on_the_token_endpoint_raises_one_event_per_client_and_address(self, watched) -> None:
        running = await watched()
        victim = await make_client(running.app, "predictor", name="victim")
        before = anomaly_total(AUTH_FAILURES)
        codes = [(await running.client.post("/oauth/token", data={"grant_type": "client_credentials"},
                                            auth=(victim.client_id, f"wrong-{i}"))).status_code for i in range(25)]
        assert codes[:10] == [401] * 10 and set(codes[10:]) == {429}  # locked out after auth_failure_limit
        events = await audit_events(running, action="anomaly.detected")
        by_actor = {e["actor"]: e for e in events}
        assert len(events) == 2 and set(by_actor) == {victim.client_id, IP_ACTOR}
        for event in events:
            assert event["reason"] == "auth_failures" and event["outcome"] == "detected"
            assert event["details"] == {"kind": "auth_failures", "count": 5, "window_seconds": 60}
            assert event["request_id"] and event["source_ip"] == CLIENT_ADDR[0]
        assert anomaly_total(AUTH_FAILURES) == before + 2
        locked = await audit_events(running, action="auth.locked_out")
        assert len(locked) == 1 and locked[0]["actor"] == IP_ACTOR

    async def test_failed_bearer_credentials_count_against_the_address(self, watched) -> None:
        running = await watched(auth_failure_limit=1000)
        for i in range(12):
            assert (await running.client.get("/v1/me", headers=bearer(f"forged-{i}"))).status_code == 401
        events = await audit_events(running, action="anomaly.detected")
        assert [(e["actor"], e["details"]["count"]) for e in events] == [(IP_ACTOR, 5)]

    async def test_rate_limit_flood_raises_one_event_per_client_and_address(self, watched) -> None:
        running = await watched()
        flooder = await make_client(running.app, "predictor", name="flooder", rate_limit_per_minute=5)
        h = bearer(await get_token(running.client, flooder))
        codes = [(await running.client.get("/v1/me", headers=h)).status_code for _ in range(40)]
        assert codes.count(200) == 5 and codes.count(429) == 35
        events = await audit_events(running, action="anomaly.detected")
        assert sorted(e["actor"] for e in events) == sorted([flooder.client_id, IP_ACTOR])
        for event in events:
            assert event["details"] == {"kind": "rate_limited", "count": 10, "window_seconds": 60}
        # the flood itself is audited sampled: one refusal event, not 35
        assert len(await audit_events(running, action="rate_limit.exceeded", actor=flooder.client_id)) == 1

    async def test_scope_probing_raises_one_event(self, watched) -> None:
        running = await watched()
        prober = await make_client(running.app, "redactor", name="prober")
        h = bearer(await get_token(running.client, prober))
        for _ in range(8):
            assert (await running.client.get("/v1/clients", headers=h)).status_code == 403
        events = await audit_events(running, action="anomaly.detected", actor=prober.client_id)
        assert len(events) == 1 and events[0]["details"]["kind"] == "scope_denials"
        assert events[0]["details"]["count"] == 3

    async def test_inputs_blocked_by_pii_policy_raise_one_event(self, watched) -> None:
        running = await watched()
        strict = await make_client(running.app, "predictor", name="strict", pii_policy="block")
        h = bearer(await get_token(running.client, strict))
        for _ in range(5):
            r = await running.client.post("/v1/predict", json={"input": "mail me at jane.doe@corp-example.com"},
                                          headers=h)
            assert r.status_code == 422 and r.json()["error"] == "pii_blocked"
        events = await audit_events(running, action="anomaly.detected", actor=strict.client_id)
        assert len(events) == 1 and events[0]["details"] == {"kind": "pii_blocked", "count": 3, "window_seconds": 60}

    async def test_ordinary_traffic_raises_nothing(self, watched) -> None:
        running = await watched()
        user = await make_client(running.app, "predictor", name="calm")
        h = bearer(await get_token(running.client, user))
        for _ in range(20):
            assert (await running.client.get("/v1/me", headers=h)).status_code == 200
        assert await audit_events(running, action="anomaly.detected") == []


class TestAutoDisable:
    async def test_off_by_default(self, watched) -> None:
        running = await watched(anomaly_auto_disable_after=4)
        prober = await make_client(running.app, "redactor", name="prober")
        h = bearer(await get_token(running.client, prober))
        codes = [(await running.client.get("/v1/clients", headers=h)).status_code for _ in range(8)]
        assert codes == [403] * 8

    async def test_a_client_that_keeps_failing_is_disabled_when_turned_on(self, watched) -> None:
        running = await watched(anomaly_auto_disable=True, anomaly_auto_disable_after=4)
        prober = await make_client(running.app, "redactor", name="prober")
        h = bearer(await get_token(running.client, prober))
        codes = [(await running.client.get("/v1/clients", headers=h)).status_code for _ in range(6)]
        assert codes == [403, 403, 403, 403, 401, 401]  # disabled after the 4th denial: its token stops at once
        disabled = await audit_events(running, action="client.disabled", actor="anomaly-detector")
        assert [e["target"] for e in disabled] == [prober.client_id]


class FakeAudit:
    def __init__(self) -> None:
        self.events: list[dict] = []

    async def record(self, action: str, **kwargs: Any) -> None:
        self.events.append({"action": action, **kwargs})


class TestDetector:
    def make(self, clock: list[float]) -> tuple[AnomalyDetector, FakeAudit]:
        audit = FakeAudit()
        detector = AnomalyDetector(audit, thresholds={AUTH_FAILURES: 3}, window=10, quiet=30,  # type: ignore[arg-type]
                                   clock=lambda: clock[0])
        return detector, audit

    async def test_an_episode_ends_after_a_quiet_period_and_a_new_one_can_open(self) -> None:
        clock = [0.0]
        detector, audit = self.make(clock)
        for _ in range(10):
            clock[0] += 1
            await detector.report(AUTH_FAILURES, client_id="cl_a")
        assert len(audit.events) == 1
        clock[0] += 20  # within the quiet period: the same episode
        await detector.report(AUTH_FAILURES, client_id="cl_a")
        assert len(audit.events) == 1
        clock[0] += 31  # quiet long enough: closed
        for _ in range(3):
            await detector.report(AUTH_FAILURES, client_id="cl_a")
        assert len(audit.events) == 2

    async def test_events_spread_wider_than_the_window_open_nothing(self) -> None:
        clock = [0.0]
        detector, audit = self.make(clock)
        for _ in range(10):
            clock[0] += 6
            await detector.report(AUTH_FAILURES, source_ip="198.51.100.4")
        assert audit.events == []

    async def test_subjects_are_counted_separately_and_bounded(self) -> None:
        clock = [0.0]
        audit = FakeAudit()
        detector = AnomalyDetector(audit, thresholds={AUTH_FAILURES: 2}, window=10, quiet=30,  # type: ignore[arg-type]
                                   clock=lambda: clock[0], max_subjects=100)
        for i in range(1000):
            await detector.report(AUTH_FAILURES, source_ip=f"198.51.{i // 256}.{i % 256}")
        assert audit.events == [] and len(detector._tracks) <= 100


class TestSharedAcrossWorkers:
    async def test_two_servers_sharing_redis_raise_exactly_one_event_per_episode(
            self, start_app, make_settings, sqlite_url, redis_url) -> None:
        import uuid

        settings = make_settings(sqlite_url, redis_url=redis_url, redis_key_prefix=f"t{uuid.uuid4().hex[:8]}:",
                                 anomaly_auth_failures=5, anomaly_rate_limited=6, auth_failure_limit=1000)
        a, b = await start_app(settings), await start_app(settings)
        victim = await make_client(a.app, "predictor", name="victim")
        for i in range(16):
            server = (a, b)[i % 2]
            await server.client.post("/oauth/token", data={"grant_type": "client_credentials"},
                                     auth=(victim.client_id, f"wrong-{i}"))
        flooder = await make_client(a.app, "predictor", name="flooder", rate_limit_per_minute=4)
        h = bearer(await get_token(b.client, flooder))
        codes = [(await (a, b)[i % 2].client.get("/v1/me", headers=h)).status_code for i in range(30)]
        assert codes.count(429) == 26
        events = await audit_events(a, action="anomaly.detected")
        seen = sorted((e["actor"], e["details"]["kind"], e["details"]["count"]) for e in events)
        assert seen == sorted([(victim.client_id, "auth_failures", 5), (IP_ACTOR, "auth_failures", 5),
                               (flooder.client_id, "rate_limited", 6), (IP_ACTOR, "rate_limited", 6)])

    async def test_counts_fall_back_to_the_process_when_redis_is_unreachable(
            self, start_app, make_settings, sqlite_url) -> None:
        running = await start_app(make_settings(sqlite_url, redis_url="redis://127.0.0.1:1/0",
                                                rate_limit_failure_mode="open", anomaly_auth_failures=3,
                                                auth_failure_limit=1000))
        for i in range(5):
            assert (await running.client.get("/v1/me", headers=bearer(f"forged-{i}"))).status_code == 401
        events = await audit_events(running, action="anomaly.detected")
        assert [(e["actor"], e["details"]["count"]) for e in events] == [(IP_ACTOR, 3)]
