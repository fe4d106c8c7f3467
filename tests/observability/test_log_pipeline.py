"""`logging.process` (one pass over a record) writes exactly what the three steps it fuses,
`mask(drop(event(record)))`, write: for every kind of field, value, message and exception."""

from __future__ import annotations

import logging
import sys

import pytest

from service.observability import logging as gl
from service.observability.logging import drop, event, mask, mask_text, new_request_id, process


class _Text(str):
    def __str__(self) -> str:
        return "str of a str subclass"


class _Obj:
    def __repr__(self) -> str:
        return "obj maria.garcia@example.com"


def _record(msg: object = "request", args: tuple = (), exc: bool = False, created: float | None = None,
            name: str = "gateway.access", **extra: object) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("secret value maria.garcia@example.com")
        except ValueError:
            exc_info = sys.exc_info()
    record = logging.getLogger(name).makeRecord(name, logging.INFO, __file__, 1, msg, args, exc_info,
                                                extra=extra or None)
    if created is not None:
        record.created, record.msecs = created, (created - int(created)) * 1000
    return record


RECORDS = [
    lambda: _record(request_id=new_request_id(), method="POST", route="/v1/redact", status=200, latency_ms=0.57,
                    principal="c_0123456789abcdef"),
    lambda: _record("user %s wrote", ("maria.garcia@example.com",), status=None, ok=True, ratio=0.5),
    lambda: _record("call %d %s", ("oops",)),  # a bad format string
    lambda: _record("Bearer abcdefghijklmnopqrstuvwxyz0123", ()),
    lambda: _record(body="raw", Body="raw", HEADERS="h", Authorization="Bearer x", text="t", token="gk_x"),
    lambda: _record(ts="maria.garcia@example.com", level="custom", logger="override +1 415 555 0132"),
    lambda: _record(exc=True, exc_type="given", where="x.py:1"),
    lambda: _record(exc=True),
    lambda: _record(sub=_Text("Maria Garcia"), obj=_Obj(), items=["a", "maria.garcia@example.com"], d={"k": 1}),
    lambda: _record(path="/v1/records?client=maria.garcia@example.com", empty="", big=10**30, neg=-1.5),
    lambda: _record(name="uvicorn.error", msg="Started server process [%d]", args=(4242,)),
    lambda: _record(created=1_700_000_000.999, id="0f" * 16),
    lambda: _record(created=1_700_000_001.0),
    lambda: _record(created=1_700_000_001.0005),
    lambda: _record(created=86_399.25),
]


@pytest.mark.parametrize("make", RECORDS)
def test_process_writes_what_the_three_steps_write(make) -> None:
    record = make()
    assert process(record) == mask(drop(event(record)))
    assert list(process(record)) == list(mask(drop(event(record))))  # the same order of fields


def test_timestamps_across_seconds_are_those_of_event() -> None:
    for created in (1.0, 1.0004, 1.9996, 2.0, 59.999, 60.0, 1_733_400_000.5, 1_733_400_000.5, 1_733_400_001.25):
        record = _record(created=created)
        assert process(record)["ts"] == event(record)["ts"]


def test_own_identifiers_pass_the_masker_without_filling_its_cache() -> None:
    gl.mask_text._cache.clear()
    ids = [new_request_id() for _ in range(100)]
    assert [mask_text(i) for i in ids] == ids
    assert not gl.mask_text._cache
    long_digits = "0123456789" + "a" * 22  # nine digits in a row: could be a number, so it is scanned
    assert mask_text(long_digits) == gl.mask_text._mask(long_digits)


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_an_unwritable_line_leaks_nothing_to_stderr(fmt, capsys) -> None:
    """A lone surrogate cannot be encoded for a UTF-8 stream; the standard handler then printed the record's
    message and arguments, unmasked, to stderr. The JSON line is written escaped; the console line fails
    and stderr says only that a line was lost."""
    import io

    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", write_through=True)
    handler = gl.SafeStreamHandler(stream)
    handler.setFormatter(gl.formatter_for(fmt))
    logger = logging.getLogger(f"test.surrogate.{fmt}")
    logger.propagate, logger.handlers = False, [handler]
    secret = "sk-abcdefghijklmnop alice@example.com"
    logger.warning("bad path %s", "/v1/x\ud800?token=" + secret)
    written = stream.buffer.getvalue().decode("utf-8")
    err = capsys.readouterr().err
    assert "abcdefghijklmnop" not in written + err and "alice@example.com" not in written + err
    if fmt == "json":
        assert "\\ud800" in written and written.endswith("\n")
    else:
        assert "could not be written" in err


def test_extras_cannot_replace_the_lines_own_fields() -> None:
    """An extra named like one of the line's fields was written in its place, unmasked."""
    record = _record(ts="Call Alice Smith at 212-555-0143", level={"prompt": "my SSN is 123-45-6789"},
                     logger="alice@example.com")
    line = process(record)
    assert line["level"] == "info" and line["ts"].endswith("Z") and line["logger"] == record.name
    text = repr(line)
    assert "212-555-0143" not in text and "123-45-6789" not in text and "alice@example.com" not in text
    assert process(record) == mask(drop(event(record)))


def test_long_integers_are_masked_like_text() -> None:
    """An integer field was written as it was: a card or phone number passed as an int went out in clear."""
    record = _record(card=4111111111111111, phone=2125550143, status=200, size=1234567, ok=True)
    line = process(record)
    assert "4111111111111111" not in repr(line) and "2125550143" not in repr(line)
    assert line["status"] == 200 and line["ok"] is True and line["size"] == "1234567"
    assert process(record) == mask(drop(event(record)))
