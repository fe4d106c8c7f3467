"""The chat proxy and /v1/predict against a real OpenAI-compatible server: no PII ever reaches it."""

from __future__ import annotations

import asyncio
import json
import time
from contextlib import asynccontextmanager

import httpx
import pytest

from tests.fixtures.principals import bearer, get_token, make_client
from tests.fixtures.upstream import UPSTREAM_KEY

PII = {
    "PERSON": "Maria Gonzalez",
    "EMAIL_ADDRESS": "maria.gonzalez@example.org",
    "PHONE_NUMBER": "+1 415 555 0132",
    "CREDIT_CARD": "4111 1111 1111 1111",
    "IBAN_CODE": "DE89 3704 0044 0532 0130 00",
    "SECRET": "ghp_R8mX2kQ9vL4nT7wZ1bY6cH3jF5dS0aE2uP8o",
}
PROMPT = (f"Hi, this is {PII['PERSON']}. My email is {PII['EMAIL_ADDRESS']}, phone {PII['PHONE_NUMBER']}, "
          f"card {PII['CREDIT_CARD']}, IBAN {PII['IBAN_CODE']}, and my token {PII['SECRET']}.")


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def assert_no_pii(text: str) -> None:
    squashed = _squash(text)
    for kind, value in PII.items():
        assert _squash(value) not in squashed, f"{kind} reached the upstream"


@pytest.fixture
async def proxy(start_app, make_settings, sqlite_url, upstream):
    settings = make_settings(sqlite_url, upstream_url=upstream.base_url, upstream_api_key=UPSTREAM_KEY,
                             upstream_read_timeout=1.0, upstream_retries=2)
    running = await start_app(settings)
    creds = await make_client(running.app, "predictor")
    token = await get_token(running.client, creds)
    running.token = token
    running.creds = creds
    return running


class TestChatPlain:
    async def test_upstream_never_sees_pii_and_caller_gets_it_back(self, proxy, upstream) -> None:
        r = await proxy.client.post("/v1/chat/completions", headers=bearer(proxy.token), json={
            "model": "echo-1", "messages": [{"role": "system", "content": "Be brief."},
                                            {"role": "user", "content": PROMPT}]})
        assert r.status_code == 200, r.text
        assert_no_pii(upstream.all_text())
        sent = upstream.received[-1]["body"]["messages"][1]["content"]
        assert "<PERSON_1>" in sent and "<EMAIL_ADDRESS_1>" in sent
        assert r.json()["choices"][0]["message"]["content"] == f"You said: {PROMPT}"
        assert r.json()["model"] == "echo-1"

    async def test_credentials_do_not_cross_the_gateway(self, proxy, upstream) -> None:
        r = await proxy.client.post("/v1/chat/completions", headers=bearer(proxy.token), json={
            "model": "echo-1", "messages": [{"role": "user", "content": "hello"}]})
        received = upstream.received[-1]["headers"]
        assert received["authorization"] == f"Bearer {UPSTREAM_KEY}"
        assert proxy.token not in json.dumps(upstream.received)
        assert UPSTREAM_KEY not in r.text and UPSTREAM_KEY not in json.dumps(dict(r.headers))
        assert "x-upstream-secret" not in r.headers

    async def test_content_parts_names_and_tool_arguments_are_protected(self, proxy, upstream) -> None:
        r = await proxy.client.post("/v1/chat/completions", headers=bearer(proxy.token), json={
            "model": "tool-1", "messages": [
                {"role": "user", "name": "maria", "content": [{"type": "text", "text": PROMPT}]},
                {"role": "assistant", "content": None, "tool_calls": [{"id": "c0", "type": "function", "function": {
                    "name": "send", "arguments": json.dumps({"to": PII["EMAIL_ADDRESS"]})}}]},
                {"role": "tool", "tool_call_id": "c0", "content": f"sent to {PII['PHONE_NUMBER']}"},
                {"role": "user", "content": f"Now look up {PII['PERSON']}"}]})
        assert r.status_code == 200, r.text
        assert_no_pii(upstream.all_text())
        args = json.loads(r.json()["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"])
        assert args["query"] == f"You said: Now look up {PII['PERSON']}"

    async def test_pii_the_model_makes_up_is_redacted(self, proxy, upstream) -> None:
        r = await proxy.client.post("/v1/chat/completions", headers=bearer(proxy.token), json={
            "model": "leaky-1", "messages": [{"role": "user", "content": "who do I contact?"}]})
        content = r.json()["choices"][0]["message"]["content"]
        assert "jane.doe" not in content and "7946" not in content
        assert "<EMAIL_ADDRESS>" in content and "<PHONE_NUMBER>" in content

    async def test_unknown_fields_pass_through_and_user_is_dropped(self, proxy, upstream) -> None:
        await proxy.client.post("/v1/chat/completions", headers=bearer(proxy.token), json={
            "model": "echo-1", "messages": [{"role": "user", "content": "hi"}], "temperature": 0.2,
            "user": PII["EMAIL_ADDRESS"], "seed": 7})
        body = upstream.received[-1]["body"]
        assert body["temperature"] == 0.2 and body["seed"] == 7 and "user" not in body


