"""Scoped prediction: the model only ever sees redacted input; the caller gets its own values back.

Contract and invariants:
- Every text a caller sends (predict input; every chat message's content, text parts, names and
  tool-call arguments) passes through the redaction engine with a per-request vault before any model
  sees it. The client's PII policy decides: `redact` (default) replaces values by `<TYPE_N>`
  placeholders, `block` refuses with 422 naming the entity types found, `allow` passes text unchanged.
- Model output is filtered: PII the model produced itself becomes `<TYPE>`, then the vault puts the
  caller's own values back. Only the placeholder form is ever kept for records.
- The vault lives for one request and is never logged or stored.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

from service.auth.principal import Principal
from service.errors import BadRequest, GatewayError, NotFound, PayloadTooLarge, Unprocessable
from service.kit.text import dumps_utf8
from service.prediction.client import UpstreamClient
from service.prediction.local import LocalModel
from service.prediction.registry import ModelSpec, Registry
from service.prediction.schemas import ChatCompletionRequest
from service.prediction.streaming import StreamGuard
from service.ratelimit import service as ratelimit_service
from service.redaction import service as redaction_service

PSEUDONYMIZE = redaction_service.OperatorSpec(type="pseudonymize")
# Request fields never forwarded: `user` is free text that often holds an e-mail address.
_DROP = frozenset({"user"})


class ModelNotFound(NotFound):
    error = "model_not_found"


class InputBlocked(Unprocessable):
    error = "pii_blocked"

    def __init__(self, types: list[str]) -> None:
        super().__init__("The input holds personal data of these types, and this client's policy blocks it: "
                         + ", ".join(types) + ".", extra={"entity_types": types})


DEFAULT_COMPLETION_TOKENS = 256


@dataclass
class PredictionRuntime:
    registry: Registry
    local: dict[str, LocalModel]
    upstream: UpstreamClient | None
    engine: redaction_service.RedactionEngine
    max_text_chars: int
    limiter: ratelimit_service.RateLimiter | None = None
    pool: redaction_service.OffloadPool | None = None  # long texts are redacted there, off the event loop

    async def reserve(self, principal: Principal, body: dict[str, Any]) -> ratelimit_service.TokenReservation | None:
        if self.limiter is None:
            return None
        completion = body.get("max_completion_tokens") or body.get("max_tokens") or DEFAULT_COMPLETION_TOKENS
        return await self.limiter.reserve_tokens(principal, estimate_tokens(body.get("messages", [])) + int(completion))

    async def settle(self, reservation: ratelimit_service.TokenReservation | None, usage: dict[str, int] | None,
                     fallback: int) -> None:
        if self.limiter is not None and reservation is not None:
            used = (usage or {}).get("total_tokens", fallback)
            await self.limiter.settle_tokens(reservation, used)


def estimate_tokens(value: Any) -> int:
    """About four characters per token, the usual rule of thumb for English text."""
    return -(-len(json.dumps(value, ensure_ascii=False)) // 4)


@dataclass
class Outcome:
    """What a prediction produced, for the response and for its record."""

    model: str
    output: dict[str, Any]
    input_counts: Counter[str] = field(default_factory=Counter)
    output_counts: Counter[str] = field(default_factory=Counter)
    redacted_input: Any = None
    redacted_output: Any = None
    usage: dict[str, int] | None = None

    def redactions(self) -> list[dict[str, Any]]:
        if not self.input_counts and not self.output_counts:
            return []
        return redaction_service.counts((self.input_counts + self.output_counts).elements())


def resolve_model(rt: PredictionRuntime, model_id: str | None) -> ModelSpec:
    spec = rt.registry.get(model_id)
    if spec is not None:
        if spec.backend == "openai" and rt.upstream is None:
            raise ModelNotFound("That model needs an upstream model server, and none is configured.")
        return spec
    if model_id and rt.upstream is not None:
        try:
            return ModelSpec(id=model_id, backend="openai", task="chat", upstream_model=model_id)
        except ValueError:  # not a model id at all (pydantic's ValidationError is a ValueError)
            raise ModelNotFound("No such model; GET /v1/models lists them.") from None
    raise ModelNotFound("No such model; GET /v1/models lists them.")


async def list_models(rt: PredictionRuntime) -> list[dict[str, Any]]:
    listed = [{"id": m.id, "owned_by": "gateway" if m.backend != "openai" else "upstream",
               "description": m.description or None, "backend": m.backend} for m in rt.registry.models.values()]
    if rt.upstream is not None:
        known = {m["id"] for m in listed}
        for m in await rt.upstream.list_models():
            if m["id"] not in known:
                listed.append({"id": m["id"], "owned_by": str(m.get("owned_by") or "upstream"),
                               "created": int(m.get("created") or 0), "backend": "openai"})
    return listed


class _Protector:
    """Applies the client's PII policy to every input text of one request, through one vault."""

    def __init__(self, rt: PredictionRuntime, principal: Principal) -> None:
        self.rt = rt
        self.policy = principal.pii_policy
        self.vault = redaction_service.Vault()
        self.counts: Counter[str] = Counter()
        self.chars = 0

    async def __call__(self, text: str) -> str:
        self.chars += len(text)
        if self.chars > self.rt.max_text_chars:
            raise PayloadTooLarge("The input text exceeds the configured maximum size.")
        if self.policy == "allow" or not text:
            return text
        result = await redaction_service.redact(self.rt.engine, text, operator=PSEUDONYMIZE, vault=self.vault,
                                                pool=self.rt.pool)
        self.counts.update(item.entity_type for item in result.items)
        return result.text

    def enforce(self) -> None:
        if self.policy == "block" and self.counts:
            raise InputBlocked(sorted(self.counts))

    def output_filter(self) -> redaction_service.OutputFilter | None:
        return None if self.policy == "allow" else redaction_service.OutputFilter(self.rt.engine, self.vault,
                                                                                   self.rt.pool)


