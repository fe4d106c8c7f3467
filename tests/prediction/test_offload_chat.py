"""Chat input and model output (streamed or not) of any length are redacted off the event loop: through
the worker pool above its threshold, and a text past the deadline is a 503 that reaches no model."""

from __future__ import annotations

import pytest

from service.prediction.streaming import StreamGuard
from service.redaction.engine import RedactionEngine, Vault
from service.redaction.offload import OffloadPool
from service.redaction.service import OutputFilter
from tests.fixtures.principals import bearer, get_token, make_client
from tests.fixtures.upstream import UPSTREAM_KEY
from tests.redaction.test_offload import VALUES, dense


class _Counting(OffloadPool):
    calls = 0

    async def _call(self, message):
        type(self).calls += 1
        return await super()._call(message)


@pytest.fixture(scope="module")
def engine() -> RedactionEngine:
    return RedactionEngine.default()


async def _proxy(start_app, make_settings, sqlite_url, upstream, **settings):
    running = await start_app(make_settings(sqlite_url, upstream_url=upstream.base_url, upstream_api_key=UPSTREAM_KEY,
                                            upstream_read_timeout=30.0, **settings))
    running.token = await get_token(running.client, await make_client(running.app, "predictor"))
    return running


async def test_a_long_message_and_its_echo_go_through_the_pool(start_app, make_settings, sqlite_url, upstream) -> None:
    p = await _proxy(start_app, make_settings, sqlite_url, upstream, redaction_offload_chars=1000,
                     redaction_timeout_seconds=120)
    calls = []
    pool = p.app.state.redaction_pool
    original = pool._call

    async def counted(message):
        calls.append(message[0])
        return await original(message)

    pool._call = counted
    message = dense(5_000, seed=11)
    r = await p.client.post("/v1/chat/completions", headers=bearer(p.token), json={
        "model": "echo-1", "messages": [{"role": "user", "content": message}]})
    assert r.status_code == 200, r.text
    assert all(v not in upstream.all_text() for v in VALUES)
    assert r.json()["choices"][0]["message"]["content"] == f"You said: {message}"
    assert calls == ["redact", "redact"]  # the input, then the reply (whose values were the caller's)


async def test_a_long_streamed_piece_is_filtered_through_the_pool_like_in_process(engine) -> None:
    pool = _Counting(None, workers=1, timeout=120.0, threshold=1000)
    try:
        reply = "Sure. " + dense(6_000, seed=12) + " Bye."
        pooled = OutputFilter(engine, Vault(), pool)
        guard = StreamGuard(lambda context, text: pooled.afinish(text, "0", context), pooled.aspans)
        streamed = await guard.afeed(reply[:10]) + await guard.afeed(reply[10:]) + await guard.aflush()
        local = OutputFilter(engine, Vault())
        sync = StreamGuard(lambda context, text: local.finish(text, "0", context), local.spans)
        expected = sync.feed(reply[:10]) + sync.feed(reply[10:]) + sync.flush()
        assert streamed == expected
        assert all(v not in streamed for v in VALUES)
        assert _Counting.calls >= 1
    finally:
        pool.close()
