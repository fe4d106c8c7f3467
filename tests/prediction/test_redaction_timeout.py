"""A redaction deadline missed in the middle of a streamed reply ends the stream with OpenAI's streaming error
event and never sends the text that could not be redacted; every route that redacts documents its 503
`redaction_timeout` problem in /openapi.json.

The stream runs against a real OpenAI-compatible server on 127.0.0.1 (tests/fixtures/upstream.py, with a reply
of this file's own), and the deadline is missed by order of events: a worker holds any text with the mark
(tests/redaction/offload_hold.py) and is never released, so only the pool's deadline can end the call.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from tests.fixtures import upstream as upstream_fixture
from tests.fixtures.principals import bearer, get_token, make_client
from tests.fixtures.upstream import UPSTREAM_KEY, UpstreamServer
from tests.redaction.offload_hold import hold_workers

MARK = "holdco"  # in the model-made address below: the piece that carries it is held past the deadline
MADE_UP = f"dana.vole@{MARK}-mail.net"
REPLY = f"Sure, the contact from the staff directory that you asked for is: {MADE_UP}, ok. Anything else?"


def _reply_app(state: upstream_fixture.Upstream) -> Starlette:
    """One model that streams REPLY in 3-character chunks, as the shared test upstream does."""

    async def chat(request: Request) -> Response:
        body = await request.json()
        state.calls += 1
        base = {"id": "chatcmpl-held", "object": "chat.completion.chunk", "created": int(time.time()),
                "model": body.get("model")}

        async def events():
            for i in range(0, len(REPLY), 3):
                choice = {"index": 0, "delta": {"content": REPLY[i:i + 3]}, "finish_reason": None}
                yield f"data: {json.dumps({**base, 'choices': [choice]})}\n\n"
                await asyncio.sleep(0)
            yield f"data: {json.dumps({**base, 'choices': [{'index': 0, 'delta': {}, 'finish_reason': 'stop'}]})}\n\n"
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return Starlette(routes=[Route("/v1/chat/completions", chat, methods=["POST"])])


@pytest.fixture(scope="module")
def replying_upstream():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(upstream_fixture, "build_app", _reply_app)
        server = UpstreamServer()
    with server as state:
        yield state


def _events(body: str) -> list[str]:
    return [block[len("data: "):] for block in body.split("\n\n") if block.startswith("data: ")]


async def test_a_deadline_missed_mid_stream_ends_it_with_an_error_event_and_sends_nothing_unredacted(
        start_app, make_settings, sqlite_url, replying_upstream, monkeypatch, tmp_path) -> None:
    hold_workers(monkeypatch, tmp_path, MARK)
    running = await start_app(make_settings(
        sqlite_url, upstream_url=replying_upstream.base_url, upstream_api_key=UPSTREAM_KEY, upstream_read_timeout=30.0,
        redaction_offload_chars=64, redaction_timeout_seconds=3.0))
    token = await get_token(running.client, await make_client(running.app, "predictor"))
    r = await running.client.post("/v1/chat/completions", headers=bearer(token), json={
        "model": "held-1", "stream": True, "messages": [{"role": "user", "content": "Who do I write to?"}]})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    assert (tmp_path / "received").exists()  # a worker got the piece with the address and held it
    events = _events(r.text)
    assert "[DONE]" not in events
    last = json.loads(events[-1])
    assert last == {"error": {"message": last["error"]["message"], "type": "server_error", "param": None,
                              "code": "redaction_timeout"}}
    sent = "".join(json.loads(e)["choices"][0]["delta"].get("content") or "" for e in events[:-1])
    assert sent and REPLY.startswith(sent)  # the stream was under way: what went out came before the address
    assert MARK not in r.text and "dana.vole" not in r.text


async def test_a_chat_message_past_the_deadline_is_a_503_problem_and_reaches_no_model(
        start_app, make_settings, sqlite_url, replying_upstream, monkeypatch, tmp_path) -> None:
    hold_workers(monkeypatch, tmp_path, MARK)
    running = await start_app(make_settings(
        sqlite_url, upstream_url=replying_upstream.base_url, upstream_api_key=UPSTREAM_KEY,
        redaction_offload_chars=64, redaction_timeout_seconds=3.0))
    token = await get_token(running.client, await make_client(running.app, "predictor"))
    calls = replying_upstream.calls
    message = f"Please forward this to {MADE_UP} and to Oluwaseun Adeyemi, phone +44 20 7946 0958, today."
    for stream in (False, True):
        r = await running.client.post("/v1/chat/completions", headers=bearer(token), json={
            "model": "held-1", "stream": stream, "messages": [{"role": "user", "content": message}]})
        assert r.status_code == 503 and r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["error"] == "redaction_timeout"
        assert "dana.vole" not in r.text and "Adeyemi" not in r.text and "7946" not in r.text
    assert (tmp_path / "received").exists()
    assert replying_upstream.calls == calls  # nothing reached the model


async def test_every_redacting_route_documents_its_503_redaction_timeout(start_app, make_settings,
                                                                       sqlite_url) -> None:
    running = await start_app(make_settings(sqlite_url))
    spec = (await running.client.get("/openapi.json")).json()
    for path in ("/v1/redact", "/v1/redact/batch", "/v1/predict", "/v1/chat/completions"):
        documented = spec["paths"][path]["post"]["responses"]["503"]
        assert "redaction_timeout" in documented["description"], path
        schema = documented["content"]["application/problem+json"]["schema"]
        assert {"type", "title", "status", "detail", "error"} <= set(schema["required"]), path
        assert schema["properties"]["error"]["examples"] == ["redaction_timeout"], path
        assert "Retry-After" in documented["headers"], path
    chat = spec["paths"]["/v1/chat/completions"]["post"]["description"]
    assert '"code": "redaction_timeout"' in chat and "server_error" in chat and "[DONE]" in chat
