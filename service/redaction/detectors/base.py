"""What a recognizer is: a cheap gate, a pattern, a validator and context words.

Candidates are plain tuples `(start, end, score, entity_type)` in normalised-view coordinates (tuples
keep the hot path allocation-light). Recognizers never see or keep anything beyond one call.

Gates: most texts hold no value of most types, so each recognizer first asks a question the text can
answer in C (a substring test, a word-set test, or a substring test on a byte-class map of the view,
see `ScanContext.ascii_map`) and skips its regex scan when the answer is no. Every gate is a NECESSARY
condition of the recognizer's own pattern (it may pass texts with nothing to find, never the reverse),
so a gate changes speed only, never findings; a view that is not pure ASCII gets no map and every gate
that needs one passes (Unicode digits and letters match the regex classes and `isalnum`, not an ASCII
class).

Two more devices change speed only: on an ASCII view, a pattern that starts with [A-Z] or [0-9] runs
on the shape map (`SHAPE`) with that class written as a literal, which finds the same spans with a far
faster scan; and a pattern that starts with a lookbehind (which would make a scan try every position)
is tried only at the few positions where one of its matches can start, leftmost first and past the
previous match, which is exactly what a scan of the whole text finds (e-mail, scheme URLs, bech32).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

Candidate = tuple[int, int, float, str]
_ALPHA_ONLY = bytes(c if 97 <= c <= 122 else 32 for c in range(256))
_PLACEHOLDER = re.compile(r"<(?:enc:)?[a-z][a-z0-9_]*(?:_\d+|:[0-9a-z_=-]+)?>?")


def byte_classes(classes: dict[str, str], other: str = "~") -> bytes:
    """A 256-byte `bytes.translate` table: every byte listed in `classes[name]` becomes `name` (one
    character), every other byte `other`. With {"h": hex digits, ":": ":"} an address reads
    "hh:hh:hh:hh:hh:hh", so one `in` test on the map answers "could a MAC be here?"."""
    table = bytearray(other.encode("ascii") * 256)
    for name, members in classes.items():
        if len(name) != 1:
            raise ValueError("class names are single characters")
        for ch in members:
            table[ord(ch)] = ord(name)
    return bytes(table)


def class_runs(classes: bytes, member: bytes, n: int, other: bytes = b"~") -> list[tuple[int, int]]:
    """(start, end) of every run of `n` or more `member` bytes in a byte-class map that holds only
    `member` and `other` (see `byte_classes`), found with C-level `find` calls only."""
    out = []
    needle = member * n
    p = classes.find(needle)
    while p >= 0:  # p starts a run: it is 0 or follows an `other` byte (the previous run's end)
        e = classes.find(other, p + n)
        if e < 0:
            e = len(classes)
        out.append((p, e))
        p = classes.find(needle, e)
    return out


def context_regex(words: Sequence[str]) -> re.Pattern[str]:
    """Whole-word, lower-case search for any of `words` (so "tel" does not fire inside "hotel")."""
    alts = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?<![a-z0-9])(?:" + alts + r")(?![a-z0-9])")


# The shape map: every capital A-Z reads "A", every digit "0", every other byte stays itself. A regex
# whose pattern starts with [A-Z] or [0-9] and is rewritten with "A"/"0" for those classes finds exactly
# the same spans in the shape of an ASCII text, but starts with a literal, which the regex engine scans
# for far faster than for a character class.
SHAPE = bytes(65 if 65 <= c <= 90 else 48 if 48 <= c <= 57 else c for c in range(256))


class ScanContext:
    """One text being scanned; derived views are computed at most once and shared by recognizers."""

    __slots__ = ("text", "_lower", "_words", "_ascii", "_maps")

    def __init__(self, text: str):
        self.text = text
        self._lower: str | None = None
        self._words: set[str] | None = None
        self._ascii: bytes | None = None
        self._maps: dict[bytes, bytes] | None = None

    def ascii_map(self, table: bytes) -> bytes | None:
        """The view's bytes translated through `table` (see `byte_classes`), one byte per character, or
        None when the view is not pure ASCII (offsets would not line up and Unicode digits/letters
        would fall outside the ASCII classes): callers then treat every gate as passed."""
        maps = self._maps
        if maps is None:
            if not self.text.isascii():
                return None
            maps = self._maps = {}
            self._ascii = self.text.encode("ascii")
        m = maps.get(table)
        if m is None:
            m = maps[table] = self._ascii.translate(table)  # type: ignore[union-attr]
        return m

    @property
    def shape(self) -> bytes | None:
        """`ascii_map(SHAPE)`: the ASCII view with A-Z as "A" and 0-9 as "0" (None if not ASCII)."""
        return self.ascii_map(SHAPE)

    @property
    def words(self) -> set[str]:
        """Distinct lower-case [a-z]+ words (identifiers split at _ and digits): cheap set gates."""
        if self._words is None:
            self._words = set(self.lower.encode("utf-8", "surrogatepass").translate(_ALPHA_ONLY)
                              .decode("ascii").split())
        return self._words

    @property
    def lower(self) -> str:
        if self._lower is None:
            low = self.text.lower()
            # str.lower can change the length of a few non-ASCII characters; keep offsets aligned.
            if len(low) != len(self.text):
                low = "".join(c.lower() if len(c.lower()) == 1 else c for c in self.text)
            self._lower = low
        return self._lower

    def context_before(self, start: int, width: int = 40) -> str:
        """Lower-case text before `start`; our own placeholders (<phone_number_2>) are blanked so
        redacted output never supplies context on a second pass."""
        seg = self.lower[max(0, start - width):start]
        if "<" in seg:
            seg = _PLACEHOLDER.sub(" ", seg)
        return seg


class Recognizer:
    """Base class: subclasses set `entities` and implement `find`."""

    name: str = "recognizer"
    entities: tuple[str, ...] = ()

    def find(self, ctx: ScanContext) -> Iterable[Candidate]:  # pragma: no cover - interface
        raise NotImplementedError


class PatternRecognizer(Recognizer):
    """A regex whose matches are kept when `validate(match, ctx)` returns a score (None drops it).

    `gate` is a tuple of substrings of which at least one must occur in the text (or, with
    `gate_lower`, in its lower-case form) before the regex runs at all; `group` picks the span;
    a `context` word (whole word, within 40 characters before) adds `context_boost` to the score.
    """

    def __init__(
        self,
        name: str,
        entity: str,
        pattern: re.Pattern[str],
        score: float = 0.85,
        gate: tuple[str, ...] = (),
        gate_lower: bool = False,
        validate: Callable[[re.Match[str], ScanContext], float | None] | None = None,
        group: int | str = 0,
        context: Sequence[str] = (),
        context_boost: float = 0.15,
    ):
        self.name = name
        self.entity = entity
        self.pattern = pattern
        self.score = score
        self.gate = gate
        self.gate_lower = gate_lower
        self.validate = validate
        self.group = group
        self.context = tuple(context)
        self.context_boost = context_boost
        self._context_re = context_regex(self.context) if self.context else None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, entity={self.entity!r})"

    @property
    def entities(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.entity,)

    def find(self, ctx: ScanContext) -> Iterable[Candidate]:
        if self.gate:
            hay = ctx.lower if self.gate_lower else ctx.text
            for g in self.gate:
                if g in hay:
                    break
            else:
                return ()
        out: list[Candidate] = []
        for m in self.pattern.finditer(ctx.text):
            if self.validate is not None:
                score = self.validate(m, ctx)
                if score is None:
                    continue
            else:
                score = self.score
            s, e = m.span(self.group)
            if s == e:
                continue
            if self._context_re is not None and score < 1.0:
                if self._context_re.search(ctx.context_before(s)):
                    score = min(1.0, score + self.context_boost)
            out.append((s, e, score, self.entity))
        return out
