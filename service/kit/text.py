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


def dumps_utf8(obj: Any) -> bytes:
    try:
        return compact_json(obj).encode("utf-8")
    except UnicodeEncodeError:
        return _ascii_json(obj).encode("ascii")
