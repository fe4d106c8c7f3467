"""Shared fixtures for the redaction engine tests (the engine is built once: it loads name lists)."""

from __future__ import annotations

import pytest

from service.redaction.engine import RedactionEngine


@pytest.fixture(scope="session")
def engine() -> RedactionEngine:
    return RedactionEngine.default()


def types_of(engine: RedactionEngine, text: str) -> list[tuple[str, str]]:
    return [(f.entity_type, text[f.start:f.end]) for f in engine.analyze(text)]


def cost_ratio(fn, small: str, large: str, limit: float = 24.0, min_time: float = 0.02, tries: int = 3) -> float:
    """CPU-time ratio of `fn(large)` to `fn(small)` per call (linear in 16 times the input: about 16).

    Made for a shared, noisy machine as tests/redaction/test_linear.py is: process time only, garbage
    collection off, each figure the best of three measurements of at least `min_time` (calls repeated), and
    a ratio above `limit` measured again, up to `tries` times, the smallest counting."""
    import gc
    import time

    def cost(text: str) -> float:
        best = float("inf")
        for _ in range(3):
            calls, t0 = 0, time.process_time()
            while True:
                fn(text)
                calls += 1
                spent = time.process_time() - t0
                if spent >= min_time:
                    break
            best = min(best, spent / calls)
        return best

    ratio = float("inf")
    gc.disable()
    try:
        for _ in range(tries):
            ratio = min(ratio, cost(large) / cost(small))
            if ratio < limit:
                break
    finally:
        gc.enable()
    return ratio
