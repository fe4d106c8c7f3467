"""The redaction domain's service: what routes and other domains call.

Contract: text in, redacted text and findings out; never a value in an error or a log line.

Off the event loop. Detection is CPU-bound and linear in the text (tests/redaction/test_linear.py), so a
text of up to `OffloadPool.threshold` characters (GATEWAY_REDACTION_OFFLOAD_CHARS; chosen so that even
the worst adversarial text of that size is scanned in about 10 ms) is redacted in the calling coroutine,
and a longer one in a worker process of `OffloadPool` (offload.py), with a deadline: past it the worker
is killed and replaced and the caller gets `RedactionTimeout` (503 `redaction_timeout`, nothing of the
text in it). No path ever returns the text unredacted. Calls that carry state (a pseudonym vault, a
client's encryption key) ship it to the worker and take the vault back, so results are identical to
in-process ones. Many small in-process calls in a row (chat messages, batch items) yield to the loop
after every `threshold` characters of work, so no stretch holds the loop much longer than one call.
Without a pool (unit tests, tools), long texts go to a thread, as before.
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
from service.errors import RedactionTimeout
from service.redaction.offload import OFFLOAD_CHARS, OffloadPool

__all__ = ["Finding", "OperatorError", "OperatorKeys", "OperatorSpec", "RedactionEngine", "RedactionResult",
           "RedactionTimeout", "Vault", "counts", "decrypt_text", "OutputFilter", "OffloadPool", "redact", "analyze"]

_since_yield = 0  # characters scanned in-process since this process last yielded to the loop


async def _in_process_done(chars: int, threshold: int) -> None:
    global _since_yield
    _since_yield += chars
    if _since_yield > threshold:
        _since_yield = 0
        await asyncio.sleep(0)


async def redact(engine: RedactionEngine, text: str, *, entities: Iterable[str] | None = None,
                 allow_list: Sequence[str] = (), operator: OperatorSpec | None = None,
                 keys: OperatorKeys | None = None, vault: Vault | None = None,
                 pool: OffloadPool | None = None) -> RedactionResult:
    threshold = pool.threshold if pool is not None else OFFLOAD_CHARS
    if len(text) > threshold:
        if pool is not None:
            return await pool.redact(text, entities, allow_list, operator, keys, vault)
        return await asyncio.to_thread(engine.redact, text, entities, allow_list, operator, keys, vault)
    result = engine.redact(text, entities, allow_list, operator, keys, vault)
    await _in_process_done(len(text), threshold)
    return result


async def analyze(engine: RedactionEngine, text: str, *, entities: Iterable[str] | None = None,
                  allow_list: Sequence[str] = (), pool: OffloadPool | None = None) -> list[Finding]:
    threshold = pool.threshold if pool is not None else OFFLOAD_CHARS
    if len(text) > threshold:
        if pool is not None:
            return await pool.analyze(text, entities, allow_list)
        return await asyncio.to_thread(engine.analyze, text, entities, allow_list)
    found = engine.analyze(text, entities, allow_list)
    await _in_process_done(len(text), threshold)
    return found


def counts(entity_types: Iterable[str]) -> list[dict[str, Any]]:
    """[{"entity_type", "count"}] sorted by type: what a response may say about what was removed."""
    return [{"entity_type": t, "count": n} for t, n in sorted(Counter(entity_types).items())]


class OutputFilter:
    """Turns model output into what the caller may see: PII the model made up itself is replaced by
    `<TYPE>`, then the caller's own values come back in place of the vault's placeholders.

    `finish`/`spans` scan in the calling thread (for code that is not on the event loop); the server
    uses `afinish`/`aspans`, which go through `redact`/`analyze` above (pool and deadline included)."""

    def __init__(self, engine: RedactionEngine, vault: Vault, pool: OffloadPool | None = None) -> None:
        self.engine = engine
        self.vault = vault
        self.pool = pool
        self.found: Counter[str] = Counter()
        # What the model said with every value still a placeholder: the form that may be stored.
        self.redacted: dict[str, list[str]] = {}

    def finish(self, text: str, channel: str = "0", context: str = "") -> str:
        """Filter `text`; `context` is raw text that came right before it (already sent), which the
        detector reads too, so a value introduced there ("password is ...") is still recognised."""
        if not text:
            return text
        if not context:
            return self._keep(self.engine.redact(text), channel)
        return self._replace(text, len(context), self.engine.analyze(context + text), channel)

    async def afinish(self, text: str, channel: str = "0", context: str = "") -> str:
        """`finish`, off the event loop for long texts."""
        if not text:
            return text
        if not context:
            return self._keep(await redact(self.engine, text, pool=self.pool), channel)
        found = await analyze(self.engine, context + text, pool=self.pool)
        return self._replace(text, len(context), found, channel)

    def _keep(self, result: RedactionResult, channel: str) -> str:
        self.found.update(item.entity_type for item in result.items)
        self.redacted.setdefault(channel, []).append(result.text)
        return self.vault.restore(result.text)

    def _replace(self, text: str, offset: int, findings: list[Finding], channel: str) -> str:
        parts, pos = [], 0
        for f in findings:
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

    async def aspans(self, text: str) -> list[tuple[int, int]]:
        return [(f.start, f.end) for f in await analyze(self.engine, text, pool=self.pool)]


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
