"""Text that can be carried: valid Unicode in, valid UTF-8 JSON out.

JSON can smuggle unpaired surrogates (`"\\ud800"`), which are not Unicode text: nothing can encode them
as UTF-8, so they would turn a response into a 500 and confuse detectors. Inputs declared as
`UnicodeText` refuse them with 422; `dumps_utf8` writes any JSON value, escaping such characters
instead of failing when one comes from elsewhere (an upstream's reply).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import AfterValidator
from pydantic_core import PydanticSerializationError, to_json


def _valid_unicode(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (it holds an unpaired surrogate)") from None
    return value


UnicodeText = Annotated[str, AfterValidator(_valid_unicode)]


def check_unicode(value: Any) -> None:
    """Raise ValueError if any string inside a JSON-like value is not valid Unicode."""
    if isinstance(value, str):
        _valid_unicode(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            check_unicode(k)
            check_unicode(v)
    elif isinstance(value, list):
        for v in value:
            check_unicode(v)


# Encoders made once: `json.dumps` with options builds a new encoder on every call.
compact_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
"""`compact_json(obj) -> str`: JSON without spaces or escapes beyond what JSON needs."""
_ascii_json = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode


def _fast(obj: Any) -> bytes | None:
    """Compact UTF-8 JSON written by pydantic-core (about five times quicker than the stdlib's encoder on
    a response or a record), or None where it would not write what `compact_json` writes: a lone
    surrogate or nesting too deep for it (both raise). For JSON values (what `json.loads` returns) the
    bytes are `compact_json`'s, except that a float of exponent below -4 is written without the
    exponent's zero padding or in plain decimals (1e-7, 0.00001 for 1e-07, 1e-05): the same number to
    any JSON reader (tests/test_kit_text.py). NaN and infinities stay the stdlib's NaN and Infinity."""
    try:
        return to_json(obj, inf_nan_mode="constants")
    except PydanticSerializationError:
        return None


def dumps_utf8(obj: Any) -> bytes:
    """A JSON value (dicts with string keys, lists, strings, numbers, booleans, None) as compact UTF-8
    JSON; a lone surrogate is written escaped."""
    fast = _fast(obj)
    if fast is not None:
        return fast
    try:
        return compact_json(obj).encode("utf-8")
    except UnicodeEncodeError:
        return _ascii_json(obj).encode("ascii")


def dumps_surrogatepass(obj: Any) -> bytes:
    """`compact_json(obj).encode("utf-8", "surrogatepass")` (what `json.loads` reads back exactly, lone
    surrogates included), quicker for JSON values."""
    fast = _fast(obj)
    return fast if fast is not None else compact_json(obj).encode("utf-8", "surrogatepass")