# -- /v1/predict ------------------------------------------------------------------------------------
async def predict(rt: PredictionRuntime, principal: Principal, text: str, model_id: str | None,
                  parameters: dict[str, Any]) -> Outcome:
    spec = resolve_model(rt, model_id)
    protect = _Protector(rt, principal)
    redacted = await protect(text)
    protect.enforce()
    out_filter = protect.output_filter()
    if spec.backend == "openai":
        assert rt.upstream is not None
        body = {k: v for k, v in parameters.items() if k in ("temperature", "top_p", "max_tokens", "seed", "stop")}
        body.update(model=spec.upstream_model or spec.id, messages=[{"role": "user", "content": redacted}])
        reservation = await rt.reserve(principal, body)
        try:
            data = await rt.upstream.chat(body)
        except BaseException:
            await rt.settle(reservation, None, 0)
            raise
        await rt.settle(reservation, _usage(data), estimate_tokens(body["messages"]) + estimate_tokens(_message_text(data)))
        reply = _message_text(data)
        shown = await out_filter.afinish(reply) if out_filter else reply
        stored = out_filter.redacted_text() if out_filter else reply
        usage = _usage(data)
        outcome = Outcome(spec.id, {"text": shown}, protect.counts, out_filter.found if out_filter else Counter(),
                          redacted, {"text": stored}, usage)
        return outcome
    model = rt.local[spec.id]
    output = await model.predict(redacted, parameters)
    stored_output = output
    if "text" in output and out_filter:  # generated text: filter like a chat reply
        shown = await out_filter.afinish(str(output["text"]))
        stored_output = {**output, "text": out_filter.redacted_text()}
        output = {**output, "text": shown}
    return Outcome(spec.id, output, protect.counts, out_filter.found if out_filter else Counter(), redacted,
                   stored_output)


def _message_text(data: dict[str, Any]) -> str:
    try:
        content = data["choices"][0]["message"].get("content")
    except (KeyError, IndexError, TypeError, AttributeError):
        return ""
    return content if isinstance(content, str) else ""


def _usage(data: dict[str, Any]) -> dict[str, int] | None:
    usage = data.get("usage")
    if not isinstance(usage, dict):
        return None
    return {k: int(usage[k]) for k in ("prompt_tokens", "completion_tokens", "total_tokens")
            if isinstance(usage.get(k), int)}


