"""Restoring placeholders and redacting model-made PII in a streamed reply, without buffering it.

`StreamGuard` sits on one text channel of a stream (a choice's content, or one tool call's arguments).
It emits text as soon as it is safe and holds back only a short tail:
- anything from an unclosed `<` that could still become a placeholder (`<TYPE_N>`), so a placeholder
  split across chunks is restored whole;
- the last `HOLD` characters, plus any detected value that reaches into them, so that PII the model
  itself writes is seen whole by the detector before any of it leaves.
At the end of the stream everything left is checked and emitted. Held text is bounded by `HOLD` plus
one value or placeholder, never the whole reply.
"""

from __future__ import annotations

import re
from collections.abc import Callable

HOLD = 48
_PLACEHOLDER_START = re.compile(r"<[A-Z0-9_]{0,64}$")

# (text) -> (redacted text with model-made PII replaced and vault placeholders restored, findings)
Finisher = Callable[[str], str]
Analyzer = Callable[[str], list[tuple[int, int]]]


class StreamGuard:
    __slots__ = ("_pending", "_finish", "_analyze")

    def __init__(self, finish: Finisher, analyze: Analyzer) -> None:
        self._pending = ""
        self._finish = finish
        self._analyze = analyze

    def feed(self, text: str) -> str:
        """Add streamed text; returns what may be sent now (possibly empty)."""
        self._pending += text
        pending = self._pending
        if len(pending) <= HOLD:
            return ""
        cut = len(pending) - HOLD
        # never split a detected value: cut before any finding that reaches past the cut
        for start, end in self._analyze(pending):
            if start < cut < end:
                cut = start
                break
        # never split something that may still become a placeholder
        opened = pending.rfind("<", 0, cut)
        if opened != -1 and ">" not in pending[opened:cut] and _PLACEHOLDER_START.match(pending[opened:cut]):
            cut = opened
        if cut <= 0:
            return ""
        head, self._pending = pending[:cut], pending[cut:]
        return self._finish(head)

    def flush(self) -> str:
        head, self._pending = self._pending, ""
        return self._finish(head) if head else ""
