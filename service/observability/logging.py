"""Structured logging: one pipeline every log record goes through, JSON lines on stdout.

Threat model: logs are copied to places with weaker access control than the database, so they must
never hold personal data, secrets, tokens or prompt text. The rule is that code logs identifiers and
numbers only (request id, route template, status, client id); this pipeline is the safety net behind
that rule, for the day someone forgets it. Every record, from our code, uvicorn or a library, passes
the same processors before it is written:

1. `event`: the message (formatted), a fixed set of record fields and whatever `extra=` passed; of an
   exception only its type, never its message or traceback (both can quote input).
2. `drop`: fields that by name carry request bodies, headers, query strings, credentials or text are
   removed, and any `?query` is cut from paths and URLs in the remaining values.
3. `mask`: every string value (and the message) loses whatever looks like a bearer token, a JWT, a
   `gk_` API key, an `sk-` provider key or a Basic credential, and then whatever the redaction engine
   recognises becomes `<TYPE>`. The engine is built once, lazily, on the first string that needs it;
   results of short strings are cached because the same route templates and messages repeat, and our
   own hex identifiers skip the engine (it finds nothing in them unless they hold a long digit run).
4. render: JSON (default) or a console line for development (`GATEWAY_LOG_FORMAT`).

`process` does steps 1-3 in one pass over the record (it runs for every line); `event`, `drop` and `mask` are
the same steps written one by one, kept as its specification: tests hold `process` equal to them. Integers of
seven digits or more are masked as text (they could be a card or a phone number); a caller's `extra` never
replaces the line's own fields.

If masking itself fails, the record is written as its level and logger with the message withheld.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import time
from typing import Any

from service.kit.crypto import generate_id
from service.kit.text import dumps_utf8

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}

# Field names whose values are never written, whatever they hold.
DROPPED_FIELDS = frozenset({
    "body", "request_body", "response_body", "content", "data", "form", "json", "payload",
    "headers", "header", "request_headers", "response_headers", "authorization", "cookie", "cookies",
    "set-cookie", "set_cookie", "query", "query_string", "querystring", "params", "query_params",
    "password", "secret", "client_secret", "token", "access_token", "refresh_token", "api_key", "credential",
    "text", "input", "output", "prompt", "messages", "completion",
    "color_message",  # uvicorn's ANSI-coloured duplicate of the message
})
_MAX_CHARS = 2000
_CACHE_LIMIT = 8192
_CACHEABLE = 256

_TOKENS = re.compile(
    r"(?i:bearer|basic)\s+[A-Za-z0-9._~+/=\-]{12,}"        # Authorization header values
    r"|eyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{4,}\.?[A-Za-z0-9_\-]*"  # JWTs (signed or not)
    r"|\bgk_[A-Za-z0-9_\-]{8,}"                             # our API keys
    r"|\bsk-[A-Za-z0-9_\-]{8,}"                             # provider keys (OpenAI style)
)
# Our own identifiers (request ids, record ids): nothing the engine looks for fits in them unless they
# hold a long run of digits, so those still go through it.
_OWN_ID = re.compile(r"[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_DIGIT_RUN = re.compile(r"\d{9}")
_QUERY = re.compile(r"(?<=[A-Za-z0-9_/.\-])\?[^\s\"'?]*=[^\s\"']*")


class _Masker:
    def __init__(self) -> None:
        self._engine: Any = None
        self._lock = threading.Lock()
        self._cache: dict[str, str] = {}
        self._local = threading.local()

    def engine(self) -> Any:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    from service.redaction.engine import RedactionEngine

                    self._engine = RedactionEngine.default()
        return self._engine

    def __call__(self, text: str) -> str:
        if not text:
            return text
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        if _OWN_ID.fullmatch(text) and not _DIGIT_RUN.search(text):
            return text  # (not cached: request and record ids are new on every line and would crowd it out)
        masked = self._mask(text)
        if len(text) <= _CACHEABLE:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[text] = masked
        return masked

    def _mask(self, text: str) -> str:
        value = text if len(text) <= _MAX_CHARS else text[:_MAX_CHARS] + "…"
        value = _TOKENS.sub("<SECRET>", value)
        value = _QUERY.sub("?<dropped>", value)
        if getattr(self._local, "busy", False):  # the engine itself logged: regexes only, no recursion
            return value
        self._local.busy = True
        try:
            return self.engine().redact(value).text
        finally:
            self._local.busy = False


mask_text = _Masker()


def new_request_id() -> str:
    """A random request id (32 hex digits) that `mask_text` passes as it is. About one such id in seven
    holds a run of nine digits, which the masker must hand to the redaction engine (the run could be a
    phone number or an SSN) on every log line that carries it; drawing again is far cheaper than that."""
    while True:
        request_id = generate_id(16)
        if _DIGIT_RUN.search(request_id) is None:
            return request_id


def event(record: logging.LogRecord) -> dict[str, Any]:
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a bad format string must not lose the line
        message = str(record.msg)
    entry: dict[str, Any] = {
        "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
        "level": record.levelname.lower(),
        "logger": record.name,
        "msg": message,
    }
    for key, value in record.__dict__.items():
        if key not in _STANDARD and not key.startswith("_") and key not in _OWN_FIELDS:
            entry[key] = value
    if record.exc_info and record.exc_info[0] is not None:
        entry["exc_type"] = record.exc_info[0].__name__
    return entry


def drop(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k.lower() not in DROPPED_FIELDS}


def mask(entry: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in entry.items():
        if (value is None or isinstance(value, (bool, int, float))) and not _long_int(value):
            out[key] = value
        elif key in ("ts", "level"):
            out[key] = value
        else:
            out[key] = mask_text(value if isinstance(value, str) else str(value))
    return out


# A caller's `extra` may not replace the line's own fields (an extra "ts" or "level" was written unmasked)
_OWN_FIELDS = frozenset(("ts", "level", "logger", "msg"))
_SKIPPED = _STANDARD | DROPPED_FIELDS | _OWN_FIELDS  # record attributes that never become fields as they are
_RAW = (type(None), bool, int, float)  # values written as they are (JSON numbers, booleans and null)...


def _long_int(value: object) -> bool:
    """...except an integer of seven digits or more, which could be a phone, an SSN or a card number: it is
    masked as text like any other value (a count or a size of that length stays as its digits)."""
    return type(value) is int and not -1_000_000 < value < 1_000_000
_last_second: tuple[int, str] = (-1, "")  # the last whole second `_timestamp` formatted, and its text


def _timestamp(record: logging.LogRecord) -> str:
    """`event`'s "ts" with one strftime per second instead of one per line."""
    global _last_second
    whole = int(record.created)
    last = _last_second
    if last[0] != whole:
        last = _last_second = (whole, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)))
    return f"{last[1]}.{int(record.msecs):03d}Z"


