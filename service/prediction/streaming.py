"""Restoring placeholders and redacting model-made PII in a streamed reply, without buffering it.

`StreamGuard` sits on one text channel of a stream (a choice's content, or one tool call's arguments).
It sends text as soon as no value can still be growing across the cut, and holds back only:
- the last, unfinished token (it may yet become an address, a number or a key);
- a short trailing run of *suspicious* complete tokens: ones with digits or `@`, capitalised words
  that could start a name, the connectors of spelled-out addresses (`at`, `dot`) with the word before
  them, and context words (`password`, `phone`, ...) together with what follows them;
- any detected value that reaches into the held tail, and anything from an unclosed `<` that could
  still become a vault placeholder (`<TYPE_N>`), so a placeholder split across chunks is restored whole.
Everything sent is first checked by the detector with its full preceding context in the same piece.
Plain prose therefore flows token by token, while a value being written is held until it is complete.

One exception to holding the unfinished token: the reply's very first token, when it is one of the
common words below (ASCII letters only, no punctuation, not a connector or context word), is sent at
once. A reply's first token is usually such a word ("Sure", "The", "You"), and holding it would delay
the first token by a whole inter-token gap of the model; later tokens keep the usual hold. The cost,
accepted deliberately: if the model was in fact writing a longer value that begins with that word
("The" + "odore Smith"), the caller sees the word glued to the placeholder ("The<PERSON>"); the rest
of the value is still detected with the sent word as its context and redacted, so no complete value
and nothing beyond that one common word is disclosed.

At the end everything left is checked and sent. What is held is bounded (`MAX_HOLD` characters plus
one value or placeholder).

`feed`/`flush` call the detector directly; `afeed`/`aflush` await it (the server passes callbacks that
redact long pieces in a worker process, see service/redaction/service.py), with the same decisions.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

MAX_HOLD = 96
TAIL_TOKENS = 4
_PLACEHOLDER_START = re.compile(r"<[A-Z0-9_]{0,64}$")
_TOKEN = re.compile(r"\S+")
_PUNCT = ".,;:!?\"'()[]{}"
_CONNECTORS = frozenset({"at", "dot", "[at]", "(at)", "{at}", "[dot]", "(dot)", "{dot}", "@", "."})
_CONTEXT = frozenset({
    "password", "passwd", "pwd", "pass", "secret", "token", "key", "apikey", "api_key", "ssn", "iban", "card",
    "phone", "tel", "mobile", "email", "e-mail", "mail", "dob", "born", "birth", "account", "pin", "name",
    "address", "passport", "license", "licence", "social", "security", "number", "no", "nr", "id",
})
# Common words: capitalised, they start sentences far more often than they name anyone; none of
# them is plausibly the first part of an address, so they need no look-ahead.
_STARTERS = frozenset("""
a an and as at be but by can do does for from he her here hi his how i if in is it its let my no not
of ok okay on or our please she so sure thanks thank that the their then there these they this to
today we well what when where which who why will with yes you your yes note first next finally also
however sorry hello great certainly of course here's i'm it's that's there's let's you're we're
are was were been has have had would could should may might must shall about after all any because
before between both each few more most other some such than too very just only own same into over
under again further once during out up down off above below through said says say
""".split())

CONTEXT_CHARS = 64
# (text already sent, raw; text to send now) -> what the caller may see of the latter
Finisher = Callable[[str, str], str]
Analyzer = Callable[[str], list[tuple[int, int]]]
AsyncFinisher = Callable[[str, str], Awaitable[str]]
AsyncAnalyzer = Callable[[str], Awaitable[list[tuple[int, int]]]]


class _NeedSpans(Exception):
    """`_cut` wants the detector's spans: the async path fetches them and cuts again."""


def _need_spans(text: str) -> list[tuple[int, int]]:
    raise _NeedSpans


def _suspicious(token: str) -> bool:
    bare = token.strip(".,;:!?\"'()[]{}").lower()
    if any(ch.isdigit() for ch in token) or "@" in token or "_" in token or "/" in token:
        return True
    if bare in _CONNECTORS:
        return True
    first = next((ch for ch in token if ch.isalpha()), "")
    return first.isupper() and bare not in _STARTERS


