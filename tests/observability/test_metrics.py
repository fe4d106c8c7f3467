"""Prometheus metrics: totals across the workers of a real `gateway serve --workers 2`, the admin guard,
the separate listener, and label values that never identify a caller or carry text."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from prometheus_client import multiprocess
from prometheus_client.parser import text_string_to_metric_families

from service.observability import metrics
from tests.conftest import MASTER_KEY, PEPPER
from tests.fixtures.principals import bearer, get_token, make_client
from tests.fixtures.server import free_port, gateway_env, run_cli, serve

N_ME, N_FAIL, N_404, N_TOKENS, N_REDACT = 40, 12, 8, 6, 10
CANARY = "jane.canary@corp-example.com"


def samples(text: str) -> list[tuple[str, dict[str, str], float]]:
    return [(s.name, s.labels, s.value) for fam in text_string_to_metric_families(text) for s in fam.samples]


def total(text: str, name: str, **labels: str) -> float:
    return sum(v for n, lab, v in samples(text) if n == name and all(lab.get(k) == x for k, x in labels.items()))


@dataclass
class Scrape:
    text: str
    listener_text: str
    per_worker: list[float]
    n_me: int
    forbidden: list[str] = field(default_factory=list)
    unauthenticated: int = 0
    non_admin: int = 0


def _fresh(base: str, method: str, path: str, **kwargs: object) -> httpx.Response:
    """A new connection per request, so the kernel spreads them over both workers."""
    with httpx.Client(base_url=base, timeout=30) as c:
        return c.request(method, path, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def scraped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scrape]:
    tmp = tmp_path_factory.mktemp("metrics")
    data_dir = tmp / "d"
    listen = f"127.0.0.1:{free_port()}"
    env = gateway_env(data_dir=str(data_dir), master_keys=MASTER_KEY, key_pepper=PEPPER, auth_failure_limit="1000",
                      rate_limit_per_minute="100000", token_requests_per_minute="100000", metrics_address=listen)
    assert run_cli("migrate", env=env).returncode == 0
    admin = json.loads(run_cli("create-client", "--name", "admin", "--role", "admin", env=env).stdout)
    with serve(env, "--workers", "2") as base:
        auth = (admin["client_id"], admin["client_secret"])
        tokens = [_fresh(base, "POST", "/oauth/token", data={"grant_type": "client_credentials"}, auth=auth)
                  for _ in range(N_TOKENS)]
        assert all(r.status_code == 200 for r in tokens)
        h = bearer(tokens[0].json()["access_token"])
        other = _fresh(base, "POST", "/v1/clients", json={"name": "r", "roles": ["redactor"]}, headers=h).json()
        key = _fresh(base, "POST", f"/v1/clients/{other['client_id']}/keys", json={}, headers=h).json()
        kh = bearer(key["api_key"])
        forbidden = [admin["client_id"], other["client_id"], key["key_id"], "127.0.0.1", CANARY,
                     "canary-request-id-1", key["api_key"][:20]]
        with ThreadPoolExecutor(8) as pool:
            jobs = [pool.submit(_fresh, base, "GET", "/v1/me", headers={**h, "X-Request-ID": "canary-request-id-1"})
                    for _ in range(N_ME)]
            jobs += [pool.submit(_fresh, base, "GET", "/v1/me", headers=bearer("not-a-token")) for _ in range(N_FAIL)]
            jobs += [pool.submit(_fresh, base, "GET", f"/nope/{CANARY}") for _ in range(N_404)]
            jobs += [pool.submit(_fresh, base, "POST", "/v1/redact", json={"text": f"mail {CANARY}"}, headers=kh)
                     for _ in range(N_REDACT)]
            codes = [j.result().status_code for j in jobs]
        assert codes == [200] * N_ME + [401] * N_FAIL + [404] * N_404 + [200] * N_REDACT
        # The kernel hands each connection to whichever worker is in accept() first; a worker still warming
        # up may get none of the first burst. Keep sending rounds (counted exactly) until both have served.
        n_me = N_ME
        for _ in range(100):
            if len([n for n in _per_worker(data_dir) if n]) >= 2:
                break
            time.sleep(0.05)
            with ThreadPoolExecutor(8) as pool:
                extra = list(pool.map(lambda _: _fresh(base, "GET", "/v1/me", headers=h).status_code, range(8)))
            assert extra == [200] * 8
            n_me += 8
        _fresh(base, "GET", f"/v1/clients/{other['client_id']}", headers=h)
        unauthenticated = _fresh(base, "GET", "/metrics").status_code
        non_admin = _fresh(base, "GET", "/metrics", headers=kh).status_code
        _fresh(base, "DELETE", f"/v1/keys/{key['key_id']}", headers=h)
        text = _fresh(base, "GET", "/metrics", headers=h)
        assert text.status_code == 200 and text.headers["content-type"].startswith("text/plain")
        listener = httpx.get(f"http://{listen}/metrics", timeout=10)
        assert listener.status_code == 200
        yield Scrape(text.text, listener.text, _per_worker(data_dir), n_me, forbidden, unauthenticated, non_admin)


def _per_worker(data_dir: Path) -> list[float]:
    """What each worker counted for `GET /v1/me` 200 on its own, from its own file."""
    per_worker = []
    for f in sorted((data_dir / "prometheus").glob("*/counter_*.db")):
        merged = multiprocess.MultiProcessCollector.merge([str(f)], accumulate=True)
        per_worker.append(sum(s.value for m in merged for s in m.samples
                              if s.name == "gateway_http_requests_total" and s.labels.get("route") == "/v1/me"
                              and s.labels.get("status") == "200"))
    return per_worker


class TestMetricsAcrossWorkers:
    def test_totals_are_the_sum_of_both_workers(self, scraped: Scrape) -> None:
        workers = [n for n in scraped.per_worker if n]
        assert len(workers) == 2, f"each worker should have served some requests: {scraped.per_worker}"
        assert sum(workers) == scraped.n_me
        me = total(scraped.text, "gateway_http_requests_total", route="/v1/me", method="GET", status="200")
        assert me == scraped.n_me

    def test_mixed_workload_is_counted_exactly(self, scraped: Scrape) -> None:
        t = scraped.text
        me = total(t, "gateway_http_request_duration_seconds_count", route="/v1/me", method="GET")
        assert me == scraped.n_me + N_FAIL
        assert total(t, "gateway_http_requests_total", route="/v1/me", status="401") == N_FAIL
        assert total(t, "gateway_http_requests_total", route="<unmatched>", status="404") == N_404
        assert total(t, "gateway_http_requests_total", route="/v1/redact", status="200") == N_REDACT
        assert total(t, "gateway_tokens_issued_total") == N_TOKENS
        assert total(t, "gateway_client_auth_total", outcome="success") == N_TOKENS
        # the failed bearers, plus /metrics without a credential and with a non-admin one
        assert total(t, "gateway_guard_decisions_total", decision="refused") == N_FAIL + 2
        assert total(t, "gateway_guard_decisions_total", decision="refused", reason="insufficient_scope") == 1
        assert total(t, "gateway_guard_decisions_total", decision="authenticated", reason="api_key") >= N_REDACT
        assert total(t, "gateway_build_info") >= 1

    def test_separate_listener_serves_the_same_totals_without_auth(self, scraped: Scrape) -> None:
        assert total(scraped.listener_text, "gateway_http_requests_total", route="/v1/me", status="200") == scraped.n_me
        assert total(scraped.listener_text, "gateway_tokens_issued_total") == N_TOKENS

    def test_metrics_route_needs_scope_admin(self, scraped: Scrape) -> None:
        assert scraped.unauthenticated == 401
        assert scraped.non_admin == 403


class TestSingleWorker:
    def test_one_worker_counts_in_memory_and_both_scrapes_agree(self, tmp_path: Path) -> None:
        data_dir = tmp_path / "d"
        listen = f"127.0.0.1:{free_port()}"
        env = gateway_env(data_dir=str(data_dir), master_keys=MASTER_KEY, key_pepper=PEPPER,
                          rate_limit_per_minute="100000", metrics_address=listen)
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        assert run_cli("migrate", env=env).returncode == 0
        admin = json.loads(run_cli("create-client", "--name", "admin", "--role", "admin", env=env).stdout)
        with serve(env) as base:
            token = _fresh(base, "POST", "/oauth/token", data={"grant_type": "client_credentials"},
                           auth=(admin["client_id"], admin["client_secret"])).json()["access_token"]
            for _ in range(7):
                assert _fresh(base, "GET", "/v1/me", headers=bearer(token)).status_code == 200
            text = _fresh(base, "GET", "/metrics", headers=bearer(token)).text
            listener = httpx.get(f"http://{listen}/metrics", timeout=10).text
            # no files: the single worker's own registry, which the listener in the same process reads
            assert not list((data_dir / "prometheus").glob("**/*.db"))
        for scrape in (text, listener):
            assert total(scrape, "gateway_http_requests_total", route="/v1/me", status="200") == 7


class TestLabelSafety:
    def test_no_client_id_key_id_address_or_text_in_any_label(self, scraped: Scrape) -> None:
        for text in (scraped.text, scraped.listener_text):
            label_text = " ".join(f"{k}={v}" for _, lab, _ in samples(text) for k, v in lab.items())
            for value in scraped.forbidden:
                assert value not in text
                assert value not in label_text

    def test_every_label_value_comes_from_a_closed_vocabulary(self, scraped: Scrape) -> None:
        allowed = {
            "route": re.compile(r"/[A-Za-z0-9_./{}:\-]*|<unmatched>"),
            "method": re.compile(r"GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|OTHER"),
            "status": re.compile(r"[1-5]\d\d"),
            "le": re.compile(r"[0-9.e+]+|\+Inf"),
        }
        generic = re.compile(r"[a-z][a-z0-9_.]*|[A-Z][A-Z0-9_]*|<unmatched>|other|OTHER")
        for name, labels, _ in samples(scraped.text):
            for key, value in labels.items():
                if key in ("version", "python"):
                    continue
                pattern = allowed.get(key, generic)
                assert pattern.fullmatch(value), (name, key, value)
                if key == "route" and value != "<unmatched>":
                    assert "{" in value or "@" not in value


class TestInProcess:
    async def test_metrics_route_in_process_counts_requests(self, app_sqlite) -> None:
        admin = await make_client(app_sqlite.app, "admin")
        h = bearer(await get_token(app_sqlite.client, admin))
        before = total((await app_sqlite.client.get("/metrics", headers=h)).text,
                       "gateway_http_requests_total", route="/healthz", status="200")
        for _ in range(3):
            await app_sqlite.client.get("/healthz")
        after = total((await app_sqlite.client.get("/metrics", headers=h)).text,
                      "gateway_http_requests_total", route="/healthz", status="200")
        assert after - before == 3

    async def test_unknown_method_is_counted_as_other(self, app_sqlite) -> None:
        before = total(metrics.render().decode(), "gateway_http_requests_total", method="OTHER")
        await app_sqlite.client.request("JANE.DOE@EXAMPLE.COM", "/healthz")
        text = metrics.render().decode()
        assert total(text, "gateway_http_requests_total", method="OTHER") == before + 1
        assert "JANE.DOE" not in text

    def test_helpers_never_put_free_text_in_labels(self) -> None:
        before = total(metrics.render().decode(), "gateway_redactions_total", entity_type="OTHER")
        metrics.observe_redactions(["EMAIL_ADDRESS", "jane@example.com", "PERSON"])
        metrics.observe_prediction("/v1/predict", "Some Model name!", 0.01, "ok")
        metrics.upstream_error("chat", "Connection refused by 10.0.0.1")
        text = metrics.render().decode()
        assert "jane@example.com" not in text and "Some Model" not in text and "10.0.0.1" not in text
        assert total(text, "gateway_redactions_total", entity_type="OTHER") == before + 1
        assert total(text, "gateway_predictions_total", backend="other", outcome="ok") >= 1


class TestDomainCounters:
    async def test_rate_limiter_backend_errors_are_counted(self) -> None:
        from service.config import Settings
        from service.main import build_ratelimit_backend
        from service.ratelimit.backend import Rate

        backend = build_ratelimit_backend(Settings(_env_file=None, redis_url="redis://127.0.0.1:1/0",  # type: ignore[call-arg]
                                                   rate_limit_failure_mode="open"))
        before = total(metrics.render().decode(), "gateway_ratelimit_backend_errors_total", backend="redis")
        try:
            decision = await backend.hit("k", Rate(limit=5, period=60.0, burst=5))
        finally:
            await backend.close()
        assert decision.degraded
        assert total(metrics.render().decode(), "gateway_ratelimit_backend_errors_total", backend="redis") == before + 1

    async def test_upstream_latency_and_errors_are_counted(self, start_app, make_settings, sqlite_url,
                                                           upstream) -> None:
        from tests.fixtures.upstream import UPSTREAM_KEY

        running = await start_app(make_settings(sqlite_url, upstream_url=upstream.base_url,
                                                upstream_api_key=UPSTREAM_KEY, upstream_retries=0))
        user = await make_client(running.app, "predictor")
        h = bearer(await get_token(running.client, user))
        text = metrics.render().decode()
        calls = total(text, "gateway_upstream_request_duration_seconds_count", operation="chat")
        errors = total(text, "gateway_upstream_errors_total", operation="chat", kind="status_5xx")
        outcomes = {o: total(text, "gateway_predictions_total", route="/v1/chat/completions", outcome=o)
                    for o in ("ok", "upstream_error")}
        for model in ("echo-1", "fail-500"):
            await running.client.post("/v1/chat/completions", headers=h,
                                      json={"model": model, "messages": [{"role": "user", "content": "hi"}]})
        text = metrics.render().decode()
        assert total(text, "gateway_upstream_request_duration_seconds_count", operation="chat") == calls + 2
        assert total(text, "gateway_upstream_errors_total", operation="chat", kind="status_5xx") == errors + 1
        for outcome, before in outcomes.items():  # the prediction's outcome, by what its block raised
            assert total(text, "gateway_predictions_total", route="/v1/chat/completions", outcome=outcome) \
                == before + 1


class TestListenerSettings:
    def test_a_non_loopback_metrics_address_is_refused_unless_allowed(self, make_settings, tmp_path) -> None:
        from service.config import ConfigError

        url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
        for ok in ("127.0.0.1:9464", "[::1]:9464", "localhost:9464"):
            assert make_settings(url, metrics_address=ok).metrics_address == ok
        with pytest.raises(ConfigError, match="loopback"):
            make_settings(url, metrics_address="0.0.0.0:9464")
        with pytest.raises(ConfigError, match="host:port"):
            make_settings(url, metrics_address="9464")
        assert make_settings(url, metrics_address="0.0.0.0:9464", metrics_allow_remote=True).metrics_address

    async def test_failed_group_commit_writes_are_counted(self) -> None:
        from sqlalchemy import Column, Integer, MetaData, Table

        from service.kit.batching import BatchWriter

        class Broken:
            async def __aenter__(self) -> Broken:
                return self

            async def __aexit__(self, *exc: object) -> None:
                return None

            async def execute(self, *args: object) -> None:
                raise ConnectionError("database down")

        table = Table("t", MetaData(), Column("id", Integer, primary_key=True))
        writer = BatchWriter(lambda: Broken())  # type: ignore[arg-type, return-value]
        writer.start()
        before = total(metrics.render().decode(), "gateway_db_write_failures_total")
        try:
            with pytest.raises(RuntimeError):
                await writer.write([(table, {"id": 1})])
        finally:
            await writer.close()
        assert total(metrics.render().decode(), "gateway_db_write_failures_total") == before + 1
