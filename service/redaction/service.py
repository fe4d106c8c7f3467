"""The redaction domain's service: what routes and other domains call.

Contract: text in, redacted text and findings out; never a value in an error or a log line. Detection
is CPU-bound and holds the event loop while it runs, so texts over `OFFLOAD_CHARS` are redacted in a
worker thread: the interpreter then switches back to the loop every few milliseconds, and small
requests keep flowing while a large one is scanned (bounded by `GATEWAY_MAX_TEXT_CHARS`).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from service.redaction.engine import (Finding, OperatorError, OperatorKeys, OperatorSpec, RedactionEngine,
                                      RedactionResult, Vault, decrypt_text)

__all__ = ["Finding", "OperatorError", "OperatorKeys", "OperatorSpec", "RedactionEngine", "RedactionResult",
           "Vault", "counts", "decrypt_text", "OutputFilter", "redact", "analyze"]

OFFLOAD_CHARS = 16_384


async def redact(engine: RedactionEngine, text: str, *, entities: Iterable[str] | None = None,
                 allow_list: Sequence[str] = (), operator: OperatorSpec | None = None,
                 keys: OperatorKeys | None = None, vault: Vault | None = None) -> RedactionResult:
    if len(text) > OFFLOAD_CHARS:
        return await asyncio.to_thread(engine.redact, text, entities, allow_list, operator, keys, vault)
    return engine.redact(text, entities, allow_list, operator, keys, vault)


async def analyze(engine: RedactionEngine, text: str, *, entities: Iterable[str] | None = None,
                  allow_list: Sequence[str] = ()) -> list[Finding]:
    if len(text) > OFFLOAD_CHARS:
        return await asyncio.to_thread(engine.analyze, text, entities, allow_list)
    return engine.analyze(text, entities, allow_list)


def counts(entity_types: Iterable[str]) -> list[dict[str, Any]]:
    """[{"entity_type", "count"}] sorted by type: what a response may say about what was removed."""
    return [{"entity_type": t, "count": n} for t, n in sorted(Counter(entity_types).items())]


class OutputFilter:
    """Turns model output into what the caller may see: PII the model made up itself is replaced by
    `<TYPE>`, then the caller's own values come back in place of the vault's placeholders."""

    def __init__(self, engine: RedactionEngine, vault: Vault) -> None:
        self.engine = engine
        self.vault = vault
        self.found: Counter[str] = Counter()
        # What the model said with every value still a placeholder: the form that may be stored.
        self.redacted: dict[str, list[str]] = {}

    def finish(self, text: str, channel: str = "0", context: str = "") -> str:
        """Filter `text`; `context` is raw text that came right before it (already sent), which the
        detector reads too, so a value introduced there ("password is ...") is still recognised."""
        if not text:
            return text
        if not context:
            result = self.engine.redact(text)
            redacted = result.text
            self.found.update(item.entity_type for item in result.items)
        else:
            offset = len(context)
            parts, pos = [], 0
            for f in self.engine.analyze(context + text):
                if f.end <= offset:
                    continue
                start = max(f.start - offset, 0)
                parts.append(text[pos:start])
                parts.append(f"<{f.entity_type}>")
                pos = f.end - offset
                self.found[f.entity_type] += 1
            parts.append(text[pos:])
            redacted = "".join(parts)
        self.redacted.setdefault(channel, []).append(redacted)
        return self.vault.restore(redacted)

    def redacted_text(self, channel: str = "0") -> str:
        return "".join(self.redacted.get(channel, ()))

    def spans(self, text: str) -> list[tuple[int, int]]:
        return [(f.start, f.end) for f in self.engine.analyze(text)]


def hash_operator_key(pepper: bytes) -> bytes:
    """The deployment's key for the hash operator, derived from the pepper (never the pepper itself)."""
    return hmac.new(pepper, b"redaction-hash-operator", hashlib.sha256).digest()


def build_engine(recognizers_file: str | None) -> RedactionEngine:
    """The engine with this deployment's custom recognizers; a bad file is a ConfigError (one line)."""
    from service.config import ConfigError

    try:
        return RedactionEngine.default(recognizers_file)
    except Exception as exc:  # noqa: BLE001 - CustomRecognizerError and I/O errors alike
        message = str(exc) if type(exc).__name__ == "CustomRecognizerError" else type(exc).__name__
        raise ConfigError(f"GATEWAY_RECOGNIZERS_FILE: {message}") from None