def _common_word(token: str) -> bool:
    word = token.lower()
    return token.isalpha() and token.isascii() and word in _STARTERS and word not in _CONNECTORS and word not in _CONTEXT


class StreamGuard:
    __slots__ = ("_pending", "_sent", "_finish", "_analyze")

    def __init__(self, finish: Finisher | AsyncFinisher, analyze: Analyzer | AsyncAnalyzer) -> None:
        self._pending = ""
        self._sent = ""  # the raw end of what was already sent: left context for the detector
        self._finish = finish
        self._analyze = analyze

    def feed(self, text: str) -> str:
        """Add streamed text; returns what may be sent now (possibly empty)."""
        self._pending += text
        cut = self._cut(self._pending, self._analyze)  # type: ignore[arg-type]
        if cut <= 0:
            return ""
        head, self._pending = self._pending[:cut], self._pending[cut:]
        return self._send(head)

    def flush(self) -> str:
        head, self._pending = self._pending, ""
        return self._send(head) if head else ""

    async def afeed(self, text: str) -> str:
        """`feed` with awaitable callbacks."""
        self._pending += text
        try:
            cut = self._cut(self._pending, _need_spans)
        except _NeedSpans:
            spans = await self._analyze(self._pending)  # type: ignore[misc]
            cut = self._cut(self._pending, lambda _: spans)
        if cut <= 0:
            return ""
        head, self._pending = self._pending[:cut], self._pending[cut:]
        return await self._asend(head)

    async def aflush(self) -> str:
        head, self._pending = self._pending, ""
        return await self._asend(head) if head else ""

    def _send(self, head: str) -> str:
        out = self._finish(self._sent, head)
        self._sent = (self._sent + head)[-CONTEXT_CHARS:]
        return out  # type: ignore[return-value]

    async def _asend(self, head: str) -> str:
        out = await self._finish(self._sent, head)  # type: ignore[misc]
        self._sent = (self._sent + head)[-CONTEXT_CHARS:]
        return out

    def _cut(self, pending: str, analyze: Analyzer) -> int:
        tokens = [m.span() for m in _TOKEN.finditer(pending)]
        if not tokens:
            return len(pending)
        # the last token is unfinished unless whitespace follows it; the last finished one is held too,
        # because what comes next may join it ("john" + " at example dot com")
        complete = tokens if pending[-1].isspace() else tokens[:-1]
        cut = len(pending) if pending[-1].isspace() else tokens[-1][0]
        if complete:
            last = pending[complete[-1][0]:complete[-1][1]]
            if last.strip(_PUNCT).lower() not in _STARTERS:  # a common word cannot start an address
                cut = min(cut, complete[-1][0])
        # a run of suspicious tokens reaching the end may be one value still being written
        # ("DE89 3704 0044 ...", "+1 415 555 ..."): hold all of it
        i = len(complete) - 1
        while i >= 0 and _suspicious(pending[complete[i][0]:complete[i][1]]):
            cut = min(cut, complete[i][0])
            bare = pending[complete[i][0]:complete[i][1]].strip(".,;:!?\"'()[]{}").lower()
            if bare in _CONNECTORS and i > 0:  # "john at", "example dot": the word before goes along
                cut = min(cut, complete[i - 1][0])
            i -= 1
        # a context word holds itself and everything after it for a few tokens ("password is ...")
        for start, end in complete[-TAIL_TOKENS:]:
            if pending[start:end].strip(".,;:!?\"'()[]{}").lower() in _CONTEXT:
                cut = min(cut, start)
                break
        cut = max(cut, len(pending) - MAX_HOLD)
        # never split a detected value
        if cut < len(pending):
            for start, end in analyze(pending):
                if start < cut < end:
                    cut = start
                    break
        # never split something that may still become a placeholder
        opened = pending.rfind("<", 0, cut)
        if opened != -1 and ">" not in pending[opened:cut] and _PLACEHOLDER_START.match(pending[opened:cut]):
            cut = opened
        if (cut == tokens[-1][0] and not pending[-1].isspace() and not self._sent.strip()
                and not pending[:cut].strip() and _common_word(pending[cut:])):
            cut = len(pending)  # the reply's first word, unfinished but common: send it now (docstring)
        return cut
