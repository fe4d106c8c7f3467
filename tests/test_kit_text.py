"""`kit.text.dumps_utf8` and `dumps_surrogatepass` write (through pydantic-core) the JSON the stdlib
encoder wrote before: the same bytes for every JSON value without a float of small exponent, the same
value to any reader for those, and exactly the stdlib's bytes where pydantic-core refuses (a lone
surrogate, very deep nesting)."""

from __future__ import annotations

import json
import math
import random

import pytest

from service.kit.text import _ascii_json, compact_json, dumps_surrogatepass, dumps_utf8


def _old_dumps_utf8(obj: object) -> bytes:
    try:
        return compact_json(obj).encode("utf-8")
    except UnicodeEncodeError:
        return _ascii_json(obj).encode("ascii")


def _old_surrogatepass(obj: object) -> bytes:
    return compact_json(obj).encode("utf-8", "surrogatepass")


_CHARS = "aZ09 _-<>/\\\"'\n\t\r\b\f\x00\x1f\x7f\u00e9\u00df\u4e2d\u2028\u2029\U0001f600\ufeff"


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(_CHARS) for _ in range(rng.randrange(0, 12)))


def _number(rng: random.Random, floats: bool) -> object:
    kind = rng.randrange(6 if floats else 3)
    if kind == 0:
        return rng.randrange(-10**6, 10**6)
    if kind == 1:
        return rng.choice([0, -1, 2**63, -2**70, 10**30, True, False])
    if kind == 2:
        return None
    if kind == 3:
        return round(rng.random(), rng.randrange(1, 5))  # scores
    if kind == 4:
        return rng.uniform(-1, 1) * 10 ** rng.randrange(-30, 30)
    return rng.choice([0.0, -0.0, 1.0, 1e15, 1e16, 1e-4, 1e-5, 5e-324, 1.7976931348623157e308, math.nan, math.inf,
                       -math.inf, 0.1 + 0.2])


def _value(rng: random.Random, depth: int, floats: bool) -> object:
    kind = rng.randrange(4) if depth < 4 else 3
    if kind == 0:
        return {_text(rng): _value(rng, depth + 1, floats) for _ in range(rng.randrange(4))}
    if kind == 1:
        return [_value(rng, depth + 1, floats) for _ in range(rng.randrange(4))]
    if kind == 2:
        return _text(rng)
    return _number(rng, floats)


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("seed", range(8))
def test_json_values_without_small_floats_get_the_same_bytes(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(500):
        value = _value(rng, 0, floats=False)
        assert dumps_utf8(value) == _old_dumps_utf8(value)
        assert dumps_surrogatepass(value) == _old_surrogatepass(value)


@pytest.mark.parametrize("seed", range(8))
def test_json_values_with_any_floats_read_back_the_same(seed: int) -> None:
    rng = random.Random(1000 + seed)
    for _ in range(500):
        value = _value(rng, 0, floats=True)
        assert _same(json.loads(dumps_utf8(value)), json.loads(_old_dumps_utf8(value)))
        assert _same(json.loads(dumps_surrogatepass(value)), json.loads(_old_surrogatepass(value)))


def test_floats_differ_only_in_how_small_exponents_are_written() -> None:
    rng = random.Random(7)
    for _ in range(20_000):
        x = rng.uniform(-1, 1) * 10 ** rng.randrange(-320, 309)
        new, old = dumps_utf8(x), _old_dumps_utf8(x)
        assert float(new) == float(old)
        if new != old:
            assert "e-" in old.decode()


@pytest.mark.parametrize("value", ["\ud800", {"text": "a\udfffb"}, ["ok", {"k": "\ud83d"}]])
def test_lone_surrogates_are_written_as_before(value: object) -> None:
    assert dumps_utf8(value) == _old_dumps_utf8(value)
    assert dumps_surrogatepass(value) == _old_surrogatepass(value)
    assert _same(json.loads(dumps_surrogatepass(value)), value)


def test_deep_nesting_is_written_as_before() -> None:
    value: object = "leaf"
    for _ in range(400):
        value = {"a": [value]}
    assert dumps_utf8(value) == _old_dumps_utf8(value)
    assert dumps_surrogatepass(value) == _old_surrogatepass(value)


def test_a_record_envelope_and_a_response() -> None:
    envelope = {"record_id": "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "raw": False,
                "content": {"input": "Hi <PERSON_1>, café \u2028 ok",
                            "output": {"label": "positive", "score": 0.3612,
                                       "scores": {"positive": 0.153, "neutral": 0.847, "negative": 0.0}}}}
    assert dumps_surrogatepass(envelope) == _old_surrogatepass(envelope)
    response = {"text": "<PERSON> wrote", "entities": [{"entity_type": "PERSON", "start": 0, "end": 5,
                                                        "score": 0.85, "replacement": "<PERSON>"}]}
    assert dumps_utf8(response) == _old_dumps_utf8(response)