# -- /v1/chat/completions ---------------------------------------------------------------------------
async def _protect_messages(protect: _Protector, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for message in messages:
        message = dict(message)
        content = message.get("content")
        if isinstance(content, str):
            message["content"] = await protect(content)
        elif isinstance(content, list):
            parts = []
            for part in content:
                if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str):
                    part = {**part, "text": await protect(part["text"])}
                parts.append(part)
            message["content"] = parts
        if isinstance(message.get("name"), str):
            message["name"] = await protect(message["name"])
        calls = message.get("tool_calls")
        if isinstance(calls, list):
            new_calls = []
            for call in calls:
                fn = call.get("function") if isinstance(call, dict) else None
                if isinstance(fn, dict) and isinstance(fn.get("arguments"), str):
                    call = {**call, "function": {**fn, "arguments": await protect(fn["arguments"])}}
                new_calls.append(call)
            message["tool_calls"] = new_calls
        out.append(message)
    return out


@dataclass
class ChatContext:
    spec: ModelSpec
    protect: _Protector
    out_filter: redaction_service.OutputFilter | None
    upstream_body: dict[str, Any]
    redacted_messages: list[dict[str, Any]]
    reservation: ratelimit_service.TokenReservation | None = None
    started: float = field(default_factory=time.perf_counter)


async def prepare_chat(rt: PredictionRuntime, principal: Principal, request: ChatCompletionRequest) -> ChatContext:
    spec = resolve_model(rt, request.model)
    if spec.backend != "openai":
        raise BadRequest("That model is not a chat model; use /v1/predict.")
    protect = _Protector(rt, principal)
    raw = request.model_dump(exclude_none=True)
    messages = await _protect_messages(protect, raw.pop("messages"))
    protect.enforce()
    body = {k: v for k, v in raw.items() if k not in _DROP}
    body["model"] = spec.upstream_model or spec.id
    body["messages"] = messages
    reservation = await rt.reserve(principal, body)
    return ChatContext(spec, protect, protect.output_filter(), body, messages, reservation)


async def chat(rt: PredictionRuntime, ctx: ChatContext) -> tuple[dict[str, Any], Outcome]:
    assert rt.upstream is not None
    try:
        data = await rt.upstream.chat({**ctx.upstream_body, "stream": False})
    except BaseException:
        await rt.settle(ctx.reservation, None, 0)
        raise
    await rt.settle(ctx.reservation, _usage(data), estimate_tokens(ctx.redacted_messages) + estimate_tokens(data))
    f = ctx.out_filter
    stored_choices = []
    for choice in data.get("choices", []):
        message = choice.get("message") if isinstance(choice, dict) else None
        if not isinstance(message, dict):
            continue
        channel = str(choice.get("index", 0))
        if isinstance(message.get("content"), str) and f:
            message["content"] = await f.afinish(message["content"], channel)
        for j, call in enumerate(message.get("tool_calls") or []):
            fn = call.get("function") if isinstance(call, dict) else None
            if isinstance(fn, dict) and isinstance(fn.get("arguments"), str) and f:
                fn["arguments"] = await f.afinish(fn["arguments"], f"{channel}.tool{j}")
        stored_choices.append({"index": channel, "content": f.redacted_text(channel) if f else message.get("content")})
    data["model"] = ctx.spec.id
    outcome = Outcome(ctx.spec.id, {}, ctx.protect.counts, f.found if f else Counter(),
                      ctx.redacted_messages, {"choices": stored_choices}, _usage(data))
    return data, outcome


def stream_error(exc: GatewayError) -> dict[str, Any]:
    """The event that ends a stream on an error: OpenAI's streaming error shape, our fixed texts only."""
    kind = "server_error" if exc.status_code >= 500 else "invalid_request_error"
    return {"error": {"message": exc.detail, "type": kind, "param": None, "code": exc.error}}


