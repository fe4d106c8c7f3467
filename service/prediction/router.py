"""Data-plane routes for models: /v1/predict, /v1/models and the OpenAI-compatible chat proxy."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

from fastapi import Request
from starlette.responses import Response, StreamingResponse

from service.errors import REDACTION_TIMEOUT_RESPONSE, UpstreamFailed, UpstreamTimeout
from service.kit.text import dumps_utf8
from service.observability import metrics
from service.prediction import service as prediction_service
from service.prediction.guards import ModelsRead, PredictionInvoke
from service.prediction.schemas import ChatCompletionRequest, ModelList, ModelRead, PredictRequest, PredictResponse
from service.records import service as records_service
from service.routing import protected_router

router = protected_router(tags=["prediction"])


_OUTCOMES = ((prediction_service.InputBlocked, "blocked"), (UpstreamTimeout, "timeout"),
             (UpstreamFailed, "upstream_error"), (Exception, "error"))


class _observed:  # noqa: N801 - used as a function: `async with _observed(...)`
    """Prediction latency and outcome, by route template and backend name (never the caller). A class,
    not an `asynccontextmanager`: it wraps every prediction, and a generator-based one costs more."""

    __slots__ = ("_route", "_backend", "_started")

    def __init__(self, request: Request, route: str, model: str | None) -> None:
        rt = request.app.state.prediction
        spec = rt.registry.get(model)
        self._backend = spec.backend if spec else ("openai" if rt.upstream is not None else "unknown")
        self._route = route
        self._started = time.perf_counter()

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: object) -> bool:
        outcome = "ok" if exc is None else next((name for kind, name in _OUTCOMES if isinstance(exc, kind)), None)
        if outcome is not None:  # a cancellation is not a finished prediction
            metrics.observe_prediction(self._route, self._backend, time.perf_counter() - self._started, outcome)
        return False


def _observe_redactions(outcome: prediction_service.Outcome) -> None:
    metrics.observe_redaction_counts(outcome.input_counts, "input")
    metrics.observe_redaction_counts(outcome.output_counts, "output")


UPSTREAM_ERRORS = {502: {"description": "The model server failed"}, 504: {"description": "The model server timed out"},
                   422: {"description": "Invalid request, or input blocked by the client's PII policy"},
                   **REDACTION_TIMEOUT_RESPONSE}
STREAM_ERROR = (
    "With `stream: true` the answer is `text/event-stream` in OpenAI's format. When the model's output cannot be "
    "redacted within the deadline in the middle of a stream, the stream ends with one error event in OpenAI's "
    'streaming error shape instead of `data: [DONE]`: `data: {"error": {"message": "...", "type": "server_error", '
    '"param": null, "code": "redaction_timeout"}}`; the text that could not be redacted is never sent.')


@router.post("/v1/predict", operation_id="predict", responses=UPSTREAM_ERRORS, response_model=PredictResponse,
             summary="Run a model on redacted input")
async def predict(body: PredictRequest, request: Request, principal: PredictionInvoke) -> Response:
    rt = request.app.state.prediction
    started = time.perf_counter()
    async with records_service.record_request(request.app.state, principal, route="/v1/predict",
                                              model=body.model or rt.registry.default, started=started) as rec:
        rec.raw_input = body.input
        async with _observed(request, "/v1/predict", body.model):
            outcome = await prediction_service.predict(rt, principal, body.input, body.model, body.parameters)
        rec.outcome = outcome
        _observe_redactions(outcome)
    # Serialised once from plain values (the data plane's hot path; the schema is PredictResponse).
    return Response(dumps_utf8({"id": rec.record_id, "model": outcome.model, "output": outcome.output,
                                "redactions": outcome.redactions()}), media_type="application/json")


@router.get("/v1/models", operation_id="list_models", summary="The models this gateway serves")
async def list_models(request: Request, principal: ModelsRead) -> ModelList:
    models = await prediction_service.list_models(request.app.state.prediction)
    return ModelList(data=[ModelRead(**m) for m in models])


@router.post("/v1/chat/completions", operation_id="create_chat_completion", responses=UPSTREAM_ERRORS,
             summary="OpenAI-compatible chat completion (streaming included) with PII kept from the model",
             description=STREAM_ERROR)
async def create_chat_completion(body: ChatCompletionRequest, request: Request,
                                 principal: PredictionInvoke) -> Response:
    rt = request.app.state.prediction
    started = time.perf_counter()
    if not body.stream:
        async with records_service.record_request(request.app.state, principal, route="/v1/chat/completions",
                                                  model=body.model, started=started) as rec:
            async with _observed(request, "/v1/chat/completions", body.model):
                ctx = await prediction_service.prepare_chat(rt, principal, body)
                data, outcome = await prediction_service.chat(rt, ctx)
            rec.outcome = outcome
            _observe_redactions(outcome)
        return Response(dumps_utf8(data), media_type="application/json", headers={"X-Record-ID": rec.record_id})
    rec_cm = records_service.record_request(request.app.state, principal, route="/v1/chat/completions",
                                            model=body.model, started=started)
    rec = await rec_cm.__aenter__()
    try:
        ctx = await prediction_service.prepare_chat(rt, principal, body)
        include_usage = bool((getattr(body, "stream_options", None) or {}).get("include_usage"))
        chunks, outcome = await prediction_service.open_chat_stream(rt, ctx, include_usage)
    except BaseException as exc:
        await rec_cm.__aexit__(type(exc), exc, exc.__traceback__)
        raise

    async def body_stream() -> AsyncIterator[bytes]:
        done = False
        try:
            async for chunk in chunks:
                if chunk == b"data: [DONE]\n\n":
                    rec.outcome = outcome
                    _observe_redactions(outcome)
                    metrics.observe_prediction("/v1/chat/completions", "openai", time.perf_counter() - started, "ok")
                    await rec_cm.__aexit__(None, None, None)  # the record is committed before [DONE]
                    done = True
                yield chunk
        finally:
            if not done:
                await rec_cm.__aexit__(RuntimeError, RuntimeError("stream interrupted"), None)

    return StreamingResponse(body_stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no",
                                      "X-Record-ID": rec.record_id})
