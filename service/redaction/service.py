"""The redaction domain's service: what routes and other domains call.

Contract: text in, redacted text and findings out; never a value in an error or a log line. Detection
is CPU-bound and holds the event loop while it runs, so texts over `OFFLOAD_CHARS` go elsewhere:
- to `OffloadPool`, one worker process with its own engine, when the call needs no per-request state
  (a vault or a client's encryption key): the scan then runs in parallel and holds neither the event
  loop nor the interpreter lock that the rest of the server (database driver threads included) needs;
- otherwise to a worker thread, where the interpreter still switches back to the loop every few
  milliseconds. Sizes are bounded by `GATEWAY_MAX_TEXT_CHARS`.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from service.redaction.engine import (Finding, OperatorError, OperatorKeys, OperatorSpec, RedactionEngine,
                                      RedactionResult, Vault, decrypt_text)

__all__ = ["Finding", "OperatorError", "OperatorKeys", "OperatorSpec", "RedactionEngine", "RedactionResult",
           "Vault", "counts", "decrypt_text", "OutputFilter", "OffloadPool", "redact", "analyze"]

OFFLOAD_CHARS = 16_384
_CHILD_ENGINE: RedactionEngine | None = None


def _init_child(recognizers_file: str | None) -> None:
    global _CHILD_ENGINE
    _CHILD_ENGINE = build_engine(recognizers_file)


def _child_redact(text: str, entities: list[str] | None, allow_list: list[str], operator: OperatorSpec | None,
                  hmac_key: bytes | None) -> RedactionResult:
    assert _CHILD_ENGINE is not None
    return _CHILD_ENGINE.redact(text, entities, allow_list, operator, OperatorKeys(hmac_key=hmac_key))


class OffloadPool:
    """One lazily started worker process (spawned, so it shares nothing with the server's threads)."""

    def __init__(self, recognizers_file: str | None) -> None:
        self._file = recognizers_file
        self._executor: ProcessPoolExecutor | None = None

    def _ensure(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_init_child, initargs=(self._file,))
        return self._executor

    async def redact(self, text: str, entities: Iterable[str] | None, allow_list: Sequence[str],
                     operator: OperatorSpec | None, hmac_key: bytes | None) -> RedactionResult:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._ensure(), _child_redact, text,
                                              list(entities) if entities is not None else None, list(allow_list),
                                              operator, hmac_key)
        except BrokenProcessPool:
            self._executor = None  # the next call starts a fresh worker
            raise

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


async def redact(engine: RedactionEngine, text: str, *, entities: Iterable[str] | None = None,
                 allow_list: Sequence[str] = (), operator: OperatorSpec | None = None,
                 keys: OperatorKeys | None = None, vault: Vault | None = None,
                 pool: OffloadPool | None = None) -> RedactionResult:
    if len(text) > OFFLOAD_CHARS:
        stateless = vault is None and (keys is None or keys.fernet is None) and \
            (operator is None or operator.type != "pseudonymize")
        if pool is not None and stateless:
            try:
                return await pool.redact(text, entities, allow_list, operator, keys.hmac_key if keys else None)
            except BrokenProcessPool:
                pass  # a crashed worker: fall back to a thread for this call
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
