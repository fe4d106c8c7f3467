"""The error hierarchy and the one place that turns errors into responses.

Every error leaves as RFC 9457 problem details (`application/problem+json`) carrying the request id.
Threat model: an error is the easiest channel for a leak, so no response ever includes an exception
message, a stack trace, SQL, a secret or the submitted text. Validation errors keep only the location,
a message and a type (pydantic's `input` and `ctx`, which echo what was sent, are dropped), and
unexpected exceptions are logged by type and location only and answered with a generic 500.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

logger = logging.getLogger("gateway.errors")

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://gateway.dev/problems/"


class GatewayError(Exception):
    """Base of every error the service raises on purpose. Subclasses fix status, code and title."""

    status_code: ClassVar[int] = 500
    error: ClassVar[str] = "internal_error"
    title: ClassVar[str] = "Internal Server Error"

    def __init__(self, detail: str | None = None, *, headers: dict[str, str] | None = None,
                 extra: dict[str, Any] | None = None) -> None:
        # `detail` must be written by us, never copied from input.
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.headers = headers or {}
        self.extra = extra or {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status_code}, error={self.error!r})"


class BadRequest(GatewayError):
    status_code, error, title = 400, "bad_request", "Bad Request"


class NotAuthenticated(GatewayError):
    status_code, error, title = 401, "invalid_token", "Unauthorized"


class Forbidden(GatewayError):
    status_code, error, title = 403, "forbidden", "Forbidden"


class NotFound(GatewayError):
    status_code, error, title = 404, "not_found", "Not Found"


class Conflict(GatewayError):
    status_code, error, title = 409, "conflict", "Conflict"


class PayloadTooLarge(GatewayError):
    status_code, error, title = 413, "payload_too_large", "Content Too Large"


class Unprocessable(GatewayError):
    status_code, error, title = 422, "unprocessable", "Unprocessable Content"


class TooManyRequests(GatewayError):
    status_code, error, title = 429, "rate_limited", "Too Many Requests"


class UpstreamFailed(GatewayError):
    status_code, error, title = 502, "upstream_error", "Bad Gateway"


class ServiceUnavailable(GatewayError):
    status_code, error, title = 503, "unavailable", "Service Unavailable"


class RedactionTimeout(ServiceUnavailable):
    """A text could not be redacted within GATEWAY_REDACTION_TIMEOUT_SECONDS. It is never passed on
    unredacted instead, and the problem carries nothing of it."""

    error = "redaction_timeout"

    def __init__(self) -> None:
        super().__init__("The text could not be redacted within the time limit; retry, or send less text.",
                         headers={"Retry-After": "1"})


def problem_openapi(description: str, error_code: str, *, retry_after: bool = False) -> dict[str, Any]:
    """An OpenAPI response entry whose body is the problem document this module sends (`error_code` set)."""
    entry: dict[str, Any] = {"description": description, "content": {PROBLEM_JSON: {"schema": {
        "type": "object", "required": ["type", "title", "status", "detail", "error"],
        "properties": {"type": {"type": "string", "format": "uri"}, "title": {"type": "string"},
                       "status": {"type": "integer"}, "detail": {"type": "string"},
                       "error": {"type": "string", "examples": [error_code]},
                       "request_id": {"type": ["string", "null"]}}}}}}
    if retry_after:
        entry["headers"] = {"Retry-After": {"description": "Seconds to wait before retrying",
                                            "schema": {"type": "integer"}}}
    return entry


# Every route that redacts: a text that cannot be redacted within the deadline is refused, never passed on.
REDACTION_TIMEOUT_RESPONSE: dict[int | str, dict[str, Any]] = {503: problem_openapi(
    "`redaction_timeout`: the text could not be redacted within GATEWAY_REDACTION_TIMEOUT_SECONDS; nothing "
    "of it is in the answer and nothing was passed on unredacted (other 503 codes: a dependency is unavailable)",
    RedactionTimeout.error, retry_after=True)}


class UpstreamTimeout(GatewayError):
    status_code, error, title = 504, "upstream_timeout", "Gateway Timeout"


_TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 406: "Not Acceptable", 409: "Conflict", 413: "Content Too Large",
           415: "Unsupported Media Type", 308: "Permanent Redirect", 422: "Unprocessable Content", 429: "Too Many Requests",
           500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}
_CODES = {400: "bad_request", 401: "invalid_token", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 406: "not_acceptable", 413: "payload_too_large",
          415: "unsupported_media_type", 422: "validation_error", 429: "rate_limited", 500: "internal_error",
          503: "unavailable"}


def request_id_of(request: Request) -> str | None:
    return request.scope.get("state", {}).get("request_id")


def problem_response(request: Request, status: int, *, detail: str | None = None, error: str | None = None,
                     title: str | None = None, headers: dict[str, str] | None = None,
                     extra: dict[str, Any] | None = None) -> Response:
    code = error or _CODES.get(status, "error")
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + code,
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail or title or _TITLES.get(status, "Error"),
        "error": code,
        "request_id": request_id_of(request),
    }
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


async def _gateway_error(request: Request, exc: GatewayError) -> Response:
    return problem_response(request, exc.status_code, detail=exc.detail, error=exc.error, title=exc.title,
                            headers=exc.headers, extra=exc.extra)


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    # Starlette's own messages ("Not Found", "Method Not Allowed") are fixed strings, never input.
    detail = exc.detail if isinstance(exc.detail, str) and exc.status_code in (404, 405, 413) else None
    return problem_response(request, exc.status_code, detail=detail, headers=getattr(exc, "headers", None))


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg", "invalid"), "type": e.get("type")}
              for e in exc.errors()[:20]]
    if any(e["type"] == "json_invalid" for e in errors):
        detail = "The request body is not valid JSON."
    else:
        detail = "The request does not match the expected schema."
    return problem_response(request, 422, detail=detail, extra={"errors": errors})


async def _database_error(request: Request, exc: Exception) -> Response:
    logger.error("database error", extra={"exc_type": type(exc).__name__})
    if isinstance(exc, IntegrityError):
        return problem_response(request, 409, error="conflict", detail="The change conflicts with existing data.")
    return problem_response(request, 503, detail="The database is unavailable; try again shortly.",
                            headers={"Retry-After": "1"})


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f"{tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}" if tb else "?"
    # Type and location only: exception messages may carry input, SQL or secrets.
    logger.error("unhandled exception", extra={"exc_type": type(exc).__name__, "where": where})
    return problem_response(request, 500, detail="An unexpected error occurred.")


def install_exception_handlers(app: FastAPI) -> None:
    app.add_exception_handler(GatewayError, _gateway_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(ConnectionError, _database_error)
    app.add_exception_handler(TimeoutError, _database_error)
    app.add_exception_handler(Exception, _unexpected_error)