def process(record: logging.LogRecord) -> dict[str, Any]:
    """The whole pipeline short of rendering; on any failure, a line without message or fields.

    `mask(drop(event(record)))` in one pass over the record (it runs for every line, the access line
    of every request included); tests/observability/test_log_pipeline.py holds them equal."""
    try:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not lose the line
            message = str(record.msg)
        out: dict[str, Any] = {"ts": _timestamp(record), "level": record.levelname.lower(),
                               "logger": mask_text(record.name), "msg": mask_text(message)}
        for key, value in record.__dict__.items():
            if key in _SKIPPED or key[:1] == "_" or key.lower() in DROPPED_FIELDS:
                continue
            if isinstance(value, _RAW) and not _long_int(value):
                out[key] = value
            else:
                out[key] = mask_text(value if isinstance(value, str) else str(value))
        if record.exc_info and record.exc_info[0] is not None:
            out["exc_type"] = mask_text(record.exc_info[0].__name__)
        return out
    except Exception as exc:  # noqa: BLE001 - never let a log call break a request, never leak
        return {"ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
                "level": record.levelname.lower(), "logger": record.name, "msg": "<withheld: masking failed>",
                "mask_error": type(exc).__name__}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return dumps_utf8(process(record)).decode("utf-8")  # (a lone surrogate written escaped: the line stays writable)


class SafeStreamHandler(logging.StreamHandler):
    """A stream handler whose failures say nothing of the record. The standard `handleError` prints the
    record's message and arguments to stderr, unmasked: a line the stream cannot encode would leak there."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        if logging.raiseExceptions and sys.stderr:
            exc = sys.exc_info()[1]
            sys.stderr.write(f"gateway logging: a {record.levelname.lower()} line from {record.name} could not be "
                             f"written ({type(exc).__name__ if exc else 'error'})\n")


class ConsoleFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = process(record)
        ts = time.strftime("%H:%M:%S", time.localtime(record.created))
        head = {"ts", "level", "logger", "msg"}
        extras = " ".join(f"{k}={v}" for k, v in entry.items() if k not in head)
        return f"{ts} {record.levelname:<7} {entry['logger']}: {entry['msg']} {extras}".rstrip()


def formatter_for(fmt: str) -> logging.Formatter:
    return ConsoleFormatter() if fmt == "console" else JsonFormatter()


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    handler = SafeStreamHandler(sys.stdout)
    handler.setFormatter(formatter_for(fmt))
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_gateway", False):
            root.removeHandler(old)
    handler._gateway = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    # uvicorn's loggers propagate to ours; its access log is replaced by the request log line.
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    for noisy in ("sqlalchemy", "aiosqlite", "asyncio", "httpx", "httpcore", "alembic", "multipart",
                  "python_multipart"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    # Anything that bypasses a handler (warnings, a thread's uncaught exception) still goes through us.
    logging.captureWarnings(True)
    # What no line of ours writes (source file and line, thread, process: all in _STANDARD, never
    # output) need not be collected for every record: the logging HOWTO's "Optimization" switches.
    logging._srcfile = None  # type: ignore[attr-defined]
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


def uvicorn_log_config(level: str, fmt: str) -> dict[str, Any]:
    """A dictConfig for the uvicorn supervisor process, so even its start-up lines go through the pipeline."""
    cls = "service.observability.logging.ConsoleFormatter" if fmt == "console" else \
        "service.observability.logging.JsonFormatter"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"gateway": {"()": cls}},
        "handlers": {"stdout": {"class": "service.observability.logging.SafeStreamHandler", "formatter": "gateway",
                               "stream": "ext://sys.stdout"}},
        "loggers": {
            "uvicorn": {"handlers": ["stdout"], "level": level, "propagate": False},
            "uvicorn.error": {"handlers": ["stdout"], "level": level, "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
    }
