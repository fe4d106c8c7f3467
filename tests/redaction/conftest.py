"""Shared fixtures for the redaction engine tests (the engine is built once: it loads name lists)."""

from __future__ import annotations

import pytest

from service.redaction.engine import RedactionEngine


@pytest.fixture(scope="session")
def engine() -> RedactionEngine:
    return RedactionEngine.default()


def types_of(engine: RedactionEngine, text: str) -> list[tuple[str, str]]:
    return [(f.entity_type, text[f.start:f.end]) for f in engine.analyze(text)]