async def open_chat_stream(rt: PredictionRuntime, ctx: ChatContext, include_usage: bool
                           ) -> tuple[AsyncIterator[bytes], Outcome]:
    """Open the upstream stream (errors surface here, before any byte is sent) and return the
    caller-facing SSE byte stream. The `Outcome` is complete once the stream is exhausted."""
    assert rt.upstream is not None
    stack = AsyncExitStack()
    body = {**ctx.upstream_body, "stream": True, "stream_options": {"include_usage": True}}
    try:
        lines = await stack.enter_async_context(rt.upstream.stream_chat(body))
    except BaseException:
        await rt.settle(ctx.reservation, None, 0)
        raise
    streamed_chars = [0]
    f = ctx.out_filter
    outcome = Outcome(ctx.spec.id, {}, ctx.protect.counts, f.found if f else Counter(), ctx.redacted_messages)
    guards: dict[str, StreamGuard] = {}
    passthrough: dict[str, list[str]] = {}

    def guard(channel: str) -> StreamGuard | None:
        if f is None:
            return None
        if channel not in guards:
            guards[channel] = StreamGuard(lambda context, text: f.afinish(text, channel, context), f.aspans)
        return guards[channel]

    async def feed(channel: str, text: str) -> str:
        g = guard(channel)
        if g is None:
            passthrough.setdefault(channel, []).append(text)
            return text
        return await g.afeed(text)

    async def flush_choice(index: str) -> tuple[str, dict[int, str]]:
        content = await guards.pop(index).aflush() if index in guards else ""
        tools = {}
        for channel in [c for c in guards if c.startswith(f"{index}.tool")]:
            tools[int(channel.rsplit("tool", 1)[1])] = await guards.pop(channel).aflush()
        return content, tools

    def sse(obj: dict[str, Any]) -> bytes:
        return b"data: " + dumps_utf8(obj) + b"\n\n"

    async def generate() -> AsyncIterator[bytes]:
        template: dict[str, Any] = {}
        try:
            async for line in lines:
                if not line.startswith("data:"):
                    continue
                payload = line[5:].strip()
                if payload == "[DONE]":
                    break
                try:
                    chunk = json.loads(payload)
                except ValueError:
                    continue
                if not isinstance(chunk, dict):
                    continue
                template = {k: chunk[k] for k in ("id", "object", "created") if k in chunk}
                chunk["model"] = ctx.spec.id
                streamed_chars[0] += len(payload)
                if isinstance(chunk.get("usage"), dict):
                    outcome.usage = _usage(chunk)
                    if not include_usage:
                        chunk.pop("usage")
                        if not chunk.get("choices"):
                            continue
                for choice in chunk.get("choices") or []:
                    index = str(choice.get("index", 0))
                    delta = choice.get("delta") or {}
                    if isinstance(delta.get("content"), str):
                        delta["content"] = await feed(index, delta["content"])
                    for call in delta.get("tool_calls") or []:
                        fn = call.get("function") if isinstance(call, dict) else None
                        if isinstance(fn, dict) and isinstance(fn.get("arguments"), str):
                            fn["arguments"] = await feed(f"{index}.tool{call.get('index', 0)}", fn["arguments"])
                    if choice.get("finish_reason") and f is not None:
                        rest, tools = await flush_choice(index)
                        if rest:
                            delta["content"] = (delta.get("content") or "") + rest
                        for tool_index, text in tools.items():
                            if text:
                                delta.setdefault("tool_calls", []).append(
                                    {"index": tool_index, "function": {"arguments": text}})
                        choice["delta"] = delta
                yield sse(chunk)
            # whatever a choice without finish_reason still holds
            for index in sorted({c.split(".")[0] for c in guards}):
                rest, tools = await flush_choice(index)
                delta: dict[str, Any] = {}
                if rest:
                    delta["content"] = rest
                if tools:
                    delta["tool_calls"] = [{"index": i, "function": {"arguments": t}} for i, t in tools.items() if t]
                if delta:
                    yield sse({**template, "model": ctx.spec.id, "choices": [{"index": int(index), "delta": delta,
                                                                             "finish_reason": None}]})
            choices = sorted(set(f.redacted) if f else set(passthrough))
            outcome.redacted_output = {"choices": [
                {"index": c, "content": f.redacted_text(c) if f else "".join(passthrough[c])} for c in choices]}
            yield b"data: [DONE]\n\n"
        except redaction_service.RedactionTimeout as exc:
            # Model output that could not be redacted in time is never sent: the stream ends here with
            # OpenAI's streaming error event (no [DONE]; the record notes an interrupted stream).
            yield sse(stream_error(exc))
        finally:
            await stack.aclose()
            await rt.settle(ctx.reservation, outcome.usage,
                            estimate_tokens(ctx.redacted_messages) + streamed_chars[0] // 16)

    return generate(), outcome