class TestChatStreaming:
    async def _stream(self, proxy, payload) -> tuple[list[dict], str]:
        chunks, text, done = [], "", False
        async with proxy.client.stream("POST", "/v1/chat/completions", headers=bearer(proxy.token),
                                       json={**payload, "stream": True}) as r:
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("text/event-stream")
            async for line in r.aiter_lines():
                done = done or line == "data: [DONE]"
                if line.startswith("data: ") and line != "data: [DONE]":
                    chunk = json.loads(line[6:])
                    chunks.append(chunk)
                    for choice in chunk.get("choices", []):
                        text += (choice.get("delta") or {}).get("content") or ""
            assert done
        return chunks, text

    async def test_streamed_reply_restores_values_split_across_chunks(self, proxy, upstream) -> None:
        chunks, text = await self._stream(proxy, {"model": "echo-1", "messages": [{"role": "user", "content": PROMPT}]})
        assert_no_pii(upstream.all_text())
        assert text == f"You said: {PROMPT}"
        assert chunks[0]["choices"][0]["delta"] == {"role": "assistant"}
        assert sum(1 for c in chunks if (c["choices"] or [{}])[0].get("delta", {}).get("content")) > 3

    async def test_streamed_model_made_pii_is_redacted(self, proxy, upstream) -> None:
        _, text = await self._stream(proxy, {"model": "leaky-1", "messages": [{"role": "user", "content": "who?"}]})
        assert "jane.doe" not in text and "7946" not in text and "<EMAIL_ADDRESS>" in text

    async def test_streamed_tool_arguments_are_restored(self, proxy, upstream) -> None:
        chunks, _ = await self._stream(proxy, {"model": "tool-1", "messages": [
            {"role": "user", "content": f"find {PII['EMAIL_ADDRESS']}"}]})
        args = "".join(tc["function"].get("arguments", "") for c in chunks for ch in c["choices"]
                       for tc in (ch.get("delta") or {}).get("tool_calls") or [])
        assert json.loads(args)["query"] == f"You said: find {PII['EMAIL_ADDRESS']}"
        assert_no_pii(upstream.all_text())

    async def test_usage_is_forwarded_only_when_asked(self, proxy, upstream) -> None:
        chunks, _ = await self._stream(proxy, {"model": "echo-1", "messages": [{"role": "user", "content": "hi"}]})
        assert not any("usage" in c for c in chunks)
        assert upstream.received[-1]["body"]["stream_options"] == {"include_usage": True}
        chunks, _ = await self._stream(proxy, {"model": "echo-1", "messages": [{"role": "user", "content": "hi"}],
                                               "stream_options": {"include_usage": True}})
        assert any(c.get("usage", {}).get("total_tokens") for c in chunks)


class TestPolicies:
    async def test_block_policy_refuses_with_the_entity_types(self, proxy, upstream) -> None:
        creds = await make_client(proxy.app, "predictor", pii_policy="block")
        token = await get_token(proxy.client, creds)
        r = await proxy.client.post("/v1/chat/completions", headers=bearer(token), json={
            "model": "echo-1", "messages": [{"role": "user", "content": PROMPT}]})
        assert r.status_code == 422 and r.json()["error"] == "pii_blocked"
        assert set(r.json()["entity_types"]) == set(PII)
        assert PII["EMAIL_ADDRESS"] not in r.text
        assert upstream.received == []

    async def test_allow_policy_passes_text_unchanged(self, proxy, upstream) -> None:
        creds = await make_client(proxy.app, "predictor", pii_policy="allow")
        token = await get_token(proxy.client, creds)
        await proxy.client.post("/v1/chat/completions", headers=bearer(token), json={
            "model": "echo-1", "messages": [{"role": "user", "content": PROMPT}]})
        assert upstream.received[-1]["body"]["messages"][0]["content"] == PROMPT

    async def test_redactor_cannot_call_the_proxy(self, proxy) -> None:
        token = await get_token(proxy.client, await make_client(proxy.app, "redactor"))
        r = await proxy.client.post("/v1/chat/completions", headers=bearer(token), json={
            "model": "echo-1", "messages": [{"role": "user", "content": "hi"}]})
        assert r.status_code == 403


@asynccontextmanager
async def raw_upstream(handler, start_app, make_settings, sqlite_url, **settings):  # noqa: ANN001, ANN201
    """A gateway whose upstream is a bare TCP server running `handler`; yields (app, port)."""
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield await start_app(make_settings(sqlite_url, upstream_url=f"http://127.0.0.1:{port}/v1",
                                            upstream_api_key="k" * 20, **settings)), port
    finally:
        server.close()
        await server.wait_closed()


async def chat_as_new_client(running) -> httpx.Response:  # noqa: ANN001
    token = await get_token(running.client, await make_client(running.app, "predictor"))
    return await running.client.post("/v1/chat/completions", headers=bearer(token), json={
        "model": "echo-1", "messages": [{"role": "user", "content": "hi"}]})


class TestUpstreamFailures:
    async def test_upstream_500_becomes_502_without_internals(self, proxy) -> None:
        r = await proxy.client.post("/v1/chat/completions", headers=bearer(proxy.token), json={
            "model": "fail-500", "messages": [{"role": "user", "content": "hi"}]})
        assert r.status_code == 502 and r.headers["content-type"].startswith("application/problem+json")
        assert "canary" not in r.text and UPSTREAM_KEY not in r.text and "127.0.0.1" not in r.text

    async def test_slow_upstream_is_504_within_the_timeout(self, proxy) -> None:
        started = time.monotonic()
        r = await proxy.client.post("/v1/chat/completions", headers=bearer(proxy.token), json={
            "model": "slow-1", "messages": [{"role": "user", "content": "hi"}]})
        assert r.status_code == 504 and time.monotonic() - started < 2.5

    async def test_unreachable_upstream_is_502(self, start_app, make_settings, sqlite_url) -> None:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        running = await start_app(make_settings(sqlite_url, upstream_url=f"http://127.0.0.1:{port}/v1",
                                                upstream_api_key="k" * 20, upstream_retries=1))
        token = await get_token(running.client, await make_client(running.app, "predictor"))
        r = await running.client.post("/v1/chat/completions", headers=bearer(token), json={
            "model": "echo-1", "messages": [{"role": "user", "content": "hi"}]})
        assert r.status_code == 502 and str(port) not in r.text

    @pytest.mark.parametrize("answer", [b"", b"this is not HTTP\r\n\r\n", b"HTTP/1.1 200 OK\r\nBad Header\r\n\r\n"])
    async def test_upstream_that_hangs_up_or_garbles_its_answer_is_502_and_not_run_twice(
            self, start_app, make_settings, sqlite_url, answer: bytes) -> None:
        requests = 0

        async def upstream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            nonlocal requests
            await reader.readuntil(b"\r\n\r\n")  # the whole request head arrived: the model could run it
            requests += 1
            writer.write(answer)
            await writer.drain()
            writer.close()

        async with raw_upstream(upstream, start_app, make_settings, sqlite_url, upstream_retries=2) as (running, port):
            r = await chat_as_new_client(running)
        # not a timeout (504), not a 500, not retried (a retry could run the completion twice), nothing leaked
        assert r.status_code == 502 and requests == 1
        assert r.headers["content-type"].startswith("application/problem+json") and str(port) not in r.text

    async def test_an_upstream_cookie_is_never_sent_back(self, start_app, make_settings, sqlite_url) -> None:
        heads: list[bytes] = []
        reply = json.dumps({"id": "c", "object": "chat.completion", "created": 0, "model": "m", "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}]}).encode()

        async def upstream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            while True:  # keep-alive: several requests on one connection
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    break
                length = int(next((line.split(b":")[1] for line in head.split(b"\r\n")
                                   if line.lower().startswith(b"content-length:")), b"0"))
                await reader.readexactly(length)
                heads.append(head.lower())
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Set-Cookie: session=tenant-a-secret; Path=/\r\n"
                             b"Content-Length: " + str(len(reply)).encode() + b"\r\n\r\n" + reply)
                await writer.drain()
            writer.close()

        async with raw_upstream(upstream, start_app, make_settings, sqlite_url) as (running, _):
            for _ in range(2):  # two different clients, one after the other
                r = await chat_as_new_client(running)
                assert r.status_code == 200 and "tenant-a-secret" not in r.text and "set-cookie" not in r.headers
        assert len(heads) == 2 and not any(b"cookie:" in h for h in heads)

    async def test_503_is_retried(self, proxy, upstream) -> None:
        r = await proxy.client.post("/v1/chat/completions", headers=bearer(proxy.token), json={
            "model": "flaky-1", "messages": [{"role": "user", "content": "hi"}]})
        assert r.status_code == 200 and upstream.calls == 2


class TestPredictAndModels:
    async def test_models_lists_builtin_and_upstream_models(self, proxy) -> None:
        r = await proxy.client.get("/v1/models", headers=bearer(proxy.token))
        body = r.json()
        assert body["object"] == "list"
        ids = {m["id"] for m in body["data"]}
        assert {"sentiment", "echo-1", "leaky-1", "tool-1"} <= ids
        assert all(m["object"] == "model" for m in body["data"])

    async def test_predict_through_an_upstream_model_restores_values(self, proxy, upstream) -> None:
        r = await proxy.client.post("/v1/predict", headers=bearer(proxy.token),
                                    json={"input": PROMPT, "model": "echo-1"})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["output"]["text"] == f"You said: {PROMPT}"
        assert {e["entity_type"] for e in body["redactions"]} == set(PII)
        assert_no_pii(upstream.all_text())

    async def test_unknown_model_is_404(self, app_sqlite) -> None:
        token = await get_token(app_sqlite.client, await make_client(app_sqlite.app, "predictor"))
        r = await app_sqlite.client.post("/v1/predict", headers=bearer(token), json={"input": "x", "model": "nope"})
        assert r.status_code == 404 and r.json()["error"] == "model_not_found"


class TestTokenBudget:
    async def test_tokens_are_reserved_then_settled_against_real_usage(self, proxy, upstream) -> None:
        creds = await make_client(proxy.app, "predictor", tokens_per_minute=2800)
        token = await get_token(proxy.client, creds)
        codes = []
        for _ in range(3):
            r = await proxy.client.post("/v1/chat/completions", headers=bearer(token), json={
                "model": "echo-1", "max_tokens": 2000, "messages": [{"role": "user", "content": PROMPT * 5}]})
            codes.append(r.status_code)
        # each call reserves ~2,200 tokens but uses ~370: only settlement lets the second one in
        assert codes == [200, 200, 429]
        assert r.json()["error"] == "token_budget_exhausted" and int(r.headers["retry-after"]) >= 1

    async def test_a_request_larger_than_the_budget_is_422(self, proxy) -> None:
        creds = await make_client(proxy.app, "predictor", tokens_per_minute=100)
        token = await get_token(proxy.client, creds)
        r = await proxy.client.post("/v1/chat/completions", headers=bearer(token), json={
            "model": "echo-1", "messages": [{"role": "user", "content": PROMPT}]})
        assert r.status_code == 422 and r.json()["error"] == "token_budget_too_small"

    async def test_failed_calls_give_their_reservation_back(self, proxy) -> None:
        creds = await make_client(proxy.app, "predictor", tokens_per_minute=1000)
        token = await get_token(proxy.client, creds)
        for _ in range(5):  # each reserves ~300 tokens; a 502 returns them
            r = await proxy.client.post("/v1/chat/completions", headers=bearer(token), json={
                "model": "fail-500", "messages": [{"role": "user", "content": "hi"}]})
            assert r.status_code == 502

    async def test_streaming_settles_too(self, proxy, upstream) -> None:
        creds = await make_client(proxy.app, "predictor", tokens_per_minute=2800)
        token = await get_token(proxy.client, creds)
        codes = []
        for _ in range(3):
            async with proxy.client.stream("POST", "/v1/chat/completions", headers=bearer(token), json={
                    "model": "echo-1", "max_tokens": 2000, "stream": True,
                    "messages": [{"role": "user", "content": PROMPT * 5}]}) as r:
                codes.append(r.status_code)
                async for _ in r.aiter_lines():
                    pass
        assert codes == [200, 200, 429]


async def test_a_model_name_that_is_no_model_id_is_404_not_500(proxy) -> None:
    r = await proxy.client.post("/v1/chat/completions", headers=bearer(proxy.token), json={
        "model": "maria.gonzalez@example.org", "messages": [{"role": "user", "content": "hi"}]})
    assert r.status_code == 404 and r.json()["error"] == "model_not_found"
    assert "maria" not in r.text
